"""JSON arrays and JSON Lines of article objects (newscli's own export format first)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from newscli.errors import ParseError
from newscli.models import Article
from newscli.parsing.decode import unix_newlines
from newscli.parsing.fields import article_from_mapping, first_key
from newscli.parsing.results import NumberedResult
from newscli.parsing.scrapers import scraper_fields
from newscli.parsing.text import clean_body, find_dateline
from newscli.parsing.titles import bounded_title

BODY_KEYS = ("body", "text", "content", "maintext")


def parse_json(text: str) -> Iterator[NumberedResult]:
    """Records of a JSON array (or one object), numbered from 1."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"invalid JSON: {exc}") from None
    if isinstance(data, dict):
        data = data.get("articles", [data]) if isinstance(data.get("articles"), list) else [data]
    if not isinstance(data, list):
        raise ParseError("JSON must be an array of article objects or one object")
    for number, record in enumerate(data, 1):
        yield NumberedResult(number, _guarded(record))


def parse_jsonl(text: str) -> Iterator[NumberedResult]:
    """Records of a JSON Lines file, numbered by line; blank lines are skipped."""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield NumberedResult(number, ParseError(f"invalid JSON: {exc}"))
            continue
        yield NumberedResult(number, _guarded(record))


def _guarded(record: Any) -> Article | ParseError:
    try:
        return article_from_record(record)
    except ParseError as exc:
        return exc


def article_from_record(record: Any) -> Article:
    if not isinstance(record, dict):
        raise ParseError("record is not a JSON object")
    record = scraper_fields(record)
    body_key = first_key(record, BODY_KEYS)
    body = record.get(body_key) if body_key else ""
    if not isinstance(body, str):
        raise ParseError(f"record field {body_key!r} is not text")
    fields = {k: v for k, v in record.items() if k != body_key}
    # A body is kept as a file's would be: Unix line endings, no NUL (a file with one is refused).
    body = unix_newlines(body).replace("\x00", "")
    article = article_from_mapping(fields, clean_body(body), fmt="text")
    if not article.title and not article.body:
        raise ParseError("record has neither title nor text")
    if not article.title:
        article.title = bounded_title(article.body.split("\n", 1)[0].strip())
    article.dateline = article.dateline or find_dateline(article.body)  # as for text files
    return article
