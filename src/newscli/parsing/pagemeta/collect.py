"""Collecting what a web page states about itself: JSON-LD, OpenGraph and other meta tags,
canonical links, its visible headings, <time> elements and printed bylines.

Pure functions of an lxml tree: no I/O, no trafilatura. Every claim is kept, in order of trust;
titles.py, dates.py and authors.py choose among them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from newscli.parsing.pagemeta.authors import read_bylines
from newscli.parsing.pagemeta.elements import in_chrome, visible_text
from newscli.parsing.pagemeta.strings import hostname, is_url, one_line

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
META_TAGS = ("article:tag", "news_keywords")
META_SECTIONS = ("article:section", "parsely-section")
META_DESCRIPTIONS = ("og:description", "description", "twitter:description")
META_LANGUAGES = ("og:locale", "content-language", "language", "dc.language")
META_URLS = ("og:url", "twitter:url")
_DC_PREFIX = re.compile(r"^(dc|dcterms):")


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
    meta_author_keys: list[str] = field(default_factory=list)  # each entry's tag name (`dc.creator`)
    org_authors: list[str] = field(default_factory=list)  # JSON-LD Organization authors
    item_authors: list[str] = field(default_factory=list)  # microdata itemprop=author elements' text
    dates: list[str] = field(default_factory=list)  # JSON-LD article dates, meta tags, <time>
    page_dates: list[str] = field(default_factory=list)  # JSON-LD WebPage dates: weaker
    modified: str | None = None
    urls: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)  # JSON-LD, og:, <meta name>, twitter:
    image: str | None = None
    tree: Any = field(default=None, repr=False, compare=False)  # the page, for the bylines
    _bylines: list[str] | None = field(default=None, repr=False, compare=False)
    _printed_dates: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def description(self) -> str | None:
        return next(iter(self.descriptions), None)

    @property
    def bylines(self) -> list[str]:
        """rel=author and author-page links, `By X` lines: read when first asked for, since they
        are only a fallback and the costliest claim to read (about 1.5 ms a page)."""
        if self._bylines is None:
            self._bylines = read_bylines(self.tree) if self.tree is not None else []
        return self._bylines

    @property
    def printed_dates(self) -> list[str]:
        """Dates printed in elements the markup marks as the publication date (`byline__created-date`,
        `published-date`): read when first asked for, only for a page whose metadata states none."""
        if self._printed_dates is None:
            self._printed_dates = read_printed_dates(self.tree) if self.tree is not None else []
        return self._printed_dates


@dataclass(frozen=True)
class MetaRule:
    """Where a meta tag's content goes: appended to a list field, or kept if the field is unset."""

    field: str
    first_only: bool = False  # a single-valued field: the first claim wins
    urls_only: bool = False  # content that is not a URL is ignored


def _rules(keys: tuple[str, ...], rule: MetaRule) -> dict[str, MetaRule]:
    return dict.fromkeys(keys, rule)


# Meta tag key (property, name, itemprop or http-equiv; lower case) -> the PageFacts field it fills.
META_RULES: dict[str, MetaRule] = {
    **_rules(META_TITLES, MetaRule("titles")),
    **_rules(META_SITES, MetaRule("site_names")),
    **_rules(META_AUTHORS, MetaRule("meta_authors")),
    **_rules(META_DATES, MetaRule("dates")),
    **_rules(META_TAGS, MetaRule("tags")),
    **_rules(META_SECTIONS, MetaRule("sections")),
    **_rules(META_DESCRIPTIONS, MetaRule("descriptions")),
    **_rules(META_LANGUAGES, MetaRule("languages")),
    **_rules(META_URLS, MetaRule("urls", urls_only=True)),
    "og:image": MetaRule("image", first_only=True),
    "article:modified_time": MetaRule("modified", first_only=True),
    "og:updated_time": MetaRule("modified", first_only=True),
}


def read_page_facts(tree: Any) -> PageFacts:
    """Collect the page's claims about itself from an lxml.html tree."""
    facts = PageFacts(tree=tree)
    _read_json_ld(tree, facts)
    _read_meta_tags(tree, facts)
    _read_links(tree, facts)
    _read_headings(tree, facts)
    _read_times(tree, facts)
    _read_item_authors(tree, facts)
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        facts.languages.insert(0, lang)
    title = tree.findtext(".//title")
    if title and title.strip():
        facts.html_title = one_line(title)
        facts.titles.append(facts.html_title)
    host = next(filter(None, map(hostname, facts.urls)), None)
    if host:
        facts.hosts = [host, host.split(".")[-2] if "." in host else host]
    return facts


# --- JSON-LD ------------------------------------------------------------------------------------


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
    facts.urls.extend(u for u in _strings(node.get("url")) if is_url(u))
    facts.descriptions.extend(_strings(node.get("description")))


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
    # `<![CDATA[ {...} ]]>`, with or without `//` before each marker (XHTML habits; browsers'
    # readers such as Readability strip them too).
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text)
    for attempt in (text, re.sub(r",\s*([}\]])", r"\1", text)):  # trailing commas are common
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


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
            out.append(one_line(str(item)))
    return out


# --- markup -------------------------------------------------------------------------------------


def _read_meta_tags(tree: Any, facts: PageFacts) -> None:
    """Each meta tag's content into the field META_RULES names for its key."""
    for meta in tree.iterfind(".//meta"):
        keys = (meta.get("property") or meta.get("name") or meta.get("itemprop")
                or meta.get("http-equiv") or "").lower().split()
        content = meta.get("content")
        if not content or not content.strip():
            continue
        # RDFa allows several properties in one attribute (`dc:creator og:author`), and writes
        # Dublin Core with a colon where HTML meta names use a dot.
        for key in keys:
            key = key if key in META_RULES else _DC_PREFIX.sub(r"\1.", key)
            rule = META_RULES.get(key)
            if rule is not None:
                _apply(rule, one_line(content), facts)
                if rule.field == "meta_authors":
                    facts.meta_author_keys.append(key)


def _apply(rule: MetaRule, value: str, facts: PageFacts) -> None:
    if rule.urls_only and not is_url(value):
        return
    if rule.first_only:
        setattr(facts, rule.field, getattr(facts, rule.field) or value)
    else:
        getattr(facts, rule.field).append(value)


def _read_links(tree: Any, facts: PageFacts) -> None:
    for link in tree.iterfind(".//link[@rel]"):
        rel = link.get("rel", "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and is_url(href):
            facts.urls.insert(0, href)


def _read_headings(tree: Any, facts: PageFacts) -> None:
    h1s = list(tree.iter("h1"))
    facts.first_h1s = [t for t in (_heading_text(h) for h in h1s if not in_chrome(h)) if t]
    named = tree.xpath(
        "//*[@itemprop='headline' or contains(@class, 'headline') or contains(@class, 'title')]"
        "[not(self::h1 or self::h2 or self::meta or self::title or self::body or self::html)]"
    )[:40]
    h2s = list(tree.iter("h2"))[:20]
    for element in h1s + h2s + named:
        text = _heading_text(element)
        if text and len(text) <= 400:
            facts.headings.append(text)


_ITEM_AUTHORS = (
    "//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' author ')]"
    "[not(self::meta or self::link)]"
)
_ITEM_AUTHOR_CHARS = 120


def _read_item_authors(tree: Any, facts: PageFacts) -> None:
    """Microdata authors printed on the page: an `itemprop=author` element's `itemprop=name`
    (text or content), else its own text when short; outside the site's chrome."""
    for element in tree.xpath(_ITEM_AUTHORS)[:10]:
        if in_chrome(element):
            continue
        named = element.xpath(".//*[@itemprop='name']")
        values = [n.get("content") or n.text_content() for n in named] or [element.text_content()]
        facts.item_authors.extend(
            v for v in map(one_line, values) if v and len(v) <= _ITEM_AUTHOR_CHARS
        )


def _heading_text(element: Any) -> str:
    # Sphinx, MkDocs and many blogs end a heading with a permalink anchor drawn as a pilcrow.
    return visible_text(element).rstrip("¶ ")


def _read_times(tree: Any, facts: PageFacts) -> None:
    """<time datetime> marked as the publication time, else the first one in the article."""
    marked, inside = [], []
    for time in tree.iter("time"):
        value = time.get("datetime")
        if not value or in_chrome(time):
            continue
        label = " ".join(filter(None, (time.get("itemprop"), time.get("class"))))
        if time.get("pubdate") is not None or re.search(r"publish|datePublished|posted|created", label, re.I):
            marked.append(value)
        elif any(a.tag in ("article", "main") for a in time.iterancestors()):
            inside.append(value)
    facts.dates.extend(marked + inside[:1])


# Class, id or itemprop of an element holding the date the page was published, in lower case.
_PRINTED_DATE = (
    "//*[not(self::meta or self::script or self::style or self::body or self::html)]"
    "[re:test(concat(@class, ' ', @id, ' ', @itemprop), "
    "'publish|pub-?date|created|posted|post-?date|entry-?date|date-?line', 'i')]"
)
# A date labelled as the last change is not the publication date.
_UPDATED = re.compile(r"updated|modified|aktualisiert|geändert|editiert|actualizad|mis à jour|bijgewerkt",
                      re.IGNORECASE)
_PRINTED_DATE_CHARS = 80


def read_printed_dates(tree: Any) -> list[str]:
    """Dates (YYYY-MM-DD) printed in elements marked as the publication date, outside the site's
    chrome, in page order; any language htmldate reads (`07 Dezember, 2022`, `12.11.2021`)."""
    import datetime as dt

    from htmldate.extractors import try_date_expr

    found: list[str] = []
    latest = dt.datetime.now() + dt.timedelta(days=2)
    for element in tree.xpath(_PRINTED_DATE, namespaces={"re": "http://exslt.org/regular-expressions"})[:20]:
        text = one_line(element.text_content())
        if not text or len(text) > _PRINTED_DATE_CHARS or _UPDATED.search(text) or in_chrome(element):
            continue
        date = try_date_expr(text, "%Y-%m-%d", False, dt.datetime(1990, 1, 1), latest)
        if date and date not in found:
            found.append(date)
    return found
