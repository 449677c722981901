"""Plain command-line values: converted without pydantic, exactly as Typer converts them."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.main
import typer.testing
from typer.testing import CliRunner

from newscli.commands.plain_values import lighten


class Shape(str, Enum):
    json = "json"
    tsv = "tsv"


def sample_app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def run(
        word: Annotated[str, typer.Argument()],
        count: Annotated[int, typer.Option()] = 20,
        bounded: Annotated[int, typer.Option(min=1, max=5)] = 2,
        shape: Annotated[Shape, typer.Option("--format")] = Shape.tsv,
        db: Annotated[Path | None, typer.Option(dir_okay=False)] = None,
        tag: Annotated[list[str] | None, typer.Option()] = None,
        flag: Annotated[bool, typer.Option()] = False,
    ) -> None:
        print(repr((word, count, bounded, shape, db, tag, flag)))

    return app


CASES = [
    ["w"],
    ["w", "--count", "7"],
    ["w", "--count", "-3"],
    ["w", "--count", "+4"],
    ["w", "--count", "1_000"],
    ["w", "--count", " 8"],
    ["w", "--count", "x"],
    ["w", "--bounded", "3"],
    ["w", "--bounded", "9"],
    ["w", "--format", "json"],
    ["w", "--format", "JSON"],
    ["w", "--format", "xml"],
    ["w", "--db", "archive.db"],
    ["w", "--db", "."],
    ["w", "--tag", "a", "--tag", "b"],
    ["w", "--flag"],
    ["--help"],
    [],
]


def outcome(lightened: bool, args: list[str], monkeypatch) -> tuple[int, str, str]:
    app = sample_app()
    command = typer.main.get_command(app)
    if lightened:
        lighten(command)
    # The runner builds the command from the app: hand it this one.
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: command)
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_plain_conversion_gives_what_typer_gives(args, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert outcome(True, args, monkeypatch) == outcome(False, args, monkeypatch)


def test_a_read_command_never_imports_pydantic(tmp_path):
    db = tmp_path / "a.db"
    code = (
        "import sys\n"
        "from newscli.cli import main\n"
        f"sys.argv = ['newscli', '--db', {str(db)!r}, 'list', '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pydantic' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip().endswith("False")
