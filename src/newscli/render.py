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


def progress_bar(total: int | None, label: str = "importing") -> Any:
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
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
    )
