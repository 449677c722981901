"""`export --format opensearch` and `opensearch-mapping`: the bulk body and the index that
OpenSearch and Elasticsearch load, checked against the engines' documented formats."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from newscli.opensearch import index_body
from newscli.searchtext import FOLDINGS, index_form

regex = pytest.importorskip("regex")  # \p{L} and Java's [a&&[^b]], as the engines read them


@pytest.fixture
def archive(cli, tmp_path):
    folder = tmp_path / "in"
    write(folder, "a.md", "---\ntitle: Night ferry\ndate: 2024-03-01\nsource: Gazette\n"
          "tags: [port]\nflavour: salty\n---\nThe ferries stopped.\n")
    write(folder, "b.md", "---\ntitle: 東京の港\ndate: 2024-03-02T10:00:00+09:00\n---\n"
          "東京都は、日本の首都。\x1b[31m\u2028line\n")
    write(folder, "c.txt", "Undated note\n\nStraße in Ærø.\n")
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.stderr
    return cli


def bulk_lines(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("\n")
    return [json.loads(line) for line in result.stdout.split("\n")[:-1]]


def test_bulk_is_action_lines_each_followed_by_its_document(archive):
    """The `_bulk` body as both engines document it: newline-delimited JSON, an action and
    metadata line, then (for `index`) the document source on the next line; every line, the
    last included, ends with a newline, and no line holds a raw line break (so documents are
    never pretty-printed). Elasticsearch: "Bulk API", elastic.co/guide/en/elasticsearch/
    reference/7.1/docs-bulk.html ("The final line of data must end with a newline character").
    OpenSearch: docs.opensearch.org/latest/api-reference/document-apis/bulk (`index` action with
    `_index` and `_id`; an _id is at most 512 bytes)."""
    result = archive("export", "--format", "opensearch")
    lines = bulk_lines(result)
    assert len(lines) == 6 and "\r" not in result.stdout  # line breaks in text are escaped
    actions, documents = lines[0::2], lines[1::2]
    assert all(list(a) == ["index"] and set(a["index"]) == {"_index", "_id"} for a in actions)
    assert {a["index"]["_index"] for a in actions} == {"newscli"}
    ids = [a["index"]["_id"] for a in actions]
    assert len(set(ids)) == len(ids) and all(len(i.encode()) <= 512 for i in ids)
    assert [d["slug"] for d in documents] == ids
    assert [d["title"] for d in documents] == ["Night ferry", "東京の港", "Undated note"]
    assert documents[1]["body"].startswith("東京都は、日本の首都。\x1b[31m\u2028line")
    assert documents[0]["meta"] == {"flavour": "salty"} and documents[0]["tags"] == ["port"]
    mapped = set(index_body()["mappings"]["properties"])
    assert all(set(d) <= mapped for d in documents)  # the mapping is "dynamic": "strict"
    assert "id" not in documents[0]  # the archive's own row number means nothing to an engine


def test_index_option_names_the_index_and_is_checked(archive):
    lines = bulk_lines(archive("export", "--format", "opensearch", "--index", "news-2024"))
    assert {line["index"]["_index"] for line in lines[0::2]} == {"news-2024"}
    for bad in ("News", "a b", "-x", "..", "a/b", "x" * 256):
        refused = archive("export", "--format", "opensearch", "--index", bad)
        assert refused.exit_code == 2 and refused.stdout == "" and "--index" in refused.stderr
    other = archive("export", "--format", "jsonl", "--index", "news")
    assert other.exit_code == 2 and "only applies to --format opensearch" in other.stderr


def test_bulk_to_a_file_is_the_same_body(archive, tmp_path):
    target = tmp_path / "bulk.ndjson"
    result = archive("export", "--format", "opensearch", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == "" and "exported 3 articles" in result.stderr
    assert target.read_text(encoding="utf-8") == archive("export", "--format", "opensearch").stdout


# Field types and the parameters used here, as the engines' mapping documentation lists them:
# OpenSearch "Mappings and field types" (docs.opensearch.org/docs/field-types), its string
# types (text, keyword), date (format, ignore_malformed), object (enabled) and "Mapping
# parameters" (dynamic: true, false, strict).
FIELD_TYPES = {"text", "keyword", "date", "integer", "long", "boolean", "object"}
TYPE_PARAMETERS = {
    "text": {"type", "analyzer", "search_analyzer", "fields"},
    "keyword": {"type", "ignore_above"},
    "date": {"type", "format", "ignore_malformed"},
    "integer": {"type"},
    "object": {"type", "enabled"},
}
# Built-in analysis parts (Elasticsearch reference, "Token filter reference": lowercase,
# asciifolding (analysis-asciifolding-tokenfilter), porter_stem (analysis-porterstem-
# tokenfilter: lowercase must come before it), cjk_width, cjk_bigram (analysis-cjk-bigram-
# tokenfilter: ignored_scripts han, hangul, hiragana, katakana; output_unigrams); the
# pattern_replace character filter and pattern tokenizer take Java regular expressions).
BUILT_IN_FILTERS = {"lowercase", "asciifolding", "porter_stem", "cjk_width"}
BUILT_IN_TOKENIZERS = {"standard"}
FILTER_TYPES = {"cjk_bigram": {"type", "ignored_scripts", "output_unigrams"}}
CHAR_FILTER_TYPES = {"pattern_replace": {"type", "pattern", "replacement", "flags"}}
TOKENIZER_TYPES = {"pattern": {"type", "pattern", "flags", "group"}}


def _fields(properties: dict) -> list[tuple[str, dict]]:
    found = []
    for name, field in properties.items():
        found.append((name, field))
        found += [(f"{name}.{sub}", spec) for sub, spec in field.get("fields", {}).items()]
    return found


def test_mapping_is_a_create_index_body_whose_analyzers_all_exist(cli):
    """The body of `PUT /<index>` (OpenSearch "Create index": `settings` and `mappings`;
    Elasticsearch 7+ and OpenSearch take mappings without a type name): every field type and
    parameter is a documented one, every analyzer a field names is defined in
    settings.analysis, and every filter, tokenizer and character filter an analyzer names is
    built in or defined there, with documented parameters. Printed without reading any
    article: an empty archive is fine."""
    result = cli("export", "--format", "opensearch-mapping")
    assert result.exit_code == 0 and result.stderr == ""
    body = json.loads(result.stdout)
    assert body == index_body() and set(body) == {"settings", "mappings"}
    analysis = body["settings"]["analysis"]
    assert body["mappings"]["dynamic"] == "strict"
    for name, field in _fields(body["mappings"]["properties"]):
        assert field["type"] in FIELD_TYPES, name
        assert set(field) <= TYPE_PARAMETERS[field["type"]], name
        for key in ("analyzer", "search_analyzer"):
            if key in field:
                assert field[key] in analysis["analyzer"], name
    for name, analyzer in analysis["analyzer"].items():
        assert analyzer["type"] == "custom"
        assert analyzer["tokenizer"] in BUILT_IN_TOKENIZERS | set(analysis["tokenizer"]), name
        for part in analyzer.get("char_filter", []):
            assert part in analysis["char_filter"], name
        filters = analyzer["filter"]
        for part in filters:
            assert part in BUILT_IN_FILTERS | set(analysis["filter"]), name
        if "porter_stem" in filters:
            assert filters.index("lowercase") < filters.index("porter_stem")
    for kind, types in (("filter", FILTER_TYPES), ("char_filter", CHAR_FILTER_TYPES),
                        ("tokenizer", TOKENIZER_TYPES)):
        for name, spec in analysis[kind].items():
            assert set(spec) <= types[spec["type"]], name
    bigrams = analysis["filter"]["newscli_bigrams"]
    assert set(bigrams.get("ignored_scripts", [])) <= {"han", "hangul", "hiragana", "katakana"}
    assert isinstance(bigrams["output_unigrams"], bool)
    newscli = analysis["analyzer"]["newscli"]["filter"]
    assert {"asciifolding", "porter_stem"} <= set(newscli)  # diacritics folded, stemmed


def test_mapping_to_a_file(cli, tmp_path):
    target = tmp_path / "index.json"
    result = cli("export", "--format", "opensearch-mapping", "-o", str(target))
    assert result.exit_code == 0 and "the index settings and mapping" in result.stderr
    assert json.loads(target.read_text(encoding="utf-8")) == index_body()


# -- the analyzer reads text as newscli's index does ------------------------------------------


def _java(pattern: str) -> object:
    """A Java regular expression of the mapping as the `regex` module reads it: `\\x{...}` is
    written `\\U...`, and `[a&&[^b]]` needs its version 1 syntax."""
    python = regex.sub(r"\\x\{([0-9A-F]+)\}", lambda m: f"\\U{int(m.group(1), 16):08X}", pattern)
    return regex.compile("(?V1)" + python)


def engine_words(text: str) -> list[str]:
    """The newscli analyzer's character filters and tokenizer, then lowercase (the folding and
    stemming filters that follow are Lucene's own, which searchtext.FOLDINGS and FTS5 copy)."""
    analysis = index_body()["settings"]["analysis"]
    analyzer = analysis["analyzer"]["newscli"]
    for name in analyzer["char_filter"]:
        spec = analysis["char_filter"][name]
        text = _java(spec["pattern"]).sub(spec["replacement"].replace("$1", r"\1"), text)
    tokenizer = _java(analysis["tokenizer"][analyzer["tokenizer"]]["pattern"])
    return [word.lower() for word in tokenizer.split(text) if word]


def newscli_words(text: str) -> list[str]:
    """The words FTS5's unicode61 makes of the index form newscli stores, its private-use
    letters for combining marks (searchtext._MARK_BASE) read back as the marks."""
    form = "".join(chr(ord(c) - 0xF0000) if 0xF0000 <= ord(c) < 0xFFFFD else c
                   for c in index_form(text))
    return [word.lower() for word in regex.split(r"[^\p{L}\p{N}\p{M}\p{Co}]+", form) if word]


@pytest.mark.parametrize("text", [
    "東京都は、日本の首都 서울에서 서울 abc",  # Han, Hiragana, Hangul words with particles
    "ferry 渡輪。「東京」 abc, 日本", "日・本\n本 日", "ｶﾀｶﾅ and カタカナ 2024年3月",
    "Night ferry: 12 crossings, naïve café", "abc\u3000日\u3000本 日 \n本",
])
def test_the_analyzer_cuts_text_where_newscli_does(text):
    assert engine_words(text) == newscli_words(text)


def test_a_thai_mark_is_a_word_alone_as_in_newscli():
    # newscli moves a Thai vowel sign or tone mark to a private-use letter standing alone.
    assert engine_words("น้ำท่วม") == ["น", "\u0e49", "\u0e33", "ท", "\u0e48", "ว", "ม"]
    assert len(newscli_words("น้ำท่วม")) == 7


_SCRIPTS = st.sampled_from([*"東京都日本のはカタカナ서울에ｶﾀน้ำท่abcXYZ09é", " ", "\n", "\u3000", "、", "。",
                            ",", "・", "-", "「", "」"])


@given(st.lists(_SCRIPTS, max_size=30).map("".join))
@settings(max_examples=300, deadline=None)
def test_any_text_of_these_scripts_is_cut_as_newscli_cuts_it(text):
    assert not set(text) & set(FOLDINGS)
    assert engine_words(text) == newscli_words(text)


def _apply(engine: dict, result) -> None:
    """What the engine does with a bulk body of index actions: each _id's document replaced."""
    lines = bulk_lines(result)
    for action, document in zip(lines[0::2], lines[1::2], strict=True):
        engine[action["index"]["_id"]] = document


def test_updated_since_keeps_an_engine_in_step_with_later_imports(archive, tmp_path):
    import sqlite3

    engine: dict = {}
    _apply(engine, archive("export", "--format", "opensearch"))
    with sqlite3.connect(archive.db) as conn:  # the first load happened long ago
        conn.execute("UPDATE articles SET updated_at = '2020-01-01T00:00:00+00:00'")
    conn.close()
    later = tmp_path / "in"  # the same folder: a.md changed, d.md new
    write(later, "a.md", "---\ntitle: Night ferry\ndate: 2024-03-01\nsource: Gazette\n"
          "tags: [port]\nflavour: salty\n---\nThe ferries stopped, then ran again.\n")
    write(later, "d.md", "---\ntitle: Wind farm\ndate: 2024-04-01\n---\nTurbines.\n")
    imported = archive("import", str(later))
    assert imported.exit_code == 0 and "1 imported, 1 updated" in imported.stderr
    changes = archive("export", "--format", "opensearch", "--updated-since", "2021-01-01")
    assert len(bulk_lines(changes)) == 4  # the new article and the changed one, nothing else
    _apply(engine, changes)
    everything: dict = {}
    _apply(everything, archive("export", "--format", "opensearch"))
    assert len(everything) == 4 and "ran again" in everything["night-ferry"]["body"]
    strip = ("updated_at", "imported_at")  # what the test itself rewrote
    assert {k: {f: v for f, v in d.items() if f not in strip} for k, d in engine.items()} == {
        k: {f: v for f, v in d.items() if f not in strip} for k, d in everything.items()}
