"""Every command example in README.md runs on the sample articles and exits as the README says.

Each ```sh block runs in a fresh folder beside the samples, against a fresh copy of an archive
of sample_articles/, its lines in order (a line may use what the one before it made); each line
in a shell of its own, pipes to jq, cut and xargs included. Lines that install or develop
newscli rather than use it are listed in NOT_RUN; a new example is run unless it is added
there, with its reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

README = ROOT / "README.md"
NEWSCLI = Path(sys.executable).with_name("newscli")

# Examples that are not newscli at work on an archive, and why they are not run here.
NOT_RUN = {
    "python3 -m venv": "installs newscli",
    "pip install": "installs newscli or Datasette",
    "python -m pytest": "runs this test suite",
    "ruff check": "lints the code",
    "python benchmarks/run.py": "benchmarks take minutes",
    ".venv/bin/python benchmarks/run.py": "benchmarks take minutes",
}
# Examples that exit with something other than 0, as the README says they do.
EXIT_CODES = {
    "newscli rm mayor-race-preview": 2,  # asks on a terminal; without one it refuses (README: rm)
}


def readme_blocks() -> list[list[str]]:
    """The command lines of each of the README's ```sh blocks, comments dropped."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return [[re.sub(r"\s+#\s.*$", "", line).strip() for line in block.splitlines()
             if line.strip()] for block in blocks]


def readme_examples() -> list[str]:
    return [line for block in readme_blocks() for line in block]


def is_run(example: str) -> bool:
    return not any(example.startswith(prefix) for prefix in NOT_RUN)


EXAMPLES = [example for example in readme_examples() if is_run(example)]
BLOCKS = [run for run in ([e for e in block if is_run(e)] for block in readme_blocks()) if run]


def test_the_readme_has_examples_and_every_skipped_one_is_listed():
    examples = readme_examples()
    assert len(EXAMPLES) > 50
    assert all(e.startswith(("newscli ", "NEWSCLI_DB=", "EDITOR=")) for e in EXAMPLES), [
        e for e in EXAMPLES if not e.startswith(("newscli ", "NEWSCLI_DB=", "EDITOR="))]
    assert len(examples) - len(EXAMPLES) <= 12  # the install and development lines only


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """An archive of the sample articles, made once and copied for each example."""
    db = tmp_path_factory.mktemp("readme") / "archive.db"
    made = subprocess.run([str(NEWSCLI), "--db", str(db), "import", str(SAMPLES)],
                          capture_output=True, text=True, env=_env(db.parent, db))
    assert made.returncode == 0, made.stderr
    return db


def _env(home: Path, db: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("VISUAL", "EDITOR")}
    bin_folder = home / "bin"
    bin_folder.mkdir(exist_ok=True)
    # The editor the examples name: appends a line to the article and saves it.
    fake = bin_folder / "nano"
    fake.write_text(f"#!{sys.executable}\nimport sys\n"
                    "open(sys.argv[1], 'a', encoding='utf-8').write('\\nEdited.\\n')\n")
    fake.chmod(0o755)
    # SHELL: `newscli --install-completion` finds the shell among its parents, else takes the
    # login shell; the tests may run where neither names one (a container, a CI runner).
    env.update(HOME=str(home), NEWSCLI_DB=str(db), EDITOR="nano", NO_COLOR="1", SHELL="/bin/bash",
               PATH=os.pathsep.join((str(bin_folder), str(NEWSCLI.parent), env["PATH"])))
    return env


@pytest.mark.parametrize("block", BLOCKS, ids=[block[0][:60] for block in BLOCKS])
def test_readme_examples_run(block, archive, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(archive, db)
    (tmp_path / "sample_articles").symlink_to(SAMPLES)
    home = tmp_path / "home"
    home.mkdir()
    env = _env(home, db)
    for example in block:
        if "| jq" in example and shutil.which("jq") is None:
            continue  # jq is not installed here
        result = subprocess.run(["bash", "-o", "pipefail", "-c", example], cwd=tmp_path,
                                capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                env=env, timeout=120)
        expected = EXIT_CODES.get(example, 0)
        assert result.returncode == expected, f"{example}\n{result.stderr}"
        assert "Traceback" not in result.stderr, example
