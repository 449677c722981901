from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newscli.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_articles"
OPTECH = ROOT.parent / "shared" / "corpora" / "optech"


class Cli:
    """Runs newscli in-process against one database file, stdout and stderr kept apart."""

    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None, env: dict | None = None):
        return self.runner.invoke(
            app, ["--db", str(self.db), *args], input=input, env={"NO_COLOR": "1", **(env or {})}
        )

    def json(self, *args: str):
        result = self(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def cli(db: Path) -> Cli:
    return Cli(db)


@pytest.fixture(autouse=True)
def _no_default_db(tmp_path_factory, monkeypatch):
    # A test that forgets --db must never touch the user's real archive.
    monkeypatch.setenv("NEWSCLI_DB", str(tmp_path_factory.mktemp("default") / "archive.db"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


SCRAPED = """Home » Port Authority Opens Night Ferry to Island Towns
Transport Regional News Featured

Port Authority Opens Night Ferry to Island Towns


Harbourton – The regional port authority on Monday launched a night ferry to the island towns.

Delays on the mainland

Passengers waited an hour at the terminal.

Source: Coastal Herald
"""


def env_without_color() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return env


# The fetching tests talk only to servers they start on 127.0.0.1 (pytest-httpserver), never
# through a proxy the environment names.
@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def on_terminal(command: list[str], env: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Run with stdout on a pseudo-terminal; its exit code and every byte it wrote there."""
    import os
    import pty
    import subprocess

    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, stdout=follower, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env={**os.environ, "PAGER": "cat", **(env or {})})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(), b"".join(chunks)
