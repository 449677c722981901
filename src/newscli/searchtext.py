"""Text as the search index holds it: scripts written without spaces cut into characters, and
the foldings people type. Pure: no SQL here.

FTS5's unicode61 tokenizer makes a whole run of Chinese, Japanese or Thai one token, so a word
inside the run can never match, and it keeps `ß`, `ø`, `ı` ... as they are. Python's sqlite3
cannot register a tokenizer of its own, so newscli indexes a transformed copy of the text (the
"index form") and transforms each query word the same way:

- every character of Han, Hiragana, Katakana, Bopomofo, Hangul, Thai, Lao, Khmer and Myanmar
  stands alone, between spaces; a query word in them becomes a phrase of its characters, which
  matches exactly where the characters stand side by side: any substring, of any length;
- combining marks of those scripts (Thai vowel signs and tone marks ...), which unicode61 treats
  as separators and drops, are moved to the private use area, which it keeps as letters;
- letters unicode61 does not fold are folded as people type them (`ß` -> `ss`, `ø` -> `o`,
  `ı` -> `i`, `đ` -> `d`, full-width Latin -> ASCII ...). Each is a letter for letters, so an
  article's words keep their count and places.

`aligned` gives, with the index form, where each of its characters comes from in the original
text, so marks FTS5 puts in the index form (snippets, highlights) are put back in the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Scripts written without spaces between words, and Hangul (whose words carry their particles:
# 서울 inside 서울에서): each character is indexed alone.
SPACED_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF), (0x19E0, 0x19FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035), (0x3038, 0x303C),  # 々 〆 〇 ...
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F), (0x3130, 0x318F), (0x3190, 0x31FF),  # Bopomofo, Hangul jamo, Kanbun ...
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF),  # CJK ideographs
    (0xA960, 0xA97F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F),  # Hangul, Myanmar extensions
    (0xAC00, 0xD7FF),  # Hangul syllables and Jamo extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFFDC),  # half-width Katakana and Hangul
    (0x20000, 0x323AF),  # CJK ideographs, extensions B-H
)
# Letters unicode61 (remove_diacritics 2) leaves as they are, folded as a reader types them
# (the foldings of Lucene's ASCIIFoldingFilter and of Python's str.casefold for these letters).
FOLDINGS = {
    "ß": "ss", "ẞ": "SS", "ſ": "s",  # German; long s
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",  # Danish, Norwegian (å unicode61 folds itself)
    "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",  # Icelandic
    "ı": "i",  # Turkish dotless i (dotted İ unicode61 folds itself)
    "đ": "d", "Đ": "D",  # Vietnamese, Croatian
    "ł": "l", "Ł": "L", "œ": "oe", "Œ": "OE", "ħ": "h", "Ħ": "H",  # Polish, French, Maltese
    "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
}
FOLDINGS.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B)
                 if chr(c - 0xFEE0).isalnum()})  # full-width Latin letters and digits
# Marks of the spaced scripts become private-use characters (category Co, a letter to unicode61).
_MARK_BASE = 0xF0000


SPACED_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in SPACED_RANGES)
_SPACED = re.compile(f"[{SPACED_CLASS}]")
_NEEDS = re.compile(f"[{SPACED_CLASS}{''.join(FOLDINGS)}]")


def is_spaced(char: str) -> bool:
    return _SPACED.match(char) is not None


_ASCII = bytes(range(128))


def _beyond_ascii(text: str) -> str:
    """The text's characters beyond ASCII, in order. Deleting ASCII bytes from the UTF-8 leaves
    whole characters (no byte of a longer one is ASCII), and takes a quarter of the time the
    regular expression takes to scan the whole text: an English article has a dash or two."""
    return text.encode("utf-8", "surrogatepass").translate(None, _ASCII).decode(
        "utf-8", "surrogatepass")


def has_spaced(text: str) -> bool:
    """Whether the text holds a character of the scripts indexed character by character."""
    return not text.isascii() and _SPACED.search(_beyond_ascii(text)) is not None


def needs_index_form(text: str) -> bool:
    """Whether the index form of the text differs from it (isascii is free: most text is)."""
    return not text.isascii() and _NEEDS.search(_beyond_ascii(text)) is not None


def index_form(text: str) -> str:
    """The text as the index holds it (the same text when nothing in it needs a change)."""
    if not needs_index_form(text):
        return text
    return aligned(text)[0]


# What stands for punctuation (and a space between two words of Hangul) next to those scripts:
# a token, so characters on either side of it are not side by side in the index.
BOUNDARY = chr(0xFFFFD)
_WORD, _ALONE, _SEPARATOR = 0, 1, 2


@lru_cache(maxsize=4096)
def _piece(char: str) -> tuple[str, int]:
    """(what the character becomes, its kind: part of a word, alone, a separator to unicode61)."""
    if char in FOLDINGS:
        return FOLDINGS[char], _WORD
    category = unicodedata.category(char)
    if _SPACED.match(char):
        if category.startswith("M"):
            return chr(_MARK_BASE + ord(char)), _ALONE
        return char, _ALONE if category[0] in "LN" else _SEPARATOR
    return char, _WORD if category[0] in "LN" or category == "Co" else _SEPARATOR


def _is_boundary(run: str, before: int, after: int) -> bool:
    """Whether a run of separators next to a character standing alone becomes BOUNDARY:
    punctuation does; a space does between two such characters (Hangul words), a line break
    does not (text wrapped in the middle of a word)."""
    if run.isspace():
        return before == after == _ALONE and "\n" not in run and "\r" not in run
    return _ALONE in (before, after)


def aligned(text: str) -> tuple[str, list[int]]:
    """The index form and, for each of its positions (and its end), the original position."""
    pieces = [_piece(char) for char in text]
    out: list[str] = []
    origin: list[int] = []
    last = _SEPARATOR  # the kind of what was put out last

    def put(piece: str, kind: int, position: int) -> None:
        nonlocal last
        if ((kind == _ALONE and last != _SEPARATOR) or (last == _ALONE and kind == _WORD)) \
                and out:
            out.append(" ")
            origin.append(position)
        out.extend(piece)
        origin.extend([position] * len(piece))
        last = kind

    position = 0
    while position < len(text):
        piece, kind = pieces[position]
        if kind != _SEPARATOR:
            put(piece, kind, position)
            position += 1
            continue
        end = position
        while end < len(text) and pieces[end][1] == _SEPARATOR:
            end += 1
        after = pieces[end][1] if end < len(text) else _SEPARATOR
        if _is_boundary(text[position:end], last, after):
            put(BOUNDARY, _ALONE, position)
        else:
            for at in range(position, end):
                put(pieces[at][0], _SEPARATOR, at)
        position = end
    origin.append(len(text))
    return "".join(out), origin


def _mark_events(original: str, marked: str, marks: tuple[str, str]) -> list[tuple[int, str]]:
    """(original position, mark) of each mark FTS5 put in the index form of `original`."""
    form, origin = aligned(original)
    opening, closing = marks
    events: list[tuple[int, str]] = []
    at = 0
    for char in marked:
        if char == opening:
            events.append((origin[min(at, len(form))], opening))
        elif char == closing:  # after the character it closes on (a BOUNDARY: its whole run)
            end = origin[at] if at and form[at - 1] == BOUNDARY else origin[at - 1] + 1 if at else 0
            events.append((end, closing))
        else:
            at += 1
    return events


def _with_marks(original: str, events: list[tuple[int, str]], marks: tuple[str, str],
                start: int = 0, end: int | None = None) -> str:
    end = len(original) if end is None else end
    pieces: list[str] = []
    last = start
    for position, mark in events:  # a mark inside the part, around a piece of it
        if (start <= position < end) if mark == marks[0] else (start < position <= end):
            pieces += [original[last:position], mark]
            last = position
    pieces.append(original[last:end])
    return "".join(pieces).replace(marks[1] + marks[0], "")


def restore_marks(original: str, marked: str, marks: tuple[str, str]) -> str:
    """`marked` is the index form of `original` with marks (open, close) put in by FTS5
    (highlight()): the original text with the marks at the same characters, adjacent marked
    pieces joined."""
    return _with_marks(original, _mark_events(original, marked, marks), marks)


def restore_snippet(original: str, marked: str, snippet: str, marks: tuple[str, str],
                    ellipsis: str) -> str:
    """The snippet FTS5 cut from the index form, cut from the original instead: `marked` is the
    whole index form with its marks (highlight()), `snippet` what snippet() returned."""
    start, end = located(original, snippet, marks, ellipsis)
    if start == end:
        return ""
    text = _with_marks(original, _mark_events(original, marked, marks), marks, start, end)
    return (ellipsis if start > 0 else "") + text + (ellipsis if end < len(original) else "")


def located(original: str, snippet: str, marks: tuple[str, str], ellipsis: str) -> tuple[int, int]:
    """Where a snippet of the index form (with marks and ellipses) lies in the original text:
    its (start, end) there; (0, 0) when it is not found."""
    plain = snippet.replace(marks[0], "").replace(marks[1], "")
    form, origin = aligned(original)
    trimmed = plain.removeprefix(ellipsis).removesuffix(ellipsis)
    for candidate in (trimmed, plain, plain.removeprefix(ellipsis), plain.removesuffix(ellipsis)):
        begin = form.find(candidate) if candidate.strip() else -1
        if begin >= 0:
            finish = begin + len(candidate)
            return origin[begin], origin[finish - 1] + 1
    return 0, 0
