"""Publication dates in the many shapes found in the wild, normalised to ISO 8601 text."""

from __future__ import annotations

import datetime as dt
import re

_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_NEGATIVE_YEAR = re.compile(r"^[-\u2212]\s*\d")
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_JS_ZONE = re.compile(r"\bGMT([+-]\d{2}:?\d{2})\b")
_JS_ZONE_NAME = re.compile(r"\s*\([^()]*\)\s*$")
# Plain ISO 8601, the shape most files use: the standard library reads it as dateutil would,
# about forty times faster.
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?$"
)


def normalise_date(value: object) -> str | None:
    """Return ISO 8601 text (date, or date-time when a time is given), or None if unreadable."""
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_timestamp(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _NEGATIVE_YEAR.match(text):
        return None  # 44 BC is no ISO date newscli can sort: the caller keeps the text in meta
    partial = _PARTIAL.match(text)
    if partial:
        year, month = partial.groups()
        return f"{year}-{month}" if month and 1 <= int(month) <= 12 else (None if month else year)
    if not _YEAR.search(text) or len(text) > 100:
        return None
    parsed = _parse(text)
    if parsed is None:
        return None
    return _iso(parsed) if _TIME.search(text) else parsed.date().isoformat()


def _parse(text: str) -> dt.datetime | None:
    if _ISO.match(text):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    from dateutil import parser

    # JavaScript's Date.toString(): "... GMT+0100 (Central European Standard Time)".
    # dateutil reads "GMT+0100" POSIX-style (sign inverted), so keep only the offset.
    text = _JS_ZONE.sub(r"\1", _JS_ZONE_NAME.sub("", text))
    try:
        return parser.parse(text)
    except (ValueError, OverflowError, TypeError):
        return None


def _from_timestamp(value: float) -> str | None:
    try:
        return _iso(dt.datetime.fromtimestamp(value, tz=dt.UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")
