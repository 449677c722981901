"""What makes big imports fast: skipped unchanged files, batched indexing, parallel parsing.

Each speed-up must leave the archive exactly as the plain path would.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest
from dateutil import parser as dateutil_parser
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SCRAPED, write
from newscli import importer
from newscli.importer import Options, import_paths, parse, pool, saving
from newscli.models import Article, count_words, normalise_text
from newscli.parsing.dates import normalise_date
from newscli.store import FTS_INSERT_TRIGGER, Store

LONG_AGO = time.time() - 3600


@pytest.fixture
def store(db: Path) -> Store:
    return Store.open(db)


def old_file(folder: Path, name: str, text: str) -> Path:
    """A file last modified an hour ago: old enough for a re-import to trust its mtime."""
    path = write(folder, name, text)
    os.utime(path, (LONG_AGO, LONG_AGO))
    return path


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the files the importer actually opens."""
    seen: list[str] = []
    real = parse.read_candidate

    def spy(candidate, max_size):
        seen.append(Path(candidate.name).name)
        return real(candidate, max_size)

    monkeypatch.setattr(parse, "read_candidate", spy)
    return seen


def fts_count(store: Store, term: str) -> int:
    return store.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (term,)
    ).fetchone()[0]


def fts_ok(store: Store) -> None:
    store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")


# -- re-import skips unchanged files --------------------------------------------------------------


def test_untouched_file_is_not_read_again_touched_one_is(store, tmp_path, reads):
    old_file(tmp_path, "a.txt", "Alpha\n\nFirst body.\n")
    touched = old_file(tmp_path, "b.txt", "Beta\n\nSecond body.\n")
    assert import_paths(store, [str(tmp_path)]).imported == 2
    reads.clear()
    touched.write_text("Beta\n\nSecond body, corrected.\n")
    os.utime(touched, (LONG_AGO + 60, LONG_AGO + 60))
    report = import_paths(store, [str(tmp_path)])
    assert reads == ["b.txt"]
    assert (report.unchanged, report.updated) == (1, 1)
    assert fts_count(store, "corrected") == 1


def test_a_re_import_looks_up_each_file_and_never_loads_every_remembered_one(store, tmp_path, reads):
    # Loading them all held 300 MB at 1,000,000 remembered files, in any import of 1,000 files.
    for number in range(1200):
        old_file(tmp_path, f"f{number}.txt", f"Title {number}\n\nBody {number}.\n")
    import_paths(store, [str(tmp_path)])
    touched = old_file(tmp_path, "f3.txt", "Title 3\n\nBody three, longer.\n")
    os.utime(touched, (LONG_AGO + 5, LONG_AGO + 5))
    reads.clear()
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    report = import_paths(store, [str(tmp_path)])
    store.conn.set_trace_callback(None)
    assert (report.unchanged, report.updated, reads) == (1199, 1, ["f3.txt"])
    lookups = [sql for sql in statements if "FROM import_files" in sql]
    assert len(lookups) == 1200 and all("WHERE path = " in sql for sql in lookups)


def test_same_size_and_mtime_is_trusted_but_a_new_mtime_is_not(store, tmp_path, reads):
    path = old_file(tmp_path, "a.txt", "Alpha\n\nBody one.\n")
    import_paths(store, [str(path)])
    path.write_text("Alpha\n\nBody two.\n")  # same size
    os.utime(path, (LONG_AGO + 1, LONG_AGO + 1))
    reads.clear()
    assert import_paths(store, [str(path)]).updated == 1
    assert reads == ["a.txt"]


def test_a_just_written_file_is_read_again(store, tmp_path, reads):
    # Modified within the mtime tick of the import: it could change again unnoticed.
    write(tmp_path, "fresh.txt", "Fresh\n\nBody.\n")
    import_paths(store, [str(tmp_path)])
    reads.clear()
    assert import_paths(store, [str(tmp_path)]).unchanged == 1
    assert reads == ["fresh.txt"]


def test_other_options_read_the_files_again(store, tmp_path, reads):
    old_file(tmp_path, "a.txt", "Alpha\n\nBody.\n")
    import_paths(store, [str(tmp_path)])
    reads.clear()
    import_paths(store, [str(tmp_path)], Options(tags=("inbox",)))
    assert reads == ["a.txt"]
    assert next(store.iter_articles())["tags"] == ["inbox"]


def test_a_deleted_article_is_imported_again(store, tmp_path):
    old_file(tmp_path, "a.txt", "Alpha\n\nBody.\n")
    import_paths(store, [str(tmp_path)])
    with store.transaction():
        store.conn.execute("DELETE FROM articles")
    assert import_paths(store, [str(tmp_path)]).imported == 1


def test_duplicates_failures_and_dry_runs_are_not_remembered(store, tmp_path, reads):
    old_file(tmp_path, "one.txt", SCRAPED)
    old_file(tmp_path, "two.txt", SCRAPED)
    old_file(tmp_path, "bad.md", "---\ntitle: [x\n---\nbody")
    old_file(tmp_path, "later.txt", "Later\n\nBody.\n")
    import_paths(store, [str(tmp_path / "one.txt")])
    import_paths(store, [str(tmp_path / "later.txt")], Options(dry_run=True))
    first = import_paths(store, [str(tmp_path)])
    assert (first.imported, first.duplicates, first.failed) == (1, 1, 1)
    reads.clear()
    again = import_paths(store, [str(tmp_path)])
    assert sorted(reads) == ["bad.md", "two.txt"]
    assert (again.unchanged, again.duplicates, again.failed) == (2, 1, 1)


# -- indexing a batch in one statement ------------------------------------------------------------


def test_insert_then_update_in_one_batch_keeps_the_index_exact(store, tmp_path):
    write(tmp_path, "a.jsonl",
          '{"slug": "s1", "title": "One", "body": "oldword here"}\n'
          '{"slug": "s2", "title": "Two", "body": "other"}\n'
          '{"slug": "s1", "title": "One", "body": "newword here"}\n')
    report = import_paths(store, [str(tmp_path)])
    assert (report.imported, report.updated) == (2, 1)
    assert fts_count(store, "newword") == 1 and fts_count(store, "oldword") == 0
    fts_ok(store)


def test_insert_trigger_is_back_after_batches_dry_runs_and_failures(store, tmp_path, monkeypatch):
    def trigger() -> bool:
        return store.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = ?", (FTS_INSERT_TRIGGER,)
        ).fetchone() is not None

    write(tmp_path, "a.txt", "Alpha\n\nBody.\n")
    import_paths(store, [str(tmp_path)])
    assert trigger()
    import_paths(store, [str(tmp_path)], Options(dry_run=True))
    assert trigger()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    write(tmp_path, "b.txt", "Beta\n\nBody.\n")
    monkeypatch.setattr(saving._BatchSaver, "save", broken)
    with pytest.raises(RuntimeError):
        import_paths(store, [str(tmp_path)])
    assert trigger()
    # Rows written by anyone else are still indexed by the trigger.
    with store.transaction():
        store.insert(Article(title="By hand", body="handwritten"), "by-hand", "now")
    assert fts_count(store, "handwritten") == 1
    fts_ok(store)


def test_many_batches_index_every_article(store, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 3)
    for number in range(10):
        write(tmp_path, f"f{number}.txt", f"Title {number}\n\nShared body {number}.\n")
    assert import_paths(store, [str(tmp_path)]).imported == 10
    assert fts_count(store, "shared") == 10
    fts_ok(store)


# -- parsing on every core ------------------------------------------------------------------------


def test_parallel_parsing_stores_what_sequential_parsing_stores(tmp_path, monkeypatch):
    for number in range(30):
        write(tmp_path / "in", f"s{number:02}.txt", SCRAPED.replace("night", f"night {number}"))
        write(tmp_path / "in", f"m{number:02}.md", f"---\ntitle: Same title\n---\nBody {number}.\n")
    write(tmp_path / "in", "broken.md", "---\ntitle: [x\n---\nbody")

    def archive(name: str, parallel_from: int) -> list[tuple]:
        monkeypatch.setattr(pool, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(pool, "CHUNK", 4)
        store = Store.open(tmp_path / name)
        report = import_paths(store, [str(tmp_path / "in")])
        assert (report.imported, report.failed) == (60, 1)
        return [
            (r["slug"], r["title"], r["body"], r["path"], r["sha256"], r["word_count"])
            for r in store.iter_articles(sort="title")
        ]

    assert archive("parallel.db", 5) == archive("sequential.db", 10_000)


def _fetched_page(n: int) -> importer.Candidate:
    words = " ".join(f"word{n}x{i}" for i in range(60))
    page = (f"<html><head><title>Page {n}</title></head><body><article><h1>Page {n}</h1>"
            f"<p>{words}.</p></article></body></html>").encode()
    url = f"http://127.0.0.1/p/{n}.html"
    fetched = {"url": url, "fetched_at": "2026-12-01T08:00:00+00:00", "http_status": 200}
    return importer.Candidate(f"page{n}", None, url=url, data=page, fetched=fetched)


def test_pages_expected_are_parsed_in_workers_as_they_arrive(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    monkeypatch.setattr(pool, "PARALLEL_FROM", 30)
    monkeypatch.setattr(pool, "PARALLEL_FROM_EXPECTED", 4)
    monkeypatch.setattr(pool, "FETCHED_CHUNK", 2)
    pulled: list[int] = []
    workers_at_first_pull: list[int] = []

    def arriving():  # as pages come back from the fetcher, one at a time
        for n in range(40):
            if not pulled:
                workers_at_first_pull.append(len(multiprocessing.active_children()))
            pulled.append(n)
            yield _fetched_page(n)

    parsed = pool.parse_candidates(arriving(), Options(), batch_size=10, expected=40)
    first = next(parsed)
    assert len(pulled) < 30  # without expected, the first 30 arrive before any is parsed
    assert workers_at_first_pull == [1]  # the worker is forked before the fetching starts
    results = [first, *parsed]
    sequential = list(pool.parse_candidates(map(_fetched_page, range(40)), Options(), batch_size=10,
                                            parallel=False))
    assert [c.name for c, _ in results] == [f"page{n}" for n in range(40)]
    assert [[o.result.body for o in outcomes] for _, outcomes in results] == \
        [[o.result.body for o in outcomes] for _, outcomes in sequential]
    assert all(o.result.title == f"Page {n}" for n, (_, [o]) in enumerate(results))


def test_a_worker_sends_a_fetched_page_back_without_its_bytes():
    [(candidate, [outcome])] = pool.parse_chunk([_fetched_page(1)], Options())
    assert candidate.data is None and candidate.name == "page1"
    assert outcome.result.title == "Page 1" and outcome.result.url == "http://127.0.0.1/p/1.html"


# -- the faster helpers agree with the plain ones -------------------------------------------------

_WORD = re.compile(r"\w+")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300) | st.text(alphabet="ab _-–é1\n\u00b2\u4e2d", max_size=300))
def test_count_words_is_the_number_of_word_runs(text):
    assert count_words(text) == len(_WORD.findall(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalise_text_squeezes_whitespace_like_the_regex(text):
    import unicodedata

    expected = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()
    assert normalise_text(text) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["date", "minutes", "seconds", "milliseconds", "microseconds"]),
    st.sampled_from(["", "Z", "+05:30", "-08:00"]),
    st.sampled_from(["T", " "]),
)
def test_iso_dates_read_as_dateutil_reads_them(moment, precision, zone, separator):
    if precision == "date":
        text = moment.date().isoformat()
    else:
        text = moment.isoformat(sep=separator, timespec=precision) + zone
    expected = dateutil_parser.parse(text)
    expected_text = (
        expected.date().isoformat() if precision == "date"
        else expected.isoformat(timespec="seconds")
    )
    assert normalise_date(text) == expected_text


# -- a parse worker prepares the article; the writer stores what it is when saved -------------

def test_a_prepared_article_stores_the_source_given_after_it_and_index_forms_of_its_text(store):
    article = Article(title="海水淡化 plant opens", body="The 海水淡化 plant opened. " * 20,
                      source="example.com", tags=["water"], path="/x/a.txt")
    saving.prepare(article)  # as a parse worker does, before the writer names the outlet
    article.source = "Example News"
    with store.transaction(), store.deferred_fts():
        article_id = store.insert(article, "plant-opens", "2026-01-01T00:00:00+00:00")
    row = store.find_by("id", article_id)
    assert row["source"] == "Example News" and row["tags"] == ["water"] and row["path"] == "/x/a.txt"
    assert fts_count(store, "source:news") == 1 and fts_count(store, "source:com") == 0
    assert fts_count(store, "海") == 1  # the title and body went in as their index forms
    fts_ok(store)


class _Handed:
    """A stand-in for the worker pool: records each chunk handed to it, parses it at once."""

    def __init__(self):
        self.chunks: list[list[str]] = []

    def apply_async(self, function, args):
        chunk, options = args
        self.chunks.append([c.name for c in chunk])
        result = function(chunk, options)

        class Done:
            def ready(self):
                return True

            def get(self):
                return result

        return Done()


def test_ahead_hands_the_workers_more_files_before_a_pause_and_keeps_the_order(tmp_path):
    files = [write(tmp_path, f"f{n:03}.txt", f"Title {n}\n\nBody of story {n}.\n") for n in range(200)]
    candidates = [importer.Candidate(str(path), path) for path in files]
    fake, ahead = _Handed(), pool.Ahead()
    parsed = pool._in_order(fake, pool._tasks(iter(candidates), 5), Options(), 1, 20, 5, ahead)
    seen = [next(parsed)[0].name]
    handed = len(fake.chunks)
    ahead.top_up(50)  # the writer is about to sign a window
    assert len(fake.chunks) == handed + 10  # handed out now, not when the next result is asked for
    seen += [candidate.name for candidate, _ in parsed]
    assert seen == [str(path) for path in files]  # every file once, in the walk's order
    assert ahead.more is not None
    pool.Ahead().top_up(50)  # without workers: nothing to do, no error


def test_a_full_window_is_signed_after_the_workers_are_handed_more(store, tmp_path, monkeypatch):
    from newscli import dupes

    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    monkeypatch.setattr(dupes.NewArticles.__init__, "__defaults__", (20,))
    events: list[str] = []
    real_top_up, real_flush = pool.Ahead.top_up, importer.flush_window
    monkeypatch.setattr(pool.Ahead, "top_up", lambda self, files: (events.append(f"top_up {files}"),
                                                                  real_top_up(self, files)))
    monkeypatch.setattr(importer, "flush_window", lambda s, window, report: (
        events.append(f"sign {len(window)}"), real_flush(s, window, report)))
    for n in range(45):
        write(tmp_path, f"f{n:02}.txt", f"Title {n}\n\nBody of story number {n} " * 5 + "\n")
    assert import_paths(store, [str(tmp_path)]).imported == 45
    assert events == ["top_up 5", "sign 20", "top_up 5", "sign 20", "sign 5"]


def test_pages_being_fetched_are_not_waited_for_by_a_top_up(monkeypatch):
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    monkeypatch.setattr(pool, "PARALLEL_FROM_EXPECTED", 4)
    monkeypatch.setattr(pool, "FETCHED_CHUNK", 2)
    pulled: list[int] = []

    def arriving():
        for n in range(40):
            pulled.append(n)
            yield _fetched_page(n)

    ahead = pool.Ahead()
    parsed = pool.parse_candidates(arriving(), Options(), batch_size=10, expected=40, ahead=ahead)
    first = next(parsed)
    assert ahead.more is None  # a top-up would ask the fetcher for pages and hold their bytes
    before = len(pulled)
    ahead.top_up(20)
    assert len(pulled) == before
    assert [first[0].name, *(c.name for c, _ in parsed)] == [f"page{n}" for n in range(40)]
