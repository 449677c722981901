"""Hostile files, concurrent processes, crashes, damaged and foreign databases (issue: reliability).

Process-level tests run the real `python -m newscli` so locking, signals and exit codes are real.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write
from newscli import importer
from newscli.errors import DatabaseError
from newscli.importer import import_paths
from newscli.store import Store, migrations

NEWSCLI = [sys.executable, "-m", "newscli"]


def run(db: Path, *args: str, input: str | None = None, timeout: float = 120, user: bool = False):
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if user else []
    return subprocess.run([*prefix, *NEWSCLI, "--db", str(db), *args], input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def open_tmp():
    """A temporary folder an unprivileged user can reach (pytest's own is private to root)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="newscli-test-"))
    folder.chmod(0o777)
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o777)
    shutil.rmtree(folder, ignore_errors=True)


def integrity(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "articles" not in tables:  # killed before the schema was committed: nothing half-made
        assert not tables & {"articles_fts", "newscli_migrations"}
        return
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    rows = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    indexed = conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
    assert rows == indexed, "an article row without its index row, or the reverse"
    conn.close()


def articles(db: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
            return set()
        return set(conn.execute("SELECT slug, sha256 FROM articles"))
    finally:
        conn.close()


def make_corpus(folder: Path, count: int, words: int = 120) -> Path:
    for i in range(count):
        body = " ".join(f"word{(i * 7 + j) % 997}" for j in range(words))
        write(folder, f"d{i % 7}/article-{i:04}.txt", f"Headline number {i}\n\nHARBOURTON - {body}\n")
    return folder


# -- hostile input -----------------------------------------------------------------------------

ALIAS_BOMB = "\n".join(
    ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]" for i in range(1, 10)]
    + ["title: bomb", "---", "body"]
)


def hostile_folder(root: Path) -> tuple[Path, dict[str, str], set[str]]:
    """Good and bad files side by side; returns the folder, bad names -> reason words, good titles."""
    folder = root / "hostile"
    pwned = root / "pwned"
    write(folder, "good-plain.txt", "Plain good title\n\nA body.\n")
    write(folder, "good-utf16.txt", "UTF sixteen title\n\nBody ü.\n".encode("utf-16"))
    write(folder, "good-latin1.txt", "Latin one café\n\nBody é.\n".encode("latin-1"))
    write(folder, "good-badutf8.txt", b"Mixed bytes title\n\nValid start \xff\xfe broken \xe9 middle.\n")
    write(folder, "good-escape.txt", "Evil \x1b[2J\x1b]0;owned\x07 title\n\nBody \x1b[31mred.\n")
    write(folder, "good-markup.txt", "[bold]Loud[/bold] [link=http://x]title[/link]\n\nBody [red]x[/red].\n")
    write(folder, "good-rtl.txt", "خبر عاجل 🚢 ferry\n\nنص الخبر ‮ reversed 😀.\n")
    write(folder, "good\nnewline.txt", "Newline name title\n\nBody.\n")
    write(folder, "good-longline.txt", "Long line\n\n" + "word " * 600_000)  # one 3 MB line
    write(folder, "good-pythontag.md",
          f"---\ntitle: Tag title\nx: !!python/object/apply:os.system ['touch {pwned}']\n---\nb\n")
    write(folder, "bad-empty.txt", "")
    write(folder, "bad-space.txt", "   \n\n\t  \n")
    write(folder, "bad-unclosed.md", "---\ntitle: never closed\n\nbody\n")
    write(folder, "bad-bomb.md", ALIAS_BOMB)
    write(folder, "bad-nul.txt", b"Title\n\nbody\x00with nul\n")
    with open(folder / "bad-huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB (sparse), over the 10 MB cap
    os.mkfifo(folder / "bad-fifo.txt")
    os.symlink(folder / "nowhere.txt", folder / "bad-dangling.txt")
    os.symlink("bad-self.txt", folder / "bad-self.txt")
    os.symlink(folder, folder / "loop")
    bad = {
        "bad-empty.txt": "empty", "bad-space.txt": "empty", "bad-unclosed.md": "never closed",
        "bad-bomb.md": "too many values", "bad-nul.txt": "NUL", "bad-huge.txt": "limit",
        "bad-fifo.txt": "not a regular file", "bad-dangling.txt": "broken symbolic link",
        "bad-self.txt": "loop", "good-pythontag.md": "front matter",
    }
    good = {"Plain good title", "UTF sixteen title", "Latin one café", "Mixed bytes title",
            "Newline name title", "Long line", "خبر عاجل 🚢 ferry"}
    return folder, bad, good


def test_hostile_folder_imports_the_good_and_names_the_bad(tmp_path):
    folder, bad, good = hostile_folder(tmp_path)
    db = tmp_path / "a.db"
    # A file that hangs the importer (the FIFO, the symlink loop) fails the test by its timeout.
    result = run(db, "import", str(folder), "--format", "json", timeout=60)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    failures = {Path(f["path"]).name: f["error"] for f in report["failures"]}
    assert set(failures) == set(bad)
    for name, reason in bad.items():
        assert reason in failures[name], (name, failures[name])
    assert not (tmp_path / "pwned").exists(), "a YAML tag was executed"
    listed = json.loads(run(db, "list", "--format", "json").stdout)
    titles = {a["title"] for a in listed}
    assert good <= titles and len(listed) == report["imported"] == len(good) + 2
    integrity(db)


def test_hostile_titles_print_as_harmless_text(tmp_path):
    folder, _, _ = hostile_folder(tmp_path)
    db = tmp_path / "a.db"
    run(db, "import", str(folder))
    for slug in json.loads(run(db, "list", "--format", "json").stdout):
        shown = run(db, "show", slug["slug"])
        assert shown.returncode == 0
        assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    for args in (["list"], ["list", "--format", "csv"], ["search", "title"], ["search", "evil"]):
        printed = run(db, *args).stdout
        assert "\x1b" not in printed and "\x07" not in printed and "title" in printed.lower()
    markup = next(a for a in json.loads(run(db, "list", "--format", "json").stdout)
                  if "Loud" in a["title"])
    assert "[bold]Loud[/bold]" in run(db, "show", markup["slug"]).stdout


@pytest.mark.skipif(os.geteuid() != 0 and sys.platform != "linux", reason="needs Linux")
def test_unreadable_file_is_named(open_tmp):
    tmp_path = open_tmp
    folder = tmp_path / "in"
    write(folder, "ok.txt", "Readable\n\nBody.\n")
    write(folder, "secret.txt", "Secret\n\nBody.\n").chmod(0)
    db = tmp_path / "a.db"
    as_nobody = os.geteuid() == 0
    if as_nobody:  # root reads anything: drop to an unprivileged user for this import
        for path in (tmp_path, folder):
            path.chmod(0o777)
        (folder / "ok.txt").chmod(0o644)
    result = run(db, "import", str(folder), "--format", "json", user=as_nobody)
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["imported"] == 1
    assert report["failures"][0]["path"].endswith("secret.txt")
    assert "permission denied" in report["failures"][0]["error"]


def test_sql_in_queries_and_front_matter_is_just_text(tmp_path):
    db = tmp_path / "a.db"
    evil = "Robert'); DROP TABLE articles; --"
    write(tmp_path / "in", "a.md", f"---\ntitle: \"{evil}\"\nauthor: \"x' OR '1'='1\"\n---\nBody.\n")
    write(tmp_path / "in", "b.md", "---\ntitle: Innocent\n---\nOther body.\n")
    assert run(db, "import", str(tmp_path / "in")).returncode == 0
    listed = json.loads(run(db, "list", "--format", "json").stdout)
    assert {a["title"] for a in listed} == {evil, "Innocent"}
    assert {a["author"] for a in listed} == {"x' OR '1'='1", None}
    shown = run(db, "show", "robert-drop-table-articles")
    assert shown.returncode == 0 and evil in shown.stdout
    assert run(db, "show", "x' OR '1'='1").returncode == 1
    assert len(articles(db)) == 2


# -- concurrency -------------------------------------------------------------------------------

def test_three_importers_and_readers_at_once(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 600)
    db = tmp_path / "a.db"
    folders = [str(corpus / f"d{i}") for i in range(7)]
    importers = [
        subprocess.Popen([*NEWSCLI, "--db", str(db), "import", *folders[i::2] + folders[:2]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(3)
    ]
    readers = 0
    while any(p.poll() is None for p in importers):
        reader = run(db, "list", "--format", "jsonl")
        assert reader.returncode in (0, 1), reader.stderr
        assert "locked" not in reader.stderr
        readers += 1
    for proc in importers:
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    assert len(articles(db)) == 600
    integrity(db)
    assert readers >= 1


# -- crashes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("files, kill_points", [
    (1500, 4),
    pytest.param(5000, 20, marks=pytest.mark.slow),
])
def test_sigkill_at_random_points_then_rerun(tmp_path, files, kill_points):
    corpus = make_corpus(tmp_path / "corpus", files, words=200)
    reference = tmp_path / "reference.db"
    started = time.monotonic()
    assert run(reference, "import", str(corpus)).returncode == 0
    duration = time.monotonic() - started
    expected = articles(reference)
    rng = random.Random(7)
    kills = 0
    for point in range(kill_points):
        # Every other run starts afresh, so kills land across a whole import, not only its end;
        # the others resume a killed archive, as a person re-running the command would.
        db = tmp_path / f"a{point - point % 2}.db"
        proc = subprocess.Popen([*NEWSCLI, "--db", str(db), "import", str(corpus)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.15, 0.9) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if db.exists():
            integrity(db)
            assert articles(db) <= expected
    assert kills >= kill_points // 2
    assert run(db, "import", str(corpus)).returncode == 0
    assert articles(db) == expected
    integrity(db)


def test_ctrl_c_stops_cleanly_with_a_summary(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 4000, words=200)
    db = tmp_path / "a.db"
    proc = subprocess.Popen([*NEWSCLI, "--db", str(db), "import", str(corpus)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None and not _has_articles(db):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the import finished before Ctrl-C arrived")
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    integrity(db)
    assert run(db, "import", str(corpus)).returncode == 0
    assert len(articles(db)) == 4000


def _has_articles(db: Path) -> bool:
    try:
        return bool(articles(db))
    except sqlite3.Error:
        return False


# -- damaged and foreign databases -------------------------------------------------------------

def test_truncated_database_is_refused_untouched(tmp_path):
    db = tmp_path / "a.db"
    make_corpus(tmp_path / "in", 50)
    run(db, "import", str(tmp_path / "in"))
    subprocess.run([sys.executable, "-c", f"import sqlite3; sqlite3.connect({str(db)!r})"
                    ".execute('PRAGMA wal_checkpoint(TRUNCATE)')"], check=True)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    before = db.read_bytes()
    result = run(db, "list")
    assert result.returncode == 1 and result.stderr.startswith("newscli: error:")
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "a.db"
    Store.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO newscli_migrations VALUES (99, 'm099_future', '2030-01-01')")
    conn.commit()
    conn.close()
    result = run(db, "list")
    assert result.returncode == 1 and "newer newscli" in result.stderr and "upgrade" in result.stderr


def test_older_archive_migrates_and_a_failed_step_rolls_back(tmp_path, monkeypatch):
    db = tmp_path / "a.db"
    store = Store.open(db)
    write(tmp_path / "in", "a.txt", "Kept title\n\nKept body.\n")
    import_paths(store, [str(tmp_path / "in")])
    store.close()

    def m_broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("simulated failure in a step")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m_broken])
    with pytest.raises(DatabaseError):
        Store.open(db)
    conn = sqlite3.connect(db)
    assert "half_done" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()

    def m_good(conn):
        conn.execute("CREATE TABLE extra (x)")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:-1], m_good])
    upgraded = Store.open(db)
    assert upgraded.schema_version == len(migrations.MIGRATIONS)
    assert [r["title"] for r in upgraded.iter_articles()] == ["Kept title"]


@pytest.mark.skipif(os.geteuid() != 0, reason="drops to an unprivileged user with setpriv")
def test_read_only_archive_reads_but_refuses_import(open_tmp):
    tmp_path = open_tmp
    home = tmp_path / "ro"
    home.mkdir()
    db = home / "a.db"
    write(tmp_path / "in", "a.txt", "Read only title\n\nBody.\n")
    assert run(db, "import", str(tmp_path / "in")).returncode == 0
    db.chmod(0o444)
    home.chmod(0o555)
    before = db.read_bytes()
    listed = run(db, "list", "--format", "json", user=True)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["title"] == "Read only title"
    assert run(db, "show", "read-only-title", user=True).returncode == 0
    refused = run(db, "import", "-", input="New\n\nBody.\n", user=True)
    assert refused.returncode == 1 and "read-only" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert db.read_bytes() == before


def test_disk_full_names_the_archive_and_keeps_what_was_stored(tmp_path, monkeypatch):
    db = tmp_path / "a.db"
    store = Store.open(db)
    write(tmp_path / "first", "a.txt", "Stored first\n\nBody.\n")
    import_paths(store, [str(tmp_path / "first")])
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk is now "full"
    make_corpus(tmp_path / "more", 200, words=300)
    monkeypatch.setattr(importer, "BATCH_SIZE", 50)
    report = import_paths(store, [str(tmp_path / "more")])
    assert report.stopped and "full" in report.stopped and str(db) in report.stopped
    assert report.imported == 0 and report.not_stored == 50
    assert [r["title"] for r in store.iter_articles()][-1] == "Stored first"
    store.close()
    integrity(db)


# -- queries -----------------------------------------------------------------------------------

FTS_WORDS = st.sampled_from(['"', "'", "(", ")", "*", "-", "^", ":", "AND", "OR", "NOT", "NEAR",
                             "title:", "body:", "source:", "tag:", "since:", "rank", "bm25(",
                             "articles_fts", "\x00", "\x1b[2J", "北京", " ", "ferry", ";--"])


@pytest.fixture(scope="module")
def fuzz_cli(tmp_path_factory):
    from conftest import SAMPLES, Cli

    cli = Cli(tmp_path_factory.mktemp("fuzz") / "a.db")
    assert cli("import", str(SAMPLES)).exit_code == 0
    return cli


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(FTS_WORDS, max_size=60).map("".join),
                 st.text(min_size=2000, max_size=6000)))
def test_search_command_never_raises(fuzz_cli, query):
    result = fuzz_cli("search", "--", query) if query.startswith("-") else fuzz_cli("search", query)
    assert result.exit_code in (0, 1, 2), (query, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), query
    assert "Traceback" not in result.stderr and "fts5" not in result.stderr.lower()
