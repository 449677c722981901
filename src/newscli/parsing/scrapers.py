"""Records written by widely used news scrapers - news-please, newspaper4k, trafilatura - recognised
by their keys and renamed to the fields newscli reads, so they import without any mapping by hand.

A record with a `body` key is newscli's own export format and is left exactly as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

NEWS_PLEASE_KEYS = frozenset({"maintext", "date_publish", "source_domain", "title_page", "title_rss"})
NEWSPAPER_KEYS = frozenset({"publish_date", "meta_site_name", "top_image", "meta_lang", "canonical_link",
                            "read_more_link", "meta_description"})
TRAFILATURA_KEYS = frozenset({"source-hostname", "fingerprint", "raw_text", "sitename", "excerpt"})
_ONE_LINE_PARAGRAPHS = re.compile(r"(?<!\n)\n(?!\n)")


def scraper_of(record: dict[str, Any]) -> str | None:
    """Which scraper wrote this record, by the keys only that scraper writes; None for any other."""
    if "body" in record:
        return None
    keys = set(record)
    if keys & NEWS_PLEASE_KEYS:
        return "news-please"
    if keys & NEWSPAPER_KEYS and "text" in keys:
        return "newspaper4k"
    if keys & TRAFILATURA_KEYS and "text" in keys:
        return "trafilatura"
    return None


def scraper_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A scraper's record with newscli's field names (other keys kept for meta); others unchanged."""
    scraper = scraper_of(record)
    if scraper is None:
        return record
    fields = {k: v for k, v in record.items() if not _empty(v)}
    fields = _RENAMERS[scraper](fields)
    if isinstance(fields.get("body"), str):
        fields["body"] = _paragraphs(fields["body"])
    fields["scraper"] = scraper
    return fields


def _news_please(fields: dict[str, Any]) -> dict[str, Any]:
    _move(fields, "maintext", "body")
    _move(fields, "text", "body")  # older news-please versions
    _move(fields, "date_publish", "published")
    if isinstance(fields.get("source_domain"), str):
        fields["source"] = fields.get("source") or _host(fields.pop("source_domain"))
    _move(fields, "title_page", "title")
    _move(fields, "title_rss", "title")
    return fields


def _newspaper(fields: dict[str, Any]) -> dict[str, Any]:
    _move(fields, "text", "body")
    _move(fields, "publish_date", "published")
    _move(fields, "meta_site_name", "source")
    _move(fields, "canonical_link", "url")
    _move(fields, "meta_lang", "language")
    _move(fields, "meta_description", "description")
    if "source" not in fields and isinstance(fields.get("source_url"), str):
        fields["source"] = _host(fields["source_url"])  # the site's home page
    return fields


def _trafilatura(fields: dict[str, Any]) -> dict[str, Any]:
    fields.pop("raw_text", None)  # the same text again, without line breaks
    _move(fields, "text", "body")
    _move(fields, "date", "published")
    # trafilatura's `source` is where the page came from (its URL or file), never the outlet.
    if "source" in fields:
        _move(fields, "source", "url" if _is_url(fields["source"]) else "origin")
        fields.pop("source", None)
    _move(fields, "sitename", "source")
    _move(fields, "source-hostname", "source")
    _move(fields, "excerpt", "description")
    if isinstance(fields.get("author"), str):
        fields["author"] = [a.strip() for a in fields["author"].split(";") if a.strip()]
    return fields


_RENAMERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "news-please": _news_please,
    "newspaper4k": _newspaper,
    "trafilatura": _trafilatura,
}


def _move(fields: dict[str, Any], old: str, new: str) -> None:
    """Rename old to new unless new already holds a value (the first mapping wins)."""
    if old in fields and new not in fields:
        fields[new] = fields.pop(old)
    elif old in fields and fields[old] == fields[new]:
        del fields[old]  # the same value twice (newspaper4k's url and canonical_link)


def _empty(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_empty(v) for v in value)
    return value is None or value == "" or value == {}


def _paragraphs(text: str) -> str:
    """Scrapers put one paragraph a line; newscli separates paragraphs with a blank line."""
    text = text.replace("\r\n", "\n")
    return text if "\n\n" in text else _ONE_LINE_PARAGRAPHS.sub("\n\n", text)


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and bool(re.match(r"^https?://", value.strip(), re.IGNORECASE))


def _host(url: str) -> str | None:
    try:
        host = urlparse(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None
