"""The search language: user text -> an FTS5 MATCH expression plus filters (pure, no SQL run).

    nato summit            both words (stemmed: "summits" matches too)
    "night ferry"          the exact phrase
    nato OR otan           either word; OR binds tighter than AND: `nato summit OR meeting`
                           means nato AND (summit OR meeting)
    NOT tariff, -tariff    without the word (also -"a phrase", -(a OR b), -source:x)
    ferr*                  words starting with ferr
    (a OR b) c             parentheses group
    title:word  body:word  only in the headline / the body (title:"a phrase", title:(a OR b))
    source:name            source equals name (any of several when repeated; quote spaces:
                           source:"Coastal Herald"); author:name (contains); tag:name (all)
    since:2024-01          published on or after; until:2024-06-30 on or before; also 2024,
                           and relative 7d, 2w, 3m, 1y

Whatever is not valid syntax is read as literal text: an unclosed quote or parenthesis, a stray
OR, a lone `-` or `*`, punctuation, `word:` with an unknown field. Every word is quoted in the
FTS5 expression, so no user text is ever read as FTS5 syntax.

    parser.py       text -> tokens -> tree (Word, Not, AllOf, AnyOf, Column, Facet), and back
    fts.py          tree -> FTS5 expression; quote_term, the one way a term is quoted
    build.py        parse_query: text -> Query (expression, filters, boost); narrowed
    suggestions.py  looser_queries, for a search that found nothing
    dates.py        parse_date_bound, shared by --since/--until and since:/until:
"""

from newscli.query.build import Query, narrowed, parse_query
from newscli.query.dates import parse_date_bound
from newscli.query.fts import quote_term, to_fts
from newscli.query.parser import (
    AllOf,
    AnyOf,
    Column,
    Facet,
    Node,
    Not,
    Token,
    Word,
    has_token,
    simplify,
    tokenize,
    unparse,
)
from newscli.query.suggestions import looser_queries

__all__ = [
    "AllOf", "AnyOf", "Column", "Facet", "Node", "Not", "Query", "Token", "Word", "has_token",
    "looser_queries", "narrowed", "parse_date_bound", "parse_query", "quote_term", "simplify",
    "to_fts", "tokenize", "unparse",
]
