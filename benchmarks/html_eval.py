"""How well newscli reads saved web pages, next to trafilatura alone, on two independent sets.

    python benchmarks/html_eval.py [--set htmlpages|readability] [--misses] [--ablate] [--speed]

Sets (read-only, next to the project in ../shared/corpora/):
- htmlpages: 80 pages from trafilatura's own evaluation data; truth.jsonl has `title`, `author`,
  `date` (YYYY-MM-DD), `text_contains` and `text_excludes`.
- readability: 130 pages from Mozilla Readability's test suite; truth.jsonl has `title`, `author`
  (Readability's byline), `published`, and `expected` (the main content Readability keeps).

For each set: a Markdown table of the share of pages right per field, newscli next to
trafilatura.extract(..., output_format="json", with_metadata=True), and newscli's gain. Each field
is scored on the pages whose truth gives it.

What counts as right, htmlpages:
- title: equal once case, quotes, dashes, whitespace and end punctuation are ignored;
- date: the same calendar day (YYYY-MM-DD);
- author: the same set of names (split at , ; & and/und), case and punctuation ignored;
- text: every `text_contains` snippet is in the body (whitespace ignored);
- clean: no `text_excludes` snippet is in the body.
What counts as right, readability:
- title: equal once case, quotes, dashes, whitespace and end punctuation are ignored;
- title, site name aside (a second measure): equal to the title as it is, or to the title
  without one end segment of up to five words, shorter than the rest, cut at a spaced
  separator (` | `, ` - `, `_`...);
- date (pages with `published`): the same calendar day as the truth's, or the same instant;
- author (pages with a byline): at least 60% of the byline's words (a leading "By" aside) are
  among the found author's words, case ignored;
- text (pages Readability holds to be articles, `readerable`; the others should be refused):
  the expected content's opening (the first 12 words of its first paragraph of eight words or
  more) is found, as a run of words, in the first 1,500 characters of the extracted text.

--ablate turns each rule newscli adds on top of trafilatura off in turn (by replacing the function
that holds it, in this process only) and prints each field's count with the rule off.
--speed prints the median CPU time per page of newscli's parse and of trafilatura alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
SETS = ("htmlpages", "readability")
FIELDS = ("title", "date", "author", "text")
ABLATED = ("title", "title_site_aside", "date", "author", "text")
SHOWN = ("title", "title_site_aside", "date", "author", "text", "clean")
LABELS = {"title_site_aside": "title, site name aside", "text": "main text",
          "clean": "main text, no boilerplate"}
OPENING_WORDS = 12
OPENING_WITHIN = 1500
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                         "–": "-", "—": "-", "\xa0": " "})
_WORDS = re.compile(r"\w+")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold()
    return " ".join(text.split()).strip(" .,:;-|!?")


def words(text: str) -> list[str]:
    return _WORDS.findall(unicodedata.normalize("NFKC", text or "").casefold())


def names(text: str) -> set[str]:
    parts = re.split(r"\s*(?:[,;&]| and | und )\s*", text or "")
    return {fold(p) for p in parts if fold(p)}


# --- scoring ------------------------------------------------------------------------------------


def score_htmlpages(truth: dict, found: dict) -> dict[str, bool | None]:
    """Which fields of one htmlpages page are right. `found` has title, date, author, text."""
    body = " ".join((found.get("text") or "").split())
    return {
        "title": fold(found.get("title") or "") == fold(truth["title"]),
        "date": (found.get("date") or "")[:10] == truth["date"],
        "author": names(found.get("author") or "") == names(truth["author"]),
        "text": bool(body) and all(" ".join(s.split()) in body for s in truth["text_contains"]),
        "clean": bool(body) and not any(" ".join(s.split()) in body for s in truth["text_excludes"]),
    }


def score_readability(truth: dict, found: dict) -> dict[str, bool | None]:
    """Which fields of one readability page are right; None where the truth gives nothing."""
    byline = words(truth.get("author") or "")
    if byline[:1] == ["by"]:
        byline = byline[1:]
    got = set(words(found.get("author") or ""))
    opening = words(truth["expected_text"])[:OPENING_WORDS]
    text = " ".join(words((found.get("text") or "")[:OPENING_WITHIN]))
    title = fold(found.get("title") or "")
    return {
        "title": title == fold(truth["title"]) if truth.get("title") else None,
        "title_site_aside": title in headline_forms(truth["title"]) if truth.get("title") else None,
        "date": same_date(truth["published"], found.get("date")) if truth.get("published") else None,
        "author": sum(w in got for w in byline) >= 0.6 * len(byline) if byline else None,
        "text": f" {' '.join(opening)} " in f" {text} " if opening and truth["readerable"] else None,
    }


def headline_forms(title: str) -> set[str]:
    """A title as it is, and without one end segment of up to five words, shorter than the rest,
    cut at a spaced separator
    (`Headline | eHow`, `Headline - John C. Welch - Medium`): Readability's truth is the page's
    declared title, which often carries the site's name."""
    forms = {fold(title)}
    pieces = re.split(r"(\s+(?:[|\-–—·•»/_]|::)\s+|\s*_)", title)
    for cut in range(1, len(pieces) - 1, 2):
        head, tail = "".join(pieces[:cut]), "".join(pieces[cut + 1:])
        if len(tail.split()) <= 5 and len(head) > len(tail):
            forms.add(fold(head))
        if len(head.split()) <= 5 and len(tail) > len(head):
            forms.add(fold(tail))
    return forms


def same_date(truth: str, found: str | None) -> bool:
    if not found:
        return False
    if found[:10] == truth[:10]:
        return True
    try:
        a, b = dt.datetime.fromisoformat(truth.replace("Z", "+00:00")), dt.datetime.fromisoformat(found)
        return a.tzinfo is not None and b.tzinfo is not None and a == b
    except ValueError:
        return False


SCORERS = {"htmlpages": score_htmlpages, "readability": score_readability}


# --- the two tools ------------------------------------------------------------------------------


def newscli_result(name: str, data: bytes) -> dict:
    from newscli.errors import ParseError
    from newscli.parsing import parse_document

    try:
        [(_, article)] = list(parse_document(name, data))
    except ParseError as exc:
        return {"error": str(exc)}
    return {"title": article.title, "date": article.published, "author": article.author,
            "text": article.body}


def trafilatura_result(data: bytes) -> dict:
    import trafilatura

    found = trafilatura.extract(data, output_format="json", with_metadata=True)
    return json.loads(found) if found else {"error": "nothing extracted"}


def load_set(name: str) -> list[dict]:
    """The set's truth, each page with its bytes (`data`) and, for readability, `expected_text`."""
    folder = CORPORA / name
    with open(folder / "truth.jsonl", encoding="utf-8") as handle:
        pages = [json.loads(line) for line in handle if line.strip()]
    for page in pages:
        page["data"] = (folder / page["file"]).read_bytes()
        if page.get("expected"):
            page["expected_text"] = expected_text(folder / page["expected"])
    return pages


def expected_text(path: Path) -> str:
    """The opening of the content Readability keeps: its first paragraph of eight words or more
    (a photo caption or credit above it is not the article's opening), else all its text."""
    import lxml.html

    tree = lxml.html.fromstring(path.read_text(encoding="utf-8") or "<div></div>")
    paragraphs = [p.text_content() for p in tree.iter("p")]
    return next((p for p in paragraphs if len(words(p)) >= 8), tree.text_content())


def count(pages: list[dict], scorer: Callable, tool: Callable[[dict], dict]) -> dict[str, tuple[int, int]]:
    """(right, scored) per field."""
    totals = {f: [0, 0] for f in SHOWN}
    for page in pages:
        for field, right in scorer(page, tool(page)).items():
            if field in totals and right is not None:
                totals[field][0] += right
                totals[field][1] += 1
    return {f: (r, n) for f, (r, n) in totals.items()}


def ours(page: dict) -> dict:
    return newscli_result(Path(page["file"]).name, page["data"])


def theirs(page: dict) -> dict:
    return trafilatura_result(page["data"])


def share(right: int, scored: int) -> str:
    return f"{right}/{scored} ({right / scored:.2f})" if scored else "-"


def print_table(name: str, pages: list[dict], newscli: dict, trafilatura: dict) -> None:
    print(f"\n{name}: {len(pages)} pages\n")
    print("| field | trafilatura alone | newscli | gain |")
    print("|---|---|---|---|")
    for field in SHOWN:
        (a, n), (b, _) = trafilatura[field], newscli[field]
        if not n:
            continue
        print(f"| {LABELS.get(field, field)} | {share(a, n)} | {share(b, n)} | {b - a:+d} |")


def print_misses(pages: list[dict], scorer: Callable) -> None:
    for page in pages:
        mine, other = ours(page), theirs(page)
        right, also = scorer(page, mine), scorer(page, other)
        wrong = [f for f in (*FIELDS, "clean") if right.get(f) is False]
        if not wrong:
            continue
        print(f"--- {page['file']}" + (f"  ERROR {mine['error']}" if "error" in mine else ""))
        for field in wrong:
            want = page.get("published" if field == "date" and "published" in page else field)
            got = mine.get(field)
            if field == "text" and "expected_text" in page:
                want, got = " ".join(words(page["expected_text"]))[:100], (got or "")[:100]
            elif field in ("text", "clean"):  # htmlpages: the snippets missing, or left in
                body = " ".join((mine.get("text") or "").split())
                snippets = page["text_contains" if field == "text" else "text_excludes"]
                held = [s for s in snippets if (" ".join(s.split()) in body) == (field == "clean")]
                want, got = ("all of" if field == "text" else "none of", held), None
            mark = "(trafilatura right)" if also.get(field) else ""
            print(f"  {field}: got {got!r} want {want!r} {mark}")


# --- ablation -----------------------------------------------------------------------------------


def _ablations() -> dict[str, Callable[[], Iterator[None]]]:
    """Each rule newscli adds on top of trafilatura, as a context that turns it off."""
    from newscli.parsing import html
    from newscli.parsing.pagemeta import authors, collect, dates, titles

    def patch(module, attr, value):
        @contextmanager
        def off():
            saved = getattr(module, attr)
            setattr(module, attr, value)
            try:
                yield
            finally:
                setattr(module, attr, saved)
        return off

    def only_trafilatura_authors(facts, found, tree, title):
        return [n for n in (found.author or "").split(";") if n.strip()]

    def first_stated(facts, fallback):
        stated = [d for d in map(dates._date, [*facts.dates, *facts.page_dates]) if d]
        return stated[0] if stated else dates._date(fallback)

    def one_tag_one_source(facts):
        return [[a] for a in facts.meta_authors]

    def site_named_person_first(facts, found, tree, title):
        saved = html.site_keys
        html.site_keys = lambda names: saved(names) - saved(facts.person_authors)
        try:
            return saved_authors(facts, found, tree, title)
        finally:
            html.site_keys = saved

    saved_authors = html._authors

    return {
        "title: page's own choice (off = trafilatura's title)": patch(html, "choose_title", lambda f: None),
        "title: <title> segment guess": patch(titles, "_guess_title_segment", lambda t: t),
        "title: site name stripped": patch(titles, "strip_site_name", lambda t, s: t),
        "title: visible headline the metadata confirms": patch(titles, "_agreement", lambda h, c: None),
        "title: a heading inside the claim only at its start or after a shorter kicker":
            patch(titles, "_heading_within", lambda h, c: h in c),
        "title: a heading's permalink pilcrow cut":
            patch(collect, "_heading_text", lambda element: collect.visible_text(element)),
        "author: page's own choice (off = trafilatura's)": patch(html, "_authors", only_trafilatura_authors),
        "author: site names refused": patch(html, "site_keys", lambda names: set()),
        "author: first name completed": patch(authors, "_fuller_name", lambda name, others: name),
        "author: author links and By lines (fallback)": patch(collect, "read_bylines", lambda tree: []),
        "author: meta tags of one name are one source":
            patch(html, "_meta_author_groups", one_tag_one_source),
        "author: a Person named like the site only as a last resort":
            patch(html, "_authors", site_named_person_first),
        "author: bylines read from the text only when shaped like a name":
            patch(authors, "name_shaped", lambda name: True),
        "author: microdata itemprop=author printed on the page":
            patch(collect, "_read_item_authors", lambda tree, facts: None),
        "author: co-authors in brackets (avec, with, mit)": patch(authors, "_WITH", re.compile(r"(?!)()")),
        "author: a bracketed link in a byline removed": patch(authors, "_LINK", re.compile(r"(?!)")),
        "author: a `By NAME on DATE` line read":
            patch(authors, "_BYLINE", re.compile(authors._BYLINE.pattern.replace(authors.BYLINE_WHEN, ""))),
        "author: a site name declared as a URL is the site's host":
            patch(html, "_url_site_labels", lambda names: []),
        "author: a first name completed by the site's name (a personal site)":
            patch(authors, "_completion_forms", lambda names: []),
        "text: the printed standfirst": patch(html, "printed_standfirst", lambda tree, d, b: None),
        "text: credit lines and bracketed promotions dropped":
            patch(html, "drop_credits_and_promotions", lambda b, links: b),
        "date: page's own choice (off = trafilatura's)":
            patch(html, "choose_date", lambda f, d: dates._date(d)),
        "date: UTC/modified corrections": patch(html, "choose_date", first_stated),
        "date: UTC gives way to the same instant in the page's zone":
            patch(dates, "_same_instant", lambda a, b: False),
        "date: published after modified skipped": patch(dates, "_later", lambda a, b: False),
        "date: printed as the publication date when the metadata states none":
            patch(collect, "read_printed_dates", lambda tree: []),
    }


def ablate(loaded: dict[str, list[dict]]) -> None:
    base = {name: count(pages, SCORERS[name], ours) for name, pages in loaded.items()}
    columns = [(n, f) for n in loaded for f in ABLATED if base[n][f][1]]
    print("\n| rule turned off | " + " | ".join(f"{n}: {LABELS.get(f, f)}" for n, f in columns) + " |")
    print("|---" * (1 + len(columns)) + "|")
    print("| (none: as shipped) | " + " | ".join(str(base[n][f][0]) for n, f in columns) + " |")
    for rule, off in _ablations().items():
        with off():
            totals = {name: count(pages, SCORERS[name], ours) for name, pages in loaded.items()}
        cells = [f"{totals[n][f][0]} ({totals[n][f][0] - base[n][f][0]:+d})" for n, f in columns]
        print(f"| {rule} | " + " | ".join(cells) + " |")


# --- speed --------------------------------------------------------------------------------------


def cpu_ms(work: Callable[[], object]) -> float:
    start = time.process_time()
    try:
        work()
    except Exception:  # noqa: BLE001 - a failing page still counts as parsed
        pass
    return (time.process_time() - start) * 1000


def measure_speed(loaded: dict[str, list[dict]]) -> None:
    from newscli.parsing import parse_document

    first = next(iter(loaded.values()))[0]
    list(parse_document("warm.html", first["data"]))  # imports, lxml, regexes
    trafilatura_result(first["data"])
    print("\n| set | newscli CPU ms/page (median) | trafilatura alone "
          "| newscli total s | trafilatura total s |")
    print("|---|---|---|---|---|")
    for name, pages in loaded.items():
        mine, other = [], []
        for p in pages:  # one page by each in turn: a change in the machine's load hits both alike
            mine.append(cpu_ms(lambda p=p: list(parse_document("page.html", p["data"]))))
            other.append(cpu_ms(lambda p=p: trafilatura_result(p["data"])))
        print(f"| {name} | {statistics.median(mine):.1f} | {statistics.median(other):.1f} "
              f"| {sum(mine) / 1000:.1f} | {sum(other) / 1000:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=SETS, action="append", help="one set only (default: both)")
    parser.add_argument("--misses", action="store_true", help="print every page newscli gets wrong")
    parser.add_argument("--ablate", action="store_true", help="each added rule on and off")
    parser.add_argument("--speed", action="store_true", help="median CPU time per page")
    args = parser.parse_args()
    chosen = args.set or list(SETS)
    missing = [n for n in chosen if not (CORPORA / n / "truth.jsonl").exists()]
    if missing:
        sys.exit(f"no truth.jsonl in {', '.join(str(CORPORA / n) for n in missing)}")
    loaded = {name: load_set(name) for name in chosen}
    for name, pages in loaded.items():
        scorer = SCORERS[name]
        print_table(name, pages, count(pages, scorer, ours), count(pages, scorer, theirs))
        if args.misses:
            print_misses(pages, scorer)
    if args.ablate:
        ablate(loaded)
    if args.speed:
        measure_speed(loaded)


if __name__ == "__main__":
    main()
