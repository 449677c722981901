"""list, search and show through the command line: formats, defaults, filters, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import on_terminal

HOSTILE_TITLE = "[bold red]Pwned[/] \x1b]0;owned\x07 title"
ARTICLES = [
    {"title": "Port Authority Opens Night Ferry", "published": "2024-03-04", "source": "Herald",
     "author": "Ada Penhallow", "tags": ["transport", "island"],
     "body": "HARBOURTON – The port authority launched a night ferry to the islands on Monday."},
    {"title": "Night Ferry Fare Dispute", "published": "2024-06-10T08:00:00+00:00",
     "source": "Wire", "tags": ["transport"],
     "body": "Councils rejected the fare rise for the night ferry."},
    {"title": "Wind Farm Approved", "published": "2023-11-01", "source": "Herald",
     "tags": ["energy"], "format": "markdown",
     "body": "The **wind farm** off Kelsey Bay was approved.\n\n## Objections\n\n"
             "Fishermen object."},
    {"title": "Museum Reopens", "source": "Ledger",
     "body": "The maritime museum reopened. Visitors came on the late ferry from the harbour."},
    {"title": HOSTILE_TITLE, "published": "2022-01-01", "source": "[i]Evil[/i]",
     "tags": ["[b]x[/b]"], "body": "Body \x1b[31mred\x1b[0m and [blink]markup[/blink] ferry."},
]
LIST_KEYS = ["slug", "title", "source", "author", "published", "url", "tags", "dateline",
             "word_count", "path"]


@pytest.fixture
def archive(cli, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    result = cli("import", str(feed))
    assert result.exit_code == 0, result.stderr
    return cli


@pytest.fixture
def terminal(monkeypatch):
    """stdout counts as a terminal (Rich still sees CliRunner's stream: no colour codes)."""
    import newscli.render

    monkeypatch.setattr(newscli.render, "is_terminal", lambda stream: True)


def slug_of(cli, title_start: str) -> str:
    return next(a["slug"] for a in cli.json("list") if a["title"].startswith(title_start))


# -- list --------------------------------------------------------------------------------------


def test_list_newest_first_undated_last(archive):
    titles = [a["title"] for a in archive.json("list")]
    assert titles == ["Night Ferry Fare Dispute", "Port Authority Opens Night Ferry",
                      "Wind Farm Approved", HOSTILE_TITLE, "Museum Reopens"]


def test_list_piped_default_is_tsv_with_a_header(archive):
    result = archive("list")
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == LIST_KEYS
    assert lines[1].split("\t")[1] == "Night Ferry Fare Dispute"
    assert len(lines) == 6


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "slugs", "table"])
def test_list_every_format(archive, fmt):
    # Wide enough for whole titles: on a narrow table titles are cut to leave slugs whole.
    result = archive("list", "--format", fmt, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if fmt == "json":
        data = json.loads(out)
        assert [list(a) for a in data] == [LIST_KEYS] * 5
        assert data[0]["tags"] == ["transport"] and data[0]["published"].startswith("2024-06-10T")
    elif fmt == "jsonl":
        assert [json.loads(line)["source"] for line in out.splitlines()][:2] == ["Wire", "Herald"]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        assert rows[1]["tags"] == "transport;island" and len(rows) == 5
    elif fmt == "slugs":
        assert out.splitlines()[0] == slug_of(archive, "Night Ferry Fare")
    elif fmt == "table":
        assert "Night Ferry Fare Dispute" in out and "2024-06-10" in out
        assert "5 articles" in result.stderr  # the footer is talk: stderr
    else:
        assert out.startswith("slug\ttitle\t")


def test_list_on_a_terminal_is_a_table_with_a_footer(archive, terminal, tmp_path):
    many = tmp_path / "many.jsonl"
    many.write_text("".join(json.dumps({"title": f"Extra {i}", "body": "b"}) + "\n"
                            for i in range(60)))
    archive("import", str(many))
    result = archive("list")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0].split()
    assert header == ["date", "source", "title", "slug"]
    assert "50 of 65 - use --limit and --offset for more" in result.stderr
    assert "51-65 of 65" in archive("list", "--offset", "50").stderr
    assert "10 of 65" in archive("list", "--limit", "10").stderr
    assert len(archive("list", "--format", "jsonl").stdout.splitlines()) == 65


def test_list_sort_reverse_limit_offset(archive):
    assert [a["title"] for a in archive.json("list", "--sort", "title", "--limit", "2")] == [
        HOSTILE_TITLE, "Museum Reopens"]
    assert [a["title"] for a in archive.json("list", "--sort", "date", "--reverse")][:2] == [
        HOSTILE_TITLE, "Wind Farm Approved"]
    assert archive.json("list", "--sort", "source")[0]["source"] == "[i]Evil[/i]"
    assert [a["title"] for a in archive.json("list", "--offset", "4")] == ["Museum Reopens"]
    assert archive.json("list", "--limit", "0") == []


def test_list_filters(archive):
    def titles(*args):
        return [a["title"] for a in archive.json("list", *args)]

    assert titles("--source", "herald") == ["Port Authority Opens Night Ferry",
                                            "Wind Farm Approved"]
    assert len(titles("--source", "Herald", "--source", "Wire")) == 3
    assert titles("--tag", "transport", "--tag", "island") == ["Port Authority Opens Night Ferry"]
    assert titles("--author", "penhallow") == ["Port Authority Opens Night Ferry"]
    assert titles("--since", "2024-03-04") == ["Night Ferry Fare Dispute",
                                               "Port Authority Opens Night Ferry"]
    assert titles("--since", "2024", "--until", "2024-03") == ["Port Authority Opens Night Ferry"]
    assert titles("--until", "2022") == [HOSTILE_TITLE]
    assert len(titles("--since", "100y")) == 4


@pytest.mark.parametrize("args", [["--since", "yesterday"], ["--until", "2024-02-30"],
                                  ["--limit", "-1"], ["--sort", "best"], ["--format", "xml"]])
def test_list_bad_options_exit_2(archive, args):
    result = archive("list", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_list_of_an_empty_archive(cli, terminal):
    cli("import", "-", input="T\n\nB\n")
    empty = cli("list", "--tag", "nothing")
    assert empty.exit_code == 1 and "no articles match" in empty.stderr


# -- search ------------------------------------------------------------------------------------


def test_search_piped_tsv_with_score_and_snippet(archive):
    result = archive("search", "night", "ferry")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == [*LIST_KEYS, "score", "snippet"]
    assert {line.split("\t")[1] for line in lines[1:]} == {
        "Port Authority Opens Night Ferry", "Night Ferry Fare Dispute"}
    assert result.stderr == "2 matches\n"


def test_search_json_adds_score_and_snippet(archive):
    hits = archive.json("search", "fare")
    assert [list(h) for h in hits] == [[*LIST_KEYS, "score", "snippet"]]
    assert hits[0]["snippet"] == "Councils rejected the fare rise for the night ferry."
    assert isinstance(hits[0]["score"], float) and hits[0]["score"] > 0


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "slugs", "table"])
def test_search_every_format(archive, fmt):
    result = archive("search", "ferry", "--format", fmt, "--limit", "2")
    assert result.exit_code == 0
    assert "1-2 of 4 matches - use --limit and --offset for more" in result.stderr
    if fmt == "slugs":
        assert len(result.stdout.splitlines()) == 2
    elif fmt == "table":
        assert "1." in result.stdout and "2." in result.stdout and "3." not in result.stdout


def test_search_headline_first_and_sort_by_date(archive):
    hits = archive.json("search", "ferry")
    assert hits[0]["title"] in ("Port Authority Opens Night Ferry", "Night Ferry Fare Dispute")
    assert hits[-1]["title"] in ("Museum Reopens", HOSTILE_TITLE)
    by_date = archive.json("search", "ferry", "--sort", "date")
    assert [h["title"] for h in by_date] == ["Night Ferry Fare Dispute",
                                             "Port Authority Opens Night Ferry",
                                             HOSTILE_TITLE, "Museum Reopens"]


def test_search_words_with_dashes_are_exclusions_not_options(archive):
    hits = archive.json("search", "ferry", "-fare", "-title:museum")
    assert {h["title"] for h in hits} == {"Port Authority Opens Night Ferry", HOSTILE_TITLE}
    result = archive("search", "ferry", "--limt", "3")
    assert result.exit_code == 2 and "unknown option --limt" in result.stderr


def test_search_query_filters_and_option_filters(archive):
    assert [h["source"] for h in archive.json("search", "ferry source:wire")] == ["Wire"]
    assert [h["source"] for h in archive.json("search", "ferry", "--source", "wire")] == ["Wire"]
    assert len(archive.json("search", "ferry", "--since", "2024", "tag:transport")) == 2
    assert [h["title"] for h in archive.json("search", "tag:energy")] == ["Wind Farm Approved"]
    both = archive("search", "ferry source:wire", "--source", "herald")
    assert both.exit_code == 2 and "use one of them" in both.stderr


def test_search_nothing_found_exits_1_and_suggests(archive):
    result = archive("search", '"ferry night"')
    assert result.exit_code == 1
    assert result.stderr == (
        "no matches for \"ferry night\"; try: newscli search 'ferry night' (2 matches)\n")
    assert result.stdout.startswith("slug\t")  # the header: scripts still get a shape
    plain = archive("search", "zeppelin", "--format", "json")
    assert plain.exit_code == 1 and plain.stdout == "[]\n"
    assert plain.stderr == "no matches for zeppelin\n"


def test_search_offset_past_the_end(archive):
    result = archive("search", "ferry", "--offset", "10")
    assert result.exit_code == 0 and "only 4 matches; --offset 10 is past the end" in result.stderr


@pytest.mark.parametrize("query, message", [
    ("source:", "source: needs a value"),
    ("a OR -b", "cannot be one side of OR"),
    ("-", "nothing to search for"),
    ("x since:someday", "is not a date"),
])
def test_search_bad_queries_exit_2_with_one_line(archive, query, message):
    result = archive("search", query)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert result.stderr.startswith("newscli: error: ")


@pytest.mark.parametrize("query", [
    "NATO's", "Asia-Pacific", '"unbalanced', "(unbalanced", "*", "'; DROP TABLE articles; --",
    "北京 会议", "a" * 5000, " ".join(["ferry"] * 800), "NEAR(a b)", "ferry^", "{title}: x",
    "\x00\x1b[31m", "-- --", "ferry OR", "-ferry", "ferry:", "title:(",
])
def test_any_query_is_searched_or_rejected_never_a_traceback(archive, query):
    result = archive("search", query)
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "fts5" not in result.stderr.lower()
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_search_table_on_a_terminal(archive, terminal):
    result = archive("search", "fare")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["1.", "Night", "Ferry", "Fare", "Dispute"]
    assert "2024-06-10" in lines[1] and "Wire" in lines[1]
    assert "Councils rejected the fare rise" in result.stdout
    assert result.stderr == "1 match\n"


# -- show --------------------------------------------------------------------------------------


def test_show_resolves_slug_id_and_prefix(archive):
    slug = slug_of(archive, "Wind Farm")
    assert archive.json("show", slug)["title"] == "Wind Farm Approved"
    assert archive.json("show", "3")["title"] == "Wind Farm Approved"
    assert archive.json("show", slug[:6])["title"] == "Wind Farm Approved"
    unknown = archive("show", "wind-farn-approved")
    assert unknown.exit_code == 1 and f"did you mean {slug}" in unknown.stderr
    archive("import", "-", input="Night Ferry Delays\n\nLate again.\n")
    ambiguous = archive("show", "night-ferry")
    assert ambiguous.exit_code == 1 and "matches several articles" in ambiguous.stderr
    assert "night-ferry-delays" in ambiguous.stderr and ambiguous.stdout == ""


def test_show_json_has_every_field(archive):
    data = archive.json("show", slug_of(archive, "Wind Farm"))
    assert set(data) >= {"id", "body", "meta", "format", "sha256", "imported_at", "language"}
    assert data["format"] == "markdown" and data["body"].startswith("The **wind farm**")


def test_show_markdown_is_what_export_writes(archive):
    from newscli.markdown import to_markdown

    slug = slug_of(archive, "Wind Farm")
    result = archive("show", slug, "--format", "markdown")
    assert result.exit_code == 0
    full = archive.json("show", slug)
    assert result.stdout == to_markdown(full)
    assert result.stdout.startswith("---\ntitle: Wind Farm Approved\n")


def test_show_piped_default_is_plain_text(archive):
    result = archive("show", slug_of(archive, "Port Authority"))
    assert result.exit_code == 0
    assert result.stdout.startswith("Port Authority Opens Night Ferry\nSource: Herald\n")
    assert "Tags: transport, island\n" in result.stdout
    assert result.stdout.endswith("\n\nHARBOURTON – The port authority launched a night ferry "
                                  "to the islands on Monday.\n")
    assert archive("show", slug_of(archive, "Port"), "--format", "text").stdout == result.stdout


def test_show_terminal_view_renders_markdown(archive, terminal):
    result = archive("show", slug_of(archive, "Wind Farm"), "--no-pager")
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[0] == "Wind Farm Approved"
    assert "source     Herald" in out and "tags       energy" in out
    assert "The wind farm off Kelsey Bay was approved." in out  # ** rendered, not shown
    assert "## Objections" not in out and "Objections" in out


def test_show_long_article_goes_through_the_pager(archive, terminal, tmp_path):
    paged = tmp_path / "paged.txt"
    long = tmp_path / "long.txt"
    long.write_text("Long one\n\n" + "\n\n".join(f"Paragraph {i}." for i in range(80)))
    archive("import", str(long))
    result = archive("show", "long-one", env={"PAGER": f"cat > {paged}"})
    assert result.exit_code == 0 and result.stdout == ""
    assert "Paragraph 79." in paged.read_text()
    direct = archive("show", "long-one", "--no-pager", env={"PAGER": f"cat > {paged}x"})
    assert "Paragraph 79." in direct.stdout and not Path(f"{paged}x").exists()


def test_show_highlight(archive, terminal, monkeypatch):
    import newscli.render.article

    marked = []
    real = newscli.render.article._Highlighted.__init__

    def spy(self, renderable, words):
        marked.append(words)
        real(self, renderable, words)

    monkeypatch.setattr(newscli.render.article._Highlighted, "__init__", spy)
    result = archive("show", slug_of(archive, "Night Ferry Fare"), "--highlight", "fares",
                     "--no-pager")
    assert result.exit_code == 0 and marked == [{"fare"}]
    missing = archive("show", slug_of(archive, "Wind"), "--highlight", "ferry", "--no-pager")
    assert missing.exit_code == 0 and "does not match this article" in missing.stderr
    bad = archive("show", slug_of(archive, "Wind"), "--highlight", "-", "--no-pager")
    assert bad.exit_code == 2


# -- hostile text ------------------------------------------------------------------------------


def _assert_harmless(text: str) -> None:
    assert "\x1b]" not in text and "\x07" not in text and "\x1b[31m" not in text


def test_markup_and_escapes_in_articles_print_as_text(archive, terminal):
    slug = slug_of(archive, "[bold")
    for args in (["list"], ["search", "ferry"], ["show", slug, "--no-pager"],
                 ["list", "--format", "tsv"], ["show", slug, "--format", "text"]):
        result = archive(*args, env={"COLUMNS": "200"})  # titles whole (see test_list_every_format)
        assert result.exit_code == 0, args
        _assert_harmless(result.stdout)
        assert "[bold red]Pwned[/]" in result.stdout, args
    shown = archive("show", slug, "--no-pager").stdout
    assert "[blink]markup[/blink]" in shown and "\\x1b[31mred" in shown
    assert "[i]Evil[/i]" in archive("search", "pwned").stdout


def test_piped_json_keeps_the_data_exactly_and_piped_text_is_harmless(archive):
    [hit] = [a for a in archive.json("list") if a["title"] == HOSTILE_TITLE]
    assert hit["source"] == "[i]Evil[/i]"
    shown = archive.json("show", hit["slug"])
    assert shown["body"] == ARTICLES[4]["body"]
    for fmt in ("text", "markdown"):
        piped = archive("show", hit["slug"], "--format", fmt).stdout
        _assert_harmless(piped)
        assert "Body \\x1b[31mred" in piped


# -- real processes: pipes and terminals -------------------------------------------------------


def _newscli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newscli", "--db", str(db), *args]


@pytest.fixture(scope="module")
def archive_file(tmp_path_factory):
    """Enough articles that every listing overflows a pipe's buffer (64KB on Linux)."""
    folder = tmp_path_factory.mktemp("proc")
    db = folder / "proc.db"
    feed = folder / "feed.jsonl"
    records = [{"title": f"Ferry story {i}", "body": "The ferry sailed. " * 30}
               for i in range(1500)]
    records.append({"title": "Long read", "body": "The ship sailed on. " * 20000})
    feed.write_text("".join(json.dumps(r) + "\n" for r in records))
    subprocess.run(_newscli(db, "import", str(feed)), check=True, capture_output=True)
    return db


@pytest.mark.parametrize("args", [
    ["list"], ["list", "--format", "json"], ["search", "ferry", "--limit", "2000"],
    ["search", "ferry", "--format", "jsonl", "--limit", "2000"], ["show", "long-read"],
    ["show", "long-read", "--format", "json"],
])
def test_closed_pipe_is_quiet(archive_file, args):
    command = " ".join(f"'{a}'" for a in _newscli(archive_file, *args)) + " | head -c 10"
    # pipefail: the pipeline's status is newscli's, which must be success (0), as for cat or grep
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True)
    assert proc.returncode == 0
    assert len(proc.stdout) == 10
    assert proc.stderr in ("", "1,500 matches\n"), proc.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal test")
def test_a_real_terminal_gets_a_table_and_no_colour_with_no_color(archive_file):
    def run(*args: str, env: dict[str, str]) -> str:
        return on_terminal(_newscli(archive_file, *args), env)[1].decode("utf-8")

    env = {"TERM": "xterm-256color", "PAGER": "cat"}
    coloured = run("search", "story", "--limit", "2", env=env)
    assert "1." in coloured and "\x1b[" in coloured and "\t" not in coloured
    plain = run("list", "--limit", "3", env={**env, "NO_COLOR": "1"})
    assert "\t" not in plain and "date" in plain.splitlines()[0]
    assert not any(f"\x1b[{n}" in plain for n in range(30, 38))
