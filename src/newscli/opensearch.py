"""Articles for OpenSearch and Elasticsearch: the `_bulk` body, and an index whose analysis
matches newscli's own search.

newscli's index (store/migrations.py, searchtext.py) reads text with FTS5's `unicode61`
tokenizer (letters and digits make words), folds diacritics and the letters people type
folded (`ß` -> `ss`, `ø` -> `o`: Lucene's ASCII folding, which searchtext.FOLDINGS copies),
stems English with Porter, and stands every character of the scripts written without spaces
(Chinese, Japanese, Korean, Thai, Lao, Khmer, Myanmar) alone, so a query word in them matches as
a phrase of its characters: any substring. The `newscli` analyzer does the same with built-in
parts only (no plugin): `pattern_replace` character filters put a boundary token where newscli
puts one and stand each such character alone, a `pattern` tokenizer splits where unicode61
does, then `lowercase`, `asciifolding` and `porter_stem`. Search those
scripts with `match_phrase`, as newscli does. Each text field also has a `.cjk` sub-field read
the engines' own way (`cjk_width`, `cjk_bigram` with unigrams), for ranked `match` queries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from newscli.errors import ExportError
from newscli.formats import to_json_line
from newscli.searchtext import BOUNDARY as BOUNDARY_CHAR
from newscli.searchtext import SPACED_RANGES

DEFAULT_INDEX = "newscli"
ID_MAX_BYTES = 512  # the engines refuse a longer _id
# Index names as both engines take them: lowercase, none of \ / * ? " < > | , # : or space,
# not starting with - _ +, not . or .., at most 255 bytes.
_INDEX_NAME = re.compile(r"^(?![-_+])[^A-Z\\/*?\"<>|,#: ]+$")
_MAX_INDEX_BYTES = 255


def _java_range(start: int, end: int) -> str:
    return f"\\x{{{start:04X}}}-\\x{{{end:04X}}}"


_SPACED = "".join(_java_range(a, b) for a, b in SPACED_RANGES)
_SEPARATOR = "[^\\p{L}\\p{N}\\p{M}\\p{Co}]"  # what unicode61 does not count as part of a word
# searchtext.BOUNDARY, a private-use letter: punctuation next to a character of those scripts
# becomes this token, and so does a space between two of them (not a line break), so the
# characters on either side are not side by side for a phrase (searchtext._is_boundary).
_ALONE = f"[{_SPACED}&&[\\p{{L}}\\p{{N}}\\p{{M}}]]"  # a character that stands alone
# Java's \\s is ASCII white space only: \\p{Z} adds the rest (U+3000, no-break space ...).
_PUNCTUATION = "[^\\p{L}\\p{N}\\p{M}\\p{Co}\\s\\p{Z}]"
BOUNDARY_PATTERN = (
    f"(?<={_ALONE}){_SEPARATOR}*{_PUNCTUATION}{_SEPARATOR}*"
    f"|{_SEPARATOR}*{_PUNCTUATION}{_SEPARATOR}*(?={_ALONE})"
    f"|(?<={_ALONE})[\\s\\p{{Z}}&&[^\\r\\n]]+(?={_ALONE})"
)
# Then every character of those scripts stands alone between spaces, a combining mark too (Java
# regex, as the engines' pattern_replace reads it; built from searchtext's own table, so the two
# agree).
SPACED_PATTERN = f"([{_SPACED}])"
# unicode61's words: runs of letters, digits and private-use characters; marks count as letters
# here, so a Thai tone mark alone is a word, as the private-use letter newscli makes of it is.
WORD_SEPARATORS = f"{_SEPARATOR}+"

TEXT_FIELDS = ("title", "body", "source", "author", "tags", "dateline")  # analyzed as newscli does


def _text(keyword: bool = False) -> dict[str, Any]:
    fields: dict[str, Any] = {"cjk": {"type": "text", "analyzer": "newscli_cjk"}}
    if keyword:
        fields["keyword"] = {"type": "keyword", "ignore_above": 256}
    return {"type": "text", "analyzer": "newscli", "fields": fields}


def _date() -> dict[str, Any]:
    # A date a source wrote oddly must not cost the whole article: the field alone is skipped.
    return {"type": "date", "format": "strict_date_optional_time", "ignore_malformed": True}


def index_body() -> dict[str, Any]:
    """The body of `PUT /<index>`: analysis settings and the mapping of every exported field."""
    analysis = {
        "char_filter": {
            "newscli_boundaries": {"type": "pattern_replace", "pattern": BOUNDARY_PATTERN,
                                   "replacement": f" {BOUNDARY_CHAR} "},
            "newscli_spaced_scripts": {"type": "pattern_replace", "pattern": SPACED_PATTERN,
                                       "replacement": " $1 "},
        },
        "tokenizer": {
            "newscli_words": {"type": "pattern", "pattern": WORD_SEPARATORS},
        },
        "analyzer": {
            "newscli": {
                "type": "custom",
                "char_filter": ["newscli_boundaries", "newscli_spaced_scripts"],
                "tokenizer": "newscli_words",
                "filter": ["lowercase", "asciifolding", "porter_stem"],
            },
            "newscli_cjk": {
                "type": "custom", "tokenizer": "standard",
                "filter": ["cjk_width", "lowercase", "asciifolding", "newscli_bigrams"],
            },
        },
        "filter": {
            "newscli_bigrams": {"type": "cjk_bigram", "output_unigrams": True},
        },
    }
    properties = {
        "slug": {"type": "keyword"},
        "title": _text(keyword=True),
        "body": _text(),
        "source": _text(keyword=True),
        "author": _text(keyword=True),
        "tags": _text(keyword=True),
        "dateline": _text(),
        "published": _date(),
        "url": {"type": "keyword", "ignore_above": 2048},
        "language": {"type": "keyword"},
        "word_count": {"type": "integer"},
        "path": {"type": "keyword", "ignore_above": 1024},
        "format": {"type": "keyword"},
        "sha256": {"type": "keyword"},
        "imported_at": _date(),
        "updated_at": _date(),
        # Whatever keys a file's front matter brought: kept in _source, not indexed, so no
        # archive can collide with the mapping or grow it without end.
        "meta": {"type": "object", "enabled": False},
    }
    return {"settings": {"analysis": analysis},
            "mappings": {"dynamic": "strict", "properties": properties}}


def write_index_body(out: TextIO) -> None:
    out.write(json.dumps(index_body(), ensure_ascii=False, indent=2) + "\n")


def check_index_name(name: str) -> str:
    """The name, if both engines take it as an index name; else a ValueError saying why."""
    if name in (".", "..") or not _INDEX_NAME.match(name):
        raise ValueError(f"{name!r} is not an index name: lowercase, no spaces or any of "
                         '\\ / * ? " < > | , # :, not starting with - _ +')
    if len(name.encode("utf-8")) > _MAX_INDEX_BYTES:
        raise ValueError(f"an index name is at most {_MAX_INDEX_BYTES} bytes")
    return name


def document(record: dict[str, Any]) -> dict[str, Any]:
    """The article as the engine stores it: every field but the archive's own row id."""
    return {name: value for name, value in record.items() if name != "id"}


def write_bulk(records: Iterable[dict[str, Any]], out: TextIO, index: str = DEFAULT_INDEX) -> int:
    """The `_bulk` body: for each article an `index` action (its slug as `_id`, so loading it
    again replaces rather than duplicates) and the document, each one line ending in a newline."""
    count = 0
    for record in records:
        slug = record["slug"]
        if len(slug.encode("utf-8")) > ID_MAX_BYTES:
            raise ExportError(f"the slug of article {record['id']} is longer than the "
                              f"{ID_MAX_BYTES} bytes an _id may have; shorten it with newscli edit")
        out.write(to_json_line({"index": {"_index": index, "_id": slug}}) + "\n")
        out.write(to_json_line(document(record)) + "\n")
        count += 1
    return count
