"""What a web page states about itself - JSON-LD, OpenGraph and meta tags, its visible headings - and
the choice of title, authors and date among those claims.

Pure functions of an lxml tree and of strings: no I/O, no trafilatura. parsing/html.py feeds them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urlparse

from newscli.parsing.dates import normalise_date

# JSON-LD types that describe the article itself (NewsArticle, BlogPosting, ReportageNewsArticle...).
_ARTICLE_TYPE = re.compile(r"(?:Article|Posting|^Report|^CreativeWork\w*|^Recipe|^Review)$")
_PAGE_TYPE = re.compile(r"WebPage$")
META_TITLES = ("og:title", "twitter:title", "title", "dc.title", "sailthru.title", "parsely-title")
META_SITES = ("og:site_name", "application-name", "publisher", "dc.publisher", "article:publisher")
META_AUTHORS = (
    "author", "article:author", "sailthru.author", "parsely-author", "dc.creator", "citation_author",
    "byl", "byline", "og:article:author",
)
META_DATES = (
    "article:published_time", "og:article:published_time", "datepublished", "published_time",
    "publish-date", "publish_date", "publishdate", "pubdate", "publication_date", "date",
    "dc.date.issued", "dc.date", "dcterms.issued", "dcterms.created", "sailthru.date",
    "parsely-pub-date", "citation_publication_date", "citation_date", "originalpublicationdate",
)
META_TAGS = ("article:tag", "news_keywords", "article:section", "parsely-section")
META_DESCRIPTIONS = ("og:description", "description", "twitter:description")
META_LANGUAGES = ("og:locale", "content-language", "language", "dc.language")
# More names than this from one source is a list of tags or of the site's writers, not a byline.
MAX_AUTHORS = 4

# Class names of the parts of a headline that are not the headline: the kicker above it, text
# kept for screen readers only.
_NOT_HEADLINE = re.compile(
    r"kicker|overline|topline|toptitle|dachzeile|roofline|eyebrow|supertitle|pretitle|titleheader"
    r"|spitzmarke|visually-hidden|sr-only|screen-reader|element-invisible|noscreen|offscreen",
    re.IGNORECASE,
)
_CHROME = frozenset({"nav", "footer", "aside", "form", "script", "style", "noscript", "template"})
_END_JUNK = "|-–—·•:~/_ "  # left at either end of a title once a site name is cut off
_JUNK_TITLES = frozenset({"home", "startseite", "index", "untitled", "homepage", "accueil", "inicio"})
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
                         "«": '"', "»": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "\xa0": " "})
_NON_WORD = re.compile(r"[\W_]+")
_STEM_WORD = re.compile(r"\w{4,}")


@dataclass
class PageFacts:
    """Every claim a page makes about itself, in order of trust within each field."""

    titles: list[str] = field(default_factory=list)  # JSON-LD headline, og:title, ..., <title> last
    html_title: str | None = None
    headings: list[str] = field(default_factory=list)  # visible h1s, then h2s, then headline-classed
    first_h1s: list[str] = field(default_factory=list)  # h1s outside nav/aside/footer
    site_names: list[str] = field(default_factory=list)  # as the page declares them
    hosts: list[str] = field(default_factory=list)  # `example.com` and `example` from its URL
    person_authors: list[str] = field(default_factory=list)  # JSON-LD Person names (article, then page)
    meta_authors: list[str] = field(default_factory=list)  # meta tags, one entry per tag
    bylines: list[str] = field(default_factory=list)  # rel=author and author-page links, "By X" lines
    org_authors: list[str] = field(default_factory=list)  # JSON-LD Organization authors
    dates: list[str] = field(default_factory=list)  # JSON-LD article dates, meta tags, <time>
    page_dates: list[str] = field(default_factory=list)  # JSON-LD WebPage dates: weaker
    modified: str | None = None
    urls: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    description: str | None = None
    image: str | None = None


def read_page_facts(tree: Any) -> PageFacts:
    """Collect the page's claims about itself from an lxml.html tree."""
    facts = PageFacts()
    _read_json_ld(tree, facts)
    _read_meta_tags(tree, facts)
    _read_links(tree, facts)
    _read_headings(tree, facts)
    _read_times(tree, facts)
    _read_bylines(tree, facts)
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        facts.languages.insert(0, lang)
    title = tree.findtext(".//title")
    if title and title.strip():
        facts.html_title = _text(title)
        facts.titles.append(facts.html_title)
    host = next(filter(None, map(hostname, facts.urls)), None)
    if host:
        facts.hosts = [host, host.split(".")[-2] if "." in host else host]
    return facts


# --- reading ------------------------------------------------------------------------------------


def _read_json_ld(tree: Any, facts: PageFacts) -> None:
    nodes = list(_json_ld_nodes(tree))
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 1}
    pages = []
    for node in nodes:
        types = _types(node)
        if any(_ARTICLE_TYPE.search(t) for t in types):
            _read_article_node(node, by_id, facts)
        elif any(_PAGE_TYPE.search(t) for t in types):
            pages.append(node)
        elif any(t in ("WebSite", "NewsMediaOrganization") for t in types):
            facts.site_names.extend(_strings(node.get("name")))
    for page in pages:  # older Yoast puts the author and date on the WebPage, not the article
        facts.page_dates.extend(_strings(page.get("datePublished")))
        _read_authors(page, by_id, facts)


def _read_article_node(node: dict[str, Any], by_id: dict[str, Any], facts: PageFacts) -> None:
    facts.titles.extend(_strings(node.get("headline")))
    _read_authors(node, by_id, facts)
    for publisher in (_resolve(p, by_id) for p in _as_list(node.get("publisher"))):
        facts.site_names.extend(_strings(publisher.get("name") if isinstance(publisher, dict) else publisher))
    facts.dates.extend(_strings(node.get("datePublished")) or _strings(node.get("dateCreated")))
    facts.modified = facts.modified or next(iter(_strings(node.get("dateModified"))), None)
    facts.tags.extend(_strings(node.get("keywords")))
    facts.sections.extend(_strings(node.get("articleSection")))
    facts.languages.extend(_strings(node.get("inLanguage")))
    facts.urls.extend(u for u in _strings(node.get("url")) if _is_url(u))
    facts.description = facts.description or next(iter(_strings(node.get("description"))), None)


def _read_authors(node: dict[str, Any], by_id: dict[str, Any], facts: PageFacts) -> None:
    for author in _as_list(node.get("author")) + _as_list(node.get("creator")):
        author = _resolve(author, by_id)
        if isinstance(author, dict):
            target = facts.org_authors if "Organization" in _types(author) else facts.person_authors
            target.extend(_strings(author.get("name")))
        else:
            facts.person_authors.extend(_strings(author))


def _resolve(item: Any, by_id: dict[str, Any]) -> Any:
    """A JSON-LD reference ({"@id": ...}) replaced by the node it points to, when the page has it."""
    if isinstance(item, dict) and isinstance(item.get("@id"), str):
        return by_id.get(item["@id"], item)
    return item


def _json_ld_nodes(tree: Any) -> Iterator[dict[str, Any]]:
    """Every object in the page's JSON-LD blocks, @graph members included."""
    for script in tree.iterfind(".//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        data = _load_json(script.text or "")
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[:0] = item
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "itemListElement"))


def _load_json(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = re.sub(r"^\s*//\s*<!\[CDATA\[|//\s*\]\]>\s*$", "", text)
    for attempt in (text, re.sub(r",\s*([}\]])", r"\1", text)):  # trailing commas are common
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _read_meta_tags(tree: Any, facts: PageFacts) -> None:
    titles: list[str] = []
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop")
               or meta.get("http-equiv") or "").strip().lower()
        content = meta.get("content")
        if not key or not content or not content.strip():
            continue
        value = _text(content)
        if key in META_TITLES:
            titles.append(value)
        elif key in META_SITES:
            facts.site_names.append(value)
        elif key in META_AUTHORS:
            facts.meta_authors.append(value)
        elif key in META_DATES:
            facts.dates.append(value)
        elif key in META_TAGS:
            (facts.sections if "section" in key else facts.tags).append(value)
        elif key in META_DESCRIPTIONS:
            facts.description = facts.description or value
        elif key in META_LANGUAGES:
            facts.languages.append(value)
        elif key in ("og:url", "twitter:url") and _is_url(value):
            facts.urls.append(value)
        elif key == "og:image":
            facts.image = facts.image or value
        elif key == "article:modified_time":
            facts.modified = facts.modified or value
    facts.titles.extend(titles)


def _read_links(tree: Any, facts: PageFacts) -> None:
    for link in tree.iterfind(".//link[@rel]"):
        rel = link.get("rel", "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and _is_url(href):
            facts.urls.insert(0, href)


def _read_headings(tree: Any, facts: PageFacts) -> None:
    h1s = list(tree.iter("h1"))
    facts.first_h1s = [t for t in (_visible_text(h) for h in h1s if not _in_chrome(h)) if t]
    named = tree.xpath(
        "//*[@itemprop='headline' or contains(@class, 'headline') or contains(@class, 'title')]"
        "[not(self::h1 or self::h2 or self::meta or self::title or self::body or self::html)]"
    )[:40]
    h2s = list(tree.iter("h2"))[:20]
    for element in h1s + h2s + named:
        text = _visible_text(element)
        if text and len(text) <= 400:
            facts.headings.append(text)


def _read_times(tree: Any, facts: PageFacts) -> None:
    """<time datetime> marked as the publication time, else the first one in the article."""
    marked, inside = [], []
    for time in tree.iter("time"):
        value = time.get("datetime")
        if not value or _in_chrome(time):
            continue
        label = " ".join(filter(None, (time.get("itemprop"), time.get("class"))))
        if time.get("pubdate") is not None or re.search(r"publish|datePublished|posted|created", label, re.I):
            marked.append(value)
        elif any(a.tag in ("article", "main") for a in time.iterancestors()):
            inside.append(value)
    facts.dates.extend(marked + inside[:1])


_AUTHOR_PAGE = re.compile(
    r"/(?:author|authors|autor|autoren|autorin|auteur|autore|redakteur)/(?P<slug>[^/?#]{4,})/?(?:[?#]|$)",
    re.IGNORECASE,
)
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-Я"
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "del", "dos", "bin"})
# "By Jane Doe", "Eine Kolumne von Nils Pickert": a first and a last name at the end of a short line.
_BYLINE = re.compile(
    rf"(?:^|\s)(?i:by|von|por|par|door|af|av)\s+(?P<name>[{_UPPER}][\w'.-]*"
    rf"(?:\s+(?:[{_UPPER}][\w'.-]*|{'|'.join(sorted(_PARTICLES))})){{1,3}})$"
)
_COMMENTS = re.compile(r"comment|respond|reply|discussion", re.IGNORECASE)


def _read_bylines(tree: Any, facts: PageFacts) -> None:
    """Links to the author's page (rel=author, /author/name) and short `By Name` lines."""
    for link in tree.iter("a"):
        text = _text(link.text_content())
        if _author_link(link, text) and _name_like(text) and _in_article(link):
            facts.bylines.append(text)
            if len(set(facts.bylines)) > MAX_AUTHORS:
                break  # links to many writers: teasers or a staff list, not a byline (dropped later)
    for element in tree.iter("p", "span", "div", "li", "strong", "em", "address"):
        short = _short_text(element, 80)
        match = _BYLINE.search(short) if short else None
        if match and _in_article(element):
            facts.bylines.append(match.group("name"))
            break


def _short_text(element: Any, limit: int) -> str | None:
    """The element's text if it is at most `limit` characters; stops reading early if longer."""
    parts, size = [], 0
    for piece in element.itertext():
        size += len(piece.strip()) + 1
        if size > limit + 1:
            return None
        parts.append(piece)
    return _text("".join(parts)) or None


def _author_link(link: Any, text: str) -> bool:
    """rel=author, or a link to /author/jane-doe whose text is Jane Doe's name."""
    if "author" in (link.get("rel") or "").split():
        return True
    page = _AUTHOR_PAGE.search(link.get("href") or "")
    first = _site_key(text.split()[0]) if text.split() else ""
    return bool(page and first and first in _site_key(page.group("slug")))


def _name_like(text: str) -> bool:
    """`Jane Doe`, `oradmin`; not `Show all articles`."""
    words = text.split()
    return len(words) == 1 or all(w[0].isupper() or w in _PARTICLES for w in words)


def _in_article(element: Any) -> bool:
    """Not in the site's chrome, not in the comments under the article."""
    for ancestor in element.iterancestors():
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if ancestor.tag in _CHROME or _COMMENTS.search(marks):
            return False
    return True


def _visible_text(element: Any) -> str:
    """An element's text without its kicker, screen-reader-only or hidden parts."""
    if _hidden(element):
        return ""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "br":
                parts.append(" ")
            elif isinstance(child.tag, str) and child.tag not in _CHROME and not _hidden(child):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return _text("".join(parts)).strip(_END_JUNK)


def _hidden(element: Any) -> bool:
    return bool(
        _NOT_HEADLINE.search(element.get("class") or "")
        or element.get("aria-hidden") == "true"
        or element.get("hidden") is not None
        or "display:none" in (element.get("style") or "").replace(" ", "")
    )


def _in_chrome(element: Any) -> bool:
    return any(a.tag in _CHROME for a in element.iterancestors())


# --- choosing ----------------------------------------------------------------------------------


def choose_title(facts: PageFacts) -> str | None:
    """The headline a reader sees, confirmed by what the page's metadata claims."""
    sites = site_keys(facts.site_names + facts.hosts)
    claims = meta_titles(facts, sites)
    headings = [h for h in facts.headings if _site_key(h) not in sites]  # not the site's logo
    for claim in claims:
        for heading in headings:
            agreed = _agreement(heading, claim)
            if agreed:
                return agreed
    words = _stems(claims + [facts.description or ""])
    for heading in facts.first_h1s:
        if title_key(heading).replace(" ", "") in sites or len(heading.split()) < 2:
            continue
        if not claims or len(_stems([heading]) & words) >= 2:
            return heading
    return claims[0] if claims else None


def meta_titles(facts: PageFacts, sites: set[str]) -> list[str]:
    """The titles the metadata claims, site names cut off, junk dropped."""
    titles: list[str] = []
    for raw in facts.titles:
        title = strip_site_name(raw, sites)
        if raw == facts.html_title and title == raw:
            title = _guess_title_segment(title)
        if title and title.casefold() not in _JUNK_TITLES and title not in titles:
            titles.append(title)
    return titles


def strip_site_name(title: str, sites: set[str]) -> str:
    """`Headline | Site`, `Site - Headline`, `Site » Blog » Headline` -> `Headline`."""
    title = _text(title)
    for _ in range(3):
        before = title
        for head, tail in _splits(title):
            if _site_key(tail) in sites:
                title = head
                break
            if _site_key(head) in sites:
                title = tail
                break
        if title == before:
            break
    return title.strip(_END_JUNK)


def _splits(title: str) -> Iterator[tuple[str, str]]:
    """(before, after) at each separator: spaced ones, and unspaced | » - _ before a short suffix."""
    for match in re.finditer(r"\s+[|\-–—·•»:~/]{1,2}\s+|\s*[|»]\s*|:\s+|(?<=\S)[-_](?=\S+$)", title):
        yield title[: match.start()].strip(), title[match.end():].strip()


def _guess_title_segment(title: str) -> str:
    """A <title> of segments with no known site name: the last of `»`, the longest of `|`."""
    if " » " in title:
        return title.rsplit(" » ", 1)[1]
    if " | " in title:
        return max(title.split(" | "), key=len)
    return title


def _agreement(heading: str, claim: str) -> str | None:
    """The visible form of a headline two sources agree on, or None."""
    h, c = f" {title_key(heading)} ", f" {title_key(claim)} "
    if h.strip() == "" or c.strip() == "":
        return None
    if h == c:
        return heading
    if h in c and len(h) >= 0.4 * len(c) and len(h.split()) >= 2:
        return heading  # the claim adds a site name or a kicker
    if c in h and len(c) >= 0.5 * len(h) and len(c.split()) >= 2:
        # A heading that ends with the claim carries a kicker the markup does not mark;
        # one that starts with it is the fuller headline.
        return claim if h.endswith(c) and not h.startswith(c) else heading
    return None


def choose_date(facts: PageFacts, fallback: str | None) -> str | None:
    """The first readable publication date the page states (JSON-LD, meta tags, <time>), in the
    page's own time zone when it gives one; else the fallback (htmldate's finding)."""
    modified = _date(facts.modified)
    # A "published" time after the "modified" one is the CMS's re-save stamp, not the publication.
    stated = [d for d in map(_date, [*facts.dates, *facts.page_dates]) if d and not _later(d, modified)]
    day = _date(fallback)
    if not stated:
        return day
    first = stated[0]
    if first.endswith("+00:00"):
        # A UTC time does not say on which day the page's readers saw it: a local time for the
        # same instant does, and so does a neighbouring day found on the page itself.
        local = next((d for d in stated if _same_instant(d, first) and not d.endswith("+00:00")), None)
        if local:
            return local
        if day and len(day) == 10 and _local_day_possible(first, day):
            return day
    return first


def _date(value: str | None) -> str | None:
    date = normalise_date(value) if value else None
    latest = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).date().isoformat()
    return date if date and "1990" <= date[:4] and date[:10] <= latest else None


def _later(a: str, b: str | None) -> bool:
    try:
        return b is not None and dt.datetime.fromisoformat(a) > dt.datetime.fromisoformat(b)
    except (ValueError, TypeError):  # a date without a time, or without a zone
        return False


def _same_instant(a: str, b: str) -> bool:
    try:
        return dt.datetime.fromisoformat(a) == dt.datetime.fromisoformat(b)
    except (ValueError, TypeError):  # a date without a time, or without a zone
        return False


def _local_day_possible(utc: str, day: str) -> bool:
    """Whether `day` is the calendar day of the UTC time `utc` in some time zone (UTC-12 to UTC+14)."""
    try:
        moment = dt.datetime.fromisoformat(utc)
    except ValueError:
        return False
    return day != moment.date().isoformat() and any(
        (moment + dt.timedelta(hours=h)).date().isoformat() == day for h in range(-12, 15)
    )


def choose_authors(
    sources: Iterable[Iterable[str]], *, sites: set[str], rejected: Iterable[str] = ()
) -> list[str]:
    """Names from the first source that gives any, completed by a fuller form from later sources."""
    banned = {title_key(r) for r in rejected if r}
    pools = [clean_authors(values, sites=sites, banned=banned) for values in sources]
    pools = [names for names in pools if len(names) <= MAX_AUTHORS]
    chosen = next((names for names in pools if names), [])
    others = [n for names in pools for n in names]
    return [_fuller_name(name, others) for name in chosen]


def _fuller_name(name: str, others: list[str]) -> str:
    """`Nils` with `Nils Pickert` elsewhere on the page -> `Nils Pickert`."""
    if " " in name:
        return name
    return next((o for o in others if o.casefold().startswith(name.casefold() + " ")), name)


# "By", "Von", "Por"... before a byline; the short ones only before two words ("Von Trier" stays).
_BY = re.compile(
    r"^(?:by|written by|posted by|geschrieben von|artikel von|ein beitrag von|text|texto|autor|autorin"
    r"|author|auteur)\s*[:\-]?\s+|^(?:von|vom|por|par|door|af|av)\s+(?=\S+\s+\S)",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:;|,|&|\|| / | and | und | y | et | e )\s*", re.IGNORECASE)
_DOMAIN = re.compile(r"\w\.[a-z]{2,6}\b|\bwww\.")
_NOT_NAMES = frozenset({
    "name", "admin", "administrator", "author", "autor", "guest", "gast", "anonymous", "unknown",
    "editor", "webmaster", "user", "staff", "null", "none", "undefined", "facebook", "twitter",
})


def clean_authors(
    values: Iterable[str], *, sites: set[str], banned: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """Author names out of raw byline values; URLs, site names, sections and sentences dropped."""
    names: list[str] = []
    for value in values:
        for name in split_names(value, sites):
            key = title_key(name)
            if key in banned or _site_key(name) in sites or not plausible_name(name):
                continue
            if key not in {title_key(n) for n in names}:
                names.append(name)
    return names


def split_names(value: str, sites: frozenset[str] | set[str] = frozenset()) -> list[str]:
    text = _text(value).strip("'\"“”‘’ ")
    if _is_url(text) or "@" in text or text.startswith("/"):
        return []
    names = []
    for part in _NAME_SPLIT.split(text):
        part = _BY.sub("", part.strip("'\"“”‘’ ").strip())
        byline = _BYLINE.search(part)  # "Eine Kolumne von Nils Pickert"
        part = byline.group("name") if byline else part
        for piece in re.split(r"\s+[-–—|]\s+", part):
            name = piece.strip(" .,:;-–—|") + ("." if re.search(r"\b\w\.$", piece) else "")
            if name and _site_key(name) not in sites:  # `unocero - Alberto Ávila`
                names.append(name)
    return names


def plausible_name(name: str) -> bool:
    """A person's or desk's name: short, no digits, not a sentence, not a placeholder."""
    words = name.split()
    return (
        1 <= len(words) <= 5
        and 2 <= len(name) <= 60
        and not any(c.isdigit() for c in name)
        and not re.search(r"[!?<>{}=]|\.\s+\w+\s", name)
        and not _DOMAIN.search(name)
        and name.casefold() not in _NOT_NAMES
    )


def site_keys(names: Iterable[str]) -> set[str]:
    return {k for k in (_site_key(n) for n in names if n) if len(k) >= 3}


def _site_key(text: str) -> str:
    return _NON_WORD.sub("", _fold(text))


def title_key(text: str) -> str:
    """Comparison form of a title: case, quotes, dashes and punctuation do not count."""
    return " ".join(_NON_WORD.sub(" ", _fold(text)).split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()


def _stems(texts: Iterable[str]) -> set[str]:
    return {w[:5] for text in texts for w in _STEM_WORD.findall(_fold(text))}


# --- small helpers -----------------------------------------------------------------------------


def hostname(url: str) -> str | None:
    try:
        host = urlparse(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _is_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//|^www\.", text.strip(), re.IGNORECASE))


def _types(node: dict[str, Any]) -> list[str]:
    return [t for t in _as_list(node.get("@type")) if isinstance(t, str)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> list[str]:
    """Text values of a JSON-LD field: a string, a list of them, or objects with a name or @id."""
    out = []
    for item in _as_list(value):
        if isinstance(item, dict):
            item = item.get("name") or item.get("@value") or item.get("@id")
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
            out.append(_text(str(item)))
    return out


def _text(value: str) -> str:
    """One line of text: entities a page escaped twice decoded, whitespace collapsed."""
    if "&" in value:
        value = unescape(value)
    return " ".join(value.split())
