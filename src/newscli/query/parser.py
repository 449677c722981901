"""The search language's grammar: user text -> tokens -> a tree of nodes, and the tree back to text.

Whatever is not valid syntax is read as literal text: an unclosed quote or parenthesis, a stray
OR, a lone `-` or `*`, punctuation, `word:` with an unknown field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from newscli.errors import QueryError

COLUMNS = ("title", "body")  # FTS5 columns a word can be limited to
FACETS = ("source", "author", "tag", "since", "until")  # fields that become row filters
MAX_NESTING = 20  # parentheses and fields; FTS5 itself gives up at a depth of a few hundred
_FIELD = re.compile(r"^([A-Za-z]+):(.*)$", re.DOTALL)
_BREAK = re.compile(r'[\s()"]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Curly and low quotes pasted from documents and phones act as straight quotes.
_QUOTES = str.maketrans({c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"})


# -- the tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A word or (phrase=True) a quoted phrase; prefix: ends in `*`."""

    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    """Without the child: `-x`, `NOT x`."""

    child: Node


@dataclass(frozen=True)
class AllOf:
    """Every child (words side by side, or AND)."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one child (OR)."""

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


Node = Word | Not | AllOf | AnyOf | Column | Facet


def parse_tree(text: str) -> Node | None:
    """User text -> its simplified tree (None: nothing FTS5 could search for, and no filter)."""
    return simplify(_Parser(tokenize(text)).parse())


# -- lexing ------------------------------------------------------------------------------------


class Token(NamedTuple):
    """One piece of query text: `kind` is "(", ")", "OR", "NOT", "WORD", "FIELD" or "FACET"."""

    kind: str
    word: Word | None = None  # WORD
    name: str = ""  # FIELD and FACET: the field's name, lower case
    value: str = ""  # FACET


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
            tokens.append(Token(char))
            i += 1
        elif char == '"':
            i = _quoted(text, i, tokens)
        else:
            stop = _BREAK.search(text, i)
            j = stop.start() if stop else end
            follows = text[j] if j < end else " "
            tokens.extend(_bare_tokens(text[i:j], follows))
            i = j
    return tokens


def _quoted(text: str, start: int, tokens: list[Token]) -> int:
    """A phrase from the quote at `start` appended to tokens; where reading goes on."""
    close = text.find('"', start + 1)
    if close < 0:  # an unclosed quote: read on as if it were not there
        return start + 1
    phrase = text[start + 1 : close]
    i, end = close + 1, len(text)
    prefix = i < end and text[i] == "*"
    while i < end and text[i] == "*":
        i += 1
    tokens.append(Token("WORD", Word(phrase, phrase=True, prefix=prefix)))
    return i


def _bare_tokens(word: str, follows: str) -> list[Token]:
    """One run of text between spaces, parentheses and quotes."""
    if word in ("OR", "AND", "NOT"):
        return [] if word == "AND" else [Token(word)]
    tokens: list[Token] = []
    if word.startswith("-"):
        word = word.lstrip("-")
        if word or follows in '("':  # a lone "-" before a space is just a dash
            tokens.append(Token("NOT"))
    while True:
        found = _FIELD.match(word)
        if not found or found.group(1).lower() not in COLUMNS + FACETS:
            break
        name, word = found.group(1).lower(), found.group(2)
        if name in FACETS and word:
            return [*tokens, Token("FACET", name=name, value=word)]
        tokens.append(Token("FIELD", name=name))
    if tokens and word.startswith("-") and word.strip("-"):  # title:-ferry
        tokens.append(Token("NOT"))
        word = word.lstrip("-")
    if word:
        stem = word.rstrip("*")
        tokens.append(Token("WORD", Word(stem or word, prefix=bool(stem) and stem != word)))
    return tokens


# -- parsing -----------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the tokens; only parentheses recurse, and they are bounded."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def parse(self) -> Node:
        items: list[Node] = []
        while self.peek() is not None:
            items.extend(self.sequence(depth=0).children)
            if self.peek() == ")":  # a stray closing parenthesis is ignored
                self.take()
        return AllOf(tuple(items))

    def sequence(self, depth: int) -> AllOf:
        """Terms joined by (implicit) AND, up to a closing parenthesis or the end."""
        items: list[Node] = []
        while self.peek() not in (None, ")"):
            node = self.alternatives(depth)
            if node is not None:
                items.append(node)
        return AllOf(tuple(items))

    def alternatives(self, depth: int) -> Node | None:
        options = [self.unary(depth)]
        while self.peek() == "OR":
            while self.peek() == "OR":
                self.take()
            options.append(self.unary(depth))
        kept = tuple(o for o in options if o is not None)  # a dangling OR is ignored
        return AnyOf(kept) if len(kept) > 1 else (kept[0] if kept else None)

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
            return token.word
        if kind == "FACET":
            return Facet(token.name, token.value)
        if kind == "FIELD":
            return self.field(token.name, depth)
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


# -- simplifying -------------------------------------------------------------------------------


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
    if isinstance(node, (AllOf, AnyOf)):
        return _simplify_group(node)
    return None


def _simplify_group(node: AllOf | AnyOf) -> Node | None:
    """A group with its empty children dropped and children of the same kind merged into it."""
    kind = type(node)
    kids: dict[Node, Node] = {}  # by identity (see _same): `x x`, `x OR X` search x once
    for child in (simplify(c) for c in node.children):
        if child is None:
            continue
        for kid in child.children if isinstance(child, kind) else (child,):
            kids.setdefault(_same(kid), kid)
    kids = list(kids.values())
    if not kids:
        return None
    return kids[0] if len(kids) == 1 else kind(tuple(kids))


def _same(node: Node) -> Node:
    """What two nodes that search alike share: FTS5 matches words without regard to case."""
    if isinstance(node, Word):
        return Word(node.text.casefold(), node.phrase, node.prefix)
    if isinstance(node, Not):
        return Not(_same(node.child))
    if isinstance(node, Column):
        return Column(node.name, _same(node.child))
    return node


def _column(name: str, child: Node) -> Node:
    # title:title:x is title:x; title:body:x is left to FTS5 (it finds nothing).
    if isinstance(child, Column) and child.name == name:
        return child
    return Column(name, child)


def has_token(text: str) -> bool:
    """True when FTS5's unicode61 tokenizer finds a word in text (letters, digits, private use)."""
    return any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co"
               for c in text)


# -- back to text ------------------------------------------------------------------------------


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
    return (" OR " if isinstance(node, AnyOf) else " ").join(_wrap(c) for c in node.children)


def _wrap(node: Node) -> str:
    bare = isinstance(node, (Word, Facet, Not, Column))
    return unparse(node) if bare else f"({unparse(node)})"


def _needs_quotes(text: str) -> bool:
    return bool(_BREAK.search(text)) or text in ("OR", "AND", "NOT") or text.startswith("-") \
        or bool(_FIELD.match(text)) or text.endswith("*")
