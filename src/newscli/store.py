"""The only module that talks SQL: open and migrate the archive, save and read articles."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newscli.errors import DatabaseError, NotFound
from newscli.migrations import FTS_COLUMNS, MIGRATIONS, MIGRATIONS_TABLE
from newscli.models import Article

BUSY_TIMEOUT_SECONDS = 30.0
FTS_INSERT_TRIGGER = "articles_ai"  # as sqlite-utils names it
SLUG_MAX = 80
SORT_COLUMNS = {
    "date": "published IS NULL, published DESC, id DESC",
    "title": "title COLLATE NOCASE, id",
    "source": "source IS NULL, source COLLATE NOCASE, published DESC, id",
    "imported": "imported_at DESC, id DESC",
}
REVERSED_SORT = {
    "date": "published IS NULL, published, id",
    "title": "title COLLATE NOCASE DESC, id DESC",
    "source": "source IS NULL, source COLLATE NOCASE DESC, published, id DESC",
    "imported": "imported_at, id",
}


def default_db_path() -> Path:
    """`NEWSCLI_DB`, else archive.db in the user data directory."""
    env = os.environ.get("NEWSCLI_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("newscli", appauthor=False) / "archive.db"


@dataclass
class Filters:
    """Row filters shared by list, search, export and stats; dates are ISO text bounds.

    Sources and authors match any of those given, tags all of them; the exclude_ lists drop
    articles with any of theirs, and exclude_match drops those matching an FTS5 expression.
    """

    sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    exclude_sources: list[str] = field(default_factory=list)
    exclude_tags: list[str] = field(default_factory=list)
    exclude_authors: list[str] = field(default_factory=list)
    exclude_match: str | None = None

    def where(self, alias: str = "articles") -> tuple[list[str], list[Any]]:
        """SQL conditions (joined with AND by the caller) and their bound parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        author = f"{alias}.author LIKE ? ESCAPE '\\'"
        tag = f"EXISTS (SELECT 1 FROM json_each({alias}.tags) WHERE value = ? COLLATE NOCASE)"
        # IN, not `source = ? COLLATE NOCASE OR ...`: SQLite 3.40 rewrites that OR into an
        # index lookup that ignores the collation and finds nothing.
        for values, negate in ((self.sources, ""), (self.exclude_sources, "NOT ")):
            if values:
                marks = ", ".join("?" for _ in values)
                # COALESCE: an article with no source is not one to exclude.
                clauses.append(f"{negate}COALESCE({alias}.source COLLATE NOCASE IN ({marks}), 0)")
                params.extend(values)
        for values, negate in ((self.authors, ""), (self.exclude_authors, "NOT ")):
            if values:
                clauses.append(f"{negate}COALESCE(" + " OR ".join([author] * len(values)) + ", 0)")
                params.extend(_like(v) for v in values)
        for value in self.tags:
            clauses.append(tag)
            params.append(value)
        for value in self.exclude_tags:
            clauses.append(f"NOT {tag}")
            params.append(value)
        if self.since:
            clauses.append(f"{alias}.published >= ?")
            params.append(self.since)
        if self.until:
            # "until 2024-06-30" includes that whole day: compare against the next character.
            clauses.append(f"{alias}.published < ?")
            params.append(self.until + "\uffff")
        if self.exclude_match:
            clauses.append(
                f"{alias}.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
            )
            params.append(self.exclude_match)
        return clauses, params


def _like(text: str) -> str:
    return "%" + _escape_like(text) + "%"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Store:
    """An open archive database."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):
        self.conn = conn
        self.path = path
        self._unindexed_from: int | None = None  # first article id not yet in the FTS index

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Store:
        """Open (and create or upgrade) the archive; raise DatabaseError with a reason."""
        path = Path(path)
        if not path.exists():
            if not create:
                raise DatabaseError(
                    f"no archive at {path} yet; import articles first: newscli import PATH"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = _connect(path, read_only=not _writable(path))
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open {path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        store = cls(conn, path)
        try:
            store._prepare()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DatabaseError(f"{path} is not a usable newscli archive: {exc}") from None
        except DatabaseError:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def _prepare(self) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        applied = self._applied_versions(tables)
        if len(applied) > len(MIGRATIONS):
            raise DatabaseError(
                f"{self.path} was written by a newer newscli (schema {len(applied)}, this "
                f"version knows {len(MIGRATIONS)}); upgrade newscli to use it"
            )
        if len(applied) < len(MIGRATIONS) and self.read_only:
            raise DatabaseError(f"{self.path} is read-only and was made by an older newscli; "
                                "make it writable once so it can be upgraded")
        if self.read_only:
            return
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        if len(applied) < len(MIGRATIONS):
            self._migrate()

    def _applied_versions(self, tables: set[str]) -> list[int]:
        if MIGRATIONS_TABLE not in tables:
            foreign = {t for t in tables if not t.startswith("sqlite_")}
            if foreign:
                raise DatabaseError(
                    f"{self.path} is a SQLite database of another program, not a newscli archive"
                )
            return []
        return [r[0] for r in self.conn.execute(f"SELECT version FROM {MIGRATIONS_TABLE}")]

    def _migrate(self) -> None:
        """Apply pending steps in one transaction: all of them, or none on failure."""
        with self.transaction():
            self.conn.execute(
                f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {r[0] for r in self.conn.execute(f"SELECT version FROM {MIGRATIONS_TABLE}")}
            for version, step in enumerate(MIGRATIONS, 1):
                if version in done:
                    continue
                step(self.conn)
                self.conn.execute(
                    f"INSERT INTO {MIGRATIONS_TABLE} VALUES (?, ?, ?)",
                    (version, step.__name__, now_iso()),
                )

    @property
    def schema_version(self) -> int:
        return self.conn.execute(f"SELECT max(version) FROM {MIGRATIONS_TABLE}").fetchone()[0]

    @property
    def read_only(self) -> bool:
        return bool(self.conn.execute("PRAGMA query_only").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction, taken at once so concurrent writers queue instead of failing.

        SQLite's own errors (read-only file, disk full, I/O) become one DatabaseError naming
        the archive; the transaction is rolled back, so nothing stored before is lost.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._write_error(exc) from None
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._write_error(exc) from None
            raise

    def _write_error(self, exc: sqlite3.Error) -> DatabaseError:
        reason = str(exc)
        if "readonly" in reason or "read-only" in reason:
            reason = "the file or its folder is read-only"
        return DatabaseError(f"cannot write to {self.path}: {reason}; nothing was lost")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: several queries see one state of the archive, writers still run."""
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------

    def insert(self, article: Article, slug: str, now: str) -> int:
        values = _article_values(article)
        values.update(slug=slug, imported_at=now, updated_at=now)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO articles ({columns}) VALUES ({marks})", list(values.values())
        )
        return int(cursor.lastrowid or 0)

    def update(self, article_id: int, article: Article, now: str) -> None:
        self.index_pending()  # the update trigger removes the old text from the index
        values = _article_values(article)
        values["updated_at"] = now
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute(
            f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), article_id]
        )

    @contextmanager
    def deferred_fts(self) -> Iterator[None]:
        """Inside a transaction: index the articles inserted meanwhile in one statement at the end.

        FTS5 indexes a batch several times faster in one INSERT ... SELECT than row by row from
        the insert trigger. The trigger is dropped and re-created inside the caller's
        transaction, so no other connection ever sees it missing and a rollback restores it.
        """
        row = self.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (FTS_INSERT_TRIGGER,),
        ).fetchone()
        if row is None or self._unindexed_from is not None:
            yield
            return
        self.conn.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
        self._unindexed_from = self._next_id()
        try:
            yield
            self.index_pending()
        finally:
            self._unindexed_from = None
        self.conn.execute(row[0])

    def index_pending(self) -> None:
        """Add the articles inserted since deferred_fts began (or last indexed) to the index."""
        if self._unindexed_from is None:
            return
        columns = ", ".join(FTS_COLUMNS)
        self.conn.execute(
            f"INSERT INTO articles_fts (rowid, {columns}) "
            f"SELECT id, {columns} FROM articles WHERE id >= ?",
            (self._unindexed_from,),
        )
        self._unindexed_from = self._next_id()

    def _next_id(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])

    def unique_slug(self, base: str) -> str:
        """base, or base-2, base-3 ... whichever is free."""
        candidate, number = base, 1
        while self.conn.execute("SELECT 1 FROM articles WHERE slug = ?", (candidate,)).fetchone():
            number += 1
            suffix = f"-{number}"
            candidate = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        return candidate

    # -- reading ---------------------------------------------------------------------------

    def find_by(self, column: str, value: Any) -> dict[str, Any] | None:
        """The first article whose column (one of id, slug, path, sha256) equals value."""
        if column not in ("id", "slug", "path", "sha256"):
            raise ValueError(column)
        row = self.conn.execute(
            f"SELECT * FROM articles WHERE {column} = ? ORDER BY id LIMIT 1", (value,)
        ).fetchone()
        return row_to_dict(row) if row else None

    def existing(self, column: str, values: Iterable[Any]) -> set[Any]:
        """Those of the values some stored article has in column (slug, path or sha256).

        One query for many values: an import asks once per batch, not once per article.
        """
        if column not in ("slug", "path", "sha256"):
            raise ValueError(column)
        wanted, found = list(set(values)), set[Any]()
        for start in range(0, len(wanted), 500):  # SQLite caps the parameters of a statement
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            sql = f"SELECT {column} FROM articles WHERE {column} IN ({marks})"
            found.update(row[0] for row in self.conn.execute(sql, chunk))
        return found

    def resolve(self, ref: str) -> dict[str, Any]:
        """An article by exact slug, numeric id or unique slug prefix; NotFound otherwise."""
        found = self.find_by("slug", ref)
        if found is None and ref.isdigit():
            found = self.find_by("id", int(ref))
        if found is not None:
            return found
        rows = self.conn.execute(
            "SELECT slug FROM articles WHERE slug LIKE ? ESCAPE '\\' ORDER BY slug LIMIT 11",
            (_escape_like(ref) + "%",),
        ).fetchall()
        if len(rows) == 1:
            return self.find_by("slug", rows[0][0]) or {}
        if rows:
            names = ", ".join(r[0] for r in rows[:10])
            more = " ..." if len(rows) > 10 else ""
            raise NotFound(f"{ref!r} matches several articles: {names}{more}")
        raise NotFound(f"no article {ref!r}{self._did_you_mean(ref)}")

    def _did_you_mean(self, ref: str) -> str:
        import difflib

        slugs = [r[0] for r in self.conn.execute("SELECT slug FROM articles")]
        close = difflib.get_close_matches(ref, slugs, n=3, cutoff=0.6)
        return f"; did you mean {', '.join(close)}?" if close else ""

    def count(self, filters: Filters | None = None, match: str | None = None) -> int:
        where, params = _where(filters, match)
        return int(self.conn.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()[0])

    def iter_articles(
        self,
        filters: Filters | None = None,
        *,
        sort: str = "date",
        reverse: bool = False,
        limit: int | None = None,
        offset: int = 0,
        columns: str = "*",
        match: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Articles matching the filters (and an FTS5 expression), streamed in the given order."""
        where, params = _where(filters, match)
        order = (REVERSED_SORT if reverse else SORT_COLUMNS)[sort]
        sql = f"SELECT {columns} FROM articles{where} ORDER BY {order} LIMIT ? OFFSET ?"
        cursor = self.conn.execute(sql, [*params, -1 if limit is None else limit, offset])
        for row in cursor:
            yield row_to_dict(row)


def _writable(path: Path) -> bool:
    """Whether SQLite can write here: the file and its folder (for the WAL files)."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if not read_only:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS,
                               isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # A WAL archive in a read-only folder cannot get its -shm file: read it as immutable.
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
    conn.execute("PRAGMA query_only = 1")
    return conn


def _where(filters: Filters | None, match: str | None) -> tuple[str, list[Any]]:
    clauses, params = (filters or Filters()).where()
    if match:
        clauses.append("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(match)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _article_values(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "author": article.author,
        "published": article.published,
        "url": article.url,
        "tags": json.dumps(article.tags, ensure_ascii=False),
        "dateline": article.dateline,
        "language": article.language,
        "word_count": article.word_count,
        "path": article.path,
        "format": article.format,
        "sha256": article.sha256,
        "meta": json.dumps(article.meta, ensure_ascii=False, sort_keys=True),
    }


def stored_matches(row: dict[str, Any], article: Article) -> bool:
    """True when saving the article would change nothing in its stored row."""
    values = _article_values(article)
    values["tags"], values["meta"] = article.tags, json.loads(values["meta"])
    return all(row.get(key) == value for key, value in values.items())


def row_to_dict(row: sqlite3.Row) -> dict[str, Any]:
    data = dict(row)
    for key, empty in (("tags", "[]"), ("meta", "{}")):
        if key in data:
            data[key] = json.loads(data[key] or empty)
    return data


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def where_clause(filters: Filters | None, match: str | None = None) -> tuple[str, list[Any]]:
    """` WHERE ...` (or nothing) and its parameters, for queries on `articles` in other modules."""
    return _where(filters, match)
