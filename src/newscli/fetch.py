"""A polite HTTP fetcher for pages and feeds, on httpx; never prints.

Polite: a User-Agent that names newscli, at most `per_host` requests at a time to one host and
`total` overall, robots.txt honoured for pages, conditional requests (ETag, Last-Modified) so an
unchanged feed costs one 304, and retries with backoff on 429 and 503 that honour Retry-After.
Robust: connect and read timeouts and a deadline for the whole body, a size cap on the decoded
body (a gzip bomb stops at the cap), a few redirects at most (a loop is an error), only
http and https, and only the content types asked for. Proxies come from the environment
(HTTP_PROXY, HTTPS_PROXY, NO_PROXY) as httpx reads them.

httpx is imported when a Fetcher is made: commands that never fetch do not pay for it.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from newscli import __version__
from newscli.errors import NewscliError

USER_AGENT = f"newscli/{__version__} (+https://pypi.org/project/newscli/; a personal news archive)"
ROBOTS_AGENT = "newscli"  # the token robots.txt rules name
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/feed+json", "application/json", "text/html", "text/plain",
    "application/x-rss+xml", "application/octet-stream",
)
ROBOTS_TYPES = ("text/plain",)
RETRY_STATUSES = (429, 503)
_DONE = object()  # the end of fetch_all's results
ROBOTS_MAX_SIZE = 512 * 1024


class _Bug(NamedTuple):
    """An exception other than FetchError in a fetch thread, for fetch_all to raise."""

    error: BaseException


class FetchError(NewscliError):
    """A URL that could not be had, with the reason in words (HTTP 404, timeout, robots ...)."""


@dataclass
class Fetched:
    """What a GET returned: the final URL after redirects, the status, the body and validators."""

    url: str  # the URL asked for
    final_url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class Settings:
    """How politely and how patiently to fetch."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0  # for one whole response, however slowly it trickles in
    max_size: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    # Requests in flight overall: enough for every host's share of 32 hosts at once (a slow host
    # holds two threads, never the others' turns). Threads are made only as many as the hosts
    # of a run can use.
    total: int = 64
    buffer: int = 64  # results fetched ahead of the caller
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubled for each next one
    max_retry_after: float = 120.0  # a server asking to wait longer is reported, not waited for
    robots: bool = True
    user_agent: str = USER_AGENT


def is_url(text: str) -> bool:
    """An http or https URL (what `import` fetches rather than opens as a file)."""
    return text.lower().startswith(("http://", "https://"))


class Fetcher:
    """Fetches pages and feeds politely; thread-safe, and meant to be shared by all requests."""

    def __init__(self, settings: Settings | None = None, *, transport: Any = None,
                 sleep: Callable[[float], None] = time.sleep):
        import httpx  # noqa: F401  (here, so that a Fetcher made is a Fetcher that works)

        self.settings = settings or Settings()
        self.sleep = sleep
        self._transport = transport
        self._tls: Any = None  # one TLS context for every client: loading the CA bundle takes 60 ms
        self._clients: dict[str, Any] = {}  # site -> its httpx.Client
        self._users: dict[str, int] = {}  # site -> jobs of fetch_all runs not done yet
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.Semaphore] = {}
        self._overall = threading.Semaphore(self.settings.total)
        self._robots: dict[str, Any] = {}
        self._robots_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def client(self, url: str) -> Any:
        """The httpx client of the URL's site, made on first use.

        A client per site, not one for all: one pool of 64 connections looked through on
        every request cost a fifth more CPU per page than pools of two.
        """
        site = _site(url)
        with self._lock:
            client = self._clients.get(site)
            if client is None:
                client = self._clients[site] = self._new_client()
            return client

    def _new_client(self) -> Any:
        import httpx

        s = self.settings
        if self._tls is None and self._transport is None:
            self._tls = httpx.create_ssl_context(trust_env=True)
        keep = s.per_host + 1  # the host's share, and robots.txt
        return httpx.Client(
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            follow_redirects=True,
            max_redirects=s.max_redirects,
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=keep, max_keepalive_connections=keep),
            trust_env=True,
            verify=self._tls if self._tls is not None else True,
            transport=self._transport,
        )

    def _using(self, sites: Iterable[str]) -> None:
        with self._lock:
            for site in sites:
                self._users[site] = self._users.get(site, 0) + 1

    def _done_with(self, site: str) -> None:
        """A fetch_all job of the site is over: its client goes with the last one, so a run over
        a thousand sites does not keep a thousand connections open."""
        with self._lock:
            self._users[site] -= 1
            if self._users[site]:
                return
            del self._users[site]
            client = self._clients.pop(site, None)
        if client is not None:
            client.close()

    def fetch_page(self, url: str) -> Fetched:
        """A web page (HTML or XHTML), if robots.txt allows it."""
        check_scheme(url)
        if self.settings.robots and not self.allowed(url):
            raise FetchError("robots.txt disallows it")
        return self.get(url, PAGE_TYPES, self.settings.max_size)

    def fetch_feed(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """A feed, asked for only if it changed since the validators given (304 if not)."""
        return self.get(url, FEED_TYPES, self.settings.max_size, etag=etag, last_modified=last_modified)

    def fetch_pages(self, urls: Iterable[tuple[Any, str]]) -> Iterator[tuple[Any, Fetched | FetchError]]:
        """(key, page or error) for each (key, URL), as they arrive, a bounded number in flight."""
        yield from self.fetch_all(((key, url, self.fetch_page, ()) for key, url in urls))

    def fetch_all(
        self, jobs: Iterable[tuple[Any, str, Callable[..., Fetched], tuple[Any, ...]]]
    ) -> Iterator[tuple[Any, Fetched | FetchError]]:
        """Run (key, url, fetch function, extra args) jobs on a pool of threads, hosts taking turns.

        The fetching goes on in threads of their own while the caller works on what came back
        (parses, saves), up to `buffer` results ahead: memory stays flat however many URLs
        there are. Each host's limit is kept by fetch itself; a bug in a fetch function is
        raised here, in the caller.
        """
        ordered = _hosts_in_turn(list(jobs))
        results: queue.Queue[Any] = queue.Queue(maxsize=self.settings.buffer)
        stop = threading.Event()

        def put(item: Any) -> None:
            while not stop.is_set():
                try:
                    results.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue

        def produce() -> None:
            try:
                self._run_jobs(ordered, put, stop)
            finally:
                put(_DONE)

        thread = threading.Thread(target=produce, name="newscli-fetch-queue", daemon=True)
        thread.start()
        try:
            while (item := results.get()) is not _DONE:
                if isinstance(item, _Bug):
                    raise item.error
                yield item
        finally:
            stop.set()
            thread.join()

    def _run_jobs(self, ordered: list[Any], put: Callable[[Any], None], stop: threading.Event) -> None:
        """Each job on a thread that hands its own result over: no waiting on all those in flight
        to learn which one is done (that wait, over 128 futures, cost more CPU than the fetches)."""
        threads = max(1, min(self.settings.total, self.settings.per_host * _host_count(ordered)))
        slots = threading.Semaphore(2 * threads)  # jobs submitted and not handed over yet
        sites = [_site(job[1]) for job in ordered]
        self._using(sites)

        def run(key: Any, url: str, function: Callable[..., Fetched], args: tuple[Any, ...]) -> None:
            try:
                if not stop.is_set():  # the caller stopped asking: nothing more is fetched
                    put((key, function(url, *args)))
            except FetchError as exc:
                put((key, exc))
            except BaseException as exc:  # a bug: the caller raises it
                put(_Bug(exc))
            finally:
                self._done_with(_site(url))
                slots.release()

        submitted = 0
        try:
            with ThreadPoolExecutor(threads, thread_name_prefix="newscli-fetch") as pool:
                for key, url, function, args in ordered:
                    while not slots.acquire(timeout=0.1) and not stop.is_set():
                        pass
                    if stop.is_set():
                        break
                    pool.submit(run, key, url, function, args)
                    submitted += 1
        finally:
            for site in sites[submitted:]:  # never run
                self._done_with(site)

    def get(self, url: str, types: tuple[str, ...], max_size: int, *,
            etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET with the host's and the overall limit, retrying 429 and 503."""
        check_scheme(url)
        headers = {"Accept": ", ".join(types) + ", */*;q=0.1"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            with self._host_slot(url), self._overall:
                result = self._get_once(url, headers, types, max_size)
            if isinstance(result, Fetched):
                return result
            status, retry_after = result
            if attempt >= self.settings.retries:
                raise FetchError(f"HTTP {status}, still after {attempt + 1} tries")
            wait_for = self.settings.backoff * 2 ** attempt if retry_after is None else retry_after
            if wait_for > self.settings.max_retry_after:
                raise FetchError(f"HTTP {status}, asked to retry after {wait_for:.0f} s")
            self.sleep(wait_for)
            attempt += 1

    def _get_once(self, url: str, headers: dict[str, str], types: tuple[str, ...],
                  max_size: int) -> Fetched | tuple[int, float | None]:
        """One GET: the response, or (status, Retry-After seconds) for a status worth retrying."""
        import httpx

        started = time.monotonic()
        try:
            with self.client(url).stream("GET", url, headers=headers) as response:
                if response.status_code in RETRY_STATUSES:
                    return response.status_code, retry_after(response.headers.get("Retry-After"))
                fetched = _start(url, response)
                if response.status_code == 304:
                    return fetched
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code}")
                if response.status_code != 200:
                    raise FetchError(f"HTTP {response.status_code} (no page to read)")
                _check_type(fetched.content_type, types)
                _check_length(response.headers.get("Content-Length"), max_size)
                fetched.content = self._read(response, max_size, started)
                return fetched
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {self.settings.max_redirects} redirects (or a redirect loop)"
                             ) from None
        except httpx.TimeoutException:
            raise FetchError("timeout") from None
        except httpx.UnsupportedProtocol:
            raise FetchError("redirected to a URL that is not http or https") from None
        except httpx.DecodingError:
            raise FetchError("the compressed body is corrupt") from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError,
                httpx.WriteError, httpx.ProxyError) as exc:
            raise FetchError(_connection_reason(exc)) from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"not a valid URL ({exc})") from None

    def _read(self, response: Any, max_size: int, started: float) -> bytes:
        """The decoded body, stopping at max_size and at the deadline."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_size:
                raise FetchError(f"larger than the {max_size:,}-byte limit")
            if time.monotonic() - started > self.settings.deadline:
                raise FetchError(f"timeout (still arriving after {self.settings.deadline:.0f} s)")
            chunks.append(chunk)
        return b"".join(chunks)

    def _host_slot(self, url: str) -> threading.Semaphore:
        host = _host(url)
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = threading.Semaphore(self.settings.per_host)
            return self._hosts[host]

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets newscli fetch the URL (read once per site)."""
        site = _site(url)
        with self._lock:
            lock = self._robots_locks.setdefault(site, threading.Lock())
        with lock:
            if site not in self._robots:
                self._robots[site] = self._read_robots(site)
        rules = self._robots[site]
        return rules is None or bool(rules.can_fetch(ROBOTS_AGENT, url))

    def _read_robots(self, site: str) -> Any:
        """The site's rules; None (all allowed) when it has none or they cannot be had.

        As urllib.robotparser reads them: 401 and 403 forbid everything, other errors allow it.
        """
        from urllib.robotparser import RobotFileParser

        rules = RobotFileParser(f"{site}/robots.txt")
        try:
            fetched = self.get(f"{site}/robots.txt", ROBOTS_TYPES + ("*/*",), ROBOTS_MAX_SIZE)
        except FetchError as exc:
            if str(exc) in ("HTTP 401", "HTTP 403"):
                rules.disallow_all = True
                return rules
            return None
        rules.parse(fetched.content.decode("utf-8", "replace").splitlines())
        return rules


def check_scheme(url: str) -> None:
    """An http or https URL whose parts can be read, or a FetchError saying what is wrong."""
    if not is_url(url):
        raise FetchError("only http and https URLs are fetched")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it: `http://host:99999/` has none
    except ValueError as exc:
        raise FetchError(f"not a valid URL ({exc})") from None
    if not parts.hostname:
        raise FetchError("not a valid URL (no host)")


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number of seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _start(url: str, response: Any) -> Fetched:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return Fetched(url, str(response.url), response.status_code, content_type=content_type,
                   etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"))


def _check_type(content_type: str, types: tuple[str, ...]) -> None:
    """A missing type is let through (the parser decides); a type not asked for is refused."""
    if content_type and "*/*" not in types and content_type not in types:
        raise FetchError(f"not a page or feed (Content-Type {content_type})")


def _check_length(value: str | None, max_size: int) -> None:
    if value and value.strip().isdigit() and int(value) > max_size:
        raise FetchError(f"larger than the {max_size:,}-byte limit (Content-Length {int(value):,})")


def _connection_reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "SSL" in text or "certificate" in text.lower() or "TLS" in text:
        return f"TLS: {text}"
    return f"connection failed: {text}"


def _hosts_in_turn(jobs: list[Any]) -> list[Any]:
    """The jobs reordered so hosts take turns: a run of one host's URLs would hold every thread
    waiting on that host's limit while the others idle."""
    by_host: dict[str, list[Any]] = {}
    for job in jobs:
        by_host.setdefault(_host(job[1]), []).append(job)
    queues = list(by_host.values())
    ordered = []
    for turn in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[turn] for q in queues if turn < len(q))
    return ordered


def _host_count(jobs: list[Any]) -> int:
    return len({_host(job[1]) for job in jobs})


def _site(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # refused by check_scheme when it is fetched
        return url.lower()
    return f"{parts.scheme}://{parts.netloc}".lower()


def _host(url: str) -> str:
    """The host part of a URL, as the per-host limit counts it; the URL itself if it has none
    that can be read (`http://[::1`, refused by check_scheme when it is fetched)."""
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return url.lower()
