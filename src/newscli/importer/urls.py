"""URL arguments of an import: fetched into candidates with their bytes, unless already archived.

Files pass through untouched. A URL whose article the archive holds (by the URL as given or
without its tracking parameters) is not fetched again unless the import refreshes; the others
are fetched politely (newscli.fetch), a few at a time, and go on as candidates carrying the
page's bytes, its final URL, the fetch time and the HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from newscli.importer.options import Options
from newscli.importer.report import Report
from newscli.importer.walk import Candidate
from newscli.links import url_variants

if TYPE_CHECKING:
    from newscli.fetch import Fetched, Fetcher
    from newscli.store import Store


def fetch_candidates(
    store: Store, candidates: Iterable[Candidate], options: Options, report: Report,
    progress: Callable[[str], None] | None = None, fetcher: Fetcher | None = None,
) -> Iterator[Candidate]:
    """The candidates with each URL fetched; URLs already archived are counted unchanged."""
    to_fetch: list[Candidate] = []
    for candidate in candidates:
        if candidate.url is None or candidate.data is not None:
            yield candidate
            continue
        known = None if options.refresh else known_article(store, candidate.url)
        if known is not None:
            report.add("unchanged", candidate.name)
            report.notes.append(f"{candidate.url}: already in the archive as {known['slug']} "
                                "(--refresh fetches it again)")
            if progress:
                progress(candidate.name)
            continue
        to_fetch.append(candidate)
    if to_fetch:
        yield from _fetched(to_fetch, options, fetcher)


def known_article(store: Store, url: str) -> dict[str, Any] | None:
    """The archived article at this URL, as given or without tracking parameters."""
    for variant in url_variants(url):
        found = store.find_by("url", variant)
        if found is not None:
            return found
    return None


def _fetched(to_fetch: list[Candidate], options: Options, fetcher: Fetcher | None) -> Iterator[Candidate]:
    from newscli.fetch import Fetcher, FetchError, Settings

    own = fetcher is None
    fetcher = fetcher or Fetcher(Settings(max_size=options.max_size))
    try:
        for candidate, result in fetcher.fetch_pages((c, c.url) for c in to_fetch):
            if isinstance(result, FetchError):
                yield Candidate(candidate.name, None, str(result), url=candidate.url)
            else:
                yield page_candidate(candidate, result)
    finally:
        if own:
            fetcher.close()


def page_candidate(asked: Candidate, page: Fetched) -> Candidate:
    """A candidate that reads the fetched page's bytes, and gives its article the page's URL."""
    return Candidate(asked.name, None, url=page.final_url, data=page.content, source=asked.source,
                     tags=asked.tags, published=asked.published, fetched={
                         "url": page.final_url, "fetched_at": page.fetched_at, "http_status": page.status})
