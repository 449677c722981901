"""Plain values shared by every layer; no I/O here."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
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

# A tag is a label: at most this many characters, and never the separator that joins a list of
# tags in one CSV or TSV cell (else `a;b` would read back as two tags).
TAG_MAX = 100
TAG_SEPARATOR = ";"

_WORD = re.compile(r"\w+", re.UNICODE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# ASCII bytes mapped to "a" for a \w character and " " for any other, to count words fast.
_ASCII_WORDS = bytes(
    ord("a") if chr(i).isalnum() or chr(i) == "_" else ord(" ") for i in range(128)
) + b" " * 128


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
    # Derived values, remembered with the title and body they came from: an import asks for
    # them several times per article and they cost more than the rest of saving it.
    _derived: dict[str, tuple[str, str, Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def word_count(self) -> int:
        return self.remember("word_count", lambda: count_words(self.body))

    @property
    def sha256(self) -> str:
        """Hash of the normalised title and body: the same story from two files hashes alike."""
        return self.remember("sha256", lambda: content_hash(self.title, self.body))

    def remember(self, name: str, compute: Callable[[], Any]) -> Any:
        """A value derived from the title and body: computed once, again only if they change."""
        known = self._derived.get(name)
        if known is not None and known[0] is self.title and known[1] is self.body:
            return known[2]
        value = compute()
        self._derived[name] = (self.title, self.body, value)
        return value


def tag_problem(tag: str) -> str | None:
    """Why this text cannot be a tag, or None when it can."""
    if TAG_SEPARATOR in tag:
        return (f"a tag cannot contain {TAG_SEPARATOR!r}, which separates tags in CSV and TSV: "
                f"{tag[:60]!r}; give each tag on its own")
    if len(tag) > TAG_MAX:
        return f"a tag can be at most {TAG_MAX} characters; this one has {len(tag):,}"
    return None


def count_words(text: str) -> int:
    """How many runs of \\w characters the text has (what `\\w+` finds, counted faster)."""
    if not text.isascii():
        if len(text.encode("utf-8")) - len(text) > len(text) // 16:
            return len(_WORD.findall(text))
        # Mostly ASCII (an en dash, a quote, a name with an accent): mark the few others as a
        # word character or not, as `\w` would, and count the ASCII way.
        text = _NON_ASCII.sub(_mark_word_character, text)
    mapped = text.encode("ascii").translate(_ASCII_WORDS)
    return mapped.count(b" a") + mapped.startswith(b"a")


def _mark_word_character(match: re.Match[str]) -> str:
    return "a" if match.group().isalnum() else " "  # `\w` is exactly isalnum() or "_"


def normalise_text(text: str) -> str:
    # str.split() splits on exactly the characters `\s` matches, and is several times faster.
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def content_hash(title: str, body: str) -> str:
    # Imported here: hashlib loads OpenSSL (about 6 ms), which a search or a listing never needs.
    import hashlib

    data = normalise_text(title) + "\n" + normalise_text(body)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass
class Filters:
    """Row filters shared by list, search, export and stats; dates are ISO text bounds.

    Sources and authors match any of those given, tags all of them; the exclude_ lists drop
    articles with any of theirs, and exclude_match drops those matching an FTS5 expression.
    A plain value: newscli.store.filters compiles it to SQL.
    """

    sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    updated_since: str | None = None  # imported or changed at or after (UTC ISO text)
    exclude_sources: list[str] = field(default_factory=list)
    exclude_tags: list[str] = field(default_factory=list)
    exclude_authors: list[str] = field(default_factory=list)
    exclude_match: str | None = None
