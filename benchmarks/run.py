"""Benchmarks: newscli side by side with the tools people use instead, in the same run.

    .venv/bin/python benchmarks/run.py --articles 10000 100000

Builds each corpus once (benchmarks/corpus/N, reused while the generator is unchanged), then
times whole processes - several runs each, the median reported - and records the peak memory
of each child (getrusage via wait4). Writes N.json, N.md and a RESULTS.md of the figures to an
output folder (--output, default benchmarks/work/results, not tracked by git). Only with
--write-results does it store them in the tracked benchmarks/results/ and rewrite the figures
section of benchmarks/RESULTS.md (the notes around it are kept; sizes not rerun stay).

A benchmark whose newscli command does not exist yet (`newscli CMD --help` fails, or lacks the
option it needs) is skipped with a note, so the suite keeps working as commands land.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (a sibling script, not a package)

BIN = Path(sys.executable).parent
RESULTS_MD = HERE / "RESULTS.md"
REAL_CORPUS = ROOT.parent / "shared" / "corpora" / "optech"  # real posts, when present
START_MARK, END_MARK = "<!-- figures:start -->", "<!-- figures:end -->"
RELATED_CHECK = (2000, 300)  # articles generated, articles asked about (related_eval.py)


@dataclass
class Timing:
    """One command's runs: median wall time, peak memory, what it printed."""

    median: float
    runs: list[float]
    peak_mb: float
    exit_codes: list[int]
    stdout_bytes: int
    stderr_tail: str = ""


@dataclass
class Row:
    group: str
    name: str
    newscli: Timing | None = None
    other: Timing | None = None
    other_name: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    commands: list[str] = field(default_factory=list)
    shown: str = ""  # a figure other than the time (memory) for the two columns
    other_shown: str = ""


# -- running and timing children --------------------------------------------------------------


def run_once(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, int, str]:
    """(seconds, peak MB, exit code, stdout bytes, stderr tail) of one child process.

    stdout goes through a pipe that is read to the end (never /dev/null, which lets some tools
    stop at the first match). Peak memory is the larger of the child's own peak (wait4) and the
    peak sum over the child and every process it started (worker processes included).
    """
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                env=env)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        assert proc.stdout is not None
        size = 0
        while chunk := proc.stdout.read(1 << 16):
            size += len(chunk)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        err.seek(0)
        tail = err.read()[-400:].decode("utf-8", "replace")
    return elapsed, max(usage.ru_maxrss / 1024, sampler.peak_mb), proc.returncode, size, tail


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and all its descendants, keeping the peak."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_mb = max(self.peak_mb, self.sample())

    def stop(self) -> None:
        self._done.set()
        self.join()

    def sample(self) -> float:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(entry.name)
            parents[pid] = int(fields[1])  # state is fields[0], ppid fields[1]
            rss[pid] = int(fields[21])  # rss in pages
        tree, frontier = {self.pid}, [self.pid]
        while frontier:
            parent = frontier.pop()
            for pid, ppid in parents.items():
                if ppid == parent and pid not in tree:
                    tree.add(pid)
                    frontier.append(pid)
        pages = sum(rss.get(pid, 0) for pid in tree)
        return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def measure(steps: list[list[str]], runs: int, *, prepare=None, warmup: int = 0,
            env: dict[str, str] | None = None) -> Timing:
    """Time a command (or several run one after the other, like `a && b`) over several runs."""
    times, peaks, codes, size, tail = [], [], [], 0, ""
    for number in range(warmup + runs):
        if prepare:
            prepare()
        total, peak = 0.0, 0.0
        for argv in steps:
            seconds, mb, code, size, tail = run_once(argv, env)
            total, peak = total + seconds, max(peak, mb)
            codes.append(code)
            if code != 0:
                break
        if number >= warmup:
            times.append(total)
            peaks.append(peak)
    return Timing(round(statistics.median(times), 4), [round(t, 4) for t in times],
                  round(max(peaks), 1), codes, size, tail if any(codes) else "")


def shell(steps: list[list[str]]) -> str:
    import shlex

    return " && ".join(shlex.join(_short(argv)) for argv in steps)


def _short(argv: list[str]) -> list[str]:
    """Commands as a reader would type them: no venv or work-folder prefixes."""
    out = []
    for arg in argv:
        for prefix in (str(BIN) + "/", str(HERE) + "/"):
            arg = arg.replace(prefix, "")
        out.append(arg.replace(str(ROOT.parent) + "/", "../"))  # the shared corpora, as the README says
    return out


# -- tools ----------------------------------------------------------------------------------------


def ensure_tools() -> dict[str, str]:
    """rg from Debian's packages when missing; the sqlite-utils CLI comes with the package."""
    if shutil.which("rg") is None and shutil.which("apt-get"):
        print("installing ripgrep with apt-get ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "ripgrep"], check=False,
                       stdout=subprocess.DEVNULL)
    tools = {"newscli": str(BIN / "newscli"), "sqlite-utils": str(BIN / "sqlite-utils"),
             "python": sys.executable, "rg": shutil.which("rg") or ""}
    for name in ("newscli", "sqlite-utils"):
        if not Path(tools[name]).exists():
            sys.exit(f"{tools[name]} not found: run from the project's venv "
                     "(pip install -e '.[dev]'), as .venv/bin/python benchmarks/run.py")
    return tools


def has_command(tools: dict[str, str], command: str, *options: str) -> tuple[bool, str]:
    """Whether `newscli COMMAND` exists and knows every option; else the note to print."""
    proc = subprocess.run([tools["newscli"], command, "--help"], capture_output=True, text=True)
    if proc.returncode != 0:
        return False, f"skipped: `newscli {command}` does not exist yet"
    missing = [o for o in options if o not in proc.stdout]
    if missing:
        return False, f"skipped: `newscli {command}` has no {', '.join(missing)} yet"
    return True, ""


def machine() -> dict[str, object]:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    rg = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.split("\n")[0] \
        if shutil.which("rg") else "absent"
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    # Runs are comparable when the code under test is the same, whatever else was committed.
    source = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD:src"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "date": dt.datetime.now().isoformat(timespec="minutes"),
        "cores": os.cpu_count(),
        "memory": memory,
        "cpu": _cpu_model(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "ripgrep": rg,
        "sqlite-utils": _version("sqlite-utils"),
        "newscli": f"{_version('newscli')} ({commit})",
        "source": source + ("+changes" if dirty else ""),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


# -- the benchmarks ---------------------------------------------------------------------------


class Suite:
    def __init__(self, n: int, runs: int, tools: dict[str, str], work: Path, corpus_root: Path):
        self.n, self.runs, self.tools = n, runs, tools
        self.work = work / str(n)
        self.work.mkdir(parents=True, exist_ok=True)
        self.corpus_dir = corpus_root / str(n)
        self.manifest = corpus.ensure(self.corpus_dir, n)
        self.articles = str(self.corpus_dir / "articles")
        self.db = self.work / "newscli.db"
        self.diy_db = self.work / "diy.db"
        self.rows: list[Row] = []
        self.checks: list[str] = []
        self.import_timing: Timing | None = None
        self.env = {**os.environ, "NO_COLOR": "1"}
        self.env.pop("NEWSCLI_DB", None)
        # newscli is installed editable: its modules get their compiled (.pyc) files on first
        # run, as pip gives an installed package's (Typer's) at install. Without them every run
        # compiled the modules it imports again: about 20 ms more for a search, 4 ms for --version.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)

    def newscli(self, *args: str) -> list[str]:
        return [self.tools["newscli"], "--db", str(self.db), *args]

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        status = "skipped" if row.newscli is None else row.shown or f"{row.newscli.median:.3f}s"
        other = f" vs {row.other_shown or f'{row.other.median:.3f}s'}" if row.other else ""
        ratio = f" ratio {row.ratio:.2f}" if row.ratio is not None else ""
        met = {True: " met", False: " MISSED", None: ""}[row.met]
        print(f"  {row.group:10} {row.name:34} {status}{other}{ratio}{met} {row.note}",
              file=sys.stderr, flush=True)
        return row

    def run_all(self) -> None:
        self.run_some(["import", "startup", "search", "read", "insight"])

    def run_some(self, groups: list[str]) -> None:
        print(f"{self.n:,} articles ({self.manifest['bytes'] / 1e6:,.0f} MB) in {self.articles}",
              file=sys.stderr)
        if "import" in groups or not self.db.exists():
            self.import_side_by_side()
            self.reimport()
            self.real_import()
        self.check_archive()
        if "startup" in groups:
            self.startup()
        if "search" in groups:
            self.search()
            self.long_queries()
        if "read" in groups:
            self.read_side()
        if "insight" in groups:
            self.insights()

    # import -----------------------------------------------------------------------------------

    def import_side_by_side(self) -> None:
        runs = max(1, min(self.runs, 3))
        ours = [self.newscli("import", self.articles, "--quiet")]
        diy = [
            [self.tools["sqlite-utils"], "insert-files", str(self.diy_db), "articles", self.articles,
             "--text", "--silent"],
            [self.tools["sqlite-utils"], "enable-fts", str(self.diy_db), "articles", "content_text",
             "--tokenize", "porter"],
        ]
        theirs = measure(diy, runs, prepare=lambda: _remove_db(self.diy_db), env=self.env)
        mine = measure(ours, runs, prepare=lambda: _remove_db(self.db), env=self.env)
        ratio = mine.median / theirs.median
        megabytes = self.manifest["bytes"] / 1e6
        note = (f"{self.n / mine.median:,.0f} articles/s, {megabytes / mine.median:,.1f} MB/s; "
                f"do-it-yourself {self.n / theirs.median:,.0f} articles/s")
        self.add(Row("import", "import (new database)", mine, theirs, "sqlite-utils insert-files "
                     "+ enable-fts", ratio, "<= 0.8x", ratio <= 0.8, note,
                     [shell(ours), shell(diy)]))
        self.add(Row("import", "import peak memory (all processes)", mine, theirs,
                     "do-it-yourself", None,
                     "< 200 MB", mine.peak_mb < 200, "", shown=f"{mine.peak_mb:.0f} MB",
                     other_shown=f"{theirs.peak_mb:.0f} MB"))
        self.import_timing = mine

    def reimport(self) -> None:
        assert self.import_timing is not None
        argv = [self.newscli("import", self.articles, "--quiet")]
        again = measure(argv, self.runs, env=self.env)
        ratio = again.median / self.import_timing.median
        self.add(Row("import", "re-import (unchanged corpus)", again, self.import_timing,
                     "first import", ratio, "<= 0.2x", ratio <= 0.2, "", [shell(argv)]))

    def real_import(self) -> None:
        """The same side-by-side import on real Markdown posts (the optech corpus)."""
        if not REAL_CORPUS.is_dir():
            return
        db, diy_db = self.work / "real.db", self.work / "real-diy.db"
        ours = [[self.tools["newscli"], "--db", str(db), "import", str(REAL_CORPUS), "--quiet"]]
        diy = [
            [self.tools["sqlite-utils"], "insert-files", str(diy_db), "articles", str(REAL_CORPUS),
             "--text", "--silent"],
            [self.tools["sqlite-utils"], "enable-fts", str(diy_db), "articles", "content_text",
             "--tokenize", "porter"],
        ]
        runs = max(1, min(self.runs, 3))
        theirs = measure(diy, runs, prepare=lambda: _remove_db(diy_db), env=self.env)
        # exit 1 is expected: a few real posts fail to parse, and are reported
        mine = measure(ours, runs, prepare=lambda: _remove_db(db), env=self.env)
        stored = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
        files = sqlite3.connect(diy_db).execute("SELECT count(*) FROM articles").fetchone()[0]
        ratio = mine.median / theirs.median
        self.add(Row("real", "import optech (real posts)", mine, theirs, "sqlite-utils insert-"
                     "files + enable-fts", ratio, "", None, f"{stored:,} articles from {files:,} files",
                     [shell(ours), shell(diy)]))

    def check_archive(self) -> None:
        """The hit counts the manifest promises, in the archive and in the folder."""
        conn = sqlite3.connect(self.db)
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        self.checks.append(f"articles stored: {stored:,} of {self.n:,}"
                           + ("" if stored == self.n else "  <-- MISMATCH"))
        for query in self.queries():
            got = conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                               (query["fts"],)).fetchone()[0]
            line = f"{query['name']}: {query['fts']} -> {got:,} in the archive"
            if self.tools["rg"]:
                files = subprocess.run([self.tools["rg"], "-l", "-w", query["rg"], self.articles],
                                       capture_output=True, text=True).stdout.count("\n")
                line += f", {files:,} files by rg"
            ok = got == query["expected"] and (not self.tools["rg"] or files == query["expected"])
            line += f" (expected {query['expected']:,})" + ("" if ok else "  <-- MISMATCH")
            self.checks.append(line)
        row = conn.execute("SELECT slug FROM articles ORDER BY id LIMIT 1 OFFSET ?",
                           (self.n // 2,)).fetchone()
        self.sample_slug = row[0] if row else "missing"
        conn.close()

    def queries(self) -> list[dict]:
        terms, expected = self.manifest["terms"], self.manifest["expected"]
        phrase, title = terms["phrase"], terms["title"]
        return [
            {"name": "rare", "newscli": terms["rare"], "fts": terms["rare"], "rg": terms["rare"],
             "expected": expected[terms["rare"]]},
            {"name": "medium", "newscli": terms["medium"], "fts": terms["medium"],
             "rg": terms["medium"], "expected": expected[terms["medium"]]},
            {"name": "common", "newscli": terms["common"], "fts": terms["common"],
             "rg": terms["common"], "expected": expected[terms["common"]]},
            {"name": "phrase", "newscli": f'"{phrase}"', "fts": f'"{phrase}"', "rg": phrase,
             "expected": expected[phrase]},
            # In the files the title term is capitalised only where it is in a title.
            {"name": "field", "newscli": f"title:{title}", "fts": f"title:{title}",
             "rg": title.capitalize(), "expected": expected[f"title:{title}"]},
        ]

    # start-up ---------------------------------------------------------------------------------

    def startup(self) -> None:
        runs = max(self.runs * 8, 40)  # short and noisy: many runs
        ours = [[self.tools["newscli"], "--version"]]
        typer = [[self.tools["python"], "-c", "import typer"]]
        theirs = measure(typer, runs, warmup=2, env=self.env)
        mine = measure(ours, runs, warmup=2, env=self.env)
        ratio = mine.median / theirs.median
        bare = measure([[self.tools["python"], "-c", "pass"]], runs, warmup=2, env=self.env)
        self.add(Row("start-up", "newscli --version", mine, theirs, 'python -c "import typer"',
                     ratio, "<= 1.2x", ratio <= 1.2, f"bare python {bare.median * 1000:.0f} ms",
                     [shell(ours), shell(typer)]))

    # search -----------------------------------------------------------------------------------

    def search(self) -> None:
        available, note = has_command(self.tools, "search", "--limit")
        for query in self.queries():
            name = f"search {query['name']} ({query['expected']:,} hits)"
            ours = [self.newscli("search", query["newscli"], "--limit", "20")]
            sqlite_utils = [[self.tools["sqlite-utils"], "search", str(self.db), "articles",
                             query["fts"], "--limit", "20", "-c", "slug", "-c", "title"]]
            rg = [[self.tools["rg"], "-l", "-w", query["rg"], self.articles]]
            if not available:
                self.add(Row("search", name, note=note, target="<= 0.6x sqlite-utils, "
                             "<= 0.35x rg", commands=[shell(ours)]))
                continue
            mine = measure(ours, self.runs, warmup=1, env=self.env)
            theirs = measure(sqlite_utils, self.runs, warmup=1, env=self.env)
            ratio = mine.median / theirs.median
            self.add(Row("search", name, mine, theirs, "sqlite-utils search", ratio, "<= 0.6x",
                         ratio <= 0.6, _exit_note(mine), [shell(ours), shell(sqlite_utils)]))
            if self.tools["rg"]:
                grep = measure(rg, self.runs, warmup=1, env=self.env)  # warm page cache
                ratio = mine.median / grep.median
                self.add(Row("search", name, mine, grep, "rg -l -w", ratio, "<= 0.35x",
                             ratio <= 0.35, "", [shell(rg)]))

    def long_queries(self) -> None:
        """Queries of 10,000 characters (issue: query cost grew faster than their length)."""
        medium = self.manifest["terms"]["medium"]
        for name, joiner in (("one word repeated", " "), ("x OR x ... repeated", " OR ")):
            text = joiner.join([medium] * (10_000 // (len(medium) + len(joiner))))
            self.simple("search", f"search 10,000 chars: {name}",
                        ["search", text[:10_000].rsplit(" ", 1)[0], "--limit", "20"],
                        ("--limit",), "< 1 s", 1.0)

    # read side and insights ---------------------------------------------------------------------

    def read_side(self) -> None:
        self.simple("list", "list --limit 50", ["list", "--limit", "50"], ("--limit",), "")
        self.simple("show", "show SLUG", ["show", self.sample_slug], (), "")
        available, note = has_command(self.tools, "export", "--format")
        argv = [self.newscli("export", "--format", "jsonl")]
        if not available or self.import_timing is None:
            note = note or "skipped: needs the import figures of the same run"
            self.add(Row("export", "export --format jsonl (all)", note=note,
                         target="faster than import, flat memory", commands=[shell(argv)]))
            return
        mine = measure(argv, max(1, min(self.runs, 3)), env=self.env)
        ratio = mine.median / self.import_timing.median
        self.add(Row("export", "export --format jsonl (all)", mine, self.import_timing,
                     "first import", ratio, "< 1x import, flat memory", ratio < 1,
                     f"{mine.stdout_bytes / 1e6:,.0f} MB written, peak {mine.peak_mb:.0f} MB"
                     + _exit_note(mine), [shell(argv)]))

    def insights(self) -> None:
        self.simple("insight", "stats --by month", ["stats", "--by", "month"], ("--by",), "< 1 s",
                    1.0)
        terms, expected = self.manifest["terms"], self.manifest["expected"]
        common, medium = terms["common"], terms["medium"]
        # The common term is in one article in twenty: 5,000 of 100,000.
        hits = f"{expected[common]:,} of {self.n:,}"
        self.simple("insight", f"stats QUERY --by month, shares ({hits})",
                    ["stats", common, "--by", "month"], ("--by",), "< 1 s", 1.0)
        self.simple("insight", "compare 2 queries --by month",
                    ["compare", common, medium, "--by", "month"], ("--by",), "< 1 s", 1.0)
        self.simple("insight", f"keywords QUERY ({hits})", ["keywords", common], ("--limit",),
                    "< 1 s", 1.0)
        self.simple("insight", "related SLUG", ["related", self.sample_slug], (), "< 1 s", 1.0)
        self.simple("insight", "dupes", ["dupes"], (), "< 30 s", 30.0, runs=1)
        self.related_precision()

    def related_precision(self) -> None:
        """`related` on the labelled check (benchmarks/related_eval.py): the same at any size."""
        if getattr(Suite, "_precision", None) is None:
            import related_eval

            Suite._precision = related_eval.evaluate(RELATED_CHECK[0], RELATED_CHECK[1])
        found = Suite._precision
        timing = Timing(found["median_seconds"], [found["median_seconds"]], 0.0, [0], 0)
        self.add(Row("insight", "related precision@5 (labelled check)", timing, None, "", None,
                     ">= 0.95", found["precision"] >= 0.95,
                     f"{found['sampled']} of {found['articles']:,} generated articles in 5 desks "
                     f"sharing vocabulary; {found['median_seconds'] * 1000:.0f} ms a query",
                     ["python benchmarks/related_eval.py"], shown=f"{found['precision']:.3f}"))

    def simple(self, group: str, name: str, args: list[str], options: tuple[str, ...],
               target: str, limit: float | None = None, runs: int | None = None) -> None:
        argv = [self.newscli(*args)]
        available, note = has_command(self.tools, args[0], *options)
        if not available:
            self.add(Row(group, name, note=note, target=target, commands=[shell(argv)]))
            return
        mine = measure(argv, runs or self.runs, warmup=1 if runs is None else 0, env=self.env)
        met = None if limit is None else mine.median < limit and not any(mine.exit_codes)
        self.add(Row(group, name, mine, None, "", None, target, met,
                     f"peak {mine.peak_mb:.0f} MB" + _exit_note(mine), [shell(argv)]))

    def result(self, info: dict) -> dict:
        return {"articles": self.n, "manifest": self.manifest, "machine": info,
                "rows": [asdict(r) for r in self.rows], "checks": self.checks}


def _exit_note(timing: Timing) -> str:
    bad = sorted({c for c in timing.exit_codes if c})
    return f"; exit {bad}: {timing.stderr_tail.strip()[:120]}" if bad else ""


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# -- reports ----------------------------------------------------------------------------------


def size_markdown(result: dict) -> str:
    n = result["articles"]
    manifest = result["manifest"]
    lines = [f"### {n:,} articles ({manifest['bytes'] / 1e6:,.0f} MB of files)", "",
             "| benchmark | newscli | compared with | their time | ratio | target | met | notes |",
             "|---|---:|---|---:|---:|---|:-:|---|"]
    for row in result["rows"]:
        ours = row["shown"] or _seconds(row["newscli"])
        theirs = row["other_shown"] or _seconds(row["other"])
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else ""
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        lines.append(f"| {row['name']} | {ours} | {row['other_name']} | {theirs} | {ratio} | "
                     f"{row['target']} | {met} | {row['note']} |")
    lines += ["", "Checks (hit counts against the corpus manifest):", ""]
    lines += [f"- {c}" for c in result["checks"]]
    lines += ["", "<details><summary>Commands</summary>", "", "```sh"]
    seen: set[str] = set()
    for row in result["rows"]:
        for command in row["commands"]:
            if command not in seen:
                seen.add(command)
                # Paths as seen from the project root, so no machine's folders are written down.
                lines.append(command.replace(str(ROOT) + "/", "").replace(str(ROOT.parent) + "/", "../"))
    lines += ["```", "", "</details>", ""]
    return "\n".join(lines)


def _seconds(timing: dict | None) -> str:
    if not timing:
        return ""
    value = timing["median"]
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def scaling_markdown(results: list[dict]) -> str:
    """The same figures at each size, and how each grows with the number of articles."""
    if len(results) < 2:
        return ""
    results = sorted(results, key=lambda r: r["articles"])
    sizes = [r["articles"] for r in results]
    names: list[str] = []
    for result in results:
        for row in result["rows"]:
            if (row["newscli"] and _kind(row["name"]) not in names and not row["shown"]
                    and row["group"] != "real"):
                names.append(_kind(row["name"]))
    header = " | ".join(f"{n:,}" for n in sizes)
    lines = ["### Scaling", "", f"| benchmark | {header} | growth | compared with | their growth |",
             "|---|" + "---:|" * len(sizes) + "---|---|---|"]
    for name in names:
        cells, points, theirs, other = [], [], [], ""
        for result in results:
            row = next((r for r in result["rows"] if _kind(r["name"]) == name and r["newscli"]),
                       None)
            cells.append(_seconds(row["newscli"]) if row else "")
            if row:
                points.append((result["articles"], row["newscli"]["median"]))
                if row["other"] and row["other_name"] != "first import":
                    other = row["other_name"]
                    theirs.append((result["articles"], row["other"]["median"]))
        lines.append(f"| {name} | {' | '.join(cells)} | {_growth(points)} | {other} | "
                     f"{_growth(theirs)} |")
    lines += ["", "Growth is the exponent k in time ~ articles^k between the smallest and largest "
              "size: about 1 is linear, about 0 is flat (the cost does not depend on the archive "
              "size).", ""]
    return "\n".join(lines)


def _kind(name: str) -> str:
    """A benchmark's name without its hit count, which grows with the corpus: one row a query."""
    return re.sub(r" \([\d,]+ hits\)$", "", name)


def _growth(points: list[tuple[int, float]]) -> str:
    if len(points) < 2:
        return ""
    (n1, t1), (n2, t2) = points[0], points[-1]
    k = math.log(t2 / t1) / math.log(n2 / n1)
    words = "flat" if k < 0.15 else "sub-linear" if k < 0.8 else "linear" if k < 1.2 \
        else "super-linear"
    return f"k = {k:.2f} ({words})"


def machine_markdown(info: dict) -> str:
    keys = ("date", "cores", "memory", "cpu", "os", "python", "sqlite", "sqlite-utils", "ripgrep",
            "newscli", "source")
    return "\n".join(["| machine | |", "|---|---|", *[f"| {k} | {info.get(k, '')} |" for k in keys], ""])


TRACKED_RESULTS = HERE / "results"
DEFAULT_OUTPUT = HERE / "work" / "results"


def destinations(args: argparse.Namespace) -> tuple[Path, Path]:
    """Where a run writes its N.json/N.md and its RESULTS.md: the tracked files only when asked."""
    if args.write_results:
        return TRACKED_RESULTS, RESULTS_MD
    output = args.output or DEFAULT_OUTPUT
    return output, output / "RESULTS.md"


def write_reports(results_dir: Path, fresh: list[dict], results_md: Path = RESULTS_MD) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    for result in fresh:
        n = result["articles"]
        (results_dir / f"{n}.json").write_text(json.dumps(result, indent=1) + "\n")
        (results_dir / f"{n}.md").write_text(size_markdown(result))
    # RESULTS.md shows every stored size measured on the same source tree as this run.
    stored = [json.loads(p.read_text()) for p in sorted(results_dir.glob("*.json"))]
    source = fresh[0]["machine"].get("source")
    same = [r for r in stored if r["machine"].get("source") == source]
    # Sizes measured on another source tree are kept, with their machine, not dropped.
    older = [r for r in stored if r["machine"].get("source") != source]
    figures = [
        START_MARK,
        "",
        "_Generated by `benchmarks/run.py`; edit outside the markers._",
        "",
        machine_markdown(fresh[0]["machine"]),
        *[size_markdown(r) for r in sorted(same, key=lambda r: r["articles"])],
        scaling_markdown(same),
        *[f"Measured earlier, on source {r['machine'].get('source', '?')}:\n\n"
          + machine_markdown(r["machine"]) + "\n" + size_markdown(r)
          for r in sorted(older, key=lambda r: r["articles"])],
        END_MARK,
    ]
    block = "\n".join(figures)
    text = (results_md.read_text() if results_md.exists()
            else f"# Benchmark results\n\n{block}\n")
    if START_MARK in text and END_MARK in text:
        before, rest = text.split(START_MARK, 1)
        after = rest.split(END_MARK, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    results_md.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000],
                        help="corpus sizes, e.g. --articles 10000 100000")
    parser.add_argument("--runs", type=int, default=5, help="runs per benchmark (median taken; "
                        "imports run at most 3 times)")
    parser.add_argument("--work", type=Path, default=HERE / "work",
                        help="databases are built here")
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus",
                        help="corpora are generated here, one folder per size")
    parser.add_argument("--output", type=Path, default=None,
                        help="folder for this run's figures [default: benchmarks/work/results]")
    parser.add_argument("--write-results", action="store_true",
                        help="store the figures in the tracked benchmarks/results/ and rewrite "
                        "benchmarks/RESULTS.md")
    parser.add_argument("--only", help="comma-separated groups to run, e.g. import,startup "
                        "(for profiling; RESULTS.md is not rewritten)")
    args = parser.parse_args(argv)
    results_dir, results_md = destinations(args)
    tools = ensure_tools()
    info = machine()
    fresh = []
    for n in args.articles:
        suite = Suite(n, args.runs, tools, args.work, args.corpus)
        if args.only:
            suite.run_some(args.only.split(","))
            continue
        suite.run_all()
        fresh.append(suite.result(info))
        write_reports(results_dir, fresh, results_md)
    if fresh:
        print(f"wrote {results_md} and {results_dir}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
