"""Run the user's editor on a text and read back what was saved; every failure is one NewscliError.

click.edit would do this, but Typer brings its own copy of click, whose ClickException the
command layer never sees: a missing editor ended in a traceback. Here the editor works on a file
in a temporary folder of its own, removed afterwards whatever the editor did to the file.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from newscli.errors import NewscliError, UsageError, os_reason

# Tried in order when neither $VISUAL nor $EDITOR is set (on a terminal only).
FALLBACK_EDITORS = ("sensible-editor", "editor", "nano", "vi", "notepad")


def edit_text(text: str, *, interactive: bool, suffix: str = ".md") -> str | None:
    """The text as the editor saved it; None when it was not changed (or not saved)."""
    command = editor_command(interactive)
    with tempfile.TemporaryDirectory(prefix="newscli-edit-") as folder:
        path = Path(folder) / f"article{suffix}"
        path.write_text(text, encoding="utf-8", newline="")
        _run(command, path)
        edited = _read_back(path)
        return None if edited == text else edited


def editor_command(interactive: bool) -> list[str]:
    """$VISUAL or $EDITOR as a command line; without them, a common editor if on a terminal."""
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        try:
            words = shlex.split(chosen)
        except ValueError as exc:
            raise UsageError(f"cannot read the editor command {chosen!r}: {exc}") from None
        if words:
            return words
    if not interactive:
        raise UsageError("edit needs a terminal to run an editor on, or $VISUAL or $EDITOR "
                         "set to an editor command")
    for name in FALLBACK_EDITORS:
        if shutil.which(name):
            return [name]
    raise NewscliError("no editor found: set $EDITOR to the editor you use (for example nano)")


def _run(command: list[str], path: Path) -> None:
    shown = shlex.join(command)
    try:
        finished = subprocess.run([*command, str(path)], check=False)
    except FileNotFoundError:
        raise NewscliError(f"cannot start the editor {shown!r}: no such program; "
                           "set $EDITOR to the editor you use (nothing was changed)") from None
    except OSError as exc:
        raise NewscliError(f"cannot start the editor {shown!r}: {os_reason(exc)} "
                           "(nothing was changed)") from None
    if finished.returncode != 0:
        raise NewscliError(f"the editor {shown!r} exited with status {finished.returncode}; "
                           "nothing was changed")


def _read_back(path: Path) -> str:
    """The saved text, refused when it is gone, not a file, not UTF-8 or holds a NUL byte."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NewscliError("the editor removed the file; nothing was changed") from None
    except IsADirectoryError:
        raise NewscliError("the editor left a folder where the file was; nothing was "
                           "changed") from None
    except OSError as exc:
        raise NewscliError(f"cannot read the edit back: {os_reason(exc)}; nothing was "
                           "changed") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NewscliError(f"the edit was not saved as UTF-8 (byte {exc.start:,} is not); "
                           "save it as UTF-8 - nothing was changed") from None
    if "\x00" in text:
        raise NewscliError("the edit holds a NUL byte, which no article may hold; nothing "
                           "was changed")
    return text
