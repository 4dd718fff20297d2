"""Stage 2, repair: encoding damage out, the author's characters kept.

The only importer of ftfy. Guarantees:

- the ``str.splitlines`` structure is preserved, so line numbers mean the same
  before and after repair (a line break produced by an entity becomes a space);
- mojibake is fixed by ftfy on the lines ftfy's own detector (``is_bad``) flags,
  with ftfy's explanation recorded per line;
- HTML entities are decoded; zero-width characters, soft hyphens, stray BOMs,
  bidi controls and control characters are removed; non-breaking and other
  exotic spaces become a plain space;
- curly quotes, dashes and character widths are kept (``fold_quotes`` folds
  quotes to ASCII);
- text that a cheap scan shows cannot need any of this is returned untouched
  without running ftfy at all.
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy
import regex
from ftfy.badness import is_bad

from .model import Repair

# ftfy settings: encoding repair only. Quotes, widths and line breaks are ours
# to decide (datatrove's ftfy step makes the same choice for the same reason:
# they are the author's characters, not damage).
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=False,
    normalization=None,
    explain=True,
)

# Characters that are removed outright: C0/C1 controls other than tab and the
# line breaks, zero-width and bidi formatting characters, soft hyphen, BOM.
_REMOVED = (
    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
# Spaces that become U+0020.
_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Line breaks that str.splitlines honours; they must survive repair.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

_REMOVE_RE = regex.compile(f"[{_REMOVED}]")
_REMOVE_SCAN_RE = re.compile(f"[{_REMOVED}]")
_SPACE_RE = regex.compile(f"[{_SPACES}]")
_ENTITY_RE = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BREAK_RE = regex.compile(f"[{_BREAKS}]")
_SURROGATE_RE = regex.compile("[\ud800-\udfff]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                         "\u2032": "'", "\u2033": '"', "\u00ab": '"', "\u00bb": '"'})


def repair(text: str, fold_quotes: bool = False) -> tuple[str, tuple[Repair, ...]]:
    """Return the repaired text and the repairs made, in line order."""
    if text.isascii() and not _needs_ascii_work(text):
        return text, ()
    pieces = text.splitlines(keepends=True)
    repairs: list[Repair] = []
    for index, piece in enumerate(pieces):
        body = piece.rstrip(_BREAKS)
        ending = piece[len(body):]
        fixed = _repair_line(body, index + 1, repairs)
        if fold_quotes:
            fixed = fixed.translate(_QUOTES)
        if fixed is not body:
            pieces[index] = fixed + ending
    return "".join(pieces), tuple(repairs)


def _needs_ascii_work(text: str) -> bool:
    """ASCII text can only carry entities and control characters. (A plain
    ``in`` test and the stdlib ``re`` scan a 50 MB line several times faster
    than the ``regex`` module does for this one character class.)"""
    return bool(("&" in text and _ENTITY_RE.search(text)) or _REMOVE_SCAN_RE.search(text))


#: Repair rounds per line. One round's steps can uncover work for another
#: (removing a control character joins the two halves of a mojibake pair,
#: ``Â\x1b¡`` -> ``Â¡``; unescaping ``&amp;eacute;`` makes a new entity), so a
#: line is repaired until it stops changing: that makes repair, and so
#: cleaning, idempotent (found by the idempotence property). The bound only
#: guards against a pathological cycle.
MAX_REPAIR_ROUNDS = 16


def _repair_line(line: str, number: int, repairs: list[Repair]) -> str:
    """Repair one line (without its line break) to a fixed point; returns
    ``line`` itself when nothing changed, so callers can test with ``is``."""
    original = line
    for _ in range(MAX_REPAIR_ROUNDS):
        fixed = _repair_round(line, number, repairs)
        if fixed == line:
            break
        line = fixed
    return original if line == original else line


def _repair_round(line: str, number: int, repairs: list[Repair]) -> str:
    """One pass of every repair step over a line."""
    original = line
    if _SURROGATE_RE.search(line):
        line = line.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        repairs.append(Repair("fix_surrogates", number))
    if not line.isascii() and is_bad(line):
        fixed, steps = ftfy.fix_and_explain(line, _FTFY)
        if fixed != line:
            detail = ", ".join(f"{action}:{param}" for action, param in steps or ())
            repairs.append(Repair("fix_encoding", number, detail))
            line = fixed
    if "&" in line and _ENTITY_RE.search(line):
        unescaped = html.unescape(line)
        if unescaped != line:
            repairs.append(Repair("unescape_html", number))
            line = _BREAK_RE.sub(" ", unescaped)
    if _REMOVE_RE.search(line):
        line = _REMOVE_RE.sub("", line)
        repairs.append(Repair("remove_invisible", number))
    if _SPACE_RE.search(line):
        line = _SPACE_RE.sub(" ", line)
        repairs.append(Repair("normalize_spaces", number))
    if not line.isascii() and not unicodedata.is_normalized("NFC", line):
        line = unicodedata.normalize("NFC", line)
        repairs.append(Repair("normalize_nfc", number))
    return original if line == original else line
