"""Opening the archive file: where it is, read-only or not, and bringing its schema up to date."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newscli.errors import DatabaseError
from newscli.store import migrations
from newscli.store.schema import MIGRATIONS_TABLE
from newscli.store.sql import now_iso

BUSY_TIMEOUT_SECONDS = 30.0


def default_db_path() -> Path:
    """`NEWSCLI_DB`, else archive.db in the user data directory."""
    env = os.environ.get("NEWSCLI_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("newscli", appauthor=False) / "archive.db"


def writable(path: Path) -> bool:
    """Whether SQLite can write here: the file and its folder (for the WAL files)."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
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


def is_read_only(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("PRAGMA query_only").fetchone()[0])


def pending_migrations(conn: sqlite3.Connection, path: Path | None) -> int:
    """How many schema steps the archive lacks; DatabaseError for another program's database,
    or one made by a newer newscli, or an old one that cannot be upgraded (read-only)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    applied = _applied_versions(conn, tables, path)
    known = len(migrations.MIGRATIONS)
    if len(applied) > known:
        raise DatabaseError(
            f"{path} was written by a newer newscli (schema {len(applied)}, this "
            f"version knows {known}); upgrade newscli to use it"
        )
    if len(applied) < known and is_read_only(conn):
        raise DatabaseError(f"{path} is read-only and was made by an older newscli; "
                            "make it writable once so it can be upgraded")
    return known - len(applied)



def _applied_versions(conn: sqlite3.Connection, tables: set[str], path: Path | None) -> list[int]:
    if MIGRATIONS_TABLE not in tables:
        foreign = {t for t in tables if not t.startswith("sqlite_")}
        if foreign:
            raise DatabaseError(
                f"{path} is a SQLite database of another program, not a newscli archive"
            )
        return []
    try:
        versions = [r[0] for r in conn.execute(f"SELECT version, name FROM {MIGRATIONS_TABLE}")]
    except sqlite3.OperationalError:
        versions = [None]  # a table of that name, of another shape
    if not all(isinstance(version, int) for version in versions):
        raise DatabaseError(f"{path} is not a newscli archive (or not one this version "
                            f"understands): its {MIGRATIONS_TABLE} table has another shape")
    return versions


def use_wal(conn: sqlite3.Connection) -> None:
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")


@contextmanager
def page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """A page cache of kib KiB (SQLite's default is 2,000) while the block runs."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


def apply_migrations(conn: sqlite3.Connection,
                     progress: migrations.Progress | None = None) -> None:
    """Apply the pending steps (call inside a transaction: all of them, or none on failure);
    progress(done, total) hears from the long ones."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    done = {r[0] for r in conn.execute(f"SELECT version FROM {MIGRATIONS_TABLE}")}
    for version, step in enumerate(migrations.MIGRATIONS, 1):
        if version in done:
            continue
        if step in migrations.REPORTING:
            step(conn, progress)
        else:
            step(conn)
        conn.execute(
            f"INSERT INTO {MIGRATIONS_TABLE} VALUES (?, ?, ?)",
            (version, step.__name__, now_iso()),
        )


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute(f"SELECT max(version) FROM {MIGRATIONS_TABLE}").fetchone()[0])


def begin(conn: sqlite3.Connection, mode: str) -> None:
    conn.execute(f"BEGIN {mode}")  # mode: IMMEDIATE or DEFERRED, chosen by the store


def commit(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


def rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")
