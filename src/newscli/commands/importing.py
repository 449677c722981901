"""`newscli import`: files, folders, globs or stdin into the archive."""

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Annotated, Any

import typer


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """`10MB`, `500k`, `2048` -> bytes."""
    match = _SIZE.match(text)
    if not match:
        raise typer.BadParameter(f"{text!r} is not a size; use e.g. 10MB, 500KB or 2048")
    number, unit = match.groups()
    return int(float(number) * 1024 ** " kmg".index(unit.lower() or " "))


def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[str], typer.Argument(
            help="Files, folders (searched recursively), globs, - for stdin, or http(s) URLs to fetch.")
    ],
    glob: Annotated[
        list[str] | None,
        typer.Option(
            "--glob",
            help="File-name patterns to take inside folders (repeatable; '*' takes every file). "
            "[default: *.txt *.md *.markdown *.json *.jsonl *.html *.htm]",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", metavar="GLOB",
                     help="Leave out files and folders whose name matches (repeatable)."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Source (outlet) for articles that name none."),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Tag every imported article (repeatable).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Parse and report; write nothing.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only report failures.")] = False,
    max_size: Annotated[
        str, typer.Option("--max-size", help="Refuse files larger than this.")
    ] = "10MB",
    report_format: Annotated[
        ReportFormat, typer.Option("--format", help="Report as text on stderr or JSON on stdout.")
    ] = ReportFormat.text,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fetch URLs again even when the archive holds their article.")
    ] = False,
    follow_links: Annotated[bool, typer.Option(
        "--follow-links", help="Also follow symbolic links that lead outside the paths given.")
    ] = False,
) -> None:
    """Import article files (text, Markdown, front matter, JSON, saved web pages) or web pages
    by URL into the archive."""
    from newscli.importer import DEFAULT_GLOBS, Options, import_paths

    globs = tuple(p for pattern in glob or () for p in pattern.split()) or DEFAULT_GLOBS
    excludes = tuple(p for pattern in exclude or () for p in pattern.split())
    options = Options(
        globs=globs,
        excludes=excludes,
        source=source,
        tags=_checked_tags(tag),
        dry_run=dry_run,
        max_size=parse_size(max_size),
        refresh=refresh,
        follow_links=follow_links,
    )
    from newscli.alerts import last_article_id

    with _archive_for(ctx, dry_run) as store, _progress(paths, options, quiet) as advance:
        before = last_article_id(store)
        report = import_paths(store, paths, options, advance)
        _print_report(report, report_format, quiet, dry_run)
        if not quiet and _found_nothing(report):
            from newscli.render import clean, say

            say(f"note: no file to import: none matches --glob {clean(' '.join(globs))} "
                "(--glob '*' takes every file)")
        if not dry_run and not quiet:
            from newscli.commands.alerts import report_new_matches

            report_new_matches(store, before)
    if report.interrupted:
        raise typer.Exit(130)
    if report.failed or report.stopped:
        raise typer.Exit(1)


def _found_nothing(report: Any) -> bool:
    """Whether the paths held no file to read at all (an empty folder, PDFs only)."""
    from newscli.importer.report import OUTCOMES

    return not (any(getattr(report, name) for name in OUTCOMES) or report.skipped
                or report.interrupted or report.stopped)


def _checked_tags(tags: list[str] | None) -> tuple[str, ...]:
    """--tag values, trimmed; one that cannot be a tag is a usage error."""
    from newscli.models import tag_problem

    for tag in tags or ():
        problem = tag_problem(tag.strip())
        if problem:
            raise typer.BadParameter(problem, param_hint="'--tag'")
    return tuple(t.strip() for t in tags or () if t.strip())


@contextmanager
def _archive_for(ctx: typer.Context, dry_run: bool) -> Iterator[Any]:
    """The archive to import into; nothing that stores no article leaves a file or folder behind.

    A dry run against an archive not made yet works on a throwaway copy of the empty schema. An
    import that creates the archive and then stores nothing removes it, and the folders it made.
    """
    import tempfile
    from pathlib import Path

    from newscli.commands import archive_path
    from newscli.store import Store

    path = archive_path(ctx)
    if path.exists():
        store = Store.open(path, create=False)
        try:
            yield store
        finally:
            store.close()
        return
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="newscli-dry-run-") as folder:
            store = Store.open(Path(folder) / "archive.db", create=True)
            try:
                yield store
            finally:
                store.close()
        return
    missing = [p for p in path.absolute().parents if not p.exists()]
    store = Store.open(path, create=True)
    try:
        yield store
    finally:
        empty = _holds_nothing(store)
        store.close()
        if empty:
            _remove_new_archive(path, missing)


def _holds_nothing(store: Any) -> bool:
    from newscli.models import Filters

    return store.count(Filters()) == 0


def _remove_new_archive(path: Any, folders: list[Any]) -> None:
    """Remove an archive this run created and left empty, and the folders made for it."""
    import contextlib

    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()
    for folder in folders:  # innermost first
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextmanager
def _progress(paths: list[str], options: Any, quiet: bool) -> Iterator[Any]:
    """A per-file callback that moves a bar on stderr when it is a terminal; else None."""
    from newscli.render import is_terminal

    if quiet or "-" in paths or not is_terminal(sys.stderr):
        yield None
        return
    from newscli.commands.progress import ProgressOnStderr
    from newscli.importer import iter_candidates

    total = sum(1 for _ in iter_candidates(paths, options.globs, options.excludes,
                                           follow_links=options.follow_links))
    done = 0
    with ProgressOnStderr("importing", rate_unit="files/s") as bar:
        bar.show(done, total)

        def advance(_name: str) -> None:
            nonlocal done
            done += 1
            bar.show(done, total)

        yield advance


def _print_report(report: Any, fmt: ReportFormat, quiet: bool, dry_run: bool) -> None:
    from newscli.render import clean, say

    if not quiet:
        for note in report.notes:
            say(f"note: {clean(note, one_line=True)}")
        for skipped in report.skipped:
            say(f"skipped: {clean(skipped.path, one_line=True)}: "
                f"{clean(skipped.error, one_line=True)}")
    for failure in report.failures:
        say(f"failed: {clean(failure.path, one_line=True)}: {clean(failure.error, one_line=True)}")
    if fmt is ReportFormat.json:
        from newscli.formats import to_json_line

        print(to_json_line(report.as_dict()))
    elif not quiet:
        prefix = "dry run, nothing written: " if dry_run else ""
        say(prefix + report_counts(report))
    if report.interrupted:
        say("interrupted: the articles counted above are stored; run the import again to finish")
    if report.stopped:
        say(f"stopped: {clean(report.stopped, one_line=True)}")
        say(f"not stored: the {report.not_stored:,} articles being written when it stopped, and "
            "every file after them; the articles counted above are stored. Make room and run "
            "the same import again to finish (what is stored is skipped)")


def report_counts(report: Any) -> str:
    """`3 imported, 0 updated, 1 unchanged, 1 duplicate, 0 failed`, then what was set apart."""
    singular = {"duplicates": "duplicate"}
    counts = [f"{getattr(report, name)} "
              + (singular.get(name, name) if getattr(report, name) == 1 else name)
              for name in ("imported", "updated", "unchanged", "duplicates", "failed")]
    if report.skipped:
        counts.append(f"{len(report.skipped)} skipped")
    text = ", ".join(counts)
    if report.headline_only:
        text += f" ({report.headline_only} headline-only: a title and no text)"
    return text
