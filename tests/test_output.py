"""commands.output.emit and render.print_table: every listing format, terminal and piped."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from newscli.commands.output import OutputFormat, emit, resolve_format

ROWS = [
    {"slug": "a-one", "title": "Tab\there, [bold]markup[/bold]", "tags": ["x", "y"], "n": 3},
    {"slug": "b-two", "title": "Évian\x1b]0;pwned\x07 talks", "tags": [], "n": None},
]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(fmt, rows=ROWS, columns=("slug", "title", "tags", "n"), out=None, **kw):
    out = out or io.StringIO()
    count = emit(rows, fmt, columns, out=out, **kw)
    return count, out.getvalue()


def test_default_is_tsv_when_piped_and_table_on_a_terminal():
    assert resolve_format(None, io.StringIO()) is OutputFormat.tsv
    assert resolve_format(None, Tty()) is OutputFormat.table
    assert resolve_format(OutputFormat.json, Tty()) is OutputFormat.json


def test_json_keeps_column_order_and_unicode():
    count, text = run(OutputFormat.json)
    data = json.loads(text)
    assert count == 2
    assert [list(r) for r in data] == [["slug", "title", "tags", "n"]] * 2
    assert data[1]["title"].startswith("Évian\x1b")
    assert "Évian" in text  # UTF-8, not \u escapes


def test_jsonl_one_object_a_line():
    _, text = run(OutputFormat.jsonl, columns=("slug",))
    assert text.splitlines() == ['{"slug": "a-one"}', '{"slug": "b-two"}']


def test_tsv_flattens_tabs_and_joins_lists():
    _, text = run(OutputFormat.tsv)
    lines = text.splitlines()
    assert lines[0] == "slug\ttitle\ttags\tn"
    assert lines[1].split("\t") == ["a-one", "Tab here, [bold]markup[/bold]", "x;y", "3"]
    assert lines[2].split("\t")[3] == ""


def test_csv_round_trips():
    _, text = run(OutputFormat.csv)
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[1] == ["a-one", "Tab\there, [bold]markup[/bold]", "x;y", "3"]


def test_slugs_one_a_line_and_refused_without_a_slug_column():
    from newscli.errors import QueryError

    assert run(OutputFormat.slugs)[1] == "a-one\nb-two\n"
    with pytest.raises(QueryError):
        run(OutputFormat.slugs, columns=("title",))


def test_machine_output_on_a_terminal_shows_escapes_as_text():
    _, text = run(OutputFormat.jsonl, out=Tty(), columns=("title",))
    assert "\x1b" not in text and "\x07" not in text


def test_piped_table_has_no_box_drawing_or_colour_and_prints_markup_literally():
    count, text = run(OutputFormat.table, table_columns=("slug", "title", "n"),
                      headers={"n": "count"})
    assert count == 2
    assert "[bold]markup[/bold]" in text
    assert "\x1b" not in text and "\x07" not in text and "\\x1b" in text
    assert not set(text) & set("─━│┃┌┏")
    assert text.splitlines()[0].split() == ["slug", "title", "count"]


def test_terminal_table_has_a_header_rule(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    _, text = run(OutputFormat.table, out=Tty(), table_columns=("slug", "title"))
    assert "━" in text or "─" in text
    # NO_COLOR drops colour (the cyan slugs), not bold headers.
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", text)
    assert "\x1b]0;" not in text


def test_empty_rows():
    assert run(OutputFormat.json, rows=[])[1] == "[]\n"
    assert run(OutputFormat.tsv, rows=[])[1] == "slug\ttitle\ttags\tn\n"
    assert run(OutputFormat.slugs, rows=[])[1] == ""
