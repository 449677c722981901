"""Search and filters against a real archive file: ranking, snippets, filters, suggestions."""

from __future__ import annotations

import pytest

from newscli import search
from newscli.models import Article
from newscli.query import parse_query
from newscli.store import Filters, Store

FILLER = "The council met on Tuesday to discuss the budget for the coming year. " * 3


def make_store(tmp_path, articles: list[Article]) -> Store:
    store = Store.open(tmp_path / "search.db")
    with store.transaction():
        for number, article in enumerate(articles):
            store.insert(article, f"a{number}", f"2024-01-01T00:00:{number:02d}+00:00")
    return store


def fillers(count: int = 8) -> list[Article]:
    # Unrelated articles, so the searched words are rare and BM25 weighs them properly.
    return [Article(title=f"Council budget {i}", body=FILLER, source="Gazette")
            for i in range(count)]


def slugs(store: Store, text: str, **options) -> list[str]:
    return [hit["slug"] for hit in search.search(store, parse_query(text), **options)]


def test_a_headline_match_outranks_a_body_match(tmp_path):
    store = make_store(tmp_path, [
        Article(title="Harbour news", body="The ferry was late. The ferry was full. " + FILLER),
        Article(title="Ferry sails again", body="The boat left at dawn. " + FILLER),
        *fillers(),
    ])
    assert slugs(store, "ferry")[:2] == ["a1", "a0"]


def test_a_phrase_match_outranks_scattered_words(tmp_path):
    store = make_store(tmp_path, [
        Article(title="Island report", body="The night was cold. Later the ferry came. " + FILLER),
        Article(title="Island report", body="The night ferry came late. It was cold. " + FILLER),
        *fillers(),
    ])
    assert slugs(store, "night ferry")[:2] == ["a1", "a0"]
    assert slugs(store, '"night ferry"') == ["a1"]


def test_stemming_and_diacritics(tmp_path):
    store = make_store(tmp_path, [Article(title="Café owners protest", body="Ferries halted.")])
    assert slugs(store, "cafe ferry") == ["a0"]
    assert slugs(store, "protesting") == ["a0"]


def test_hit_fields_score_and_marked_snippet(tmp_path):
    store = make_store(tmp_path, [
        Article(title="Night ferry opens", body="Harbourton – The port launched a night ferry.",
                source="Herald", tags=["transport"]),
        *fillers(),
    ])
    [hit] = search.search(store, parse_query("ferry"))
    assert hit["score"] > 0
    assert hit["snippet"] == "Harbourton – The port launched a night ferry."
    assert ("ferry", True) in hit["snippet_marks"]
    assert hit["title_marks"] == [("Night ", False), ("ferry", True), (" opens", False)]
    assert "\x02" not in hit["snippet"]


def test_long_bodies_are_elided(tmp_path):
    body = "Opening words. " * 40 + "The ferry arrived. " + "Closing words. " * 40
    store = make_store(tmp_path, [Article(title="T", body=body)])
    [hit] = search.search(store, parse_query("ferry"))
    assert hit["snippet"].startswith("…") and hit["snippet"].endswith("…")
    assert len(hit["snippet"].split()) <= search.SNIPPET_TOKENS + 2


def test_sort_by_date_limit_and_offset(tmp_path):
    store = make_store(tmp_path, [
        Article(title="Ferry one", body="ferry", published="2024-01-01"),
        Article(title="Ferry two", body="ferry ferry ferry", published="2024-03-01"),
        Article(title="Ferry three", body="ferry", published=None),
        *fillers(),
    ])
    assert slugs(store, "ferry", sort="date") == ["a1", "a0", "a2"]
    assert slugs(store, "ferry", sort="date", limit=1, offset=1) == ["a0"]
    assert search.count(store, parse_query("ferry")) == 3


def test_pages_of_equal_scores_follow_the_full_order(tmp_path):
    # Equal scores are broken by date, then id: every page, wherever it cuts through a run of
    # ties, is that stretch of the whole ordering.
    dates = ["2024-02-01", None, "2024-05-01", "2024-02-01", "2023-01-01", None, "2024-05-01"]
    store = make_store(tmp_path, [
        *(Article(title="Ferry", body="The ferry sailed.", published=d) for d in dates),
        Article(title="Ferry ferry", body="The ferry ferry sailed.", published="2020-01-01"),
        *fillers(),
    ])
    whole = slugs(store, "ferry", limit=None)
    assert whole == ["a7", "a6", "a2", "a3", "a0", "a4", "a5", "a1"]
    for limit in (1, 2, 3, 5):
        for offset in range(0, 9):
            assert slugs(store, "ferry", limit=limit, offset=offset) == whole[offset:offset + limit]


def test_count_with_and_without_filters(tmp_path):
    store = make_store(tmp_path, [
        Article(title="Ferry A", body="ferry", source="Herald"),
        Article(title="Ferry B", body="ferry", source="Wire"),
        *fillers(),
    ])
    assert search.count(store, parse_query("ferry")) == 2
    assert search.count(store, parse_query("ferry source:wire")) == 1
    store.conn.execute("DELETE FROM articles WHERE slug = 'a0'")  # the trigger updates the index
    assert search.count(store, parse_query("ferry")) == 1
    assert slugs(store, "ferry") == ["a1"]


def test_filters_in_the_query_and_exclusions(tmp_path):
    store = make_store(tmp_path, [
        Article(title="Ferry A", body="x", source="Herald", tags=["transport", "island"],
                author="Ada Penhallow", published="2024-05-01"),
        Article(title="Ferry B", body="x", source="Wire", tags=["transport"],
                author="Felix Morrow", published="2023-05-01"),
        Article(title="Ferry C", body="x", source=None, tags=[], author=None),
    ])
    assert slugs(store, "ferry source:herald") == ["a0"]
    assert sorted(slugs(store, "ferry source:herald source:wire")) == ["a0", "a1"]
    assert sorted(slugs(store, "ferry -source:herald")) == ["a1", "a2"]  # no source: kept
    assert slugs(store, "ferry tag:transport tag:island") == ["a0"]
    assert sorted(slugs(store, "ferry -tag:island")) == ["a1", "a2"]
    assert slugs(store, "ferry author:penhallow") == ["a0"]
    assert sorted(slugs(store, "ferry -author:penhallow")) == ["a1", "a2"]
    assert slugs(store, "ferry since:2024") == ["a0"]
    assert slugs(store, "ferry until:2023-05-01") == ["a1"]
    assert sorted(slugs(store, "-title:B")) == ["a0", "a2"]  # exclusions alone
    assert slugs(store, "tag:island") == ["a0"]  # filters alone


def test_filters_only_search_has_no_score_and_opens_the_body(tmp_path):
    store = make_store(tmp_path, [Article(title="T", body="word " * 100, tags=["x"])])
    [hit] = search.search(store, parse_query("tag:x"))
    assert hit["score"] is None
    assert hit["snippet"] == "word " * (search.SNIPPET_TOKENS - 1) + "word…"


def test_option_filters_any_source_all_tags(tmp_path):
    store = make_store(tmp_path, [
        Article(title="A", body="x", source="Herald", tags=["a", "b"]),
        Article(title="B", body="x", source="Wire", tags=["a"]),
    ])
    assert store.count(Filters(sources=["herald", "WIRE"])) == 2
    assert store.count(Filters(tags=["A", "b"])) == 1
    assert store.count(Filters(authors=["x", "y"])) == 0


def test_matched_words_for_highlighting(tmp_path):
    store = make_store(tmp_path, [Article(title="Ferries sail", body="A ferry. Night ferries.")])
    words = search.matched_words(store, 1, parse_query("ferry").match)
    assert words == {"ferries", "ferry"}
    assert search.matched_words(store, 1, parse_query("tanker").match) == set()


def test_suggest_a_looser_query_that_finds_something(tmp_path):
    store = make_store(tmp_path, [
        Article(title="Night crossing", body="The ferry left at night.", source="Herald"),
        *fillers(),
    ])
    query = parse_query('"night ferry"')
    assert search.count(store, query) == 0
    assert search.suggest(store, query, Filters()) == ("night ferry", 1)
    assert search.suggest(store, parse_query("title:ferry"), Filters()) == ("ferry", 1)
    assert search.suggest(store, parse_query("ferry source:Wire"), Filters()) == ("ferry", 1)
    # Options still apply to the suggestion.
    assert search.suggest(store, parse_query('"night ferry"'), Filters(sources=["Wire"])) is None
    assert search.suggest(store, parse_query("tanker"), Filters()) is None


def test_unknown_sort_is_a_query_error(tmp_path):
    from newscli.errors import QueryError

    store = make_store(tmp_path, [])
    with pytest.raises(QueryError):
        list(search.search(store, parse_query("x"), sort="best"))
