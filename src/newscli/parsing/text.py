"""Scraped news text and plain text: breadcrumb, category line, title, dateline, body, footer."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from newscli.errors import ParseError
from newscli.models import Article
from newscli.parsing.titles import MAX_TITLE, bounded_title

_BREADCRUMB_SEP = r"\s*(?:»|›|>|/|\|)\s*"
_BREADCRUMB = re.compile(
    r"^\s*(?:home|beranda|startseite|accueil|inicio|início|inizio|главная|首页)" + _BREADCRUMB_SEP,
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^\s*(?:source|sumber|quelle|fuente|fonte|bron|kaynak|źródło|источник)\s*:\s*(?P<name>\S.*?)\s*$",
    re.IGNORECASE,
)
_CATEGORY_SEP = re.compile(r"\s*[,|·•]\s*")
_DATELINE = re.compile(r"^(?P<dateline>[^\W\d_][^\n–—]{0,80}?)\s+(?:–|—|--|-)\s+(?=\S)")
_DATELINE_CONNECTORS = frozenset({"of", "de", "la", "el", "du", "da", "del", "am", "upon", "on"})
_BLANK_RUN = re.compile(r"\n\s*\n(?:\s*\n)+")
# Blank lines at the start, spaces-only lines included (a front-matter reader would eat them).
_LEADING_BLANK_LINES = re.compile(r"^(?:[^\S\n]*\n)+")


def parse_text(text: str) -> Article:
    """Read scraped or plain text; raise ParseError when it holds no words."""
    lines = text.strip("\ufeff").split("\n")
    source, url = _pop_footer(lines)
    meta: dict[str, object] = {}
    crumbs = _pop_breadcrumb(lines)
    if crumbs is not None:
        _pop_category(lines, crumbs, meta)
        if crumbs:
            meta["breadcrumb"] = crumbs
    title_line = _pop_first_nonblank(lines)
    if title_line is None:
        raise ParseError("file is empty" if not text.strip() else "no title line found")
    title, body = _split_title(title_line.strip(), "\n".join(lines))
    article = Article(title=title, body=body, source=source, url=url, meta=meta)
    article.dateline = find_dateline(body)
    tags = meta.pop("category_tags", None)
    if isinstance(tags, list):
        article.tags = tags
    return article


def clean_body(text: str) -> str:
    """Strip surrounding blank lines and squeeze runs of blank lines to one."""
    return _LEADING_BLANK_LINES.sub("", _BLANK_RUN.sub("\n\n", text)).rstrip()


def find_dateline(body: str) -> str | None:
    """The place (and agency) that opens the first paragraph: `SEOUL (Yonhap) - ...`."""
    match = _DATELINE.match(body.lstrip())
    if not match:
        return None
    dateline = match.group("dateline").strip(" ,")
    words = re.sub(r"\([^)]*\)", "", dateline).replace(",", " ").split()
    if not words or len(words) > 8:
        return None
    lower = [w for w in words if w[0].isalpha() and not w[0].isupper()]
    if len(lower) > 1 or any(w.lower() not in _DATELINE_CONNECTORS for w in lower):
        return None
    return dateline


def _split_title(line: str, rest: str) -> tuple[str, str]:
    if len(line) <= MAX_TITLE:
        return line, clean_body(rest)
    # One enormous first line is a paragraph, not a headline: keep it in the body.
    return bounded_title(line), clean_body(line + "\n" + rest)


def _pop_first_nonblank(lines: list[str]) -> str | None:
    while lines:
        line = lines.pop(0)
        if line.strip():
            return line
    return None


def _pop_footer(lines: list[str]) -> tuple[str | None, str | None]:
    """Remove `Source: X` lines among the last few lines; return the outlet and any URL."""
    source = url = None
    seen = 0
    for index in range(len(lines) - 1, -1, -1):
        if not lines[index].strip():
            continue
        seen += 1
        match = _FOOTER.match(lines[index])
        if match:
            name = match.group("name")
            if re.match(r"https?://", name):
                url = url or name
                source = source or (urlparse(name).hostname or None)
            else:
                source = name
            del lines[index]
        if seen >= 3:
            break
    return source, url


def _pop_breadcrumb(lines: list[str]) -> list[str] | None:
    """Remove a `Home » Section » Title` line; return its crumbs after Home, or None."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if not _BREADCRUMB.match(line) or len(line) > 400:
            return None
        del lines[: index + 1]
        crumbs = [c.strip() for c in re.split(_BREADCRUMB_SEP, line.strip())[1:]]
        return [c for c in crumbs if c]
    return None


def _pop_category(lines: list[str], crumbs: list[str], meta: dict[str, object]) -> None:
    """The category line sits right under the breadcrumb, before the title."""
    if not lines or not lines[0].strip():
        return
    line = lines[0].strip()
    if crumbs and line == crumbs[-1]:
        return  # the line under the breadcrumb is the title itself
    if len(line.split()) > 10 or line[-1] in ".!?:\"”'":
        return
    del lines[0]
    meta["categories"] = line
    parts = [p for p in _CATEGORY_SEP.split(line) if p]
    if len(parts) > 1:
        meta["category_tags"] = parts
