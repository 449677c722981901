"""Everything a person sees on a terminal; the only package that imports Rich (lazily).

This module holds what every view needs: user text made harmless (`clean`), the consoles, and
talk on stderr. The views are beside it: `tables` (listings and search results), `article`
(one article, paged), `summaries` (dupes, related, stats, tags, info).
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, TextIO

# What a terminal would obey rather than print: C0 and C1 control characters but tab and newline.
# An escape sequence in an article must print as text; carriage return and form feed are here
# too (unlike in htmlexport's NOT_HTML_TEXT), as they move the cursor or clear the screen.
TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str, *, one_line: bool = False) -> str:
    """User text made harmless for a terminal: control characters shown as visible symbols."""
    text = TERMINAL_CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
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


# Matched words, in search results and `show --highlight`; under NO_COLOR still bold.
MATCH_STYLE = "bold yellow"


def console_for(stream: TextIO) -> Any:
    """A Rich console writing to this stream, without highlighting, honouring NO_COLOR."""
    from rich.console import Console

    return Console(file=stream, highlight=False, no_color="NO_COLOR" in os.environ or None)
