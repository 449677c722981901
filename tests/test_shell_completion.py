"""--show-completion and --install-completion: the shell named, else the one detected, else a
one-line usage error - whatever $SHELL and the processes above the tests are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import shellingham

NEWSCLI = Path(sys.executable).with_name("newscli")
MARKS = {"bash": "complete -o default -F", "zsh": "#compdef newscli",
         "fish": "complete --command newscli", "powershell": "Register-ArgumentCompleter"}


@pytest.fixture
def shell_is(monkeypatch):
    """Makes shellingham find `name` among the parent processes (None: no shell found)."""
    def detect(name: str | None) -> None:
        def detect_shell(*args, **kwargs):
            if name is None:
                raise shellingham.ShellDetectionFailure()
            return name, f"/bin/{name}"
        monkeypatch.setattr(shellingham, "detect_shell", detect_shell)
    return detect


@pytest.mark.parametrize("shell", list(MARKS))
@pytest.mark.parametrize("detected", ["bash", "zsh", None])
def test_show_completion_prints_the_script_of_the_shell_named(cli, shell_is, shell, detected):
    shell_is(detected)
    result = cli("--show-completion", shell, env={"SHELL": ""})
    assert result.exit_code == 0, result.stderr
    assert MARKS[shell] in result.stdout
    assert [mark for mark in MARKS.values() if mark in result.stdout] == [MARKS[shell]]
    assert result.stderr == ""


def test_show_completion_takes_the_shell_after_an_equals_sign_and_after_db(cli, shell_is):
    shell_is("bash")
    assert MARKS["fish"] in cli("--show-completion=fish").stdout
    assert MARKS["zsh"] in cli("--db", "other.db", "--show-completion", "zsh").stdout


@pytest.mark.parametrize("detected, login, expected", [
    ("zsh", "/bin/bash", "zsh"),      # the shell newscli runs in comes first
    (None, "/usr/bin/fish", "fish"),  # no shell among the parents: the login shell
    ("sh", "/bin/zsh", "zsh"),        # a shell without completion: the login shell
])
def test_show_completion_alone_uses_the_shell_detected_else_the_login_shell(
        cli, shell_is, detected, login, expected):
    shell_is(detected)
    result = cli("--show-completion", env={"SHELL": login})
    assert result.exit_code == 0, result.stderr
    assert MARKS[expected] in result.stdout


@pytest.mark.parametrize("option", ["--show-completion", "--install-completion"])
@pytest.mark.parametrize("detected, login", [(None, None), (None, "/bin/tcsh"), ("sh", "")])
def test_no_shell_to_be_found_is_one_line_naming_the_usage_and_exit_2(
        cli, shell_is, tmp_path, option, detected, login):
    shell_is(detected)
    env = {"HOME": str(tmp_path), "SHELL": login}
    result = cli(option, env=env)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"newscli: error: {option}: cannot tell which shell you are"
                                    f" in; name one, as in `{option} bash` (bash, zsh, fish,"
                                    " powershell) (see ")  # newscli -h; `root -h` in CliRunner
    assert result.stderr.count("\n") == 1 and result.stderr.endswith(" -h)\n")
    assert list(tmp_path.iterdir()) == []  # nothing installed


@pytest.mark.parametrize("option", ["--show-completion", "--install-completion"])
def test_a_shell_without_completion_named_is_a_usage_error(cli, shell_is, tmp_path, option):
    shell_is("bash")
    result = cli(option, "tcsh", env={"HOME": str(tmp_path)})
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"newscli: error: {option}: 'tcsh' is not a shell with ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_install_completion_installs_for_the_shell_named_and_says_so_on_stderr(
        cli, shell_is, tmp_path):
    shell_is(None)
    result = cli("--install-completion", "bash", env={"HOME": str(tmp_path), "SHELL": ""})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    script = tmp_path / ".bash_completions" / "newscli.sh"
    assert result.stderr == f"bash completion installed in {script}; it takes effect in a new shell\n"
    assert MARKS["bash"] in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()


@pytest.mark.parametrize("login", [None, "", "/bin/bash", "/usr/bin/zsh", "/bin/nosuchshell"])
def test_show_completion_bash_works_whatever_shell_env_and_process_tree(tmp_path, login):
    """As a subprocess, so shellingham sees the real parents: the named shell never depends
    on them or on $SHELL."""
    env = {k: v for k, v in os.environ.items() if k != "SHELL"}
    if login is not None:
        env["SHELL"] = login
    result = subprocess.run([str(NEWSCLI), "--show-completion", "bash"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert MARKS["bash"] in result.stdout and result.stderr == ""


def test_install_for_powershell_without_the_program_is_one_line_and_exit_1(cli, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    result = cli("--install-completion", "powershell", env={"HOME": str(home), "PATH": str(empty)})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ("newscli: error: cannot install completion for powershell: the "
                             "program powershell is not installed\n")
    assert list(home.iterdir()) == []
