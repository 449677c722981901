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
    from newscli.commands.progress import ProgressOnStderr
    from newscli.store import Store

    db = archive_path(ctx)
    with ProgressOnStderr("reindexing") as bar:
        return Store.open(db, create=create, progress=_Upgrade(db, bar))


class _Upgrade:
    """Says once what an upgrade that reindexes the archive does, then shows its progress."""

    def __init__(self, db: Any, bar: Any):
        self.db, self.bar, self.told = db, bar, False

    def __call__(self, done: int, total: int) -> None:
        if not total:
            return
        if not self.told:
            from newscli.render import clean, say

            self.told = True
            say(f"upgrading {clean(str(self.db), one_line=True)}: reindexing its {total:,} "
                "articles for search in every script (Chinese, Japanese, Korean, Thai, folded "
                "letters); interrupted, it is left as it was and the next command starts over")
        self.bar.show(done, total)
