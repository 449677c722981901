"""The HTML export: Markdown rendering per article, the whole export's time and peak memory at two
archive sizes, one page against the folder, and how long a browser takes to open what it wrote.

    python benchmarks/html_export_bench.py                 # 10,000 and 100,000 articles
    python benchmarks/html_export_bench.py --sizes 2000    # quicker
    python benchmarks/html_export_bench.py --no-browser    # without Chromium

Rendering is compared side by side in one process on the real posts of
../shared/corpora/optech (skipped when absent): markdown-it-py, which rendered the bodies before,
against pulldown-cmark (pyromark) + nh3. The archives are generated: Markdown bodies of about
3 KB with headings, lists, links, emphasis, code and a little raw HTML. Open time is headless Chromium's
`--dump-dom` of a file:// URL, a blank page's time beside it; Chromium is installed with apt-get
when missing (as root), else that part is skipped.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from export_memory import measure  # noqa: E402  (the child that reports its peak memory)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "optech"
WORDS = ("harbour ferry council water drought wind farm port authority island fishermen museum "
         "reservoir plant turbine court grant mayor recount festival tanker").split()
BROWSER_TIMEOUT = 300


def markdown_body(rng: random.Random) -> str:
    def sentence(k: int = 14) -> str:
        words = rng.choices(WORDS, k=k)
        words[rng.randrange(k)] = f"**{words[0]}**"
        words[rng.randrange(k)] = f"[{words[1]}](https://example.com/{words[2]})"
        return " ".join(words).capitalize() + "."

    parts = []
    for section in range(3):
        parts.append(f"## {' '.join(rng.choices(WORDS, k=3)).title()} {section}")
        parts += [" ".join(sentence() for _ in range(4)) for _ in range(2)]
        parts.append("\n".join(f"- {sentence(8)}" for _ in range(4)))
        parts.append(f"`{rng.choice(WORDS)}` <sup>{section}</sup> <!-- note {section} -->")
    return "\n\n".join(parts)


def build(db: Path, count: int) -> None:
    from newscli.models import Article
    from newscli.store import Store, now_iso

    rng = random.Random(count)
    store = Store.open(db)
    now = now_iso()
    with store.transaction():
        for number in range(count):
            article = Article(
                title=f"{' '.join(rng.choices(WORDS, k=6)).title()} {number}",
                body=markdown_body(rng), format="markdown",
                source=rng.choice(["Coastal Herald", "Regional Wire", "Bay Radio News"]),
                published=f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                tags=rng.sample(WORDS, 3),
            )
            store.insert(article, f"article-{number}", now)
    store.close()


def old_renderer():
    """The renderer the export used before: markdown-it-py, CommonMark, raw HTML escaped."""
    from markdown_it import MarkdownIt

    from newscli.htmlexport import NOT_HTML_TEXT

    md = MarkdownIt("commonmark", {"html": False})

    def render(body: str) -> str:
        return str(md.render(NOT_HTML_TEXT.sub("\ufffd", body)))

    return render


def rendering() -> None:
    import frontmatter

    from newscli.htmlexport import markdown_renderer

    if not CORPUS.is_dir():
        print("rendering: the optech corpus is absent, skipped")
        return
    bodies = [frontmatter.loads(path.read_text(encoding="utf-8")).content
              for path in sorted(CORPUS.rglob("*.md"))]
    size = sum(map(len, bodies)) / len(bodies) / 1000
    print(f"rendering {len(bodies):,} real posts (Markdown, {size:.1f} KB each on average), "
          "CPU per article:")
    for name, render in (("markdown-it-py (before)", old_renderer()),
                         ("pyromark + nh3 (now)", markdown_renderer())):
        started = time.process_time()
        for body in bodies:
            render(body)
        print(f"  {name:26} {(time.process_time() - started) / len(bodies) * 1000:6.2f} ms", flush=True)


def chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("installing chromium with apt-get ...", file=sys.stderr)
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        subprocess.run(command, capture_output=True, env={**os.environ,
                                                          "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("chromium")


def open_time(browser: str, page: Path) -> str:
    started = time.perf_counter()
    try:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                        page.resolve().as_uri()], capture_output=True, timeout=BROWSER_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"> {BROWSER_TIMEOUT} s"
    return f"{time.perf_counter() - started:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--one-page-up-to", type=int, default=10_000,
                        help="open the one-page export in the browser only up to this size")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f}", flush=True)
    rendering()
    browser = None if args.no_browser else chromium()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if browser:
            blank = folder / "blank.html"
            blank.write_text("<!DOCTYPE html><title>blank</title><p>blank")
            version = subprocess.run([browser, "--version"], capture_output=True, text=True)
            print(f"browser: {version.stdout.strip()}; a blank page opens in "
                  f"{open_time(browser, blank)}")
        for size in args.sizes:
            db = folder / f"{size}.db"
            build(db, size)
            one = folder / f"one-{size}.html"
            site = folder / f"site-{size}"
            runs = [
                ("jsonl (baseline)", ["--format", "jsonl", "-o", str(folder / "all.jsonl")], None),
                ("html, one page", ["--format", "html", "-o", str(one)], one),
                ("html, folder", ["--format", "html", "--dir", str(site)], site / "index.html"),
                ("opensearch", ["--format", "opensearch", "-o", str(folder / "bulk.ndjson")], None),
                # Nothing changed since: what a sync run costs when there is nothing to send.
                ("--updated-since", ["--format", "opensearch", "--updated-since", "2999-01-01",
                                     "-o", str(folder / "changes.ndjson")], None),
            ]
            for label, export, target in runs:
                seconds, peak_kb = measure(db, export, ok=("0", "1", "None"))
                shown = ""
                if target is not None:
                    shown = f", {target.stat().st_size / 1e6:6.1f} MB page"
                    if browser and (target != one or size <= args.one_page_up_to):
                        shown += f", opens in {open_time(browser, target)}"
                print(f"{size:>9,} articles, {label:17} {seconds:6.1f} s, "
                      f"{seconds / size * 1000:5.2f} ms an article, {peak_kb / 1024:4.0f} MB peak"
                      f"{shown}", flush=True)
            shutil.rmtree(folder)
            folder.mkdir()


if __name__ == "__main__":
    main()
