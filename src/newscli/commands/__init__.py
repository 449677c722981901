"""One module per group of commands; each stays thin: parse, call the library, render."""

from __future__ import annotations

from typing import Any

import typer


def open_store(ctx: typer.Context, *, create: bool = False) -> Any:
    """The archive named by --db, NEWSCLI_DB or the default location."""
    from newscli.store import Store, default_db_path

    db = (ctx.obj or {}).get("db") or default_db_path()
    return Store.open(db, create=create)
