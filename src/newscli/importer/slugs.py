"""The slug an article asks for, computed once (in a parse worker when parallel)."""

from __future__ import annotations

from newscli.models import Article
from newscli.slugs import make_slug


def base_slug(article: Article) -> str:
    """The slug the article asks for, before any -2 suffix (in a parse worker when parallel)."""
    return article.remember("slug", lambda: make_slug(article))  # type: ignore[no-any-return]
