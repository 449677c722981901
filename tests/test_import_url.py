"""`newscli import URL`: pages fetched from a local server on 127.0.0.1 go the saved-page way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from werkzeug.wrappers import Response

PAGES = Path(__file__).parent / "pages"
PAGE = (PAGES / "news-article.html").read_bytes()
HTML = "text/html; charset=utf-8"
CANONICAL = "https://www.coastalherald.example/transport/2024/07/03/night-ferry-three-crossings"



def pages_asked(httpserver) -> int:
    return sum(request.path != "/robots.txt" for request, _ in httpserver.log)


def report(result) -> dict:
    return json.loads(result.stdout)


def test_a_url_is_fetched_and_imported_as_a_saved_page(cli, httpserver):
    httpserver.expect_request("/short").respond_with_data("", status=301, headers={"Location": "/story"})
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type=HTML)
    result = cli("import", httpserver.url_for("/short"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert report(result)["imported"] == 1
    [article] = cli.json("list")
    shown = json.loads(cli("show", article["slug"], "--format", "json").stdout)
    assert shown["title"] == "Night ferry cut to three crossings a week"
    assert shown["url"] == httpserver.url_for("/story")  # the final URL after redirects
    assert shown["path"] is None
    assert shown["meta"]["http_status"] == 200 and shown["meta"]["fetched_at"].startswith("20")
    assert shown["meta"]["canonical_url"] == CANONICAL


def test_a_url_in_the_archive_is_not_fetched_again_unless_refreshed(cli, httpserver):
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type=HTML)
    url = httpserver.url_for("/story")
    assert cli("import", url).exit_code == 0
    asked = pages_asked(httpserver)
    again = cli("import", url + "?utm_source=newsletter&utm_medium=email")
    assert again.exit_code == 0
    assert "already in the archive as" in again.stderr and "1 unchanged" in again.stderr
    assert pages_asked(httpserver) == asked  # not fetched
    refreshed = cli("import", url, "--refresh", "--format", "json")
    assert refreshed.exit_code == 0 and pages_asked(httpserver) == asked + 1
    assert report(refreshed)["unchanged"] == 1  # same text as stored
    assert len(cli.json("list")) == 1


def test_a_refreshed_page_that_changed_updates_its_article(cli, httpserver):
    changed = PAGE.replace(b"three nights a week", b"four nights a week")
    assert changed != PAGE
    versions = [PAGE, changed]
    httpserver.expect_request("/story").respond_with_handler(
        lambda _request: Response(versions.pop(0), content_type=HTML))
    url = httpserver.url_for("/story")
    assert cli("import", url).exit_code == 0
    result = cli("import", url, "--refresh", "--format", "json")
    assert report(result)["updated"] == 1, result.stderr
    [article] = cli.json("list")
    assert "four nights" in json.loads(cli("show", article["slug"], "--format", "json").stdout)["body"]


def test_an_article_from_a_saved_file_is_recognised_by_its_canonical_url(cli, httpserver, tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    shutil.copy(PAGES / "news-article.html", saved / "ferry.html")
    assert cli("import", str(saved)).exit_code == 0
    # The page at another address, declaring the same canonical URL
    httpserver.expect_request("/mirror/ferry").respond_with_data(PAGE, content_type=HTML)
    result = cli("import", httpserver.url_for("/mirror/ferry"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert report(result)["unchanged"] == 1 and "already in the archive as" in result.stderr
    assert len(cli.json("list")) == 1


def test_the_canonical_url_itself_is_not_fetched_when_a_saved_file_has_it(cli, tmp_path):
    shutil.copy(PAGES / "news-article.html", tmp_path / "ferry.html")
    assert cli("import", str(tmp_path / "ferry.html")).exit_code == 0
    result = cli("import", CANONICAL + "?fbclid=abc")  # would reach no server: never asked
    assert result.exit_code == 0 and "already in the archive" in result.stderr


def test_failed_urls_are_named_with_the_reason_and_the_rest_kept(cli, httpserver, tmp_path):
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type=HTML)
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    httpserver.expect_request("/image").respond_with_data(b"GIF89a", content_type="image/gif")
    httpserver.expect_request("/index").respond_with_data(
        (PAGES / "index.html").read_bytes(), content_type=HTML)
    urls = [httpserver.url_for(p) for p in ("/story", "/gone", "/image", "/index")]
    result = cli("import", *urls, "--format", "json")
    assert result.exit_code == 1
    data = report(result)
    assert data["imported"] == 1 and data["failed"] == 3
    errors = {f["path"]: f["error"] for f in data["failures"]}
    assert errors[urls[1]] == "HTTP 404"
    assert errors[urls[2]] == "not a page or feed (Content-Type image/gif)"
    assert urls[3] in errors
    assert "Traceback" not in result.stderr


def test_many_urls_are_parsed_in_workers_while_they_arrive(cli, httpserver, monkeypatch):
    from newscli.importer import pool

    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    started = []
    in_workers = pool._parse_in_workers
    monkeypatch.setattr(pool, "_parse_in_workers", lambda *args: started.append(args) or in_workers(*args))
    count = pool.PARALLEL_FROM_EXPECTED + 5
    for n in range(count):
        page = PAGE.replace(b"Night ferry", f"Night ferry {n}".encode())
        httpserver.expect_request(f"/story/{n}").respond_with_data(page, content_type=HTML)
    urls = [httpserver.url_for(f"/story/{n}") for n in range(count)]
    result = cli("import", *urls, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert report(result)["imported"] == count
    assert len(started) == 1  # far fewer than pool.PARALLEL_FROM, parsed in a worker all the same
    assert {a["url"] for a in cli.json("list")} == set(urls)


def test_robots_txt_keeps_a_page_out(cli, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n",
                                                               content_type="text/plain")
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type=HTML)
    result = cli("import", httpserver.url_for("/story"))
    assert result.exit_code == 1 and "robots.txt disallows it" in result.stderr
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt"]


def test_files_and_urls_mix_in_one_import(cli, httpserver, tmp_path):
    (tmp_path / "note.txt").write_text("Harbour dues\n\nThe harbour board raised its dues.\n")
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type=HTML)
    result = cli("import", str(tmp_path / "note.txt"), httpserver.url_for("/story"), "--format", "json")
    assert report(result)["imported"] == 2, result.stderr


def test_import_without_urls_never_loads_the_fetcher():
    import subprocess
    import sys

    code = ("import sys\nfrom newscli.importer import import_paths\n"
            "print('httpx' in sys.modules, 'newscli.fetch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.split() == ["False", "False"]


def test_a_page_over_max_size_and_a_stalled_server_fail_alone(cli, httpserver, monkeypatch):
    import dataclasses
    import socket

    from newscli import fetch

    @dataclasses.dataclass
    class Impatient(fetch.Settings):  # the stalled server below never answers
        connect_timeout: float = 0.3
        read_timeout: float = 0.3

    monkeypatch.setattr(fetch, "Settings", Impatient)
    httpserver.expect_request("/big").respond_with_data(PAGE * 20, content_type=HTML)
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type=HTML)
    with socket.socket() as stalled:
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(8)
        silent = f"http://127.0.0.1:{stalled.getsockname()[1]}/story"
        result = cli("import", httpserver.url_for("/big"), silent, httpserver.url_for("/story"),
                     "--max-size", "50KB", "--format", "json")
    assert result.exit_code == 1
    errors = {f["path"]: f["error"] for f in report(result)["failures"]}
    assert errors[httpserver.url_for("/big")].startswith("larger than the 51,200-byte limit")
    assert errors[silent] == "timeout"
    assert report(result)["imported"] == 1
