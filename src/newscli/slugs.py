"""Article slugs: ASCII, at most SLUG_MAX characters, never empty, never a path."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newscli.models import Article

SLUG_MAX = 80
# Currency signs transliterate to letters ("£14" -> "ps14"); in a headline the number is enough.
_SLUG_REPLACEMENTS = [[sign, ""] for sign in "£€$¥₹"]


def make_slug(article: Article) -> str:
    """ASCII slug from the given slug or the title; never empty, never a path."""
    slug = _slugify(article.slug or article.title)
    if not slug and article.slug:
        slug = _slugify(article.title)
    return slug or f"article-{article.sha256[:10]}"


def _slugify(text: str) -> str:
    from slugify import slugify

    text = _CONTROLS.sub(" ", _TERMINAL_CODES.sub("", text))
    return slugify(text, max_length=SLUG_MAX, word_boundary=True, replacements=_SLUG_REPLACEMENTS)


def numbered(base: str, number: int) -> str:
    """base-2, base-3 ...: the slug's numbered variant, still at most SLUG_MAX long."""
    suffix = f"-{number}"
    return base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix


# Terminal control sequences (ECMA-48: OSC ... BEL or ST, CSI ... final byte, ESC + intermediates
# + final byte) and then other control characters: a title holding `\x1b[31m` shows as text, but
# "31m" is no word of it to put in the slug.
_TERMINAL_CODES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[ -/]*[0-~]?")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
