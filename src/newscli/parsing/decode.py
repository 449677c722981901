"""Bytes to text: BOMs, UTF-8, then charset detection for legacy encodings."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from newscli.errors import ParseError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """Text, and the encoding guessed for it: None when the bytes said (a BOM, valid UTF-8)."""

    text: str
    guess: str | None = None


def decode(data: bytes) -> str:
    """Decode file bytes to text with Unix line endings, or raise ParseError."""
    return decode_noting(data).text


def decode_noting(data: bytes) -> Decoded:
    """As decode, and what was guessed about the encoding, for the article's meta and report."""
    decoded = _decode_bytes(data)
    if "\x00" in decoded.text:
        raise ParseError("file contains NUL bytes; it looks binary, not text")
    return Decoded(unix_newlines(decoded.text), decoded.guess)


def unix_newlines(text: str) -> str:
    """CRLF (Windows) and CR (old Mac) line endings as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_bytes(data: bytes) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding))
            except UnicodeDecodeError as exc:
                raise ParseError(f"invalid {encoding.upper()} text: {exc.reason}") from None
    if b"\x00" in data:
        raise ParseError("file contains NUL bytes; it looks binary, not text")
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    mixed = utf8_with_strays(data)
    if mixed is not None:
        return mixed
    if _little_evidence(data):
        return Decoded(as_cp1252(data), "cp1252")
    return _detect(data)


def as_cp1252(data: bytes) -> str:
    """Bytes read as windows-1252; its five unassigned bytes as Latin-1 does, as browsers do."""
    return data.decode("cp1252", errors=_LATIN1_FALLBACK)


def utf8_with_strays(data: bytes) -> Decoded | None:
    """UTF-8 with a few bytes that are not (a Latin-1 `ï` pasted into a UTF-8 file): its UTF-8
    runs as UTF-8 and each stray byte as cp1252; None when the strays outnumber the UTF-8.

    A legacy file seldom holds a valid multi-byte UTF-8 sequence by accident, and never more of
    them than its other high bytes.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    strays = len(_STRAY.findall(text))
    utf8 = len(_NON_ASCII.findall(text)) - strays
    if not utf8 or strays > utf8:
        return None
    fixed = _STRAY.sub(lambda m: as_cp1252(bytes([ord(m.group()) - 0xDC00])), text)
    noun = "byte" if strays == 1 else "bytes"
    return Decoded(fixed, f"utf-8, {strays} stray {noun} read as cp1252")


def _little_evidence(data: bytes) -> bool:
    """A few high bytes, each between ASCII ones: Western text with a `£`, `°` or `é`.

    Too little for charset detection, which would pick any code page (a Japanese one gives
    half-width katakana); Cyrillic, Greek or CJK legacy text has runs of high bytes instead.
    """
    high = _HIGH_BYTE.findall(data)
    return len(high) <= _FEW_HIGH_BYTES and not _HIGH_PAIR.search(data)


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


_LATIN1_FALLBACK = "newscli-latin-1-fallback"
codecs.register_error(_LATIN1_FALLBACK, _latin1_fallback)
_STRAY = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8
_NON_ASCII = re.compile("[^\x00-\x7f]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_HIGH_PAIR = re.compile(rb"[\x80-\xff]{2}")
_FEW_HIGH_BYTES = 8


# Western code pages often tie on charset-normalizer's measures (cp1250 vs cp1252 on a Spanish
# or French text); older news archives are overwhelmingly cp1252/Latin-1, so it wins a tie.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_TIE = 0.01


def _detect(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise ParseError("cannot tell the text encoding; save the file as UTF-8")
    for match in matches:
        if match.encoding in _WESTERN and match.chaos <= best.chaos + _TIE:
            return Decoded(str(match), match.encoding)
    return Decoded(str(best), best.encoding)
