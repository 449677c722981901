"""The archival formats come back identical: export, import into an empty archive, compare."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import OPTECH, SAMPLES, SCRAPED, write
from newscli.exporter import Request, export
from newscli.importer import Options, import_paths
from newscli.models import ALL_FIELDS
from newscli.store import Store

# What "the same article" means: every field but the archive's own bookkeeping (row id and
# import times). A Markdown file's path is the file itself, so the directory trip skips `path`.
COMPARED = tuple(f for f in ALL_FIELDS if f not in ("id", "imported_at", "updated_at"))


def articles(store: Store, skip: tuple[str, ...] = ()) -> list[dict]:
    rows = ({k: r[k] for k in COMPARED if k not in skip} for r in store.iter_articles())
    return sorted(rows, key=lambda r: r["slug"])


def jsonl_trip(original: Store, folder: Path) -> Store:
    backup = folder / "backup.jsonl"
    export(original, Request(format="jsonl", output=backup), io.BytesIO())
    restored = Store.open(folder / "restored.db")
    # A backup is one file, often over import's default 10MB limit for a single file.
    report = import_paths(restored, [str(backup)], Options(max_size=2**31))
    assert report.failed == 0, report.failures
    return restored


def markdown_trip(original: Store, folder: Path) -> Store:
    export(original, Request(format="markdown", directory=folder / "md"), io.BytesIO())
    restored = Store.open(folder / "from-md.db")
    report = import_paths(restored, [str(folder / "md")])
    assert report.failed == 0, report.failures
    return restored


def check_round_trips(original: Store, folder: Path) -> None:
    assert_same(articles(original), articles(jsonl_trip(original, folder)))
    assert_same(articles(original, skip=("path",)),
                articles(markdown_trip(original, folder), skip=("path",)))


def assert_same(expected: list[dict], actual: list[dict]) -> None:
    """Equal lists, with a message naming the article and the fields that differ."""
    assert [a["slug"] for a in actual] == [e["slug"] for e in expected]
    for before, after in zip(expected, actual, strict=True):
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        assert not changed, f"{before['slug']}: {changed}"


def test_sample_articles_round_trip(tmp_path):
    original = Store.open(tmp_path / "a.db")
    assert import_paths(original, [str(SAMPLES)]).failed == 0
    assert original.count() >= 12
    check_round_trips(original, tmp_path)


def test_awkward_examples_round_trip(tmp_path):
    original = Store.open(tmp_path / "a.db")
    write(tmp_path / "in", "scraped.txt", SCRAPED)
    write(tmp_path / "in", "fm-body.md",
          "---\ntitle: 'Quotes \"and\" colons: yes'\ntags: [a, 'b;c']\n---\n---\ntitle: fake\n---\n")
    write(tmp_path / "in", "empty-body.md", "---\ntitle: Only a title\n---\n")
    write(tmp_path / "in", "2021-02-03-dated-by-name.md", "# Heading title\n\nBody.\n")
    records = [
        {"title": "Undated with a dated slug", "slug": "2020-01-01-looks-dated", "body": "x"},
        {"title": "Script", "body": "<script>alert(1)</script>\r\nline two", "meta": {"k": [1, 2.5]}},
        {"title": "Nel\x85title \u2028 and \ufeff", "body": "  \n  indented first\n\ttab"},
        {"title": "Exotic date", "published": "Tue, 5 Mar 2024 10:00:00 +0100", "body": "b"},
    ]
    write(tmp_path / "in", "feed.jsonl", "\n".join(json.dumps(r) for r in records))
    report = import_paths(original, [str(tmp_path / "in")])
    assert report.failed == 0, report.failures
    check_round_trips(original, tmp_path)


@pytest.mark.skipif(not OPTECH.is_dir(), reason="shared optech corpus not present")
def test_optech_corpus_round_trips(tmp_path):
    # Every fourth post keeps all nine languages and the long transcripts at a quarter of the time.
    posts = sorted(str(p) for p in (OPTECH / "_posts").rglob("*.md"))[::4]
    original = Store.open(tmp_path / "a.db")
    assert import_paths(original, posts).failed == 0
    check_round_trips(original, tmp_path)


# -- generated articles ---------------------------------------------------------------------------

AWKWARD = st.sampled_from([
    '"', "'", "\n", "\n\n", "\r\n", "\r", "---", "\n---\n", "+++", "title: x", ": ", "# ", "#",
    "<script>alert(1)</script>", "&amp;", "é", "日本語", "🙂", "\t", " ", "  ", "\u2028", "\x85",
    "\ufeff", "\x1b[31m", "{% include x %}", "- ", "* * *", "Source: Wire", "Home » News » ",
    "SEOUL (Yonhap) - ", "\\", "null", "yes", "2024-01-01", "[x](javascript:alert(1))",
    "![i](http://example.com/i.png)", "\x00", "\u00a0", "…",
])
CHARS = st.characters(blacklist_categories=("Cs",))
TEXT = st.lists(AWKWARD | st.text(CHARS, max_size=8), max_size=10).map("".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
DATES = st.sampled_from([
    "2024-05-14", "2024-05", "2024", "2024-05-14T10:00:00+01:00", "2024-05-14 10:00",
    "March 3, 2021", "", "not a date", "2024-13-45",
])
RECORDS = st.fixed_dictionaries(
    {"title": TEXT, "body": TEXT},
    optional={
        "source": TEXT, "author": TEXT | st.lists(TEXT, max_size=2), "published": DATES,
        "url": TEXT, "tags": st.lists(TEXT, max_size=3) | TEXT, "dateline": TEXT,
        "language": TEXT, "slug": TEXT, "format": st.sampled_from(["text", "markdown", "x"]),
        "meta": st.dictionaries(TEXT, JSON_VALUES, max_size=3), "extra": JSON_VALUES,
    },
)

# File names: a Jekyll date (real or impossible), a space, a non-ASCII letter.
NAMES = ["a", "2024-02-03-b", "2024-13-45-c", "d e", "é"]


def front_matter_file(record: dict) -> str:
    import yaml

    fields = {k: v for k, v in record.items() if k != "body"}
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + record["body"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(RECORDS, max_size=4),
    documents=st.lists(RECORDS, max_size=3),
    texts=st.lists(TEXT, max_size=3),
    names=st.lists(st.sampled_from(NAMES), min_size=3, max_size=3),
)
def test_generated_articles_round_trip(records, documents, texts, names):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write(folder / "in", "feed.jsonl", "\n".join(json.dumps(r) for r in records) or "\n")
        for number, document in enumerate(documents):
            write(folder / "in", f"{names[number]}-{number}.md", front_matter_file(document))
        for number, body in enumerate(texts):
            write(folder / "in", f"{names[number]}-{number}.txt", body)
        original = Store.open(folder / "a.db")
        import_paths(original, [str(folder / "in")])
        if original.count():
            check_round_trips(original, folder)
