"""Counts by field and period, the zero-filled timeline, and the overview."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from newscli import stats
from newscli.importer import import_paths
from newscli.store import Filters, Store


@pytest.mark.parametrize(
    "date, by, key",
    [
        ("2024-05-14", "year", "2024"),
        ("2024-05-14T09:30:00+02:00", "month", "2024-05"),
        ("2024-05-14", "week", "2024-W20"),
        ("2021-01-01", "week", "2020-W53"),  # ISO weeks: Friday 1 January belongs to 2020
        ("2024-05-14T23:59:00", "day", "2024-05-14"),
        ("2024", "year", "2024"),
        ("2024", "month", None),  # too coarse to place in a month
        ("2024-05", "month", "2024-05"),
        ("2024-05", "day", None),
        ("2024-05", "week", None),
        (None, "year", None),
    ],
)
def test_period_key(date, by, key):
    assert stats.period_key(date, by) == key


def test_timeline_fills_gaps_with_zero_and_puts_undated_last():
    days = Counter({"2024-01-15": 2, "2024-03-02": 1, None: 4, "2024": 1})
    assert stats.timeline(days, "month") == [
        {"key": "2024-01", "count": 2},
        {"key": "2024-02", "count": 0},
        {"key": "2024-03", "count": 1},
        {"key": None, "count": 5},
    ]


def test_weekly_timeline_crosses_a_year_with_53_weeks():
    days = Counter({"2020-12-28": 1, "2021-01-11": 3})
    assert stats.timeline(days, "week") == [
        {"key": "2020-W53", "count": 1},
        {"key": "2021-W01", "count": 0},
        {"key": "2021-W02", "count": 3},
    ]


def test_empty_timeline():
    assert stats.timeline(Counter(), "day") == []


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


# No deadline: a daily timeline over forty years is 15,000 rows, slow on a loaded machine.
@settings(deadline=None)
@given(st.lists(dates, min_size=1, max_size=30), st.sampled_from(stats.PERIODS))
def test_timeline_keeps_every_article_and_leaves_no_period_out(days, by):
    rows = stats.timeline(Counter(day.isoformat() for day in days), by)
    assert sum(row["count"] for row in rows) == len(days)
    keys = [row["key"] for row in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert keys[0] == stats.period_key(min(days).isoformat(), by)
    assert keys[-1] == stats.period_key(max(days).isoformat(), by)
    # consecutive: each period starts right after the one before
    starts = [stats._start_of(key, by) for key in keys]
    assert all(stats._next(a, by) == b for a, b in zip(starts, starts[1:], strict=False))


def article(title: str, date: str | None, source: str | None, tags: list[str], body: str) -> str:
    lines = [f"title: {title}"]
    if date:
        lines.append(f"date: {date}")
    if source:
        lines.append(f"source: {source}")
    if tags:
        lines.append("tags: [" + ", ".join(tags) + "]")
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


@pytest.fixture
def store(db: Path, tmp_path: Path) -> Store:
    store = Store.open(db)
    for number, (date, source, tags, body) in enumerate([
        ("2024-01-05", "Gazette", ["NATO", "defence"], "NATO summit opens in the capital."),
        ("2024-01-20", "Gazette", ["nato"], "NATO ministers meet again."),
        ("2024-03-02", "Herald", ["defence"], "Budget for defence rises, NATO target met."),
        ("2024-03-30", None, [], "Harbour festival returns."),
        (None, "Herald", [], "Undated note about NATO."),
    ]):
        write(tmp_path / "in", f"{number}.md", article(f"Story {number}", date, source, tags,
                                                        body))
    import_paths(store, [str(tmp_path / "in")])
    return store


def test_counts_by_source_busiest_first_unknown_last(store):
    assert stats.count_by(store, "source") == [
        {"key": "Gazette", "count": 2}, {"key": "Herald", "count": 2}, {"key": None, "count": 1},
    ]


def test_counts_by_tag_ignore_case(store):
    rows = stats.count_by(store, "tag")
    assert [row["count"] for row in rows] == [2, 2]
    assert {row["key"].casefold() for row in rows} == {"nato", "defence"}


def test_topic_timeline_by_month(store):
    assert stats.count_by(store, "month", match='"nato"') == [
        {"key": "2024-01", "count": 2},
        {"key": "2024-02", "count": 0},
        {"key": "2024-03", "count": 1},
        {"key": None, "count": 1},
    ]


def test_filters_apply(store):
    assert stats.count_by(store, "year", Filters(sources=["herald"])) == [
        {"key": "2024", "count": 1}, {"key": None, "count": 1},
    ]


def test_overview(store):
    summary = stats.overview(store)
    assert summary["articles"] == 5 and summary["sources"] == 2 and summary["undated"] == 1
    assert (summary["first"], summary["last"]) == ("2024-01-05", "2024-03-30")
    assert summary["top_sources"][0] == {"key": "Gazette", "count": 2}
    assert summary["words"] == sum(row["word_count"] for row in store.iter_articles())
    assert stats.overview(store, match='"festival"')["articles"] == 1


def test_coverage_gives_each_period_its_share_of_all_articles(store):
    assert stats.coverage(store, "month", match='"nato"') == [
        {"key": "2024-01", "count": 2, "total": 2, "share": 1.0},
        {"key": "2024-02", "count": 0, "total": 0, "share": None},
        {"key": "2024-03", "count": 1, "total": 2, "share": 0.5},
        {"key": None, "count": 1, "total": 1, "share": 1.0},
    ]


def test_coverage_timeline_spans_the_base_not_only_the_matches(store):
    rows = stats.coverage(store, "month", match='"festival"')
    assert [(row["key"], row["count"], row["total"]) for row in rows] == [
        ("2024-01", 0, 2), ("2024-02", 0, 0), ("2024-03", 1, 2), (None, 0, 1),
    ]


def test_coverage_by_source_and_by_tag_against_the_base(store):
    rows = stats.coverage(store, "source", match='"ministers"')
    assert rows == [{"key": "Gazette", "count": 1, "total": 2, "share": 0.5}]
    herald = Filters(sources=["herald"])
    rows = stats.coverage(store, "year", Filters(sources=["herald"]), '"nato"', herald)
    assert rows == [{"key": "2024", "count": 1, "total": 1, "share": 1.0},
                    {"key": None, "count": 1, "total": 1, "share": 1.0}]
    tags = stats.coverage(store, "tag", match='"ministers"')
    assert [(row["key"].casefold(), row["count"], row["total"]) for row in tags] == [("nato", 1, 2)]


def test_compare_puts_queries_on_the_same_rows_with_zeros(store):
    rows = stats.compare(store, "month", [("nato", None, '"nato"'),
                                          ("festival", None, '"festival"')])
    assert [(r["key"], r["query"], r["count"], r["total"]) for r in rows] == [
        ("2024-01", "nato", 2, 2), ("2024-01", "festival", 0, 2),
        ("2024-02", "nato", 0, 0), ("2024-02", "festival", 0, 0),
        ("2024-03", "nato", 1, 2), ("2024-03", "festival", 1, 2),
        (None, "nato", 1, 1), (None, "festival", 0, 1),
    ]
    by_source = stats.compare(store, "source", [("m", None, '"ministers"'),
                                                ("b", None, '"budget"')])
    assert [(r["key"], r["query"], r["count"], r["total"], r["share"]) for r in by_source] == [
        ("Gazette", "m", 1, 2, 0.5), ("Gazette", "b", 0, 2, 0.0),
        ("Herald", "m", 0, 2, 0.0), ("Herald", "b", 1, 2, 0.5),
    ]


def test_article_ids_from_the_indexes_are_the_ids_the_table_holds(tmp_path):
    """The ids of every article, of a query's matches and of a filter's, in id order, whether
    they are read from an index (no filter) or from the table (filters)."""
    from newscli.store import stats as counting

    folder = tmp_path / "some"
    folder.mkdir()
    for number in range(12):
        word = "harbour" if number % 3 == 0 else "museum"
        write(folder, f"{number:02}.txt", f"Story {number}\n\nThe {word} board met.")
    store = Store.open(tmp_path / "a.db")
    assert import_paths(store, [str(folder)]).failed == 0
    store.conn.execute("DELETE FROM articles WHERE id = 5")  # ids with a gap
    for column in ("updated_at", "published", "source", "url"):  # every index in another order
        store.conn.execute(f"UPDATE articles SET {column} = printf('%03d', 100 - id)")
    table = [row[0] for row in store.conn.execute("SELECT id FROM articles NOT INDEXED ORDER BY id")]
    assert counting.article_ids(store.conn) == table
    harbour = [row[0] for row in store.conn.execute(
        "SELECT id FROM articles WHERE body LIKE '%harbour%' ORDER BY id")]
    assert counting.article_ids(store.conn, None, '"harbour"') == harbour
    assert counting.article_ids(store.conn, Filters(sources=["No Such Desk"]), '"harbour"') == []
