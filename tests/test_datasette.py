"""The archive is a plain SQLite file Datasette can open and search as it is."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from conftest import SAMPLES

datasette_app = pytest.importorskip("datasette.app")


def test_datasette_searches_the_archive(cli, db):
    assert cli("import", str(SAMPLES)).exit_code == 0

    async def browse() -> tuple[list[dict], list[str]]:
        ds = datasette_app.Datasette([str(db)])
        await ds.invoke_startup()
        found = await ds.client.get(
            "/archive/articles.json?_search=desalination&_shape=array&_col=slug&_size=max"
        )
        assert found.status_code == 200, found.text
        tables = await ds.client.get("/archive.json")
        return found.json(), [table["name"] for table in tables.json()["tables"]]

    rows, tables = asyncio.run(browse())
    expected = {row[0] for row in sqlite3.connect(db).execute(
        "SELECT slug FROM articles WHERE id IN "
        "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'desalination')")}
    assert len(expected) >= 3
    assert {row["slug"] for row in rows} == expected
    assert "articles_fts" in tables
