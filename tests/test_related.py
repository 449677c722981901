"""Related articles on the sample archive: the same running story comes first, copies fold."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES
from newscli.importer import import_paths
from newscli.related import distinctive_terms, find_related, match_expression
from newscli.store import Filters, Store


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Store:
    store = Store.open(tmp_path_factory.mktemp("samples") / "archive.db")
    assert import_paths(store, [str(SAMPLES)]).failed == 0
    return store


def slugs(found) -> list[str]:
    return [row["slug"] for row in found.results]


@pytest.mark.parametrize(
    "ref, topic",
    [
        ("port-authority-opens-night-ferry", "night-ferry"),
        ("island-councils-reject", "night-ferry"),
        ("museum-restoration-grant", "museum"),
        ("mayor-race-preview", "mayor"),
        ("water-board-approves", "desalination"),
    ],
)
def test_the_same_running_story_comes_first(samples, ref, topic):
    found = find_related(samples, ref, limit=5)
    assert topic in slugs(found)[0]
    assert found.article["slug"] not in slugs(found)


def test_night_ferry_stories_lead(samples):
    top = slugs(find_related(samples, "port-authority-opens-night-ferry", limit=3))
    assert sum("night-ferry" in slug for slug in top) >= 2


def test_copies_of_the_article_are_folded(samples):
    found = find_related(samples, "offshore-wind-farm-approved", limit=5)
    assert found.folded == 1
    assert "skerrow-bank-wind-farm-gets-green-light" not in " ".join(slugs(found))
    assert all("fishermen" in slug for slug in slugs(found)[:2])


def test_limit_scores_and_filters(samples):
    found = find_related(samples, "port-authority-opens-night-ferry", limit=2)
    assert len(found.results) == 2
    assert found.results[0]["score"] >= found.results[1]["score"] > 0
    only = find_related(samples, "port-authority-opens-night-ferry",
                        Filters(sources=["Harbourton Gazette"]))
    assert only.results and {row["source"] for row in only.results} == {"Harbourton Gazette"}


def test_distinctive_terms_skip_function_words_and_words_no_other_article_has(samples):
    total = samples.count()
    in_most = samples.count(match='"ferry"')
    assert in_most > total / 2  # the sample archive is mostly about the ferry
    terms = distinctive_terms(samples.conn, "The Ferry Was Late",
                              "The ferry was late and the mainland waited. Zyxwvut.", total)
    assert "mainland" in terms and "late" in terms
    assert not {"the", "was", "and", "zyxwvut", "ferry"} & set(terms)


def test_match_expression_quotes_every_term():
    assert match_expression(['ferry', 'say"what']) == '{title body tags} : ("ferry" OR "say""what")'


def test_an_article_with_nothing_distinctive_has_no_related(tmp_path: Path):
    store = Store.open(tmp_path / "a.db")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Only one\n\nA lonely article.\n")
    import_paths(store, [str(tmp_path / "in")])
    assert find_related(store, "only-one").results == []


def test_candidates_are_ranked_again_by_the_vocabulary_they_share(tmp_path):
    from conftest import write
    from newscli.related import _rerank

    store = Store.open(tmp_path / "a.db")
    write(tmp_path / "in", "one.txt", "Harbour notes\n\nThe ferry left. Ferry fares rose.\n")
    write(tmp_path / "in", "both.txt", "Harbour report\n\nThe ferry and the harbour pilots.\n")
    import_paths(store, [str(tmp_path / "in")])
    ids = {row["slug"]: row["id"] for row in store.iter_articles()}
    rows = [{"id": ids["harbour-notes"], "slug": "harbour-notes"},
            {"id": ids["harbour-report"], "slug": "harbour-report"}]
    weights = {"ferry": (1.0, 1.0), "pilots": (3.0, 2.0)}
    ranked = _rerank(store.conn, rows, weights)
    assert [row["slug"] for row in ranked] == ["harbour-report", "harbour-notes"]
    assert ranked[0]["score"] > ranked[1]["score"] > 0
    # without the rare word, the article that uses the common one twice comes first
    ranked = _rerank(store.conn, ranked, {"ferry": (1.0, 1.0)})
    assert [row["slug"] for row in ranked] == ["harbour-notes", "harbour-report"]


def test_in_a_large_archive_a_words_count_is_read_from_its_newest_articles(tmp_path, monkeypatch):
    """Above SAMPLE articles a common word's count is scaled up from the newest SAMPLE; a word
    rare among them is counted exactly (its list in the index is short)."""
    from newscli import related
    from newscli.store import vocabulary

    folder = tmp_path / "ten"
    folder.mkdir()
    for number in range(10):  # the museum in the six oldest, the harbour in the four newest
        word = "museum" if number < 6 else "harbour"
        (folder / f"{number:02}.txt").write_text(f"Story {number}\n\nThe {word} board met.",
                                                 encoding="utf-8")
    store = Store.open(tmp_path / "ten.db")
    assert import_paths(store, [str(folder)]).failed == 0
    vocabulary.tokens(store.conn, "", "")  # makes the index's probes, as related() does first
    exact = related._document_counter(store.conn, 10)
    assert (exact("harbour", "harbour"), exact("museum", "museum")) == (4, 6)
    monkeypatch.setattr(related, "SAMPLE", 5)
    monkeypatch.setattr(related, "RARE_IN_SAMPLE", 3)
    estimated = related._document_counter(store.conn, 10)
    assert estimated("harbour", "harbour") == 8  # 4 of the newest 5, scaled to 10
    assert estimated("museum", "museum") == 6  # 1 of the newest 5: counted exactly


def test_the_words_searched_for_stay_within_the_ranking_budget(monkeypatch):
    """bm25() ranks every article holding any searched word: the best words are taken only
    while their document counts add up to MATCH_BUDGET, never fewer than MIN_TERMS."""
    import math

    from newscli import related

    total = 1_000_000

    def words(documents: int) -> dict[str, tuple[float, float]]:
        return {f"w{n}": (100.0 - n, math.log(total / documents)) for n in range(80)}

    monkeypatch.setattr(related, "MATCH_BUDGET", 61_000)  # 30 words of 2,000 fit, not 31
    assert related._search_terms(words(2_000), total) == [f"w{n}" for n in range(30)]
    assert len(related._search_terms(words(10_000), total)) == related.MIN_TERMS
    assert len(related._search_terms(words(100), total)) == related.TERMS  # 50 x 100 fit
