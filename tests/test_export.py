"""`newscli export`: formats, selection, order, files and folders, safety."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SCRAPED, write
from newscli import exporter
from newscli.errors import ExportError
from newscli.exporter import FileNames, Request, atomic_file, export
from newscli.models import ALL_FIELDS, Article
from newscli.store import Filters, Store, now_iso

AWKWARD_BODY = 'First, "quoted" line\nsecond line; with a comma, and a tab\t.\n\n<script>alert(1)</script>'


@pytest.fixture
def archive(cli, tmp_path):
    """Four articles: two dated (out of order on disk), one undated, one with awkward text."""
    folder = tmp_path / "in"
    write(folder, "b.md", "---\ntitle: Later\ndate: 2024-06-01\nsource: Wire\ntags: [port, night]\n---\nB.\n")
    write(folder, "a.md", "---\ntitle: Earlier\ndate: 2023-01-15\nsource: Gazette\n---\nFerry news.\n")
    write(folder, "c.txt", "Undated note\n\nNo date here.\n")
    write(folder, "d.md", "---\ntitle: 'Awkward, \"quoted\"'\ndate: 2024-03-03\nauthor: Ann Lee\n"
          "url: javascript:alert(1)\nflavour: salty\n---\n" + AWKWARD_BODY + "\n")
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.stderr
    return cli


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# -- selection and order -------------------------------------------------------------------------


def test_default_is_jsonl_on_stdout_oldest_first_undated_last(archive):
    result = archive("export")
    assert result.exit_code == 0 and result.stderr == ""
    records = lines(result.stdout)
    assert [r["title"] for r in records] == ["Earlier", 'Awkward, "quoted"', "Later", "Undated note"]
    assert all(list(r) == list(ALL_FIELDS) for r in records)
    assert records[1] == archive.json("show", records[1]["slug"])  # every field `show` gives


def test_json_is_one_array_of_the_same_records(archive):
    assert archive.json("export") == lines(archive("export").stdout)


def test_query_options_and_dates_select(archive):
    assert [r["title"] for r in lines(archive("export", "ferry").stdout)] == ["Earlier"]
    assert [r["title"] for r in lines(archive("export", "--source", "wire").stdout)] == ["Later"]
    dated = archive("export", "--since", "2024-01", "--until", "2024-03-31")
    assert [r["title"] for r in lines(dated.stdout)] == ['Awkward, "quoted"']
    assert lines(archive("export", "--tag", "night", "--tag", "port").stdout)[0]["title"] == "Later"


def test_nothing_to_export_exits_1_and_writes_nothing(archive, tmp_path):
    result = archive("export", "nowhere-to-be-found", "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and result.stdout == ""
    assert "no articles to export" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_bad_query_or_date_is_a_usage_error(archive):
    assert archive("export", "!!!").exit_code == 2
    assert archive("export", "--since", "yesterday-ish").exit_code == 2


@pytest.mark.parametrize("args", [
    ["--dir", "x", "--format", "csv"],
    ["--excel"],
    ["--dir", "x", "-o", "y"],
    ["--format", "pdf"],
])
def test_options_that_do_not_fit_are_usage_errors(archive, tmp_path, args):
    result = archive("export", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert not (Path.cwd() / "x").exists()


@pytest.mark.parametrize(("options", "query", "expected"), [
    (Filters(), Filters(), Filters()),
    (Filters(sources=["a"], since="2024"), Filters(tags=["t"], since="2024-03-01"),
     Filters(sources=["a"], tags=["t"], since="2024-03-01")),
    (Filters(until="2024"), Filters(until="2024-06-30"), Filters(until="2024-06-30")),
    (Filters(until="2024-06-30"), Filters(until="2024"), Filters(until="2024-06-30")),
    (Filters(until="2024-06"), Filters(since="2023"), Filters(since="2023", until="2024-06")),
])
def test_option_and_query_filters_narrow_each_other(options, query, expected):
    from newscli.query import narrowed

    assert narrowed(options, query) == expected


def test_query_is_the_search_language_over_several_words(archive):
    assert [r["title"] for r in lines(archive("export", "ferry", "news").stdout)] == ["Earlier"]
    assert "Earlier" not in archive("export", "-ferry").stdout
    typo = archive("export", "ferry", "--fromat", "csv")
    assert typo.exit_code == 2 and "see newscli export --help" in typo.stderr


def test_query_filters_apply_with_the_options(archive):
    assert [r["title"] for r in lines(archive("export", "source:wire").stdout)] == ["Later"]
    both = archive("export", "until:2024", "--until", "2024-05-31")
    assert [r["title"] for r in lines(both.stdout)] == ["Earlier", 'Awkward, "quoted"']


# -- csv, markdown, html ---------------------------------------------------------------------------


def test_csv_parses_back_with_the_csv_module(archive):
    result = archive("export", "--format", "csv")
    assert result.exit_code == 0
    assert not result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in result.stdout_bytes
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8"), newline="")))
    assert list(rows[0]) == list(ALL_FIELDS)
    awkward = rows[1]
    assert awkward["title"] == 'Awkward, "quoted"'
    assert awkward["body"] == AWKWARD_BODY
    assert json.loads(awkward["meta"]) == {"flavour": "salty"}
    assert rows[2]["tags"] == "port;night"
    assert rows[3]["published"] == ""


def test_csv_for_excel_starts_with_a_bom(archive):
    result = archive("export", "--format", "csv", "--excel")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfid,slug,")
    assert result.stdout_bytes.count(b"\xef\xbb\xbf") == 1


def test_markdown_document_has_one_heading_per_article(archive):
    result = archive("export", "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert re.findall(r"^# (.+)$", text, re.MULTILINE) == [
        "Earlier", 'Awkward, "quoted"', "Later", "Undated note"
    ]
    assert AWKWARD_BODY in text and "- **Tags:** port, night" in text


class Page(HTMLParser):
    """What the checks need from a page: tags with attributes, ids, links, text per element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def page_of(result) -> Page:
    assert result.exit_code == 0, result.stderr
    page = Page()
    page.feed(result.stdout)
    page.close()
    return page


def test_html_is_static_escaped_and_self_contained(archive):
    from newscli.htmlexport import SCRIPT

    page = page_of(archive("export", "--format", "html"))
    assert page.scripts == [SCRIPT]  # the Markdown article's <script> is dropped, never run
    assert 'Awkward, "quoted"' in "".join(page.text)
    loads = [(t, a) for t, a in page.tags if "src" in a or t in ("link", "iframe", "img", "object")]
    assert loads == []
    policy = next(a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy")
    assert policy.startswith("default-src 'none';")
    hrefs = [a["href"] for t, a in page.tags if t == "a" and "href" in a]
    assert not [h for h in hrefs if h.lower().startswith("javascript:")]
    anchors = [h[1:] for h in hrefs if h.startswith("#")]
    assert len(anchors) >= 4 and set(anchors) <= page.ids
    articles = [a["id"] for t, a in page.tags if t == "article"]
    assert len(articles) == 4


def test_html_shows_a_plain_text_body_as_text(cli, tmp_path):
    write(tmp_path, "t.txt", "Plain\n\n<script>alert(1)</script> </article></main><textarea>\n")
    cli("import", str(tmp_path / "t.txt"))
    page = page_of(cli("export", "--format", "html"))
    assert "<script>alert(1)</script> </article></main><textarea>" in "".join(page.text)
    assert not any(t in ("textarea",) for t, _ in page.tags)
    assert [t for t, _ in page.tags].count("script") == 1


HOSTILE_MARKDOWN = (
    "---\ntitle: M\n---\n## Section\n\n<b onclick=\"alert(1)\">raw</b> [link](https://example.com) "
    "![pic](https://example.com/p.png) [bad](javascript:alert(1)) <sup>2</sup> <!-- a note -->\n\n"
    "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\" "
    "id=\"_index\" class=\"back\" style=\"position:fixed\">x</a> <form action=\"https://e.com\">"
    "<input name=q></form> <iframe src=\"https://e.com\"></iframe>\n\n</article></main><textarea>\n"
)


def test_html_renders_markdown_bodies_with_their_html_sanitized_and_images_as_links(cli, tmp_path):
    from newscli.htmlexport import SCRIPT

    write(tmp_path, "m.md", HOSTILE_MARKDOWN)
    cli("import", str(tmp_path / "m.md"))
    page = page_of(cli("export", "--format", "html"))
    assert ("h4", {}) in page.tags  # "##" under the article's h2
    assert ("b", {}) in page.tags and ("sup", {}) in page.tags  # harmless HTML is kept
    assert page.scripts == [SCRIPT]
    attributes = [name for _, a in page.tags for name in a]
    assert not [n for n in attributes if n.startswith("on")]
    hrefs = [a.get("href") for t, a in page.tags if t == "a"]
    assert "https://example.com" in hrefs and "https://example.com/p.png" in hrefs and "x" in hrefs
    assert "javascript" not in " ".join(h or "" for h in hrefs)
    assert not [t for t, _ in page.tags if t in ("img", "form", "iframe", "textarea")]
    assert [a.get("id") for t, a in page.tags if t == "input"] == ["_filter"]
    assert [a.get("id") for _, a in page.tags].count("_index") == 1  # no id from the body
    assert not [a for t, a in page.tags if t == "a" and ("style" in a or "class" in a)]
    text = "".join(page.text)
    assert "a note" not in text and "[pic]" in text
    # Stray closing tags and an open <textarea> did not swallow the rest of the page.
    assert text.index("raw") < text.index("Back to the index")


def _page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _links(page: Page) -> list[str]:
    return [a["href"] for t, a in page.tags if t == "a" and "href" in a]


def _resolves(base: Path, href: str) -> bool:
    """Whether a relative link from a page in `base` reaches a file there (and its #anchor)."""
    from urllib.parse import unquote

    target, _, anchor = href.partition("#")
    path = (base / unquote(target)).resolve()
    return path.is_file() and (not anchor or unquote(anchor) in _page(path).ids)


def test_html_dir_is_index_pages_and_a_page_an_article_all_linked(archive, tmp_path, monkeypatch):
    from newscli import htmlexport

    monkeypatch.setattr(htmlexport, "INDEX_PAGE", 2)  # 4 articles: two index pages
    site = tmp_path / "site"
    result = archive("export", "--format", "html", "--dir", str(site))
    assert result.exit_code == 0 and result.stdout == "" and "exported 4 articles" in result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["articles", "index-2.html", "index.html"]
    pages = sorted((site / "articles").iterdir())
    assert len(pages) == 4 and all(p.suffix == ".html" for p in pages)
    first, second = _page(site / "index.html"), _page(site / "index-2.html")
    rows = [a for page in (first, second) for t, a in page.tags if t == "tr" and "data-id" in a]
    assert [r["data-id"] for r in rows] == ["earlier", "awkward-quoted", "later", "undated-note"]
    assert "index-2.html" in _links(first) and "index.html" in _links(second)
    for index in (first, second):
        assert index.scripts == [htmlexport.SCRIPT]
        assert all(_resolves(site, href) for href in _links(index))
    for path in pages:
        page = _page(path)
        assert page.scripts == [] and not [t for t, _ in page.tags if t in ("img", "link", "iframe")]
        policy = next(a["content"] for _, a in page.tags if a.get("http-equiv"))
        assert policy.startswith("default-src 'none';") and "script-src 'none'" in policy
        local = [h for h in _links(page) if not h.startswith(("http://", "https://"))]
        assert local and all(_resolves(path.parent, href) for href in local)
    later = _page(site / "articles" / "later.html")
    assert "../index-2.html#later" in _links(later)  # the third article opens page 2
    assert {"awkward-quoted.html", "undated-note.html"} <= set(_links(later))  # its neighbours


def test_one_large_html_page_suggests_the_folder(archive, monkeypatch):
    from newscli import htmlexport

    assert "note:" not in archive("export", "--format", "html").stderr
    monkeypatch.setattr(htmlexport, "INDEX_PAGE", 3)
    result = archive("export", "--format", "html")
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "note: a page of 4 articles is slow to open in a browser; --dir DIR" in result.stderr


def test_html_dir_refuses_files_in_the_way_and_writes_nothing(archive, tmp_path):
    site = tmp_path / "site"
    write(site / "articles", "later.html", "mine")
    result = archive("export", "--format", "html", "--dir", str(site))
    assert result.exit_code == 1 and "later.html" in result.stderr and "--force" in result.stderr
    assert sorted(p.name for p in site.rglob("*")) == ["articles", "later.html"]
    assert (site / "articles" / "later.html").read_text() == "mine"
    assert archive("export", "--format", "html", "--dir", str(site), "--force").exit_code == 0
    assert "<!DOCTYPE html>" in (site / "articles" / "later.html").read_text(encoding="utf-8")


# -- files and folders ---------------------------------------------------------------------------


def test_output_file_is_not_overwritten_without_force(archive, tmp_path):
    target = tmp_path / "out" / "backup.jsonl"
    first = archive("export", "-o", str(target))
    assert first.exit_code == 0 and first.stdout == ""
    assert "exported 4 articles to" in first.stderr
    assert len(lines(target.read_text(encoding="utf-8"))) == 4
    target.write_text("keep me")
    refused = archive("export", "-o", str(target))
    assert refused.exit_code == 1 and "--force" in refused.stderr and str(target) in refused.stderr
    assert target.read_text() == "keep me"
    assert archive("export", "-o", str(target), "--force").exit_code == 0
    assert len(lines(target.read_text(encoding="utf-8"))) == 4
    assert sorted(p.name for p in target.parent.iterdir()) == ["backup.jsonl"]


def test_dash_output_is_stdout(archive):
    assert len(lines(archive("export", "-o", "-").stdout)) == 4


def test_export_over_the_archive_itself_is_refused(archive):
    result = archive("export", "-o", str(archive.db), "--force")
    assert result.exit_code == 1 and "archive itself" in result.stderr
    assert archive("list").exit_code == 0


def test_dir_writes_one_markdown_file_per_article(archive, tmp_path):
    folder = tmp_path / "new" / "md"
    result = archive("export", "--dir", str(folder))
    assert result.exit_code == 0 and result.stdout == ""
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 4 and all(n.endswith(".md") for n in names)
    text = (folder / "earlier.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Earlier\ndate: '2023-01-15'\nsource: Gazette\n")


def test_dir_clash_names_the_files_and_writes_nothing(archive, tmp_path):
    folder = tmp_path / "md"
    write(folder, "earlier.md", "mine")
    result = archive("export", "--dir", str(folder))
    assert result.exit_code == 1
    assert "earlier.md" in result.stderr and "--force" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["earlier.md"]
    assert (folder / "earlier.md").read_text() == "mine"
    assert archive("export", "--dir", str(folder), "--force").exit_code == 0
    assert len(list(folder.iterdir())) == 4 and (folder / "earlier.md").read_text() != "mine"


def test_a_folder_in_the_way_of_a_file_is_refused_even_with_force(archive, tmp_path):
    (tmp_path / "md" / "earlier.md").mkdir(parents=True)
    result = archive("export", "--dir", str(tmp_path / "md"), "--force")
    assert result.exit_code == 1 and "is a folder" in result.stderr
    assert [p.name for p in (tmp_path / "md").iterdir()] == ["earlier.md"]


HOSTILE_SLUGS = [
    "../escape", "../../etc/passwd", "/absolute/path", "C:\\Windows\\x", "c:evil", "con", "NUL",
    "lpt1", "aux", "", ".", "..", ".hidden", "a/b", "a\\b", "tab\tnew\nline", "x" * 400,
    "Ünïcödé ✓", "trailing. ", "same", "SAME", "2024-01-01-dated", "que?*<>|\"",
]


@pytest.fixture
def hostile(db):
    store = Store.open(db)
    with store.transaction():
        for number, slug in enumerate(HOSTILE_SLUGS):
            article = Article(title=f"Title {number}", body=f"Body {number}.")
            store.insert(article, slug, now_iso())
    return store


def test_hostile_slugs_never_leave_the_folder(cli, hostile, tmp_path):
    folder = tmp_path / "box" / "md"
    result = cli("export", "--dir", str(folder))
    assert result.exit_code == 0, result.stderr
    inside = sorted(p.name for p in folder.iterdir())
    assert len(inside) == len(HOSTILE_SLUGS)
    assert {p.name for p in tmp_path.iterdir()} <= {"archive.db", "archive.db-wal", "archive.db-shm", "box"}
    assert [p.name for p in (tmp_path / "box").iterdir()] == ["md"]
    for name in inside:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.md", name), name
        assert len(name) <= 100
        assert name.split(".")[0] not in {"con", "nul", "lpt1", "aux", "prn"}
        assert not re.match(r"\d{4}-\d{2}-\d{2}-", name)  # undated: import must not date it


@pytest.mark.parametrize(("slug", "published", "name"), [
    ("port-authority-opens-night-ferry", "2024-01-01", "port-authority-opens-night-ferry.md"),
    ("../../etc/passwd", None, "etc-passwd.md"),
    ("C:\\Windows", None, "c-windows.md"),
    ("con", None, "con-article.md"),
    ("", None, "article.md"),
    ("2024-01-01-x", None, "undated-2024-01-01-x.md"),
    ("2024-01-01-x", "2024-01-01", "2024-01-01-x.md"),
])
def test_file_names_from_slugs(slug, published, name):
    assert FileNames().name({"slug": slug, "published": published}) == name


def test_file_names_stay_unique_within_an_export():
    names = FileNames()
    picked = [names.name({"slug": s, "published": None}) for s in ("a", "A", "a-2", "a/")]
    assert picked == ["a.md", "a-2.md", "a-2-2.md", "a-3.md"]


def test_a_failed_write_leaves_no_file_under_its_name(tmp_path):
    target = tmp_path / "out.jsonl"
    with pytest.raises(ExportError, match=r"out\.jsonl: no space left on device"):
        with atomic_file(target) as handle:
            handle.write(b"half of it")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_half_way_names_the_file_and_stops(archive, tmp_path, monkeypatch):
    from newscli import markdown

    calls = []
    real = markdown.to_markdown

    def failing(record):
        calls.append(record["slug"])
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(record)

    monkeypatch.setattr(markdown, "to_markdown", failing)
    result = archive("export", "--dir", str(tmp_path / "md"))
    assert result.exit_code == 1
    assert f"{calls[2]}.md: no space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    written = sorted(p.name for p in (tmp_path / "md").iterdir())
    assert written == sorted(f"{slug}.md" for slug in calls[:2])  # whole files only, no temp files


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions to apply")
def test_permission_denied_is_one_line(archive, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = archive("export", "-o", str(locked / "out.jsonl"))
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 1 and "permission denied" in result.stderr.lower()
    assert list(locked.iterdir()) == []


def test_export_streams_without_building_a_list(db, monkeypatch):
    """Rows reach the writer one at a time: the writer sees an iterator, not a list."""
    store = Store.open(db)
    with store.transaction():
        for number in range(3):
            store.insert(Article(title=f"T{number}", body="b"), f"t{number}", now_iso())
    seen = []

    def spy(records, out):
        seen.append(type(records))
        return sum(1 for _ in records)

    from newscli import formats

    monkeypatch.setattr(formats, "write_jsonl", spy)
    export(store, Request(), io.BytesIO())
    assert seen and seen[0] is not list


def test_progress_is_reported_per_article(archive):
    store = Store.open(archive.db)
    calls = []
    exporter.export(store, Request(format="csv"), io.BytesIO(), lambda *step: calls.append(step))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_scraped_article_round_trips_through_the_command_line(cli, tmp_path):
    write(tmp_path / "in", "ferry.txt", SCRAPED)
    cli("import", str(tmp_path / "in"))
    backup = tmp_path / "backup.jsonl"
    assert cli("export", "-o", str(backup)).exit_code == 0
    from conftest import Cli

    fresh = Cli(tmp_path / "restored.db")
    assert fresh("import", str(backup)).exit_code == 0
    keep = [f for f in ALL_FIELDS if f not in ("id", "imported_at", "updated_at")]
    before, after = cli.json("show", "port-authority"), fresh.json("show", "port-authority")
    assert {k: before[k] for k in keep} == {k: after[k] for k in keep}


_MARKUP = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
    "<a href='javascript:alert(1)'>", "![i](x.png)", "</article>", "<style>", "<b onclick=x>",
    "<iframe src=//e.com>", "<svg onload=alert(1)>", "<!--", "-->", "`", "```\n", "\n\n", "# ", "<",
    ">", "\"", "'", "&", "<div>", "</div>", "<textarea>", "javascript:", "data:text/html,x",
])


@given(st.lists(st.one_of(_MARKUP, st.text(max_size=8)), max_size=12).map("".join))
@settings(max_examples=300, deadline=None)
def test_no_markdown_body_renders_script_handlers_or_loads(body):
    from newscli.htmlexport import markdown_renderer

    page = Page()
    page.feed(markdown_renderer()(body))
    page.close()
    assert not [t for t, _ in page.tags if t in ("script", "style", "img", "iframe", "svg",
                                                 "textarea", "article")]
    assert not [n for _, a in page.tags for n in a if n.startswith("on") or n in ("id", "style")]
    hrefs = [a.get("href") or "" for _, a in page.tags]
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]


# -- --updated-since: what changed since the last export ------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-01", "2026-03-01"),
    ("2026-03", "2026-03"),
    ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00+00:00"),
    ("2026-03-01T11:00:00+01:00", "2026-03-01T10:00:00+00:00"),
    ("2026-03-01T10:00", "2026-03-01T10:00:00+00:00"),  # no zone: UTC, as updated_at is
    ("2026-03-01 10:00:00.75+00:00", "2026-03-01T10:00:00+00:00"),  # a fraction errs early
    ("7d", "2026-02-22"),
    ("6h", "2026-03-01T04:00:00+00:00"),  # hours before now, for a sync run every few hours
])
def test_time_bounds(text, expected):
    import datetime as dt

    from newscli.query.dates import parse_time_bound

    now = dt.datetime(2026, 3, 1, 10, 0, 0, 500, tzinfo=dt.UTC)
    assert parse_time_bound(text, today=dt.date(2026, 3, 1), now=now) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026-03-01T25:00", "T", "h", "1.5h"])
def test_bad_time_bounds_say_what_is_taken(text):
    from newscli.errors import QueryError
    from newscli.query.dates import parse_time_bound

    with pytest.raises(QueryError, match="date"):
        parse_time_bound(text)


def test_updated_since_exports_what_was_imported_or_changed_since(archive):
    import sqlite3

    times = {"earlier": "2026-01-01T10:00:00+00:00", "later": "2026-03-01T10:00:00+00:00"}
    with sqlite3.connect(archive.db) as conn:  # two known import times, for the test alone
        conn.execute("UPDATE articles SET updated_at = '2025-06-01T00:00:00+00:00'")
        for slug, when in times.items():
            conn.execute("UPDATE articles SET updated_at = ? WHERE slug = ?", (when, slug))
    conn.close()

    def titles(*args):
        result = archive("export", *args)
        assert result.exit_code == 0, result.stderr
        return [r["title"] for r in lines(result.stdout)]

    assert titles("--updated-since", "2026-02") == ["Later"]
    assert titles("--updated-since", "2026-03-01T10:00:00Z") == ["Later"]  # at WHEN counts
    assert titles("--updated-since", "2026-03-01T11:00:00+01:00") == ["Later"]
    assert titles("--updated-since", "2026", "--source", "Gazette") == ["Earlier"]
    none = archive("export", "--updated-since", "2026-03-01T10:00:01Z")
    assert none.exit_code == 1 and none.stdout == "" and "no articles to export" in none.stderr
    bad = archive("export", "--updated-since", "yesterday")
    assert bad.exit_code == 2 and "not a date or time" in bad.stderr and bad.stdout == ""
    # An edit counts as a change: the tagged article comes along with the next export.
    assert archive("tag", "earlier", "--add", "ferry").exit_code == 0
    assert titles("--updated-since", "2026-06-01") == ["Earlier"]
