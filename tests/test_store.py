"""The store's own helpers: placeholders, chunked IN queries, Filters compiled to SQL, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newscli.errors import DatabaseError
from newscli.models import Article, Filters
from newscli.slugs import SLUG_MAX, make_slug, numbered
from newscli.store import Store, migrations
from newscli.store.filters import where, where_clause
from newscli.store.sql import IN_CHUNK, placeholders, rows_in


def test_placeholders():
    assert placeholders(0) == ""
    assert placeholders(1) == "?"
    assert placeholders(3) == "?, ?, ?"


def test_rows_in_reads_every_chunk():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(3 * IN_CHUNK)])
    wanted = list(range(0, 3 * IN_CHUNK, 2)) + [10**9]  # more than one chunk, one missing
    found = sorted(row[0] for row in rows_in(conn, "SELECT id FROM t WHERE id IN ", wanted))
    assert found == wanted[:-1]
    assert list(rows_in(conn, "SELECT id FROM t WHERE id IN ", [])) == []


def test_empty_filters_compile_to_nothing():
    assert where(Filters()) == ([], [])
    assert where_clause(None) == ("", [])


def test_filters_compile_to_bound_parameters_on_the_alias():
    filters = Filters(sources=["A", "B"], tags=["x"], authors=["50%_off"], since="2024",
                      until="2024-06-30", exclude_tags=["y"], exclude_match="wind")
    clauses, params = where(filters, "a")
    assert all("a." in clause for clause in clauses)
    assert params == ["A", "B", "%50\\%\\_off%", "x", "y", "2024", "2024-06-30\uffff", "wind"]
    sql, with_match = where_clause(filters, "farm")
    assert sql.startswith(" WHERE ") and with_match == [*where(filters)[1], "farm"]


def test_slugs_are_ascii_bounded_and_numbered_within_the_bound():
    article = Article(title="Night Ferry Fare Deal: Islanders Keep £14 Crossing", body="")
    assert make_slug(article) == "night-ferry-fare-deal-islanders-keep-14-crossing"
    assert make_slug(Article(title="港口", body="x")).startswith("gang-kou")
    long = "a" * SLUG_MAX
    assert numbered(long, 12) == "a" * (SLUG_MAX - 3) + "-12"


def test_a_failing_fts_setting_is_an_error_and_the_step_is_not_recorded(
    db: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(migrations, "FTS_SETTINGS", (("no-such-setting", 1),))
    with pytest.raises(DatabaseError):
        Store.open(db)
    conn = sqlite3.connect(db)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "newscli_migrations" not in tables  # rolled back as a whole: nothing recorded
    monkeypatch.undo()
    assert Store.open(db).schema_version == len(migrations.MIGRATIONS)


def test_updated_since_reads_the_changed_rows_from_their_index(tmp_path):
    """`export --updated-since` takes the changed articles from index articles_updated_at (m009),
    not from a scan of every row in date order."""
    from newscli.store.articles import REVERSED_SORT
    from newscli.store.filters import where_clause

    store = Store.open(tmp_path / "a.db")
    where, params = where_clause(Filters(updated_since="2026-12-01"))
    plan = " ".join(row[3] for row in store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT * FROM articles{where} ORDER BY {REVERSED_SORT['date']}",
        params))
    assert "articles_updated_at" in plan and "SCAN articles" not in plan


def test_the_newest_first_listing_reads_the_index_in_order_not_a_sort(tmp_path):
    """`list --limit 50` reads its 50 rows from the index kept in that order (m008)."""
    from newscli.store.articles import SORT_COLUMNS

    store = Store.open(tmp_path / "a.db")
    plan = " ".join(row[3] for row in store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT * FROM articles ORDER BY {SORT_COLUMNS['date']} LIMIT 50"))
    assert "articles_date_order" in plan and "TEMP B-TREE" not in plan
