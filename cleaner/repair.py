"""Stage 2, repair: encoding damage out, the author's characters kept.

The only importer of ftfy. Guarantees:

- the ``str.splitlines`` structure is preserved, so line numbers mean the same
  before and after repair (a line break that an entity or ftfy produces
  becomes a space);
- mojibake is fixed by ftfy on the lines ftfy's own detector (``is_bad``) flags,
  with ftfy's explanation recorded per line;
- HTML entities are decoded; zero-width characters, soft hyphens, stray BOMs,
  bidi controls and control characters are removed; tabs, non-breaking and
  other exotic spaces become a plain space: the only whitespace left is
  U+0020 and line breaks (later stages rely on it);
- every line is in Unicode NFC (later stages rely on it);
- curly quotes, dashes and character widths are kept (``fold_quotes`` folds
  quotes to ASCII);
- text that a cheap scan shows cannot need any of this is returned untouched
  without running ftfy at all.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate
from typing import Any

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
# Spaces that become U+0020: every character str.isspace() holds true for
# but the space and the line breaks (the tab and the unit separator too:
# they would become one in normalize anyway, and ftfy must see the line as
# it will stay).
_SPACES = "\t\x1f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Line breaks that str.splitlines honours; they must survive repair.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

# Lone surrogates (as a class range; built with chr() because compiled
# modules may not hold surrogates in string literals)
_SURROGATES = f"{chr(0xD800)}-{chr(0xDFFF)}"

_REMOVE_RE = regex.compile(f"[{_REMOVED}]")
# Whole-text scans use the stdlib ``re``: for plain character classes it
# scans long text several times faster than the ``regex`` module.
# What can start mojibake ftfy would fix: a UTF-8 lead byte read as cp1252 or
# Latin-1 (Â..ô) before a continuation byte read the same way, or before a
# space that was once a no-break space; a UTF-8 Cyrillic lead read as cp1251
# (Р, С) before a character real Russian text does not put there; C1 controls;
# and box-drawing or Mac Roman leads. A line with none of these is not
# mojibake to ftfy's detector either (it is skipped without calling it).
_CONTINUATION = ("\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
_LATIN_PAIR = f"[\u00c2-\u00f4][{_CONTINUATION}]"
_CYRILLIC_PAIR = "[Р-С][ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—™љ›њќћџЎўЈ¤Ґ¦§Ё©Є«¬®Ї°±Ііґµ¶·№є»јЅѕї]"
_C1_AND_BOX = "\u0080-\u009f√├┬╬╨╤"
# A cp1252/Latin-1 lead before a space that was a no-break space.
_LEAD_BEFORE_SPACE = "[Â-Ã] "
_MOJIBAKE_START = f"{_LATIN_PAIR}|{_LEAD_BEFORE_SPACE}|{_CYRILLIC_PAIR}|[{_C1_AND_BOX}]"
# What can start an HTML entity.
_ENTITY_START = "&(?:#|[A-Za-z][A-Za-z0-9]{1,31};)"
# The suspect scan is several scans, each a pattern one of the engines
# searches fast: one alternation of them all is several times slower than
# its parts. A pattern starting with a class that is one range of code
# points ([Р-С], not [РС]) is searched several times faster by the regex
# module than by the stdlib; a long class of many ranges is the opposite.
_LATIN_SCANS = (regex.compile(_LATIN_PAIR), regex.compile(_LEAD_BEFORE_SPACE))
_CYRILLIC_SCAN = regex.compile(_CYRILLIC_PAIR)
_ENTITY_SCAN = regex.compile(_ENTITY_START)
# Which scans can find anything is read off the text's UTF-8 first, with
# byte searches at memory speed: the Latin pairs' leads (Â..ô) all encode as
# \xc3 then one byte, Р and С as \xd0 then one byte, and the box-drawing
# and Mac Roman leads below as \xe2\x94, \xe2\x95 or \xe2\x88\x9a (most
# English text: none of them, and no scan runs but the one for entities).
_LATIN_LEAD = b"\xc3"
_CYRILLIC_LEAD = b"\xd0"
_BOX_BYTES = (b"\xe2\x94", b"\xe2\x95", b"\xe2\x88\x9a")
# Characters removed or replaced, C1 controls and surrogates: none of them is
# printable (str.isprintable), so this scan, slow for either engine, runs
# only on a text that has a character isprintable refuses (most have none).
_UNPRINTED_RE = re.compile(f"[{_REMOVED}{_SPACES}\u0080-\u009f{_SURROGATES}]")
# Box-drawing and Mac Roman leads: a class of a few scattered characters is
# slow to scan for too, so it runs only where their bytes are found.
_BOX_RE = re.compile("[√├┬╬╨╤]")
# In ASCII text: the controls and the spaces repair removes or replaces.
_ASCII_CONTROL_RE = re.compile("[\x00-\x09\x0e-\x1b\x1f\x7f]")
_ENTITY_START_RE = re.compile(_ENTITY_START)
_SPACE_RE = regex.compile(f"[{_SPACES}]")
_ENTITY_RE = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BREAK_RE = regex.compile(f"[{_BREAKS}]")
_SURROGATE_RE = regex.compile(f"[{_SURROGATES}]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                         "\u2032": "'", "\u2033": '"', "\u00ab": '"', "\u00bb": '"'})


#: Texts longer than this (in characters) are repaired a piece of whole
#: lines at a time. Every repair is a repair of one line, so the pieces
#: give the same result; what they spare is whole-text work. The cheap
#: whole-text checks (ASCII? printable? NFC?) pass or fail for a piece,
#: not for the document: one emoji made every character of a text four
#: bytes wide and one Cyrillic word sent every line to the pair scans. And
#: no whole-text copy is made: a copy of a 10 MB text with one emoji is
#: 40 MB, beyond what the C allocator reuses (32 MB), so each one was fresh
#: memory from the kernel. Measured (repair and segment, compiled): 8,192
#: characters did best at 100 KB, 1 MB and 10 MB, 13–27% under 1 MB pieces.
CHUNK_CHARS = 1 << 13


def repair(text: str, fold_quotes: bool = False,
           chunk_chars: int = CHUNK_CHARS) -> tuple[str, tuple[Repair, ...]]:
    """Return the repaired text and the repairs made, in line order. The
    text's lines stay where they are (same count, same breaks)."""
    pieces, repairs = repair_pieces(text, fold_quotes, chunk_chars)
    return (pieces[0] if len(pieces) == 1 else "".join(pieces)), repairs


def repair_pieces(text: str, fold_quotes: bool = False, chunk_chars: int = CHUNK_CHARS,
                  ) -> tuple[tuple[str, ...], tuple[Repair, ...]]:
    """:func:`repair`, with the text returned in pieces that each end with
    a line break (but the last): a text longer than ``chunk_chars`` is
    repaired a piece of whole lines at a time, and the pipeline splits the
    pieces into lines without joining them first. A text nothing changed
    comes back whole, as it is."""
    if len(text) <= chunk_chars:
        fixed, repairs = _repair_text(text, fold_quotes)
        return (fixed,), repairs
    chunks = _line_chunks(text, chunk_chars)
    pieces: list[str] = []
    found_all: list[Repair] = []
    first, counted = 1, 0  # source line of chunks[counted]'s first line
    for n, chunk in enumerate(chunks):
        fixed, found = _repair_text(chunk, fold_quotes)
        pieces.append(fixed)
        if found:
            # (lines are counted only up to a chunk with repairs: most have none)
            first += sum(_count_lines(c) for c in chunks[counted:n])
            counted = n
            found_all.extend(Repair(r.step, (r.line or 1) + first - 1, r.detail)
                             for r in found)
    if all(fixed is chunk for fixed, chunk in zip(pieces, chunks, strict=True)):
        return (text,), tuple(found_all)
    return tuple(pieces), tuple(found_all)


def _line_chunks(text: str, size: int) -> list[str]:
    """``text`` cut after a line feed every ``size`` characters or so: the
    chunks' lines, in order, are the text's lines (a line feed ends a line
    wherever it stands, and a CR LF pair stays together)."""
    chunks, start = [], 0
    while start < len(text):
        cut = text.find("\n", start + size)
        end = len(text) if cut < 0 else cut + 1
        chunks.append(text[start:end])
        start = end
    return chunks


_OTHER_BREAK_RE = re.compile(f"[{re.escape(_BREAKS.replace(chr(10), ''))}]")


def _count_lines(chunk: str) -> int:
    """``len(chunk.splitlines())`` for a chunk that ends with a line feed,
    without the list where line feeds are its only breaks."""
    if _OTHER_BREAK_RE.search(chunk):
        return len(chunk.splitlines())
    return chunk.count("\n")


def _repair_text(text: str, fold_quotes: bool) -> tuple[str, tuple[Repair, ...]]:
    """Repair a text (its line numbers counted from 1)."""
    suspects = _suspect_lines(text)
    repairs: list[Repair] = []
    if suspects:
        pieces = text.splitlines(keepends=True)
        for index in suspects:
            piece = pieces[index]
            body = piece.rstrip(_BREAKS)
            fixed = _repair_line(body, index + 1, repairs)
            if fixed is not body:
                pieces[index] = fixed + piece[len(body):]
        text = "".join(pieces)
    if fold_quotes and not text.isascii():
        text = text.translate(_QUOTES)
    return text, tuple(repairs)


def _suspect_lines(text: str) -> list[int]:
    """Indexes of the lines that may need any repair, found by whole-text
    scans with cheap character classes; most clean text has none, and then
    ftfy never runs. A scan that finds a line goes on from the next line (a
    damaged paragraph has hundreds of hits, and one is enough)."""
    scans: tuple[Any, ...]  # (patterns of both engines)
    if text.isascii():
        scans = (_ASCII_CONTROL_RE, _ENTITY_START_RE) if "&" in text else (_ASCII_CONTROL_RE,)
    else:
        encoded = text.encode("utf-8", "surrogatepass")
        scans = _LATIN_SCANS if _LATIN_LEAD in encoded else ()
        if _CYRILLIC_LEAD in encoded:
            scans += (_CYRILLIC_SCAN,)
        if "&" in text:
            scans += (_ENTITY_SCAN,)
        if not text.replace("\n", " ").isprintable():
            scans += (_UNPRINTED_RE,)
        if any(box in encoded for box in _BOX_BYTES):
            scans += (_BOX_RE,)
    starts: list[int] = []  # where each line starts, and the end of the text
    found: set[int] = set()
    for scan in scans:
        hit = scan.search(text)
        while hit is not None:
            if not starts:
                starts = list(accumulate((len(p) for p in text.splitlines(keepends=True)),
                                         initial=0))
            line = bisect_right(starts, hit.start()) - 1
            found.add(line)
            hit = scan.search(text, starts[line + 1])
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        found.update(n for n, line in enumerate(text.splitlines())
                     if not unicodedata.is_normalized("NFC", line))
    return sorted(found)


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


_MOJIBAKE_RE = re.compile(_MOJIBAKE_START)
_SPACE_RUN_RE = re.compile(" {2,}")


def _fewest_layers(line: str, steps: list, fixed: str) -> tuple[str, list]:
    """ftfy's plan replayed one decoding layer at a time, stopped as soon as
    no mojibake is left: ftfy sometimes reads the repaired text as mojibake
    once more ("ÃŸÃ†" -> "ßÆ" -> "߯"), and one layer undone is what one layer
    of damage needs."""
    current, done = line, []
    for step in steps:
        current = ftfy.apply_plan(current, [step])
        done.append(step)
        if step[0] == "decode" and not _MOJIBAKE_RE.search(current):
            return current, done
    return fixed, list(steps)


def _repair_round(line: str, number: int, repairs: list[Repair]) -> str:
    """One pass of every repair step over a line."""
    original = line
    if _SURROGATE_RE.search(line):
        line = line.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        repairs.append(Repair("fix_surrogates", number))
    # ftfy runs only where our own mojibake scan agrees with its detector, in
    # every round: the same test decides whether a line needs it, first time
    # or after another step changed it, and a repaired line is left alone.
    # ftfy reads the line as the output will have it: runs of spaces made
    # one, no space at the ends. "Ã" before two spaces is not mojibake to
    # it, "Ã" before one is; a Cyrillic mojibake pair before a final space
    # decodes otherwise than at the end of the line. Either way cleaning
    # the output again would repair what the first pass left (found by the
    # fuzzer's idempotence check).
    probe = line
    if "  " in probe or probe[:1] == " " or probe[-1:] == " ":
        probe = _SPACE_RUN_RE.sub(" ", probe).strip(" ")
    if not probe.isascii() and _MOJIBAKE_RE.search(probe) and is_bad(probe):
        fixed, steps = ftfy.fix_and_explain(probe, _FTFY)
        if fixed != probe:
            fixed, steps = _fewest_layers(probe, steps or [], fixed)
            detail = ", ".join(f"{action}:{param}" for action, param in steps)
            repairs.append(Repair("fix_encoding", number, detail))
            # A line break ftfy decodes ("â€¨" is U+2028) becomes a space, as
            # one an entity decodes does: lines keep their numbers, and the
            # line is judged whole on the next pass too (found by the fuzzer).
            line = _BREAK_RE.sub(" ", fixed)
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
