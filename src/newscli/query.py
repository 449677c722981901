"""The search language: user text -> an FTS5 MATCH expression plus filters (pure, no SQL run).

Also the date bounds shared by --since/--until and `since:`/`until:`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from newscli.errors import QueryError
from newscli.store import Filters

_RELATIVE = re.compile(r"^(\d+)\s*([dwmy])$", re.IGNORECASE)
_ABSOLUTE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass
class Query:
    """A parsed search: `match` is an FTS5 expression (None: no text terms)."""

    match: str | None = None
    filters: Filters = field(default_factory=Filters)


def parse_query(text: str) -> Query:
    """Every word must match; each is quoted so FTS5 reads it literally."""
    words = re.findall(r"\w+", text)
    if not words:
        raise QueryError(f"nothing to search for in {text!r}; give at least one word")
    return Query(match=" AND ".join('"' + w + '"' for w in words))


def parse_date_bound(text: str, today: dt.date | None = None) -> str:
    """`2024-03-01`, `2024-03`, `2024`, or relative `7d`, `2w`, `3m`, `1y` -> ISO date text."""
    value = text.strip()
    if _ABSOLUTE.match(value):
        _check_calendar(value)
        return value
    relative = _RELATIVE.match(value)
    if not relative:
        raise QueryError(
            f"{text!r} is not a date; use 2024-03-01, 2024-03, 2024 or a span like 7d, 2w, 3m, 1y"
        )
    from dateutil.relativedelta import relativedelta

    number, unit = int(relative.group(1)), relative.group(2).lower()
    span = {
        "d": relativedelta(days=number),
        "w": relativedelta(weeks=number),
        "m": relativedelta(months=number),
        "y": relativedelta(years=number),
    }[unit]
    return ((today or dt.date.today()) - span).isoformat()


def _check_calendar(value: str) -> None:
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise QueryError(f"{value!r} is not a real date") from None
