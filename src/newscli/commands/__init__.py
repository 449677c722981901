"""One module per group of commands; each stays thin: parse, call the library, render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def archive_path(ctx: typer.Context) -> Path:
    """The archive file named by --db, NEWSCLI_DB or the default location."""
    from newscli.store import default_db_path

    return Path((ctx.obj or {}).get("db") or default_db_path())


def open_store(ctx: typer.Context, *, create: bool = False) -> Any:
    """The archive named by --db, NEWSCLI_DB or the default location."""
    from newscli.store import Store

    return Store.open(archive_path(ctx), create=create)
