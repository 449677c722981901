"""Walk paths, parse files, save articles in batches; returns a report and never prints."""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newscli.errors import ParseError
from newscli.models import Article
from newscli.parsing import is_multi_record, parse_document
from newscli.store import SLUG_MAX, Store, now_iso, stored_matches

DEFAULT_GLOBS = ("*.txt", "*.md", "*.markdown", "*.json", "*.jsonl", "*.html", "*.htm")
# A browser's "Save page as... complete" writes page.html and a folder of its images, scripts and
# embedded frames (page_files, or a translated name): part of the page, not articles of their own.
PAGE_ASSET_SUFFIXES = ("_files", "-Dateien", "_fichiers", "_archivos", "_arquivos", "_bestanden", "_file")
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
BATCH_SIZE = 500
STDIN = "-"
OUTCOMES = ("imported", "updated", "unchanged", "duplicates", "failed")


@dataclass
class Failure:
    path: str
    error: str


@dataclass
class Report:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interrupted: bool = False

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def fail(self, path: str, error: str) -> None:
        self.failed += 1
        self.failures.append(Failure(path, error))

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {name: getattr(self, name) for name in OUTCOMES}
        data["failures"] = [{"path": f.path, "error": f.error} for f in self.failures]
        return data


@dataclass
class Options:
    globs: tuple[str, ...] = DEFAULT_GLOBS
    source: str | None = None
    tags: tuple[str, ...] = ()
    dry_run: bool = False
    max_size: int = DEFAULT_MAX_SIZE


@dataclass
class Candidate:
    """A file found by the walk, or the reason it cannot be read."""

    name: str
    path: Path | None
    error: str | None = None


def iter_candidates(paths: Iterable[str], globs: tuple[str, ...]) -> Iterator[Candidate]:
    """Files named or found under folders (recursively), in a stable order; never hangs."""
    for raw in paths:
        if raw == STDIN:
            yield Candidate(STDIN, None)
            continue
        matches = _expand(raw)
        if not matches:
            yield Candidate(raw, None, "no such file or folder")
        for path in matches:
            yield from _walk(path, globs, set(), explicit=True)


def _expand(raw: str) -> list[Path]:
    path = Path(raw).expanduser()
    if os.path.lexists(path) or not any(c in raw for c in "*?["):
        return [path] if os.path.lexists(path) else []
    import glob

    return [Path(p) for p in sorted(glob.glob(str(path), recursive=True))]


def _walk(path: Path, globs: tuple[str, ...], seen: set[tuple[int, int]], *, explicit: bool
          ) -> Iterator[Candidate]:
    try:
        info = path.stat()
    except OSError as exc:
        if explicit or _wanted(path.name, globs):
            yield Candidate(str(path), None, _stat_failure(path, exc))
        return
    if stat.S_ISDIR(info.st_mode):
        if (info.st_dev, info.st_ino) in seen:
            return  # a symlink loop, or a folder reached twice
        seen.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            yield Candidate(str(path), None, _os_reason(exc))
            return
        names = {e.name.lower() for e in entries}
        for entry in entries:
            if not entry.name.startswith(".") and not _page_assets(entry, names):
                yield from _walk(Path(entry.path), globs, seen, explicit=False)
    elif explicit or _wanted(path.name, globs):
        if stat.S_ISREG(info.st_mode):
            yield Candidate(str(path), path)
        else:
            yield Candidate(str(path), None, "not a regular file (a FIFO, socket or device)")


def _page_assets(entry: os.DirEntry[str], names: set[str]) -> bool:
    """A saved page's asset folder, next to the page it belongs to."""
    for suffix in PAGE_ASSET_SUFFIXES:
        page = entry.name[: -len(suffix)].lower()
        if entry.name.endswith(suffix) and (f"{page}.html" in names or f"{page}.htm" in names):
            return entry.is_dir()
    return False


def _wanted(name: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(name.lower(), pattern.lower()) for pattern in globs)


def _stat_failure(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return "broken symbolic link" if path.is_symlink() else _os_reason(exc)


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def read_candidate(candidate: Candidate, max_size: int) -> bytes:
    """The file's bytes, refusing anything over max_size without reading it all."""
    if candidate.path is None:
        data = sys.stdin.buffer.read(max_size + 1)
    else:
        try:
            with open(candidate.path, "rb") as handle:
                data = handle.read(max_size + 1)
        except OSError as exc:
            raise ParseError(_os_reason(exc)) from None
    if len(data) > max_size:
        raise ParseError(f"file is larger than the {max_size:,}-byte limit (see --max-size)")
    return data


Parsed = tuple[str, "Article | str", bool]


def parse_candidate(candidate: Candidate, options: Options) -> Iterator[Parsed]:
    """(label, article or error text, whether it is a record of a multi-article file)."""
    if candidate.error:
        yield candidate.name, candidate.error, False
        return
    try:
        data = read_candidate(candidate, options.max_size)
        multi = is_multi_record(candidate.name)
        for number, result in parse_document(candidate.name, data):
            label = f"{candidate.name}:{number}" if number else candidate.name
            if isinstance(result, ParseError):
                yield label, str(result), multi
                continue
            _complete(result, candidate, options, multi)
            yield label, result, multi
    except ParseError as exc:
        yield candidate.name, str(exc), False


def _complete(article: Article, candidate: Candidate, options: Options, multi: bool) -> None:
    """Fill in what the file did not say: its path, the --source and --tag options."""
    if article.path is None or not multi:
        article.path = None if candidate.path is None else os.path.abspath(candidate.path)
    article.source = article.source or options.source
    for tag in options.tags:
        if tag not in article.tags:
            article.tags.append(tag)


def import_paths(
    store: Store,
    paths: Iterable[str],
    options: Options | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Import every article found under paths; Ctrl-C keeps what whole batches stored."""
    options = options or Options()
    report = Report()
    batch: list[Parsed] = []
    try:
        for candidate in iter_candidates(paths, options.globs):
            for label, result, multi in parse_candidate(candidate, options):
                if isinstance(result, str):
                    report.fail(label, result)
                else:
                    batch.append((label, result, multi))
            if progress:
                progress(candidate.name)
            if len(batch) >= BATCH_SIZE:
                save_batch(store, batch, report, options.dry_run)
                batch = []
        save_batch(store, batch, report, options.dry_run)
    except KeyboardInterrupt:
        report.interrupted = True
    return report


class _DryRun(Exception):
    """Raised inside a transaction to roll a dry run back."""


def save_batch(store: Store, batch: list[Parsed], report: Report, dry_run: bool) -> None:
    """Save a batch in one transaction; a dry run does the same work and rolls it back."""
    if not batch:
        return
    outcomes: list[str] = []
    now = now_iso()
    try:
        with store.transaction():
            for label, article, multi in batch:
                assert isinstance(article, Article)
                outcome, note = save_article(store, article, now, multi)
                outcomes.append(outcome)
                notes = [*article.warnings, note] if note else article.warnings
                report.notes.extend(f"{label}: {text}" for text in notes)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    for outcome in outcomes:
        report.add(outcome)


def save_article(store: Store, article: Article, now: str, multi: bool) -> tuple[str, str | None]:
    """Store one article; return its outcome and an optional note for the report."""
    same_text = store.find_by("sha256", article.sha256)
    if same_text is not None:
        if same_text["path"] != article.path:
            return "duplicates", f"same text as {same_text['slug']}, not stored again"
        if stored_matches(same_text, article):
            return "unchanged", None
        store.update(same_text["id"], article, now)
        return "updated", None
    previous = _previous_version(store, article, multi)
    if previous is not None:
        store.update(previous["id"], article, now)
        return "updated", None
    store.insert(article, store.unique_slug(make_slug(article)), now)
    return "imported", None


def _previous_version(store: Store, article: Article, multi: bool) -> dict[str, object] | None:
    """A file is matched by its path; a record in a JSON file by its slug."""
    if multi:
        return store.find_by("slug", article.slug) if article.slug else None
    return store.find_by("path", article.path) if article.path else None


def make_slug(article: Article) -> str:
    """ASCII slug from the given slug or the title; never empty, never a path."""
    slug = _slugify(article.slug or article.title)
    if not slug and article.slug:
        slug = _slugify(article.title)
    return slug or f"article-{article.sha256[:10]}"


# Currency signs transliterate to letters ("£14" -> "ps14"); in a headline the number is enough.
_SLUG_REPLACEMENTS = [[sign, ""] for sign in "£€$¥₹"]


def _slugify(text: str) -> str:
    from slugify import slugify

    return slugify(text, max_length=SLUG_MAX, word_boundary=True, replacements=_SLUG_REPLACEMENTS)
