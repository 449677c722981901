"""What a web page states about itself, and the choice of title, authors and date among those claims.

    collect.py   PageFacts: every claim (JSON-LD, meta tags, links, headings, <time>, bylines)
    titles.py    choose_title: the visible headline the metadata confirms
    dates.py     choose_date: the stated publication date, in the page's own time zone
    authors.py   printed bylines; choose_authors among every source's names
    body.py      the standfirst above the text back in; credit lines, bracketed promotions out
    elements.py  what of an element a reader sees, and where it sits
    strings.py   one-line text, comparison keys of titles and site names, URLs

Pure functions of an lxml tree and of strings: no I/O, no trafilatura. parsing/html.py feeds them.
"""

from newscli.parsing.pagemeta.authors import (
    MAX_AUTHORS,
    choose_authors,
    clean_authors,
    name_shaped,
    printed_names,
    split_names,
)
from newscli.parsing.pagemeta.body import drop_credits_and_promotions, printed_standfirst
from newscli.parsing.pagemeta.collect import META_RULES, PageFacts, read_page_facts
from newscli.parsing.pagemeta.dates import choose_date
from newscli.parsing.pagemeta.strings import hostname, site_keys, title_key
from newscli.parsing.pagemeta.titles import choose_title, meta_titles, strip_site_name

__all__ = [
    "MAX_AUTHORS", "META_RULES", "PageFacts", "choose_authors", "choose_date", "choose_title",
    "drop_credits_and_promotions",
    "clean_authors", "hostname", "meta_titles", "name_shaped", "printed_names", "printed_standfirst",
    "read_page_facts", "site_keys",
    "split_names", "strip_site_name", "title_key",
]
