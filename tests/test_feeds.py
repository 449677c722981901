"""`newscli feeds`: feeds and pages served by a local server on 127.0.0.1 the tests start."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscli.errors import NewscliError, ParseError
from newscli.feeds import html_to_text, parse_feed, read_opml
from newscli.links import canonical_url

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml"



def page(n: int) -> bytes:
    paras = "".join(
        f"<p>Paragraph {i} of story {n}: the harbour board met on Tuesday to discuss ferry number {n} "
        "and the dues that owners of small boats pay each season at the quay.</p>" for i in range(5))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Story {n} | Gazette"
            f"</title></head><body><nav>Home</nav><article><h1>Story {n}</h1>{paras}</article>"
            "<footer>(c) Gazette</footer></body></html>").encode()


def rss(items: list[tuple[str | None, str, str]], title: str = "Harbour Gazette") -> str:
    """An RSS 2.0 feed of (guid, link, title) items."""
    body = "".join(
        "<item>" + (f"<guid isPermaLink='false'>{guid}</guid>" if guid else "")
        + f"<link>{link}</link><title>{name}</title><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;The feed's own words about {name}, which say a little of it: "
        "the harbour board met.&lt;/p&gt;</description></item>"
        for guid, link, name in items)
    return (f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>{title}</title>"
            f"<link>http://127.0.0.1/</link><description>news</description>{body}</channel></rss>")


def serve_pages(httpserver, numbers):
    for n in numbers:
        httpserver.expect_request(f"/news/{n}").respond_with_data(page(n), content_type=HTML)


def report(result) -> list[dict]:
    return json.loads(result.stdout)


@pytest.fixture
def gazette(cli, httpserver):
    """A feed of three entries with relative links, followed."""
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([("g1", "/news/1", "Story 1"), ("g2", "news/2", "Story 2"), (None, "/news/3?utm_source=rss",
             "Story 3")]), content_type=RSS, headers={"ETag": '"v1"'})
    serve_pages(httpserver, (1, 2, 3))
    result = cli("feeds", "add", httpserver.url_for("/feed.xml"), "--tag", "harbour")
    assert result.exit_code == 0, result.stderr
    assert "following Harbour Gazette (3 entries now" in result.stderr
    return httpserver.url_for("/feed.xml")


def test_update_imports_each_new_entry_and_twice_imports_nothing(cli, httpserver, gazette):
    first = cli("feeds", "update", "--format", "json")
    assert first.exit_code == 0, first.stderr
    [feed] = report(first)
    assert (feed["name"], feed["status"], feed["new"], feed["failed"]) == ("Harbour Gazette", "updated", 3, 0)
    articles = cli.json("list")
    assert sorted(a["title"] for a in articles) == ["Story 1", "Story 2", "Story 3"]
    assert {a["url"] for a in articles} == {httpserver.url_for(p) for p in
                                           ("/news/1", "/news/2", "/news/3?utm_source=rss")}
    assert [(a["tags"], a["source"]) for a in articles] == [(["harbour"], "Harbour Gazette")] * 3
    # the pages give no date: the feed's pubDate
    assert {a["published"] for a in articles} == {"2026-12-01T08:00:00+00:00"}
    asked = len(httpserver.log)
    second = cli("feeds", "update", "--format", "json")
    assert second.exit_code == 0
    assert report(second)[0]["new"] == 0 and report(second)[0]["status"] == "unchanged"
    paths = [r.path for r, _ in httpserver.log[asked:]]
    assert paths == ["/feed.xml"]  # the feed read again; no page asked for
    assert len(cli.json("list")) == 3


def test_an_unchanged_feed_costs_one_conditional_request(cli, httpserver, gazette):
    assert cli("feeds", "update").exit_code == 0
    httpserver.clear()
    httpserver.expect_request("/feed.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304)
    result = cli("feeds", "update", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert report(result)[0]["status"] == "unchanged"
    assert [r.path for r, _ in httpserver.log] == ["/feed.xml"]


def test_duplicate_guids_and_links_are_imported_once(cli, httpserver):
    httpserver.expect_request("/feed.xml").respond_with_data(rss([
        ("same", "/news/1", "Story 1"), ("same", "/news/1", "Story 1 again"),
        (None, "/news/2?utm_medium=x", "Story 2"), (None, "/news/2?fbclid=y", "Story 2 again"),
    ]), content_type=RSS)
    serve_pages(httpserver, (1, 2))
    assert cli("feeds", "add", httpserver.url_for("/feed.xml")).exit_code == 0
    result = cli("feeds", "update", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert report(result)[0]["new"] == 2
    assert len(cli.json("list")) == 2


def test_a_page_that_cannot_be_had_comes_from_the_feed_and_says_so(cli, httpserver):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([("a", "/news/1", "Story 1"), ("b", "/gone", "Gone story")]), content_type=RSS)
    serve_pages(httpserver, (1,))
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    assert cli("feeds", "add", httpserver.url_for("/feed.xml")).exit_code == 0
    result = cli("feeds", "update", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [feed] = report(result)
    assert (feed["new"], feed["from_feed"], feed["failed"]) == (2, 1, 0)
    assert "from the feed's content (HTTP 404)" in result.stderr
    gone = [a for a in cli.json("list") if a["title"] == "Gone story"][0]
    shown = json.loads(cli("show", gone["slug"], "--format", "json").stdout)
    assert shown["body"].startswith("The feed's own words about Gone story")
    assert shown["meta"]["page_error"] == "HTTP 404"


def test_many_entries_are_parsed_in_workers_while_pages_arrive(cli, httpserver, monkeypatch):
    from newscli.importer import pool

    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    started = []
    in_workers = pool._parse_in_workers
    monkeypatch.setattr(pool, "_parse_in_workers", lambda *args: started.append(args) or in_workers(*args))
    entries = [(f"g{n}", f"/news/{n}", f"Story {n}") for n in range(pool.PARALLEL_FROM_EXPECTED + 10)]
    httpserver.expect_request("/feed.xml").respond_with_data(rss([*entries, ("x", "/gone", "Gone")]),
                                                             content_type=RSS)
    serve_pages(httpserver, range(len(entries)))
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    assert cli("feeds", "add", httpserver.url_for("/feed.xml")).exit_code == 0
    result = cli("feeds", "update", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [feed] = report(result)
    assert (feed["new"], feed["from_feed"], feed["failed"]) == (len(entries) + 1, 1, 0)
    assert len(started) == 1  # far fewer than pool.PARALLEL_FROM pages, parsed in a worker
    assert sorted(a["title"] for a in cli.json("list")) == sorted(["Gone"] + [e[2] for e in entries])


def test_a_failed_feed_is_reported_with_its_reason_and_exit_1_the_rest_kept(cli, httpserver, gazette):
    httpserver.expect_request("/broken.xml").respond_with_data("<rss><channel><item>", content_type=RSS)
    # added while it still read well
    httpserver.expect_request("/dead.xml").respond_with_data(rss([]), content_type=RSS)
    assert cli("feeds", "add", httpserver.url_for("/dead.xml"), "--source", "Dead").exit_code == 0
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([("g1", "/news/1", "Story 1")]), content_type=RSS)
    serve_pages(httpserver, (1,))
    httpserver.expect_request("/dead.xml").respond_with_data("", status=500)
    result = cli("feeds", "update", "--format", "json")
    assert result.exit_code == 1
    by_name = {r["name"]: r for r in report(result)}
    assert by_name["Dead"]["status"] == "failed" and by_name["Dead"]["reason"] == "HTTP 500"
    assert by_name["Harbour Gazette"]["new"] == 1
    assert "failed: Dead: HTTP 500" in result.stderr
    listed = {f["name"]: f for f in cli.json("feeds", "list")}
    assert listed["Dead"]["last_status"] == "HTTP 500"


def test_adding_something_that_is_not_a_feed_fails_with_the_reason(cli, httpserver):
    httpserver.expect_request("/page").respond_with_data(page(1), content_type=HTML)
    httpserver.expect_request("/empty").respond_with_data("", content_type=RSS)
    httpserver.expect_request("/pic").respond_with_data(b"GIF89a", content_type="image/gif")
    for path, reason in (("/page", "not a feed"), ("/empty", "not a feed"),
                         ("/pic", "Content-Type image/gif")):
        result = cli("feeds", "add", httpserver.url_for(path))
        assert result.exit_code == 1 and reason in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert cli("feeds", "list").exit_code == 1  # none followed


def test_a_gzip_feed_and_a_json_feed_are_read(cli, httpserver):
    httpserver.expect_request("/feed.xml.gz").respond_with_data(
        gzip.compress(rss([("a", "/news/1", "Story 1")]).encode()), content_type=RSS,
        headers={"Content-Encoding": "gzip"})
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Json Wire",
            "items": [{"id": "j1", "url": "/news/2", "title": "Story 2", "content_text": "Short."}]}
    httpserver.expect_request("/feed.json").respond_with_json(feed)
    serve_pages(httpserver, (1, 2))
    assert cli("feeds", "add", httpserver.url_for("/feed.xml.gz")).exit_code == 0
    assert cli("feeds", "add", httpserver.url_for("/feed.json")).exit_code == 0
    result = cli("feeds", "update", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {r["name"]: r["new"] for r in report(result)} == {"Harbour Gazette": 1, "Json Wire": 1}


def test_robots_txt_keeps_pages_out_and_the_feed_content_comes_instead(cli, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /news/\n",
                                                               content_type="text/plain")
    httpserver.expect_request("/feed.xml").respond_with_data(rss([("a", "/news/1", "Story 1")]),
                                                             content_type=RSS)
    serve_pages(httpserver, (1,))
    assert cli("feeds", "add", httpserver.url_for("/feed.xml")).exit_code == 0
    result = cli("feeds", "update")
    assert result.exit_code == 0, result.stderr
    assert "from the feed's content (robots.txt disallows it)" in result.stderr
    assert "/news/1" not in [r.path for r, _ in httpserver.log]


def test_feeds_rm_list_and_unknown_names(cli, httpserver, gazette):
    listed = cli.json("feeds", "list")
    assert [(f["name"], f["url"], f["tags"]) for f in listed] == [("Harbour Gazette", gazette, ["harbour"])]
    unknown = cli("feeds", "update", "Nope")
    assert unknown.exit_code == 1 and "no feed named 'Nope'" in unknown.stderr
    again = cli("feeds", "add", gazette)
    assert again.exit_code == 1 and "followed already" in again.stderr
    assert cli("feeds", "rm", "Harbour Gazette").exit_code == 0
    assert cli("feeds", "list").exit_code == 1


def test_opml_round_trip(cli, httpserver, gazette, tmp_path):
    exported = cli("feeds", "export")
    assert exported.exit_code == 0 and "xmlUrl" in exported.stdout
    assert read_opml(exported.stdout.encode()) == [{"name": "Harbour Gazette", "url": gazette,
                                                    "tags": ["harbour"]}]
    other = type(cli)(tmp_path / "other.db")
    opml = tmp_path / "feeds.opml"
    opml.write_text(exported.stdout.replace("</body>", '<outline text="Folder"><outline text="Wire" '
                                            'xmlUrl="http://127.0.0.1:1/wire.xml"/></outline></body>'))
    result = other("feeds", "import", str(opml))
    assert result.exit_code == 0 and "2 feeds added, 0 skipped" in result.stderr
    assert [f["name"] for f in other.json("feeds", "list")] == ["Harbour Gazette", "Wire"]
    again = other("feeds", "import", str(opml))
    assert "0 feeds added, 2 skipped" in again.stderr


@pytest.mark.parametrize("data", [b"", b"<opml><body>", b"<html/>",
                                  b'<!DOCTYPE x [<!ENTITY a "aaaa">]><opml>&a;</opml>'])
def test_a_bad_opml_file_is_refused(data):
    with pytest.raises(NewscliError, match="not an OPML file"):
        read_opml(data)


@pytest.mark.parametrize("data", [b"", b"<html><body>hello</body></html>", b"{}", b"[1, 2]",
                                  b"<?xml version='1.0'?><nothing/>", b"\xff\xfe\x00garbage"])
def test_what_is_not_a_feed_raises_parse_error(data):
    with pytest.raises(ParseError, match="not a feed"):
        parse_feed(data, "http://127.0.0.1/feed")


def test_an_empty_feed_has_no_entries_and_atom_links_resolve():
    assert parse_feed(rss([]).encode(), "http://127.0.0.1/f").entries == []
    atom = (b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>A</title>"
            b"<entry><id>tag:x,2026:1</id><title>One</title><link href='one.html'/>"
            b"<updated>2026-12-01T08:00:00Z</updated><content type='html'>&lt;p&gt;Hi&lt;/p&gt;</content>"
            b"</entry></feed>")
    [entry] = parse_feed(atom, "http://127.0.0.1/news/feed.atom").entries
    assert (entry.key, entry.url, entry.published) == ("guid:tag:x,2026:1", "http://127.0.0.1/news/one.html",
                                                       "2026-12-01T08:00:00Z")


def test_feed_html_becomes_paragraphs():
    assert html_to_text("<p>One <b>two</b></p><p>Three</p>") == "One two\n\nThree"
    assert html_to_text("plain words") == "plain words"


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                 st.text(max_size=200).map(lambda t: rss([(t, t, t)]).encode("utf-8", "replace"))))
def test_any_bytes_parse_to_a_feed_or_raise_parse_error(data):
    try:
        parsed = parse_feed(data, "http://127.0.0.1/feed")
    except ParseError:
        return
    assert all(e.key for e in parsed.entries)


@given(st.text(max_size=80))
def test_canonical_url_is_idempotent_and_never_raises(text):
    once = canonical_url("http://127.0.0.1/" + text)
    assert canonical_url(once) == once


def test_canonical_url_drops_tracking_and_keeps_the_rest():
    assert canonical_url("HTTPS://Example.ORG:443/a?b=1&utm_source=x&fbclid=y#top") == "https://example.org/a?b=1"


def test_the_progress_bar_counts_entries_against_the_new_ones_found(monkeypatch):
    import newscli.render
    from newscli.commands import feeds as feed_commands
    from newscli.commands.progress import ProgressOnStderr

    shown = []
    monkeypatch.setattr(newscli.render, "is_terminal", lambda stream: True)
    monkeypatch.setattr(ProgressOnStderr, "show", lambda self, done, total: shown.append((done, total)))
    with feed_commands._progress(quiet=False) as bar:
        bar.found(3)
        for name in "abc":
            bar.advance(name)
    assert shown == [(1, 3), (2, 3), (3, 3)]
    with feed_commands._progress(quiet=True) as none:
        assert none is None
