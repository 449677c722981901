"""Feeds followed: read RSS, Atom and JSON Feed, import each new entry's page; OPML in and out.

`update_feeds` fetches every feed (a conditional request: an unchanged feed costs one 304),
finds the entries not seen before (by GUID, else by canonical URL without tracking
parameters), fetches their pages and imports them through the importer, the saved-page path.
An entry whose page cannot be had or read is imported from the feed's own content, and the
report says so. Entries are remembered as seen only once imported (or found in the archive),
so a failure is tried again next time. Returns reports; never prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from newscli.errors import NewscliError, ParseError
from newscli.links import canonical_url
from newscli.models import Article
from newscli.store import feeds as feed_rows

if TYPE_CHECKING:
    from newscli.fetch import Fetched, Fetcher
    from newscli.importer import Candidate, Options
    from newscli.store import Store

JSON_FEED_VERSION = "https://jsonfeed.org/version/"
# Fetched pages are saved 250 at a time: memory stays flat in the number of entries (a page's
# bytes and its article are held until its batch is written), and alerts see them sooner.
PAGES_PER_BATCH = 250


@dataclass
class Entry:
    """One item of a feed: its key (GUID or canonical URL), its link and its own content."""

    key: str
    url: str | None
    title: str
    content: str = ""  # HTML or text, as the feed gives it
    published: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    title: str | None
    entries: list[Entry]


@dataclass
class FeedReport:
    """What updating one feed did: its status, counts of entries, and the reasons of failures."""

    name: str
    url: str
    status: str = "updated"  # updated, unchanged (nothing new or a 304), failed
    reason: str | None = None
    new: int = 0
    known: int = 0  # entries found in the archive already
    from_feed: int = 0  # of the new, those imported from the feed's own content
    failed: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- reading a feed --------------------------------------------------------------------------

def parse_feed(data: bytes, base_url: str) -> ParsedFeed:
    """RSS 0.9x/1.0/2.0 and Atom (by feedparser) or JSON Feed; ParseError if it is no feed."""
    if data.lstrip()[:1] in (b"{", b"["):
        return _parse_json_feed(data, base_url)
    import io

    import feedparser

    # A stream, never the bytes themselves: feedparser fetches a string that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": base_url})
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise ParseError("not a feed" + (f" ({_first_line(problem)})" if problem else ""))
    entries = [_feedparser_entry(item, base_url) for item in parsed.entries]
    return ParsedFeed(parsed.feed.get("title") or None, [e for e in entries if e is not None])


def _feedparser_entry(item: Any, base_url: str) -> Entry | None:
    link = _absolute(item.get("link"), base_url)
    content = item.get("content") or []
    body = content[0].get("value", "") if content else item.get("summary", "")
    published = item.get("published_parsed") or item.get("updated_parsed")
    return _entry(
        item.get("id") or item.get("guid"), link, item.get("title") or "", body,
        _struct_time_iso(published), item.get("author"),
        [t.get("term") for t in item.get("tags") or [] if t.get("term")],
    )


def _parse_json_feed(data: bytes, base_url: str) -> ParsedFeed:
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParseError(f"not a feed (JSON that does not read: {exc})") from None
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(JSON_FEED_VERSION):
        raise ParseError("not a feed (JSON without a JSON Feed version)")
    items = feed.get("items")
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = next((a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None)
        entry = _entry(
            _text(item.get("id")), _absolute(_text(item.get("url")), base_url), _text(item.get("title")),
            _text(item.get("content_html")) or _text(item.get("content_text")) or _text(item.get("summary")),
            _text(item.get("date_published")) or None, author,
            [t for t in item.get("tags") or [] if isinstance(t, str)],
        )
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(_text(feed.get("title")) or None, entries)


def _entry(guid: Any, link: str | None, title: str, content: str, published: str | None,
           author: str | None, tags: list[str]) -> Entry | None:
    """An entry keyed by its GUID, else its canonical link, else its title; None if it has nothing."""
    guid = _text(guid).strip()
    if guid:
        key = f"guid:{guid}"
    elif link:
        key = f"url:{canonical_url(link)}"
    elif title or content:
        from newscli.models import content_hash

        key = f"text:{content_hash(title, content)}"
    else:
        return None
    return Entry(key, link, title.strip(), content or "", published, author, tags)


def _absolute(link: Any, base_url: str) -> str | None:
    """The entry's link made absolute against the feed; None unless it is http(s)."""
    if not isinstance(link, str) or not link.strip():
        return None
    url = urljoin(base_url, link.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _struct_time_iso(value: Any) -> str | None:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", value) if value else None


def _first_line(problem: Any) -> str:
    return str(problem).strip().splitlines()[0][:200] if str(problem).strip() else type(problem).__name__


# -- following -------------------------------------------------------------------------------

def read_feed(url: str, fetcher: Fetcher) -> ParsedFeed:
    """The feed at `url`, fetched and parsed: FetchError or ParseError when it is none."""
    fetched = fetcher.fetch_feed(url)
    return parse_feed(fetched.content, fetched.final_url)


def add_feed(store: Store, url: str, name: str | None, tags: Iterable[str], parsed: ParsedFeed
             ) -> dict[str, Any]:
    """Follow the feed read from `url` (read_feed: to check it is one and learn its title)."""
    name = (name or parsed.title or urlsplit(url).netloc).strip()
    with store.transaction():
        feed_rows.add(store.conn, name, url, tags, parsed.title)
    return {"name": name, "url": url, "title": parsed.title, "entries": len(parsed.entries)}


def list_feeds(store: Store) -> list[dict[str, Any]]:
    return feed_rows.all_feeds(store.conn)


def remove_feeds(store: Store, names: Iterable[str]) -> list[dict[str, Any]]:
    """Stop following the feeds named; the articles they brought stay in the archive."""
    found = feed_rows.named(store.conn, names)
    with store.transaction():
        for feed in found:
            feed_rows.remove(store.conn, feed["id"])
    return found


def select_feeds(store: Store, names: Iterable[str]) -> list[dict[str, Any]]:
    names = list(names)
    return feed_rows.named(store.conn, names) if names else feed_rows.all_feeds(store.conn)


# -- updating --------------------------------------------------------------------------------

@dataclass
class _Pending:
    """A feed read, with the entries of it that are new."""

    feed: dict[str, Any]
    report: FeedReport
    entries: list[Entry]
    fetched: Fetched | None = None


def update_feeds(
    store: Store, feeds: list[dict[str, Any]], fetcher: Fetcher, options: Options,
    progress: Callable[[str], None] | None = None, found: Callable[[int], None] | None = None,
) -> list[FeedReport]:
    """Read every feed and import its new entries; one report per feed, in the order given.

    found is told how many new entries the feeds hold, progress the name of each one done.
    """
    pending = _read_feeds(store, feeds, fetcher)
    entries = [(p, entry) for p in pending if p.fetched is not None for entry in p.entries]
    if found:
        found(len(entries))
    if entries:
        outcomes, reasons, notes = _import_entries(store, entries, fetcher, options, progress)
        for p in pending:
            _tally(store, p, outcomes, reasons, notes)
    for p in pending:
        _remember(store, p)
    return [p.report for p in pending]


def _read_feeds(store: Store, feeds: list[dict[str, Any]], fetcher: Fetcher) -> list[_Pending]:
    """Each feed fetched (conditionally) and parsed, with the entries it has not shown before."""
    from newscli.fetch import FetchError

    pending = {f["id"]: _Pending(f, FeedReport(f["name"], f["url"]), []) for f in feeds}
    jobs = ((f["id"], f["url"], fetcher.fetch_feed, (f.get("etag"), f.get("last_modified"))) for f in feeds)
    for feed_id, result in fetcher.fetch_all(jobs):
        p = pending[feed_id]
        if isinstance(result, FetchError):
            p.report.status, p.report.reason = "failed", str(result)
            continue
        if result.not_modified:
            p.report.status = "unchanged"
            continue
        try:
            parsed = parse_feed(result.content, result.final_url)
        except ParseError as exc:
            p.report.status, p.report.reason = "failed", str(exc)
            continue
        p.fetched, p.feed["title"] = result, parsed.title or p.feed.get("title")
        p.entries = _new_entries(store, p.feed["id"], parsed.entries)
        if not p.entries:
            p.report.status = "unchanged"
    return [pending[f["id"]] for f in feeds]


def _new_entries(store: Store, feed_id: int, entries: list[Entry]) -> list[Entry]:
    """The entries not seen in this feed before, each key once (feeds repeat GUIDs)."""
    seen = feed_rows.seen(store.conn, feed_id, [e.key for e in entries])
    new: dict[str, Entry] = {}
    for entry in entries:
        if entry.key not in seen and entry.key not in new:
            new[entry.key] = entry
    return list(new.values())


Outcomes = dict[str, str]


def _import_entries(
    store: Store, entries: list[tuple[_Pending, Entry]], fetcher: Fetcher, options: Options,
    progress: Callable[[str], None] | None,
) -> tuple[Outcomes, dict[str, str], dict[str, str]]:
    """Import every entry's page; those that fail, from the feed's content. By entry name:
    the outcomes, the reasons pages failed, and a note for each imported from the feed."""
    from newscli.importer import Report, import_candidates
    from newscli.importer.urls import fetch_candidates

    first = Report(by_label={})
    candidates = [_page_candidate(p, e) for p, e in entries if e.url]
    found = fetch_candidates(store, candidates, options, first, progress, fetcher=fetcher)
    import_candidates(store, found, options, progress, first, batch_size=PAGES_PER_BATCH,
                      expected=len(candidates))
    reasons = {f.path: f.error for f in first.failures}
    outcomes = dict(first.by_label or {})
    fallback = [_feed_candidate(p, e, reasons.get(_name(e))) for p, e in entries
                if e.content.strip() and outcomes.get(_name(e), "failed") == "failed"]
    notes: dict[str, str] = {}
    if fallback:
        second = Report(by_label={})
        import_candidates(store, fallback, options, None, second)
        for name, outcome in (second.by_label or {}).items():
            if outcome != "failed":
                outcomes[name] = f"{outcome} from feed"
                notes[name] = f"from the feed's content ({reasons.get(name, 'the entry has no link')})"
        for failure in second.failures:
            reasons.setdefault(failure.path, failure.error)
    return outcomes, reasons, notes


def _name(entry: Entry) -> str:
    """How the import names an entry: its link, else its key."""
    return entry.url or entry.key


def _page_candidate(p: _Pending, entry: Entry) -> Candidate:
    from newscli.importer import Candidate

    return Candidate(_name(entry), None, url=entry.url, source=p.feed["name"], tags=tuple(p.feed["tags"]),
                     published=_date(entry.published))


def _feed_candidate(p: _Pending, entry: Entry, reason: str | None) -> Candidate:
    """The entry as the feed gives it, ready made (nothing to fetch or parse)."""
    from newscli.importer import Candidate

    assert p.fetched is not None
    article = Article(
        title=entry.title or "(untitled)", body=html_to_text(entry.content), url=entry.url,
        published=_date(entry.published), author=entry.author, tags=list(entry.tags),
        meta={"fetched_at": p.fetched.fetched_at, "from_feed": p.feed["url"],
              **({"page_error": reason} if reason else {})},
    )
    return Candidate(_name(entry), None, article=article, source=p.feed["name"], tags=tuple(p.feed["tags"]))


def _date(value: str | None) -> str | None:
    from newscli.parsing.dates import normalise_date

    return normalise_date(value) if value else None


def html_to_text(content: str) -> str:
    """A feed's HTML content as paragraphs of text (plain text passes through)."""
    if "<" not in content:
        return content.strip()
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{content}</div>")
    except Exception:  # lxml's errors for markup it cannot take
        return content.strip()
    blocks = root.xpath(".//p|.//li|.//h1|.//h2|.//h3|.//h4|.//blockquote|.//pre")
    texts = [" ".join(b.text_content().split()) for b in blocks] or [" ".join(root.text_content().split())]
    return "\n\n".join(t for t in texts if t)


def _tally(store: Store, p: _Pending, outcomes: Outcomes, reasons: dict[str, str],
           notes: dict[str, str]) -> None:
    report = p.report
    for entry in p.entries:
        name = _name(entry)
        outcome = outcomes.get(name, "failed")
        if outcome.startswith(("imported", "updated")):
            report.new += 1
            if outcome.endswith("from feed"):
                report.from_feed += 1
                report.notes.append(f"{name}: {notes[name]}")
        elif outcome == "failed":
            report.failed += 1
            report.failures.append({"entry": name, "error": reasons.get(name, "no link and no content")})
        else:
            report.known += 1
    if not report.new and report.status == "updated":
        report.status = "unchanged"  # entries that failed are counted in report.failed


def _remember(store: Store, p: _Pending) -> None:
    """The feed's validators and status, and its entries that need not be tried again."""
    failed = {f["entry"] for f in p.report.failures}
    with store.transaction():
        feed_rows.mark_seen(store.conn, p.feed["id"],
                            [(e.key, e.url) for e in p.entries if _name(e) not in failed])
        if p.fetched is None:
            feed_rows.checked(store.conn, p.feed["id"], p.report.reason or p.report.status,
                              keep_validators=True)
        else:
            feed_rows.checked(store.conn, p.feed["id"], p.report.status, etag=p.fetched.etag,
                              last_modified=p.fetched.last_modified, title=p.feed.get("title"))


def failed_anything(reports: list[FeedReport]) -> bool:
    return any(r.status == "failed" or r.failed for r in reports)


# -- OPML ------------------------------------------------------------------------------------

def export_opml(feeds: list[dict[str, Any]]) -> str:
    """The feeds as OPML 2.0, as feed readers exchange them (tags as categories)."""
    import xml.etree.ElementTree as ET

    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = "newscli feeds"
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed["name"], "title": feed["name"], "xmlUrl": feed["url"]}
        if feed.get("tags"):
            attributes["category"] = ",".join(feed["tags"])
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def read_opml(data: bytes) -> list[dict[str, Any]]:
    """The feeds an OPML file lists (outlines with an xmlUrl, folders included)."""
    import xml.etree.ElementTree as ET

    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise NewscliError("not an OPML file newscli reads (it declares a DOCTYPE or entities)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise NewscliError(f"not an OPML file ({exc})") from None
    if root.tag != "opml":
        raise NewscliError("not an OPML file (no <opml> element)")
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url:
            name = (outline.get("text") or outline.get("title") or urlsplit(url).netloc).strip()
            tags = [t.strip() for t in (outline.get("category") or "").replace("/", ",").split(",")
                    if t.strip()]
            found.append({"name": name, "url": url, "tags": tags})
    return found


def import_opml(store: Store, data: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """Follow every feed of an OPML file not followed yet: (added, skipped with the reason)."""
    added, skipped = [], []
    for feed in read_opml(data):
        try:
            with store.transaction():
                feed_rows.add(store.conn, feed["name"], feed["url"], feed["tags"])
            added.append(feed)
        except NewscliError as exc:
            skipped.append(f"{feed['url']}: {exc}")
    return added, skipped
