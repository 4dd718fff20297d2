"""Lists that are navigation, not article: headline lists and menu rows."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import regex

from ..textshape import (
    collapsed_ends_sentence,
    ends_sentence,
    is_list_item,
    positions_with,
    word_count,
)

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule

_LIST_MARK_RE = regex.compile(r"^\s*(?:[-*•·▪●◦‣⁃–—>]|\d{1,3}[.)])\s+")
# A numbered item ("5) …", "3. …") belongs to a list the article counts.
_NUMBERED_RE = regex.compile(r"^\s*\d{1,3}[.)]\s")
_WORD_RE = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")


def _capitalized_share(text: str) -> float:
    words = [w for w in _WORD_RE.findall(text) if w[0].isalpha()]
    if not words:
        return 0.0
    return sum(w[0].isupper() for w in words) / len(words)


def headline_list(state: MatchState, rule: Rule) -> None:
    """A run of ``min_run`` or more headline-shaped lines after the last prose
    paragraph: ``min_words``..``max_words`` words, no sentence end, not
    numbered, and headline capitalization (``min_capitalized`` of the words
    capitalized). The "Popular posts" list even when its heading
    is missing or in an unknown language. A list that prose follows is never
    taken: it is part of the article."""
    params = rule.param_map
    alive = state.alive()
    prose = state.prose_flags
    last_prose = next((n for n in range(len(alive) - 1, -1, -1) if prose[alive[n]]), None)
    if last_prose is None:
        return
    tail = alive[last_prose + 1:]
    lo, hi = int(params.get("min_words", 4)), int(params.get("max_words", 20))
    min_run = int(params.get("min_run", 2))
    min_caps = float(params.get("min_capitalized", 0.6))
    run: list[int] = []
    for index in [*tail, None]:
        if index is not None and _headline_shaped(state, index, lo, hi):
            run.append(index)
            continue
        if len(run) >= min_run and all(
                _capitalized_share(_LIST_MARK_RE.sub("", state.text(i))) >= min_caps
                for i in run):
            for member in run:
                state.decide(member, rule)
        run = []


def _headline_shaped(state: MatchState, index: int, lo: int, hi: int) -> bool:
    """``lo``..``hi`` words once a list mark is taken off, no sentence end,
    not numbered. A line that starts with an ASCII character that is no
    mark and no digit has neither a mark nor a number: its word count and
    sentence end are read off its shape, without a regex (every line of a
    short document is looked at)."""
    collapsed = state.collapsed[index]
    first = collapsed[:1]
    if first.isascii() and first not in _ASCII_MARK_STARTS:
        return lo <= state.words(index) <= hi and not collapsed_ends_sentence(collapsed)
    raw = state.text(index)
    text = _LIST_MARK_RE.sub("", raw)
    return lo <= word_count(text) <= hi and not ends_sentence(text) \
        and not _NUMBERED_RE.match(raw)


# The ASCII characters a list mark or a number (_LIST_MARK_RE, _NUMBERED_RE)
# can start with.
_ASCII_MARK_STARTS = "-*>0123456789"

_MARKS = "|·›•»/"
_MARK_RE = re.compile(f"[{re.escape(_MARKS)}]")
_SEPARATORS_RE = regex.compile(r"\s+[|·›•»/]\s+|\s*[|·›•»]\s*")


def _items(text: str) -> list[str]:
    return [i.strip() for i in _SEPARATORS_RE.split(text) if i.strip()]


def _is_table_row_beside(state: MatchState, index: int | None, count: int) -> bool:
    """True when line ``index`` splits into ``count`` items, one with a digit:
    a data row, so the line beside it is its table's header row."""
    if index is None:
        return False
    text = state.collapsed[index]
    if len(text) > 200 or not _MARK_RE.search(text):
        return False
    items = _items(text)
    return len(items) == count and any(any(c.isdigit() for c in i) for i in items)


def menu_row(state: MatchState, rule: Rule) -> None:
    """A line of ``min_items`` or more short items joined by separators
    (| · › • » /): a menu or a breadcrumb. Items must be words (at most
    ``max_item_words`` each, mostly without digits), so a table row of
    figures is never taken, nor a header row beside a data row of as many
    items (losing a table header is worse than keeping a menu)."""
    params = rule.param_map
    min_items, max_item_words = int(params.get("min_items", 3)), int(params.get(
        "max_item_words", 3))
    alive = state.alive()
    collapsed = state.collapsed
    # (the lines with a separator, found by one scan: most lines have none)
    for pos in positions_with(_MARKS, collapsed, alive):
        index = alive[pos]
        if len(collapsed[index]) > 200:
            continue
        text = state.text(index).strip()
        if is_list_item(text) or text.startswith("|"):
            continue  # "| a | b |" is a table row, kept with its table
        items = _items(text)
        if len(items) < min_items or len(items) == 1:
            continue
        if any(word_count(i) > max_item_words for i in items):
            continue
        with_digits = sum(any(c.isdigit() for c in i) for i in items)
        if with_digits * 2 > len(items):
            continue
        before = alive[pos - 1] if pos > 0 else None
        after = alive[pos + 1] if pos + 1 < len(alive) else None
        if _is_table_row_beside(state, before, len(items)) \
                or _is_table_row_beside(state, after, len(items)):
            continue
        state.decide(index, rule)
