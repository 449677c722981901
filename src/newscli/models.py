"""Plain values shared by every layer; no I/O here."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Columns of the articles table in the order machine formats print them.
LIST_FIELDS = (
    "slug", "title", "source", "author", "published", "url", "tags", "dateline", "word_count",
    "path",
)
ALL_FIELDS = (
    "id", "slug", "title", "source", "author", "published", "url", "tags", "dateline",
    "language", "word_count", "path", "format", "sha256", "imported_at", "updated_at", "meta",
    "body",
)

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


@dataclass
class Article:
    """One article as parsed from a file or record, before it is stored."""

    title: str
    body: str
    source: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    tags: list[str] = field(default_factory=list)
    dateline: str | None = None
    language: str | None = None
    slug: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    format: str = "text"  # "text" or "markdown": how `show` renders the body
    warnings: list[str] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return len(_WORD.findall(self.body))

    @property
    def sha256(self) -> str:
        """Hash of the normalised title and body: the same story from two files hashes alike."""
        return content_hash(self.title, self.body)


def normalise_text(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def content_hash(title: str, body: str) -> str:
    data = normalise_text(title) + "\n" + normalise_text(body)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
