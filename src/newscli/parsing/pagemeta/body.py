"""The article's text beyond trafilatura's choice: the standfirst the page prints above the text
back in, credit lines and bracketed promotions out.

A standfirst (dek, perex, "bajada") is the article's opening paragraph in bold under the
headline; it usually repeats the page's description, and trafilatura, taking it for a teaser,
leaves it out. trafilatura keeps a photo's credit line (`Foto: Getty Images`, `©iStock`) and
an editor's bracketed link to a newsletter or another story (`[Read: ...]`) as paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from newscli.parsing.pagemeta.elements import CHROME, visible_text
from newscli.parsing.pagemeta.strings import title_key

# The words the printed standfirst and the page's description must open with alike.
SAME_OPENING = 5
# A standfirst is a paragraph, not a headline and not an article.
STANDFIRST_WORDS = (8, 120)
# `Foto: dpa`, `Photo credit: ...`, `PhotoCreditJane Doe for The Times`, `Bildcredit: (c) ...`,
# `©iStock`, `Titelbild: Flickr, CC BY 2.0`: a credit line is short.
_CREDIT = re.compile(
    r"^(?:(?:photos?|fotos?|bild|titelbild|images?|pictures?|illustration|grafik|graphic)\s*"
    r"(?:credits?|nachweis)?\s*:|(?:photo|foto|bild|image)\s*credits?|credits?\s*:|©|\(c\)\s)",
    re.IGNORECASE,
)
CREDIT_WORDS = 15
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
    """Whether the text node opens with the words, or with the first three or more of them
    (`<p>A series of recent <a>manhole fires</a>`)."""
    if words[0] not in text.casefold():  # cheap: most of the page's text nodes go here
        return False
    opening = title_key(text).split()[: len(words)]
    return len(opening) >= min(3, len(words)) and opening == words[: len(opening)]


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


def drop_credits_and_promotions(body: str, links: Iterable[str]) -> str:
    """The text without its photo-credit lines and the bracketed links to a newsletter or
    another story (`[Read: ...]`, `[... in our newsletter.]`). A bracketed paragraph that links
    nowhere (a figure's description, a line of dialogue) stays."""
    linked = [link for link in links if len(link.split()) >= 2]
    kept = [p for p in body.split("\n\n") if not (_credit(p) or _promotion(p, linked))]
    return "\n\n".join(kept) if kept else body


def _credit(paragraph: str) -> bool:
    return bool(_CREDIT.match(paragraph)) and len(paragraph.split()) <= CREDIT_WORDS


def _promotion(paragraph: str, links: list[str]) -> bool:
    text = " ".join(paragraph.split())
    return text.startswith("[") and text.endswith("]") and any(link in text for link in links)
