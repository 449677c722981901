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
FTS5 expression, so no user text is ever read as FTS5 syntax. Also the date bounds shared by
--since/--until and `since:`/`until:`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from newscli.errors import QueryError
from newscli.models import Filters

_RELATIVE = re.compile(r"^(\d+)\s*([dwmy])$", re.IGNORECASE)
_ABSOLUTE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")

COLUMNS = ("title", "body")  # FTS5 columns a word can be limited to
FACETS = ("source", "author", "tag", "since", "until")  # fields that become row filters
MAX_NESTING = 20  # parentheses and fields; FTS5 itself gives up at a depth of a few hundred
_FIELD = re.compile(r"^([A-Za-z]+):(.*)$", re.DOTALL)
_BREAK = re.compile(r'[\s()"]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Curly and low quotes pasted from documents and phones act as straight quotes.
_QUOTES = str.maketrans({c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"})


# -- the parsed query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A word or (phrase=True) a quoted phrase; prefix: ends in `*`."""

    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class All:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Column:
    """Words limited to one FTS5 column (title:, body:)."""

    name: str
    child: Node


@dataclass(frozen=True)
class Facet:
    """A row filter (source:, author:, tag:, since:, until:)."""

    name: str
    value: str


Node = Word | Not | All | Any_ | Column | Facet


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
    tree = simplify(_Parser(tokenize(text)).parse())
    words, filters = _split_filters(tree)
    positive = [n for n in words if not isinstance(n, Not)]
    negative = [n.child for n in words if isinstance(n, Not)]
    for node in words:
        _check(node)
    if not positive and not negative and filters == Filters():
        raise QueryError(
            f"nothing to search for in {text[:60]!r}; give at least one word, e.g. nato summit"
        )
    excluded = to_fts(_any(negative)) if negative else None
    if positive:
        match = to_fts(_all(positive))
        if excluded:
            match = f"{_group(match)} NOT {_group(excluded)}"
        return Query(match=match, filters=filters, boost=_boost(positive), tree=tree)
    filters.exclude_match = excluded
    return Query(match=None, filters=filters, tree=tree)


# -- lexing ------------------------------------------------------------------------------------

# Tokens: ("(",) (")",) ("OR",) ("NOT",) ("WORD", Word) ("FIELD", name) ("FACET", name, value)
Token = tuple


def tokenize(text: str) -> list[Token]:
    """Split user text into tokens; anything that is not syntax becomes a word."""
    # Control characters separate words (FTS5 would stop reading a query at a NUL).
    text = _CONTROL.sub(" ", text.translate(_QUOTES))
    tokens: list[Token] = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append((char,))
            i += 1
        elif char == '"':
            close = text.find('"', i + 1)
            if close < 0:  # an unclosed quote: read on as if it were not there
                i += 1
                continue
            phrase = text[i + 1 : close]
            i = close + 1
            prefix = i < end and text[i] == "*"
            while i < end and text[i] == "*":
                i += 1
            tokens.append(("WORD", Word(phrase, phrase=True, prefix=prefix)))
        else:
            stop = _BREAK.search(text, i)
            j = stop.start() if stop else end
            follows = text[j] if j < end else " "
            tokens.extend(_bare_tokens(text[i:j], follows))
            i = j
    return tokens


def _bare_tokens(word: str, follows: str) -> list[Token]:
    """One run of text between spaces, parentheses and quotes."""
    if word in ("OR", "AND", "NOT"):
        return [] if word == "AND" else [(word,)]
    tokens: list[Token] = []
    if word.startswith("-"):
        word = word.lstrip("-")
        if word or follows in '("':  # a lone "-" before a space is just a dash
            tokens.append(("NOT",))
    while True:
        found = _FIELD.match(word)
        if not found or found.group(1).lower() not in COLUMNS + FACETS:
            break
        name, word = found.group(1).lower(), found.group(2)
        if name in FACETS and word:
            return [*tokens, ("FACET", name, word)]
        tokens.append(("FIELD", name))
    if tokens and word.startswith("-") and word.strip("-"):  # title:-ferry
        tokens.append(("NOT",))
        word = word.lstrip("-")
    if word:
        stem = word.rstrip("*")
        tokens.append(("WORD", Word(stem or word, prefix=bool(stem) and stem != word)))
    return tokens


# -- parsing -----------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the tokens; only parentheses recurse, and they are bounded."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def parse(self) -> Node:
        items: list[Node] = []
        while self.peek() is not None:
            items.extend(self.sequence(depth=0).children)
            if self.peek() == ")":  # a stray closing parenthesis is ignored
                self.take()
        return All(tuple(items))

    def sequence(self, depth: int) -> All:
        """Terms joined by (implicit) AND, up to a closing parenthesis or the end."""
        items: list[Node] = []
        while self.peek() not in (None, ")"):
            node = self.alternatives(depth)
            if node is not None:
                items.append(node)
        return All(tuple(items))

    def alternatives(self, depth: int) -> Node | None:
        options = [self.unary(depth)]
        while self.peek() == "OR":
            while self.peek() == "OR":
                self.take()
            options.append(self.unary(depth))
        kept = tuple(o for o in options if o is not None)  # a dangling OR is ignored
        return Any_(kept) if len(kept) > 1 else (kept[0] if kept else None)

    def unary(self, depth: int) -> Node | None:
        negations = 0
        while self.peek() == "NOT":
            self.take()
            negations += 1
        node = self.primary(depth)
        if node is None or negations % 2 == 0:
            return node
        return Not(node)

    def primary(self, depth: int) -> Node | None:
        kind = self.peek()
        if kind is None or kind == ")":
            return None
        token = self.take()
        if kind in ("(", "FIELD") and depth >= MAX_NESTING:
            raise QueryError(
                f"the query nests parentheses or fields more than {MAX_NESTING} deep; simplify it"
            )
        if kind == "(":
            inner = self.sequence(depth + 1)
            if self.peek() == ")":
                self.take()  # an unclosed parenthesis closes at the end
            return inner
        if kind == "WORD":
            return token[1]
        if kind == "FACET":
            return Facet(token[1], token[2])
        if kind == "FIELD":
            return self.field(token[1], depth)
        return None  # OR with nothing before it

    def field(self, name: str, depth: int) -> Node:
        depth += 1
        target = self.primary(depth) if self.peek() != "NOT" else self.unary(depth)
        if name in FACETS:
            if not isinstance(target, Word) or not target.text.strip():
                raise QueryError(
                    f'{name}: needs a value right after it, e.g. {name}:x or {name}:"two words"'
                )
            return Facet(name, target.text)
        if target is None:
            raise QueryError(
                f'{name}: needs a word after it, e.g. {name}:ferry or {name}:"a phrase"'
            )
        return Column(name, target)


# -- simplifying and checking ------------------------------------------------------------------


def simplify(node: Node | None) -> Node | None:
    """Drop words FTS5 would find no token in, flatten groups, push NOT out of columns."""
    if isinstance(node, Word):
        return node if has_token(node.text) else None
    if isinstance(node, Facet):
        return node
    if isinstance(node, Not):
        child = simplify(node.child)
        if isinstance(child, Not):
            return child.child
        return Not(child) if child is not None else None
    if isinstance(node, Column):
        child = simplify(node.child)
        if child is None:
            return None
        if isinstance(child, Not):  # title:-x means "not x in the title"
            return Not(_column(node.name, child.child))
        return _column(node.name, child)
    if isinstance(node, (All, Any_)):
        kind = type(node)
        kids: list[Node] = []
        for child in (simplify(c) for c in node.children):
            if child is None:
                continue
            kids.extend(child.children if isinstance(child, kind) else (child,))
        if not kids:
            return None
        return kids[0] if len(kids) == 1 else kind(tuple(kids))
    return None


def _column(name: str, child: Node) -> Node:
    # title:title:x is title:x; title:body:x is left to FTS5 (it finds nothing).
    if isinstance(child, Column) and child.name == name:
        return child
    return Column(name, child)


def has_token(text: str) -> bool:
    """True when FTS5's unicode61 tokenizer finds a word in text (letters, digits, private use)."""
    return any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co"
               for c in text)


def _split_filters(tree: Node | None) -> tuple[list[Node], Filters]:
    """Top-level facets (and negated ones) become Filters; the rest stays text."""
    top = list(tree.children) if isinstance(tree, All) else ([tree] if tree else [])
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


def _check(node: Node, inside: str = "") -> None:
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
        _check(node.child, "NOT")
    elif isinstance(node, Column):
        _check(node.child, "field")
    elif isinstance(node, Any_):
        for child in node.children:
            _check(child, "OR")
    elif isinstance(node, All):
        if all(isinstance(c, Not) for c in node.children):
            raise QueryError(
                f"({unparse(node)}) only excludes; add a word to search for inside the "
                "parentheses"
            )
        for child in node.children:
            _check(child, "AND")


# -- FTS5 expressions --------------------------------------------------------------------------


def to_fts(node: Node) -> str:
    """The FTS5 expression for a checked tree; every word is a quoted string."""
    if isinstance(node, Word):
        quoted = '"' + node.text.replace('"', '""') + '"'
        return quoted + " *" if node.prefix else quoted
    if isinstance(node, Column):
        return f"{node.name} : {_group(to_fts(node.child), node.child)}"
    if isinstance(node, Any_):
        return " OR ".join(_group(to_fts(c), c) for c in node.children)
    if isinstance(node, All):
        positive = [c for c in node.children if not isinstance(c, Not)]
        negative = [c.child for c in node.children if isinstance(c, Not)]
        text = " AND ".join(_group(to_fts(c), c) for c in positive)
        if negative:
            text = f"{_group(text)} NOT {_group(to_fts(_any(negative)))}"
        return text
    if isinstance(node, Not):  # only reached through All, which handles it
        raise QueryError(f"-{unparse(node.child)} needs a word to search for beside it")
    raise QueryError(f"{unparse(node)} cannot be searched for here")


def _group(text: str, node: Node | None = None) -> str:
    return text if isinstance(node, Word) else f"({text})"


def _all(nodes: Sequence[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else All(tuple(nodes))


def _any(nodes: Sequence[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else Any_(tuple(nodes))


def _boost(positive: Sequence[Node]) -> str | None:
    """The plain words as one phrase, when there are two or more of them."""
    plain = [n.text for n in positive if isinstance(n, Word) and not n.prefix]
    if len(plain) < 2:
        return None
    return '"' + " ".join(plain).replace('"', '""') + '"'


# -- back to text: suggestions -----------------------------------------------------------------


def unparse(node: Node | None) -> str:
    """A tree as query text that parses back to the same tree."""
    if node is None:
        return ""
    if isinstance(node, Word):
        text = f'"{node.text}"' if node.phrase or _needs_quotes(node.text) else node.text
        return text + "*" if node.prefix else text
    if isinstance(node, Facet):
        value = f'"{node.value}"' if _needs_quotes(node.value) else node.value
        return f"{node.name}:{value}"
    if isinstance(node, Not):
        return "-" + _wrap(node.child)
    if isinstance(node, Column):
        return f"{node.name}:{_wrap(node.child)}"
    return (" OR " if isinstance(node, Any_) else " ").join(_wrap(c) for c in node.children)


def _wrap(node: Node) -> str:
    bare = isinstance(node, (Word, Facet, Not, Column))
    return unparse(node) if bare else f"({unparse(node)})"


def _needs_quotes(text: str) -> bool:
    return bool(_BREAK.search(text)) or text in ("OR", "AND", "NOT") or text.startswith("-") \
        or bool(_FIELD.match(text)) or text.endswith("*")


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
    if isinstance(node, (All, Any_)):
        kids = (_map(c, change) for c in node.children)
        return simplify(type(node)(tuple(k for k in kids if k is not None)))
    return node


def _unquoted(node: Node | None) -> Node | None:
    def split(n: Node) -> Node:
        words = n.text.split() if isinstance(n, Word) and n.phrase else []
        if not words or not isinstance(n, Word):
            return n
        last = Word(words[-1], prefix=n.prefix)  # "night fer"* keeps its prefix: night fer*
        return All((*(Word(w) for w in words[:-1]), last))

    return _map(node, split)


def _unscoped(node: Node | None) -> Node | None:
    return _map(node, lambda n: n.child if isinstance(n, Column) else n)


def _without_facets(node: Node | None) -> Node | None:
    if not isinstance(node, All):
        return None if isinstance(node, Facet) else node
    kept = [c for c in node.children
            if not isinstance(c, Facet) and not (isinstance(c, Not) and isinstance(c.child, Facet))]
    return simplify(All(tuple(kept)))


def _either(node: Node | None) -> Node | None:
    """`a b c` -> `a OR b OR c` when the query is only plain words."""
    if isinstance(node, All) and all(isinstance(c, Word) for c in node.children):
        return Any_(node.children)
    return None


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


# -- dates -------------------------------------------------------------------------------------


def parse_date_bound(text: str, today: dt.date | None = None) -> str:
    """`2024-03-01`, `2024-03`, `2024`, or relative `7d`, `2w`, `3m`, `1y` -> ISO date text."""
    value = text.strip()
    if _ABSOLUTE.match(value):
        _check_calendar(value)
        return value
    relative = _RELATIVE.match(value)
    if not relative:
        raise QueryError(
            f"{text!r} is not a date; use 2024-03-01, 2024-03, 2024 or a span like 7d, 2w, 3m, 1y"
        )
    from dateutil.relativedelta import relativedelta

    number, unit = int(relative.group(1)), relative.group(2).lower()
    span = {
        "d": relativedelta(days=number),
        "w": relativedelta(weeks=number),
        "m": relativedelta(months=number),
        "y": relativedelta(years=number),
    }[unit]
    try:
        return ((today or dt.date.today()) - span).isoformat()
    except (OverflowError, ValueError):
        raise QueryError(f"{text!r} reaches back before the year 1") from None


def _check_calendar(value: str) -> None:
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise QueryError(f"{value!r} is not a real date") from None
