"""Titles: the headline a reader sees, confirmed by what the page's metadata claims."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newscli.parsing.pagemeta.collect import PageFacts
from newscli.parsing.pagemeta.strings import END_JUNK, one_line, site_key, site_keys, title_key

_JUNK_TITLES = frozenset({"home", "startseite", "index", "untitled", "homepage", "accueil", "inicio"})


def choose_title(facts: PageFacts) -> str | None:
    """The headline a reader sees, confirmed by what the page's metadata claims."""
    sites = site_keys(facts.site_names + facts.hosts)
    claims = meta_titles(facts, sites)
    headings = [h for h in facts.headings if site_key(h) not in sites]  # not the site's logo
    for claim in claims:
        for heading in headings:
            agreed = _agreement(heading, claim)
            if agreed:
                return agreed
    if claims:
        # An <h1> the metadata only partly confirms (two words in common) used to win here:
        # written on htmlpages, it lost three pages of the readability set (benchmarks/HTML_EVAL.md).
        return claims[0]
    for heading in facts.first_h1s:
        if title_key(heading).replace(" ", "") not in sites and len(heading.split()) >= 2:
            return heading
    return None


def meta_titles(facts: PageFacts, sites: set[str]) -> list[str]:
    """The titles the metadata claims, site names cut off, junk dropped."""
    titles: list[str] = []
    for raw in facts.titles:
        title = strip_site_name(raw, sites)
        if raw == facts.html_title and title == raw:
            title = _guess_title_segment(title)
        if title and title.casefold() not in _JUNK_TITLES and title not in titles:
            titles.append(title)
    return titles


def strip_site_name(title: str, sites: set[str]) -> str:
    """`Headline | Site`, `Site - Headline`, `Site » Blog » Headline` -> `Headline`."""
    title = one_line(title)
    for _ in range(3):
        before = title
        for head, tail in _splits(title):
            if site_key(tail) in sites:
                title = head
                break
            if site_key(head) in sites:
                title = tail
                break
        if title == before:
            break
    return title.strip(END_JUNK)


def _splits(title: str) -> Iterator[tuple[str, str]]:
    """(before, after) at each separator: spaced ones, and unspaced | » - _ before a short suffix."""
    for match in re.finditer(r"\s+[|\-–—·•»:~/]{1,2}\s+|\s*[|»]\s*|:\s+|(?<=\S)[-_](?=\S+$)", title):
        yield title[: match.start()].strip(), title[match.end():].strip()


def _guess_title_segment(title: str) -> str:
    """A <title> of segments with no known site name: the last of `»`, the longest of `|`."""
    if " » " in title:
        return title.rsplit(" » ", 1)[1]
    if " | " in title:
        return max(title.split(" | "), key=len)
    return title


def _agreement(heading: str, claim: str) -> str | None:
    """The visible form of a headline two sources agree on, or None."""
    h, c = f" {title_key(heading)} ", f" {title_key(claim)} "
    if h.strip() == "" or c.strip() == "":
        return None
    if h == c:
        return heading
    if _heading_within(h, c) and len(h) >= 0.4 * len(c) and len(h.split()) >= 2:
        return heading  # the claim adds a site name or a kicker
    if c in h and len(c) >= 0.5 * len(h) and len(c.split()) >= 2:
        # A heading that ends with the claim carries a kicker the markup does not mark;
        # one that starts with it is the fuller headline.
        return claim if h.endswith(c) and not h.startswith(c) else heading
    return None


def _heading_within(h: str, c: str) -> bool:
    """The claim is the heading with a site name after it or a kicker before it. A kicker is
    shorter than the headline; a heading from the middle of the claim is only part of it."""
    if c.startswith(h):
        return True
    return c.endswith(h) and len(c.split()) - len(h.split()) < len(h.split())
