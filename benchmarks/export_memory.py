"""Peak memory and time of `newscli export` in every format, at two archive sizes.

Flat memory means the peak barely moves when the archive grows tenfold.

    python benchmarks/export_memory.py            # 10,000 and 100,000 articles
    python benchmarks/export_memory.py 1000 5000  # other sizes
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = [
    ("jsonl", ["--format", "jsonl", "-o", "{out}/a.jsonl"]),
    ("json", ["--format", "json", "-o", "{out}/a.json"]),
    ("csv", ["--format", "csv", "-o", "{out}/a.csv"]),
    ("markdown", ["--format", "markdown", "-o", "{out}/a.md"]),
    ("markdown --dir", ["--dir", "{out}/md"]),
    ("html", ["--format", "html", "-o", "{out}/a.html"]),
]
# A child that runs the command line in-process, then reports its own peak resident memory.
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so a child of a parent that
# has just built a large archive would report the parent's size; VmHWM starts anew at exec.
CHILD = """
import resource, sys
from newscli.cli import app
try:
    app(sys.argv[1:], prog_name="newscli")
except SystemExit as exc:
    code = exc.code
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak, code, file=sys.stderr)
"""
WORDS = ("harbour ferry council water drought wind farm port authority island fishermen museum "
         "reservoir plant turbine court grant mayor recount festival tanker").split()


def build(db: Path, count: int) -> None:
    from newscli.models import Article
    from newscli.store import Store, now_iso

    rng = random.Random(count)
    store = Store.open(db)
    now = now_iso()
    with store.transaction():
        for number in range(count):
            body = "\n\n".join(" ".join(rng.choices(WORDS, k=60)) for _ in range(6))
            article = Article(
                title=f"{' '.join(rng.choices(WORDS, k=6)).title()} {number}", body=body,
                source=rng.choice(["Coastal Herald", "Regional Wire", "Bay Radio News"]),
                published=f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                tags=rng.sample(WORDS, 3), meta={"n": number},
            )
            store.insert(article, f"article-{number}", now)
    store.close()


def measure(db: Path, args: list[str], ok: tuple[str, ...] = ("0", "None")) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "--db", str(db), "export", *args],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak_kb, code = done.stderr.split()[-2:]
    if code not in ok:
        raise SystemExit(done.stderr)
    return elapsed, int(peak_kb)


def main(sizes: list[int]) -> None:
    print(f"{'format':16}" + "".join(f"{n:>14,} articles" for n in sizes))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for size in sizes:
            build(folder / f"{size}.db", size)
        for label, template in RUNS:
            cells = []
            for size in sizes:
                out = folder / f"out-{size}-{label.replace(' ', '')}"
                out.mkdir()
                elapsed, peak = measure(folder / f"{size}.db", [a.format(out=out) for a in template])
                cells.append(f"{peak / 1024:8.0f} MB {elapsed:6.1f}s")
            print(f"{label:16}" + "".join(f"{c:>23}" for c in cells))


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [10_000, 100_000])
