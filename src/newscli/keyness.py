"""The words that set a set of articles apart from the rest of the archive (`newscli keywords`).

Each word (and each frequent two-word phrase) is scored with Dunning's log-likelihood (G2) on
article counts: in how many of the set's articles it occurs against in how many of the others,
so one article that repeats a word fifty times does not make it a keyword. Only words the set
uses more than the rest are kept, best first.

Both sides are read from an even sample of at most SAMPLE articles each (spread over the
archive's order of import, so over its years), as Media Cloud's top words are: the time stays
flat however large the archive or the set, and the ranking of frequent words barely moves.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newscli.store import stats as counting

if TYPE_CHECKING:
    from newscli.models import Filters
    from newscli.store import Store

SAMPLE = 1000  # articles read on each side at most
MIN_ARTICLES = 2  # a word in fewer of the sampled set's articles is chance
PHRASE_SHARE = 0.02  # a two-word phrase is shown when this share of the set's articles has it
# A word in more than this share of the other articles is a function word, in any language.
COMMON_SHARE = 0.5
# Words are runs of two or more letters; those with a digit (numbers, dates, scores) are
# dropped when counted, which is faster than a pattern of letters only.
_WORD = re.compile(r"\w\w+")
_NOT_A_WORD = re.compile(r"[\d_]")
# A phrase never spans the end of a sentence, a clause or a line.
_BREAK = re.compile(r"[.!?;:,()\[\]{}\"“”«»|\n]")
_TOKEN = re.compile(_WORD.pattern + "|" + _BREAK.pattern)
# English function words (the rule above finds those of other languages in a large archive;
# in a small one, and for English, this list does it sooner), and the leftovers of links.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours out over own per
said same says she should so some such than that the their theirs them themselves then there
these they this those through to too under until up upon very was we were what when where which
while who whom why will with would yet you your yours one two three new also told like
http https www com html org net
""".split())


@dataclass
class Keywords:
    """The scored terms, best first, and the sizes they were measured on."""

    terms: list[dict[str, Any]] = field(default_factory=list)
    articles: int = 0  # in the set
    others: int = 0  # the rest of the archive
    sampled: int = 0  # of the set's articles, read
    others_sampled: int = 0


def keywords(store: Store, filters: Filters | None = None, match: str | None = None,
             limit: int = 25, sample: int = SAMPLE) -> Keywords:
    """The terms that distinguish the matching articles from all the others."""
    chosen = counting.article_ids(store.conn, filters, match)
    inside = set(chosen)
    others = [i for i in counting.article_ids(store.conn) if i not in inside]
    found = Keywords(articles=len(chosen), others=len(others))
    if not chosen or not others:  # nothing to set apart, or nothing to set it apart from
        return found
    mine, theirs = evenly(chosen, sample), evenly(others, sample)
    found.sampled, found.others_sampled = len(mine), len(theirs)
    texts, other_texts = (tokenized(counting.article_texts(store.conn, ids))
                          for ids in (mine, theirs))
    words, other_words = word_counts(texts), word_counts(other_texts)
    # Both words of a frequent phrase are frequent: pairs of the others need no counting.
    least_phrase = max(MIN_ARTICLES + 1, math.ceil(PHRASE_SHARE * len(mine)))
    frequent = {word for word, count in words.items() if count >= least_phrase}
    phrases = phrase_counts(texts, frequent)
    candidates = {phrase for phrase, count in phrases.items() if count >= least_phrase}
    other_phrases = phrase_counts(other_texts, {w for p in candidates for w in p.split()},
                                  candidates)
    scored = [
        *_scored(words, other_words, len(mine), len(theirs), MIN_ARTICLES),
        *_scored(phrases, other_phrases, len(mine), len(theirs), least_phrase),
    ]
    scored.sort(key=lambda row: (-row["score"], row["term"]))
    scale = len(chosen) / len(mine)
    found.terms = [{**row, "articles": round(row["articles"] * scale)} for row in scored[:limit]]
    return found


def evenly(ids: list[int], size: int) -> list[int]:
    """At most `size` ids spread evenly over the list (all of them when it is short)."""
    if len(ids) <= size:
        return ids
    return [ids[k * len(ids) // size] for k in range(size)]


def tokenized(texts: Iterable[str]) -> list[list[str]]:
    """Each text's words, casefolded, with the breaks between phrases kept as tokens."""
    return [_TOKEN.findall(text.casefold()) for text in texts]


def word_counts(documents: list[list[str]]) -> Counter[str]:
    """In how many documents each word occurs (stop words and breaks left out)."""
    counts: Counter[str] = Counter()
    for tokens in documents:
        counts.update(set(tokens))
    for token in [token for token in counts if not _is_word(token)]:
        del counts[token]
    return counts


def phrase_counts(documents: list[list[str]], words: set[str],
                  only: set[str] | None = None) -> Counter[str]:
    """In how many documents each pair of `words` stands side by side (only those in `only`)."""
    counts: Counter[str] = Counter()
    for tokens in documents:
        pairs = {f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)
                 if a in words and b in words}
        counts.update(pairs if only is None else pairs & only)
    return counts


def _is_word(token: str) -> bool:
    return token not in STOP_WORDS and not _BREAK.fullmatch(token) and not _NOT_A_WORD.search(token)


def _scored(counts: Counter[str], other_counts: Counter[str], size: int, other_size: int,
            least: int) -> Iterable[dict[str, Any]]:
    for term, count in counts.items():
        if count < least:
            continue
        other = other_counts.get(term, 0)
        share, other_share = count / size, other / other_size if other_size else 0.0
        if share <= other_share or other_share > COMMON_SHARE:
            continue
        yield {"term": term, "articles": count, "share": round(share, 4),
               "other_share": round(other_share, 4),
               "score": round(log_likelihood(count, size, other, other_size), 2)}


def log_likelihood(a: int, size: int, b: int, other_size: int) -> float:
    """Dunning's G2 for a term in `a` of `size` articles and in `b` of `other_size` others."""
    expected = (a + b) / (size + other_size)
    total = 0.0
    for observed, n in ((a, size), (b, other_size)):
        if observed:
            total += observed * math.log(observed / (n * expected))
        if n - observed:
            total += (n - observed) * math.log((n - observed) / (n * (1 - expected)))
    return 2 * total
