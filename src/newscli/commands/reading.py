"""`newscli list`, `newscli search` and `newscli show`: the read side of the archive."""

import sys
from collections.abc import Iterator
from enum import Enum
from typing import Annotated, Any

import typer

from newscli.commands import open_store
from newscli.commands.options import (
    AuthorOption,
    RawCellsOption,
    SinceOption,
    SourceOption,
    TagOption,
    UntilOption,
    filters_from,
    narrowed_query,
    query_text,
)
from newscli.commands.output import (
    ARTICLES,
    TABLE_LIMIT,
    LimitOption,
    OffsetOption,
    OutputFormat,
    emit,
    page_footer,
)
from newscli.commands.output import ArticlesFormatOption as FormatOption


class ListSort(str, Enum):
    date = "date"
    title = "title"  # type: ignore[assignment]  # shadows str.title, harmlessly
    source = "source"
    imported = "imported"


class SearchSort(str, Enum):
    relevance = "relevance"
    date = "date"


class ShowFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"




def list_command(
    ctx: typer.Context,
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    sort: Annotated[ListSort, typer.Option(help="Order by.")] = ListSort.date,
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    fmt: FormatOption = None,
    raw_cells: RawCellsOption = False,
) -> None:
    """List articles, newest first (undated last)."""
    from newscli.models import LIST_FIELDS
    from newscli.render import say
    from newscli.render.tables import list_cells, print_table

    filters = filters_from(source, tag, author, since, until)
    table = ARTICLES.chosen(fmt) is OutputFormat.table
    store = open_store(ctx)
    rows: Any = store.iter_articles(
        filters, sort=sort.value, reverse=reverse, offset=offset,
        limit=TABLE_LIMIT if table and limit is None else limit, columns=", ".join(LIST_FIELDS),
    )
    if table:
        rows = list_cells(rows)
    shown = emit(rows, fmt, ARTICLES, LIST_FIELDS, raw_cells=raw_cells,
                 table=lambda cells: print_table(cells, ("date", "source", "title", "slug")))
    total = store.count(filters) if table or not shown else shown
    if table or not total:
        say(_list_footer(shown, offset, total, filters))
    if not total:
        raise typer.Exit(1)  # nothing found, as search, tags and stats say it


def _list_footer(shown: int, offset: int, total: int, filters: Any) -> str:
    from newscli.models import Filters

    if total == 0:
        if filters != Filters():
            return "no articles match"
        return "no articles yet: newscli import PATH"
    if shown == total:
        return f"{total:,} article{'s' if total != 1 else ''}"
    return page_footer(shown, offset, total)


def search_command(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            help='Words (all must match), "a phrase", OR, -word or NOT word, prefix*, '
            "(groups), title:/body:word, source:/author:/tag:name, since:/until:date.",
        ),
    ],
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    sort: Annotated[SearchSort, typer.Option(help="Order by.")] = SearchSort.relevance,
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most this many.")] = 20,
    offset: OffsetOption = 0,
    fmt: FormatOption = None,
    raw_cells: RawCellsOption = False,
) -> None:
    """Full-text search, best matches first; exit 1 when nothing matches (like grep).

    \b
    Examples:
      newscli search night ferry
      newscli search '"night ferry"' -fare --since 2024
      newscli search 'title:(wind OR turbine) source:"Coastal Herald"'
      newscli search 'ferr*' tag:transport --format json | jq '.[].slug'
    """
    from newscli import search
    from newscli.models import LIST_FIELDS
    from newscli.render.tables import print_table, search_cells

    text = query_text(words, "search")
    options = filters_from(source, tag, author, since, until)
    query = narrowed_query(text, options)
    store = open_store(ctx)
    with store.time_limit(search.TIME_LIMIT_SECONDS):
        hits: Any = _unlimited_once_shown(
            store, search.search(store, query, sort=sort.value, limit=limit, offset=offset))
        if ARTICLES.chosen(fmt) is OutputFormat.table:
            hits = search_cells(hits, offset)
        shown = emit(hits, fmt, ARTICLES, (*LIST_FIELDS, "score", "snippet"),
                     table=lambda cells: print_table(cells, ("rank", "result"), header=False),
                     raw_cells=raw_cells)
        # Nothing shown means nothing matched, unless --offset or --limit 0 asked for no rows.
        total = search.count(store, query) if shown or offset or limit == 0 else 0
    _report_hits(store, query, options, text, shown, offset, total)
    if total == 0:
        raise typer.Exit(1)


def _unlimited_once_shown(store: Any, hits: Iterator[Any]) -> Iterator[Any]:
    """The hits, the time limit lifted once the first is ready: the limit refuses a search
    before it shows anything, never halfway through its output (snippets, the count). The first
    is asked for here, before any output begins, so a refused search writes not even a TSV
    header or JSON's opening bracket."""
    import itertools

    first = list(itertools.islice(hits, 1))
    if first:
        store.lift_time_limit()
    return itertools.chain(first, hits)


def _report_hits(
    store: Any, query: Any, options: Any, text: str, shown: int, offset: int, total: int
) -> None:
    """The number of hits on stderr; when there are none, a looser query that finds some."""
    from newscli.render import clean, say

    if total == 0:
        import shlex

        from newscli import search

        message = f"no matches for {clean(text[:200], one_line=True)}"
        looser = search.suggest(store, query, options)
        if looser:
            wider, count = looser
            hint = clean(shlex.quote(wider), one_line=True)
            message += f"; try: newscli search {hint} ({count:,} {_matches(count)})"
        say(message)
    elif shown == total:
        say(f"{total:,} {_matches(total)}")
    elif shown == 0 and offset < total:  # --limit 0: the count alone
        say(f"{total:,} {_matches(total)}")
    elif shown == 0:
        say(f"only {total:,} {_matches(total)}; --offset {offset} is past the end")
    else:
        say(f"{offset + 1:,}-{offset + shown:,} of {total:,} {_matches(total)}"
            " - use --limit and --offset for more")


def _matches(count: int) -> str:
    return "match" if count == 1 else "matches"


def show_command(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(metavar="SLUG", help="Slug, id:N, file name or unique slug prefix.")
    ],
    fmt: Annotated[
        ShowFormat | None,
        typer.Option(
            "--format", show_default=False,
            help="text, markdown (with YAML front matter) or json (every field) "
            "[default: a formatted view on a terminal, text when piped]",
        ),
    ] = None,
    highlight: Annotated[
        str | None,
        typer.Option("--highlight", metavar="QUERY", help="Mark the words this search matches."),
    ] = None,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Print long articles instead of paging them.")
    ] = False,
) -> None:
    """Show one article: a formatted view on a terminal (paged when long), or text/markdown/json."""
    from newscli import formats
    from newscli.commands.output import data_stream
    from newscli.markdown import to_markdown
    from newscli.models import ALL_FIELDS
    from newscli.render import clean, is_terminal
    from newscli.render.article import show_article

    store = open_store(ctx)
    article = store.resolve(ref)
    out = data_stream(sys.stdout)
    # Text and Markdown are for reading, wherever they end up (a file cat-ed later, less):
    # control characters are always shown as text. JSON escapes them itself.
    if fmt is ShowFormat.json:
        out.write(formats.to_json_line({k: article[k] for k in ALL_FIELDS}) + "\n")
    elif fmt is ShowFormat.markdown:
        out.write(clean(to_markdown(article)))
    elif fmt is ShowFormat.text or not is_terminal(sys.stdout):
        out.write(clean(formats.article_text(article)))
    else:
        words = _highlight_words(store, article, highlight)
        show_article(article, words, pager=not no_pager)


def _highlight_words(store: Any, article: dict[str, Any], text: str | None) -> set[str]:
    if not text:
        return set()
    from newscli import search
    from newscli.errors import QueryError
    from newscli.query import parse_query
    from newscli.render import clean, say

    query = parse_query(text)
    if query.match is None:
        raise QueryError(f"--highlight {text!r} has no words to mark")
    words = search.matched_words(store, article["id"], query.match)
    if not words:
        say(f"note: {clean(text, one_line=True)} does not match this article")
    return words
