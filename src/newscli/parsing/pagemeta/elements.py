"""Where an element of an lxml.html tree sits and what of its text a reader sees."""

from __future__ import annotations

import re
from typing import Any

from newscli.parsing.pagemeta.strings import END_JUNK, one_line

# Class names of the parts of a headline that are not the headline: the kicker above it, text
# kept for screen readers only.
_NOT_HEADLINE = re.compile(
    r"kicker|overline|topline|toptitle|dachzeile|roofline|eyebrow|supertitle|pretitle|titleheader"
    r"|spitzmarke|visually-hidden|sr-only|screen-reader|element-invisible|noscreen|offscreen",
    re.IGNORECASE,
)
CHROME = frozenset({"nav", "footer", "aside", "form", "script", "style", "noscript", "template"})
_COMMENTS = re.compile(r"comment|respond|reply|discussion", re.IGNORECASE)


def visible_text(element: Any) -> str:
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
            elif isinstance(child.tag, str) and child.tag not in CHROME and not _hidden(child):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return one_line("".join(parts)).strip(END_JUNK)


def _hidden(element: Any) -> bool:
    return bool(
        _NOT_HEADLINE.search(element.get("class") or "")
        or element.get("aria-hidden") == "true"
        or element.get("hidden") is not None
        or "display:none" in (element.get("style") or "").replace(" ", "")
    )


def in_chrome(element: Any) -> bool:
    """Inside the site's navigation, footer, sidebar, a form or a script."""
    return any(a.tag in CHROME for a in element.iterancestors())


def in_article(element: Any) -> bool:
    """Not in the site's chrome, not in the comments under the article."""
    for ancestor in element.iterancestors():
        classes_and_id = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if ancestor.tag in CHROME or _COMMENTS.search(classes_and_id):
            return False
    return True


def short_text(element: Any, limit: int) -> str | None:
    """The element's text if it is at most `limit` characters; stops reading early if longer."""
    parts, size = [], 0
    for piece in element.itertext():
        size += len(piece.strip()) + 1
        if size > limit + 1:
            return None
        parts.append(piece)
    return one_line("".join(parts)) or None
