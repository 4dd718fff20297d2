"""What a line looks like: its match key, and whether it reads as prose or as a
heading. Shared by the rule matcher, the structural detectors and ``learn``,
so that every part of cleaner agrees on one definition of each word.
"""

from __future__ import annotations

import re

import regex

# Edge characters trimmed from a key: punctuation, symbols (bullets, arrows,
# pipes), separators and whitespace.
_EDGE_RE = regex.compile(r"^[\p{P}\p{S}\p{Z}\s]+|[\p{P}\p{S}\p{Z}\s]+$")
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


def line_key(text: str) -> str:
    """The normalized key a phrase is compared with: case-folded, whitespace
    collapsed, edge punctuation, bullets and symbols trimmed. Idempotent."""
    folded = text.casefold()
    if not (folded[:1].isalnum() and folded[-1:].isalnum()):
        folded = _EDGE_RE.sub("", folded)
    if "  " in folded or "\t" in folded or "\n" in folded or "\u3000" in folded:
        folded = _SPACE_RUN_RE.sub(" ", folded)
    return folded


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


def word_count(text: str) -> int:
    """Whitespace-separated words, plus half a word per character of scripts
    written without spaces."""
    if len(text) > 100_000:  # a huge line: counting spaces is enough for any threshold
        return text.count(" ") + 1
    count = len(text.split())
    if not text.isascii():
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
        return True  # no heading, menu or label is this long
    words = word_count(text)
    if words >= 30:
        return True
    return words >= min_words and ends_sentence(text)


def is_heading_like(text: str, max_words: int = 25, max_chars: int = 200) -> bool:
    """A short line that does not end like a sentence (a title, a subheading,
    a headline in a list)."""
    stripped = collapse_spaces(text)
    if not stripped or (len(stripped) > max_chars
                        and collapsed_longer_than(stripped, max_chars)):
        return False
    words = word_count(stripped)
    if words == 0 or words > max_words:
        return False
    return not stripped.endswith((".", ",", ";", ":")) or stripped.endswith("...")
