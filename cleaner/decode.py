"""Stage 1, decode: bytes -> str.

Order of evidence: a byte-order mark, then a UTF-16 guess for BOM-less UTF-16
(many NUL bytes in a regular pattern), then strict UTF-8, then
charset-normalizer's detection (windows-1252 preferred among near-equal
single-byte guesses), and last UTF-8 with replacement characters.
Never raises on any byte string; always says which encoding it used.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class Decoded(NamedTuple):
    """Decoded text with the encoding used and how it was chosen. (A named
    tuple: one is made for every document, and a frozen dataclass's
    constructor costs several times more.)"""

    text: str
    encoding: str
    how: str  # "str", "bom", "utf-8", "utf-16-guess", "declared", "detected", "fallback",
    # "replace"


def decode(data: bytes | str, declared: str | None = None) -> Decoded:
    """Turn ``data`` into text. ``declared`` is a charset the container named
    (an HTTP header or an HTML meta tag); it is tried after UTF-8, because a
    declared charset is wrong far more often than valid UTF-8 is not UTF-8."""
    if isinstance(data, str):
        return Decoded(data, "utf-8", "str")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(name, errors="replace"), name, "bom")
    # BOM-less UTF-16 is looked for first: UTF-16 of ASCII text (a NUL in
    # every other byte) is also valid UTF-8, which would keep the NULs.
    # Under 16 bytes the NUL pattern is too thin to overrule valid UTF-8
    # ('0\x00\x80' is UTF-8 text, and read as UTF-16 a CJK character: found
    # by the encoding-invariance property, deep profile).
    utf16 = _guess_utf16(data) if b"\x00" in data[:4096] else None
    if utf16 and len(data) >= MIN_UTF16_GUESS_BYTES:
        return Decoded(data.decode(utf16, errors="replace"), utf16, "utf-16-guess")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    if utf16:
        return Decoded(data.decode(utf16, errors="replace"), utf16, "utf-16-guess")
    if declared:
        try:
            return Decoded(data.decode(declared), codecs.lookup(declared).name, "declared")
        except (LookupError, UnicodeDecodeError):
            pass
    detected = _detect(data)
    if detected:
        return Decoded(data.decode(detected, errors="replace"), detected, "detected")
    try:  # Windows-1252 is the commonest non-UTF-8 encoding of web text
        return Decoded(data.decode("cp1252"), "cp1252", "fallback")
    except UnicodeDecodeError:
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8", "replace")


#: Below this many bytes, charset detection is not attempted.
SHORT_SAMPLE = 64


#: The shortest input whose NUL pattern may overrule valid UTF-8.
MIN_UTF16_GUESS_BYTES = 16


def _guess_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16 of mostly-Latin text has a NUL in every other byte."""
    sample = data[:4096]
    sample = sample[:len(sample) - len(sample) % 2]  # a stray last byte is no evidence
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes  # imported late: only non-UTF-8 input pays

    # A few bytes carry no statistics: any single-byte guess is a coin toss,
    # and Windows-1252 is the web's legacy default (WHATWG).
    if len(data) < SHORT_SAMPLE:
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass

    # BOM-less UTF-16/32 is _guess_utf16's call (a BOM was looked for
    # already); charset-normalizer guesses it for any short even-length input.
    matches = [m for m in from_bytes(data[:65536])
               if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    best = matches[0]
    # On short Western text charset-normalizer's pick among near-equal
    # single-byte code pages is arbitrary (a French Latin-1 line came out as
    # hp_roman8, 'après' as cp1250 'aprčs'). Windows-1252, the web's legacy
    # default (WHATWG), wins when it reads the bytes about as well.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos + _WESTERN_CHAOS_MARGIN:
        return "cp1252"
    return codecs.lookup(best.encoding).name


#: How much more "chaos" (charset-normalizer's mess score, 0-1) windows-1252
#: may show than the best guess and still be preferred.
_WESTERN_CHAOS_MARGIN = 0.1
