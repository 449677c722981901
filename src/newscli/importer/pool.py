"""Parse many files on every core, in the walk's order, while this process saves.

Worker processes parse chunks of files; when the oldest chunk is not back yet, this process
parses the next one itself rather than wait. Ctrl-C is left to this process alone.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from newscli.importer.options import Options
from newscli.importer.parse import ParseOutcome, is_streamed, parse_candidate
from newscli.importer.saving import prepare
from newscli.importer.walk import Candidate
from newscli.models import Article

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

# Parsing moves to worker processes (see worker_count) when there are at least this many files:
# below it, starting them costs more than they save.
PARALLEL_FROM = 400
CHUNK = 50  # files per task sent to a worker
# Fetched pages (feeds update, import URL) arrive over the network: workers start at once when the
# caller expects this many, so pages are parsed as they arrive rather than after the first 400.
# Smaller chunks let the first pages start sooner and the last ones end together.
PARALLEL_FROM_EXPECTED = 20
FETCHED_CHUNK = 10

ParsedFile = tuple[Candidate, Iterable[ParseOutcome]]  # a file and what it parsed to
Task = Candidate | list[Candidate]  # a streamed file, or a chunk of files


class Ahead:
    """How the importer asks the parse workers for more files than usual: before it stops
    reading their results for a while (signing a window of new articles), so they keep busy.
    Does nothing when there are no workers."""

    def __init__(self) -> None:
        self.more: Callable[[int], None] | None = None  # set while workers run

    def top_up(self, files: int) -> None:
        """Hand the workers about this many files beyond what they have in flight."""
        if self.more is not None:
            self.more(files)


def parse_candidates(
    candidates: Iterable[Candidate], options: Options, *, batch_size: int, parallel: bool = True,
    expected: int | None = None, ahead: Ahead | None = None,
) -> Iterator[ParsedFile]:
    """Each candidate with what it parses to, in order; many files are parsed on every core.

    In parallel, the workers keep about batch_size files ahead: they parse the next batch
    while this process saves one. expected is how many candidates a caller knows are coming
    (pages being fetched): when there are enough, the workers start before the first arrives,
    and parse each chunk as soon as it is in. ahead lets the caller hand them more files
    (Ahead), when they are files on disk.
    """
    iterator = iter(candidates)
    ahead = ahead or Ahead()
    workers = worker_count()
    if parallel and workers >= 1 and (expected or 0) >= PARALLEL_FROM_EXPECTED:
        # Not topped up: that would wait for pages still being fetched, and hold their bytes.
        yield from _parse_in_workers(iterator, options, workers, batch_size, FETCHED_CHUNK, Ahead())
        return
    head = list(itertools.islice(iterator, PARALLEL_FROM))
    if not parallel or len(head) < PARALLEL_FROM or workers < 1:
        for candidate in itertools.chain(head, iterator):
            yield candidate, parse_candidate(candidate, options)
        return
    yield from _parse_in_workers(itertools.chain(head, iterator), options, workers, batch_size, CHUNK,
                                 ahead)


def worker_count() -> int:
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
    candidates: Iterator[Candidate], options: Options, workers: int, batch_size: int, chunk: int,
    ahead: Ahead,
) -> Iterator[ParsedFile]:
    """Parse in worker processes, about a batch ahead, results in the walk's order."""
    import multiprocessing

    # fork: the worker starts with this process's modules loaded, where forkserver runs two more
    # processes (the server and a resource tracker, 25 MB) and imports everything again. The
    # worker never touches the inherited database connection, and leaves by os._exit. The pool
    # is made before the first candidate is asked for: a fetch's threads start after the fork.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(workers, initializer=ignore_interrupts) as pool:
        try:
            yield from _in_order(pool, _tasks(candidates, chunk), options, workers, batch_size,
                                 chunk, ahead)
        finally:
            ahead.more = None


def _in_order(
    pool: Pool, tasks: Iterator[Task], options: Options, workers: int, batch_size: int, chunk: int,
    ahead: Ahead | None = None,
) -> Iterator[ParsedFile]:
    """Hand tasks to the workers, or do them here when the oldest is not back; yield in order.

    Saving and parsing cost about the same per article, so neither side idles. While this
    process saves a batch, the workers parse the next one: a batch's worth of files stays in
    flight, or they sit idle through every save. The window opens as the workers return
    chunks: handed everything at once, they would leave this process nothing to parse in a
    small import.
    """
    queue: deque[AsyncResult[list[ParsedFile]] | DoneHere] = deque()
    widest = max(4 * workers, batch_size // chunk + 2 * workers)
    chunks_back = 0

    def hand_out(task: Task) -> None:
        queue.append(DoneHere(task, options) if isinstance(task, Candidate)
                     else pool.apply_async(parse_chunk, (task, options)))

    def more(files: int) -> None:  # Ahead.top_up, between two results this loop yields
        for task in itertools.islice(tasks, max(1, files // chunk)):
            hand_out(task)

    if ahead is not None:
        ahead.more = more
    while True:
        window = min(widest, 2 * workers + 2 * chunks_back)
        while len(queue) < window and (task := next(tasks, None)) is not None:
            hand_out(task)
        if not queue:
            return
        if not queue[0].ready() and (task := next(tasks, None)) is not None:
            queue.append(DoneHere(task, options))
            continue
        done = queue.popleft()
        chunks_back += not isinstance(done, DoneHere)
        yield from done.get()


class DoneHere:
    """A task this process does itself, in its place in the queue: a chunk of files, parsed now,
    or a JSON Lines file, read a line at a time only when every file before it has been saved."""

    def __init__(self, task: Task, options: Options):
        self.task, self.options = task, options
        self.parsed = None if isinstance(task, Candidate) else parse_chunk(task, options)

    def ready(self) -> bool:
        """As AsyncResult.ready: done already, or done when asked."""
        return True

    def get(self) -> Iterable[ParsedFile]:
        """As AsyncResult.get: the files and what they parsed to."""
        if isinstance(self.task, Candidate):
            return [(self.task, parse_candidate(self.task, self.options))]
        return self.parsed or []


def _tasks(candidates: Iterator[Candidate], size: int) -> Iterator[Task]:
    """Chunks of files for the workers, and the streamed files (alone) in their place."""
    chunk: list[Candidate] = []
    for candidate in candidates:
        if is_streamed(candidate):
            if chunk:
                yield chunk
            yield candidate
            chunk = []
            continue
        chunk.append(candidate)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def parse_chunk(chunk: list[Candidate], options: Options) -> list[ParsedFile]:
    """What a worker runs: parse a chunk of files, and prepare each article for saving.

    A fetched page's bytes are not sent back with its candidate: they are parsed, and saving
    needs only the article (pages of real size are 100 KB and more each).
    """
    parsed: list[ParsedFile] = [(_without_data(c), list(parse_candidate(c, options))) for c in chunk]
    for _candidate, outcomes in parsed:
        for outcome in outcomes:
            if isinstance(outcome.result, Article):
                prepare(outcome.result)
    return parsed


def _without_data(candidate: Candidate) -> Candidate:
    return candidate if candidate.data is None else dataclasses.replace(candidate, data=None)


def ignore_interrupts() -> None:
    """A worker's start: Ctrl-C reaches every process in the group, and the main process
    alone decides what to keep."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
