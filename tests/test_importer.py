"""The importer against a real database file: idempotence, updates, duplicates, failures."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from conftest import SCRAPED, write
from newscli import importer
from newscli.errors import os_reason
from newscli.importer import DEFAULT_GLOBS, Options, import_paths, iter_candidates, pool, saving
from newscli.store import Store
from newscli.store.migrations import MIGRATIONS


@pytest.fixture
def store(db: Path) -> Store:
    return Store.open(db)


def titles(store: Store) -> list[str]:
    return sorted(r["title"] for r in store.iter_articles())


def fts_count(store: Store, term: str) -> int:
    return store.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (term,)
    ).fetchone()[0]


def test_import_then_reimport_is_a_no_op(store, tmp_path):
    write(tmp_path / "in", "ferry.txt", SCRAPED)
    write(tmp_path / "in", "b.md", "---\ntitle: Second\ndate: 2024-01-01\n---\nBody two.\n")
    first = import_paths(store, [str(tmp_path / "in")])
    assert (first.imported, first.failed) == (2, 0)
    before = list(store.iter_articles())
    second = import_paths(store, [str(tmp_path / "in")])
    assert (second.imported, second.unchanged, second.updated) == (0, 2, 0)
    assert list(store.iter_articles()) == before


def test_changed_file_updates_and_keeps_slug(store, tmp_path):
    path = write(tmp_path, "a.md", "---\ntitle: Original title\n---\nFirst body.\n")
    import_paths(store, [str(path)])
    slug = store.find_by("path", str(path))["slug"]
    path.write_text("---\ntitle: New title\n---\nSecond body.\n")
    report = import_paths(store, [str(path)])
    assert report.updated == 1
    row = store.find_by("path", str(path))
    assert (row["slug"], row["title"]) == (slug, "New title")
    assert store.count() == 1
    assert fts_count(store, "second") == 1 and fts_count(store, "first") == 0


def test_metadata_change_alone_is_an_update(store, tmp_path):
    path = write(tmp_path, "a.md", "---\ntitle: T\ntags: [a]\n---\nBody.\n")
    import_paths(store, [str(path)])
    path.write_text("---\ntitle: T\ntags: [a, b]\n---\nBody.\n")
    assert import_paths(store, [str(path)]).updated == 1
    assert store.find_by("path", str(path))["tags"] == ["a", "b"]


def test_same_text_from_second_path_is_a_duplicate(store, tmp_path):
    write(tmp_path, "one.txt", SCRAPED)
    write(tmp_path, "copy/two.txt", SCRAPED.replace("\n", "\r\n"))
    report = import_paths(store, [str(tmp_path)])
    assert (report.imported, report.duplicates) == (1, 1)
    assert any("same text as" in n for n in report.notes)
    assert store.count() == 1


def test_bad_files_fail_alone(store, tmp_path):
    write(tmp_path, "good.txt", "Good title\n\nGood body.\n")
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "binary.md", b"\x00\x01\x02")
    write(tmp_path, "open.md", "---\ntitle: x\n")
    report = import_paths(store, [str(tmp_path)])
    assert report.imported == 1 and report.failed == 3
    failed = {Path(f.path).name: f.error for f in report.failures}
    assert set(failed) == {"empty.txt", "binary.md", "open.md"}
    assert "empty" in failed["empty.txt"] and "NUL" in failed["binary.md"]


def test_dry_run_writes_nothing(store, tmp_path):
    write(tmp_path, "a.txt", "Title\n\nBody.\n")
    report = import_paths(store, [str(tmp_path)], Options(dry_run=True))
    assert report.imported == 1
    assert store.count() == 0


def test_globs_hidden_files_and_extensionless(store, tmp_path):
    write(tmp_path, "a.txt", "A title\n\nBody a.\n")
    write(tmp_path, "noext", "No ext title\n\nBody b.\n")
    write(tmp_path, ".hidden.txt", "Hidden\n\nBody c.\n")
    write(tmp_path, ".git/x.txt", "In hidden folder\n\nBody d.\n")
    write(tmp_path, "notes.csv", "a,b\n")
    import_paths(store, [str(tmp_path)])
    assert titles(store) == ["A title"]
    import_paths(store, [str(tmp_path)], Options(globs=("*",)))
    assert titles(store) == ["A title", "No ext title", "a,b"]


def test_shell_glob_and_missing_path(store, tmp_path):
    write(tmp_path, "x1.txt", "One\n\nBody one.\n")
    write(tmp_path, "x2.txt", "Two\n\nBody two.\n")
    report = import_paths(store, [str(tmp_path / "x*.txt"), str(tmp_path / "nope.txt")])
    assert report.imported == 2
    assert report.failures[0].error == "no such file or folder"


def test_symlink_loop_fifo_and_dangling_link_never_hang(store, tmp_path):
    write(tmp_path, "good.txt", "Good\n\nBody.\n")
    os.symlink(tmp_path, tmp_path / "loop")
    os.symlink(tmp_path / "missing.txt", tmp_path / "dangling.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    report = import_paths(store, [str(tmp_path)])
    assert report.imported == 1
    reasons = {Path(f.path).name: f.error for f in report.failures}
    assert reasons == {
        "dangling.txt": "broken symbolic link",
        "pipe.txt": "not a regular file (a FIFO, socket or device)",
    }


def test_size_cap(store, tmp_path):
    write(tmp_path, "big.txt", "Big\n\n" + "word " * 1000)
    report = import_paths(store, [str(tmp_path)], Options(max_size=1000))
    assert report.failed == 1 and "limit" in report.failures[0].error


def test_slugs_unique_ascii_never_empty_never_paths(store, tmp_path):
    write(tmp_path, "a.txt", "Same Title\n\nBody a.\n")
    write(tmp_path, "b.txt", "Same Title\n\nBody b.\n")
    write(tmp_path, "c.txt", "北京举行新闻发布会\n\n正文。\n")
    write(tmp_path, "d.txt", "!!!\n\nBody d.\n")
    write(tmp_path, "e.md", "---\ntitle: Evil\nslug: ../../etc/passwd\n---\nBody e.\n")
    write(tmp_path, "f.txt", ("Very long title " * 20).strip() + "\n\nBody f.\n")
    import_paths(store, [str(tmp_path)])
    slugs = {Path(r["path"]).name: r["slug"] for r in store.iter_articles()}
    assert slugs["a.txt"] == "same-title" and slugs["b.txt"] == "same-title-2"
    assert slugs["c.txt"] == "bei-jing-ju-xing-xin-wen-fa-bu-hui"
    assert slugs["d.txt"].startswith("article-")
    assert slugs["e.md"] == "etc-passwd"
    assert len(slugs["f.txt"]) <= 80
    for slug in slugs.values():
        assert slug.isascii() and "/" not in slug and ".." not in slug and slug


def test_jsonl_records_update_by_slug_and_fail_alone(store, tmp_path):
    path = write(tmp_path, "a.jsonl", '{"slug": "s1", "title": "One", "body": "B"}\n[1]\n')
    report = import_paths(store, [str(path)])
    assert (report.imported, report.failed) == (1, 1)
    assert report.failures[0].path.endswith("a.jsonl:2")
    path.write_text('{"slug": "s1", "title": "One", "body": "Changed"}\n')
    assert import_paths(store, [str(path)]).updated == 1
    assert store.resolve("s1")["body"] == "Changed"


def test_a_record_updating_one_inserted_earlier_in_its_batch_is_signed_once(store, tmp_path):
    """Two records of one file, the second an update of the first: one article, one signature."""
    body = "The harbour board voted on Tuesday to keep the night ferry running all winter."
    records = [{"title": "Ferry", "body": body}, {"title": "Ferry", "body": body, "source": "Wire"}]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_text(json.dumps(records), encoding="utf-8")
    report = import_paths(store, [str(tmp_path / "in")])
    assert (report.imported, report.updated, report.failed) == (1, 1, 0)
    [article] = store.iter_articles()
    assert article["source"] == "Wire"
    buckets = store.conn.execute(
        "SELECT count(*), count(DISTINCT bucket) FROM article_buckets WHERE article_id = ?",
        (article["id"],),
    ).fetchone()
    assert buckets[0] == buckets[1] > 0


def test_a_bug_while_parsing_one_file_is_named_as_a_bug_and_the_rest_import(store, tmp_path, monkeypatch):
    from newscli.importer import parse

    real = parse.parse_document

    def broken(name, data):
        if name.endswith("bad.txt"):
            raise TypeError("an unexpected None")
        return real(name, data)

    monkeypatch.setattr(parse, "parse_document", broken)
    write(tmp_path / "in", "bad.txt", "Title\n\nBody.\n")
    write(tmp_path / "in", "good.txt", "Good title\n\nGood body.\n")
    report = import_paths(store, [str(tmp_path / "in")])
    assert (report.imported, report.failed) == (1, 1)
    [failure] = report.failures
    assert failure.path.endswith("bad.txt")
    assert "bug" in failure.error and "TypeError: an unexpected None" in failure.error


def test_source_and_tag_options(store, tmp_path):
    write(tmp_path, "a.txt", "No source\n\nBody.\n")
    write(tmp_path, "b.txt", "Has source\n\nBody b.\n\nSource: Herald\n")
    import_paths(store, [str(tmp_path)], Options(source="Wire", tags=("inbox",)))
    rows = {r["title"]: r for r in store.iter_articles()}
    assert rows["No source"]["source"] == "Wire" and rows["Has source"]["source"] == "Herald"
    assert rows["No source"]["tags"] == ["inbox"]


def test_interrupted_batch_leaves_consistent_database(store, tmp_path, monkeypatch):
    for i in range(12):
        write(tmp_path, f"f{i:02}.txt", f"Title {i}\n\nBody number {i}.\n")
    monkeypatch.setattr(importer, "BATCH_SIZE", 5)
    real = saving._BatchSaver.save
    calls = {"n": 0}

    def interrupt_on_eighth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 8:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(saving._BatchSaver, "save", interrupt_on_eighth)
    report = import_paths(store, [str(tmp_path)])
    assert report.interrupted and report.imported == 5
    assert store.count() == 5 == fts_count(store, "body")
    monkeypatch.setattr(saving._BatchSaver, "save", real)
    again = import_paths(store, [str(tmp_path)])
    assert (again.imported, again.unchanged) == (7, 5)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")


def test_schema_is_migrated_once_and_recorded(db):
    Store.open(db).close()
    store = Store.open(db)
    assert store.schema_version == len(MIGRATIONS)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "porter unicode61 remove_diacritics 2" in conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
    ).fetchone()[0]


def test_diacritics_and_stemming_in_index(store, tmp_path):
    write(tmp_path, "a.txt", "Café owners protesting\n\nThe naïve plan.\n")
    import_paths(store, [str(tmp_path)])
    assert fts_count(store, "cafe") == 1 and fts_count(store, "protest") == 1
    assert fts_count(store, "naive") == 1


def test_json_lines_stream_with_the_limit_per_line(store, tmp_path):
    import json

    lines = [json.dumps({"slug": f"s{i}", "title": f"Title {i}", "body": "word " * 200}) for i in range(30)]
    lines.insert(10, json.dumps({"title": "Too big", "body": "x" * 5000}))
    path = write(tmp_path, "backup.jsonl", "\n".join(lines) + "\n")
    assert path.stat().st_size > 5000
    report = import_paths(store, [str(path)], Options(max_size=5000))
    assert (report.imported, report.failed) == (30, 1)
    assert report.failures[0].path.endswith("backup.jsonl:11") and "limit" in report.failures[0].error
    utf16 = write(tmp_path, "u16.jsonl", (lines[0] + "\n").encode("utf-16"))
    assert import_paths(store, [str(utf16)]).duplicates == 1  # read whole, decoded as UTF-16


def test_json_lines_among_many_files_keep_their_order(store, tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "PARALLEL_FROM", 4)
    monkeypatch.setattr(pool, "CHUNK", 2)
    for i in range(6):
        write(tmp_path, f"a{i}.txt", f"File {i}\n\nBody {i}.\n")
    write(tmp_path, "a3x.jsonl", '{"title": "Record", "body": "From lines."}\n')
    report = import_paths(store, [str(tmp_path)])
    assert (report.imported, report.failed) == (7, 0)
    assert store.resolve("record")["path"].endswith("a3x.jsonl")


def test_what_a_parse_worker_runs_and_returns_crosses_processes(tmp_path):
    write(tmp_path, "a.txt", "Title\n\nBody.\n")
    chunk = list(iter_candidates([str(tmp_path)], DEFAULT_GLOBS))
    for function in (pool.parse_chunk, pool.ignore_interrupts):  # by name: top level of its module
        assert pickle.loads(pickle.dumps(function)) is function
    [(candidate, [outcome])] = pickle.loads(pickle.dumps(pool.parse_chunk(chunk, Options())))
    assert candidate.name.endswith("a.txt") and not outcome.multi_record
    assert outcome.label == candidate.name and outcome.result.title == "Title"


def test_os_reason_is_the_system_wording_in_lower_case():
    assert os_reason(PermissionError(13, "Permission denied")) == "permission denied"
    assert os_reason(OSError("Disk Said No")) == "disk said no"  # no strerror: the message
