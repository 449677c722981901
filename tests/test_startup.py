"""Start-up: `newscli` builds only the command it runs, and behaves as before doing so."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
import typer.main

from conftest import write
from newscli import cli


def newscli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newscli", *args], capture_output=True, text=True,
                          cwd=cwd)


def run_main(monkeypatch, *args: str) -> tuple[int, list[str]]:
    """Run the console entry point in-process; return the exit code and the commands built."""
    built: list[str] = []
    real = typer.main.get_command_from_info

    def counting(info, **kwargs):
        built.append(info.name)
        return real(info, **kwargs)

    monkeypatch.setattr(typer.main, "get_command_from_info", counting)
    monkeypatch.setattr(sys, "argv", ["newscli", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    return exit_info.value.code or 0, built


def test_version_builds_no_command_and_a_command_builds_only_itself(monkeypatch, capsys, tmp_path):
    assert run_main(monkeypatch, "--version") == (0, [])
    assert capsys.readouterr().out.startswith("newscli ")
    code, built = run_main(monkeypatch, "--db", str(tmp_path / "a.db"), "list", "--format", "json")
    assert (code, built) == (1, ["list"])  # no archive yet: exit 1


def imported_by(*args: str, every: bool = False) -> set[str]:
    """The newscli modules (every: all modules) a run of the entry point imports, in a fresh
    interpreter with stdout a pipe."""
    code = (
        "import sys\n"
        "from newscli.cli import main\n"
        f"sys.argv = ['newscli', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    modules = set(result.stderr.splitlines()[-1].split())
    return modules if every else {name for name in modules if name.startswith("newscli")}


def test_version_imports_no_command_module():
    modules = imported_by("--version")
    assert "newscli.cli" in modules
    assert {m for m in modules if m.startswith("newscli.commands.")} <= {"newscli.commands.plain_values"}


def test_a_command_imports_only_its_own_module(tmp_path):
    modules = imported_by("--db", str(tmp_path / "a.db"), "tags")
    commands = {m for m in modules if m.startswith("newscli.commands.")}
    assert "newscli.commands.curation" in commands
    assert not commands & {f"newscli.commands.{m}" for m in ("reading", "importing", "exporting")}


def test_a_piped_search_imports_nothing_heavy(tmp_path):
    write(tmp_path / "in", "a.txt", "A ferry title\n\nA body about the ferry.\n")
    db = str(tmp_path / "a.db")
    assert newscli("--db", db, "import", str(tmp_path / "in"), "-q").returncode == 0
    modules = imported_by("--db", db, "search", "ferry", "--limit", "20", every=True)
    assert "newscli.search" in modules
    heavy = {"rich", "sqlite_utils", "dateutil", "numpy", "datasketch", "pydantic", "hashlib"}
    assert not {name.split(".")[0] for name in modules} & heavy


def test_help_lists_every_command_in_table_order():
    out = newscli("--help").stdout
    positions = [out.index(f"\n  {name} ") for name in cli.COMMANDS]
    assert positions == sorted(positions)


def test_help_of_each_command_matches_its_function():
    from newscli.cli import COMMANDS, build_command, command_function

    for name in COMMANDS:
        command = build_command(name)
        assert command.name == name
        target = command_function(name)
        if isinstance(target, typer.Typer):  # a group (feeds, alerts): each subcommand has help
            assert command.help == target.info.help and command.commands
            for sub in command.commands.values():
                assert sub.callback is not None
                assert sub.callback.__doc__.strip().split("\n")[0] in (sub.help or "")
            continue
        assert command.callback is not None
        assert target.__doc__.strip().split("\n")[0] in (command.help or "")


def test_typo_still_suggests_the_command():
    result = newscli("lis")
    assert result.returncode == 2
    assert "Did you mean 'list'?" in result.stderr


def test_commands_run_through_the_entry_point(tmp_path):
    write(tmp_path / "in", "a.txt", "A title\n\nA body.\n")
    db = str(tmp_path / "a.db")
    assert newscli("--db", db, "import", str(tmp_path / "in"), "-q").returncode == 0
    listed = newscli("--db", db, "list", "--format", "json")
    assert [a["title"] for a in json.loads(listed.stdout)] == ["A title"]
