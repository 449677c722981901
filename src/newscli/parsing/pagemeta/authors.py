"""Authors: the bylines printed on a page, and the choice of names among every source's claims."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from newscli.parsing.pagemeta.elements import in_article, short_text
from newscli.parsing.pagemeta.strings import is_url, one_line, site_key, title_key

# More names than this from one source is a list of tags or of the site's writers, not a byline.
MAX_AUTHORS = 4

_AUTHOR_PAGE = re.compile(
    r"/(?:author|authors|autor|autoren|autorin|auteur|autore|redakteur)/(?P<slug>[^/?#]{4,})/?(?:[?#]|$)",
    re.IGNORECASE,
)
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-Я"
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "del", "dos", "bin"})
# "By Jane Doe", "Eine Kolumne von Nils Pickert": a first and a last name at the end of a short line.
# "Von R. R. am 07.08.2013", "By Jane Doe on March 3": the name may be followed by when.
BYLINE_WHEN = r"(?:\s+(?i:on|am|le|el|em|il|op)\s+.*\d.*)?"
_BYLINE = re.compile(
    rf"(?:^|\s)(?i:by|von|por|par|door|af|av)\s+(?P<name>[{_UPPER}][\w'.-]*"
    rf"(?:\s+(?:[{_UPPER}][\w'.-]*|{'|'.join(sorted(_PARTICLES))})){{1,3}}){BYLINE_WHEN}$"
)
# "By", "Von", "Por"... before a byline; the short ones only before two words ("Von Trier" stays).
_BY = re.compile(
    r"^(?:by|written by|posted by|geschrieben von|artikel von|ein beitrag von|text|texto|autor|autorin"
    r"|author|auteur)\s*[:\-]?\s+|^(?:von|vom|por|par|door|af|av)\s+(?=\S+\s+\S)",
    re.IGNORECASE,
)
# Credits that are not the article's authors: the photographer, illustrator, editor... The text from
# such a role to the end of the value is dropped ("Rob Ewaschuk Edited by Betsy Beyer").
_ROLE = re.compile(
    r"(?:^|\s|[,;|(])(?:(?:photos?|photograph(?:s|y)?|pictures?|images?|illustrations?|graphics?"
    r"|video|edited|editing|translated|translation|fotos?|bild(?:er)?|illustrationen?)"
    r"(?:\s+(?:by|von|de|par|por))?\s*:|(?:photos?|photograph(?:s|y)?|illustrations?|graphics?|video"
    r"|edited|translated|fact-checked|produced)\s+by\b|(?:foto|fotos|bild|bilder|illustration)\s+von\b"
    r"|(?:photo|foto|crédit|credit)s?\s*[©:])",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"\(?@\w{1,30}\)?")
_LINK = re.compile(r"\((?:https?://|www\.)[^\s()]+\)")  # "Bradley M. Kuhn (http://ebb.org/bkuhn/)"
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# A date printed after the name in the same line: "GILLIAN MOHNEY March 11, 2015".
_TRAILING_DATE = re.compile(rf"\s+(?:updated|published|posted|on)?\s*(?i:{_MONTHS})\b\.?(?:\s+\d.*)?$")
_NAME_SPLIT = re.compile(r"\s*(?:;|,|&|\|| / | and | und | y | et | e )\s*", re.IGNORECASE)
_DOMAIN = re.compile(r"\w\.[a-z]{2,6}\b|\bwww\.")
# Words of a site's labels and navigation, never of a name: `Last Updated`, `Share this`.
_LABEL_WORDS = frozenset({
    "updated", "published", "posted", "modified", "share", "print", "comments", "comment", "follow",
    "subscribe", "login", "menu", "home", "search", "advertisement", "sponsored", "newsletter",
    "aktualisiert", "veröffentlicht", "teilen", "actualizado", "publicado", "publié", "partager",
})
# "Martin Untersinger (avec Damien Leloup et Morgane Tual)": co-authors in brackets.
_WITH = re.compile(r"\(\s*(?:avec|with|mit|con|com|met)\s+([^()]*)\)", re.IGNORECASE)
_HONORIFIC = re.compile(r"^(?:(?:dr|prof|mr|mrs|ms|mag|dipl)\.?\s+)+", re.IGNORECASE)
_NOT_NAMES = frozenset({
    "name", "admin", "administrator", "author", "autor", "guest", "gast", "anonymous", "unknown",
    "editor", "webmaster", "user", "username", "staff", "null", "none", "undefined", "facebook", "twitter",
})


# --- reading ------------------------------------------------------------------------------------


def read_bylines(tree: Any) -> list[str]:
    """Links to the author's page (rel=author, /author/name) and short `By Name` lines."""
    bylines: list[str] = []
    for link in tree.iter("a"):
        text = one_line(link.text_content())
        if _author_link(link, text) and _name_like(text) and in_article(link):
            bylines.append(text)
            if len(set(bylines)) > MAX_AUTHORS:
                break  # links to many writers: teasers or a staff list, not a byline (dropped later)
    for element in tree.iter("p", "span", "div", "li", "strong", "em", "address"):
        short = short_text(element, 80)
        match = _BYLINE.search(short) if short else None
        if match and in_article(element):
            bylines.append(match.group("name"))
            break
    return bylines


def _author_link(link: Any, text: str) -> bool:
    """rel=author, or a link to /author/jane-doe whose text is Jane Doe's name."""
    if "author" in (link.get("rel") or "").split():
        return True
    page = _AUTHOR_PAGE.search(link.get("href") or "")
    first = site_key(text.split()[0]) if text.split() else ""
    return bool(page and first and first in site_key(page.group("slug")))


def _name_like(text: str) -> bool:
    """`Jane Doe`, `oradmin`; not `Show all articles`."""
    words = text.split()
    return len(words) == 1 or all(w[0].isupper() or w in _PARTICLES for w in words)


# --- choosing ----------------------------------------------------------------------------------


def choose_authors(
    sources: Iterable[Iterable[str]], *, sites: set[str], rejected: Iterable[str] = (),
    completions: Iterable[str] = (),
) -> list[str]:
    """Names from the first source that gives any, completed by a fuller form from later sources
    or from `completions` (the site's names: a personal site is named after its author)."""
    banned = {title_key(r) for r in rejected if r}
    pools = [clean_authors(values, sites=sites, banned=banned) for values in sources]
    pools = [names for names in pools if len(names) <= MAX_AUTHORS]
    chosen = next((names for names in pools if names), [])
    others = [n for names in pools for n in names] + _completion_forms(completions)
    return [_fuller_name(name, others) for name in chosen]


def _completion_forms(names: Iterable[str]) -> list[str]:
    """`Dr. Alexander Klier` -> `Alexander Klier`: a site's name as a fuller form of a first name."""
    return [_HONORIFIC.sub("", one_line(n)) for n in names]


def printed_names(values: Iterable[str]) -> list[str]:
    """The names in bylines read from the page's text (not declared in its metadata), those
    shaped like a name (see name_shaped): `Authority control`, `Last Updated` are not."""
    return [name for value in values for name in split_names(value) if name_shaped(name)]


def name_shaped(name: str) -> bool:
    """One to five words, each capitalised, an initial, a particle or in a script without
    capitals (`Camila Méndez`, `焦鹏`, `R. R.`), none a label's word; one word may be a handle
    in lower case (`jancak`)."""
    words = name.split()
    if not 1 <= len(words) <= 5 or any(w.casefold().strip(".:,") in _LABEL_WORDS for w in words):
        return False
    letters = [w.strip("()[]{}\"'“”‘’,;:") for w in words]
    return len(words) == 1 or all(
        not w or w[0].isupper() or w in _PARTICLES or not w[0].isalpha() or w[0].lower() == w[0].upper()
        for w in letters
    )


def _fuller_name(name: str, others: list[str]) -> str:
    """`Nils` with `Nils Pickert` elsewhere on the page -> `Nils Pickert`."""
    if " " in name:
        return name
    return next((o for o in others if o.casefold().startswith(name.casefold() + " ")), name)


def clean_authors(
    values: Iterable[str], *, sites: set[str], banned: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """Author names out of raw byline values; URLs, site names, sections and sentences dropped."""
    names: list[str] = []
    for value in values:
        for name in split_names(value, sites):
            key = title_key(name)
            if key in banned or site_key(name) in sites or not plausible_name(name):
                continue
            if key not in {title_key(n) for n in names}:
                names.append(name)
    return names


def split_names(value: str, sites: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The names in one byline value: `By A and B | Site` -> [A, B]; nothing from a URL or address."""
    text = one_line(value).strip("'\"“”‘’ ")
    if is_url(text) or text.startswith("/"):
        return []
    role = _ROLE.search(text)
    text = text[: role.start()] if role else text
    text = _WITH.sub(r", \1", text)
    text = _HANDLE.sub(" ", _EMAIL.sub(" ", _LINK.sub(" ", text)))  # "Jane Doe (@jdoe)", "jane@example.com"
    names = []
    for part in _NAME_SPLIT.split(text):
        part = _BY.sub("", part.strip("'\"“”‘’ ").strip())
        byline = _BYLINE.search(part)  # "Eine Kolumne von Nils Pickert"
        part = byline.group("name") if byline else part
        for piece in re.split(r"\s+[-–—|]\s+", part):
            piece = _TRAILING_DATE.sub("", piece) if len(piece.split()) > 2 else piece
            name = piece.strip(" .,:;-–—|()") + ("." if re.search(r"\b\w\.$", piece) else "")
            if name and site_key(name) not in sites:  # `unocero - Alberto Ávila`
                names.append(name)
    return names


def plausible_name(name: str) -> bool:
    """A person's or desk's name: short, no digits, not a sentence, not a placeholder."""
    words = name.split()
    return (
        1 <= len(words) <= 5
        and 2 <= len(name) <= 60
        and not any(c.isdigit() for c in name)
        and not re.search(r"[!?<>{}=]|\.\s+\w+\s", name)
        and not _DOMAIN.search(name)
        and name.casefold() not in _NOT_NAMES
    )
