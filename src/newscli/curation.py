"""Keeping the archive tidy: tags, removal, editing as Markdown, and a health report.

Every change goes through UPDATE or DELETE on `articles`, so the FTS5 triggers keep the search
index in step, and the signature triggers drop what a changed body made stale.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newscli import dupes
from newscli.errors import NewscliError, ParseError
from newscli.store import articles as stored
from newscli.store import health
from newscli.store.schema import TRIGGERS
from newscli.store.sql import now_iso

if TYPE_CHECKING:
    from newscli.store import Store


def resolve_all(store: Store, refs: list[str], *, exact: bool = False) -> list[dict[str, Any]]:
    """Every article named, each once, in the order given; NotFound before anything changes.

    exact: whole slugs, ids as id:N and file names only, for a command that destroys.
    """
    articles: dict[int, dict[str, Any]] = {}
    for ref in refs:
        article = store.resolve(ref, exact=exact)
        articles.setdefault(article["id"], article)
    return list(articles.values())


def clean_tags(tags: list[str]) -> list[str]:
    """Tags as given, trimmed; an empty one, one with `;` or one too long is refused."""
    from newscli.errors import UsageError

    cleaned = [" ".join(tag.split()) for tag in tags]
    if any(not tag for tag in cleaned):
        raise UsageError("a tag cannot be empty")
    check_tags(cleaned, error=UsageError)  # a value given on the command line: exit 2
    return cleaned


def check_tags(tags: list[str], prefix: str = "", error: type[NewscliError] = NewscliError) -> None:
    """Refuse, with the reason, a tag that breaks the rules of models.tag_problem."""
    from newscli.models import tag_problem

    for tag in tags:
        problem = tag_problem(tag)
        if problem:
            raise error(prefix + problem)


def retag(tags: list[str], add: list[str], remove: list[str]) -> list[str]:
    """Tags after removing and adding (both case-insensitive; a tag is never listed twice)."""
    gone = {tag.casefold() for tag in remove}
    result = [tag for tag in tags if tag.casefold() not in gone]
    for tag in add:
        if tag.casefold() not in {t.casefold() for t in result}:
            result.append(tag)
    return result


def tag_articles(
    store: Store, refs: list[str], add: list[str], remove: list[str]
) -> list[dict[str, Any]]:
    """Add and remove tags on the articles named; [{"slug", "tags", "changed"}] for each."""
    add, remove = clean_tags(add), clean_tags(remove)
    articles = resolve_all(store, refs)
    results = []
    now = now_iso()
    with store.transaction():
        for article in articles:
            tags = retag(article["tags"], add, remove)
            changed = tags != article["tags"]
            if changed:
                stored.set_tags(store.conn, article["id"], tags, now)
            results.append({"slug": article["slug"], "tags": tags, "changed": changed})
    return results


def remove_articles(store: Store, articles: list[dict[str, Any]]) -> list[str]:
    """Delete the articles (their index entries and signatures go with them); their slugs."""
    with store.transaction():
        for article in articles:
            stored.delete(store.conn, article["id"])
    return [article["slug"] for article in articles]


# -- edit ---------------------------------------------------------------------------------


def as_markdown(article: dict[str, Any]) -> str:
    from newscli.markdown import to_markdown

    return to_markdown(article)


def apply_edit(store: Store, article: dict[str, Any], text: str) -> dict[str, Any] | None:
    """Store an edited Markdown document over the article; None when nothing changed.

    A document that does not parse, names a slug another article has, or becomes a copy of
    another article raises with the reason, and the archive is left as it was.
    """
    from newscli.parsing import parse_article_text
    from newscli.slugs import make_slug

    try:
        edited = parse_article_text("edit.md", text)
    except ParseError as exc:
        raise ParseError(f"the edit was not saved: {exc}") from None
    edited.path = article["path"]
    check_tags(edited.tags, "the edit was not saved: ")
    slug = make_slug(edited) if edited.slug else article["slug"]
    _check_free(store, article, slug, edited.sha256)
    if slug == article["slug"] and stored.stored_matches(article, edited):
        return None
    with store.transaction():
        store.update(article["id"], edited, now_iso())
        stored.set_slug(store.conn, article["id"], slug)
        dupes.sign_if_changed(store.conn, article["id"], edited.body)
    return store.find_by("id", article["id"])


def _check_free(store: Store, article: dict[str, Any], slug: str, sha256: str) -> None:
    for column, value, what in (("slug", slug, "slug"), ("sha256", sha256, "text")):
        other = store.find_by(column, value)
        if other is not None and other["id"] != article["id"]:
            raise NewscliError(
                f"the edit was not saved: {other['slug']} already has that {what}"
            )


# -- info ---------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def archive_info(store: Store) -> dict[str, Any]:
    """Where the archive is, what it holds, and whether the database and its index are sound."""
    from newscli.stats import overview

    summary = overview(store)
    checks = integrity_checks(store)
    path = store.path
    return {
        "path": str(path.resolve()) if path else None,
        "size": _size(path) if path else None,
        "schema_version": store.schema_version,
        "read_only": store.read_only,
        "articles": summary["articles"],
        "sources": summary["sources"],
        "tags": summary["tags"],
        "first": summary["first"],
        "last": summary["last"],
        "ok": all(check.ok for check in checks),
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks],
    }


def _size(path: Path) -> int:
    """Bytes on disk, the write-ahead log included."""
    files = (Path(str(path) + suffix) for suffix in ("", "-wal"))
    return sum(f.stat().st_size for f in files if f.exists())


def integrity_checks(store: Store) -> list[Check]:
    return [_database_check(store), _index_check(store), _trigger_check(store),
            _signature_check(store)]


def _database_check(store: Store) -> Check:
    rows = health.integrity_problems(store.conn)
    return Check("database", rows == ["ok"], "; ".join(rows[:5]))


def _index_check(store: Store) -> Check:
    if store.read_only:  # FTS5's own check is a write; count what can be counted instead
        if health.index_rows_match(store.conn):
            return Check("search index", True, "one entry per article (the full check needs "
                                               "write access: the archive is read-only)")
        return Check("search index", False, "its entries and the articles differ in number; "
                     "make the archive writable, then rebuild it with: sqlite-utils rebuild-fts "
                     f"{store.path} articles")
    try:
        health.check_search_index(store.conn)
    except sqlite3.DatabaseError as exc:
        return Check("search index", False, f"{exc}; rebuild it with: sqlite-utils rebuild-fts "
                                            f"{store.path} articles")
    return Check("search index", True, "ok")


def _trigger_check(store: Store) -> Check:
    present = health.trigger_names(store.conn)
    missing = [name for name in TRIGGERS if name not in present]
    return Check("triggers", not missing, "missing: " + ", ".join(missing) if missing else "ok")


def _signature_check(store: Store) -> Check:
    waiting = dupes.count_unsigned(store.conn)
    detail = f"{waiting} articles not yet signed (newscli dupes signs them)" if waiting else "ok"
    return Check("near-duplicate signatures", True, detail)
