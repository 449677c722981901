"""What parsing a file yields: each unit's number and its article or the reason there is none."""

from __future__ import annotations

from typing import NamedTuple

from newscli.errors import ParseError
from newscli.models import Article


class NumberedResult(NamedTuple):
    """One parsed unit of a file: its record number (0 for a one-article file) and the result."""

    number: int  # line of a JSON Lines file, position in a JSON array (from 1), 0 for the file
    result: Article | ParseError
