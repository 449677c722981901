"""Ordered schema steps, each recorded in the database once applied.

Append new steps at the end; never edit or reorder a step that has shipped. Each step is fixed
SQL written out here, so what a shipped step creates never changes with a library's version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from newscli.store.schema import FTS_INSERT_TRIGGER

Progress = Callable[[int, int], None]

M001_ARTICLES = """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            body TEXT NOT NULL DEFAULT '',
            source TEXT,
            author TEXT,
            published TEXT,
            url TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            dateline TEXT,
            language TEXT,
            word_count INTEGER NOT NULL DEFAULT 0,
            path TEXT,
            format TEXT NOT NULL DEFAULT 'text',
            sha256 TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
M001_INDEXES = [f"CREATE INDEX articles_{column} ON articles({column})"
                for column in ("path", "sha256", "published", "source")]
# The FTS5 index and its triggers exactly as sqlite-utils' enable_fts(create_triggers=True) wrote
# them when this step called it (tests/test_fixture_archive.py compares a new archive's schema
# with one made then), so Datasette and sqlite-utils search the archive as their own.
M001_FTS = """CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
    "title", "body", "source", "author", "tags",
    tokenize='porter unicode61 remove_diacritics 2',
    content="articles"
)"""
FTS_COLUMN_LIST = '"title", "body", "source", "author", "tags"'
FTS_NEW_VALUES = 'new."title", new."body", new."source", new."author", new."tags"'
FTS_OLD_VALUES = 'old."title", old."body", old."source", old."author", old."tags"'
_FTS_ADD = (f'INSERT INTO "articles_fts" (rowid, {FTS_COLUMN_LIST}) '
            f"VALUES (new.rowid, {FTS_NEW_VALUES});")
_FTS_REMOVE = (f'INSERT INTO "articles_fts" ("articles_fts", rowid, {FTS_COLUMN_LIST}) '
               f"VALUES('delete', old.rowid, {FTS_OLD_VALUES});")
M001_TRIGGERS = [
    f'CREATE TRIGGER "{FTS_INSERT_TRIGGER}" AFTER INSERT ON "articles" BEGIN\n'
    f"  {_FTS_ADD}\nEND",
    f'CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN\n  {_FTS_REMOVE}\nEND',
    f'CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN\n'
    f"  {_FTS_REMOVE}\n  {_FTS_ADD}\nEND",
]


def m001_articles(conn: sqlite3.Connection) -> None:
    """The articles table, its indexes, and the FTS5 index kept in step by three triggers."""
    for sql in (M001_ARTICLES, *M001_INDEXES, M001_FTS, *M001_TRIGGERS):
        conn.execute(sql)


_DROP_SIGNATURE = (
    "DELETE FROM article_signatures WHERE article_id = old.id; "
    "DELETE FROM article_buckets WHERE article_id = old.id;"
)
M002_SIGNATURES = [
    "CREATE TABLE article_signatures (article_id INTEGER PRIMARY KEY, "
    "shingles INTEGER NOT NULL, minhash BLOB)",
    "CREATE TABLE article_buckets (bucket INTEGER NOT NULL, article_id INTEGER NOT NULL, "
    "PRIMARY KEY (bucket, article_id)) WITHOUT ROWID",
    "CREATE INDEX article_buckets_article ON article_buckets(article_id)",
    # A narrow index, so counting signatures does not read every stored MinHash.
    "CREATE INDEX article_signatures_shingles ON article_signatures(shingles)",
    f"CREATE TRIGGER articles_signature_ad AFTER DELETE ON articles BEGIN {_DROP_SIGNATURE} END",
    "CREATE TRIGGER articles_signature_au AFTER UPDATE OF body ON articles "
    f"WHEN old.body IS NOT new.body BEGIN {_DROP_SIGNATURE} END",
]


def m002_signatures(conn: sqlite3.Connection) -> None:
    """Near-duplicate signatures (see newscli.dupes), dropped by triggers when a body changes.

    The articles already stored are signed by m010, the step whose tables the signing code
    writes (it signed them here until m010 changed those tables).
    """
    for sql in M002_SIGNATURES:
        conn.execute(sql)


M003_IMPORT_FILES = [
    """
        CREATE TABLE import_files (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            fingerprint TEXT NOT NULL
        )
        """,
    # An article deleted or moved to another path must be read again from its file.
    """
        CREATE TRIGGER import_files_forget_deleted AFTER DELETE ON articles BEGIN
            DELETE FROM import_files WHERE path = old.path;
        END
        """,
    """
        CREATE TRIGGER import_files_forget_moved AFTER UPDATE OF path ON articles
        WHEN old.path IS NOT new.path BEGIN
            DELETE FROM import_files WHERE path = old.path;
        END
        """,
]


def m003_import_files(conn: sqlite3.Connection) -> None:
    """What each imported file looked like, so a re-import can skip files that did not change."""
    for sql in M003_IMPORT_FILES:
        conn.execute(sql)


# FTS5 settings for big imports (measured on generated archives of 20,000 articles):
# - 'hashsize': buffer 32 MB of new index in memory before writing a segment (default 1 MB);
# - 'automerge': merge segments when 16 of one level exist (default 4).
# Fewer, larger segments and fewer merges index a 2,000-article batch about 40% faster; searches
# read a few more segments, which the measured query times did not show.
FTS_SETTINGS = (("hashsize", 32 * 1024 * 1024), ("automerge", 16))


def m004_fts_settings(conn: sqlite3.Connection) -> None:
    """Tune the FTS5 index for writing in large batches (see FTS_SETTINGS).

    Both settings are as old as FTS5 itself (SQLite 3.9.0), so every SQLite that opened
    m001's index has them: a failure here is a real error, and the step is not recorded.
    """
    for name, value in FTS_SETTINGS:
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES (?, ?)", (name, value))


def m005_collect(conn: sqlite3.Connection) -> None:
    """Collecting: articles found by URL, the feeds followed and the entries seen, saved alerts.

    feed_entries.key is the entry's GUID ("guid:...") or, without one, its canonical URL
    ("url:..."): an entry seen once is never imported again. An alert remembers the last article
    id it was checked up to: a check searches only the articles imported since.
    """
    for sql in (
        "CREATE INDEX articles_url ON articles(url)",
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            etag TEXT,
            last_modified TEXT,
            added_at TEXT NOT NULL,
            checked_at TEXT,
            last_status TEXT
        )
        """,
        """
        CREATE TABLE feed_entries (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            url TEXT,
            article_id INTEGER,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_id, key)
        )
        """,
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            query TEXT NOT NULL,
            created_at TEXT NOT NULL,
            checked_at TEXT,
            checked_up_to INTEGER NOT NULL DEFAULT 0
        )
        """,
    ):
        conn.execute(sql)


# m006: the index holds index forms (newscli.searchtext), read through a view. The view joins
# each article with its stored index form, where it has one; the triggers index any program's
# writes as they are and note them, and newscli replaces them with index forms (store.search_text).
SEARCH_TEXT_TABLES = [
    "CREATE TABLE article_search_text (id INTEGER PRIMARY KEY, title TEXT, body TEXT, "
    "source TEXT, author TEXT, tags TEXT)",
    "CREATE TABLE article_search_pending (id INTEGER PRIMARY KEY)",
    "CREATE VIEW articles_search AS SELECT a.id AS id, "
    + ", ".join(f"coalesce(s.{c}, a.{c}) AS {c}" for c in ("title", "body", "source", "author", "tags"))
    + " FROM articles AS a LEFT JOIN article_search_text AS s ON s.id = a.id",
]
SEARCH_TEXT_DROP = ['DROP TRIGGER "articles_ai"', 'DROP TRIGGER "articles_ad"', 'DROP TRIGGER "articles_au"',
             'DROP TABLE "articles_fts"']
# The comment names the table searched the way Datasette and sqlite-utils look for an index
# (`content="articles"` in its SQL), so their search boxes still find it.
SEARCH_TEXT_FTS = """CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
    /* the full-text index of content="articles", read through the view articles_search */
    "title", "body", "source", "author", "tags",
    tokenize='porter unicode61 remove_diacritics 2',
    content="articles_search", content_rowid="id"
)"""
_SEARCH_OLD = ", ".join(f'coalesce(s."{c}", old."{c}")' for c in ("title", "body", "source", "author",
                                                                   "tags"))
_FTS_REMOVE_FORMS = (
    f'INSERT INTO "articles_fts" ("articles_fts", rowid, {FTS_COLUMN_LIST}) '
    f"SELECT 'delete', old.id, {_SEARCH_OLD} FROM (SELECT old.id AS id) AS o "
    "LEFT JOIN article_search_text AS s ON s.id = o.id;\n"
    "  DELETE FROM article_search_text WHERE id = old.id;"
)
_NOTE = "INSERT OR IGNORE INTO article_search_pending (id) VALUES (new.id);"
SEARCH_TEXT_TRIGGERS = [
    f'CREATE TRIGGER "{FTS_INSERT_TRIGGER}" AFTER INSERT ON "articles" BEGIN\n'
    f"  {_FTS_ADD}\n  {_NOTE}\nEND",
    f'CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN\n  {_FTS_REMOVE_FORMS}\n'
    "  DELETE FROM article_search_pending WHERE id = old.id;\nEND",
    f'CREATE TRIGGER "articles_au" AFTER UPDATE OF {FTS_COLUMN_LIST} ON "articles" BEGIN\n'
    f"  {_FTS_REMOVE_FORMS}\n  {_FTS_ADD}\n  {_NOTE}\nEND",
]


def m006_search_text(conn: sqlite3.Connection, progress: Progress | None = None) -> None:
    """Index every article again, Chinese, Japanese, Korean and Thai cut into characters and
    the letters people type otherwise folded (newscli.searchtext)."""
    from newscli.store import search_text

    for sql in (*SEARCH_TEXT_TABLES, *SEARCH_TEXT_DROP, SEARCH_TEXT_FTS, *SEARCH_TEXT_TRIGGERS):
        conn.execute(sql)
    m004_fts_settings(conn)  # they went with the old index
    search_text.reindex(conn, progress)


def m007_sign_every_script(conn: sqlite3.Connection) -> None:
    """Sign again the articles in scripts written without spaces: their shingles are character
    trigrams now (newscli.signatures), where a whole run was one word before.

    Their old signatures are dropped here and m010 signs them, as it signs every unsigned
    article with the code that writes its tables.
    """
    from newscli.searchtext import has_spaced

    last = 0
    while rows := conn.execute("SELECT id, body FROM articles WHERE id > ? ORDER BY id LIMIT 1000",
                               (last,)).fetchall():
        for article_id, body in rows:
            if has_spaced(body):
                conn.execute("DELETE FROM article_buckets WHERE article_id = ?", (article_id,))
                conn.execute("DELETE FROM article_signatures WHERE article_id = ?", (article_id,))
        last = rows[-1][0]


def m008_date_order(conn: sqlite3.Connection) -> None:
    """An index in `list`'s own order (newest first, undated last), so `list --limit 50` reads 50
    rows instead of sorting the whole archive: 0.11 s -> under 1 ms on 100,000 articles. The
    expression must stay the one SORT_COLUMNS["date"] orders by, or SQLite will not use it."""
    conn.execute("CREATE INDEX articles_date_order ON articles(published IS NULL, published DESC, id DESC)")


def m009_updated_order(conn: sqlite3.Connection) -> None:
    """An index on updated_at, so `export --updated-since` (keeping a search engine in step)
    reads the few articles changed since instead of every row: on the 1,884 Optech posts
    0.11 s -> under 1 ms. store.filters asks for them as `id IN (SELECT id ... updated_at >= ?)`,
    which SQLite answers from this index (a plain `updated_at >= ?` it reads in date order)."""
    conn.execute("CREATE INDEX articles_updated_at ON articles(updated_at)")


# An article's bucket rows are found from the list kept with its signature, not from an index
# by article: a second B-tree that every bucket row also went into. The rows of recent imports
# went into a small table first, merged into the large one in one sorted pass now and then
# (until m011 put them in runs): a window's rows written straight into the large
# table rewrote nearly all of its pages every window, quadratic in the archive's size.
_BUCKETS_OF_OLD = ("(SELECT value FROM json_each("
                   "(SELECT buckets FROM article_signatures WHERE article_id = old.id)))")
_DROP_SIGNATURE_M010 = (
    f"DELETE FROM article_buckets WHERE bucket IN {_BUCKETS_OF_OLD} AND article_id = old.id; "
    f"DELETE FROM article_buckets_recent WHERE bucket IN {_BUCKETS_OF_OLD} AND article_id = old.id; "
    "DELETE FROM article_signatures WHERE article_id = old.id;"
)
M010_BUCKET_RUNS = [
    "ALTER TABLE article_signatures ADD COLUMN buckets TEXT",
    "UPDATE article_signatures SET buckets = (SELECT json_group_array(bucket) FROM article_buckets "
    "WHERE article_id = article_signatures.article_id)",
    "DROP INDEX article_buckets_article",
    "CREATE TABLE article_buckets_recent (bucket INTEGER NOT NULL, article_id INTEGER NOT NULL, "
    "PRIMARY KEY (bucket, article_id)) WITHOUT ROWID",
    "DROP TRIGGER articles_signature_ad",
    "DROP TRIGGER articles_signature_au",
    f"CREATE TRIGGER articles_signature_ad AFTER DELETE ON articles BEGIN {_DROP_SIGNATURE_M010} END",
    "CREATE TRIGGER articles_signature_au AFTER UPDATE OF body ON articles "
    f"WHEN old.body IS NOT new.body BEGIN {_DROP_SIGNATURE_M010} END",
]


def m010_bucket_runs(conn: sqlite3.Connection) -> None:
    """Each signature lists its article's buckets (JSON), the index of bucket rows by article
    goes, and recent rows get a table of their own (see above). The unsigned articles (those
    m002 and m007 leave) are signed by m011, with the code that writes its tables."""
    for sql in M010_BUCKET_RUNS:
        conn.execute(sql)


# Bucket rows in runs (newscli.store.signatures): keyed (run, bucket, article id), new rows
# into the last run, a closed run never written again and given a Bloom filter of its keys; and
# the buckets that ever held two articles, so that `dupes` reads only theirs. The merges of
# m010's recent table into the large one rewrote all of it every 100,000 articles.
_DROP_SIGNATURE_M011 = (
    "DELETE FROM article_buckets WHERE run IN (SELECT run FROM article_bucket_runs) "
    f"AND bucket IN {_BUCKETS_OF_OLD} AND article_id = old.id; "
    "DELETE FROM article_signatures WHERE article_id = old.id;"
)
M011_TABLES = [
    "DROP TRIGGER articles_signature_ad",
    "DROP TRIGGER articles_signature_au",
    "ALTER TABLE article_buckets RENAME TO article_buckets_m010",
    "CREATE TABLE article_bucket_runs (run INTEGER PRIMARY KEY, rows INTEGER NOT NULL, filter BLOB)",
    "INSERT INTO article_bucket_runs (run, rows) VALUES (0, 0)",
    "CREATE TABLE article_buckets (run INTEGER NOT NULL, bucket INTEGER NOT NULL, "
    "article_id INTEGER NOT NULL, PRIMARY KEY (run, bucket, article_id)) WITHOUT ROWID",
    "CREATE TABLE article_buckets_shared (bucket INTEGER PRIMARY KEY)",
    "INSERT INTO article_buckets_shared SELECT bucket FROM article_buckets_m010 "
    "GROUP BY bucket HAVING count(*) > 1",
    "INSERT OR IGNORE INTO article_buckets_shared SELECT bucket FROM article_buckets_recent r "
    "GROUP BY bucket HAVING count(*) > 1 OR EXISTS (SELECT 1 FROM article_buckets_m010 b "
    "WHERE b.bucket = r.bucket)",
]
M011_END = [
    "DROP TABLE article_buckets_m010",
    "DROP TABLE article_buckets_recent",
    f"CREATE TRIGGER articles_signature_ad AFTER DELETE ON articles BEGIN {_DROP_SIGNATURE_M011} END",
    "CREATE TRIGGER articles_signature_au AFTER UPDATE OF body ON articles "
    f"WHEN old.body IS NOT new.body BEGIN {_DROP_SIGNATURE_M011} END",
]


def m011_bucket_runs(conn: sqlite3.Connection) -> None:
    """The rows of m010's large table become closed runs of a few bands each (a band holds one
    row an article, so a run holds about RUN_ROWS), each read in bucket order and written in key
    order; its recent rows become the open run. Then every unsigned article is signed."""
    from newscli.signatures import BANDS
    from newscli.store import signatures

    for sql in M011_TABLES:
        conn.execute(sql)
    signed = conn.execute("SELECT count(*) FROM article_signatures WHERE buckets IS NOT NULL").fetchone()[0]
    per_run = max(1, signatures.RUN_ROWS // max(signed, 1))
    run = 0
    for first in range(0, BANDS if signed else 0, per_run):
        conn.execute("INSERT INTO article_buckets SELECT ?, bucket, article_id FROM article_buckets_m010 "
                     "WHERE bucket >= ? AND bucket < ?", (run, first << 32, (first + per_run) << 32))
        signatures.close_run(conn, run)  # and opens run + 1
        run += 1
    conn.execute("INSERT INTO article_buckets SELECT ?, bucket, article_id FROM article_buckets_recent",
                 (run,))
    conn.execute("UPDATE article_bucket_runs SET rows = (SELECT count(*) FROM article_buckets "
                 "WHERE run = ?1) WHERE run = ?1", (run,))
    for sql in M011_END:
        conn.execute(sql)
    signatures.sign_missing(conn)


def m012_open_run_filter(conn: sqlite3.Connection) -> None:
    """From here on every writer keeps the open run's filter holding each key of its rows, in
    the transaction that adds them (newscli.store.signatures), where m011's writers kept it in
    memory and stored it only when the run closed: an import into an existing archive asked its
    open run about every key of every window.

    Nothing to convert: an m011 archive's open run has no filter, and is given one from its rows
    the first time a window is signed into it. The step marks the change, so that a newscli of
    m011, which would add rows without their keys, no longer writes to the archive."""


MIGRATIONS: list[Callable[..., None]] = [
    m001_articles,
    m002_signatures,
    m003_import_files,
    m004_fts_settings,
    m005_collect,
    m006_search_text,
    m007_sign_every_script,
    m008_date_order,
    m009_updated_order,
    m010_bucket_runs,
    m011_bucket_runs,
    m012_open_run_filter,
]
# Steps that take a progress callback (done, total) as their second argument.
REPORTING = frozenset({m006_search_text})
