"""A piece of an article's body as a reader sees it, on one line: for search snippets.

Bodies keep their Markdown (links, emphasis, headings, lists) and their paragraph breaks; a
snippet joined into one line showed `[Schnorr signatures](#schnorr)` and ran a subheading into
the next sentence ("...fell further. Long-term options The board..."). Here links keep their
text, emphasis and heading marks go, and a line that ends without punctuation (a subheading)
is set off from what follows by a dash. The marks FTS5 puts around matched words pass through.
"""

from __future__ import annotations

import re

from newscli.store.search import CLOSE, OPEN

_MARKS = f"{OPEN}{CLOSE}"
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_REFERENCE_DEFINITION = re.compile(r"^\s*\[[^\]\n]+\]:\s*\S.*$", re.MULTILINE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$", re.MULTILINE)
_BULLET = re.compile(r"^\s*[-*+]\s+", re.MULTILINE)
_QUOTE = re.compile(r"^\s*>\s?", re.MULTILINE)
# What a cut leaves of a link at either end of the fragment: "…](#anchor)" and "[Taproot…".
_LINK_TAIL = re.compile(r"\]\([^)\n]*\)")
_LINK_HEAD = re.compile(r"!?\[(?=[^\]\n]*\Z)")
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")  # Jekyll/Liquid: {% include x %}
_STRONG = re.compile(r"\*\*|__|`")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
# What a sentence, list item or quotation may end with; a line ending otherwise is a heading.
_ENDS_SENTENCE = tuple(".!?:;,…\"'”’)»。！？；：」』）")
HEADING_BREAK = " — "


def as_read(fragment: str) -> str:
    """The fragment without Markdown syntax, its paragraphs joined into one line as a reader
    would take them."""
    text = _REFERENCE_DEFINITION.sub("", fragment)
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _LINK_HEAD.sub("", _LINK_TAIL.sub("", _TEMPLATE_TAG.sub("", text)))
    text = _HEADING.sub("\n\\1\n", text)  # a heading is a paragraph of its own, blanks or not
    text = _BULLET.sub("\n", text)  # so is a list item
    text = _QUOTE.sub("", text)
    text = _EMPHASIS.sub(r"\1", _STRONG.sub("", text))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\n)", text)]
    joined = ""
    for paragraph in (p for p in paragraphs if p.strip(_MARKS + " ")):
        if joined:
            ended = joined.rstrip(_MARKS).endswith(_ENDS_SENTENCE)
            joined += " " if ended else HEADING_BREAK
        joined += paragraph
    return joined
