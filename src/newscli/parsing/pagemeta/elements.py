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
    """An element's text without its kicker, screen-reader-only or hidden parts.

    Walked without recursion: a page may nest thousands of elements inside a headline.
    """
    from lxml import etree

    if _hidden(element):
        return ""
    parts: list[str] = [element.text or ""]
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if node is element:
            continue
        if event == "end":
            parts.append(node.tail or "")
        elif node.tag == "br":
            parts.append(" ")
            walker.skip_subtree()
        elif not isinstance(node.tag, str) or node.tag in CHROME or _hidden(node):
            walker.skip_subtree()
        else:
            parts.append(node.text or "")
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
