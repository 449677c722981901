"""A deterministic corpus of generated news articles for the benchmarks.

Every article is a pure function of (seed, index), so a corpus can be generated in parallel and
rebuilt identically anywhere. Three input shapes, as users have them: scraped news text (`.txt`
with breadcrumb, category line, dateline and `Source:` footer), Markdown with YAML front matter
(`.md`, some with a Jekyll date in the file name), and plain text (`.txt`, title then body).

Words come from an invented vocabulary with Zipf-distributed frequencies (plus English function
words at the top), so they never collide with the planted terms: words that appear in a known
set of articles, so that every search's hit count can be checked against the manifest.

    python benchmarks/corpus.py OUT_DIR --articles 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

VERSION = 2  # bump when the output changes, so cached corpora are rebuilt
DEFAULT_SEED = 20240601
FILES_PER_FOLDER = 1000
VOCABULARY_SIZE = 40_000
POOL_SIZE = 1_000_000
ZIPF_EXPONENT = 1.07
MIN_WORDS, MAX_WORDS = 250, 900

# Function words head the frequency list, as in real English text.
FUNCTION_WORDS = (
    "the of and to a in that is was for on with said as at by it from be has have he his are "
    "which an but not this were had they will their after been its more who would about also "
    "one two new first year than over into last when other some there people could up out"
).split()
# Letters of the invented vocabulary: none of the planted terms can be spelt with them alone.
_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
           "br", "cr", "dr", "fl", "gr", "pl", "pr", "st", "tr", "sh", "ch", "th")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "io")
_CODAS = ("", "", "", "n", "r", "s", "t", "l", "m", "nd", "rt", "st", "ng")

SOURCES = (
    "Harbourton Gazette", "Eastholm Ledger", "Coastal Herald", "Northern Wire", "Valley Courier",
    "Metro Daily", "Island Post", "The Morning Record", "Civic Observer", "Riverside Times",
    "Capital Dispatch", "Wire Service International",
)
SECTIONS = ("Politics", "Business", "Transport", "Health", "Environment", "Culture", "Sport",
            "Science", "Education", "Regional News", "World", "Technology")
PLACES = ("HARBOURTON", "EASTHOLM", "SEOUL", "NAIROBI", "LIMA", "OSLO", "BRISBANE", "QUITO",
          "PORTO", "HANOI", "TUNIS", "RIGA")
AGENCIES = ("Reuters", "AP", "AFP", "Yonhap", "dpa", "ANP")
FIRST_NAMES = ("Ana", "Ben", "Chen", "Dara", "Elif", "Femi", "Gita", "Hugo", "Ines", "Jon",
               "Kemal", "Lena", "Marta", "Nils", "Omar", "Priya", "Rosa", "Sven", "Tariq", "Uma")
LAST_NAMES = ("Adeyemi", "Berg", "Costa", "Dube", "Evans", "Fischer", "Garcia", "Haddad", "Ito",
              "Jensen", "Kowalski", "Lund", "Moreau", "Novak", "Okafor", "Park", "Quinn", "Rossi",
              "Silva", "Tanaka")
SHAPES = ("scraped", "scraped", "frontmatter", "frontmatter", "plain")
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 10 * 365

# Planted terms: (name, word(s), where, rule). Rules are pure functions of the index, so the
# manifest can say exactly how many articles hold each term.
COMMON, MEDIUM, RARE = "zephyrine", "quixotal", "xylocarp"
PHRASE = ("zinc", "quayside")
TITLE_TERM = "qazmir"
RARE_COUNT = 7


def rare_indices(n: int) -> frozenset[int]:
    return frozenset(int((k + 0.5) * n / RARE_COUNT) for k in range(RARE_COUNT))


def planted_terms(index: int, n: int) -> list[str]:
    """Body terms planted in article `index`, each mid-sentence (never at a sentence edge)."""
    terms = []
    if index % 20 == 0:
        terms.append(COMMON)
    if index % 200 == 7:
        terms.append(MEDIUM)
    if index in rare_indices(n):
        terms.append(RARE)
    if index % 100 == 11:
        terms.append(" ".join(PHRASE))
    if index % 50 == 3:
        terms.append(PHRASE[0])  # the phrase's words alone: a phrase query must not count these
    if index % 70 == 5:
        terms.append(PHRASE[1])
    if index % 300 == 13:
        terms.append(TITLE_TERM)  # in the body only: a title: query must not count these
    return terms


def has_title_term(index: int) -> bool:
    return index % 500 == 1


def near_duplicate_base(index: int) -> int | None:
    """Groups of 4 near-identical articles: one in every 2,000 starts a group."""
    offset = index % 2000
    return index - offset if 0 < offset < 4 else None


def expected_counts(n: int) -> dict[str, int]:
    """How many articles hold each planted term (the check for every search)."""
    indices = range(n)
    return {
        COMMON: sum(1 for i in indices if i % 20 == 0),
        MEDIUM: sum(1 for i in indices if i % 200 == 7),
        RARE: len(rare_indices(n)),
        " ".join(PHRASE): sum(1 for i in indices if i % 100 == 11),
        f"title:{TITLE_TERM}": sum(1 for i in indices if has_title_term(i)),
        TITLE_TERM: sum(1 for i in indices if has_title_term(i) or i % 300 == 13),
        "near_duplicate_groups": sum(1 for i in indices if i % 2000 == 0 and i + 1 < n),
    }


class Generator:
    """Writes articles; holds the vocabulary and a long stream of Zipf-distributed words."""

    def __init__(self, seed: int, n: int):
        self.seed, self.n = seed, n
        rng = random.Random(seed)
        vocabulary = FUNCTION_WORDS + invented_words(rng, VOCABULARY_SIZE - len(FUNCTION_WORDS))
        weights = [1 / rank**ZIPF_EXPONENT for rank in range(1, len(vocabulary) + 1)]
        # Articles take slices of one long sampled stream: sampling word by word for 50M words
        # would take minutes, slicing keeps the Zipf frequencies and takes seconds.
        self.pool = rng.choices(vocabulary, weights=weights, k=POOL_SIZE)
        self.names = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]

    def write_range(self, root: Path, start: int, stop: int) -> int:
        """Write articles start..stop-1 under root; return the bytes written."""
        written = 0
        for index in range(start, stop):
            name, text = self.article(index)
            path = root / f"{index // FILES_PER_FOLDER:04d}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            data = text.encode("utf-8")
            path.write_bytes(data)
            written += len(data)
        return written

    def article(self, index: int) -> tuple[str, str]:
        """(file name, text) of article `index`."""
        rng = random.Random(self.seed * 1_000_003 + index)
        base = near_duplicate_base(index)
        paragraphs = self.paragraphs(random.Random(self.seed * 1_000_003 + base)) if base is not None \
            else self.paragraphs(rng)
        if base is not None:
            paragraphs = mutate(paragraphs, rng)
        plant(paragraphs, planted_terms(index, self.n), rng)
        title = self.title(rng, index)
        shape = SHAPES[index % len(SHAPES)]
        fields = self.fields(rng, index)
        writer = {"scraped": scraped, "frontmatter": front_matter, "plain": plain}[shape]
        return writer(index, title, paragraphs, fields)

    def words(self, rng: random.Random, count: int) -> list[str]:
        start = rng.randrange(POOL_SIZE - count)
        return self.pool[start : start + count]

    def paragraphs(self, rng: random.Random) -> list[list[list[str]]]:
        """Paragraphs of sentences of words, MIN_WORDS..MAX_WORDS words in all."""
        target = rng.randint(MIN_WORDS, MAX_WORDS)
        paragraphs, total = [], 0
        while total < target:
            sentences = []
            for _ in range(rng.randint(2, 5)):
                length = min(rng.randint(6, 24), max(target - total, 6))
                sentences.append(list(self.words(rng, length)))
                total += length
                if total >= target:
                    break
            paragraphs.append(sentences)
        return paragraphs

    def title(self, rng: random.Random, index: int) -> str:
        words = [w.capitalize() for w in self.words(rng, rng.randint(4, 9))]
        if has_title_term(index):
            words.insert(1, TITLE_TERM.capitalize())
        return " ".join(words) + f" {index}"  # the index keeps titles (and slugs) apart

    def fields(self, rng: random.Random, index: int) -> dict[str, object]:
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        return {
            "date": day,
            "time": f"{rng.randrange(6, 23):02d}:{rng.randrange(60):02d}",
            "source": SOURCES[rng.randrange(len(SOURCES))],
            "section": SECTIONS[rng.randrange(len(SECTIONS))],
            "author": self.names[rng.randrange(len(self.names))],
            "place": PLACES[rng.randrange(len(PLACES))],
            "agency": AGENCIES[rng.randrange(len(AGENCIES))],
            "tags": rng.sample(SECTIONS, rng.randint(1, 3)),
            "jekyll": index % 10 == 2,
        }


def invented_words(rng: random.Random, count: int) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.choice((1, 2, 2, 3, 3, 4))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        word += rng.choice(_CODAS)
        if word not in FUNCTION_WORDS:
            words[word] = None
    return list(words)


def mutate(paragraphs: list[list[list[str]]], rng: random.Random) -> list[list[list[str]]]:
    """A near-duplicate: about 3% of the words swapped for others of the same text."""
    copy = [[list(s) for s in p] for p in paragraphs]
    flat = [(p, s, w) for p, para in enumerate(copy) for s, sent in enumerate(para)
            for w in range(len(sent))]
    for _ in range(max(1, len(flat) // 33)):
        p, s, w = rng.choice(flat)
        p2, s2, w2 = rng.choice(flat)
        copy[p][s][w] = paragraphs[p2][s2][w2]
    return copy


def plant(paragraphs: list[list[list[str]]], terms: list[str], rng: random.Random) -> None:
    """Put each term in the middle of a different sentence, replacing a word."""
    sentences = [s for p in paragraphs for s in p]
    for term, sentence in zip(terms, rng.sample(sentences, len(terms)), strict=True):
        sentence[rng.randrange(2, len(sentence) - 2)] = term


def render_paragraph(sentences: list[list[str]]) -> str:
    return " ".join(" ".join(s).capitalize() + "." for s in sentences)


def render_body(paragraphs: list[list[list[str]]], dateline: str = "") -> str:
    texts = [render_paragraph(p) for p in paragraphs]
    if dateline:
        texts[0] = f"{dateline} – {texts[0]}"
    return "\n\n".join(texts)


def slug_of(title: str) -> str:
    return "-".join(title.lower().split())[:60].rstrip("-")


def file_stem(index: int, title: str) -> str:
    # The index keeps names apart: cut to 60 characters, two titles can share a slug (version 1
    # lost 12 of 1,000,000 articles that way).
    return f"{slug_of(title)}-{index}"


def scraped(index: int, title: str, paragraphs: list, fields: dict) -> tuple[str, str]:
    section = fields["section"]
    body = render_body(paragraphs, f"{fields['place']} ({fields['agency']})")
    text = (f"Home » {section} » {title}\n{section} | {fields['tags'][0]}\n\n{title}\n\n\n"
            f"{body}\n\nSource: {fields['source']}\n")
    return f"{file_stem(index, title)}.txt", text


def front_matter(index: int, title: str, paragraphs: list, fields: dict) -> tuple[str, str]:
    day = fields["date"]
    lines = ["---", f"title: {json.dumps(title)}"]
    if not fields["jekyll"]:
        lines.append(f"date: {day.isoformat()}T{fields['time']}:00Z")
    lines += [
        f"author: {fields['author']}",
        f"source: {fields['source']}",
        f"url: https://news.example/{index}/{slug_of(title)}",
        f"tags: [{', '.join(fields['tags'])}]",
        f"word_source: generated-{index}",
        "---",
        "",
    ]
    stem = file_stem(index, title)
    name = f"{day.isoformat()}-{stem}.md" if fields["jekyll"] else f"{stem}.md"
    return name, "\n".join(lines) + render_body(paragraphs) + "\n"


def plain(index: int, title: str, paragraphs: list, fields: dict) -> tuple[str, str]:
    return f"{file_stem(index, title)}.txt", f"{title}\n\n{render_body(paragraphs)}\n"


# -- a labelled corpus: articles on topics that share vocabulary, for `related` --------------

# Five desks, as in the public news corpora used to judge "more like this" (business,
# entertainment, politics, sport, tech); each borrows from a neighbour, the way business
# stories speak of politics and tech stories of business.
TOPICS = ("business", "politics", "tech", "sport", "entertainment")
NEIGHBOUR = {"business": "politics", "politics": "business", "tech": "business",
             "sport": "entertainment", "entertainment": "tech"}
TOPIC_VOCABULARY = 1000  # invented words per desk, Zipf-distributed within it
TOPIC_SHARE = 0.25  # of an article's words, from its own desk's vocabulary
NEIGHBOUR_SHARE = 0.09  # and from its neighbour's
TITLE_TOPIC_WORDS = 1


class TopicGenerator(Generator):
    """Articles whose desk (label) shows only in their words: the general Zipf stream with a
    few words of their desk's vocabulary and of a neighbouring desk's mixed in."""

    def __init__(self, seed: int, n: int, topic_share: float = TOPIC_SHARE,
                 neighbour_share: float = NEIGHBOUR_SHARE, vocabulary: int = TOPIC_VOCABULARY):
        super().__init__(seed, n)
        # The general words as the base class draws them, but fresh for every article: slices
        # of one pool would give some pairs of articles whole passages in common, which
        # `related` rightly finds closest, whatever their desk.
        rng = random.Random(seed)
        self.vocabulary = FUNCTION_WORDS + invented_words(rng, VOCABULARY_SIZE - len(FUNCTION_WORDS))
        weights = [1 / rank**ZIPF_EXPONENT for rank in range(1, len(self.vocabulary) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        rng = random.Random(seed + 17)
        taken = set(self.vocabulary)
        self.topic_words: dict[str, list[str]] = {}
        for topic in TOPICS:
            words = [w for w in invented_words(rng, vocabulary * 3) if w not in taken]
            self.topic_words[topic] = words[:vocabulary]
            taken.update(self.topic_words[topic])
        self.topic_weights = [1 / rank**ZIPF_EXPONENT for rank in range(1, vocabulary + 1)]
        self.shares = (topic_share, neighbour_share)

    def words(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    @staticmethod
    def topic(index: int) -> str:
        return TOPICS[index % len(TOPICS)]

    def article(self, index: int) -> tuple[str, str]:
        rng = random.Random(self.seed * 1_000_003 + index)
        topic = self.topic(index)
        paragraphs = self.paragraphs(rng)
        own, neighbour = self.shares
        for sentence in (s for p in paragraphs for s in p):
            for position in range(len(sentence)):
                roll = rng.random()
                if roll < own:
                    sentence[position] = self.topic_word(rng, topic)
                elif roll < own + neighbour:
                    sentence[position] = self.topic_word(rng, NEIGHBOUR[topic])
        words = [w.capitalize() for w in self.words(rng, rng.randint(4, 8))]
        for _ in range(TITLE_TOPIC_WORDS):
            words.insert(rng.randrange(len(words)), self.topic_word(rng, topic).capitalize())
        title = " ".join(words) + f" {index}"
        return plain(index, title, paragraphs, {})

    def topic_word(self, rng: random.Random, topic: str) -> str:
        return rng.choices(self.topic_words[topic], weights=self.topic_weights)[0]


def build_topics(out: Path, n: int, seed: int = DEFAULT_SEED, **shares: float) -> dict[str, str]:
    """Write n labelled articles under out (one process); return {file name: desk}."""
    generator = TopicGenerator(seed, n, **shares)
    out.mkdir(parents=True, exist_ok=True)
    labels = {}
    for index in range(n):
        name, text = generator.article(index)
        (out / name).write_text(text, encoding="utf-8")
        labels[name] = generator.topic(index)
    return labels


# -- building a corpus on all cores --------------------------------------------------------

_WORKER: Generator | None = None


def _init_worker(seed: int, n: int) -> None:
    global _WORKER
    _WORKER = Generator(seed, n)


def _write_chunk(args: tuple[str, int, int]) -> int:
    assert _WORKER is not None
    root, start, stop = args
    return _WORKER.write_range(Path(root), start, stop)


def build(out: Path, n: int, seed: int = DEFAULT_SEED, workers: int | None = None) -> dict:
    """Write n articles under out/articles and out/manifest.json; return the manifest."""
    root = out / "articles"
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    chunks = [(str(root), start, min(start + FILES_PER_FOLDER, n))
              for start in range(0, n, FILES_PER_FOLDER)]
    workers = workers or os.cpu_count() or 1
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(seed, n)) as pool:
        written = sum(pool.map(_write_chunk, chunks))
    manifest = {
        "version": VERSION,
        "seed": seed,
        "articles": n,
        "bytes": written,
        "seconds": round(time.perf_counter() - started, 2),
        "expected": expected_counts(n),
        "terms": {"common": COMMON, "medium": MEDIUM, "rare": RARE, "phrase": " ".join(PHRASE),
                  "title": TITLE_TERM},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def ensure(out: Path, n: int, seed: int = DEFAULT_SEED) -> dict:
    """The corpus at out, built unless an identical one is already there."""
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if (manifest.get("version"), manifest.get("seed"), manifest.get("articles")) == (
            VERSION, seed, n
        ):
            return manifest
    if out.exists():
        import shutil

        shutil.rmtree(out)
    return build(out, n, seed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    manifest = ensure(args.out, args.articles, args.seed)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    sys.exit(main())
