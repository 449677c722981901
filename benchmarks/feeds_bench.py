"""`feeds update` against local servers that add latency to every response; nothing leaves the machine.

Starts one threaded HTTP server per simulated host on 127.0.0.1 ... 127.0.0.N (all loopback on
Linux), each serving a feed of E entries and their pages, every response delayed by --latency.
Then, in a fresh archive, in real `newscli` processes: `feeds add` for each feed, a first
`feeds update` (every entry new), and a second one (nothing new: one conditional request per
feed). Prints the wall times, the floor the per-host limit allows (a host's pages times the
latency, divided by the per-host concurrency), the CPU time and peak memory of each update, and
the time of `alerts check` with 20 alerts after the import (each matching every new article).

With --archive N the archive holds N generated articles (benchmarks/corpus.py, the corpus of
run.py) before the feeds are added: each alert is then `WORD OR said`, and "said" is in nearly
every one of the N, so the check has to keep to the articles imported since it was added. The
archive of N articles is imported once and copied for each run (benchmarks/work/feeds/).

    python benchmarks/feeds_bench.py                     # 20 feeds x 50 entries, 50 ms
    python benchmarks/feeds_bench.py --feeds 5 --entries 10
    python benchmarks/feeds_bench.py --archive 100000    # alerts check on 100,000 + 1,000 articles
    python benchmarks/feeds_bench.py --page-kb 100       # pages of about 100 KB (a menu, scripts)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NEWSCLI = [sys.executable, "-m", "newscli"]
HERE = Path(__file__).resolve().parent
WORDS = ("harbour ferry council budget water plant wind farm quay dues boats school roads rail "
         "bridge election mayor port storm flood housing clinic library market").split()


def page(host: int, n: int, pad_kb: int = 0) -> bytes:
    words = [WORDS[(host * 7 + n * 3 + i) % len(WORDS)] for i in range(40)]
    paras = "".join(f"<p>Host {host} story {n} paragraph {i}: {' '.join(words[i:] + words[:i])}.</p>"
                    for i in range(8))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Story {n} from "
            f"site {host}</title></head><body><nav>Home{menu(pad_kb)}</nav><article><h1>Story {n} from "
            f"site {host}</h1>{paras}</article><footer>footer</footer></body></html>").encode()


def menu(kb: int) -> str:
    """About kb KB more of what real pages carry besides the story: a menu of 60 links, and the
    rest inline script (0: nothing)."""
    if not kb:
        return ""
    links = "".join(f"<li><a href='/section/{i}'>Section {i} news</a></li>" for i in range(60))
    script = "var tracking = {" + ",".join(f"'k{i}': {i}" for i in range(kb * 1024 // 12)) + "};"
    return f"<ul>{links}</ul><script>{script}</script>"


def feed(host: int, entries: int) -> bytes:
    items = "".join(f"<item><guid>h{host}-{n}</guid><link>/p/{n}.html</link><title>Story {n}</title>"
                    f"<description>Story {n} from site {host}</description></item>" for n in range(entries))
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Site {host}</title>"
            f"<link>http://127.0.0.{host}/</link><description>d</description>{items}</channel></rss>"
            ).encode()


def serve(host: int, port: int, entries: int, latency: float, pad_kb: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as web servers do: one connection serves many pages
        disable_nagle_algorithm = True  # headers and body are two writes: no delayed-ACK stall

        def do_GET(self) -> None:  # noqa: N802
            time.sleep(latency)
            if self.path == "/feed.xml":
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.end_headers()
                    return
                body, kind = feed(host, entries), "application/rss+xml"
            elif self.path.startswith("/p/"):
                body, kind = page(host, int(self.path[3:].split(".")[0]), pad_kb), "text/html; charset=utf-8"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", '"v1"')
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((f"127.0.0.{host}", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(db: Path, *args: str) -> tuple[float, float, float | None, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds (the process and its parse workers), the main process's peak
    resident memory in MB (by GNU time, when installed) and the result."""
    env = {**os.environ, "NO_PROXY": "127.0.0.0/8,127.0.0.1", "no_proxy": "127.0.0.0/8,127.0.0.1"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env.pop(name, None)
    timer = ["/usr/bin/time", "-f", "peak-kb %M"] if Path("/usr/bin/time").exists() else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([*timer, *NEWSCLI, "--db", str(db), *args], capture_output=True, text=True,
                            env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peaks = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("peak-kb ")]
    return wall, cpu, (int(peaks[-1]) / 1024 if peaks else None), result


def archive_of(n: int) -> Path:
    """An archive of the n generated articles of benchmarks/corpus.py, imported once."""
    sys.path.insert(0, str(HERE))
    import corpus

    manifest = corpus.ensure(HERE / "corpus" / str(n), n)
    work = HERE / "work" / "feeds"
    work.mkdir(parents=True, exist_ok=True)
    db, stamp = work / f"archive-{n}.db", work / f"archive-{n}.json"
    key = {k: manifest[k] for k in ("version", "seed", "articles")}
    if not db.exists() or not stamp.exists() or json.loads(stamp.read_text()) != key:
        db.unlink(missing_ok=True)
        print(f"importing {n:,} generated articles once into {db.name} ...", file=sys.stderr)
        *_, done = run(db, "import", str(HERE / "corpus" / str(n) / "articles"), "--quiet")
        assert done.returncode == 0, done.stderr
        stamp.write_text(json.dumps(key))
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--port", type=int, default=18931)
    parser.add_argument("--archive", type=int, default=0,
                        help="generated articles in the archive before the feeds are added")
    parser.add_argument("--page-kb", type=int, default=0,
                        help="pad each page with about this many KB [default: none, 2.5 KB pages]")
    parser.add_argument("--keep", type=Path, help="copy the archive here at the end, alerts not checked")
    args = parser.parse_args()
    base = archive_of(args.archive) if args.archive else None
    servers = [serve(h, args.port, args.entries, args.latency, args.page_kb)
               for h in range(1, args.feeds + 1)]
    per_host = 2  # newscli.fetch.Settings.per_host
    floor = args.entries * args.latency / per_host
    figures: dict[str, object] = {"feeds": args.feeds, "entries": args.entries, "latency_s": args.latency,
                                  "floor_s": round(floor, 2), "cores": os.cpu_count(),
                                  "archive_before": args.archive, "page_kb": args.page_kb,
                                  "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "archive.db"
        if base is not None:
            shutil.copyfile(base, db)
        for h in range(1, args.feeds + 1):
            *_, added = run(db, "feeds", "add", f"http://127.0.0.{h}:{args.port}/feed.xml")
            assert added.returncode == 0, added.stderr
        for n in range(20):
            query = f"{WORDS[n]} OR said" if base is not None else WORDS[n]
            *_, added = run(db, "alerts", "add", f"watch{n}", query)
            assert added.returncode == 0, added.stderr
        wall, cpu, peak, first = run(db, "feeds", "update", "--format", "json")
        reports = json.loads(first.stdout or "[]")
        figures.update(first_update_s=round(wall, 2), first_update_cpu_s=round(cpu, 2),
                       first_update_peak_mb=peak and round(peak, 1),
                       ratio_to_floor=round(wall / floor, 2), exit_code=first.returncode,
                       new=sum(r["new"] for r in reports), failed=sum(r["failed"] for r in reports))
        wall, _, peak, second = run(db, "feeds", "update", "--format", "json")
        figures.update(second_update_s=round(wall, 2), second_update_peak_mb=peak and round(peak, 1),
                       second_new=sum(r["new"] for r in json.loads(second.stdout or "[]")))
        if args.keep:
            shutil.copyfile(db, args.keep)
        wall, cpu, _, checked = run(db, "alerts", "check", "--format", "jsonl")
        figures.update(alerts_check_s=round(wall, 2), alerts_check_cpu_s=round(cpu, 2),
                       alert_matches=len(checked.stdout.splitlines()),
                       archive_after=int(json.loads(run(db, "stats", "--format", "json")[3].stdout)
                                         .get("articles", 0)) if base is not None else None,
                       load_after=os.getloadavg()[0])
    for server in servers:
        server.shutdown()
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
