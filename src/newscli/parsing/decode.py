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


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ParseError("cannot tell the text encoding; save the file as UTF-8")
    return str(best)
