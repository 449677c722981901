"""`newscli list` and `newscli show`."""

import sys
from enum import Enum
from typing import Annotated

import typer

from newscli.commands import open_store


class ListFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    tsv = "tsv"


class ShowFormat(str, Enum):
    text = "text"
    json = "json"


def list_command(
    ctx: typer.Context,
    fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.tsv,
) -> None:
    """List articles, newest first."""
    from newscli import formats
    from newscli.models import LIST_FIELDS

    store = open_store(ctx)
    rows = ({k: r[k] for k in LIST_FIELDS} for r in store.iter_articles())
    if fmt is ListFormat.json:
        formats.write_json(rows, sys.stdout)
    elif fmt is ListFormat.jsonl:
        formats.write_jsonl(rows, sys.stdout)
    else:
        formats.write_delimited(rows, sys.stdout, LIST_FIELDS, tsv=True)


def show_command(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="SLUG", help="Slug, numeric id or unique slug prefix.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", help="Output format.")] = ShowFormat.text,
) -> None:
    """Show one article."""
    from newscli import formats
    from newscli.models import ALL_FIELDS
    from newscli.render import clean

    article = open_store(ctx).resolve(ref)
    if fmt is ShowFormat.json:
        print(formats.to_json_line({k: article[k] for k in ALL_FIELDS}))
    else:
        print(clean(article["title"]) + "\n\n" + clean(article["body"]))
