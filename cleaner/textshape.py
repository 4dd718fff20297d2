"""What a line looks like: its match key, and whether it reads as prose or as a
heading. Shared by the rule matcher, the structural detectors and ``learn``,
so that every part of cleaner agrees on one definition of each word.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import TypeVar

import regex

T = TypeVar("T")

# Edge characters trimmed from a key: punctuation, symbols (bullets, arrows,
# pipes), separators and whitespace.
# (anchored at each end, the trailing run found by a search backwards from
# the end: one alternation of both let the engine try every position)
_LEADING_EDGE_RE = regex.compile(r"[\p{P}\p{S}\p{Z}\s]+")
_TRAILING_EDGE_RE = regex.compile(r"(?r)[\p{P}\p{S}\p{Z}\s]+\Z")
_SPACE_RUN_RE = regex.compile(r"\s+")
# Scripts written without spaces between words: each character counts as
# half a word, so a Chinese sentence is as "long" as its English translation.
_DENSE_SCRIPT_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}]")
# A sentence end, allowing closing quotes and brackets after it.
_SENTENCE_END_RE = regex.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_LIST_MARK_RE = regex.compile(r"^\s*(?:[-*•·▪●◦‣⁃–—>]|\d{1,3}[.)])\s+")

#: Lines longer than this are never compared with phrases: a phrase rule names
#: a whole short line, and skipping long prose lines keeps matching cheap.
MAX_KEY_CHARS = 160


# ASCII punctuation, symbols and whitespace: all of them edge characters.
_ASCII_EDGE = string.punctuation + string.whitespace


def line_key(text: str) -> str:
    """The normalized key a phrase is compared with: case-folded, whitespace
    collapsed, edge punctuation, bullets and symbols trimmed. Idempotent."""
    return folded_key(text.casefold())


def folded_key(folded: str) -> str:
    """:func:`line_key` of a text that is case-folded already."""
    folded = trim_edges(folded)
    if "  " in folded or "\t" in folded or "\n" in folded or "\u3000" in folded:
        folded = _SPACE_RUN_RE.sub(" ", folded)
    return folded


def trim_edges(folded: str) -> str:
    """The text without the punctuation, symbols and whitespace at its ends:
    :func:`folded_key` of a case-folded text that is whitespace-collapsed."""
    if folded[:1].isalnum() and folded[-1:].isalnum():
        return folded
    # Most edges are ASCII ("Share this post:"): str.strip, not a regex,
    # when what it leaves starts and ends with a letter or digit.
    stripped = folded.strip(_ASCII_EDGE)
    if stripped[:1].isalnum() and stripped[-1:].isalnum():
        return stripped
    leading = _LEADING_EDGE_RE.match(stripped)
    start = leading.end() if leading else 0
    trailing = _TRAILING_EDGE_RE.search(stripped, start)
    return stripped[start:trailing.start() if trailing else len(stripped)]


def collapse_spaces(text: str) -> str:
    """Runs of whitespace become one space; the ends are stripped."""
    return " ".join(text.split())


_NON_SPACE_RE = re.compile(r"\S+")


def collapsed_longer_than(text: str, limit: int) -> bool:
    """Whether ``collapse_spaces(text)`` is longer than ``limit``, reading
    only as far as needed (a 50 MB line is not split to find out)."""
    total = -1
    for word in _NON_SPACE_RE.finditer(text):
        total += word.end() - word.start() + 1
        if total > limit:
            return True
    return False


# Every byte but the UTF-8 lead bytes of the characters _DENSE_SCRIPT_RE
# matches (and of more): a document whose encoding keeps nothing when these
# are deleted (bytes.translate, at C speed) has no dense-script word. A
# class of the scripts' code points searched over the text is several times
# slower.
_NOT_DENSE_LEADS = bytes(b for b in range(256) if b not in b"\xe0\xe1\xe3\xe4\xe5\xe6"
                         b"\xe7\xe8\xe9\xef\xf0")
#: Lines longer than this are measured one by one (the bulk path would copy them).
HUGE_LINE_CHARS = 100_000


# ... and the Han radicals (U+2E80-U+2FDF), whose lead byte \xe2 is also
# that of common punctuation (curly quotes): found by their first two bytes
# among the lead bytes above, \xe2 and the continuation bytes (the byte
# after \xe2 is always a continuation byte, so deleting the rest keeps the
# pair side by side, and makes no false one).
_RADICAL_RE = re.compile(rb"\xe2[\xba-\xbf]")
_NOT_KEPT = bytes(b for b in range(256)
                  if b in _NOT_DENSE_LEADS and b != 0xE2 and not 0x80 <= b <= 0xBF)


def _maybe_dense(text: str) -> bool:
    """False when ``text`` has no character of a dense script (True may be wrong)."""
    if text.isascii():
        return False
    kept = text.encode("utf-8", "surrogatepass").translate(None, _NOT_KEPT)
    return bool(kept) and (bool(kept.translate(None, _NOT_DENSE_LEADS))
                           or _RADICAL_RE.search(kept) is not None)


def collapse_lines(texts: Sequence[str], joined: str | None = None) -> list[str]:
    """``[collapse_spaces(t) for t in texts]`` for texts as repair leaves
    them: no line break, and no whitespace but U+0020. At C speed where it
    can: a document with no double space and no line with a space at an end
    (most text) is returned as it is, and otherwise a line is split and
    joined only when its own check fails. ``joined`` is ``"\\n".join(texts)``,
    when the caller has it. (The ends are checked by stripping every line:
    ``str.strip`` returns a line with nothing to strip itself, and a list
    compares its items by identity first, which is several times faster
    than searching the document for a space beside a line break.)"""
    items = list(texts)  # (the copy returned when nothing changes)
    if joined is None:
        joined = "\n".join(items)
    if "  " not in joined and list(map(str.strip, items)) == items:
        return items
    return [t if "  " not in t and t[:1] != " " and t[-1:] != " "
            else " ".join(t.split()) for t in items]


#: Whole-document passes (gate scans, phrase keys) join at most this many
#: lines at a time: a join of a whole 10 MB document was fresh memory from
#: the kernel every time (see ``repair.CHUNK_CHARS``).
SLICE_LINES = 8192
#: Separator scans (:func:`positions_with`) join about this many characters
#: at a time: each character's scan of a slice then stays in the
#: processor's cache (a slice of 8,192 lines of prose is about 1 MB, read
#: again for every character), and a slice with none of the characters is
#: passed after a few short scans. The first slice is SCAN_SLICE_LINES
#: lines; its length sizes the rest. Measured on menu-row's scan, compiled,
#: µs per 1,000 characters: 10 MB of article text 2.0–2.35 in slices of
#: 8,192 lines, 1.0 of 128; 100 KB 0.9 and 0.8; a million short lines 1.5
#: in 8,192 lines, 1.8 in 128, 1.5 in 512 (what 16 KB of them make).
SCAN_SLICE_CHARS = 1 << 14
SCAN_SLICE_LINES = 128
#: Line shapes are computed this many lines at a time: their bulk checks
#: (no double space? no dense script?) then fail for a slice, not for the
#: document (one Korean paragraph sent every line of a long document to the
#: per-line word count). 64–128 lines did best at every size (a third under
#: 8,192 from 100 KB up, the same at 1 KB).
SHAPE_SLICE_LINES = 128


def slices(items: Sequence[T], size: int) -> list[tuple[int, Sequence[T]]]:
    """``items`` cut into runs of at most ``size``, each with the index of
    its first item (how the whole-document passes bound their joins). A
    list, not a generator: most documents are one slice, and a compiled
    generator costs more to start than the list (a tenth of the fixed
    cost of matching a two-line document)."""
    if 0 < len(items) <= size:
        return [(0, items)]
    return [(start, items[start:start + size]) for start in range(0, len(items), size)]


def positions_with(chars: str, texts: Sequence[str], indexes: Sequence[int],
                   slice_lines: int = SCAN_SLICE_LINES) -> list[int]:
    """The positions ``n`` (ascending) of the ``indexes`` whose text
    ``texts[indexes[n]]`` holds one of ``chars``, found by ``str.find`` on
    the joined texts of a slice of lines at a time (a memchr-speed scan
    per character) instead of a search per line: a document with none of
    the characters costs a few scans. The first slice is ``slice_lines``
    lines; when they are short, the later ones are as many as make about
    :data:`SCAN_SLICE_CHARS` characters (at most :data:`SLICE_LINES`).
    ``chars`` holds no line break."""
    found: list[int] = []
    start, step = 0, max(1, slice_lines)
    while start < len(indexes):
        part = indexes[start:start + step]
        joined = "\n".join([texts[i] for i in part])
        if start == 0 and len(part) == step:  # short lines: longer slices
            step = max(step, min(SLICE_LINES, step * SCAN_SLICE_CHARS // max(1, len(joined))))
        first, start = start, start + len(part)
        present = [char for char in chars if char in joined]
        if not present:
            continue
        # ends[n]: where line n's break is (one past its last character)
        ends = list(accumulate([len(texts[i]) + 1 for i in part], initial=-1))[1:]
        lines: set[int] = set()
        for char in present:
            at = joined.find(char)
            while at >= 0:
                line = bisect_left(ends, at)
                lines.add(line)
                at = joined.find(char, ends[line] + 1)
        found.extend(first + line for line in sorted(lines))
    return found


def line_shapes(texts: Sequence[str], slice_lines: int = SHAPE_SLICE_LINES,
                ) -> tuple[list[str], list[int]]:
    """``collapse_spaces`` and ``word_count`` of every text, computed in bulk
    (equal to calling them line by line on texts as repair leaves them):
    words are counted as spaces in the collapsed line, and dense scripts are
    looked for only when the document's encoding shows they may be there.
    Over ``slice_lines`` texts, a slice of them at a time (same result)."""
    if len(texts) <= slice_lines:
        return _line_shapes(texts)
    collapsed: list[str] = []
    counts: list[int] = []
    for _, lines in slices(texts, slice_lines):
        part, words = _line_shapes(lines)
        collapsed += part
        counts += words
    return collapsed, counts


def _line_shapes(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    joined = "\n".join(texts)
    collapsed = collapse_lines(texts, joined)
    counts = [c.count(" ") + 1 if c else 0 for c in collapsed]
    if len(joined) > HUGE_LINE_CHARS and max(map(len, texts)) > HUGE_LINE_CHARS:
        for n, text in enumerate(texts):
            if len(text) > HUGE_LINE_CHARS:
                counts[n] = word_count(text)
    if _maybe_dense(joined):
        # (a space-separated word count is len(text.split()) on these texts)
        for n, text in enumerate(texts):
            if len(text) <= HUGE_LINE_CHARS and _maybe_dense(text):
                counts[n] += len(_DENSE_SCRIPT_RE.findall(text)) // 2
    return collapsed, counts


# Characters a sentence may end with, and closers allowed after them
# (the two classes of _SENTENCE_END_RE).
_SENTENCE_ENDS = ".!?…。！？"
_CLOSERS = "\"'”’»)]"


def prose_flags(collapsed: list[str], counts: list[int]) -> list[bool]:
    """``[is_prose_shape(c, w) for c, w in zip(collapsed, counts)]``, with
    the sentence end read off the last character where it can (collapsed
    lines have no trailing space)."""
    return [words >= 30 or len(text) > 600 or (words >= 8 and collapsed_ends_sentence(text))
            for text, words in zip(collapsed, counts, strict=True)]


def collapsed_ends_sentence(text: str) -> bool:
    """:func:`ends_sentence` of a non-empty collapsed line (no space at its
    end), read off the last character where it can."""
    last = text[-1]
    return last in _SENTENCE_ENDS or (last in _CLOSERS and ends_sentence(text))


def is_prose_shape(collapsed: str, words: int, min_words: int = 8) -> bool:
    """:func:`is_prose` of a line from its collapsed text and word count."""
    if len(collapsed) > 600 or words >= 30:
        return True
    return words >= min_words and ends_sentence(collapsed)


def word_count(text: str) -> int:
    """Whitespace-separated words, plus half a word per character of scripts
    written without spaces."""
    if len(text) > 100_000:  # a huge line: counting spaces is enough for any threshold
        return text.count(" ") + 1
    count = len(text.split())
    if _maybe_dense(text):
        count += len(_DENSE_SCRIPT_RE.findall(text)) // 2
    return count


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END_RE.search(text.rstrip()))


def is_list_item(text: str) -> bool:
    """Starts with a bullet, dash or ``1.``-style marker."""
    return bool(_LIST_MARK_RE.match(text))


def is_prose(text: str, min_words: int = 8) -> bool:
    """A sentence-like line: ends like a sentence and has some length, or is
    long enough that no heading or menu would be."""
    if len(text) > 600 and collapsed_longer_than(text, 600):
        return True  # no heading, menu or label is this long (checked unsplit)
    return is_prose_shape(collapse_spaces(text), word_count(text), min_words)


def is_heading_like(text: str, max_words: int = 25, max_chars: int = 200) -> bool:
    """A short line that does not end like a sentence (a title, a subheading,
    a headline in a list)."""
    stripped = collapse_spaces(text)
    if not stripped or len(stripped) > max_chars:
        return False
    words = word_count(stripped)
    if words == 0 or words > max_words:
        return False
    return not stripped.endswith((".", ",", ";", ":")) or stripped.endswith("...")
