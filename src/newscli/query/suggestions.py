"""Wider readings of a query that matched nothing, to suggest to the user."""

from __future__ import annotations

from collections.abc import Callable

from newscli.query.build import Query
from newscli.query.parser import AllOf, AnyOf, Column, Facet, Node, Not, Word, simplify, unparse


def looser_queries(query: Query) -> list[str]:
    """Wider readings of a query, most like it first: phrases unquoted, fields and filters
    dropped, then the words joined with OR. Used to suggest something when nothing matched."""
    tree = query.tree
    candidates = [
        _unquoted(tree),
        _unscoped(tree),
        _without_facets(tree),
        _unscoped(_without_facets(_unquoted(tree))),
    ]
    either = _either(candidates[-1])
    if either is not None:
        candidates.append(either)
    original = unparse(tree)
    seen: list[str] = []
    for node in candidates:
        text = unparse(node) if node is not None else ""
        if text and text != original and text not in seen:
            seen.append(text)
    return seen


def _map(node: Node | None, change: Callable[[Node], Node]) -> Node | None:
    if node is None:
        return None
    if isinstance(node, Not):  # loosening an exclusion would narrow the search
        return node
    node = change(node)
    if isinstance(node, Column):
        return simplify(Column(node.name, _map(node.child, change) or node.child))
    if isinstance(node, (AllOf, AnyOf)):
        kids = (_map(c, change) for c in node.children)
        return simplify(type(node)(tuple(k for k in kids if k is not None)))
    return node


def _unquoted(node: Node | None) -> Node | None:
    def split(n: Node) -> Node:
        words = n.text.split() if isinstance(n, Word) and n.phrase else []
        if not words or not isinstance(n, Word):
            return n
        last = Word(words[-1], prefix=n.prefix)  # "night fer"* keeps its prefix: night fer*
        return AllOf((*(Word(w) for w in words[:-1]), last))

    return _map(node, split)


def _unscoped(node: Node | None) -> Node | None:
    return _map(node, lambda n: n.child if isinstance(n, Column) else n)


def _without_facets(node: Node | None) -> Node | None:
    if not isinstance(node, AllOf):
        return None if isinstance(node, Facet) else node
    kept = [c for c in node.children
            if not isinstance(c, Facet) and not (isinstance(c, Not) and isinstance(c.child, Facet))]
    return simplify(AllOf(tuple(kept)))


def _either(node: Node | None) -> Node | None:
    """`a b c` -> `a OR b OR c` when the query is only plain words."""
    if isinstance(node, AllOf) and all(isinstance(c, Word) for c in node.children):
        return AnyOf(node.children)
    return None
