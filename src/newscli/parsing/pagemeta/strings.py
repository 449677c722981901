"""Text helpers shared by the page-metadata modules: one-line text, comparison keys, URLs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from html import unescape
from urllib.parse import urlparse

END_JUNK = "|-–—·•:~/_ "  # left at either end of a title once a site name is cut off
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
                         "«": '"', "»": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "\xa0": " "})
_NON_WORD = re.compile(r"[\W_]+")
_STEM_WORD = re.compile(r"\w{4,}")


def one_line(value: str) -> str:
    """One line of text: entities a page escaped twice decoded, whitespace collapsed."""
    if "&" in value:
        value = unescape(value)
    return " ".join(value.split())


def site_keys(names: Iterable[str]) -> set[str]:
    """Comparison keys of site names (see site_key), those of three characters or more."""
    return {k for k in (site_key(n) for n in names if n) if len(k) >= 3}


def site_key(text: str) -> str:
    """Comparison form of a site name: folded, without spaces or punctuation."""
    return _NON_WORD.sub("", _fold(text))


def title_key(text: str) -> str:
    """Comparison form of a title: case, quotes, dashes and punctuation do not count."""
    return " ".join(_NON_WORD.sub(" ", _fold(text)).split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()


def stems(texts: Iterable[str]) -> set[str]:
    """The first five letters of each word of four letters or more."""
    return {w[:5] for text in texts for w in _STEM_WORD.findall(_fold(text))}


def hostname(url: str) -> str | None:
    try:
        host = urlparse(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def is_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//|^www\.", text.strip(), re.IGNORECASE))
