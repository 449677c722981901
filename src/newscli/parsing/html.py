"""Saved web pages (`.html`, `.htm`): the article's text by trafilatura, its metadata by what the page
states about itself (parsing/pagemeta/), trafilatura's findings as the fallback (trafilatura finds
the date with htmldate; newscli uses htmldate itself only to read a date printed where the markup
marks the publication date, on a page whose metadata states none).

trafilatura and lxml are imported only when an HTML file is met: start-up stays light.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from newscli.errors import ParseError
from newscli.models import Article
from newscli.parsing.dates import normalise_date
from newscli.parsing.decode import decode
from newscli.parsing.pagemeta import (
    PageFacts,
    choose_authors,
    choose_date,
    choose_title,
    drop_credits_and_promotions,
    hostname,
    printed_names,
    printed_standfirst,
    read_page_facts,
    site_keys,
    title_key,
)
from newscli.parsing.pagemeta.strings import is_url
from newscli.parsing.text import clean_body, find_dateline

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
# Fewer words than this is a teaser, an index page or a login wall, not an article.
MIN_WORDS = 20
# More of the words than this in lines that are whole link texts: a list of headlines.
MOSTLY_LINKS = 0.5
MAX_TAGS = 20
# `Headline - 07.12.2017 - LA NACION`: what a page prints after its headline.
_TITLE_TAIL = re.compile(r"\s+[-|–—·•]\s+")
# Chinese, Japanese and Korean text has no spaces: each character counts as a word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)
# Labels browsers read differently from Python (the WHATWG Encoding Standard): a page that says
# Latin-1 is decoded as windows-1252, which is what its author's editor wrote.
_WHATWG = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "windows-1252": "cp1252",
    "iso-8859-9": "cp1254", "latin5": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "shift_jis": "cp932",
    "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "euc-kr": "cp949", "big5": "big5hkscs",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",  # bytes that parse as ASCII are not UTF-16
}
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# &#150; and friends: old pages wrote windows-1252 code points as character references; browsers
# show them as the cp1252 characters, so do we (U+0080-U+009F are invisible controls otherwise).
_C1_AS_CP1252 = {c: bytes([c]).decode("cp1252", "ignore") or None for c in range(0x80, 0xA0)}


def looks_like_html(text: str) -> bool:
    """For stdin: a document that opens like a web page."""
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return start.startswith(("<!doctype html", "<html")) or ("<html" in start and start.startswith("<"))


def parse_html(data: bytes) -> Article:
    """One article from a saved web page, or ParseError naming why there is none."""
    text = decode_html(data)
    tree = load_tree(text)
    facts = read_page_facts(tree)
    document = _extract(tree)
    body = body_text(document) if document is not None else ""
    words = len(_WORD.findall(body))
    if words < MIN_WORDS:
        raise ParseError(
            f"no article in the page: only {words} words of text (a login wall or an empty page?)"
        )
    links = link_texts(tree)
    if _mostly_links(body, links):
        raise ParseError("no article in the page: its text is mostly links (an index or section page?)")
    return _article(facts, document, drop_credits_and_promotions(body, links), tree, text)


def decode_html(data: bytes) -> str:
    """Text of a page by its bytes first: valid UTF-8 is UTF-8 whatever the page declares."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data)
    if b"\x00" in data:
        raise ParseError("file contains NUL bytes; it looks binary, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")  # a few stray bytes in a UTF-8 page
    declared = declared_encoding(data)
    if declared:
        try:
            return data.decode(declared, errors="replace" if declared == "cp1252" else "strict")
        except (UnicodeDecodeError, LookupError):
            pass
    return decode(data)  # the declaration is wrong too: detect


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page names in <meta charset> or its XML declaration, as Python calls it."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", "ignore").lower()
    name = _WHATWG.get(label, label)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _mostly_utf8(data: bytes) -> bool:
    sequences = _UTF8_SEQUENCE.findall(data)
    stray = len(_HIGH_BYTE.findall(data)) - sum(len(s) for s in sequences)
    return len(sequences) >= 10 * max(stray, 1)


def load_tree(text: str) -> Any:
    """An lxml tree of the page; ParseError when the text is not HTML at all, or nested
    beyond what any parser keeps."""
    tree = _load(text)
    if tree is not None and _nests(tree, DEFAULT_DEPTH):
        # libxml2 drops whatever lies deeper than 255 elements: some CMSs nest that deep
        # around the article itself. Read the page again without that limit.
        tree = _load(text, huge=True)
        if tree is not None and _nests(tree, HUGE_DEPTH):
            raise ParseError(f"the page nests its elements {HUGE_DEPTH:,} or more deep, "
                             "deeper than newscli reads (pathological markup, not an article)")
    if tree is None:
        raise ParseError("not an HTML page")
    return tree


# The depths libxml2's HTML parser keeps: by default, and with huge_tree.
DEFAULT_DEPTH, HUGE_DEPTH = 255, 2048


def _load(text: str, *, huge: bool = False) -> Any:
    from trafilatura import utils

    parser = utils.HTML_PARSER
    if huge:
        from lxml.html import HTMLParser

        utils.HTML_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                                       remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        tree = utils.load_html(text)
        if tree is None or not len(tree):
            tree = utils.load_html(f"<html><body>{text}</body></html>")  # a fragment saved as .html
    finally:
        utils.HTML_PARSER = parser
    return tree


def _nests(tree: Any, depth: int) -> bool:
    """Whether the tree holds an element `depth` deep (the root is 1): one XPath step a level,
    walked by libxml2 in C, ten times as fast as counting in Python."""
    from lxml import etree

    if depth not in _DEPTH_PROBES:
        _DEPTH_PROBES[depth] = etree.XPath("boolean(/*" + "/*" * (depth - 1) + ")")
    return bool(_DEPTH_PROBES[depth](tree))


_DEPTH_PROBES: dict[int, Any] = {}


def _extract(tree: Any) -> Any:
    """trafilatura's main-text extraction and metadata; None when it finds no article.

    ParseError when lxml or trafilatura refuse the markup; any other exception is a bug and is
    raised as it is.
    """
    import warnings

    import trafilatura
    from dateutil.parser import UnknownTimezoneWarning
    from lxml.etree import LxmlError

    try:
        with warnings.catch_warnings():
            # htmldate hands dateutil "2019-05-02 12:00 EST" and wants only the day: the warning
            # about the zone would reach the user's terminal.
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            return trafilatura.bare_extraction(
                tree, with_metadata=True, include_comments=False, include_tables=True, include_images=False
            )
    # lxml's ParserError, XMLSyntaxError and XPath errors on broken markup, ValueError on an empty
    # document, RecursionError on markup nested too deeply for trafilatura's tree walks.
    except (LxmlError, ValueError, RecursionError) as exc:
        reason = " ".join(str(exc).split())[:200] or "no reason given"
        raise ParseError(
            f"no article in the page: trafilatura could not read it ({type(exc).__name__}: {reason})"
        ) from None


def body_text(document: Any) -> str:
    """Paragraphs and subheadings of the extracted text, each its own paragraph."""
    from trafilatura.xml import xmltotxt

    blocks = [xmltotxt(block, False).strip() for block in document.body]
    if not blocks and document.text:
        blocks = document.text.split("\n")
    return clean_body("\n\n".join(b for b in blocks if b).translate(_C1_AS_CP1252))


def link_texts(tree: Any) -> set[str]:
    return {" ".join(a.text_content().split()) for a in tree.iter("a")} - {""}


def _mostly_links(body: str, links: set[str]) -> bool:
    """Whether most of the words are lines that are whole link texts: a list of headlines."""
    lines = [" ".join(line.split()) for line in body.split("\n") if line.strip()]
    linked = sum(len(_WORD.findall(line)) for line in lines if line in links)
    return linked > MOSTLY_LINKS * sum(len(_WORD.findall(line)) for line in lines)


def _article(facts: PageFacts, found: Any, body: str, tree: Any, page: str) -> Article:
    """What the page states first; trafilatura's findings (`found`) where it states nothing."""
    title = _plain(choose_title(facts)) or _plain(found.title) or _first_line(body)
    body = _drop_repeated_title(body, title)
    standfirst = printed_standfirst(tree, facts.descriptions, body)
    if standfirst:
        body = f"{standfirst}\n\n{body}"
    article = Article(
        title=title[:300].rstrip(),
        body=body,
        source=_source(facts, found),
        author=", ".join(_authors(facts, found, tree, title)) or None,
        published=choose_date(facts, _year_only(found.date, page)),
        url=next(iter(facts.urls), None) or found.url,
        tags=_tags(facts, found),
        language=_language(facts, found),
        format="text",
    )
    # The dateline opens the story, which may come after a standfirst.
    openings = article.body.split("\n\n")[:3]
    article.dateline = next(filter(None, map(find_dateline, openings)), None)
    article.meta = {k: v for k, v in _meta(facts, found).items() if v}
    return article


def _authors(facts: PageFacts, found: Any, tree: Any, title: str) -> list[str]:
    """Bylines the page declares, then the one trafilatura finds printed on it, then newscli's own
    byline search; the site's own name is no author.

    Only declared site names count: a personal site's host name is often its author's name; and a
    name the page declares a JSON-LD Person is a person even when the site bears it, if no other
    name on the page is.
    trafilatura's byline comes before newscli's printed-byline search: the other order, written on
    htmlpages, did no better there and worse on the readability set (benchmarks/HTML_EVAL.md).
    """
    sites = site_keys(facts.site_names) | site_keys(_url_site_labels(facts.site_names))
    rejected = [title, *facts.sections, *(found.categories or [])]
    # What is read from the page's text must look like a name; what its metadata declares need not.
    sources = [facts.person_authors, *_meta_author_groups(facts), printed_names(facts.item_authors),
               printed_names((found.author or "").split(";"))]
    completions = facts.site_names
    for allowed in (sites, sites - site_keys(facts.person_authors)):
        names = choose_authors(sources, sites=allowed, rejected=rejected, completions=completions)
        if names and all(" " in n for n in names):
            return names
        # Nothing found, or a first name alone: the page's author links and "By" lines may give
        # it, or complete it (read only now: they cost more than the rest of the metadata).
        fallback = [*sources, printed_names(facts.bylines), facts.org_authors]
        names = choose_authors(fallback, sites=allowed, rejected=rejected, completions=completions)
        if names:
            return names
    return []


def _url_site_labels(names: list[str]) -> list[str]:
    """A site name the page declares as a URL (`og:site_name` `https://www.ditib.de`) names the
    site by its host: `ditib.de` and `ditib`."""
    hosts = [h for h in (hostname(n) for n in names if is_url(n)) if h]
    return [part for host in hosts for part in (host, host.rsplit(".", 2)[-2] if "." in host else host)]


def _meta_author_groups(facts: PageFacts) -> list[list[str]]:
    """The meta tags' authors, one list a tag name: several `<meta name="author">` are
    co-authors, while `author` and `parsely-author` are two claims about the same byline."""
    groups: dict[str, list[str]] = {}
    for key, value in zip(facts.meta_author_keys, facts.meta_authors, strict=True):
        groups.setdefault(key, []).append(value)
    return list(groups.values())


def _year_only(day: str | None, page: str) -> str | None:
    """htmldate's `2017-01-01` for a page that states only a year (`© 2017`) is the year, `2017`:
    1 January is kept only when the page writes that day."""
    if not day or not re.fullmatch(r"\d{4}-01-01", day):
        return day
    year = day[:4]
    stated = re.compile(
        rf"{year}[-/.]0?1[-/.]0?1\b|\b0?1[-/.]0?1[-/.]{year}|{year}0101"
        rf"|\b1(?:st)?\.? (?:jan|ene|gen)\w* {year}|\bjan\w*\.? 1(?:st)?,? {year}",
        re.IGNORECASE,
    )
    return day if stated.search(page) else year


def _source(facts: PageFacts, found: Any) -> str | None:
    names = [n for n in facts.site_names if n and not re.match(r"https?://", n)]
    return next(iter(names), None) or found.sitename or next(iter(facts.hosts), None)


def _tags(facts: PageFacts, found: Any) -> list[str]:
    tags: list[str] = []
    for value in [*facts.sections, *facts.tags, *(found.categories or []), *(found.tags or [])]:
        for tag in re.split(r"\s*[,;]\s*", value):
            tag = tag.strip(" #")
            if tag and len(tag) <= 60 and tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
    return tags[:MAX_TAGS]


def _language(facts: PageFacts, found: Any) -> str | None:
    for value in [*facts.languages, found.language]:
        match = re.match(r"^\s*([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2,4}))?\b", value or "")
        if match:
            lang, region = match.groups()
            if not region:
                return lang.lower()
            return f"{lang.lower()}-{region.upper() if len(region) == 2 else region.title()}"
    return None


def _meta(facts: PageFacts, found: Any) -> dict[str, Any]:
    return {
        "description": facts.description or found.description,
        "image": facts.image or found.image,
        "modified": normalise_date(facts.modified) if facts.modified else None,
        "page_title": facts.html_title,
    }


def _drop_repeated_title(body: str, title: str) -> str:
    """The headline (with or without its kicker, or with the date and site name after a dash)
    when the extracted text repeats it first."""
    first, _, rest = body.partition("\n\n")
    opening, headline = title_key(first), title_key(title)
    if not rest or not headline or len(opening) >= len(headline) + 40:
        return body
    if opening.endswith(headline) or title_key(_TITLE_TAIL.split(first, 1)[0]) == headline:
        return rest
    return body


def _first_line(body: str) -> str:
    return _plain(body.split("\n", 1)[0])[:300]


def _plain(text: str | None) -> str:
    return " ".join((text or "").translate(_C1_AS_CP1252).split())
