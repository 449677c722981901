"""commands.output.emit and render.tables.print_table: every listing format, terminal and piped."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from newscli.commands.output import ARTICLES, SUMMARIES, OutputFormat, emit
from newscli.render.tables import print_table

ROWS = [
    {"slug": "a-one", "title": "Tab\there, [bold]markup[/bold]", "tags": ["x", "y"], "n": 3},
    {"slug": "b-two", "title": "Évian\x1b]0;pwned\x07 talks", "tags": [], "n": None},
]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(fmt, rows=ROWS, columns=("slug", "title", "tags", "n"), out=None, table_columns=None,
        headers=None, listing=ARTICLES, **kw):
    out = out or io.StringIO()

    def table(cells):
        print_table(cells, table_columns or columns, headers=headers, out=out)

    count = emit(rows, fmt, listing, columns, table=table, out=out, **kw)
    return count, out.getvalue()


def test_default_is_table_on_a_terminal_and_each_listings_own_when_piped():
    assert ARTICLES.chosen(None, io.StringIO()) is OutputFormat.tsv
    assert SUMMARIES.chosen(None, io.StringIO()) is OutputFormat.json
    assert ARTICLES.chosen(None, Tty()) is SUMMARIES.chosen(None, Tty()) is OutputFormat.table
    assert ARTICLES.chosen("json", Tty()) is OutputFormat.json


def test_summaries_accept_no_tsv_or_slugs():
    assert OutputFormat.tsv not in SUMMARIES.accepts and OutputFormat.slugs not in SUMMARIES.accepts
    assert set(ARTICLES.accepts) == set(OutputFormat)


def test_nested_records_write_flat_rows_as_csv_and_whole_as_json():
    groups = [{"articles": [{"slug": "a"}, {"slug": "b"}]}]
    flat = ([{"group": 1, "slug": "a"}, {"group": 1, "slug": "b"}], ("group", "slug"))
    _, text = run("csv", rows=groups, columns=("articles",), listing=SUMMARIES, flat=flat)
    assert text.splitlines() == ["group,slug", "1,a", "1,b"]
    _, text = run("json", rows=groups, columns=("articles",), listing=SUMMARIES, flat=flat)
    assert json.loads(text) == groups


def test_an_empty_summary_prints_no_table_but_an_empty_list_prints_its_header():
    assert run("table", rows=[], listing=SUMMARIES) == (0, "")
    assert run("table", rows=[], listing=ARTICLES)[1].split() == ["slug", "title", "tags", "n"]


def test_json_keeps_column_order_and_unicode():
    count, text = run("json")
    data = json.loads(text)
    assert count == 2
    assert [list(r) for r in data] == [["slug", "title", "tags", "n"]] * 2
    assert data[1]["title"].startswith("Évian\x1b")
    assert "Évian" in text  # UTF-8, not \u escapes


def test_jsonl_one_object_a_line():
    _, text = run("jsonl", columns=("slug",))
    assert text.splitlines() == ['{"slug": "a-one"}', '{"slug": "b-two"}']


def test_tsv_flattens_tabs_and_joins_lists():
    _, text = run("tsv")
    lines = text.splitlines()
    assert lines[0] == "slug\ttitle\ttags\tn"
    assert lines[1].split("\t") == ["a-one", "Tab here, [bold]markup[/bold]", "x;y", "3"]
    assert lines[2].split("\t")[3] == ""


def test_csv_round_trips():
    _, text = run("csv")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[1] == ["a-one", "Tab\there, [bold]markup[/bold]", "x;y", "3"]


def test_slugs_one_a_line_and_refused_without_a_slug_column():
    from newscli.errors import QueryError

    assert run("slugs")[1] == "a-one\nb-two\n"
    with pytest.raises(QueryError):
        run("slugs", columns=("title",))


def test_machine_output_on_a_terminal_shows_escapes_as_text():
    _, text = run("jsonl", out=Tty(), columns=("title",))
    assert "\x1b" not in text and "\x07" not in text


def test_piped_table_has_no_box_drawing_or_colour_and_prints_markup_literally():
    count, text = run("table", table_columns=("slug", "title", "n"),
                      headers={"n": "count"})
    assert count == 2
    assert "[bold]markup[/bold]" in text
    assert "\x1b" not in text and "\x07" not in text and "\\x1b" in text
    assert not set(text) & set("─━│┃┌┏")
    assert text.splitlines()[0].split() == ["slug", "title", "count"]


def test_terminal_table_has_a_header_rule(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    _, text = run("table", out=Tty(), table_columns=("slug", "title"))
    assert "━" in text or "─" in text
    # NO_COLOR drops colour (the cyan slugs), not bold headers.
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", text)
    assert "\x1b]0;" not in text


def test_empty_rows():
    assert run("json", rows=[])[1] == "[]\n"
    assert run("tsv", rows=[])[1] == "slug\ttitle\ttags\tn\n"
    assert run("slugs", rows=[])[1] == ""
