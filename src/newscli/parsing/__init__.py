"""Turn a file's bytes into articles, whatever shape the file has."""

from __future__ import annotations

import os.path
import re
from collections.abc import Iterable, Iterator

from newscli.errors import ParseError
from newscli.models import Article
from newscli.parsing.dates import normalise_date
from newscli.parsing.decode import decode_noting
from newscli.parsing.frontmatter import has_front_matter, parse_front_matter, title_from_body
from newscli.parsing.html import HTML_SUFFIXES, looks_like_html, parse_html
from newscli.parsing.records import parse_json, parse_jsonl
from newscli.parsing.results import NumberedResult
from newscli.parsing.text import find_dateline, parse_text

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
_JEKYLL_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-.+")

__all__ = ["NumberedResult", "ParseError", "is_multi_record", "parse_document"]


def is_multi_record(name: str) -> bool:
    return _suffix(name) in RECORD_SUFFIXES


def _suffix(name: str) -> str:
    # os.path rather than PurePath: this runs for every file of an import.
    return os.path.splitext(name)[1].lower()


def parse_document(name: str, data: bytes) -> Iterator[NumberedResult]:
    """Parse a file's bytes by its name's suffix (or by content, for stdin)."""
    suffix = _suffix(name)
    if suffix in HTML_SUFFIXES and data.strip():
        yield NumberedResult(0, parse_html(data))
        return
    decoded = decode_noting(data)
    text = decoded.text
    if not text.strip():
        raise ParseError("file is empty")
    if name == "-" and looks_like_html(text):
        yield NumberedResult(0, parse_html(data))
    elif suffix in (".jsonl", ".ndjson"):
        yield from noting_guess(parse_jsonl(text), decoded.guess)
    elif suffix == ".json" or (name == "-" and text.lstrip()[:1] in ("[", "{")):
        yield from noting_guess(parse_json(text), decoded.guess)
    else:
        yield from noting_guess([NumberedResult(0, parse_article_text(name, text))], decoded.guess)


def noting_guess(results: Iterable[NumberedResult], guess: str | None) -> Iterator[NumberedResult]:
    """Each article told which encoding was guessed for its bytes: in meta, and as a note."""
    for result in results:
        if guess and isinstance(result.result, Article):
            result.result.meta["guessed_encoding"] = guess
            result.result.warnings.append(f"text encoding guessed: {guess}")
        yield result


def parse_article_text(name: str, text: str) -> Article:
    """One article from Markdown or text, with or without front matter."""
    fmt = "markdown" if _suffix(name) in MARKDOWN_SUFFIXES else "text"
    if has_front_matter(text):
        article = parse_front_matter(text, fmt=fmt)
    elif fmt == "markdown":
        title, body = title_from_body(text)
        article = Article(title=title, body=body, format=fmt)
    else:
        article = parse_text(text)
    article.dateline = article.dateline or find_dateline(article.body)
    jekyll = _JEKYLL_NAME.match(os.path.basename(name))
    if article.published is None and jekyll:
        article.published = normalise_date(jekyll.group("date"))  # None for 2024-13-45
    return article
