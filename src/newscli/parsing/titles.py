"""The one length a title may have, whatever the shape of the file it came from."""

from __future__ import annotations

MAX_TITLE = 300  # characters; a longer first line is a paragraph, not a headline


def bounded_title(title: str) -> str:
    """The title, or its first MAX_TITLE characters cut at a space with "…" after them."""
    if len(title) <= MAX_TITLE:
        return title
    return (title[:MAX_TITLE].rsplit(" ", 1)[0] or title[:MAX_TITLE]) + "…"
