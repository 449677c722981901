"""`newscli dupes`, `newscli related` and `newscli stats`: what the archive knows as a whole."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import typer

from newscli.commands import open_store
from newscli.commands.options import (
    AuthorOption,
    SinceOption,
    SourceOption,
    TagOption,
    UntilOption,
    filters_from,
    selection,
)
from newscli.commands.output import SUMMARIES, OutputFormat, emit, nothing_found
from newscli.commands.output import SummariesFormatOption as FormatOption

QueryArgument = Annotated[
    str | None,
    typer.Argument(metavar="[QUERY]", help="Only articles matching this search.",
                   show_default=False),
]
DUPE_FIELDS = ("group", "slug", "title", "source", "published", "similarity")
RELATED_FIELDS = ("slug", "title", "source", "published", "score")


def dupes_command(
    ctx: typer.Context,
    query: QueryArgument = None,
    threshold: Annotated[
        float,
        typer.Option(min=0.4, max=1.0, help="How similar counts as a copy: share of three-word "
                     "sequences in common, 0.4 to 1."),
    ] = 0.5,
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = None,
) -> None:
    """Find near-duplicates: the same story republished, corrected or re-scraped."""
    from newscli.dupes import find_groups
    from newscli.render.summaries import print_dupes

    filters, match = selection(query, filters_from(source, tag, author, since, until))
    groups = [[member.as_dict() for member in group]
              for group in find_groups(open_store(ctx), filters, match, threshold)]
    members = [{"group": n, **m} for n, group in enumerate(groups, 1) for m in group]
    emit([{"articles": group} for group in groups], fmt, SUMMARIES, ("articles",),
         table=lambda _: print_dupes(groups), flat=(members, DUPE_FIELDS))
    if not groups:
        nothing_found("no near-duplicates found")


def related_command(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="SLUG", help="Slug, id:N, file name or unique slug prefix.")],
    limit: Annotated[int, typer.Option(min=1, help="How many articles to show.")] = 10,
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = None,
) -> None:
    """Articles closest in content to one article, best first (its copies left out)."""
    from newscli.related import find_related
    from newscli.render import clean, say
    from newscli.render.summaries import print_related

    found = find_related(open_store(ctx), ref, filters_from(source, tag, author, since, until),
                         limit)
    results = [{key: row[key] for key in RELATED_FIELDS} for row in found.results]
    if SUMMARIES.chosen(fmt) is OutputFormat.table:
        say("related to: " + clean(found.article["title"], one_line=True))
    emit(results, fmt, SUMMARIES, RELATED_FIELDS, table=print_related)
    if found.folded:
        copies = "copy" if found.folded == 1 else "copies"
        say(f"folded {found.folded} near-duplicate {copies} (see: newscli dupes)")
    if not results:
        nothing_found(f"no articles related to {clean(found.article['slug'], one_line=True)}")


class CountBy(str, Enum):
    source = "source"
    author = "author"
    tag = "tag"
    year = "year"
    month = "month"
    week = "week"
    day = "day"


def stats_command(
    ctx: typer.Context,
    query: QueryArgument = None,
    by: Annotated[
        CountBy | None,
        typer.Option("--by", help="Count articles per value; year/month/week/day make a "
                     "timeline. [default: an overview]", show_default=False),
    ] = None,
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = None,
) -> None:
    """Counts of articles by source, author, tag or period, or an overview of the archive."""
    from newscli import stats
    from newscli.render.summaries import print_counts

    filters, match = selection(query, filters_from(source, tag, author, since, until))
    store = open_store(ctx)
    if by is None:
        _print_overview(stats.overview(store, filters, match), fmt)
        return
    rows = stats.count_by(store, by.value, filters, match)
    emit(rows, fmt, SUMMARIES, ("key", "count"), table=lambda shown: print_counts(shown, by.value))
    if not rows:
        nothing_found("no articles match")


def _print_overview(summary: dict[str, Any], fmt: str | None) -> None:
    """One record, not a listing: a table, one CSV row, or one JSON object."""
    import sys

    from newscli import formats
    from newscli.render.summaries import print_overview

    chosen = SUMMARIES.chosen(fmt)
    if chosen is OutputFormat.table:
        print_overview(summary)
    elif chosen is OutputFormat.csv:  # one row: the busiest lists do not fit in cells
        flat = {k: v for k, v in summary.items() if not k.startswith("top_")}
        formats.write_delimited([flat], sys.stdout, tuple(flat))
    else:  # one object, for json and jsonl alike
        print(formats.to_json_line(summary))
