"""How well newscli reads saved web pages, next to trafilatura's own result on the same pages.

    python benchmarks/html_eval.py [FOLDER] [--misses] [--no-speed]

FOLDER holds saved pages and a truth.jsonl with one line per page: `file`, `title`, `author`,
`date` (YYYY-MM-DD), `text_contains` (snippets the main text must hold) and `text_excludes`
(boilerplate it must not hold). Default: ../shared/corpora/htmlpages next to the project.

Prints a Markdown table of the share of pages right, per field, for newscli and for
trafilatura.extract(..., output_format="json", with_metadata=True); then pages per second for
newscli's parsing alone, for a whole `import` into a fresh archive, and for trafilatura alone.

What counts as right:
- title: equal once case, quotes, dashes, whitespace and end punctuation are ignored;
- date: the same calendar day (YYYY-MM-DD) as written on the page's own timeline;
- author: the same set of names (split at , ; & and/und), case and punctuation ignored;
- text: every `text_contains` snippet is in the body (whitespace ignored);
- clean: no `text_excludes` snippet is in the body.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT.parent / "shared" / "corpora" / "htmlpages"
FIELDS = ("title", "date", "author", "text", "clean")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                         "–": "-", "—": "-", "\xa0": " "})


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold()
    return " ".join(text.split()).strip(" .,:;-|!?")


def names(text: str) -> set[str]:
    parts = re.split(r"\s*(?:[,;&]| and | und )\s*", text or "")
    return {fold(p) for p in parts if fold(p)}


def score(truth: dict, found: dict) -> dict[str, bool]:
    """Which fields of one page are right. `found` has title, date, author, text."""
    body = " ".join((found.get("text") or "").split())
    return {
        "title": fold(found.get("title") or "") == fold(truth["title"]),
        "date": (found.get("date") or "")[:10] == truth["date"],
        "author": names(found.get("author") or "") == names(truth["author"]),
        "text": bool(body) and all(" ".join(s.split()) in body for s in truth["text_contains"]),
        "clean": bool(body) and not any(" ".join(s.split()) in body for s in truth["text_excludes"]),
    }


def newscli_result(name: str, data: bytes) -> dict:
    from newscli.errors import ParseError
    from newscli.parsing import parse_document

    try:
        [(_, article)] = list(parse_document(name, data))
    except ParseError as exc:
        article = exc
    if isinstance(article, ParseError):
        return {"error": str(article)}
    return {"title": article.title, "date": article.published, "author": article.author,
            "text": article.body}


def trafilatura_result(data: bytes) -> dict:
    import trafilatura

    found = trafilatura.extract(data, output_format="json", with_metadata=True)
    return json.loads(found) if found else {"error": "nothing extracted"}


def load_truth(folder: Path) -> list[dict]:
    with open(folder / "truth.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(folder: Path, show_misses: bool) -> None:
    truth = load_truth(folder)
    totals = {tool: dict.fromkeys(FIELDS, 0) for tool in ("newscli", "trafilatura")}
    for page in truth:
        data = (folder / page["file"]).read_bytes()
        results = {"newscli": newscli_result(page["file"], data), "trafilatura": trafilatura_result(data)}
        for tool, found in results.items():
            for field, right in score(page, found).items():
                totals[tool][field] += right
        if show_misses:
            print_misses(page, results["newscli"], results["trafilatura"])
    pages = len(truth)
    print(f"\n{pages} pages in {folder.name}/\n")
    print("| field | newscli | trafilatura |")
    print("|---|---|---|")
    for field in FIELDS:
        ours, theirs = totals["newscli"][field], totals["trafilatura"][field]
        print(f"| {field} | {ours}/{pages} ({ours / pages:.0%}) | {theirs}/{pages} ({theirs / pages:.0%}) |")


def print_misses(page: dict, ours: dict, theirs: dict) -> None:
    right, other = score(page, ours), score(page, theirs)
    wrong = [f for f in ("title", "date", "author") if not right[f]]
    if not wrong and right["text"]:
        return
    print(f"--- {page['file']}" + (f"  ERROR {ours['error']}" if "error" in ours else ""))
    for field in wrong:
        mark = "(trafilatura right)" if other[field] else ""
        print(f"  {field}: got {ours.get(field)!r} want {page[field]!r} {mark}")
    if not right["text"]:
        missing = [s for s in page["text_contains"] if s not in " ".join((ours.get("text") or "").split())]
        print(f"  text: missing {missing}")


def measure_speed(folder: Path) -> None:
    from newscli.importer import Options, import_paths
    from newscli.parsing import parse_document
    from newscli.store import Store

    files = sorted(folder.glob("*.htm*"))
    blobs = [(f.name, f.read_bytes()) for f in files]
    list(parse_document(*blobs[0]))  # warm up: imports, lxml, regexes
    start = time.perf_counter()
    for name, data in blobs:
        try:
            list(parse_document(name, data))
        except Exception:  # noqa: BLE001 - a failing page still counts as parsed
            pass
    parse_rate = len(blobs) / (time.perf_counter() - start)
    start = time.perf_counter()
    for _, data in blobs:
        trafilatura_result(data)
    trafilatura_rate = len(blobs) / (time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        start = time.perf_counter()
        report = import_paths(store, [str(folder)], Options(globs=("*.html", "*.htm")))
        import_rate = len(files) / (time.perf_counter() - start)
    print(f"\nnewscli parse: {parse_rate:.1f} pages/s; "
          f"import into a fresh archive: {import_rate:.1f} pages/s "
          f"({report.imported} imported, {report.duplicates} duplicates, {report.failed} failed)")
    print(f"trafilatura.extract(output_format='json', with_metadata=True): {trafilatura_rate:.1f} pages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--misses", action="store_true", help="print every page newscli gets wrong")
    parser.add_argument("--no-speed", action="store_true", help="skip the pages/s measurement")
    args = parser.parse_args()
    if not (args.folder / "truth.jsonl").exists():
        sys.exit(f"no truth.jsonl in {args.folder}")
    evaluate(args.folder, args.misses)
    if not args.no_speed:
        measure_speed(args.folder)


if __name__ == "__main__":
    main()
