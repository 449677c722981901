"""Save parsed articles in batches, one transaction each, telling new, updated and duplicate apart."""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

from newscli import dupes
from newscli.importer.report import Report
from newscli.importer.slugs import base_slug
from newscli.models import Article
from newscli.store import Store, now_iso, stored_matches
from newscli.store.filestates import FileState, FileStates
from newscli.store.search_text import title_body_needs


class PendingArticle(NamedTuple):
    """An article parsed and waiting for its batch to be saved."""

    label: str  # how the report names it: the file, or file:N for a record
    article: Article
    multi_record: bool  # a record of a multi-article file, matched to earlier imports by slug
    file_state: FileState | None  # remembered once saved, so an unchanged file is skipped next time
    refresh: bool = False  # a fetched page asked for again: it updates the article at its URL


class _DryRun(Exception):
    """Raised inside a transaction to roll a dry run back."""


def save_batch(
    store: Store,
    batch: list[PendingArticle],
    report: Report,
    dry_run: bool,
    states: FileStates | None = None,
    window: dupes.NewArticles | None = None,
) -> None:
    """Save a batch in one transaction; a dry run does the same work and rolls it back.

    The new articles join those waiting in window, which the caller signs for
    near-duplicates once it is full (flush_window; see dupes.NewArticles); without a window,
    or in a dry run, they are signed at once, in the batch's transaction.
    """
    if not batch:
        return
    outcomes: list[str] = []
    stored: list[FileState] = []
    notes: list[str] | None = None
    at_once = window is None or dry_run
    window = dupes.NewArticles() if at_once or window is None else window
    try:
        with store.transaction(), store.deferred_fts():
            saver = _BatchSaver(store, batch, window)
            for pending in batch:
                outcome = saver.save(pending.label, pending.article, pending.multi_record, pending.refresh)
                outcomes.append(outcome)
                if pending.file_state is not None and outcome != "duplicates":
                    stored.append(pending.file_state)
            if at_once:
                notes = window.flush(store.conn, saver.new)
            if dry_run:
                raise _DryRun
            if states is not None:
                states.remember(stored)
    except _DryRun:
        pass
    if notes is None:
        window.take(saver.new)
    else:
        window.clear()
        report.notes.extend(notes)
    for pending, outcome in zip(batch, outcomes, strict=False):
        report.add(outcome, pending.label)


def flush_window(store: Store, window: dupes.NewArticles, report: Report) -> None:
    """Sign the articles waiting in window in a transaction of their own (when it is full,
    and at the end of an import)."""
    if len(window) or window.notes:
        with store.transaction():
            notes = window.flush(store.conn)
        window.clear()
        report.notes.extend(notes)


class _BatchSaver:
    """Saves the articles of one batch, asking the archive in bulk what it already holds.

    Most articles of an import are new: one query per batch tells which of its texts, paths
    and slugs are already stored, and those articles alone take the careful path that looks
    each one up. New articles are signed for near-duplicates together later (self.new).
    """

    def __init__(self, store: Store, batch: list[PendingArticle], window: dupes.NewArticles):
        self.store, self.now, self.window = store, now_iso(), window
        articles = [pending.article for pending in batch]
        self.texts = store.existing("sha256", (a.sha256 for a in articles))
        self.paths = store.existing("path", (a.path for a in articles if a.path))
        # The slugs asked for, and those JSON records name themselves by (see _previous_version)
        self.slugs = store.existing("slug", itertools.chain.from_iterable(
            (base_slug(a), a.slug or "") for a in articles))
        self.new = dupes.NewArticles()  # inserted by this batch, signed with the window

    def save(self, label: str, article: Article, multi: bool, refresh: bool = False) -> str:
        """Save one article; return its outcome (imported, updated, unchanged, duplicates)."""
        outcome, note, article_id = None, None, None
        if self._maybe_stored(article, multi) or is_fetched(article):
            outcome, note, known_id = save_known(self.store, article, self.now, multi, refresh)
            # An update of an article this import inserted has just signed it with its new text.
            if known_id is not None:
                self.new.signed.pop(known_id, None)
                self.window.signed.pop(known_id, None)
        if outcome is None:
            outcome, article_id = "imported", self._insert(article)
        self.texts.add(article.sha256)
        if article.path:
            self.paths.add(article.path)
        texts = [*article.warnings, *([note] if note else [])]
        if texts or article_id is not None:
            self.new.notes.append((label, texts, article_id))
        return outcome

    def _maybe_stored(self, article: Article, multi: bool) -> bool:
        """Whether the article may be in the archive already (its text, or its file or slug)."""
        if article.sha256 in self.texts:
            return True
        return (article.slug or "") in self.slugs if multi else article.path in self.paths

    def _insert(self, article: Article) -> int:
        """Insert under the slug it asks for, or the first free -2, -3 ... if that is taken."""
        base = base_slug(article)
        slug = self.store.unique_slug(base) if base in self.slugs else base
        self.slugs.add(slug)
        article_id = self.store.insert(article, slug, self.now)
        self.new.add(article_id, signature_of(article), bucket_keys_of(article))
        return article_id


class KnownSave(NamedTuple):
    """What saving an article the archive may hold did; all None when it is new."""

    outcome: str | None
    note: str | None
    article_id: int | None  # the stored article it updated


def save_known(store: Store, article: Article, now: str, multi: bool, refresh: bool = False) -> KnownSave:
    """Save an article the archive may hold: update its stored version, or say why not."""
    if is_fetched(article):
        at_url = _stored_at_url(store, article)
        if at_url is not None and not refresh:
            return KnownSave("unchanged", f"already in the archive as {at_url['slug']} "
                             "(--refresh fetches it again)", None)
        if at_url is not None and at_url["path"] is None:
            if at_url["sha256"] == article.sha256:  # fetched again, the same text
                return KnownSave("unchanged", None, None)
            return _update(store, at_url["id"], article, now)
    same_text = store.find_by("sha256", article.sha256)
    if same_text is not None:
        if same_text["path"] != article.path:
            return KnownSave("duplicates", f"same text as {same_text['slug']}, not stored again", None)
        if stored_matches(same_text, article):
            return KnownSave("unchanged", None, None)
        return _update(store, same_text["id"], article, now)
    previous = _previous_version(store, article, multi)
    if previous is not None:
        return _update(store, previous["id"], article, now)
    return KnownSave(None, None, None)


def _update(store: Store, article_id: int, article: Article, now: str) -> KnownSave:
    store.update(article_id, article, now)
    dupes.sign_if_changed(store.conn, article_id, article.body, signature_of(article))
    return KnownSave("updated", None, article_id)


def prepare(article: Article) -> None:
    """Work out now what saving will need (the near-duplicate signature and its bucket keys,
    the slug asked for, whether the index needs other forms of the title and body).

    A parse worker calls this: the signature (shingles and MinHash) was most of the main
    process's work per article, and the workers have time to spare while it writes.
    """
    bucket_keys_of(article)
    base_slug(article)
    title_body_needs(article)


def signature_of(article: Article) -> dupes.Signature:
    """The body's near-duplicate signature, computed once (in a parse worker when parallel)."""
    return article.remember("signature", lambda: dupes.signature(article.body))  # type: ignore[no-any-return]


def bucket_keys_of(article: Article) -> bytes:
    """The signature's bucket keys (dupes.bucket_keys), computed once, with the signature."""
    return article.remember("bucket_keys", lambda: dupes.bucket_keys(signature_of(article)))  # type: ignore[no-any-return]


def is_fetched(article: Article) -> bool:
    """An article fetched from its URL (no file), which the archive knows by that URL."""
    return article.path is None and bool(article.url) and "fetched_at" in article.meta


def _stored_at_url(store: Store, article: Article) -> dict[str, Any] | None:
    """The article stored at the page's final URL or the canonical URL the page declares."""
    for url in (article.url, article.meta.get("canonical_url")):
        found = store.find_by("url", url) if url else None
        if found is not None:
            return found
    return None


def _previous_version(store: Store, article: Article, multi: bool) -> dict[str, Any] | None:
    """A file is matched by its path; a record in a JSON file by its slug."""
    if multi:
        return store.find_by("slug", article.slug) if article.slug else None
    return store.find_by("path", article.path) if article.path else None
