"""The date bounds shared by --since/--until and the query's `since:`/`until:`."""

from __future__ import annotations

import datetime as dt
import re

from newscli.errors import QueryError

_RELATIVE = re.compile(r"^(\d+)\s*([dwmy])$", re.IGNORECASE)
_ABSOLUTE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


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
    try:
        return ((today or dt.date.today()) - span).isoformat()
    except (OverflowError, ValueError):
        raise QueryError(f"{text!r} reaches back before the year 1") from None


def _check_calendar(value: str) -> None:
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise QueryError(f"{value!r} is not a real date") from None


_HOURS = re.compile(r"(\d{1,6})\s*h", re.IGNORECASE)


def parse_time_bound(text: str, today: dt.date | None = None, now: dt.datetime | None = None) -> str:
    """A moment as `updated_at` holds it (UTC, `2026-12-01T09:30:00+00:00`): any form
    parse_date_bound takes, a span of hours (`6h`, for a sync run every few hours), or an ISO
    date and time (`2026-12-01T10:30`, `...Z`, `...+01:00`; without a zone, UTC). Seconds are
    kept and fractions dropped, so the bound errs early."""
    value = text.strip()
    wrong = QueryError(f"{text!r} is not a date or time; use 2026-12-01, 2026-12, 2026, "
                       "2026-12-01T09:30:00Z or a span like 6h, 7d, 2w, 3m, 1y")
    if _ABSOLUTE.match(value) or _RELATIVE.match(value):
        return parse_date_bound(value, today)
    hours = _HOURS.fullmatch(value)
    if hours:
        moment = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=int(hours.group(1)))
        return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise wrong from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=dt.UTC, microsecond=0).isoformat()
