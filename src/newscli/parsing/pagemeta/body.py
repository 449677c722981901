"""The article's text beyond trafilatura's choice: the standfirst the page prints above the text.

A standfirst (dek, perex, "bajada") is the article's opening paragraph in bold under the
headline; it usually repeats the page's description, and trafilatura, taking it for a teaser,
leaves it out.
"""

from __future__ import annotations

from typing import Any

from newscli.parsing.pagemeta.elements import CHROME, visible_text
from newscli.parsing.pagemeta.strings import title_key

# The words the printed standfirst and the page's description must open with alike.
SAME_OPENING = 5
# A standfirst is a paragraph, not a headline and not an article.
STANDFIRST_WORDS = (8, 120)
_INLINE = frozenset({"span", "strong", "em", "b", "i", "font", "small"})
# The headline is no standfirst (a description may open with it); a deck is often an <h2>.
_HEADINGS = frozenset({"h1", "title"})
_NOT_STANDFIRST = CHROME | {"a", "figcaption", "blockquote", "li", "td"}


def printed_standfirst(tree: Any, descriptions: list[str], body: str) -> str | None:
    """A description of the page's, as printed above the article's text, when the text leaves
    it out.

    It must be printed (not only in a meta tag), before the paragraph the text opens with, and
    not inside a link (a teaser of another article) or the site's navigation, sidebar or footer.
    """
    opening = title_key(body.split("\n\n", 1)[0]).split()[:SAME_OPENING]
    text_key = title_key(body)
    deks = []
    for description in descriptions:
        words = title_key(description).split()
        dek = words[:SAME_OPENING]
        if len(words) >= STANDFIRST_WORDS[0] and dek not in deks and " ".join(dek) not in text_key:
            deks.append(dek)
    if not deks or len(opening) < 3:
        return None
    found = None
    page = tree.find("body")
    for element in (page if page is not None else tree).iter():
        text = element.text
        if not text or not isinstance(element.tag, str) or element.tag in CHROME:
            continue
        if found is None:
            found = next((_standfirst_at(element, d) for d in deks if _opens_with(text, d)), None)
        if _opens_with(text, opening):
            return found  # the text's first paragraph: a standfirst must come before it
    return None


def _opens_with(text: str, words: list[str]) -> bool:
    if words[0] not in text.casefold():  # cheap: most of the page's text nodes go here
        return False
    return title_key(text).split()[: len(words)] == words


def _standfirst_at(element: Any, dek: list[str]) -> str | None:
    """The paragraph around `element` if it reads as the description's printed form."""
    block = element
    while block.tag in _INLINE and block.getparent() is not None:
        block = block.getparent()
    if block.tag in _HEADINGS or any(a.tag in _NOT_STANDFIRST for a in (block, *block.iterancestors())):
        return None
    text = visible_text(block)
    words = title_key(text).split()
    if not STANDFIRST_WORDS[0] <= len(words) <= STANDFIRST_WORDS[1]:
        return None
    return text if words[:SAME_OPENING] == dek else None
