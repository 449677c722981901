"""More like this: an article's most distinctive terms, as a BM25-ranked FTS5 OR query.

The article's title and body are run through the archive's own tokenizer (a temporary FTS5
table, so stemming matches the index exactly: newscli.store.vocabulary); each stem is weighted
by how often the article uses it and how rare it is in the archive (the index's own document
counts, read from the newest SAMPLE articles in a large archive), and the best TERMS of them
(fewer where they are in many articles: MATCH_BUDGET) are searched for together; the CANDIDATES
found are ranked again by how many of the article's RERANK_TERMS best words they hold (tf-idf on
both sides). No model, no extra index: one search and one read of a hundred articles.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newscli import dupes
from newscli.query import quote_term
from newscli.searchtext import index_form, is_spaced
from newscli.store import vocabulary

if TYPE_CHECKING:
    from newscli.models import Filters
    from newscli.store import Store

TERMS = 50  # searched for: the candidates
# ... but no more of them than bm25() can rank quickly: it scores every article holding any of
# them, so the best words are taken while their document counts add up to at most this (at
# least MIN_TERMS). At 1,000,000 generated articles an article's 50 best words are in 130,000-
# 275,000 of them, a second of ranking; on the labelled check at 20,000 articles, where it binds,
# precision@5 is the same with it as without (0.953).
MATCH_BUDGET = 60_000
MIN_TERMS = 10
# The candidates are then ranked again by how much of the article's vocabulary they share:
# its best RERANK_TERMS words, each weighted by tf-idf on both sides. On the labelled check
# (benchmarks/related_eval.py) precision@5 by desk went from 0.44 (25 words, BM25 order) to 0.95.
CANDIDATES = 100
RERANK_TERMS = 250
_WORDS = re.compile(r"\w+")
TITLE_WEIGHT = 3  # a word in the headline counts as often as this in the body
# A term in more than half the archive is left out: bm25() gives it next to no weight anyway,
# and its long document list would only slow the search down.
MAX_SHARE = 0.5
# bm25() column weights, in FTS column order: title, body, source, author, tags.
COLUMN_WEIGHTS = (2.0, 1.0, 0.0, 0.0, 1.0)
# In an archive larger than this, a word's share of the archive is read from its newest
# SAMPLE articles (exactly counted when it is rare there): counting every article that holds a
# common word reads its whole list in the index, which grows with the archive. On the labelled
# check at 20,000 articles, forced to estimate from the newest 2,000, precision@5 was 0.948
# (0.953 exact).
SAMPLE = 20_000
RARE_IN_SAMPLE = 100  # fewer matches than this in the sample: counted in the whole archive
_NUMBER = re.compile(r"^\d+$")
# English function words, stemmed as the index stems them. In a small archive they are not yet
# common enough for their rarity to give them away; in a large one they are left out anyway.
STOP_STEMS = frozenset("""
a about abov after again against all also am an and ani ar as at be becaus been befor below
between both but by can could did do doe down dure each few for from further ha had have he her
here hi how i if in into is it itself just let me more most my no nor not now of off on onc onli
or other our out over own per sai said same she should so some such than that the thei their them
then there these thi those through to told too under until up veri wa we were what when where
which while who whom why will with would yet you your
""".split())


@dataclass
class Related:
    """The article asked about, the closest others (best first), and how many copies were folded."""

    article: dict[str, Any]
    results: list[dict[str, Any]] = field(default_factory=list)
    folded: int = 0
    terms: list[str] = field(default_factory=list)


def find_related(
    store: Store,
    ref: str,
    filters: Filters | None = None,
    limit: int = 10,
    threshold: float = dupes.DEFAULT_THRESHOLD,
) -> Related:
    """Articles closest in content to `ref`, without itself and without near-duplicates."""
    article = store.resolve(ref)
    found = Related(article)
    total = store.count()
    weights = weighted_terms(store.conn, article["title"], article["body"], total)
    found.terms = _search_terms(weights, total)
    if not found.terms:
        return found
    dupes.ensure_signed(store)
    copies = {other for other, _ in dupes.neighbours(store.conn, article["id"], threshold)}
    # Fetch extra rows: some may be folded away as copies.
    wanted = max(CANDIDATES, 2 * limit + len(copies) + 10)
    rows = _rerank(store.conn, _search(store, found.terms, article["id"], filters, wanted),
                   dict(list(weights.items())[:RERANK_TERMS]))
    found.results, found.folded = _fold(store.conn, rows, copies, threshold, limit)
    return found


def _search_terms(weights: dict[str, tuple[float, float]], total: int) -> list[str]:
    """The best words to search for, within MATCH_BUDGET articles to rank."""
    terms: list[str] = []
    matches = 0.0
    for word, (_, idf) in weights.items():
        matches += total / math.exp(idf)  # the word's document count
        if len(terms) == TERMS or (len(terms) >= MIN_TERMS and matches > MATCH_BUDGET):
            break
        terms.append(word)
    return terms


def _rerank(conn: sqlite3.Connection, rows: list[dict[str, Any]],
            weights: dict[str, tuple[float, float]]) -> list[dict[str, Any]]:
    """The candidates by the article's words they hold: the sum of tf-idf products over the
    words in common, over the square root of the candidate's length (long ones hold more)."""
    texts = vocabulary.article_texts(conn, [row["id"] for row in rows])
    for row in rows:
        counts = Counter(_WORDS.findall(texts.get(row["id"], "").casefold()))
        shared = sum(weight * (1 + math.log(counts[word])) * idf
                     for word, (weight, idf) in weights.items() if word in counts)
        row["score"] = round(shared / math.sqrt(max(1, sum(counts.values()))), 2)
    return sorted(rows, key=lambda row: -row["score"])


def distinctive_terms(conn: sqlite3.Connection, title: str, body: str, total: int) -> list[str]:
    """Words of the article with the highest tf-idf, as they appear in it (best first)."""
    return list(weighted_terms(conn, title, body, total))[:TERMS]


def weighted_terms(conn: sqlite3.Connection, title: str, body: str, total: int
                   ) -> dict[str, tuple[float, float]]:
    """{word: (tf-idf, idf)} of the article's words, best first, as they appear in it."""
    counts, surface = _stems(conn, title, body)
    count_documents = _document_counter(conn, total)
    weights = {}
    for stem, tf in counts.items():
        if _is_noise(stem):  # before the lookup: common words have the longest lists to count
            continue
        documents = count_documents(stem, surface[stem].most_common(1)[0][0])
        if documents <= 1 or documents > max(2, MAX_SHARE * total):
            continue  # only in this article, or everywhere
        idf = math.log(total / documents)
        weights[stem] = ((1 + math.log(tf)) * idf, idf)
    best = sorted(weights, key=lambda stem: (-weights[stem][0], stem))
    return {surface[stem].most_common(1)[0][0]: weights[stem] for stem in best}


def _document_counter(conn: sqlite3.Connection, total: int) -> Callable[[str, str], float]:
    """count(stem, word): in how many articles the stem is, exact in an archive of up to
    SAMPLE articles, else estimated from the newest SAMPLE (word: a surface form of the stem,
    searched for, which the index stems back to it)."""
    if total <= SAMPLE:
        return lambda stem, word: vocabulary.document_count(conn, stem)
    first_id = vocabulary.newest_from(conn, SAMPLE)

    def count(stem: str, word: str) -> float:
        in_sample = vocabulary.matches_from(conn, quote_term(word), first_id)
        if in_sample < RARE_IN_SAMPLE:
            return vocabulary.document_count(conn, stem)
        return in_sample * total / SAMPLE

    return count


# Function characters of Chinese and Japanese (particles, pronouns, the commonest verbs and
# measure words, kana endings): in an archive with few articles in those languages they are not
# yet common enough for their rarity to give them away.
STOP_CHARACTERS = frozenset(
    "的一是在不了有和这个我们他她它也就而及与着或等被从对为以于之其此那都但又并把将所已很还再得地说"
    "会能要可上中下来去到后前年月日"
    "のはにをがでとたしてもないるからすれこそまあやよう"
)


def _is_noise(stem: str) -> bool:
    if is_spaced(stem):  # one character of the scripts written without spaces
        return stem in STOP_CHARACTERS
    return stem in STOP_STEMS or len(stem) < 2 or _NUMBER.match(stem) is not None


def _stems(conn: sqlite3.Connection, title: str, body: str) -> tuple[Counter[str], dict]:
    """Stem counts (headline words weighted up) and the surface words behind each stem."""
    # In the index's form: Chinese, Japanese ... cut into characters, as the index holds them.
    stems, words = vocabulary.tokens(conn, index_form(title), index_form(body))
    surface_at = {(doc, offset): term for term, doc, offset in words}
    counts: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    for stem, doc, offset in stems:
        counts[stem] += TITLE_WEIGHT if doc == 1 else 1
        surface.setdefault(stem, Counter())[surface_at.get((doc, offset), stem)] += 1
    return counts, surface


def match_expression(terms: list[str]) -> str:
    """`{title body tags} : ("a" OR "b")`: any of the words, in the columns that tell a story."""
    quoted = " OR ".join(quote_term(term) for term in terms)
    return "{title body tags} : (" + quoted + ")"


def _search(
    store: Store, terms: list[str], exclude: int, filters: Filters | None, limit: int
) -> list[dict[str, Any]]:
    return vocabulary.ranked_matches(
        store.conn, match_expression(terms), COLUMN_WEIGHTS, exclude, filters, limit
    )


def _fold(
    conn: sqlite3.Connection,
    rows: list[dict[str, Any]],
    copies: set[int],
    threshold: float,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` rows that are neither copies of the article nor of a better result,
    and how many copies were passed over on the way."""
    pairs = dupes.confirmed_pairs(conn, [row["id"] for row in rows], threshold)
    twins: dict[int, set[int]] = {}
    for a, b, _ in pairs:
        twins.setdefault(a, set()).add(b)
        twins.setdefault(b, set()).add(a)
    kept: list[dict[str, Any]] = []
    kept_ids: set[int] = set()
    folded = 0
    for row in rows:
        if len(kept) == limit:
            break
        if row["id"] in copies or twins.get(row["id"], set()) & kept_ids:
            folded += 1
            continue
        kept.append(row)
        kept_ids.add(row["id"])
    return kept, folded
