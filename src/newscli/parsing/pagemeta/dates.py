"""Dates: the publication date among those a page states, in the page's own time zone."""

from __future__ import annotations

import datetime as dt

from newscli.parsing.dates import normalise_date
from newscli.parsing.pagemeta.collect import PageFacts


def choose_date(facts: PageFacts, fallback: str | None) -> str | None:
    """The first readable publication date the page states (JSON-LD, meta tags, <time>), in the
    page's own time zone when it gives one; else one printed in an element marked as the
    publication date; else the fallback (trafilatura's finding, which it gets from htmldate)."""
    modified = _date(facts.modified)
    # A "published" time after the "modified" one is the CMS's re-save stamp, not the publication.
    stated = [d for d in map(_date, [*facts.dates, *facts.page_dates]) if d and not _later(d, modified)]
    if not stated:
        # No publication date in the metadata: one printed where the markup marks it comes before
        # htmldate's guess, which takes `og:updated_time`, a modification, as readily.
        printed = [d for d in map(_date, facts.printed_dates) if d]
        return printed[0] if printed else _date(fallback)
    first = stated[0]
    if first.endswith("+00:00"):
        # A UTC time does not say on which day the page's readers saw it: a local time for the
        # same instant does. (htmldate's neighbouring day near midnight was taken too: written on
        # htmlpages, it won nothing there once the other rules held and lost a page elsewhere.)
        local = next((d for d in stated if _same_instant(d, first) and not d.endswith("+00:00")), None)
        if local:
            return local
    return first


def _date(value: str | None) -> str | None:
    date = normalise_date(value) if value else None
    latest = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    return date if date and "1990" <= date[:4] and date[:10] <= latest else None


def _later(a: str, b: str | None) -> bool:
    try:
        return b is not None and dt.datetime.fromisoformat(a) > dt.datetime.fromisoformat(b)
    except (ValueError, TypeError):  # a date without a time, or without a zone
        return False


def _same_instant(a: str, b: str) -> bool:
    try:
        return dt.datetime.fromisoformat(a) == dt.datetime.fromisoformat(b)
    except (ValueError, TypeError):  # a date without a time, or without a zone
        return False
