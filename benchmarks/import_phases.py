"""Where an import's time goes as the archive grows: wall time per phase, batch by batch.

Runs one real import in this process (the parse worker as usual) with timers around the
writer's steps, and writes one line per batch: articles stored so far, then the cumulative
seconds of each phase, the writer's CPU, the write-ahead log's size and the resident memory of
the writer and its workers. A profiler would slow the million small calls it measures; these
timers wrap a few calls per batch (and the row insert, about 1 microsecond each).

    python benchmarks/import_phases.py ARCHIVE.db FOLDER [--out phases.tsv] [--every 100000]

At the end it prints, for each stretch of --every articles, the milliseconds per article of
each phase (benchmarks/RESULTS.md, "Where an article's import goes at 1,000,000").
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
SPENT: dict[str, float] = defaultdict(float)


def timed(owner: object, name: str, phase: str) -> None:
    """Replace owner.name by a wrapper that adds its wall time to SPENT[phase]."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[phase] += time.perf_counter() - start

    setattr(owner, name, wrapper)


def resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE / 1e6
    except OSError:
        return 0.0


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


PHASES = ("parse_here", "lookups", "row", "index_form", "fts_insert", "commit", "sign_rows",
          "bucket_members", "signing_all", "file_states")


def instrument() -> None:
    from newscli import dupes
    from newscli.importer import pool, saving
    from newscli.store import articles, connection, filestates, search_text, signatures

    timed(pool, "parse_chunk", "parse_here")  # in this process: only chunks parsed here
    timed(saving._BatchSaver, "__init__", "lookups")
    timed(articles, "insert", "row")
    timed(search_text, "save", "index_form")
    timed(search_text, "index_from", "fts_insert")
    timed(connection, "commit", "commit")
    timed(signatures, "store_signatures", "sign_rows")
    timed(signatures, "bucket_members", "bucket_members")
    timed(dupes.NewArticles, "flush", "signing_all")
    timed(filestates.FileStates, "remember", "file_states")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, default=Path("phases.tsv"))
    parser.add_argument("--every", type=int, default=100_000)
    args = parser.parse_args()

    instrument()
    from newscli import importer
    from newscli.store import Store

    wal = Path(f"{args.db}-wal")
    lines: list[list[float]] = []
    stored = 0
    start = time.perf_counter()
    save = importer._save_or_stop

    def save_and_log(store, batch, report, *rest):  # type: ignore[no-untyped-def]
        nonlocal stored
        save(store, batch, report, *rest)
        stored += len(batch)
        times = os.times()
        workers = sum(resident_mb(child) for child in children(os.getpid()))
        lines.append([stored, time.perf_counter() - start, *(SPENT[p] for p in PHASES),
                      times.user, times.system, wal.stat().st_size / 1e6 if wal.exists() else 0,
                      resident_mb(os.getpid()), workers])

    importer._save_or_stop = save_and_log
    store = Store.open(args.db)
    importer.import_paths(store, [str(args.folder)])
    times = os.times()
    lines.append([stored, time.perf_counter() - start, *(SPENT[p] for p in PHASES), times.user,
                  times.system, lines[-1][-3] if lines else 0, resident_mb(os.getpid()), 0])
    header = ["articles", "wall", *PHASES, "user", "sys", "wal_mb", "writer_mb", "workers_mb"]
    with args.out.open("w") as out:
        out.write("\t".join(header) + "\n")
        for line in lines:
            out.write("\t".join(f"{value:.3f}" for value in line) + "\n")
    print(f"{stored} articles in {lines[-1][1]:.1f} s", file=sys.stderr)
    summarize(header, lines, args.every)


def summarize(header: list[str], lines: list[list[float]], every: int) -> None:
    """Milliseconds per article of each phase, stretch by stretch of `every` articles."""
    # The last line is the signing after the last batch: it joins the last stretch.
    marks = [line for line in lines[:-2] if int(line[0]) % every == 0] + lines[-1:]
    previous = [0.0] * len(header)
    shown = ["articles", "wall", *PHASES, "user", "sys"]
    print("\t".join(["to", *[f"{name}" for name in shown[1:]], "wal_mb", "writer_mb", "workers_mb"]))
    for line in marks:
        count = line[0] - previous[0]
        per = [(line[i] - previous[i]) * 1000 / count for i in range(1, len(shown))]
        peaks = [max(row[i] for row in lines if previous[0] <= row[0] <= line[0])
                 for i in range(len(shown), len(header))]
        print("\t".join([f"{int(line[0])}", *(f"{value:.3f}" for value in per),
                         *(f"{value:.0f}" for value in peaks)]))
        previous = line
    whole = lines[-1]
    print("\t".join(["all", *(f"{whole[i] * 1000 / max(whole[0], 1):.3f}" for i in range(1, len(shown))),
                     *(f"{max(row[i] for row in lines):.0f}" for i in range(len(shown), len(header)))]))


if __name__ == "__main__":
    main()
