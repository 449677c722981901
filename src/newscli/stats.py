"""Counts of articles by source, author, tag or period, and an overview of the archive."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from newscli.models import Filters
from newscli.store import stats as counting

if TYPE_CHECKING:
    from newscli.store import Store

GROUPINGS = ("source", "author", "tag", "year", "month", "week", "day")
PERIODS = ("year", "month", "week", "day")
TOP = 5  # how many sources and tags the overview names


def count_by(
    store: Store, by: str, filters: Filters | None = None, match: str | None = None
) -> list[dict[str, Any]]:
    """[{"key", "count"}]: busiest first for source/author/tag; a timeline for periods.

    A timeline has a row for every period between the first and the last article, zero when
    nothing was published, then one row keyed None for articles whose date is missing or too
    coarse for the period (a bare year, counted by month).
    """
    if by not in GROUPINGS:
        raise ValueError(by)
    if by in PERIODS:
        return timeline(_day_counts(store, filters, match), by)
    return [{"key": key, "count": count} for key, count in _field_counts(store, by, filters, match)]


def coverage(
    store: Store,
    by: str,
    filters: Filters | None = None,
    match: str | None = None,
    base: Filters | None = None,
) -> list[dict[str, Any]]:
    """count_by rows with the share: [{"key", "count", "total", "share"}].

    `total` is how many articles of the base (the archive, or the articles `base` selects) fall
    in the same period, or have the same source, author or tag; `share` is count / total
    (None where the base has no article). A timeline runs from the base's first period to its
    last, so the periods before and after a topic appear as zeros.
    """
    if by not in GROUPINGS:
        raise ValueError(by)
    if by in PERIODS:
        counts = _fold(_day_counts(store, filters, match), by)
        same = match is None and _selects_the_same(filters, base)  # one pass, not two
        totals = counts if same else _fold(_day_counts(store, base, None), by)
        keys: list[Any] = list(_periods(totals, by))
        if totals.get(None):
            keys.append(None)
        return [_share_row(key, counts.get(key, 0), totals.get(key, 0)) for key in keys]
    rows = _field_counts(store, by, filters, match)
    same = match is None and _selects_the_same(filters, base)
    all_rows = rows if same else _field_counts(store, by, base, None)
    all_counts = {_same(key, by): total for key, total in all_rows}
    return [_share_row(key, count, all_counts.get(_same(key, by), count)) for key, count in rows]


def _selects_the_same(filters: Filters | None, base: Filters | None) -> bool:
    return (filters or Filters()) == (base or Filters())


def compare(
    store: Store,
    by: str,
    selections: list[tuple[str, Filters | None, str | None]],
    base: Filters | None = None,
) -> list[dict[str, Any]]:
    """Several queries on the same rows: [{"key", "query", "count", "total", "share"}].

    `selections` are (label, filters, match), one a query. Every query gets a row for every key
    (zeros where it matched nothing), keys in the order coverage gives them: a timeline for
    periods, the busiest over all queries first for sources, authors and tags.
    """
    tables = [(label, {_same(row["key"], by): row
                       for row in coverage(store, by, filters, match, base)})
              for label, filters, match in selections]
    totals: dict[Any, int] = {}
    if by in PERIODS:  # the same timeline for every query: the base's
        keys = list(tables[0][1]) if tables else []
    else:
        totals = {_same(key, by): total for key, total in _field_counts(store, by, base, None)}
        busiest: Counter[Any] = Counter()
        for _, rows in tables:
            busiest.update({key: row["count"] for key, row in rows.items()})
        keys = sorted(busiest, key=lambda key: (-busiest[key], key is None, str(key).casefold()))
    out = []
    for key in keys:
        for label, rows in tables:
            row = rows.get(key) or _share_row(_shown_key(key, tables), 0, totals.get(key, 0))
            out.append({"key": row["key"], "query": label, "count": row["count"],
                        "total": row["total"], "share": row["share"]})
    return out


def _shown_key(key: Any, tables: list[tuple[str, dict[Any, dict[str, Any]]]]) -> Any:
    """A key as one of the queries spelt it (tags are compared without regard to case)."""
    return next((rows[key]["key"] for _, rows in tables if key in rows), key)


def _share_row(key: Any, count: int, total: int) -> dict[str, Any]:
    return {"key": key, "count": count, "total": total,
            "share": round(count / total, 6) if total else None}


def _same(key: Any, by: str) -> Any:
    """Tags are counted without regard to case; sources and authors as written."""
    return key.casefold() if by == "tag" and isinstance(key, str) else key


def _field_counts(
    store: Store, by: str, filters: Filters | None, match: str | None
) -> list[tuple[Any, int]]:
    rows = counting.field_counts(store.conn, by, filters, match)
    return sorted(rows, key=lambda row: (-row[1], row[0] is None, str(row[0]).casefold()))


def _day_counts(store: Store, filters: Filters | None, match: str | None) -> Counter[str | None]:
    return Counter(counting.day_counts(store.conn, filters, match))


def timeline(days: Counter[str | None], by: str) -> list[dict[str, Any]]:
    """Per-day counts (ISO date text, possibly partial) folded into zero-filled periods."""
    counts = _fold(days, by)
    undated = counts.pop(None, 0)
    rows = [{"key": key, "count": counts.get(key, 0)} for key in _periods(counts, by)]
    if undated:
        rows.append({"key": None, "count": undated})
    return rows


def _fold(days: Counter[str | None], by: str) -> Counter[str | None]:
    """Per-day counts summed per period (None: undated, or too coarse for the period)."""
    counts: Counter[str | None] = Counter()
    for day, count in days.items():
        counts[period_key(day, by)] += count
    return counts


def period_key(date_text: str | None, by: str) -> str | None:
    """`2024-05-14` -> `2024`, `2024-05`, `2024-W20` or `2024-05-14`; None when too coarse."""
    if not date_text:
        return None
    if by == "year":
        return date_text[:4]
    if by == "month":
        return date_text[:7] if len(date_text) >= 7 else None
    if len(date_text) < 10:
        return None
    if by == "day":
        return date_text[:10]
    try:
        year, week, _ = dt.date.fromisoformat(date_text[:10]).isocalendar()
    except ValueError:  # a date imported by another tool, not as newscli writes them
        return None
    return f"{year}-W{week:02d}"


def _periods(counts: Counter[str | None], by: str) -> Iterator[str]:
    """Every period key from the first to the last one counted."""
    keys = sorted(key for key in counts if key)
    if not keys:
        return
    current, last = _start_of(keys[0], by), _start_of(keys[-1], by)
    while current <= last:
        yield period_key(current.isoformat(), by) or ""
        current = _next(current, by)


def _start_of(key: str, by: str) -> dt.date:
    if by == "week":
        year, week = key.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    parts = [int(p) for p in key.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _next(day: dt.date, by: str) -> dt.date:
    if by == "year":
        return day.replace(year=day.year + 1)
    if by == "month":
        return day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
    return day + dt.timedelta(days=7 if by == "week" else 1)


def overview(store: Store, filters: Filters | None = None, match: str | None = None
             ) -> dict[str, Any]:
    """Totals, date range and the busiest sources and tags of the archive (or of a search)."""
    row = counting.totals(store.conn, filters, match)
    tags = _field_counts(store, "tag", filters, match)
    return {
        "articles": row[0],
        "words": row[1],
        "sources": row[2],
        "authors": row[3],
        "tags": len(tags),
        "first": row[4],
        "last": row[5],
        "undated": row[6] or 0,
        "top_sources": [{"key": k, "count": c}
                        for k, c in _field_counts(store, "source", filters, match)[:TOP]],
        "top_tags": [{"key": k, "count": c} for k, c in tags[:TOP]],
    }
