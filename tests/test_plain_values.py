"""Plain command-line values: converted without pydantic, exactly as Typer converts them."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Literal

import pytest
import typer
import typer.main
import typer.testing
from typer.testing import CliRunner

from newscli.commands.plain_values import use_plain_conversion


class Shape(str, Enum):
    json = "json"
    tsv = "tsv"


# Every kind of parameter newscli's commands declare, each converted by plain_values and compared
# with Typer's own conversion (test_every_newscli_parameter_is_a_kind_tested_here keeps it so).
def sample_app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def run(
        word: Annotated[str, typer.Argument()],
        count: Annotated[int, typer.Option()] = 20,
        bounded: Annotated[int, typer.Option(min=1, max=5)] = 2,
        at_least: Annotated[int, typer.Option(min=0)] = 0,
        threshold: Annotated[float, typer.Option(min=0.4, max=1.0)] = 0.5,
        shape: Annotated[Shape, typer.Option("--shape")] = Shape.tsv,
        maybe_shape: Annotated[Shape | None, typer.Option("--maybe-shape")] = None,
        fmt: Annotated[Literal["table", "json"] | None, typer.Option("--format")] = None,
        db: Annotated[Path | None, typer.Option(dir_okay=False)] = None,
        folder: Annotated[Path | None, typer.Option(file_okay=False)] = None,
        name: Annotated[str | None, typer.Option()] = None,
        tag: Annotated[list[str] | None, typer.Option()] = None,
        flag: Annotated[bool, typer.Option()] = False,
        rest: Annotated[list[str] | None, typer.Argument()] = None,
    ) -> None:
        print(repr((word, count, bounded, at_least, threshold, shape, maybe_shape, fmt, db, folder,
                    name, tag, flag, rest)))

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
    ["w", "--at-least", "0"],
    ["w", "--at-least", "-1"],
    ["w", "--threshold", "0.7"],
    ["w", "--threshold", "1"],
    ["w", "--threshold", "1.0"],
    ["w", "--threshold", ".45"],
    ["w", "--threshold", "+0.6"],
    ["w", "--threshold", "5e-1"],
    ["w", "--threshold", "0.4"],
    ["w", "--threshold", "0.2"],
    ["w", "--threshold", "1.5"],
    ["w", "--threshold", "-0.5"],
    ["w", "--threshold", "0,5"],
    ["w", "--threshold", " 0.6"],
    ["w", "--threshold", "nan"],
    ["w", "--threshold", "inf"],
    ["w", "--threshold", "x"],
    ["w", "--shape", "json"],
    ["w", "--shape", "JSON"],
    ["w", "--shape", "xml"],
    ["w", "--maybe-shape", "json"],
    ["w", "--maybe-shape", "xml"],
    ["w", "--format", "json"],
    ["w", "--format", "JSON"],
    ["w", "--format", "tsv"],
    ["w", "--db", "archive.db"],
    ["w", "--db", "."],
    ["w", "--folder", "."],
    ["w", "--folder", "archive.db"],
    ["w", "--name", "Ada"],
    ["w", "--name", ""],
    ["w", "--tag", "a", "--tag", "b"],
    ["w", "--flag"],
    ["w", "more", "words", "-x"],
    ["--help"],
    [],
]


def outcome(lightened: bool, args: list[str], monkeypatch) -> tuple[int, str, str]:
    app = sample_app()
    command = typer.main.get_command(app)
    if lightened:
        use_plain_conversion(command)
    # The runner builds the command from the app: hand it this one.
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: command)
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_plain_conversion_gives_what_typer_gives(args, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive.db").write_bytes(b"")
    assert same_or_reworded(outcome(True, args, monkeypatch), outcome(False, args, monkeypatch))


def same_or_reworded(plain: tuple[int, str, str], typer_own: tuple[int, str, str]) -> bool:
    """The same outcome; a refused value is refused alike, in newscli's words, not pydantic's."""
    if plain[0] != 2:
        return plain == typer_own
    pydantic = ("Input should", "Value error", "value error")
    return plain[:2] == typer_own[:2] and not any(words in plain[2] for words in pydantic)


@pytest.mark.parametrize("args", [["list", "--format", "json"], ["stats", "--format", "csv"],
                                  ["dupes", "--threshold", "0.8", "--since", "2024"]], ids=" ".join)
def test_a_read_command_never_imports_pydantic(tmp_path, args):
    db = tmp_path / "a.db"
    code = (
        "import sys\n"
        "from newscli.cli import main\n"
        f"sys.argv = ['newscli', '--db', {str(db)!r}, *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pydantic' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip().endswith("False")


def _kind(annotation) -> str:
    """A parameter's type as this test names it: any Enum is one kind, any Literal another."""
    import typing

    if typing.get_origin(annotation) is Literal:
        return "Literal"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "Enum"
    return repr(annotation)  # Typer has already taken `| None` off


def _kinds(command) -> set[tuple[str, tuple]]:
    kinds = set()
    for param in command.params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is not None:
            info = descriptor.parameter_info
            bounds = (info.min, info.max) if (info.min, info.max) != (None, None) else ()
            kinds.add((_kind(descriptor.annotation), bool(bounds)))
    return kinds


def test_every_newscli_parameter_is_a_kind_tested_here():
    from newscli.cli import COMMANDS, build_command

    tested = _kinds(typer.main.get_command(sample_app()))
    for name in COMMANDS:
        missing = _kinds(build_command(name)) - tested
        assert not missing, (name, missing)


@pytest.mark.parametrize("args", [
    ["dupes", "--threshold", "0.7"], ["dupes", "--threshold", "1"], ["dupes", "--threshold", "0.3"],
    ["dupes", "--threshold", "x"], ["stats", "--by", "year"], ["stats", "--format", "tsv"],
    ["list", "--format", "slugs"], ["list", "--limit", "-1"], ["related", "x", "--limit", "0"],
    ["export", "--format", "csv", "--excel"], ["show", "x", "--format", "xml"],
], ids=" ".join)
def test_newscli_commands_convert_as_typer_does(args, tmp_path, monkeypatch):
    import newscli.commands.plain_values
    from newscli.cli import app

    def run() -> tuple[int, str, str]:
        result = CliRunner().invoke(app, ["--db", str(tmp_path / "a.db"), *args])
        return result.exit_code, result.stdout, result.stderr

    plain = run()
    monkeypatch.setattr(newscli.commands.plain_values, "use_plain_conversion", lambda c: c)
    assert same_or_reworded(plain, run())
