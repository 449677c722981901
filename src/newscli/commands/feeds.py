"""`newscli feeds add|list|rm|update|import|export`: the feeds newscli follows."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from newscli.commands import open_store
from newscli.commands.importing import ReportFormat, parse_size
from newscli.commands.output import SUMMARIES, SummariesFormatOption, emit

feeds_app = typer.Typer(
    help="Follow news feeds (RSS, Atom, JSON Feed) and import their new entries.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
)
FEED_FIELDS = ("name", "url", "title", "tags", "entries", "checked_at", "last_status")
REPORT_FIELDS = ("name", "status", "new", "known", "from_feed", "failed", "reason")


@feeds_app.command("add")
def add_command(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The feed's URL (http or https).")],
    source: Annotated[str | None, typer.Option(
        "--source", help="Name of the feed, and source of its articles that name none "
        "[default: the feed's title]")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag its articles (repeatable).")] = None,
) -> None:
    """Follow a feed: it is read once now, to check it is a feed and learn its title."""
    from newscli.feeds import add_feed, read_feed
    from newscli.render import clean, say

    with _fetcher() as fetcher:
        parsed = read_feed(url, fetcher)  # first: a feed that cannot be read creates no archive
    store = open_store(ctx, create=True)
    added = add_feed(store, url, source, [t.strip() for t in tag or () if t.strip()], parsed)
    say(f"following {clean(added['name'], one_line=True)} ({added['entries']} entries now; "
        "`newscli feeds update` imports them)")


@feeds_app.command("list")
def list_command(ctx: typer.Context, fmt: SummariesFormatOption = None) -> None:
    """The feeds followed, with the entries seen in each and how the last update went."""
    from newscli.feeds import list_feeds
    from newscli.render.tables import print_table

    feeds = list_feeds(open_store(ctx))
    if not feeds:
        from newscli.commands.output import nothing_found

        nothing_found("no feeds are followed yet: newscli feeds add URL")
    emit(feeds, fmt, SUMMARIES, FEED_FIELDS,
         table=lambda rows: print_table(rows, ("name", "url", "entries", "checked_at", "last_status")))


@feeds_app.command("rm")
def rm_command(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="Names (or URLs) of the feeds to stop following.")],
) -> None:
    """Stop following feeds; the articles they brought stay in the archive."""
    from newscli.feeds import remove_feeds
    from newscli.render import clean, say

    for feed in remove_feeds(open_store(ctx), names):
        say(f"no longer following {clean(feed['name'], one_line=True)}")


@feeds_app.command("update")
def update_command(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Feeds to update [default: all of them].")] = None,
    max_size: Annotated[str, typer.Option("--max-size", help="Refuse pages and feeds larger than this.")
                        ] = "10MB",
    report_format: Annotated[ReportFormat, typer.Option(
        "--format", help="Report as text on stderr or JSON on stdout.")] = ReportFormat.text,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only report failures.")] = False,
) -> None:
    """Read the feeds and import each new entry's page (the feed's own content if the page
    cannot be had); exit 1 when anything failed, keeping the rest."""
    from newscli.feeds import failed_anything, select_feeds, update_feeds
    from newscli.importer import Options

    store = open_store(ctx)
    feeds = select_feeds(store, names or [])
    if not feeds:
        from newscli.commands.output import nothing_found

        nothing_found("no feeds are followed yet: newscli feeds add URL")
    size = parse_size(max_size)
    from newscli.alerts import last_article_id

    before = last_article_id(store)
    with _fetcher(size) as fetcher, _progress(quiet) as bar:
        reports = update_feeds(store, feeds, fetcher, Options(max_size=size),
                               bar and bar.advance, bar and bar.found)
    _print_reports(reports, report_format, quiet)
    from newscli.commands.alerts import report_new_matches

    report_new_matches(store, before)
    if failed_anything(reports):
        raise typer.Exit(1)


@feeds_app.command("import")
def import_command(
    ctx: typer.Context,
    opml: Annotated[Path, typer.Argument(help="An OPML file of feeds, as feed readers export ('-': stdin).",
                                         allow_dash=True)],
) -> None:
    """Follow every feed an OPML file lists that is not followed yet."""
    from newscli.feeds import import_opml
    from newscli.render import clean, say

    data = sys.stdin.buffer.read() if str(opml) == "-" else _read(opml)
    added, skipped = import_opml(open_store(ctx, create=True), data)
    for reason in skipped:
        say(f"skipped: {clean(reason, one_line=True)}")
    say(f"{len(added)} feeds added, {len(skipped)} skipped")


@feeds_app.command("export")
def export_command(ctx: typer.Context) -> None:
    """The feeds followed as OPML on stdout, for any feed reader."""
    from newscli.feeds import export_opml, list_feeds

    sys.stdout.write(export_opml(list_feeds(open_store(ctx))))


def _read(path: Path) -> bytes:
    from newscli.errors import NewscliError, os_reason

    try:
        return path.read_bytes()
    except OSError as exc:
        raise NewscliError(f"{path}: {os_reason(exc)}") from None


def _fetcher(max_size: int | None = None) -> Any:
    from newscli.fetch import Fetcher, Settings

    return Fetcher(Settings() if max_size is None else Settings(max_size=max_size))


class _progress:
    """A bar of entries done on stderr when it is a terminal; None (no bar) otherwise."""

    def __init__(self, quiet: bool):
        self.quiet, self.bar, self.done, self.total = quiet, None, 0, 0

    def __enter__(self) -> Any:
        from newscli.render import is_terminal

        if self.quiet or not is_terminal(sys.stderr):
            return None
        from newscli.commands.progress import ProgressOnStderr

        self.bar = ProgressOnStderr("entries", rate_unit="pages/s")
        return self

    def found(self, total: int) -> None:
        self.total = total

    def advance(self, _name: str) -> None:
        self.done += 1
        assert self.bar is not None
        self.bar.show(self.done, max(self.total, self.done))

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__()


def _print_reports(reports: list[Any], fmt: ReportFormat, quiet: bool) -> None:
    from newscli.render import clean, say

    for report in reports:
        name = clean(report.name, one_line=True)
        if report.status == "failed":
            say(f"failed: {name}: {clean(report.reason or '', one_line=True)}")
        for failure in report.failures:
            say(f"failed: {name}: {clean(failure['entry'], one_line=True)}: "
                f"{clean(failure['error'], one_line=True)}")
        if not quiet:
            for note in report.notes:
                say(f"note: {name}: {clean(note, one_line=True)}")
            if report.status != "failed":
                counts = f"{report.new} new, {report.known} known, {report.failed} failed"
                extra = f" ({report.from_feed} from the feed's content)" if report.from_feed else ""
                say(f"{name}: {report.status}: {counts}{extra}")
    if fmt is ReportFormat.json:
        import json

        print(json.dumps([r.as_dict() for r in reports], ensure_ascii=False))
