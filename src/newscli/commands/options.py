"""Options shared by list, search, export and the insight commands, defined once."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

SourceOption = Annotated[
    Optional[list[str]], typer.Option("--source", help="Only this source (repeatable: any of them).")
]
TagOption = Annotated[
    Optional[list[str]], typer.Option("--tag", help="Only articles with this tag (repeatable: all).")
]
AuthorOption = Annotated[
    Optional[list[str]], typer.Option("--author", help="Only articles whose author contains this.")
]
SinceOption = Annotated[
    Optional[str],
    typer.Option("--since", help="Published on or after: 2024-03-01, 2024-03, 2024, 7d, 2w, 3m, 1y."),
]
UntilOption = Annotated[
    Optional[str], typer.Option("--until", help="Published on or before (same forms as --since).")
]


def make_filters(
    source: list[str] | None,
    tag: list[str] | None,
    author: list[str] | None,
    since: str | None,
    until: str | None,
) -> Any:
    """Filters from the shared options; a bad date is a usage error (exit 2)."""
    from newscli.query import parse_date_bound
    from newscli.store import Filters

    return Filters(
        sources=list(source or ()),
        tags=list(tag or ()),
        authors=list(author or ()),
        since=parse_date_bound(since) if since else None,
        until=parse_date_bound(until) if until else None,
    )
