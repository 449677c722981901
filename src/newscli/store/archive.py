"""Store: an open archive. It holds the connection and its transactions; the SQL it runs lives
in the store's per-table modules (articles, search, signatures, ...), functions of a connection.

One object for the commands to pass around, thin modules for the SQL: a reader finds a table's
statements in one short file, and the library's own modules can call them inside a transaction
the Store opened, without a class of a few hundred lines in between.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newscli.errors import DatabaseError, QueryTooCostly
from newscli.models import Article, Filters
from newscli.store import articles, connection, search_text
from newscli.store.schema import FTS_INSERT_TRIGGER

# How many SQLite VM steps run between two looks at the CPU time under time_limit: often enough
# to stop within milliseconds, rarely enough to cost nothing measurable.
TIME_CHECK_STEPS = 20_000
# A limited statement may wait this many times its CPU limit by the clock (a cold disk, a busy
# core) before it is stopped all the same.
WAIT_FACTOR = 5


class Store:
    """An open archive database."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):
        self.conn = conn
        self.path = path
        self._unindexed_from: int | None = None  # first article id not yet in the FTS index

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True,
             progress: search_text.Progress | None = None) -> Store:
        """Open (and create or upgrade) the archive; raise DatabaseError with a reason.

        progress(done, total) hears how an upgrade that reindexes every article goes (it is
        called with 0 done first); interrupted, the upgrade leaves the archive as it was.
        """
        path = Path(path)
        if not path.exists():
            if not create:
                raise DatabaseError(
                    f"no archive at {path} yet; import articles first: newscli import PATH"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = connection.connect(path, read_only=not connection.writable(path))
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open {path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        store = cls(conn, path)
        try:
            store._prepare(progress)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DatabaseError(f"{path} is not a usable newscli archive: {exc}") from None
        except DatabaseError:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def _prepare(self, progress: search_text.Progress | None) -> None:
        pending = connection.pending_migrations(self.conn, self.path)
        if self.read_only:
            return
        connection.use_wal(self.conn)
        if pending:
            with self.transaction():  # all the steps, or none on failure
                connection.apply_migrations(self.conn, progress)
        elif search_text.has_pending(self.conn):
            with self.transaction():  # another program's writes: index forms for them
                pass

    @property
    def schema_version(self) -> int:
        return connection.schema_version(self.conn)

    @property
    def read_only(self) -> bool:
        return connection.is_read_only(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction, taken at once so concurrent writers queue instead of failing.

        SQLite's own errors (read-only file, disk full, I/O) become one DatabaseError naming
        the archive; the transaction is rolled back, so nothing stored before is lost.
        """
        try:
            connection.begin(self.conn, "IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._write_error(exc) from None
        try:
            yield
            search_text.catch_up(self.conn)
            connection.commit(self.conn)
        except BaseException as exc:
            connection.rollback(self.conn)
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
        connection.begin(self.conn, "DEFERRED")
        try:
            yield
        finally:
            connection.commit(self.conn)

    @contextmanager
    def time_limit(self, seconds: float) -> Iterator[None]:
        """Stop the statements run inside once they have taken `seconds` of CPU in all, or
        WAIT_FACTOR times that by the clock: QueryTooCostly.

        Ranking scores every article holding any of the query's words, so a query of many words
        that are in most articles could keep the archive busy for long; it is refused instead.
        The process's CPU time measures that work: waiting on a cold disk (0.5-1.6 s for a word
        in 50,000 of 1,000,000 articles, 0.12 s once cached) or for a core that an import holds
        is not the query's cost, and refusing for it failed a good search. The clock still bounds
        the wait: 32 common words OR-ed ran 12 s on that cold archive before 1 s of CPU.
        """
        import time

        cpu, clock = time.process_time() + seconds, time.monotonic() + WAIT_FACTOR * seconds
        self.conn.set_progress_handler(
            lambda: time.process_time() > cpu or time.monotonic() > clock, TIME_CHECK_STEPS)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            if time.process_time() > cpu:
                raise QueryTooCostly(f"{seconds:g} s of work") from None
            raise QueryTooCostly(f"{WAIT_FACTOR * seconds:g} s, most of it spent waiting") from None
        finally:
            self.lift_time_limit()

    def lift_time_limit(self) -> None:
        """Let the statements from now on run to their end (the limit's block still closes)."""
        self.conn.set_progress_handler(None, 0)

    # -- writing ---------------------------------------------------------------------------

    def insert(self, article: Article, slug: str, now: str) -> int:
        article_id = articles.insert(self.conn, article, slug, now)
        if self._unindexed_from is not None:  # else the trigger notes it for catch_up
            tags = json.dumps(article.tags, ensure_ascii=False) if article.tags else None
            values = (article.title, article.body, article.source, article.author, tags)
            search_text.save(self.conn, article_id, values, search_text.needs_of(article, values))
        return article_id

    def update(self, article_id: int, article: Article, now: str) -> None:
        self.index_pending()  # the update trigger removes the old text from the index
        articles.update(self.conn, article_id, article, now)

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
        self._unindexed_from = articles.next_id(self.conn)
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
        search_text.index_from(self.conn, self._unindexed_from)
        self._unindexed_from = articles.next_id(self.conn)

    def unique_slug(self, base: str) -> str:
        """base, or base-2, base-3 ... whichever is free."""
        return articles.unique_slug(self.conn, base)

    # -- reading ---------------------------------------------------------------------------

    def find_by(self, column: str, value: Any) -> dict[str, Any] | None:
        """The first article whose column (one of id, slug, path, sha256, url) equals value."""
        return articles.find_by(self.conn, column, value)

    def existing(self, column: str, values: Iterable[Any]) -> set[Any]:
        """Those of the values some stored article has in column (slug, path or sha256).

        One query per chunk of values: an import asks once per batch, not once per article.
        """
        return articles.existing(self.conn, column, values)

    def resolve(self, ref: str, *, exact: bool = False) -> dict[str, Any]:
        """An article by slug, id:N, file name, number or unique prefix (see articles.resolve)."""
        return articles.resolve(self.conn, ref, exact=exact)

    def count(self, filters: Filters | None = None, match: str | None = None) -> int:
        return articles.count(self.conn, filters, match)

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
        return articles.iter_articles(self.conn, filters, sort=sort, reverse=reverse, limit=limit,
                                      offset=offset, columns=columns, match=match)
