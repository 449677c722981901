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
from newscli.parsing import is_multi_record, noting_guess, parse_document
from newscli.parsing.decode import decode_noting
from newscli.parsing.fields import settle_tags
from newscli.parsing.records import parse_jsonl

_SURROGATE = re.compile("[\ud800-\udfff]")


class Skipped(NamedTuple):
    """A file left out on purpose (not read, or read and found to hold no article), and why."""

    reason: str


class ParseOutcome(NamedTuple):
    """What one file, or one record of a multi-article file, parsed to."""

    label: str  # the file's name, with ":N" for record N of a multi-article file
    result: Article | str | Skipped  # the article, why there is none, or why it was left out
    multi_record: bool  # a record of a multi-article file (JSON, JSON Lines)


def parse_candidate(candidate: Candidate, options: Options) -> Iterator[ParseOutcome]:
    """Each article of the file, or the error that stopped it, completed with the options.

    A JSON file met in a folder whose records all lack text (a list of titles and metadata, such
    as the truth file of an evaluation) is skipped as a whole: headlines-only feeds are imported
    when the file is named on the command line.
    """
    if candidate.skip:
        yield ParseOutcome(candidate.name, Skipped(candidate.skip), False)
        return
    outcomes = _parsed(candidate, options)
    if candidate.explicit or not is_multi_record(candidate.name):
        yield from outcomes
    else:
        yield from _unless_all_headlines(candidate.name, outcomes)


def _unless_all_headlines(name: str, outcomes: Iterator[ParseOutcome]) -> Iterator[ParseOutcome]:
    """The outcomes, or one Skipped when no record has text (headline-only records are held
    back until a record with text shows the file holds articles)."""
    held: list[ParseOutcome] = []
    with_text = False
    for outcome in outcomes:
        if with_text:
            yield outcome
        elif isinstance(outcome.result, Article) and not outcome.result.body.strip():
            held.append(outcome)
        else:
            with_text = isinstance(outcome.result, Article)
            if with_text:
                yield from held
                held.clear()
            yield outcome
    if held:
        yield ParseOutcome(name, Skipped(
            f"no record has text ({len(held):,} with a title only); name the file itself "
            "to import them as headlines"), False)


def _parsed(candidate: Candidate, options: Options) -> Iterator[ParseOutcome]:
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
    except Exception as exc:  # a bug in newscli or a library: named as one, the file too
        yield ParseOutcome(candidate.name, bug_reason(exc), False)


def bug_reason(exc: Exception) -> str:
    """How a failure that is not the file's fault is reported: as a bug, never as bad input."""
    detail = " ".join(str(exc).split())[:200]
    return f"newscli failed on it, a bug to report: {type(exc).__name__}: {detail}"


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
                        decoded = decode_noting(raw)
                        results = noting_guess(parse_jsonl(decoded.text), decoded.guess)
                        yield from ((number, r) for _, r in results)
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
    settle_tags(article)
