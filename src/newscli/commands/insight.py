"""`newscli dupes`, `newscli related` and `newscli stats`: what the archive knows as a whole."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
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
    query_text,
    selection,
)
from newscli.commands.output import SUMMARIES, OutputFormat, emit, nothing_found
from newscli.commands.output import SummariesFormatOption as FormatOption

ChartOption = Annotated[
    Path | None,
    typer.Option("--chart", metavar="FILE", dir_okay=False, show_default=False,
                 help="Also draw the timeline as a picture: FILE ends in .svg or .png "
                 "(needs the chart extra: pip install 'newscli[chart]')."),
]
# Several words, as search and export take them: `stats night ferry --by month`.
QueryArgument = Annotated[
    list[str] | None,
    typer.Argument(metavar="[QUERY]...", help="Only articles matching this search "
                   "(the language of newscli search).", show_default=False),
]
DUPE_FIELDS = ("group", "slug", "title", "source", "published", "similarity")
RELATED_FIELDS = ("slug", "title", "source", "published", "score")
# share = count / total: the matching articles over all the articles the options select (the
# whole archive without options) in the same period, source, author or tag.
COVERAGE_FIELDS = ("key", "count", "total", "share")


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
    raw_cells: RawCellsOption = False,
) -> None:
    """Find near-duplicates: the same story republished, corrected or re-scraped."""
    from newscli.dupes import find_groups
    from newscli.render.summaries import print_dupes

    filters, match = selection(query_text(query or [], "dupes"),
                               filters_from(source, tag, author, since, until))
    groups = [[member.as_dict() for member in group]
              for group in find_groups(open_store(ctx), filters, match, threshold)]
    members = [{"group": n, **m} for n, group in enumerate(groups, 1) for m in group]
    emit([{"articles": group} for group in groups], fmt, SUMMARIES, ("articles",),
         table=lambda _: print_dupes(groups), flat=(members, DUPE_FIELDS), raw_cells=raw_cells)
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
    raw_cells: RawCellsOption = False,
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
    emit(results, fmt, SUMMARIES, RELATED_FIELDS, table=print_related, raw_cells=raw_cells)
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
    raw_cells: RawCellsOption = False,
    chart: ChartOption = None,
) -> None:
    """Counts of articles by source, author, tag or period, or an overview of the archive."""
    from newscli import stats
    from newscli.render.summaries import print_coverage

    text = query_text(query or [], "stats")
    base = filters_from(source, tag, author, since, until)
    filters, match = selection(text, base)
    if chart is not None:
        _check_chart(chart, by.value if by else None)
    store = open_store(ctx)
    if by is None:
        _print_overview(stats.overview(store, filters, match), fmt, raw_cells)
        return
    rows = stats.coverage(store, by.value, filters, match, base)
    if not any(row["count"] for row in rows):
        rows = []
    emit(rows, fmt, SUMMARIES, COVERAGE_FIELDS,
         table=lambda shown: print_coverage(shown, by.value), raw_cells=raw_cells)
    if not rows:
        nothing_found("no articles match")
    if chart is not None:
        _draw(chart, [(text or "all articles", rows)], by.value, counts=True)


def _print_overview(summary: dict[str, Any], fmt: str | None, raw_cells: bool) -> None:
    """One record, not a listing: a table, one CSV row, or one JSON object."""
    import sys

    from newscli import formats
    from newscli.render.summaries import print_overview

    chosen = SUMMARIES.chosen(fmt)
    if chosen is OutputFormat.table:
        print_overview(summary)
    elif chosen is OutputFormat.csv:  # one row: the busiest lists do not fit in cells
        flat = {k: v for k, v in summary.items() if not k.startswith("top_")}
        formats.write_delimited([flat], sys.stdout, tuple(flat), raw_cells=raw_cells)
    else:  # one object, for json and jsonl alike
        print(formats.to_json_line(summary))


COMPARE_FIELDS = ("key", "query", "count", "total", "share")


def compare_command(
    ctx: typer.Context,
    queries: Annotated[
        list[str],
        typer.Argument(metavar="QUERY", show_default=False,
                       help="Two or more searches, each one argument: quote those of several words."),
    ],
    by: Annotated[
        CountBy,
        typer.Option("--by", help="The rows: year/month/week/day make a timeline."),
    ] = CountBy.month,
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = None,
    raw_cells: RawCellsOption = False,
    chart: ChartOption = None,
    chart_counts: Annotated[
        bool, typer.Option("--chart-counts", help="Draw counts, not shares, in the --chart picture."),
    ] = False,
) -> None:
    """Several searches side by side: counts and shares of all articles, on the same rows."""
    from newscli import stats
    from newscli.render.summaries import print_comparison

    if len(queries) < 2:
        raise typer.BadParameter("give two or more queries to compare", param_hint="QUERY")
    if chart is not None:
        _check_chart(chart, by.value)
    base = filters_from(source, tag, author, since, until)
    chosen = [(text, *selection(text, base)) for text in queries]
    rows = stats.compare(open_store(ctx), by.value, chosen, base)
    if not any(row["count"] for row in rows):
        rows = []
    emit(rows, fmt, SUMMARIES, COMPARE_FIELDS,
         table=lambda shown: print_comparison(shown, queries, by.value), raw_cells=raw_cells)
    if not rows:
        nothing_found("none of the queries matches an article")
    if chart is not None:
        series = [(text, [row for row in rows if row["query"] == text]) for text in queries]
        _draw(chart, series, by.value, counts=chart_counts)


def _check_chart(path: Path, by: str | None) -> None:
    from newscli.charts import check_target

    check_target(path, by or "")


def _draw(path: Path, series: list[tuple[str, list[dict[str, Any]]]], by: str, *,
          counts: bool) -> None:
    """The picture of the rows just printed, and a line on stderr naming its file."""
    from newscli.charts import timeline
    from newscli.render import say

    measure = "articles" if counts or len(series) == 1 else "share of all articles"
    names = " vs ".join(label for label, _ in series)
    timeline(path, series, by, title=f"{names}: {measure} by {by}", counts=counts)
    say(f"wrote {path}")


KEYWORD_FIELDS = ("term", "articles", "share", "other_share", "score")


def keywords_command(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(metavar="QUERY", show_default=False,
                       help="The articles to describe, in the language of search."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many terms to show.")] = 25,
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = None,
    raw_cells: RawCellsOption = False,
) -> None:
    """The words and two-word phrases that set the matching articles apart from all others."""
    from newscli.keyness import keywords
    from newscli.models import Filters
    from newscli.render import say
    from newscli.render.summaries import print_keywords

    text = query_text(words or [], "keywords")
    filters, match = selection(text, filters_from(source, tag, author, since, until))
    if not match and filters == Filters():
        raise typer.BadParameter("give a query or a filter: the articles to set apart",
                                 param_hint="QUERY")
    found = keywords(open_store(ctx), filters, match, limit)
    if found.articles and SUMMARIES.chosen(fmt) is OutputFormat.table:
        say(_measured_on(found))
    emit(found.terms, fmt, SUMMARIES, KEYWORD_FIELDS, table=print_keywords, raw_cells=raw_cells)
    if not found.articles:
        nothing_found("no articles match")
    if not found.terms:
        nothing_found("no word sets these articles apart" if found.others
                      else "nothing to compare with: every article matches")


def _measured_on(found: Any) -> str:
    """How many articles of each side were read: all, or an even sample."""
    def side(read: int, total: int, what: str) -> str:
        return f"{total:,} {what}" if read == total else f"a sample of {read:,} of {total:,} {what}"

    return (f"keywords of {side(found.sampled, found.articles, 'matching articles')} "
            f"against {side(found.others_sampled, found.others, 'others')}")
