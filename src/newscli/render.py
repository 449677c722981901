"""Everything a person sees on a terminal; the only module that imports Rich (lazily)."""

from __future__ import annotations

import os
import re
import sys
from typing import Any, TextIO

# C0 and C1 control characters except tab and newline: an escape sequence in an article must
# print as text, never act on the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str, *, one_line: bool = False) -> str:
    """User text made harmless for a terminal: control characters shown as visible symbols."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return " ".join(text.split()) if one_line else text


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, no_color="NO_COLOR" in os.environ or None)


def stdout_console() -> Any:
    from rich.console import Console

    return Console(highlight=False, no_color="NO_COLOR" in os.environ or None)


def say(message: str) -> None:
    """A line of talk for the person: on stderr, never mixed into data."""
    print(message, file=sys.stderr)


def error(message: str) -> None:
    say(f"newscli: error: {clean(message, one_line=True)}")


def warn(message: str) -> None:
    say(f"newscli: warning: {clean(message, one_line=True)}")


def progress_bar(total: int | None) -> Any:
    """A Rich progress bar on stderr: count, rate and time left."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
    )


# -- tables, shared by list, search and the insight commands ------------------------------------

# How known columns behave in a table: slugs are copied whole, dates never break.
_COLUMN_HINTS: dict[str, dict[str, Any]] = {
    "slug": {"overflow": "fold", "style": "cyan"},
    "date": {"no_wrap": True},
    "published": {"no_wrap": True},
    "rank": {"justify": "right", "no_wrap": True},
}


def print_table(
    rows: list[dict[str, Any]] | list[Any],
    columns: Any,
    *,
    headers: Any = None,
    out: TextIO | None = None,
) -> None:
    """Rows (mappings) as a Rich table of the given columns; user text printed literally.

    Cells may be str, numbers, lists, None, or rich Text made here in render (kept as is).
    Box drawing only on a terminal; piped, the columns are aligned with spaces.
    """
    from rich import box
    from rich.table import Table

    stream = out or sys.stdout
    table = Table(
        box=box.SIMPLE_HEAD if is_terminal(stream) else None,
        show_edge=False,
        pad_edge=False,
        highlight=False,
    )
    for name in columns:
        header = (headers or {}).get(name, name.replace("_", " "))
        table.add_column(header, **_column_hints(name, rows))
    for row in rows:
        table.add_row(*(table_cell(row.get(name)) for name in columns))
    _console_for(stream).print(table)


def _column_hints(name: str, rows: list[Any]) -> dict[str, Any]:
    hints = dict(_COLUMN_HINTS.get(name, {}))
    sample = next((row.get(name) for row in rows if row.get(name) is not None), None)
    if isinstance(sample, (int, float)) and not isinstance(sample, bool):
        hints.setdefault("justify", "right")
    return hints


def table_cell(value: Any) -> Any:
    """One cell as rich Text, never parsed as markup."""
    from rich.text import Text

    if isinstance(value, Text):
        return value
    if value is None:
        return Text("")
    if isinstance(value, float):
        return Text(f"{value:.2f}")
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return Text(clean(str(value), one_line=True))


def _console_for(stream: TextIO) -> Any:
    from rich.console import Console

    return Console(
        file=stream, highlight=False, no_color="NO_COLOR" in os.environ or None
    )
