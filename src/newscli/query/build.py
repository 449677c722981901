"""User text -> Query: the FTS5 expression of its words, and its facets as row filters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from newscli.errors import QueryError
from newscli.models import Filters
from newscli.query.dates import parse_date_bound
from newscli.query.fts import all_of, any_of, boost_phrase, check, group, to_fts
from newscli.query.parser import AllOf, AnyOf, Column, Facet, Node, Not, Word, parse_tree

# Words (those inside phrases included) one query may search for, repeats counted once. A search
# costs about one single-word search per word (ranking scores each matching article per word):
# the limit bounds that, and leaves room for any query a person types.
MAX_TERMS = 32
_TOKEN = re.compile(r"\w+")


@dataclass
class Query:
    """A parsed search: `match` is an FTS5 expression (None: no words to match, filters only).

    `boost` is a phrase of the plain words, used to rank articles that have them side by side
    first; `tree` is the parsed query, for suggestions.
    """

    match: str | None = None
    filters: Filters = field(default_factory=Filters)
    boost: str | None = None
    tree: Node | None = None


def parse_query(text: str) -> Query:
    """User text -> Query; QueryError (one line, says how to fix it) when nothing is searchable."""
    tree = parse_tree(text)
    terms = count_terms(tree)
    if terms > MAX_TERMS:
        raise QueryError(
            f"the query searches for {terms:,} words (repeats counted once); at most {MAX_TERMS} "
            "are searched at once, so its cost stays bounded: leave some out"
        )
    words, filters = _split_filters(tree)
    positive = [n for n in words if not isinstance(n, Not)]
    negative = [n.child for n in words if isinstance(n, Not)]
    for node in words:
        check(node)
    if not positive and not negative and filters == Filters():
        raise QueryError(
            f"nothing to search for in {text[:60]!r}; give at least one word, e.g. nato summit"
        )
    excluded = to_fts(any_of(negative)) if negative else None
    if positive:
        match = to_fts(all_of(positive))
        if excluded:
            match = f"{group(match)} NOT {group(excluded)}"
        return Query(match=match, filters=filters, boost=boost_phrase(positive), tree=tree)
    filters.exclude_match = excluded
    return Query(match=None, filters=filters, tree=tree)


def count_terms(node: Node | None) -> int:
    """How many words the tree searches for, each word of a phrase one."""
    if isinstance(node, Word):
        return max(1, len(_TOKEN.findall(node.text)))
    if isinstance(node, (Not, Column)):
        return count_terms(node.child)
    if isinstance(node, (AllOf, AnyOf)):
        return sum(count_terms(child) for child in node.children)
    return 0


def _split_filters(tree: Node | None) -> tuple[list[Node], Filters]:
    """Top-level facets (and negated ones) become Filters; the rest stays text."""
    top = list(tree.children) if isinstance(tree, AllOf) else ([tree] if tree else [])
    filters, words = Filters(), list[Node]()
    for node in top:
        if isinstance(node, Facet):
            _add_facet(filters, node)
        elif isinstance(node, Not) and isinstance(node.child, Facet):
            _exclude_facet(filters, node.child)
        else:
            words.append(node)
    return words, filters


def _add_facet(filters: Filters, facet: Facet) -> None:
    if facet.name == "since":
        bound = _facet_date(facet)
        filters.since = max(filters.since or bound, bound)
    elif facet.name == "until":
        bound = _facet_date(facet)
        filters.until = min(filters.until or bound, bound)
    else:
        {"source": filters.sources, "author": filters.authors, "tag": filters.tags}[
            facet.name
        ].append(facet.value)


def _exclude_facet(filters: Filters, facet: Facet) -> None:
    if facet.name in ("since", "until"):
        other = "until" if facet.name == "since" else "since"
        raise QueryError(f"-{facet.name}: cannot be negated; use {other}: instead")
    {
        "source": filters.exclude_sources,
        "author": filters.exclude_authors,
        "tag": filters.exclude_tags,
    }[facet.name].append(facet.value)


def _facet_date(facet: Facet) -> str:
    try:
        return parse_date_bound(facet.value)
    except QueryError as exc:
        raise QueryError(f"{facet.name}:{facet.value}: {exc}") from None


def narrowed(base: Filters, extra: Filters) -> Filters:
    """Filters from options narrowed by a query's filters (both must hold)."""
    for name in ("sources", "authors"):
        if getattr(base, name) and getattr(extra, name):
            option = name[:-1]
            raise QueryError(f"--{option} and {option}: both given; use one of them")
    return replace(
        base,
        sources=base.sources or extra.sources,
        authors=base.authors or extra.authors,
        tags=base.tags + extra.tags,
        since=max(filter(None, (base.since, extra.since)), default=None),
        # Compared as the SQL compares them: until "2024" reaches further than "2024-06-30".
        until=min(filter(None, (base.until, extra.until)), default=None, key=lambda b: b + "\uffff"),
        exclude_sources=base.exclude_sources + extra.exclude_sources,
        exclude_authors=base.exclude_authors + extra.exclude_authors,
        exclude_tags=base.exclude_tags + extra.exclude_tags,
        exclude_match=" OR ".join(
            f"({m})" for m in (base.exclude_match, extra.exclude_match) if m
        ) or None,
    )
