"""A parsed query tree -> an FTS5 MATCH expression. Every word is a quoted string, so no user text
is ever read as FTS5 syntax."""

from __future__ import annotations

from collections.abc import Sequence

from newscli.errors import QueryError
from newscli.query.parser import AllOf, AnyOf, Column, Facet, Node, Not, Word, unparse
from newscli.searchtext import index_form


def quote_term(text: str) -> str:
    """`text` as one FTS5 string, in the index's form (a run of Chinese becomes a phrase of its
    characters, `ß` is `ss` ...: newscli.searchtext): in double quotes, its own doubled."""
    return '"' + index_form(text).replace('"', '""') + '"'


def to_fts(node: Node) -> str:
    """The FTS5 expression for a checked tree; every word is a quoted string."""
    if isinstance(node, Word):
        quoted = quote_term(node.text)
        return quoted + " *" if node.prefix else quoted
    if isinstance(node, Column):
        return f"{node.name} : {group(to_fts(node.child), node.child)}"
    if isinstance(node, AnyOf):
        return " OR ".join(group(to_fts(c), c) for c in node.children)
    if isinstance(node, AllOf):
        positive = [c for c in node.children if not isinstance(c, Not)]
        negative = [c.child for c in node.children if isinstance(c, Not)]
        text = " AND ".join(group(to_fts(c), c) for c in positive)
        if negative:
            text = f"{group(text)} NOT {group(to_fts(any_of(negative)))}"
        return text
    if isinstance(node, Not):  # only reached through AllOf, which handles it
        raise QueryError(f"-{unparse(node.child)} needs a word to search for beside it")
    raise QueryError(f"{unparse(node)} cannot be searched for here")


def check(node: Node, inside: str = "") -> None:
    """Reject what FTS5 cannot express: a filter inside a group, a group of only exclusions."""
    if isinstance(node, Facet):
        raise QueryError(
            f"{node.name}:{node.value} filters the whole search, so it cannot be inside OR, "
            f"NOT or a field; put it on its own, e.g. nato {node.name}:{node.value}"
        )
    if isinstance(node, Not):
        if inside == "OR":
            raise QueryError(
                f"-{unparse(node.child)} cannot be one side of OR (there is nothing to exclude "
                "it from); put the exclusion outside, e.g. (a OR b) -c"
            )
        check(node.child, "NOT")
    elif isinstance(node, Column):
        check(node.child, "field")
    elif isinstance(node, AnyOf):
        for child in node.children:
            check(child, "OR")
    elif isinstance(node, AllOf):
        if all(isinstance(c, Not) for c in node.children):
            raise QueryError(
                f"({unparse(node)}) only excludes; add a word to search for inside the "
                "parentheses"
            )
        for child in node.children:
            check(child, "AND")


def group(text: str, node: Node | None = None) -> str:
    """An expression in parentheses, unless it is one word."""
    return text if isinstance(node, Word) else f"({text})"


def all_of(nodes: Sequence[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes))


def any_of(nodes: Sequence[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))


def boost_phrase(positive: Sequence[Node]) -> str | None:
    """The plain words as one FTS5 phrase, when there are two or more of them."""
    plain = [n.text for n in positive if isinstance(n, Word) and not n.prefix]
    if len(plain) < 2:
        return None
    return quote_term(" ".join(plain))
