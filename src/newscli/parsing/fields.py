"""Map the field names of the front-matter and JSON dialects people have onto Article."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from newscli.errors import ParseError
from newscli.models import TAG_MAX, TAG_SEPARATOR, Article
from newscli.parsing.dates import normalise_date
from newscli.parsing.titles import bounded_title

TITLE_KEYS = ("title", "headline", "name")
DATE_KEYS = ("published", "date", "pubDate", "pubdate", "created", "date_published")
AUTHOR_KEYS = ("author", "authors", "byline")
SOURCE_KEYS = ("source", "publisher", "site_name", "sitename")
URL_KEYS = ("url", "link", "canonical_url", "source_url")
TAG_KEYS = ("tags", "keywords", "categories")
LANGUAGE_KEYS = ("language", "lang", "locale")
# Values newscli computes itself: an export carries them, an import recomputes them.
DERIVED_KEYS = frozenset(
    {"id", "word_count", "sha256", "imported_at", "updated_at", "format", "body", "meta"}
)
EMPTY: tuple[Any, ...] = (None, "", [])
_SPLIT_TAGS = re.compile(r"\s*[,;|]\s*")
# How many values a front-matter block may expand to: stops YAML alias bombs.
MAX_META_NODES = 50_000


def article_from_mapping(data: Mapping[str, Any], body: str, *, fmt: str) -> Article:
    """Build an Article from a front-matter or JSON mapping; unknown keys go to meta."""
    fields = jsonable(dict(data))
    if not isinstance(fields, dict):
        raise ParseError("metadata must be a mapping of keys to values")
    used: set[str] = set(DERIVED_KEYS)
    meta = fields.get("meta") if isinstance(fields.get("meta"), dict) else {}

    def take(keys: tuple[str, ...]) -> Any:
        used.update(empty_keys(fields, keys))
        key = first_key(fields, keys)
        if key is None:
            return None
        used.add(key)
        return fields[key]

    raw_title = take(TITLE_KEYS)
    article = Article(
        title=as_title(raw_title),
        body=body,
        author=as_names(take(AUTHOR_KEYS)),
        source=as_text(take(SOURCE_KEYS)),
        url=as_text(take(URL_KEYS)),
        tags=as_tags([tag for key in TAG_KEYS for tag in as_tags(take((key,)))]),
        language=as_text(take(LANGUAGE_KEYS)),
        dateline=as_text(take(("dateline",))),
        slug=as_text(take(("slug",))),
        path=as_text(take(("path",))),
        format=fields["format"] if fields.get("format") in ("text", "markdown") else fmt,
    )
    used.update(empty_keys(fields, DATE_KEYS))
    date_key = first_key(fields, DATE_KEYS)
    if date_key is not None:
        article.published = normalise_date(fields[date_key])
        if article.published is None:
            article.warnings.append(f"unreadable date {fields[date_key]!r} kept in meta "
                                    "(newscli stores dates of the years 1 to 9999)")
        else:
            used.add(date_key)
    article.meta = {**meta, **{k: v for k, v in fields.items() if k not in used}}
    if raw_title is not None and not article.title:
        article.meta.setdefault("title", raw_title)
        article.warnings.append("the title is not text (a mapping or list of them); kept in meta")
    return article


def as_title(value: Any) -> str:
    """A title is text: a string or number (a list of them joined), cut to length;
    "" for anything else (a mapping), which the caller keeps in meta."""
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        value = ", ".join(str(v) for v in value if v not in (None, ""))
    if not _is_scalar(value) or value is None:
        return ""
    return bounded_title(str(value).strip())


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float))


def first_key(fields: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of keys that holds a non-empty value."""
    return next((k for k in keys if fields.get(k) not in EMPTY), None)


def empty_keys(fields: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    """Known keys present but empty (`author: null`): they say nothing worth keeping in meta."""
    return [k for k in keys if k in fields and fields[k] in EMPTY]


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v not in (None, ""))
    text = str(value).strip()
    return text or None


def as_names(value: Any) -> str | None:
    """Authors as one string: a list becomes "A, B"; a mapping with a name gives the name."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        value = [v.get("name") if isinstance(v, dict) else v for v in value]
    return as_text(value)


def as_tags(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else _SPLIT_TAGS.split(str(value))
    tags: list[str] = []
    for item in items:
        tag = as_text(item)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def settle_tags(article: Article) -> None:
    """The article's tags as newscli keeps them: split at the CSV/TSV list separator, and any
    longer than a tag can be moved to meta (`long_tags`), with a note, rather than lost."""
    tags: list[str] = []
    too_long: list[str] = []
    for tag in article.tags:
        for part in tag.split(TAG_SEPARATOR):
            part = part.strip()
            if len(part) > TAG_MAX:
                too_long.append(part)
            elif part and part not in tags:
                tags.append(part)
    article.tags = tags
    if too_long:
        article.meta["long_tags"] = too_long
        article.warnings.append(f"{len(too_long)} tag(s) longer than {TAG_MAX} characters kept in "
                                "meta.long_tags, not as tags")


def jsonable(value: Any, budget: list[int] | None = None) -> Any:
    """A JSON-ready copy: dates to ISO text, other scalars to text; refuses huge expansions."""
    budget = budget if budget is not None else [MAX_META_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise ParseError("metadata expands to too many values (a YAML alias bomb?)")
    if isinstance(value, dict):
        return {str(k): jsonable(v, budget) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v, budget) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    return str(value)
