"""Bytes to text: BOMs, UTF-8, then charset detection for legacy encodings."""

from __future__ import annotations

import codecs

from newscli.errors import ParseError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> str:
    """Decode file bytes to text with Unix line endings, or raise ParseError."""
    text = _decode_bytes(data)
    if "\x00" in text:
        raise ParseError("file contains NUL bytes; it looks binary, not text")
    return unix_newlines(text)


def unix_newlines(text: str) -> str:
    """CRLF (Windows) and CR (old Mac) line endings as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_bytes(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(f"invalid {encoding.upper()} text: {exc.reason}") from None
    if b"\x00" in data:
        raise ParseError("file contains NUL bytes; it looks binary, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _detect(data)


# Western code pages often tie on charset-normalizer's measures (cp1250 vs cp1252 on a Spanish
# or French text); older news archives are overwhelmingly cp1252/Latin-1, so it wins a tie.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_TIE = 0.01


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise ParseError("cannot tell the text encoding; save the file as UTF-8")
    for match in matches:
        if match.encoding in _WESTERN and match.chaos <= best.chaos + _TIE:
            return str(match)
    return str(best)
