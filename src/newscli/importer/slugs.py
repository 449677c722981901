"""The slug an article asks for: ASCII, from its own slug or its title, never empty."""

from __future__ import annotations

from newscli.models import Article
from newscli.store import SLUG_MAX

# Currency signs transliterate to letters ("£14" -> "ps14"); in a headline the number is enough.
_SLUG_REPLACEMENTS = [[sign, ""] for sign in "£€$¥₹"]


def make_slug(article: Article) -> str:
    """ASCII slug from the given slug or the title; never empty, never a path."""
    slug = _slugify(article.slug or article.title)
    if not slug and article.slug:
        slug = _slugify(article.title)
    return slug or f"article-{article.sha256[:10]}"


def base_slug(article: Article) -> str:
    """The slug the article asks for, before any -2 suffix (in a parse worker when parallel)."""
    return article.remember("slug", lambda: make_slug(article))  # type: ignore[no-any-return]


def _slugify(text: str) -> str:
    from slugify import slugify

    return slugify(text, max_length=SLUG_MAX, word_boundary=True, replacements=_SLUG_REPLACEMENTS)
