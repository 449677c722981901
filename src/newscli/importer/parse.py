"""One found file to its articles, or to the reason it holds none."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from newscli.errors import ParseError, os_reason
from newscli.importer.options import Options
from newscli.importer.walk import Candidate, read_candidate, read_capped
from newscli.models import Article
from newscli.parsing import is_multi_record, parse_document
from newscli.parsing.decode import decode
from newscli.parsing.records import parse_jsonl

_SURROGATE = re.compile("[\ud800-\udfff]")


class ParseOutcome(NamedTuple):
    """What one file, or one record of a multi-article file, parsed to."""

    label: str  # the file's name, with ":N" for record N of a multi-article file
    result: Article | str  # the article, or why there is none
    multi_record: bool  # a record of a multi-article file (JSON, JSON Lines)


def parse_candidate(candidate: Candidate, options: Options) -> Iterator[ParseOutcome]:
    """Each article of the file, or the error that stopped it, completed with the options."""
    if candidate.error:
        yield ParseOutcome(candidate.name, candidate.error, False)
        return
    try:
        multi = is_multi_record(candidate.name)
        if is_streamed(candidate):
            records = _stream_jsonl(candidate.path, options.max_size)  # type: ignore[arg-type]
        else:
            records = parse_document(candidate.name, read_candidate(candidate, options.max_size))
        for number, result in records:
            label = f"{candidate.name}:{number}" if number else candidate.name
            if isinstance(result, ParseError):
                yield ParseOutcome(label, str(result), multi)
                continue
            _complete(result, candidate, options, multi)
            if _holds_lone_surrogate(result):
                yield ParseOutcome(label, "holds a lone surrogate (such as \\ud800), which is "
                                   "not text", multi)
                continue
            _ = result.sha256, result.word_count  # computed here: in a worker, when parallel
            yield ParseOutcome(label, result, multi)
    except ParseError as exc:
        yield ParseOutcome(candidate.name, str(exc), False)


def _holds_lone_surrogate(article: Article) -> bool:
    """True when a text field holds half of a UTF-16 pair (JSON "\\ud800"): it cannot be stored."""
    texts = (article.title, article.body, article.source, article.author, article.url,
             article.dateline, article.language, article.published, article.slug, *article.tags)
    if any(text and _SURROGATE.search(text) for text in texts):
        return True
    return bool(article.meta) and _SURROGATE.search(
        json.dumps(article.meta, ensure_ascii=False, default=str)) is not None


def is_streamed(candidate: Candidate) -> bool:
    """JSON Lines files (exports, backups) are read a line at a time, whatever their size."""
    suffix = os.path.splitext(candidate.name)[1].lower()
    return candidate.path is not None and suffix in (".jsonl", ".ndjson")


def _stream_jsonl(path: Path, max_size: int) -> Iterator[tuple[int, Article | ParseError]]:
    """Records of a JSON Lines file as they are read; --max-size applies to each line."""
    try:
        with open(path, "rb") as handle:
            if handle.peek(4)[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16/32: lines are not bytes
                yield from parse_document(str(path), read_capped(handle, max_size))
                return
            for number, raw in enumerate(handle, 1):
                if len(raw) > max_size:
                    yield number, ParseError(
                        f"line is larger than the {max_size:,}-byte limit (see --max-size)")
                elif raw.strip():
                    try:
                        yield from ((number, r) for _, r in parse_jsonl(decode(raw)))
                    except ParseError as exc:
                        yield number, exc
    except OSError as exc:
        raise ParseError(os_reason(exc)) from None


def _complete(article: Article, candidate: Candidate, options: Options, multi: bool) -> None:
    """Fill in what the file did not say: its path, the --source and --tag options."""
    if article.path is None or not multi:
        article.path = None if candidate.path is None else (
            candidate.absolute or os.path.abspath(candidate.path)
        )
    article.source = article.source or options.source
    for tag in options.tags:
        if tag not in article.tags:
            article.tags.append(tag)
