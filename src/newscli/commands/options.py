"""Options shared by list, search, export and the insight commands, and the QUERY they narrow."""

from typing import Annotated, Any

import typer

SourceOption = Annotated[
    list[str] | None, typer.Option("--source", help="Only this source (repeatable: any of them).")
]
TagOption = Annotated[
    list[str] | None, typer.Option("--tag", help="Only articles with this tag (repeatable: all).")
]
AuthorOption = Annotated[
    list[str] | None, typer.Option("--author", help="Only articles whose author contains this.")
]
SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="Published on or after: 2024-03-01, 2024-03, 2024, 7d, 2w, 3m, 1y."),
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Published on or before (same forms as --since).")
]

RawCellsOption = Annotated[
    bool,
    typer.Option("--raw-cells", help="CSV and TSV cells exactly as stored: no ' before a cell "
                 "that starts with = + - @ (which a spreadsheet would run as a formula)."),
]


def filters_from(
    source: list[str] | None,
    tag: list[str] | None,
    author: list[str] | None,
    since: str | None,
    until: str | None,
) -> Any:
    """Filters from the shared options (each command declares them itself, as Typer needs).

    A bad date is a usage error (exit 2).
    """
    from newscli.models import Filters

    return Filters(
        sources=list(source or ()),
        tags=list(tag or ()),
        authors=list(author or ()),
        since=_date_bound(since, "--since"),
        until=_date_bound(until, "--until"),
    )


def _date_bound(text: str | None, option: str) -> Any:
    """The date an option gives; a bad one names the option, as every other usage error does."""
    if not text:
        return None
    from typer._click.globals import get_current_context

    from newscli.errors import QueryError
    from newscli.query import parse_date_bound

    try:
        return parse_date_bound(text)
    except QueryError as exc:
        ctx = get_current_context(silent=True)
        raise typer.BadParameter(str(exc), ctx=ctx, param_hint=option) from None


def query_text(words: list[str], command: str) -> str:
    """The QUERY from the arguments; a word starting with -- is a mistyped option."""
    for word in words:
        if word.startswith("--"):
            from newscli.errors import QueryError

            raise QueryError(
                f"unknown option {word.split('=')[0]}; see newscli {command} --help "
                f"(to search for it, quote it: '\"{word}\"')"
            )
    return " ".join(words)


def selection(text: str | None, filters: Any) -> tuple[Any, str | None]:
    """The options' filters and QUERY's own both applied, and QUERY's full-text expression."""
    if not text:
        return filters, None
    query = narrowed_query(text, filters)
    return query.filters, query.match


def narrowed_query(text: str, filters: Any) -> Any:
    """QUERY parsed, its own filters (`source:`, `since:` ...) and the options' both applied."""
    from dataclasses import replace

    from newscli.query import narrowed, parse_query

    query = parse_query(text)
    return replace(query, filters=narrowed(filters, query.filters))
