"""How often `newscli related` stays on topic: precision@5 by desk on a labelled corpus.

Builds articles of five desks that share vocabulary (benchmarks/corpus.py TopicGenerator),
imports them, and asks `related` (the library call the command makes) for the five closest
articles to each of an even sample; precision@5 is the share of those in the article's own desk.

    .venv/bin/python benchmarks/related_eval.py --articles 2000 --sample 300

The desks' shares of words (corpus.TOPIC_SHARE, NEIGHBOUR_SHARE) are set so that the task is
as easy as on a real five-desk corpus for plain TF-IDF cosine similarity (0.976 here at 2,000
articles, sampled over 300) - the method, not the data, should be what limits `related`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (a sibling script, not a package)


def evaluate(articles: int, sample: int, seed: int = corpus.DEFAULT_SEED, k: int = 5,
             **shares: float) -> dict:
    from newscli.importer import import_paths
    from newscli.related import find_related
    from newscli.store import Store

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "articles"
        labels = corpus.build_topics(folder, articles, seed, **shares)
        store = Store.open(Path(work) / "topics.db")
        import_paths(store, [str(folder)])
        desks = {a["slug"]: labels[Path(a["path"]).name] for a in store.iter_articles()}
        slugs = sorted(desks)
        chosen = [slugs[i * len(slugs) // sample] for i in range(min(sample, len(slugs)))]
        scores, times = [], []
        for slug in chosen:
            started = time.perf_counter()
            found = find_related(store, slug, limit=k)
            times.append(time.perf_counter() - started)
            same = sum(desks[row["slug"]] == desks[slug] for row in found.results)
            scores.append(same / k)
        store.close()
    return {"articles": articles, "sampled": len(chosen), "k": k,
            "precision": round(statistics.mean(scores), 4),
            "median_seconds": round(statistics.median(times), 4), **shares}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    args = parser.parse_args(argv)
    print(json.dumps(evaluate(args.articles, args.sample, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
