"""JSON records in the shapes news-please, newspaper4k and trafilatura write, read without a mapping."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscli.errors import ParseError
from newscli.parsing import parse_document
from newscli.parsing.scrapers import scraper_of

NEWS_PLEASE = {
    "authors": ["Tomas Reyne", "Aila Brandt"],
    "date_download": "2024-10-09 07:02:11",
    "date_modify": None,
    "date_publish": "2024-10-08 06:45:00",
    "description": "Skippers say 500-metre zones would close the bank.",
    "filename": "https%3A%2F%2Fwww.eastholmledger.example%2Fnews%2Fexclusion-zones.json",
    "image_url": "https://www.eastholmledger.example/img/turbines.jpg",
    "language": "en",
    "localpath": None,
    "maintext": "Fishermen in Kelsey Bay have vowed to resist the exclusion zones.\n"
                "The association has hired a marine lawyer.",
    "source_domain": "www.eastholmledger.example",
    "text": None,
    "title": "Kelsey Bay fishermen vow to fight exclusion zones",
    "title_page": None,
    "title_rss": None,
    "url": "https://www.eastholmledger.example/news/exclusion-zones",
}
NEWSPAPER = {
    "url": "https://www.coastalherald.example/transport/night-ferry-fares",
    "read_more_link": "",
    "language": "en",
    "title": "Night ferry fares to rise by £5",
    "top_image": "https://www.coastalherald.example/img/ferry.jpg",
    "meta_img": "",
    "images": [],
    "movies": [],
    "keywords": ["ferry", "fares", "islanders"],
    "meta_keywords": [""],
    "tags": [],
    "authors": ["Rhiannon Aske"],
    "publish_date": "2025-03-01T09:00:00+00:00",
    "summary": "",
    "meta_description": "Islanders face higher night ferry fares from July.",
    "meta_lang": "en",
    "meta_favicon": "",
    "meta_site_name": "Coastal Herald",
    "canonical_link": "https://www.coastalherald.example/transport/night-ferry-fares",
    "text": "Harbourton – Night ferry fares will rise by £5 from July.\n\n"
            "The port authority said costs had risen.",
}
TRAFILATURA = {
    "title": "Desalination plant produces first water",
    "author": "Ida Berg; Olav Strand",
    "hostname": "harbourtongazette.example",
    "date": "2025-04-02",
    "fingerprint": "5bd3c5a8f7e1c2aa",
    "id": None,
    "license": None,
    "comments": "",
    "raw_text": "The plant at Marrow Point produced its first water. It will supply a fifth of the town.",
    "text": "The plant at Marrow Point produced its first water.\nIt will supply a fifth of the town.",
    "language": "en",
    "image": None,
    "pagetype": "article",
    "filedate": "2025-04-03",
    "source": "https://www.harbourtongazette.example/news/desalination-first-water",
    "source-hostname": "Harbourton Gazette",
    "excerpt": "Water flows at last from Marrow Point.",
    "categories": "Drought;Marrow Point",
    "tags": "water, desalination",
}


def records(name: str, text: str):
    return [result for _, result in parse_document(name, text.encode("utf-8"))]


def one(record: dict, name: str = "scraped.json"):
    [article] = records(name, json.dumps(record))
    assert not isinstance(article, ParseError), article
    return article


def test_news_please_record():
    a = one(NEWS_PLEASE)
    assert a.title == "Kelsey Bay fishermen vow to fight exclusion zones"
    assert a.author == "Tomas Reyne, Aila Brandt"
    assert a.published == "2024-10-08T06:45:00"
    assert a.source == "eastholmledger.example"
    assert a.url == "https://www.eastholmledger.example/news/exclusion-zones"
    assert a.language == "en"
    assert a.body == ("Fishermen in Kelsey Bay have vowed to resist the exclusion zones.\n\n"
                      "The association has hired a marine lawyer.")  # one paragraph a line
    assert a.meta["description"].startswith("Skippers say")
    assert a.meta["date_download"] == "2024-10-09 07:02:11"
    assert a.meta["scraper"] == "news-please"
    assert "localpath" not in a.meta and "date_modify" not in a.meta  # nulls are not kept


def test_newspaper4k_record():
    a = one(NEWSPAPER)
    assert a.title == "Night ferry fares to rise by £5"
    assert a.author == "Rhiannon Aske"
    assert a.published == "2025-03-01T09:00:00+00:00"
    assert a.source == "Coastal Herald"
    assert a.tags == ["ferry", "fares", "islanders"]
    assert a.dateline == "Harbourton"
    assert a.body.count("\n\n") == 1
    assert a.meta["description"] == "Islanders face higher night ferry fares from July."
    assert a.meta["top_image"].endswith("ferry.jpg")
    assert "canonical_link" not in a.meta and "meta_keywords" not in a.meta  # same as url / empty


def test_newspaper4k_source_from_its_source_url():
    record = {k: v for k, v in NEWSPAPER.items() if k != "meta_site_name"}
    a = one({**record, "source_url": "https://www.coastalherald.example"})
    assert a.source == "coastalherald.example"


def test_trafilatura_record():
    a = one(TRAFILATURA)
    assert a.title == "Desalination plant produces first water"
    assert a.author == "Ida Berg, Olav Strand"
    assert a.published == "2025-04-02"
    assert a.source == "Harbourton Gazette"  # not its `source`, which is the page's URL
    assert a.url == "https://www.harbourtongazette.example/news/desalination-first-water"
    assert a.tags == ["water", "desalination", "Drought", "Marrow Point"]
    assert a.body.split("\n\n") == [
        "The plant at Marrow Point produced its first water.", "It will supply a fifth of the town."
    ]
    assert "raw_text" not in a.meta
    assert a.meta["description"] == "Water flows at last from Marrow Point."
    assert a.meta["hostname"] == "harbourtongazette.example"


def test_scraper_records_in_json_lines_and_arrays():
    lines = "\n".join(json.dumps(r) for r in (NEWS_PLEASE, NEWSPAPER, TRAFILATURA))
    assert [a.meta["scraper"] for a in records("feed.jsonl", lines)] == [
        "news-please", "newspaper4k", "trafilatura"
    ]
    array = json.dumps([NEWSPAPER, TRAFILATURA])
    assert [a.source for a in records("feed.json", array)] == ["Coastal Herald", "Harbourton Gazette"]


def test_record_without_title_or_text_fails_alone():
    empty = {**NEWS_PLEASE, "title": None, "maintext": None}
    results = records("feed.jsonl", json.dumps(empty) + "\n" + json.dumps(NEWS_PLEASE) + "\n")
    assert isinstance(results[0], ParseError) and "neither title nor text" in str(results[0])
    assert results[1].title == NEWS_PLEASE["title"]


def test_news_please_title_from_the_page_when_the_title_is_missing():
    a = one({**NEWS_PLEASE, "title": None, "title_page": "Fishermen vow to fight | The Eastholm Ledger"})
    assert a.title == "Fishermen vow to fight | The Eastholm Ledger"


@pytest.mark.parametrize(
    "record, scraper",
    [
        (NEWS_PLEASE, "news-please"),
        (NEWSPAPER, "newspaper4k"),
        (TRAFILATURA, "trafilatura"),
        # newscli's own export stays the first choice, whatever else it carries
        ({"title": "T", "body": "B", "source": "Coastal Herald", "meta": {"maintext": "x"}}, None),
        ({"title": "T", "body": "B", "date_publish": "2024-01-01"}, None),
        ({"title": "T", "text": "B", "date": "2024-01-01", "source": "Wire"}, None),  # a generic record
    ],
)
def test_scraper_of(record, scraper):
    assert scraper_of(record) == scraper


def test_newscli_export_with_a_scraper_like_meta_key_is_untouched():
    exported = {"title": "T", "body": "One.\nTwo.", "source": "https://wire.example", "sitename": "X"}
    a = one(exported)
    assert (a.source, a.body) == ("https://wire.example", "One.\nTwo.")
    assert "scraper" not in a.meta


_VALUES = st.one_of(
    st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=10), max_size=3)
)


@given(st.dictionaries(st.sampled_from(sorted({*NEWS_PLEASE, *NEWSPAPER, *TRAFILATURA})), _VALUES))
def test_any_scraper_shaped_record_gives_an_article_or_a_parse_error(record):
    [result] = records("x.jsonl", json.dumps(record) + "\n")
    assert isinstance(result, ParseError) or result.title
