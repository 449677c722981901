"""Search inside Chinese and Japanese text: recall and precision of substring queries, by approach.

For real posts (../shared/corpora/optech, zh and ja), queries are 2- and 4-character substrings
taken from inside each article's body (characters of the scripts written without spaces only,
never starting on a combining mark). Each query is run against the whole set of articles by:

- `unicode61`  the index before m005: the posts' text as it is (a run is one token);
- `newscli`    the index forms newscli indexes now (newscli.searchtext), queries as phrases;
- `trigram`    FTS5's trigram tokenizer over the text as it is (a second index);
- `jieba`      the text cut into words by jieba, if it is installed (queries cut the same way).

recall: the query's own article is among the hits. precision: every hit holds the query's
characters side by side in one of its fields (strict), or in order with only spaces, line breaks
and punctuation between (loose). newscli keeps characters on either side of a punctuation mark
apart, but not on either side of a line break (the posts' Markdown wraps lines inside words).

    python benchmarks/search_scripts.py [--corpus ../shared/corpora/optech] [--queries 10]

Nothing is written; the figures are printed (docs/search-scripts.md holds a run of them).
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newscli import searchtext  # noqa: E402
from newscli.parsing import parse_document  # noqa: E402
from newscli.query import parse_query  # noqa: E402

TOKENIZER = "porter unicode61 remove_diacritics 2"
FIELDS = ("title", "body")
_SEPARATORS = re.compile(r"[\W_]+")


def load(folder: Path) -> list[tuple[str, str]]:
    """(title, body) of each post in the folder."""
    posts = []
    for path in sorted(folder.rglob("*.md")):
        for _, article in parse_document(path.name, path.read_bytes()):
            posts.append((article.title, article.body))
    return posts


def queries(body: str, length: int, count: int, rng: random.Random) -> list[str]:
    """Substrings of the body, `length` letters of the spaced scripts side by side (no
    punctuation: every punctuation mark is one and the same boundary in the index)."""
    starts = [i for i in range(len(body) - length + 1)
              if all(searchtext.is_spaced(c) and unicodedata.category(c)[0] in "LNM"
                     for c in body[i : i + length])
              and not unicodedata.category(body[i]).startswith("M")]
    return [body[i : i + length] for i in rng.sample(starts, min(count, len(starts)))]


def table(conn: sqlite3.Connection, name: str, tokenizer: str, posts, transform) -> None:
    conn.execute(f"CREATE VIRTUAL TABLE {name} USING fts5(title, body, tokenize='{tokenizer}')")
    conn.executemany(f"INSERT INTO {name} (rowid, title, body) VALUES (?, ?, ?)",
                     [(i, transform(t), transform(b)) for i, (t, b) in enumerate(posts)])


def size(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute(f"SELECT sum(length(block)) FROM {name}_data").fetchone()[0])


def run(posts, per_article: int, seed: int, jieba) -> list[tuple]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    approaches = {
        "unicode61": (TOKENIZER, lambda text: text, lambda q: '"' + q + '"'),
        "newscli": (TOKENIZER, searchtext.index_form, lambda q: parse_query(q).match),
        "trigram": ("trigram", lambda text: text, lambda q: '"' + q + '"'),
    }
    if jieba:
        def cut(text: str) -> str:
            return " ".join(w for w in jieba.cut(text) if w.strip())
        approaches["jieba"] = (TOKENIZER, cut, lambda q: '"' + cut(q) + '"')
    timings = {}
    for name, (tokenizer, transform, _) in approaches.items():
        started = time.perf_counter()
        table(conn, name, tokenizer, posts, transform)
        conn.execute(f"INSERT INTO {name} ({name}) VALUES ('optimize')")  # one segment: its size
        timings[name] = time.perf_counter() - started
    rng = random.Random(seed)
    squeezed = [[_SEPARATORS.sub("", field) for field in post] for post in posts]
    rows = []
    for length in (2, 4):
        asked = [(i, q) for i, (_, body) in enumerate(posts)
                 for q in queries(body, length, per_article, rng)]
        for name, (_, _, to_match) in approaches.items():
            found = strict = loose = hits_total = 0
            for article, query in asked:
                hits = {r[0] for r in conn.execute(
                    f"SELECT rowid FROM {name} WHERE {name} MATCH ?", (to_match(query),))}
                found += article in hits
                hits_total += len(hits)
                strict += all(any(query in field for field in posts[h]) for h in hits)
                loose += all(any(query in field for field in squeezed[h]) for h in hits)
            n = len(asked)
            rows.append((length, name, n, found / n, strict / n, loose / n, hits_total / n,
                         size(conn, name), timings[name]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/optech")
    parser.add_argument("--queries", type=int, default=5, help="queries per article and length")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    try:
        import jieba

        jieba.setLogLevel(60)
    except ImportError:
        jieba = None
    print("| posts | query | approach | queries | recall | precision (strict) | precision "
          "(loose) | hits per query | index bytes | indexing s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for language in ("zh", "ja"):
        posts = load(args.corpus / "_posts" / language)
        for length, name, n, recall, strict, loose, hits, index_bytes, seconds in run(
                posts, args.queries, args.seed, jieba if language == "zh" else None):
            print(f"| {language} ({len(posts)}) | {length} chars | {name} | {n} | "
                  f"{recall:.1%} | {strict:.1%} | {loose:.1%} | {hits:.1f} | {index_bytes:,} | "
                  f"{seconds:.2f} |")


if __name__ == "__main__":
    main()
