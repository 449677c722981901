"""Shell completion of values the archive holds: sources, tags and slugs.

Called only while the shell asks for completions (`_NEWSCLI_COMPLETE` set), never on a normal
run, so start-up does not pay for them. Each opens the archive read-only as it is (`--db`,
`NEWSCLI_DB` or the default) and offers nothing when there is none: completion never fails.
"""

from __future__ import annotations

from typing import Any

import typer

MOST = 200  # completions offered at once: a shell lists them all


def complete_sources(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_counted(ctx, "source"), incomplete)


def complete_tags(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_counted(ctx, "tag"), incomplete)


def complete_slugs(ctx: typer.Context, incomplete: str) -> list[str]:
    store = _store(ctx)
    if store is None:
        return []
    try:
        from newscli.models import Filters

        slugs = (row["slug"] for row in store.iter_articles(Filters(), columns="slug"))
        return _matching(slugs, incomplete)
    finally:
        store.close()


def _counted(ctx: typer.Context, key: str) -> list[str]:
    store = _store(ctx)
    if store is None:
        return []
    try:
        from newscli.models import Filters
        from newscli.stats import count_by

        return [str(row["key"]) for row in count_by(store, key, Filters()) if row["key"]]
    finally:
        store.close()


def _matching(values: Any, incomplete: str) -> list[str]:
    folded = incomplete.casefold()
    found = []
    for value in values:
        if value.casefold().startswith(folded):
            found.append(value)
            if len(found) >= MOST:
                break
    return found


def _store(ctx: typer.Context) -> Any:
    """The archive, read as it is; None when there is none or it cannot be read."""
    from newscli.errors import NewscliError
    from newscli.store import Store, default_db_path

    root = ctx.find_root()
    path = root.params.get("db") or default_db_path()
    try:
        return Store.open(path, create=False)
    except (NewscliError, OSError):
        return None
