"""Walk paths, parse files, save articles in batches; returns a report and never prints."""

from __future__ import annotations

import errno
import fnmatch
import itertools
import os
import re
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from newscli import __version__, dupes
from newscli.errors import ParseError, os_reason
from newscli.filestates import FileState, FileStates, fingerprint
from newscli.models import Article
from newscli.parsing import is_multi_record, parse_document
from newscli.parsing.decode import decode
from newscli.parsing.records import parse_jsonl
from newscli.store import SLUG_MAX, Store, now_iso, stored_matches

DEFAULT_GLOBS = ("*.txt", "*.md", "*.markdown", "*.json", "*.jsonl", "*.html", "*.htm")
# A browser's "Save page as... complete" writes page.html and a folder of its images, scripts and
# embedded frames (page_files, or a translated name): part of the page, not articles of their own.
PAGE_ASSET_SUFFIXES = ("_files", "-Dateien", "_fichiers", "_archivos", "_arquivos", "_bestanden", "_file")
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
# Articles per transaction: each commit also writes a segment of the full-text index, and
# fewer, larger segments are cheaper to build; an interrupted import loses at most one batch.
BATCH_SIZE = 2000
# Parsing moves to worker processes (see _worker_count) when there are at least this many files:
# below it, starting them costs more than they save.
PARALLEL_FROM = 400
CHUNK = 50  # files per task sent to a worker
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
    size: int | None = None
    mtime_ns: int | None = None
    absolute: str | None = None

    def state(self) -> FileState | None:
        """(absolute path, size, mtime) as the walk saw it; None for stdin and errors."""
        if self.path is None or self.size is None or self.mtime_ns is None:
            return None
        return self.absolute or os.path.abspath(self.path), self.size, self.mtime_ns


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
            yield from _walk(path, globs, set(), os.path.abspath(path), explicit=True)


def _expand(raw: str) -> list[Path]:
    path = Path(raw).expanduser()
    if os.path.lexists(path) or not any(c in raw for c in "*?["):
        return [path] if os.path.lexists(path) else []
    import glob

    return [Path(p) for p in sorted(glob.glob(str(path), recursive=True))]


def _walk(path: Path, globs: tuple[str, ...], seen: set[tuple[int, int]], absolute: str, *,
          explicit: bool) -> Iterator[Candidate]:
    try:
        info = os.stat(path)
    except OSError as exc:
        if explicit or _wanted(path.name, globs):
            yield _unreadable(path, exc)
        return
    if not stat.S_ISDIR(info.st_mode):
        if explicit or _wanted(path.name, globs):
            yield _file_candidate(path, info, absolute)
        return
    if (info.st_dev, info.st_ino) in seen:
        return  # a symlink loop, or a folder reached twice
    seen.add((info.st_dev, info.st_ino))
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError as exc:
        yield Candidate(str(path), None, os_reason(exc))
        return
    names = {e.name.lower() for e in entries}
    for entry in entries:
        if entry.name.startswith(".") or _page_assets(entry, names):
            continue
        child = os.path.join(absolute, entry.name)  # abspath() asks for the cwd each time
        if _is_dir(entry):
            yield from _walk(Path(entry.path), globs, seen, child, explicit=False)
        elif _wanted(entry.name, globs):  # files the globs do not take are never looked at
            yield _found_file(Path(entry.path), child)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _found_file(path: Path, absolute: str) -> Candidate:
    try:
        return _file_candidate(path, os.stat(path), absolute)
    except OSError as exc:
        return _unreadable(path, exc)


def _unreadable(path: Path, exc: OSError) -> Candidate:
    return Candidate(str(path), None, _stat_failure(path, exc))


def _file_candidate(path: Path, info: os.stat_result, absolute: str) -> Candidate:
    if stat.S_ISREG(info.st_mode):
        return Candidate(str(path), path, None, info.st_size, info.st_mtime_ns, absolute)
    return Candidate(str(path), None, "not a regular file (a FIFO, socket or device)")


def _page_assets(entry: os.DirEntry[str], names: set[str]) -> bool:
    """A saved page's asset folder, next to the page it belongs to."""
    for suffix in PAGE_ASSET_SUFFIXES:
        page = entry.name[: -len(suffix)].lower()
        if entry.name.endswith(suffix) and (f"{page}.html" in names or f"{page}.htm" in names):
            return entry.is_dir()
    return False


def _wanted(name: str, globs: tuple[str, ...]) -> bool:
    return _glob_pattern(globs).match(name.lower()) is not None


@lru_cache(maxsize=8)
def _glob_pattern(globs: tuple[str, ...]) -> re.Pattern[str]:
    """All the patterns as one compiled expression: the walk tests every file name."""
    return re.compile("|".join(fnmatch.translate(pattern.lower()) for pattern in globs))


def _stat_failure(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return "broken symbolic link" if path.is_symlink() else os_reason(exc)


def read_candidate(candidate: Candidate, max_size: int) -> bytes:
    """The file's bytes, refusing anything over max_size without reading it all."""
    if candidate.path is None:
        data = sys.stdin.buffer.read(max_size + 1)
    else:
        try:
            with open(candidate.path, "rb") as handle:
                data = _read_capped(handle, max_size)
        except OSError as exc:
            raise ParseError(os_reason(exc)) from None
    if len(data) > max_size:
        raise ParseError(f"file is larger than the {max_size:,}-byte limit (see --max-size)")
    return data


def _read_capped(handle: Any, max_size: int) -> bytes:
    """At most max_size + 1 bytes, asking for no more than the file holds.

    read(n) sets aside n bytes before it reads: with the 10MB cap, that cost more than parsing.
    """
    size = os.fstat(handle.fileno()).st_size
    data = handle.read(min(size, max_size) + 1)
    if len(data) > size:  # the file grew while we read it
        data += handle.read(max_size + 1 - len(data))
    return data


Parsed = tuple[str, "Article | str", bool]


def parse_candidate(candidate: Candidate, options: Options) -> Iterator[Parsed]:
    """(label, article or error text, whether it is a record of a multi-article file)."""
    if candidate.error:
        yield candidate.name, candidate.error, False
        return
    try:
        multi = is_multi_record(candidate.name)
        if _streamed(candidate):
            records = _stream_jsonl(candidate.path, options.max_size)  # type: ignore[arg-type]
        else:
            records = parse_document(candidate.name, read_candidate(candidate, options.max_size))
        for number, result in records:
            label = f"{candidate.name}:{number}" if number else candidate.name
            if isinstance(result, ParseError):
                yield label, str(result), multi
                continue
            _complete(result, candidate, options, multi)
            _ = result.sha256, result.word_count  # computed here: in a worker, when parallel
            yield label, result, multi
    except ParseError as exc:
        yield candidate.name, str(exc), False


def _streamed(candidate: Candidate) -> bool:
    """JSON Lines files (exports, backups) are read a line at a time, whatever their size."""
    suffix = os.path.splitext(candidate.name)[1].lower()
    return candidate.path is not None and suffix in (".jsonl", ".ndjson")


def _stream_jsonl(path: Path, max_size: int) -> Iterator[tuple[int, Article | ParseError]]:
    """Records of a JSON Lines file as they are read; --max-size applies to each line."""
    try:
        with open(path, "rb") as handle:
            if handle.peek(4)[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16/32: lines are not bytes
                yield from parse_document(str(path), _read_capped(handle, max_size))
                return
            for number, raw in enumerate(handle, 1):
                if len(raw) > max_size:
                    yield number, ParseError(
                        f"line is larger than the {max_size:,}-byte limit (see --max-size)")
                elif raw.strip():
                    try:
                        yield from ((number, r) for _, r in parse_jsonl(decode(raw)))
                    except ParseError as exc:
                        yield number, exc
    except OSError as exc:
        raise ParseError(os_reason(exc)) from None


def _complete(article: Article, candidate: Candidate, options: Options, multi: bool) -> None:
    """Fill in what the file did not say: its path, the --source and --tag options."""
    if article.path is None or not multi:
        article.path = None if candidate.path is None else (
            candidate.absolute or os.path.abspath(candidate.path)
        )
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
    states = FileStates(store.conn, _fingerprint(options), time.time_ns())
    batch: list[Pending] = []

    def to_read(candidates: Iterable[Candidate]) -> Iterator[Candidate]:
        for candidate in candidates:
            state = candidate.state()
            if state is not None and states.unchanged(state):
                report.add("unchanged")
                if progress:
                    progress(candidate.name)
            else:
                yield candidate

    paths = list(paths)
    try:
        found = to_read(iter_candidates(paths, options.globs))
        # stdin can only be read by this process
        for candidate, results in parse_candidates(found, options, parallel=STDIN not in paths):
            for label, result, multi in results:
                if isinstance(result, str):
                    report.fail(label, result)
                else:
                    batch.append((label, result, multi, None if multi else candidate.state()))
                if len(batch) >= BATCH_SIZE:
                    save_batch(store, batch, report, options.dry_run, states)
                    batch = []
            if progress:
                progress(candidate.name)
        save_batch(store, batch, report, options.dry_run, states)
    except KeyboardInterrupt:
        report.interrupted = True
    return report


def _fingerprint(options: Options) -> str:
    return fingerprint(__version__, options.source, options.tags, options.max_size)


def parse_candidates(
    candidates: Iterable[Candidate], options: Options, *, parallel: bool = True
) -> Iterator[tuple[Candidate, Iterable[Parsed]]]:
    """Each candidate with what it parses to, in order; many files are parsed on every core."""
    iterator = iter(candidates)
    head = list(itertools.islice(iterator, PARALLEL_FROM))
    workers = _worker_count()
    if not parallel or len(head) < PARALLEL_FROM or workers < 1:
        for candidate in itertools.chain(head, iterator):
            yield candidate, parse_candidate(candidate, options)
        return
    yield from _parse_in_workers(itertools.chain(head, iterator), options, workers)


def _worker_count() -> int:
    """One parse worker per core but one: this process needs a core of its own to write.

    Writing (the index, the near-duplicate buckets) costs about as much per article as
    parsing: on two cores, a second worker only takes turns with this process, and its memory.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores - 1


def _parse_in_workers(
    candidates: Iterator[Candidate], options: Options, workers: int
) -> Iterator[tuple[Candidate, Iterable[Parsed]]]:
    """Parse in worker processes, about a batch ahead, results in the walk's order.

    When the oldest chunk is not back yet, this process parses the next chunk itself rather
    than wait: saving and parsing cost about the same per article, so neither side idles.
    """
    import multiprocessing

    # fork: the worker starts with this process's modules loaded, where forkserver runs two more
    # processes (the server and a resource tracker, 25 MB) and imports everything again. The
    # worker never touches the inherited database connection, and leaves by os._exit.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    work = _work(candidates)
    queue: deque[Any] = deque()
    # While this process saves a batch, the workers parse the next one: keep a batch's worth
    # of files in flight, or they sit idle through every save. The window opens as the workers
    # return chunks: handed everything at once, they would leave this process nothing to parse
    # in a small import.
    full = max(4 * workers, BATCH_SIZE // CHUNK + 2 * workers)
    returned = 0
    with context.Pool(workers, initializer=_ignore_interrupts) as pool:
        while True:
            window = min(full, 2 * workers + 2 * returned)
            while len(queue) < window and (item := next(work, None)) is not None:
                queue.append(_Here(item, options) if isinstance(item, Candidate)
                             else pool.apply_async(_parse_chunk, (item, options)))
            if not queue:
                return
            if not queue[0].ready() and (item := next(work, None)) is not None:
                queue.append(_Here(item, options))
                continue
            done = queue.popleft()
            returned += not isinstance(done, _Here)
            yield from done.get()


class _Here:
    """Work done by this process, in its place in the queue: a chunk of files, parsed now, or a
    JSON Lines file, read a line at a time only when every file before it has been saved."""

    def __init__(self, item: Candidate | list[Candidate], options: Options):
        self.item, self.options = item, options
        self.parsed = None if isinstance(item, Candidate) else _parse_chunk(item, options)

    def ready(self) -> bool:
        return True

    def get(self) -> Iterable[tuple[Candidate, Iterable[Parsed]]]:
        if isinstance(self.item, Candidate):
            return [(self.item, parse_candidate(self.item, self.options))]
        return self.parsed or []


def _work(candidates: Iterator[Candidate]) -> Iterator[Candidate | list[Candidate]]:
    """Chunks of files for the workers, and the streamed files (alone) in their place."""
    chunk: list[Candidate] = []
    for candidate in candidates:
        if _streamed(candidate):
            if chunk:
                yield chunk
            yield candidate
            chunk = []
            continue
        chunk.append(candidate)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse_chunk(chunk: list[Candidate], options: Options) -> list[tuple[Candidate, list[Parsed]]]:
    """In a worker process: parse a chunk of files, and sign each article for near-duplicates.

    The signature (shingles and MinHash) was most of the main process's work per article; the
    workers have time to spare while it writes.
    """
    parsed = [(candidate, list(parse_candidate(candidate, options))) for candidate in chunk]
    for _candidate, results in parsed:
        for _label, result, _multi in results:
            if isinstance(result, Article):
                _signature(result)
                _base_slug(result)
    return parsed


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process in the group: the main process alone decides what to keep.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _DryRun(Exception):
    """Raised inside a transaction to roll a dry run back."""


# An article ready to save: label for the report, article, from a multi-record file, file state.
Pending = tuple[str, Article, bool, "FileState | None"]


def save_batch(
    store: Store,
    batch: list[Pending],
    report: Report,
    dry_run: bool,
    states: FileStates | None = None,
) -> None:
    """Save a batch in one transaction; a dry run does the same work and rolls it back."""
    if not batch:
        return
    outcomes: list[str] = []
    stored: list[FileState] = []
    try:
        with store.transaction(), store.deferred_fts():
            saver = _BatchSaver(store, batch)
            for label, article, multi, state in batch:
                outcome = saver.save(label, article, multi)
                outcomes.append(outcome)
                if state is not None and outcome != "duplicates":
                    stored.append(state)
            report.notes.extend(saver.finish())
            if dry_run:
                raise _DryRun
            if states is not None:
                states.remember(stored)
    except _DryRun:
        pass
    for outcome in outcomes:
        report.add(outcome)


class _BatchSaver:
    """Saves the articles of one batch, asking the archive in bulk what it already holds.

    Most articles of an import are new: one query per batch tells which of its texts, paths
    and slugs are already stored, and those articles alone take the careful path that looks
    each one up. New articles are signed for near-duplicates together at the end.
    """

    def __init__(self, store: Store, batch: list[Pending]):
        self.store, self.now = store, now_iso()
        self.texts = store.existing("sha256", (article.sha256 for _, article, _, _ in batch))
        self.paths = store.existing("path", (a.path for _, a, _, _ in batch if a.path))
        # The slugs asked for, and those JSON records name themselves by (see _previous_version)
        self.slugs = store.existing("slug", itertools.chain.from_iterable(
            (_base_slug(a), a.slug or "") for _, a, _, _ in batch))
        self.new: list[tuple[int, dupes.Signature]] = []
        self.notes: list[tuple[str, list[str], int | None]] = []

    def save(self, label: str, article: Article, multi: bool) -> str:
        """Save one article; return its outcome (imported, updated, unchanged, duplicates)."""
        outcome, note, article_id = None, None, None
        if self._maybe_stored(article, multi):
            outcome, note = save_known(self.store, article, self.now, multi)
        if outcome is None:
            outcome, article_id = "imported", self._insert(article)
        self.texts.add(article.sha256)
        if article.path:
            self.paths.add(article.path)
        self.notes.append((label, [*article.warnings, *([note] if note else [])], article_id))
        return outcome

    def _maybe_stored(self, article: Article, multi: bool) -> bool:
        """Whether the article may be in the archive already (its text, or its file or slug)."""
        if article.sha256 in self.texts:
            return True
        return (article.slug or "") in self.slugs if multi else article.path in self.paths

    def _insert(self, article: Article) -> int:
        """Insert under the slug it asks for, or the first free -2, -3 ... if that is taken."""
        base = _base_slug(article)
        slug = self.store.unique_slug(base) if base in self.slugs else base
        self.slugs.add(slug)
        article_id = self.store.insert(article, slug, self.now)
        self.new.append((article_id, _signature(article)))
        return article_id

    def finish(self) -> list[str]:
        """Sign the new articles; the report's notes, near-duplicates included, in file order."""
        near = dupes.notes_for_new(self.store.conn, self.new)
        return [
            f"{label}: {text}"
            for label, texts, article_id in self.notes
            for text in [*texts, *([near[article_id]] if article_id in near else [])]
        ]


def save_known(
    store: Store, article: Article, now: str, multi: bool
) -> tuple[str | None, str | None]:
    """Save an article the archive may hold: (outcome, note), or (None, None) if it is new."""
    same_text = store.find_by("sha256", article.sha256)
    if same_text is not None:
        if same_text["path"] != article.path:
            return "duplicates", f"same text as {same_text['slug']}, not stored again"
        if stored_matches(same_text, article):
            return "unchanged", None
        store.update(same_text["id"], article, now)
        dupes.sign_if_changed(store.conn, same_text["id"], article.body, _signature(article))
        return "updated", None
    previous = _previous_version(store, article, multi)
    if previous is not None:
        store.update(previous["id"], article, now)
        dupes.sign_if_changed(store.conn, previous["id"], article.body, _signature(article))
        return "updated", None
    return None, None


def _signature(article: Article) -> dupes.Signature:
    """The body's near-duplicate signature, computed once (in a parse worker when parallel)."""
    return article.remember("signature", lambda: dupes.signature(article.body))  # type: ignore[no-any-return]


def _base_slug(article: Article) -> str:
    """The slug the article asks for, before any -2 suffix (in a parse worker when parallel)."""
    return article.remember("slug", lambda: make_slug(article))  # type: ignore[no-any-return]


def _previous_version(store: Store, article: Article, multi: bool) -> dict[str, Any] | None:
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
