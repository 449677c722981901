"""The fetcher against a local HTTP server on 127.0.0.1: nothing here reaches any other address."""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from pathlib import Path

import pytest
from werkzeug.wrappers import Response

from newscli.fetch import USER_AGENT, Fetcher, FetchError, Settings, _hosts_in_turn, retry_after

PAGE = (Path(__file__).parent / "pages" / "news-article.html").read_bytes()
HTML = "text/html; charset=utf-8"


@pytest.fixture
def waits():
    return []


@pytest.fixture
def fetcher(waits):
    with Fetcher(Settings(read_timeout=2, connect_timeout=2), sleep=waits.append) as f:
        yield f


def test_a_page_comes_back_with_its_final_url_status_and_validators(httpserver, fetcher):
    httpserver.expect_request("/story").respond_with_data(
        PAGE, content_type=HTML, headers={"ETag": '"v1"', "Last-Modified": "Tue, 01 Dec 2026 08:00:00 GMT"})
    page = fetcher.fetch_page(httpserver.url_for("/story"))
    assert (page.status, page.content, page.content_type) == (200, PAGE, "text/html")
    assert page.final_url == httpserver.url_for("/story")
    assert (page.etag, page.last_modified) == ('"v1"', "Tue, 01 Dec 2026 08:00:00 GMT")
    request = httpserver.log[-1][0]
    assert request.headers["User-Agent"] == USER_AGENT and "newscli" in USER_AGENT
    assert "gzip" in request.headers["Accept-Encoding"]


def test_a_feed_that_did_not_change_costs_one_304(httpserver, fetcher):
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    feed = fetcher.fetch_feed(httpserver.url_for("/feed"), etag='"v1"', last_modified="yesterday")
    assert feed.not_modified and feed.content == b""
    assert len(httpserver.log) == 1
    assert httpserver.log[0][0].headers["If-Modified-Since"] == "yesterday"


def test_redirects_are_followed_to_the_final_url(httpserver, fetcher):
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(PAGE, content_type=HTML)
    assert fetcher.fetch_page(httpserver.url_for("/a")).final_url == httpserver.url_for("/c")


def test_a_redirect_loop_and_a_long_chain_fail_with_the_reason(httpserver, fetcher):
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    for n in range(8):
        httpserver.expect_request(f"/hop{n}").respond_with_data(
            "", status=302, headers={"Location": f"/hop{n + 1}"})
    for path in ("/loop", "/hop0"):
        with pytest.raises(FetchError, match="redirects"):
            fetcher.fetch_page(httpserver.url_for(path))


@pytest.mark.parametrize("status", [404, 500, 410])
def test_an_error_status_is_the_reason(httpserver, fetcher, status):
    httpserver.expect_request("/x").respond_with_data("no", status=status, content_type=HTML)
    with pytest.raises(FetchError, match=f"^HTTP {status}$"):
        fetcher.fetch_page(httpserver.url_for("/x"))


def test_503_then_success_retries_after_the_time_asked(httpserver, fetcher, waits):
    fetcher.settings.robots = False  # the ordered requests below are all there is
    httpserver.expect_ordered_request("/busy").respond_with_data("", status=503, headers={"Retry-After": "3"})
    httpserver.expect_ordered_request("/busy").respond_with_data("", status=429)
    httpserver.expect_ordered_request("/busy").respond_with_data(PAGE, content_type=HTML)
    assert fetcher.fetch_page(httpserver.url_for("/busy")).content == PAGE
    assert waits == [3.0, 2.0]  # Retry-After, then the backoff of the second try (1 s doubled)


def test_retries_end_and_a_long_retry_after_is_not_waited_for(httpserver, fetcher, waits):
    httpserver.expect_request("/down").respond_with_data("", status=503)
    httpserver.expect_request("/later").respond_with_data("", status=429, headers={"Retry-After": "86400"})
    with pytest.raises(FetchError, match="HTTP 503, still after 4 tries"):
        fetcher.fetch_page(httpserver.url_for("/down"))
    with pytest.raises(FetchError, match="HTTP 429, asked to retry after 86400 s"):
        fetcher.fetch_page(httpserver.url_for("/later"))
    assert waits == [1.0, 2.0, 4.0]


def test_retry_after_reads_seconds_and_dates():
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: now
    assert retry_after("soon") is None and retry_after(None) is None


def test_a_stalled_server_is_a_timeout():
    with socket.socket() as server:  # listens, and never answers
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        with Fetcher(Settings(read_timeout=0.3, connect_timeout=0.3, robots=False)) as fetcher:
            with pytest.raises(FetchError, match="^timeout$"):
                fetcher.fetch_page(f"http://127.0.0.1:{port}/story")


def test_a_body_over_the_cap_is_refused_with_or_without_a_length(httpserver, waits):
    big = b"<html>" + b"x" * 5000
    httpserver.expect_request("/big").respond_with_data(big, content_type=HTML)

    def stream(_request):
        return Response((b"y" * 1000 for _ in range(10)), content_type=HTML)  # chunked: no length

    httpserver.expect_request("/stream").respond_with_handler(stream)
    with Fetcher(Settings(max_size=4000), sleep=waits.append) as fetcher:
        for path in ("/big", "/stream"):
            with pytest.raises(FetchError, match="larger than the 4,000-byte limit"):
                fetcher.fetch_page(httpserver.url_for(path))


def test_a_gzip_bomb_stops_at_the_cap(httpserver):
    httpserver.expect_request("/bomb").respond_with_data(
        gzip.compress(b"\0" * 2_000_000), content_type=HTML, headers={"Content-Encoding": "gzip"})
    with Fetcher(Settings(max_size=100_000)) as fetcher:
        with pytest.raises(FetchError, match="larger than"):
            fetcher.fetch_page(httpserver.url_for("/bomb"))


@pytest.mark.parametrize("encoding, compress", [("gzip", gzip.compress), ("deflate", zlib.compress)])
def test_compressed_bodies_are_decoded(httpserver, fetcher, encoding, compress):
    httpserver.expect_request("/z").respond_with_data(
        compress(PAGE), content_type=HTML, headers={"Content-Encoding": encoding})
    assert fetcher.fetch_page(httpserver.url_for("/z")).content == PAGE


def test_a_wrong_content_type_is_refused(httpserver, fetcher):
    httpserver.expect_request("/pic").respond_with_data(b"\x89PNG", content_type="image/png")
    with pytest.raises(FetchError, match=r"not a page or feed \(Content-Type image/png\)"):
        fetcher.fetch_page(httpserver.url_for("/pic"))


def test_robots_txt_disallowing_a_path_is_honoured_for_pages(httpserver, fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: newscli\nDisallow: /private/\n", content_type="text/plain")
    httpserver.expect_request("/private/story").respond_with_data(PAGE, content_type=HTML)
    httpserver.expect_request("/public/story").respond_with_data(PAGE, content_type=HTML)
    with pytest.raises(FetchError, match="robots.txt disallows it"):
        fetcher.fetch_page(httpserver.url_for("/private/story"))
    assert fetcher.fetch_page(httpserver.url_for("/public/story")).status == 200
    paths = [request.path for request, _ in httpserver.log]
    assert paths == ["/robots.txt", "/public/story"]  # read once, the page refused never asked for


def test_no_robots_txt_allows_everything(httpserver, fetcher):
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type=HTML)
    assert fetcher.fetch_page(httpserver.url_for("/story")).status == 200


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)"])
def test_only_http_and_https_are_fetched(fetcher, url):
    with pytest.raises(FetchError, match="only http and https"):
        fetcher.fetch_page(url)


def test_a_redirect_to_another_scheme_is_refused(httpserver, fetcher):
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="not http or https"):
        fetcher.fetch_page(httpserver.url_for("/go"))


def test_a_host_gets_at_most_per_host_requests_at_a_time():
    from pytest_httpserver import HTTPServer

    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    lock, state = threading.Lock(), {"now": 0, "most": 0}
    release = threading.Event()

    def slow(_request):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        release.wait(0.2)  # long enough for more requests to pile up, if the limit let them
        with lock:
            state["now"] -= 1
        return Response(PAGE, content_type=HTML)

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/p").respond_with_handler(slow)
    try:
        with Fetcher(Settings(per_host=2, total=8)) as fetcher:
            results = list(fetcher.fetch_pages((n, httpserver.url_for("/p") + f"?n={n}") for n in range(6)))
    finally:
        httpserver.stop()
    assert sorted(key for key, _ in results) == list(range(6))
    assert all(not isinstance(r, FetchError) for _, r in results)
    assert state["most"] <= 2


def test_hosts_take_turns():
    jobs = [(1, "http://a/1"), (2, "http://a/2"), (3, "http://a/3"), (4, "http://b/1"), (5, "http://b/2")]
    assert [key for key, _ in _hosts_in_turn(jobs)] == [1, 4, 2, 5, 3]


def _jobs(urls, function):
    return ((n, url, function, ()) for n, url in enumerate(urls))


def test_threads_are_only_as_many_as_the_hosts_can_use(monkeypatch):
    import newscli.fetch as fetch

    made = []

    class Recording(fetch.ThreadPoolExecutor):
        def __init__(self, workers, **kwargs):
            made.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(fetch, "ThreadPoolExecutor", Recording)
    urls = [f"http://{host}.test/{n}" for host in "ab" for n in range(5)]
    with Fetcher(Settings(per_host=2, total=64)) as fetcher:
        results = list(fetcher.fetch_all(_jobs(urls, lambda url: url)))
        assert sorted(results) == list(enumerate(urls))
        list(fetcher.fetch_all(_jobs([f"http://h{n}.test/" for n in range(100)], lambda url: url)))
    assert made == [4, 64]  # two hosts at two each; a hundred hosts, the overall bound


def test_a_bug_in_a_fetch_thread_is_raised_in_the_caller():
    def broken(url):
        raise ValueError("a bug")

    with Fetcher(Settings()) as fetcher, pytest.raises(ValueError, match="a bug"):
        list(fetcher.fetch_all(_jobs(["http://a.test/1", "http://a.test/2"], broken)))


def test_a_caller_that_stops_asking_stops_the_fetching():
    calls = []
    urls = [f"http://a.test/{n}" for n in range(200)]
    with Fetcher(Settings(per_host=1, total=16, buffer=1)) as fetcher:
        results = fetcher.fetch_all(_jobs(urls, lambda url: calls.append(url) or url))
        assert next(results)[1] == urls[0]
        results.close()
    assert len(calls) < 10  # the one taken, one in the buffer and a few submitted, of 200


def test_each_site_has_its_own_client_and_a_run_closes_those_it_is_done_with(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/p").respond_with_data(PAGE, content_type=HTML)
    with Fetcher(Settings()) as fetcher:
        assert fetcher.client("http://a.test/1") is fetcher.client("HTTP://A.test/2")
        assert fetcher.client("http://a.test/1") is not fetcher.client("http://b.test/1")
        assert fetcher.client("http://a.test/") is not fetcher.client("https://a.test/")
        kept = fetcher.client(httpserver.url_for("/"))  # asked for outside a run: kept
        results = list(fetcher.fetch_pages((n, httpserver.url_for("/p") + f"?n={n}") for n in range(4)))
        assert all(not isinstance(r, FetchError) for _, r in results)
        assert fetcher.client(httpserver.url_for("/")) is not kept  # closed with the run's last page
        assert kept.is_closed
        before = len(fetcher._clients)
        many = [f"http://{n}.invalid.test/" for n in range(30)]
        list(fetcher.fetch_all((url, url, lambda u: fetcher.client(u) and u, ()) for url in many))
        assert len(fetcher._clients) == before  # thirty sites' clients made, and closed
