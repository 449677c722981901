"""Hostile data: references, file names, records, depth, dates and titles that once broke newscli."""

from __future__ import annotations

import pytest

from conftest import SAMPLES, write


@pytest.fixture
def dated(cli, tmp_path):
    """An archive whose slugs start with numbers, as slugs of dated titles do."""
    folder = tmp_path / "dated"
    for n in range(1, 5):
        write(folder, f"a{n}.txt", f"Article number {n}\n\nBody of article {n}.\n")
    write(folder, "b.txt", "2 Ferries Collide\n\nTwo ferries collided.\n")
    write(folder, "c.txt", "20 Years of Night Ferries\n\nA history.\n")
    assert cli("import", str(folder)).exit_code == 0
    return cli


def slug_of_id(cli, number: int) -> str:
    return cli.json("show", f"id:{number}")["slug"]


def test_a_number_that_is_also_a_slug_prefix_is_ambiguous_and_says_both(dated):
    result = dated("show", "2")
    assert result.exit_code == 1 and result.stdout == ""
    assert "ambiguous" in result.stderr and "id:2" in result.stderr
    assert slug_of_id(dated, 2) in result.stderr  # the id reading
    assert "2-ferries-collide" in result.stderr and "20-years" in result.stderr  # the slug reading
    for command in (("tag", "2", "--add", "x"), ("related", "2"), ("rm", "2", "--yes")):
        refused = dated(*command)
        assert refused.exit_code == 1 and "ambiguous" in refused.stderr, command
    assert len(dated.json("list")) == 6  # nothing removed


def test_ids_are_addressed_explicitly(dated):
    slug = slug_of_id(dated, 2)
    assert dated.json("show", "#2")["slug"] == slug
    assert dated.json("show", "ID:2")["slug"] == slug
    assert dated.json("show", "3")["slug"] == slug_of_id(dated, 3)  # no slug starts with 3
    missing = dated("show", "id:77")
    assert missing.exit_code == 1 and "no article with id 77" in missing.stderr


def test_rm_never_guesses_a_number_or_a_prefix(dated):
    number = dated("rm", "3", "--yes")
    assert number.exit_code == 1 and "id:3" in number.stderr
    prefix = dated("rm", "2-ferries", "--yes")
    assert prefix.exit_code == 1 and "not a whole slug" in prefix.stderr
    assert "2-ferries-collide" in prefix.stderr
    assert len(dated.json("list")) == 6
    removed = dated("rm", "id:3", "2-ferries-collide", "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert len(dated.json("list")) == 4


@pytest.mark.parametrize("command", [("show",), ("related",), ("tag", "--add", "x"),
                                     ("rm", "--yes"), ("edit",)])
@pytest.mark.parametrize("ref", ["99999999999999999999999", "id:99999999999999999999999",
                                 "#9223372036854775808", "²", "-1"])
def test_huge_or_odd_numbers_are_not_found_not_a_traceback(dated, command, ref):
    name, *options = command
    result = dated(name, ref, *options) if name != "tag" else dated(name, ref, *options)
    assert result.exit_code in (1, 2), result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr and result.stderr.startswith(("newscli: ", "Usage"))


def test_a_file_name_finds_its_article(cli):
    assert cli("import", str(SAMPLES)).exit_code == 0
    data = cli.json("show", "night-ferry-fare-dispute")  # the file's name, not its slug
    assert data["path"].endswith("night-ferry-fare-dispute.txt")
    assert data["slug"] != "night-ferry-fare-dispute"
    assert cli.json("show", "night-ferry-fare-dispute.txt")["slug"] == data["slug"]
    several = cli("show", "news-feed-2024")  # one JSON Lines file, several articles
    assert several.exit_code == 1 and "several articles" in several.stderr


# -- export into devices and FIFOs ---------------------------------------------------------------


@pytest.fixture
def samples(cli):
    assert cli("import", str(SAMPLES)).exit_code == 0
    return cli


def _char_device(path) -> bool:
    import os
    import stat

    return stat.S_ISCHR(os.stat(path).st_mode)


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_export_into_a_character_device_writes_into_it(samples, tmp_path, force):
    import os

    link = tmp_path / "null"
    link.symlink_to(os.devnull)  # a link, so the test can never replace the real /dev/null
    result = samples("export", "-o", str(link), *force)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and _char_device(link)
    assert list(tmp_path.glob(".null*")) == []  # no temporary file left beside it
    if hasattr(os, "mknod"):
        import stat

        node = tmp_path / "node"
        try:
            os.mknod(node, 0o666 | stat.S_IFCHR, os.stat(os.devnull).st_rdev)
        except OSError:
            return  # not permitted here: the link above proved the point
        assert samples("export", "-o", str(node), *force).exit_code == 0
        assert _char_device(node)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_export_into_a_fifo_writes_into_it_and_keeps_it(samples, tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # The test holds both ends, so the reader ends when the test lets go, whatever export does.
    read_end = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    write_end = os.open(fifo, os.O_WRONLY)
    os.set_blocking(read_end, True)
    received = bytearray()

    def read_all() -> None:
        while chunk := os.read(read_end, 65536):
            received.extend(chunk)

    reader = threading.Thread(target=read_all)
    reader.start()
    try:
        result = samples("export", "-o", str(fifo), "--force")
    finally:
        os.close(write_end)
        reader.join()
        os.close(read_end)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert len(bytes(received).splitlines()) == 20


def test_export_refuses_a_socket_in_the_way(samples, tmp_path):
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = samples("export", "-o", str(path), "--force")
    finally:
        server.close()
    assert result.exit_code == 1 and "nothing was written" in result.stderr
    assert path.exists() and not path.is_file()


# -- names and records that are not text ---------------------------------------------------------


@pytest.mark.skipif(__import__("sys").platform != "linux", reason="needs byte file names")
def test_a_file_name_that_is_not_utf8_fails_alone_and_the_rest_imports(cli, tmp_path):
    import json
    import os

    folder = tmp_path / "in"
    write(folder, "good.txt", "Good One\n\nA fine body.\n")
    with open(os.path.join(os.fsencode(folder), b"x\xff.txt"), "wb") as handle:
        handle.write(b"Bad Name\n\nIts name is Latin-1.\n")
    os.makedirs(os.path.join(os.fsencode(folder), b"dir\xfe"))
    result = cli("import", str(folder), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["imported"] == 1 and report["failed"] == 2
    assert {f["path"].rsplit("/", 1)[1] for f in report["failures"]} == {"x\\xff.txt", "dir\\xfe"}
    assert all("not valid UTF-8" in f["error"] for f in report["failures"])
    assert [a["title"] for a in cli.json("list")] == ["Good One"]


def test_a_record_with_a_lone_surrogate_fails_alone(cli, tmp_path):
    folder = tmp_path / "in"
    write(folder, "feed.jsonl", '{"title": "First", "body": "one"}\n'
          '{"title": "Bad \\ud800 half", "body": "two"}\n{"title": "Third", "body": "three"}\n'
          '{"title": "Meta", "body": "four", "meta": {"k": "\\udc80"}}\n')
    write(folder, "list.json", '[{"title": "Array \\udfff", "body": "x"}, {"title": "Fine", "body": "y"}]')
    result = cli("import", str(folder))
    assert result.exit_code == 1
    assert "feed.jsonl:2: holds a lone surrogate" in result.stderr
    assert "feed.jsonl:4: holds a lone surrogate" in result.stderr
    assert "list.json:1: holds a lone surrogate" in result.stderr
    assert "3 imported" in result.stderr and "3 failed" in result.stderr
    assert sorted(a["title"] for a in cli.json("list")) == ["Fine", "First", "Third"]


# -- archives read-only or foreign ---------------------------------------------------------------


def test_info_on_a_read_only_archive_says_so_and_checks_what_it_can(samples, db, monkeypatch):
    import json

    from newscli.store import connection

    before = db.read_bytes()
    monkeypatch.setattr(connection, "writable", lambda path: False)  # as for chmod 444 or +i
    result = samples("info", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    info = json.loads(result.stdout)
    assert info["ok"] and info["read_only"] and info["articles"] == 20
    checks = {check["name"]: check for check in info["checks"]}
    assert checks["database"]["ok"] and checks["search index"]["ok"]
    assert "read-only" in checks["search index"]["detail"]
    assert "rebuild" not in result.stdout
    table = samples("info", "--format", "table")
    assert table.exit_code == 0 and "read-only" in table.stdout and "FAILED" not in table.stdout
    assert db.read_bytes() == before


def test_info_on_a_read_only_archive_still_finds_a_damaged_index(samples, db, monkeypatch):
    import json
    import sqlite3
    from contextlib import closing

    from newscli.store import connection

    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DELETE FROM articles_fts_docsize WHERE id = 1")
        conn.commit()
    monkeypatch.setattr(connection, "writable", lambda path: False)
    result = samples("info", "--format", "json")
    assert result.exit_code == 1
    check = [c for c in json.loads(result.stdout)["checks"] if c["name"] == "search index"][0]
    assert not check["ok"] and "writable" in check["detail"]


@pytest.mark.parametrize("shape", [
    "CREATE TABLE newscli_migrations (id INTEGER, step TEXT)",
    "CREATE TABLE newscli_migrations (version TEXT, name TEXT); "
    "INSERT INTO newscli_migrations VALUES ('one', 'x')",
])
def test_a_migrations_table_of_another_shape_is_not_an_archive(cli, db, shape):
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(db)) as conn:
        conn.executescript(shape)
    before = db.read_bytes()
    for args in (("list",), ("info",), ("import", "-")):
        result = cli(*args, input="T\n\nB\n")
        assert result.exit_code == 1, args
        assert "not a newscli archive (or not one this version understands)" in result.stderr
        assert "no such column" not in result.stderr
    assert db.read_bytes() == before


# -- a full disk during import -------------------------------------------------------------------


def _fill_up_after(monkeypatch, extra_pages: int) -> None:
    """Every archive opened from now on holds at most extra_pages more pages: a disk that fills."""
    from newscli.store import connection

    real_connect = connection.connect

    def connect(path, *, read_only):
        conn = real_connect(path, read_only=read_only)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + extra_pages}")
        return conn

    monkeypatch.setattr(connection, "connect", connect)


def _corpus(folder, count: int) -> None:
    for i in range(count):
        body = " ".join(f"word{(i * 7 + j) % 997}x{i}" for j in range(150))
        write(folder, f"article-{i:04}.txt", f"Headline number {i}\n\n{body}\n")


@pytest.mark.parametrize("report_format", ["text", "json"])
def test_disk_full_reports_what_was_stored_and_how_to_finish(cli, tmp_path, monkeypatch,
                                                             report_format):
    import json
    import sqlite3
    from contextlib import closing

    from newscli import importer

    write(tmp_path / "first", "a.txt", "Stored first\n\nBody.\n")
    assert cli("import", str(tmp_path / "first")).exit_code == 0
    _corpus(tmp_path / "more", 120)
    monkeypatch.setattr(importer, "BATCH_SIZE", 20)
    with monkeypatch.context() as full:
        _fill_up_after(full, 120)
        result = cli("import", str(tmp_path / "more"), "--format", report_format)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and "nothing was lost" not in result.stderr
    with closing(sqlite3.connect(cli.db)) as conn:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0] - 1
    assert 0 < stored < 120  # some batches went in before the disk filled
    if report_format == "json":
        report = json.loads(result.stdout)
        assert report["imported"] == stored and report["not_stored"] == 20
        assert "full" in report["stopped"] and "run the same import again" in report["finish"]
    else:
        assert f"{stored} imported" in result.stderr
        assert "stopped: cannot write to" in result.stderr and "full" in result.stderr
        assert "not stored: the 20 articles being written" in result.stderr
        assert "run the same import again to finish" in result.stderr
    again = cli("import", str(tmp_path / "more"), "--format", "json")  # room again
    assert again.exit_code == 0, again.stderr
    finished = json.loads(again.stdout)
    assert finished["unchanged"] + finished["imported"] == 120
    assert finished["imported"] == 120 - stored


# -- query cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, same_as", [
    ("ferry ferry FERRY", "ferry"),
    (" OR ".join(["ferry"] * 2000), "ferry"),
    ("night ferry night ferry", "night ferry"),
    ('"night ferry" "Night Ferry" x', '"night ferry" x'),
    ("(a OR b) (a OR b) c", "(a OR b) c"),
    ("title:ferry title:Ferry -fare -fare", "title:ferry -fare"),
])
def test_repeated_terms_are_merged(text, same_as):
    from newscli.query import parse_query

    query, expected = parse_query(text), parse_query(same_as)
    assert query.match.casefold() == expected.match.casefold()
    assert (query.boost or "").casefold() == (expected.boost or "").casefold()


def test_a_query_of_too_many_words_is_refused_with_the_limit():
    from newscli.errors import QueryError
    from newscli.query import parse_query
    from newscli.query.build import MAX_TERMS

    words = [f"w{n}x" for n in range(MAX_TERMS + 1)]
    parse_query(" ".join(words[:MAX_TERMS]))  # at the limit: searched
    for text in (" ".join(words), " OR ".join(words), '"' + " ".join(words) + '"'):
        with pytest.raises(QueryError, match=f"at most {MAX_TERMS} are searched at once"):
            parse_query(text)


def test_long_queries_through_the_command_line(samples):
    same = samples("search", " ".join(["ferry"] * 2000))  # 11,999 characters, one word
    assert same.exit_code == 0 and "night-ferry" in same.stdout
    many = samples("search", " OR ".join(f"word{n}" for n in range(1000)))
    assert many.exit_code == 2 and many.stdout == ""
    assert many.stderr.startswith("newscli: error: the query searches for 1,000 words")


def _query_strategy():
    from hypothesis import strategies as st

    piece = st.sampled_from(['"', "(", ")", "*", "-", "^", ":", " AND ", " OR ", " NOT ", "NEAR",
                             "title:", "body:", "source:", "tag:", "author:", "since:", "until:",
                             "2024", "7d", "ferry", "Ferry", "night", "北京", "\x1b[2J", "\x00",
                             " ", "id:2", "#"])
    return st.one_of(st.text(max_size=200), st.lists(piece, max_size=80).map("".join),
                     st.lists(piece, max_size=8).map(lambda p: "".join(p) * 300))


@pytest.fixture(scope="module")
def fuzz_archive(tmp_path_factory):
    from conftest import Cli

    cli = Cli(tmp_path_factory.mktemp("fuzz-query") / "a.db")
    assert cli("import", str(SAMPLES)).exit_code == 0
    return cli


def test_query_language_fuzz_never_raises(fuzz_archive):
    """search, export, stats and list with any query: exit 0, 1 or 2 and one line, never a
    traceback (time bounds are the benchmarks' business)."""
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(_query_strategy(), __import__("hypothesis").strategies.sampled_from(
        ["search", "export", "stats"]))
    def check(query, command):
        args = [command, "--", query] if query.startswith("-") else [command, query]
        result = fuzz_archive(*args)
        assert result.exit_code in (0, 1, 2), (command, query, result.stderr)
        assert result.exception is None or isinstance(result.exception, SystemExit), query
        assert "Traceback" not in result.stderr and "fts5" not in result.stderr.lower()

    check()


# -- dates and titles newscli cannot take as they are --------------------------------------------


@pytest.mark.parametrize("date", ["-0044-03-15", "'-0044-03-15'", "0000-01-01", "99999-01-01",
                                  "1999-02-30", "−0044-03-15"])
def test_a_date_newscli_cannot_represent_is_kept_in_meta_and_the_article_imports(
        cli, tmp_path, date):
    write(tmp_path / "in", "a.md", f"---\ntitle: Ides of March\ndate: {date}\nplace: Rome\n---\n"
          "Caesar is stabbed.\n")
    result = cli("import", str(tmp_path / "in"))
    assert result.exit_code == 0, result.stderr
    assert "kept in meta" in result.stderr and "1 imported" in result.stderr
    article = cli.json("show", "ides-of-march")
    assert article["published"] is None  # never a mangled 0044-03-15
    assert article["meta"]["date"] == date.strip("'")
    assert article["meta"]["place"] == "Rome"


def test_a_readable_date_beside_an_impossible_one_in_meta_still_imports(cli, tmp_path):
    write(tmp_path / "in", "a.md", "---\ntitle: T\ndate: 2024-05-01\nupdated: 0000-01-01\n---\nB.\n")
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    article = cli.json("show", "t")
    assert article["published"] == "2024-05-01" and article["meta"]["updated"] == "0000-01-01"


@pytest.mark.parametrize("front, title", [
    ("title: {a: 1}", "Body line one."),
    ("title: [a, {b: 2}]", "Body line one."),
    ("title: [Part, 2]", "Part, 2"),
    ("title: 1984", "1984"),
])
def test_titles_are_text_whatever_the_front_matter_holds(cli, tmp_path, front, title):
    write(tmp_path / "in", "a.md", f"---\n{front}\n---\nBody line one.\n\nMore.\n")
    result = cli("import", str(tmp_path / "in"))
    assert result.exit_code == 0, result.stderr
    [article] = cli.json("list")
    assert article["title"] == title and "{" not in article["title"]


@pytest.mark.parametrize("name, text", [
    ("a.md", "---\ntitle: " + "word " * 200_000 + "\n---\nBody.\n"),
    ("b.txt", "word " * 200_000 + "\n\nBody.\n"),
    ("c.json", '{"title": "' + "word " * 200_000 + '", "body": "Body."}'),
    ("d.jsonl", '{"body": "' + "word " * 200_000 + '"}\n'),
    ("e.md", "---\nauthor: x\n---\n# " + "word " * 200_000 + "\n\nBody.\n"),
])
def test_titles_have_one_bounded_length_whatever_the_shape(cli, tmp_path, name, text):
    from newscli.parsing.titles import MAX_TITLE

    write(tmp_path / "in", name, text)
    result = cli("import", str(tmp_path / "in"))
    assert result.exit_code == 0, result.stderr
    [article] = cli.json("list")
    assert len(article["title"]) == MAX_TITLE and article["title"].endswith("word…")


# -- symbolic links ------------------------------------------------------------------------------


@pytest.fixture
def linked(tmp_path):
    """in/ holds a file, links inside it, and links to outside/ (a secret file and a folder)."""
    import os

    inside, outside, other = tmp_path / "in", tmp_path / "outside", tmp_path / "other"
    write(inside, "own.txt", "Own Article\n\nImported from the folder.\n")
    write(inside, "sub/deep.txt", "Deep Article\n\nIn a subfolder.\n")
    write(outside, "secret.txt", "Secret Article\n\nShould stay outside.\n")
    write(outside, "folder/more.txt", "More Secrets\n\nAlso outside.\n")
    write(other, "given.txt", "Given Article\n\nIn a second folder given.\n")
    os.symlink(outside / "secret.txt", inside / "secret.txt")
    os.symlink(outside / "folder", inside / "folder")
    os.symlink(inside / "sub", inside / "alias")  # inside: followed (a folder once, by inode)
    os.symlink(other / "given.txt", inside / "to-other.txt")  # inside another path given
    os.symlink(outside / "nothing.png", inside / "image.png")  # not a wanted name: ignored
    return tmp_path


def test_links_leading_outside_the_folders_given_are_not_followed(cli, linked):
    import json

    result = cli("import", str(linked / "in"), str(linked / "other"), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert sorted(f["path"].rsplit("/", 1)[1] for f in report["failures"]) == ["folder",
                                                                                "secret.txt"]
    assert all("outside the folders given" in f["error"] and "--follow-links" in f["error"]
               for f in report["failures"])
    titles = sorted(a["title"] for a in cli.json("list"))
    assert titles == ["Deep Article", "Given Article", "Own Article"]


def test_follow_links_follows_them(cli, linked):
    result = cli("import", str(linked / "in"), "--follow-links")
    assert result.exit_code == 0, result.stderr
    titles = sorted(a["title"] for a in cli.json("list"))
    assert titles == ["Deep Article", "Given Article", "More Secrets", "Own Article",
                      "Secret Article"]


def test_a_link_named_on_the_command_line_is_followed(cli, linked):
    result = cli("import", str(linked / "in" / "secret.txt"))
    assert result.exit_code == 0, result.stderr
    assert [a["title"] for a in cli.json("list")] == ["Secret Article"]


# -- deeply nested pages -------------------------------------------------------------------------

_PARAGRAPH = "<p>" + " ".join(f"Harbour story sentence {i} about the night ferry and its fares."
                              for i in range(30)) + "</p>"


def _nested_page(depth: int) -> str:
    return ("<html><head><title>Deep Page</title></head><body>" + "<div>" * depth + _PARAGRAPH
            + "</div>" * depth + "</body></html>")


@pytest.mark.parametrize("depth", [200, 300, 1000])
def test_a_deep_but_real_page_imports(depth):
    from newscli.parsing.html import parse_html

    article = parse_html(_nested_page(depth).encode())
    assert article.title == "Deep Page" and "night ferry" in article.body


@pytest.mark.parametrize("depth", [3000, 100_000])
def test_pathological_depth_fails_with_that_reason(cli, tmp_path, depth):
    write(tmp_path / "in", "deep.html", _nested_page(depth))
    write(tmp_path / "in", "fine.txt", "Fine Article\n\nIt imports beside it.\n")
    result = cli("import", str(tmp_path / "in"))
    assert result.exit_code == 1
    assert "deep.html: the page nests its elements 2,048 or more deep" in result.stderr
    assert "only 0 words" not in result.stderr and "1 imported" in result.stderr


def test_a_search_that_would_take_too_long_is_stopped_and_refused(tmp_path, monkeypatch):
    """Every search answers within its time limit or is refused in one line (exit 2)."""
    from conftest import Cli
    from newscli import search

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(300):
        (folder / f"a{number}.txt").write_text(
            f"Harbour story {number}\n\n" + "The harbour board met again about the ferry. " * 20,
            encoding="utf-8")
    cli = Cli(tmp_path / "many.db")
    assert cli("import", str(folder), "--quiet").exit_code == 0
    assert cli("search", "harbour OR ferry", "--format", "slugs").exit_code == 0
    from newscli.store import archive

    monkeypatch.setattr(search, "TIME_LIMIT_SECONDS", -1.0)  # every statement is over time
    monkeypatch.setattr(archive, "TIME_CHECK_STEPS", 100)  # and looks at the time often
    for fmt in ("slugs", "tsv", "csv", "json", "jsonl"):  # not even a header or a bracket
        refused = cli("search", "harbour OR ferry", "--format", fmt)
        assert refused.exit_code == 2 and refused.stdout == "", fmt
        assert refused.stderr.startswith("newscli: error: this search was stopped after -1 s")
        assert len(refused.stderr.splitlines()) == 1


def test_the_time_limit_stops_any_statement_and_is_lifted_after(tmp_path):
    from newscli.errors import QueryTooCostly
    from newscli.store import Store

    store = Store.open(tmp_path / "a.db")
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    with pytest.raises(QueryTooCostly), store.time_limit(0.05):
        store.conn.execute(endless).fetchone()
    assert store.conn.execute("SELECT 1").fetchone()[0] == 1  # the handler is gone


def waiting_store(path):
    """A store whose SQL can wait(seconds) without working, as on a cold disk or a busy core."""
    import time

    from newscli.store import Store

    store = Store.open(path)
    store.conn.create_function("wait", 1, time.sleep)
    return store


def counting(rows):
    return (f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) "
            "SELECT count(*) FROM n")


def test_the_time_limit_counts_work_not_waiting(tmp_path):
    """A cold disk or a core another program holds makes a search wait, not work: the limit
    counts the process's CPU time, so a search that waited is still answered."""
    store = waiting_store(tmp_path / "a.db")
    with store.time_limit(0.2):
        store.conn.execute("SELECT wait(0.4)").fetchone()
        assert store.conn.execute(counting(200_000)).fetchone()[0] == 200_000


def test_the_time_limit_still_bounds_a_long_wait(tmp_path):
    """Waiting counts too, once it passes WAIT_FACTOR times the limit: a query cannot hold the
    archive for long on a cold disk either."""
    from newscli.errors import QueryTooCostly
    from newscli.store import archive

    store = waiting_store(tmp_path / "a.db")
    with pytest.raises(QueryTooCostly, match="after 0.3 s, most of it spent waiting"), \
            store.time_limit(0.3 / archive.WAIT_FACTOR):
        store.conn.execute("SELECT wait(0.4)").fetchone()
        store.conn.execute(counting(20_000)).fetchone()


def test_a_search_that_has_begun_its_output_is_never_refused_halfway(tmp_path, monkeypatch):
    """The limit refuses a search before it shows anything: once the first hit is out, the rest
    of the output (snippets, the count on stderr) is not cut off with an error."""
    from conftest import Cli
    from newscli import search

    folder = tmp_path / "few"
    folder.mkdir()
    for number in range(3):
        (folder / f"a{number}.txt").write_text(f"Harbour story {number}\n\nThe harbour board met.",
                                               encoding="utf-8")
    cli = Cli(tmp_path / "few.db")
    assert cli("import", str(folder), "--quiet").exit_code == 0
    plain_search = search.search

    def over_time_once_the_first_hit_is_ready(store, *args, **kwargs):
        store.conn.set_progress_handler(None, 0)  # the ranking answers in time ...
        for number, hit in enumerate(plain_search(store, *args, **kwargs)):
            if number == 0:  # ... and the limit runs out as the first hit goes out
                store.conn.set_progress_handler(lambda: True, 10)
            else:  # the rest of the output (here: a statement of many steps) is not stopped
                store.conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                                   "FROM n WHERE i < 1000) SELECT count(*) FROM n").fetchone()
            yield hit

    monkeypatch.setattr(search, "search", over_time_once_the_first_hit_is_ready)
    result = cli("search", "harbour", "--format", "slugs")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == "3 matches\n"
