"""Keywords: the terms that set the matching articles apart, through the library and the CLI."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from conftest import SAMPLES, write
from newscli import keyness
from newscli.importer import import_paths
from newscli.store import Filters, Store

FERRY = ("The night ferry left the harbour at 22:00 with 300 passengers. "
         "Night ferry crossing to the island took two hours, and the fare rose again.")
OTHER = ("The council met on Monday in 2024 and the budget for the library was approved. "
         "The harbour festival returns with music and food.")


@pytest.fixture
def store(db: Path, tmp_path: Path) -> Store:
    store = Store.open(db)
    for number in range(6):
        write(tmp_path / "in", f"ferry{number}.txt", f"Ferry story {number}\n\n{FERRY} Item {number}.\n")
    for number in range(12):
        write(tmp_path / "in", f"other{number}.txt", f"Council story {number}\n\n{OTHER} Note {number}.\n")
    import_paths(store, [str(tmp_path / "in")])
    return store


def test_the_set_s_own_words_and_phrases_come_first(store):
    found = keyness.keywords(store, match='"ferry"', limit=40)
    assert (found.articles, found.others) == (6, 12)
    terms = {row["term"]: row for row in found.terms}
    assert {"ferry", "night", "night ferry", "crossing", "passengers"} <= set(terms)
    assert terms["night ferry"] == {"term": "night ferry", "articles": 6, "share": 1.0,
                                    "other_share": 0.0, "score": terms["night"]["score"]}
    # words of both sides, stop words, numbers and the breaks between phrases are left out
    assert not {"harbour", "the", "and", "22", "300", "2024", "00"} & set(terms)
    assert not any("." in term or "harbour" in term for term in terms)
    assert found.terms == sorted(found.terms, key=lambda row: (-row["score"], row["term"]))


def test_a_phrase_never_spans_the_end_of_a_sentence(store):
    terms = {row["term"] for row in keyness.keywords(store, match='"ferry"', limit=100).terms}
    assert "passengers night" not in terms  # "... 300 passengers. Night ferry"
    assert "fare rose" in terms


def test_filters_choose_the_set_and_the_limit_holds(store):
    found = keyness.keywords(store, Filters(), '"council"', limit=3)
    assert len(found.terms) == 3 and found.articles == 12
    assert "council" in {row["term"] for row in found.terms}


def test_large_sides_are_read_from_an_even_sample(store):
    found = keyness.keywords(store, match='"council"', sample=4)
    assert (found.sampled, found.others_sampled) == (4, 4)
    council = next(row for row in found.terms if row["term"] == "council")
    assert council["articles"] == 12  # scaled back to the whole set
    assert keyness.evenly(list(range(10)), 4) == [0, 2, 5, 7]
    assert keyness.evenly([1, 2], 4) == [1, 2]


def test_a_set_of_every_article_has_no_keywords(store):
    found = keyness.keywords(store, match='"story"')
    assert (found.articles, found.others, found.terms) == (18, 0, [])


def test_log_likelihood():
    assert keyness.log_likelihood(10, 100, 10, 100) == pytest.approx(0)
    # the 2x2 table (a, n-a; b, m-b) against its expected counts, as Dunning defines G2
    a, n, b, m = 30, 100, 10, 400
    cells = [(a, n, (a + b) * n / (n + m)), (n - a, n, (n + m - a - b) * n / (n + m)),
             (b, m, (a + b) * m / (n + m)), (m - b, m, (n + m - a - b) * m / (n + m))]
    expected = 2 * sum(o * math.log(o / e) for o, _, e in cells)
    assert keyness.log_likelihood(a, n, b, m) == pytest.approx(expected)


@pytest.fixture
def samples(cli):
    assert cli("import", str(SAMPLES)).exit_code == 0
    return cli


def test_keywords_cli_json_csv_and_table(samples):
    rows = samples.json("keywords", '"wind farm"', "--limit", "8")
    assert len(rows) == 8 and list(rows[0]) == ["term", "articles", "share", "other_share",
                                                "score"]
    assert {"wind", "farm", "wind farm"} <= {row["term"] for row in rows}
    flat = list(csv.DictReader(io.StringIO(samples("keywords", "ferry", "--format", "csv").stdout)))
    assert flat[0]["term"] == "ferry" and list(flat[0]) == list(rows[0])
    table = samples("keywords", "night", "ferry", "--format", "table", env={"COLUMNS": "100"})
    assert table.exit_code == 0 and "night ferry" in table.stdout and "score" in table.stdout
    assert "keywords of" in table.stderr and "matching articles" in table.stderr
    piped = samples("keywords", "ferry", "-fare")
    assert piped.exit_code == 0 and piped.stderr == "" and json.loads(piped.stdout)


def test_keywords_cli_exit_codes(samples):
    none = samples("keywords", "zeppelin")
    assert none.exit_code == 1 and none.stdout == "[]\n" and "no articles match" in none.stderr
    everything = samples("keywords")
    assert everything.exit_code == 2 and "give a query or a filter" in everything.stderr
    every = samples("keywords", "the")
    assert every.exit_code == 1 and "every article matches" in every.stderr
    assert samples("keywords", "--source", "Coastal Herald").exit_code == 0
