"""`newscli alerts add|list|rm|check`: saved queries that say when a watched topic appears."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from newscli.commands import open_store
from newscli.commands.output import ARTICLES, SUMMARIES, OutputFormat, SummariesFormatOption, emit
from newscli.commands.output import ArticlesFormatOption as FormatOption

alerts_app = typer.Typer(
    help="Watch topics: saved queries, and the articles that matched them since the last check.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
)
ALERT_FIELDS = ("name", "query", "unseen", "checked_at", "created_at")


@alerts_app.command("add")
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name for the alert.")],
    query: Annotated[list[str], typer.Argument(
        help="A search query, filters included (source:, tag:, after: ...), as `newscli search` takes.")],
) -> None:
    """Watch a query: `alerts check` shows the articles it matches from now on."""
    from newscli.alerts import add_alert
    from newscli.render import clean, say

    add_alert(open_store(ctx, create=True), name, " ".join(query))
    say(f"watching {clean(name, one_line=True)}: new articles that match show in `newscli alerts check`")


@alerts_app.command("list")
def list_command(ctx: typer.Context, fmt: SummariesFormatOption = None) -> None:
    """The alerts, each with its count of unseen matches."""
    from newscli.alerts import list_alerts
    from newscli.render.tables import print_table

    alerts = list_alerts(open_store(ctx))
    if not alerts:
        from newscli.commands.output import nothing_found

        nothing_found("no alerts yet: newscli alerts add NAME QUERY")
    emit(alerts, fmt, SUMMARIES, ALERT_FIELDS,
         table=lambda rows: print_table(rows, ("name", "unseen", "query", "checked_at")))


@alerts_app.command("rm")
def rm_command(
    ctx: typer.Context, names: Annotated[list[str], typer.Argument(help="Alerts to remove.")],
) -> None:
    """Remove alerts (the articles they matched stay)."""
    from newscli.alerts import remove_alerts
    from newscli.render import clean, say

    for alert in remove_alerts(open_store(ctx), names):
        say(f"removed alert {clean(alert['name'], one_line=True)}")


@alerts_app.command("check")
def check_command(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Alerts to check [default: all].")] = None,
    fmt: FormatOption = None,
    peek: Annotated[bool, typer.Option("--peek", help="Show the new matches without marking them seen.")
                    ] = False,
) -> None:
    """The articles each alert matched since its last check, marked seen; exit 1 when none."""
    from newscli.alerts import check_alerts
    from newscli.models import LIST_FIELDS
    from newscli.render.tables import list_cells, print_table

    found: Any = check_alerts(open_store(ctx), names or [], mark_seen=not peek)
    if not found:
        from newscli.commands.output import nothing_found

        nothing_found("no new matches")
    if ARTICLES.chosen(fmt) is OutputFormat.table:
        found = list(list_cells(found))
    emit(found, fmt, ARTICLES, ("alert", *LIST_FIELDS),
         table=lambda cells: print_table(cells, ("alert", "date", "source", "title", "slug")))


def report_new_matches(store: Any, since_id: int) -> None:
    """After an import: a line on stderr for each alert the new articles matched."""
    from newscli.alerts import gained_since
    from newscli.render import clean, say

    for name, count in gained_since(store, since_id):
        say(f"alert {clean(name, one_line=True)}: {count} new match{'es' if count != 1 else ''} "
            f"(newscli alerts check {clean(name, one_line=True)})")
