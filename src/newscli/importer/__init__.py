"""Walk paths, parse files, save articles in batches; returns a report and never prints.

The steps, one module each: ``walk`` finds the files and reads them under the size cap,
``parse`` turns one file into articles, ``pool`` parses many on every core, ``saving``
writes them a batch per transaction, ``report`` counts what happened. ``import_paths``
below runs them in that order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from newscli import __version__
from newscli.dupes import NewArticles
from newscli.errors import DatabaseError
from newscli.importer.options import DEFAULT_GLOBS, DEFAULT_MAX_SIZE, Options
from newscli.importer.parse import ParseOutcome, Skipped, parse_candidate
from newscli.importer.pool import Ahead, ParsedFile, parse_candidates
from newscli.importer.report import OUTCOMES, Failure, Report
from newscli.importer.saving import PendingArticle, flush_window, save_batch, save_known
from newscli.importer.walk import STDIN, URL_PREFIXES, Candidate, iter_candidates
from newscli.slugs import make_slug
from newscli.store import Store
from newscli.store.connection import page_cache
from newscli.store.filestates import FileStates, fingerprint

# What the rest of newscli uses. Tuning constants and read_candidate are patched by tests in
# the module that reads them (importer.pool, importer.parse): a copy here would change nothing.
__all__ = [
    "BATCH_SIZE", "DEFAULT_GLOBS", "DEFAULT_MAX_SIZE", "OUTCOMES", "STDIN", "Candidate", "Failure",
    "Options", "ParseOutcome", "ParsedFile", "PendingArticle", "Report", "import_candidates", "import_paths",
    "iter_candidates", "make_slug", "parse_candidate", "parse_candidates", "save_batch",
    "save_known",
]

# Articles per transaction: each commit also writes a segment of the full-text index, and
# fewer, larger segments are cheaper to build; an interrupted import loses at most one batch.
BATCH_SIZE = 2000
# The page cache (KiB) while importing. It was 8 MB while the bucket rows also went into an index
# by article, whose window of rows landed on the same few thousand pages again and again; since
# m010 the bucket rows go in sorted into one B-tree, and SQLite's default of 2 MB imports
# 100,000 articles as fast (93.9-94.6 CPU-s against 95.1-97.0) in 2-7 MB less (RESULTS.md).
IMPORT_CACHE_KIB = 2_000
# Blocks this large or larger are mapped on their own and unmapped when freed (glibc's
# M_MMAP_THRESHOLD). glibc raises the threshold to the largest block freed, so after the first
# 8 MB Bloom filter the window's arrays of a few MB came from the heap, which fragmented and
# never shrank: the writer grew from 128 to 169 MB over 150,000 articles, and stays at 139 MB
# with the threshold fixed (RESULTS.md, "the bucket rows in runs").
MMAP_THRESHOLD = 128 * 1024

Progress = Callable[[str], None]  # told the name of each file as it is done with


def import_paths(
    store: Store,
    paths: Iterable[str],
    options: Options | None = None,
    progress: Progress | None = None,
) -> Report:
    """Import every article found under paths; Ctrl-C keeps what whole batches stored."""
    options = options or Options()
    paths = list(paths)
    report = Report()
    found = iter_candidates(paths, options.globs, options.excludes, follow_links=options.follow_links)
    urls = sum(map(is_url, paths))
    if urls:
        from newscli.importer.urls import fetch_candidates

        found = fetch_candidates(store, found, options, report, progress)
    # stdin can only be read by this process
    return import_candidates(store, found, options, progress, report, parallel=STDIN not in paths,
                             expected=urls or None)


def import_candidates(
    store: Store,
    found: Iterable[Candidate],
    options: Options,
    progress: Progress | None = None,
    report: Report | None = None,
    *,
    parallel: bool = True,
    batch_size: int | None = None,
    expected: int | None = None,
) -> Report:
    """Import candidates found otherwise (fetched pages, feed entries) as import_paths does files.

    batch_size (default BATCH_SIZE) bounds the articles held before a batch is written;
    expected, the candidates a caller knows are coming (see pool.parse_candidates).
    """
    batch_size = batch_size or BATCH_SIZE
    report = report if report is not None else Report()
    _map_large_blocks()
    states = FileStates(store.conn, _options_fingerprint(options), time.time_ns())
    window = NewArticles()
    with page_cache(store.conn, IMPORT_CACHE_KIB):
        return _import(store, found, options, progress, report, parallel, batch_size, expected,
                       states, window)


def _map_large_blocks() -> None:
    """Fix glibc's mmap threshold (see MMAP_THRESHOLD), for this process and the workers it
    forks; nothing where the C library has no mallopt."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)  # the symbols the interpreter itself was linked with
    except OSError:
        return
    if hasattr(libc, "mallopt"):
        libc.mallopt(-3, MMAP_THRESHOLD)  # -3: M_MMAP_THRESHOLD in glibc's malloc.h


def _import(store: Store, found: Iterable[Candidate], options: Options, progress: Progress | None,
            report: Report, parallel: bool, batch_size: int, expected: int | None,
            states: FileStates, window: NewArticles) -> Report:
    try:
        to_read = _skip_unchanged(found, states, report, progress)
        ahead = Ahead()
        parsed = parse_candidates(to_read, options, batch_size=batch_size, parallel=parallel,
                                  expected=expected, ahead=ahead)
        pending = _named_outlets(_to_save(parsed, report, progress, options), store)
        batches = _batches(pending, batch_size)
        try:
            for batch in batches:
                _save_or_stop(store, batch, report, options, states, window)
                if report.stopped:
                    break
                # Its articles can go now (2,000 of them: MBs); _batches still holds the list.
                batch.clear()
                if len(window) >= window.size:
                    # Signing a window takes seconds: the workers get half a batch of files
                    # more first, so they do not idle meanwhile. A whole batch kept them busier
                    # but held about 10 MB more at the peak (benchmarks/RESULTS.md).
                    ahead.top_up(batch_size // 2)
                    _sign_window(store, window, report)
                    if report.stopped:
                        break
        finally:
            batches.close()  # a stopped import ends its parse workers now
        _sign_the_rest(store, window, report, options.dry_run)
        if not options.dry_run and not report.stopped:
            report.notes.extend(name_domain_sources(store))
    except KeyboardInterrupt:
        report.interrupted = True
        _sign_the_rest(store, window, report, options.dry_run)
    return report


def _sign_window(store: Store, window: NewArticles, report: Report) -> None:
    """Sign a full window; when the archive cannot take it, the import stops there (its
    articles are committed, and the next import signs them)."""
    try:
        flush_window(store, window, report)
    except DatabaseError as exc:
        report.stopped = str(exc).removesuffix("; nothing was lost")


def _sign_the_rest(store: Store, window: NewArticles, report: Report, dry_run: bool) -> None:
    """Sign the articles waiting in the window, and any a crashed import left unsigned.

    When the archive cannot take it, they stay unsigned (the next import or `dupes` signs
    them): the articles themselves are committed.
    """
    from newscli.dupes import ensure_signed

    try:
        flush_window(store, window, report)
        if not report.stopped and not dry_run:
            ensure_signed(store)
    except DatabaseError as exc:
        report.stopped = report.stopped or str(exc).removesuffix("; nothing was lost")


def _named_outlets(pending: Iterable[PendingArticle], store: Store) -> Iterator[PendingArticle]:
    """The articles, a source given as a domain replaced by the outlet's name where the
    archive already knows it (so re-importing such a file changes nothing)."""
    from newscli.outlets import is_domain, outlet_name
    from newscli.store import sources

    names: list[str] | None = None
    known: dict[str, str | None] = {}
    for item in pending:
        source = item.article.source
        if source and is_domain(source):
            if source not in known:
                names = sources.source_names(store.conn) if names is None else names
                known[source] = outlet_name(source, names,
                                            sources.sources_on_host(store.conn, source.lower()))
            item.article.source = known[source] or source
        yield item


def name_domain_sources(store: Store) -> list[str]:
    """Give articles whose source is a domain the outlet's name, where the archive knows it
    (see newscli.outlets); a note for each source renamed."""
    from newscli.outlets import is_domain, outlet_name
    from newscli.store import now_iso, sources

    names = sources.source_names(store.conn)
    notes = []
    for domain in (name for name in names if is_domain(name)):
        name = outlet_name(domain, names, sources.sources_on_host(store.conn, domain.lower()))
        if name:
            with store.transaction():
                count = sources.rename_source(store.conn, domain, name, now_iso())
            notes.append(f"source {domain} taken as {name} ({count} article"
                         f"{'' if count == 1 else 's'})")
    return notes


def _save_or_stop(store: Store, batch: list[PendingArticle], report: Report, options: Options,
                  states: FileStates, window: NewArticles) -> None:
    """Save the batch; when the archive cannot take it (a full disk), say so in the report.

    The batch is rolled back whole, so the report's counts are exactly what is stored.
    """
    try:
        save_batch(store, batch, report, options.dry_run, states, window)
    except DatabaseError as exc:
        report.stopped = str(exc).removesuffix("; nothing was lost")
        report.not_stored = len(batch)


def is_url(path: str) -> bool:
    """An argument that is fetched (http or https) rather than opened."""
    return path.lower().startswith(URL_PREFIXES)


def _options_fingerprint(options: Options) -> str:
    """What a file's remembered state is valid for: a file imported otherwise is read again."""
    return fingerprint(__version__, options.source, options.tags, options.max_size)


def _skip_unchanged(
    candidates: Iterable[Candidate], states: FileStates, report: Report, progress: Progress | None
) -> Iterator[Candidate]:
    """The candidates to read: a file whose size and mtime are as last imported is counted
    unchanged without being opened."""
    for candidate in candidates:
        state = candidate.file_state()
        if state is not None and states.unchanged(state):
            report.add("unchanged", candidate.name)
            if progress:
                progress(candidate.name)
        else:
            yield candidate


def _to_save(
    parsed: Iterable[ParsedFile], report: Report, progress: Progress | None, options: Options
) -> Iterator[PendingArticle]:
    """The articles parsed, ready to save; what failed goes in the report."""
    for candidate, outcomes in parsed:
        for label, result, multi_record in outcomes:
            if isinstance(result, str):
                report.fail(label, result)
            elif isinstance(result, Skipped):
                report.skip(label, result.reason)
            else:
                if not result.body.strip():
                    report.headline_only += 1
                state = None if multi_record else candidate.file_state()
                yield PendingArticle(label, result, multi_record, state, options.refresh)
        if progress:
            progress(candidate.name)


def _batches(pending: Iterable[PendingArticle], size: int) -> Iterator[list[PendingArticle]]:
    """Runs of size articles, and what is left at the end."""
    batch: list[PendingArticle] = []
    for article in pending:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
