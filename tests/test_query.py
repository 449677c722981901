"""The search language: tables of examples, and properties that hold for any text."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscli.errors import QueryError
from newscli.query import (
    looser_queries,
    narrowed,
    parse_date_bound,
    parse_query,
    quote_term,
    tokenize,
    unparse,
)
from newscli.store import Filters

# Query text -> the FTS5 expression it becomes.
MATCHES = [
    ("nato", '"nato"'),
    ("nato summit", '"nato" AND "summit"'),
    ("nato AND summit", '"nato" AND "summit"'),
    ('"night ferry"', '"night ferry"'),
    ("nato OR otan", '"nato" OR "otan"'),
    ("nato summit OR meeting", '"nato" AND ("summit" OR "meeting")'),
    ("(nato summit) OR meeting", '("nato" AND "summit") OR "meeting"'),
    ("nato -tariff", '("nato") NOT ("tariff")'),
    ("nato NOT tariff", '("nato") NOT ("tariff")'),
    ("-tariff nato -trade", '("nato") NOT ("tariff" OR "trade")'),
    ('nato -"trade war"', '("nato") NOT ("trade war")'),
    ("nato -(trade OR tariff)", '("nato") NOT ("trade" OR "tariff")'),
    ("NOT NOT nato", '"nato"'),
    ("ferr*", '"ferr" *'),
    ('"night fer"*', '"night fer" *'),
    ("title:ferry", 'title : "ferry"'),
    ("Title:ferry", 'title : "ferry"'),
    ("title: ferry", 'title : "ferry"'),
    ('title:"night ferry"', 'title : "night ferry"'),
    ("title:(wind OR turbine)", 'title : ("wind" OR "turbine")'),
    ("title:title:ferry", 'title : "ferry"'),
    ("body:ferr* harbour", '(body : "ferr" *) AND "harbour"'),
    ("harbour -title:ferry", '("harbour") NOT (title : "ferry")'),
    ("harbour title:-ferry", '("harbour") NOT (title : "ferry")'),
    ("(a (b (c OR d)))", '"a" AND "b" AND ("c" OR "d")'),
    ("a (-b -c)", '("a") NOT ("b" OR "c")'),
    ("(a -b) OR c", '(("a") NOT ("b")) OR "c"'),
    # Not syntax: read as literal words.
    ("NATO's", '"NATO\'s"'),
    ("Asia-Pacific", '"Asia-Pacific"'),
    ('"unclosed quote', '"unclosed" AND "quote"'),
    ("(unclosed", '"unclosed"'),
    ("stray) paren", '"stray" AND "paren"'),
    ("OR nato", '"nato"'),
    ("nato OR", '"nato"'),
    ("nato OR OR otan", '"nato" OR "otan"'),
    ("nato - summit", '"nato" AND "summit"'),
    ("nato * summit", '"nato" AND "summit"'),
    ("nato () summit", '"nato" AND "summit"'),
    ("or and not", '"or" AND "and" AND "not"'),
    ("http://example.com/a", '"http://example.com/a"'),
    ("10:30 meeting", '"10:30" AND "meeting"'),
    ('say "hi"there', '"say" AND "hi" AND "there"'),
    ("“smart quotes”", '"smart quotes"'),
    ("'; DROP TABLE articles; --", '"DROP" AND "TABLE" AND "articles;"'),
    ('a "" b', '"a" AND "b"'),
    ('he said ""quoted""', '"he" AND "said" AND "quoted"'),
    ("nul\x00byte\x1b[31m", '"nul" AND "byte" AND "[31m"'),
    ("北京 会议", '"北 京" AND "会 议"'),  # characters side by side: a phrase (searchtext)
    ("Ελλάδα", '"Ελλάδα"'),
]


@pytest.mark.parametrize("text, expected", MATCHES)
def test_query_to_fts5(text, expected):
    assert parse_query(text).match == expected


# Query text -> (FTS5 expression, the filters it sets).
FILTERED = [
    ("source:reuters", None, Filters(sources=["reuters"])),
    ('ferry source:"Coastal Herald"', '"ferry"', Filters(sources=["Coastal Herald"])),
    ("ferry source: Wire", '"ferry"', Filters(sources=["Wire"])),
    ("source:a source:b x", '"x"', Filters(sources=["a", "b"])),
    ("x author:smith", '"x"', Filters(authors=["smith"])),
    ("x tag:drought tag:water", '"x"', Filters(tags=["drought", "water"])),
    ("x -tag:opinion -source:Wire -author:bot", '"x"',
     Filters(exclude_tags=["opinion"], exclude_sources=["Wire"], exclude_authors=["bot"])),
    ("x since:2024-01 until:2024-06-30", '"x"', Filters(since="2024-01", until="2024-06-30")),
    ("x since:2023 since:2024-05", '"x"', Filters(since="2024-05")),
    ("x until:2024 until:2023-02", '"x"', Filters(until="2023-02")),
    ("(x source:a)", '"x"', Filters(sources=["a"])),
    ("-nato", None, Filters(exclude_match='"nato"')),
    ("-nato -otan tag:x", None, Filters(tags=["x"], exclude_match='"nato" OR "otan"')),
    ("source:x:y", None, Filters(sources=["x:y"])),
    ("Source:AP", None, Filters(sources=["AP"])),
]


@pytest.mark.parametrize("text, match, filters", FILTERED)
def test_query_filters(text, match, filters):
    query = parse_query(text)
    assert (query.match, query.filters) == (match, filters)


# Query text -> part of the one-line error.
REJECTED = [
    ("", "nothing to search for"),
    ("   ", "nothing to search for"),
    ("-", "nothing to search for"),
    ("*", "nothing to search for"),
    ("!!! ???", "nothing to search for"),
    ("OR AND NOT", "nothing to search for"),
    ("a OR -b", "cannot be one side of OR"),
    ("a OR (-b -c)", "only excludes"),
    ("a OR source:x", "filters the whole search"),
    ("a -(b source:x)", "filters the whole search"),
    ("title:source:x", "filters the whole search"),
    ("source:", "source: needs a value"),
    ("a source:(b OR c)", "source: needs a value"),
    ("a title:", "title: needs a word"),
    ("x since:yesterday", "since:yesterday: 'yesterday' is not a date"),
    ("x until:2024-02-30", "not a real date"),
    ("x -since:2024", "use until: instead"),
    ("(" * 30 + "x", "nests parentheses or fields more than 20 deep"),
    ("title:" * 30 + "x", "nests parentheses or fields more than 20 deep"),
]


@pytest.mark.parametrize("text, message", REJECTED)
def test_rejected_queries_say_why(text, message):
    with pytest.raises(QueryError, match=None) as caught:
        parse_query(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text, quoted", [
    ("nato", '"nato"'),
    ('say "hi"', '"say ""hi"""'),
    ("title : x OR y*", '"title : x OR y*"'),
    ("", '""'),
])
def test_quote_term_makes_one_fts5_string(text, quoted):
    assert quote_term(text) == quoted


def test_tokens_name_their_parts():
    tokens = tokenize('-title:"a b" OR source:x (')
    kinds = [(t.kind, t.word and t.word.text, t.name, t.value) for t in tokens]
    assert kinds == [
        ("NOT", None, "", ""), ("FIELD", None, "title", ""), ("WORD", "a b", "", ""), ("OR", None, "", ""),
        ("FACET", None, "source", "x"), ("(", None, "", ""),
    ]


def test_long_queries_are_read():
    words = " ".join(f"w{i}" for i in range(32))  # the limit: see test_hostile_data.py
    assert parse_query(words).match.count(" AND ") == 31
    assert parse_query(" ".join(f"w{i % 32}" for i in range(1000))).match.count(" AND ") == 31
    assert parse_query("NOT " * 2000 + "x").match == '"x"'
    assert parse_query("a" * 5000).match == '"' + "a" * 5000 + '"'


def test_boost_is_the_plain_words_as_a_phrase():
    assert parse_query("night ferry").boost == '"night ferry"'
    assert parse_query('night "ferry fare" -late').boost == '"night ferry fare"'
    assert parse_query("night").boost is None
    assert parse_query("night OR ferry").boost is None
    assert parse_query("title:night ferry*").boost is None


LOOSER = [
    ('"night ferry"', ["night ferry", "night OR ferry"]),
    ("night ferry", ["night OR ferry"]),
    ('"night fer"*', ["night fer*", "night OR fer*"]),
    ("title:ferry", ["ferry"]),
    ("ferry source:Wire", ["ferry"]),
    ('title:"night ferry" tag:x', ['title:(night ferry) tag:x', '"night ferry" tag:x',
                                   'title:"night ferry"', "night ferry", "night OR ferry"]),
    ('ferry -"late night"', []),  # loosening an exclusion would narrow the search
    ("ferry", []),
]


@pytest.mark.parametrize("text, expected", LOOSER)
def test_looser_queries(text, expected):
    assert looser_queries(parse_query(text)) == expected


@pytest.mark.parametrize("text", [
    "a b", '"a b" c', "a OR b", "a -b", "title:(a OR b) -c", "a (b OR c) d*",
    'source:"Coastal Herald" x', "x -tag:y", "-(a b) c", '"OR" x', '"foo:bar"',
])
def test_unparse_reads_back_the_same(text):
    tree = parse_query(text).tree
    assert parse_query(unparse(tree)).tree == tree


DATES = [
    ("2024-03-01", "2024-03-01"),
    ("2024-03", "2024-03"),
    ("2024", "2024"),
    (" 2024 ", "2024"),
    ("7d", "2024-06-08"),
    ("2w", "2024-06-01"),
    ("3m", "2024-03-15"),
    ("1y", "2023-06-15"),
    ("1Y", "2023-06-15"),
]


@pytest.mark.parametrize("text, expected", DATES)
def test_date_bounds(text, expected):
    assert parse_date_bound(text, today=dt.date(2024, 6, 15)) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13", "2024-02-30", "24", "-7d", "99999y"])
def test_bad_date_bounds(text):
    with pytest.raises(QueryError):
        parse_date_bound(text, today=dt.date(2024, 6, 15))


def test_narrowed_keeps_both_sets_of_filters():
    options = Filters(tags=["a"], since="2023", until="2024-06", sources=["Wire"])
    query = parse_query("x tag:b since:2024 until:2025 -source:Herald -nope").filters
    both = narrowed(options, query)
    assert both.tags == ["a", "b"] and both.sources == ["Wire"]
    assert (both.since, both.until) == ("2024", "2024-06")
    assert both.exclude_sources == ["Herald"]
    with pytest.raises(QueryError, match="--source and source: both given"):
        narrowed(options, parse_query("x source:AP").filters)


# -- properties --------------------------------------------------------------------------------

SYNTAX = st.sampled_from(
    ['"', "(", ")", "-", "*", ":", " ", " OR ", " AND ", " NOT ", "title:", "body:", "source:",
     "tag:", "since:", "until:", "author:", "'", "NEAR", "^", "{", "}", "\x00", "\u200b", "é",
     "北京", "ß", "2024", "x", "word", "_", ";", "\\", "+", "\n"]
)
QUERIES = st.one_of(st.text(max_size=200), st.lists(SYNTAX, max_size=40).map("".join))


@pytest.fixture(scope="module")
def fts(tmp_path_factory):
    """A real archive database, so every expression is run by SQLite's FTS5."""
    from newscli.models import Article
    from newscli.store import Store

    store = Store.open(tmp_path_factory.mktemp("fts") / "q.db")
    with store.transaction():
        for i, (title, body) in enumerate([("Word one", "x body 2024"), ("北京", "é ß word")]):
            article = Article(title=title, body=body, source="s", tags=["x"])
            store.insert(article, f"a-{i}", "2024-01-01T00:00:00+00:00")
    return store


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUERIES)
def test_any_text_parses_or_is_rejected_and_sqlite_accepts_the_result(fts, text):
    from newscli import search

    try:
        query = parse_query(text)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    try:
        list(search.search(fts, query, limit=5))
        search.count(fts, query)
        for looser in looser_queries(query):
            parse_query(looser)
    except (sqlite3.Error, QueryError) as exc:  # pragma: no cover - the failure to report
        pytest.fail(f"{text!r} -> {query.match!r} / {query.filters}: {exc}")
