"""`newscli tag`, `tags`, `rm`, `edit` and `info`: keeping the archive tidy and sound."""

from __future__ import annotations

import sys
from typing import Annotated

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
)
from newscli.commands.output import (
    REPORT,
    SUMMARIES,
    OutputFormat,
    ReportFormatOption,
    emit,
    nothing_found,
)
from newscli.commands.output import SummariesFormatOption as FormatOption

SlugsArgument = Annotated[
    list[str], typer.Argument(metavar="SLUG...", help="Slugs, id:N, file names or slug prefixes.")
]


def tag_command(
    ctx: typer.Context,
    refs: SlugsArgument,
    add: Annotated[list[str] | None, typer.Option("--add", help="Tag to add (repeatable).")
                   ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Tag to remove (repeatable).")
    ] = None,
) -> None:
    """Add or remove tags on articles."""
    from newscli.curation import tag_articles
    from newscli.render import clean, say

    if not add and not remove:
        raise typer.BadParameter("say what to do with --add TAG or --remove TAG")
    results = tag_articles(open_store(ctx), refs, list(add or ()), list(remove or ()))
    for result in results:
        tags = ", ".join(result["tags"]) or "(no tags)"
        state = "" if result["changed"] else " (unchanged)"
        say(clean(f"{result['slug']}: {tags}{state}", one_line=True))


def tags_command(
    ctx: typer.Context,
    source: SourceOption = None,
    tag: TagOption = None,
    author: AuthorOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = None,
    raw_cells: RawCellsOption = False,
) -> None:
    """List tags with how many articles have each, most used first."""
    from newscli.render.summaries import print_counts
    from newscli.stats import count_by

    filters = filters_from(source, tag, author, since, until)
    counts = count_by(open_store(ctx), "tag", filters)
    rows = [{"tag": row["key"], "count": row["count"]} for row in counts]
    emit(rows, fmt, SUMMARIES, ("tag", "count"), table=lambda _: print_counts(counts, "tag"),
         raw_cells=raw_cells)
    if not rows:
        nothing_found("no tags")


def rm_command(
    ctx: typer.Context,
    refs: Annotated[list[str], typer.Argument(
        metavar="SLUG...", help="Whole slugs, or ids written id:N (rm never guesses).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove articles from the archive (and from its search index)."""
    from newscli.curation import remove_articles, resolve_all
    from newscli.render import clean, is_terminal, say

    store = open_store(ctx)
    articles = resolve_all(store, refs, exact=True)
    if not yes:
        if not is_terminal(sys.stdin):
            from newscli.errors import UsageError

            raise UsageError("rm asks before removing, and there is no terminal to ask on; "
                             "add --yes to remove without asking")
        for article in articles:
            say(clean(f"  {article['slug']}  {article['title']}", one_line=True))
        count = f"{len(articles)} article" + ("" if len(articles) == 1 else "s")
        typer.confirm(f"Remove {count}?", abort=True, err=True)
    removed = remove_articles(store, articles)
    say(f"removed {len(removed)}: " + clean(", ".join(removed), one_line=True))


def edit_command(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="SLUG", help="Slug, id:N, file name or unique slug prefix.")],
) -> None:
    """Edit an article as Markdown with front matter in $VISUAL or $EDITOR."""
    from newscli.curation import apply_edit, as_markdown
    from newscli.editing import edit_text
    from newscli.render import say

    store = open_store(ctx)
    article = store.resolve(ref)
    text = edit_text(as_markdown(article), interactive=sys.stdin.isatty() and sys.stdout.isatty())
    if text is None:
        say("no changes")
        return
    saved = apply_edit(store, article, text)
    say(f"saved {saved['slug']}" if saved else "no changes")


def info_command(
    ctx: typer.Context,
    fmt: ReportFormatOption = None,
    path_only: Annotated[
        bool, typer.Option("--path", help="Print only the database path, for other tools.")
    ] = False,
) -> None:
    """Where the archive is, what it holds, and a check of the database and its search index."""
    from newscli.curation import archive_info
    from newscli.formats import to_json_line
    from newscli.render.summaries import print_info

    if path_only:
        _print_path(ctx)
        return
    info = archive_info(open_store(ctx))
    if REPORT.chosen(fmt) is OutputFormat.table:
        print_info(info)
    else:
        print(to_json_line(info))
    if not info["ok"]:
        raise typer.Exit(1)


def _print_path(ctx: typer.Context) -> None:
    """Where the archive is, or will be once something is imported (nothing is created)."""
    from newscli.commands import archive_path
    from newscli.commands.output import data_stream
    from newscli.render import say

    path = archive_path(ctx).resolve()
    data_stream(sys.stdout).write(f"{path}\n")  # a terminal obeys no escape in a path
    if not path.exists():
        say("no archive there yet: newscli import PATH creates it")
