"""`newscli import`: files, folders, globs or stdin into the archive."""

import re
import sys
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
    )
    store = open_store(ctx, create=True)
    with _progress(paths, globs, quiet) as advance:
        report = import_paths(store, paths, options, advance)
    _print_report(report, report_format, quiet, dry_run)
    if report.interrupted:
        raise typer.Exit(130)
    if report.failed:
        raise typer.Exit(1)


class _progress:
    """A progress bar on stderr when it is a terminal; a no-op callback otherwise."""

    def __init__(self, paths: list[str], globs: tuple[str, ...], quiet: bool):
        from newscli.render import is_terminal

        self.enabled = not quiet and "-" not in paths and is_terminal(sys.stderr)
        self.paths, self.globs = paths, globs
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from newscli.importer import iter_candidates
        from newscli.render import progress_bar

        total = sum(1 for _ in iter_candidates(self.paths, self.globs))
        self.bar = progress_bar(total)
        self.bar.start()
        task = self.bar.add_task("import", total=total, rate="")

        def advance(_name: str) -> None:
            self.bar.advance(task)
            speed = self.bar.tasks[0].speed
            self.bar.update(task, rate=f"{speed:,.0f} files/s" if speed else "")

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


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
