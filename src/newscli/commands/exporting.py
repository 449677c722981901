"""`newscli export`: articles out in the formats other tools read."""

from __future__ import annotations

import sys
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

# Below this many articles a progress bar would only flicker.
PROGRESS_FROM = 500


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    opensearch = "opensearch"
    opensearch_mapping = "opensearch-mapping"


def export_command(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(metavar="QUERY", show_default=False,
                       help="Search text, as `newscli search` takes it; without it, every article "
                       "(or every one the options pick)."),
    ] = None,
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    updated_since: Annotated[
        str | None,
        typer.Option("--updated-since", metavar="WHEN",
                     help="Only articles imported or changed at or after WHEN (UTC): a date or "
                     "span as --since takes, hours (6h), or a time such as 2026-12-01T09:30:00Z. Keeps a "
                     "copy elsewhere in step."),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="Output format [default: jsonl; markdown with --dir]",
                     show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write one file (- for stdout) instead of stdout.",
                     metavar="FILE"),
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Write one Markdown file per article into this folder (with "
                     "--format html: an HTML folder, index pages and a page an article).",
                     metavar="DIR", file_okay=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")] = False,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV with a byte-order mark, for spreadsheet programs.")
    ] = False,
    raw_cells: RawCellsOption = False,
    index: Annotated[
        str | None,
        typer.Option("--index", metavar="NAME", show_default=False,
                     help="The index the opensearch bulk actions name [default: newscli]."),
    ] = None,
) -> None:
    """Export articles, oldest first, as JSON Lines, JSON, CSV, Markdown, one HTML page, or the
    bulk format OpenSearch and Elasticsearch load (and, as opensearch-mapping, their index)."""
    from newscli.commands.output import terminal_safe_bytes
    from newscli.exporter import Request, Selection, export

    chosen = _checked_format(fmt, output, directory, excel)
    _check_raw_cells(chosen, excel, raw_cells)
    index_name = _checked_index(chosen, index)
    options = filters_from(source, tag, author, since, until)
    if updated_since:
        from dataclasses import replace

        from newscli.query.dates import parse_time_bound

        options = replace(options, updated_since=parse_time_bound(updated_since))
    filters, match = selection(query_text(words, "export") if words else None, options)
    to_file = output is not None and str(output) != "-"
    request = Request(format=chosen.value, selection=Selection(filters=filters, match=match),
                      force=force, excel=excel, raw_cells=raw_cells, index=index_name,
                      output=output if to_file else None, directory=directory)
    # The mapping describes no article: it needs no archive, not even an existing one.
    store = None if chosen is ExportFormat.opensearch_mapping else open_store(ctx)
    to_stdout = not to_file and directory is None
    with _progress(to_stdout) as progress:
        sys.stdout.flush()
        result = export(store, request, terminal_safe_bytes(sys.stdout.buffer),
                        progress.show if progress else None)
    _advise_folder(chosen, directory, result.articles)
    if result.target is not None:
        from newscli.render import clean, say

        noun = "article" if result.articles == 1 else "articles"
        what = ("the index settings and mapping" if chosen is ExportFormat.opensearch_mapping
                else f"{result.articles:,} {noun}")
        say(f"exported {what} to {clean(result.target, one_line=True)}")


def _checked_format(fmt: ExportFormat | None, output: Path | None, directory: Path | None, excel: bool
            ) -> ExportFormat:
    """The format asked for, checked against the options that only suit some formats."""
    chosen = fmt or (ExportFormat.markdown if directory is not None else ExportFormat.jsonl)
    if directory is not None and chosen not in (ExportFormat.markdown, ExportFormat.html):
        raise typer.BadParameter("--dir writes Markdown files or an HTML folder; use -o FILE "
                                 "for other formats", param_hint="'--dir'")
    if directory is not None and output is not None:
        raise typer.BadParameter("give either -o FILE or --dir DIR, not both", param_hint="'--dir'")
    if excel and chosen is not ExportFormat.csv:
        raise typer.BadParameter("--excel only applies to --format csv", param_hint="'--excel'")
    return chosen


def _advise_folder(chosen: ExportFormat, directory: Path | None, articles: int) -> None:
    """One HTML page of thousands of articles takes a browser long to open (1,884 real posts,
    37 MB: 35 s in headless Chromium): say what opens quickly."""
    if chosen is not ExportFormat.html or directory is not None:
        return
    from newscli.htmlexport import INDEX_PAGE

    if articles > INDEX_PAGE:
        from newscli.render import say

        say(f"note: a page of {articles:,} articles is slow to open in a browser; --dir DIR writes "
            f"a folder that opens quickly (index pages of {INDEX_PAGE:,}, a page an article)")


def _checked_index(chosen: ExportFormat, index: str | None) -> str | None:
    """The --index name, checked; None for the default."""
    if index is None:
        return None
    from newscli.opensearch import check_index_name

    if chosen is not ExportFormat.opensearch:
        raise typer.BadParameter("--index only applies to --format opensearch",
                                 param_hint="'--index'")
    try:
        return check_index_name(index)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--index'") from None


def _check_raw_cells(chosen: ExportFormat, excel: bool, raw_cells: bool) -> None:
    if raw_cells and excel:
        raise typer.BadParameter("--excel files are for spreadsheet programs, which would run the "
                                 "formulas --raw-cells lets through; use one or the other",
                                 param_hint="'--raw-cells'")
    if raw_cells and chosen is not ExportFormat.csv:
        raise typer.BadParameter("--raw-cells only applies to --format csv",
                                 param_hint="'--raw-cells'")


def _progress(to_stdout: bool) -> Any:
    """A progress bar on stderr for a large export, when stderr is a terminal and stdout is not
    (a bar would tear through data written to the same screen); else no bar at all."""
    from contextlib import nullcontext

    from newscli.commands.progress import ProgressOnStderr
    from newscli.render import is_terminal

    if is_terminal(sys.stderr) and not (to_stdout and is_terminal(sys.stdout)):
        return ProgressOnStderr("exporting", smallest=PROGRESS_FROM)
    return nullcontext()
