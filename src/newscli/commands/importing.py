"""`newscli import`: files, folders, globs or stdin into the archive."""

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Annotated, Any

import typer

from newscli.commands import open_store


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
        list[str], typer.Argument(help="Files, folders (searched recursively), globs, or - for stdin.")
    ],
    glob: Annotated[
        list[str] | None,
        typer.Option(
            "--glob",
            help="File-name patterns to take inside folders (repeatable; '*' takes every file). "
            "[default: *.txt *.md *.markdown *.json *.jsonl *.html *.htm]",
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Source (outlet) for articles whose file names none.")
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
    follow_links: Annotated[bool, typer.Option(
        "--follow-links", help="Also follow symbolic links that lead outside the paths given.")
    ] = False,
) -> None:
    """Import article files (text, Markdown, front matter, JSON, saved web pages) into the archive."""
    from newscli.importer import DEFAULT_GLOBS, Options, import_paths

    globs = tuple(p for pattern in glob or () for p in pattern.split()) or DEFAULT_GLOBS
    options = Options(
        globs=globs,
        source=source,
        tags=tuple(t.strip() for t in tag or () if t.strip()),
        dry_run=dry_run,
        max_size=parse_size(max_size),
        follow_links=follow_links,
    )
    store = open_store(ctx, create=True)
    with _progress(paths, globs, quiet, follow_links) as advance:
        report = import_paths(store, paths, options, advance)
    _print_report(report, report_format, quiet, dry_run)
    if report.interrupted:
        raise typer.Exit(130)
    if report.failed or report.stopped:
        raise typer.Exit(1)


@contextmanager
def _progress(paths: list[str], globs: tuple[str, ...], quiet: bool, follow_links: bool
              ) -> Iterator[Any]:
    """A per-file callback that moves a bar on stderr when it is a terminal; else None."""
    from newscli.render import is_terminal

    if quiet or "-" in paths or not is_terminal(sys.stderr):
        yield None
        return
    from newscli.commands.progress import ProgressOnStderr
    from newscli.importer import iter_candidates

    total = sum(1 for _ in iter_candidates(paths, globs, follow_links=follow_links))
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
    for failure in report.failures:
        say(f"failed: {clean(failure.path, one_line=True)}: {clean(failure.error, one_line=True)}")
    if fmt is ReportFormat.json:
        import json

        print(json.dumps(report.as_dict(), ensure_ascii=False))
    elif not quiet:
        counts = ", ".join(f"{getattr(report, n)} {n}" for n in
                           ("imported", "updated", "unchanged", "duplicates", "failed"))
        prefix = "dry run, nothing written: " if dry_run else ""
        say(f"{prefix}{counts}")
    if report.interrupted:
        say("interrupted: the articles counted above are stored; run the import again to finish")
    if report.stopped:
        say(f"stopped: {clean(report.stopped, one_line=True)}")
        say(f"not stored: the {report.not_stored:,} articles being written when it stopped, and "
            "every file after them; the articles counted above are stored. Make room and run "
            "the same import again to finish (what is stored is skipped)")
