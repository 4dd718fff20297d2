"""Single lines that are chrome by their make-up: meta lines and repeats."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import regex

from ..dates import to_iso_date
from ..prefilter import has_digit
from ..textshape import ends_sentence

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule

_TIME_RE = regex.compile(r"\b\d{1,2}[:.h]\d{2}\b|\b\d{1,2}\s*(?:[ap]\.?m\.?)\b", regex.IGNORECASE)
_NUMERIC_DATE_RE = regex.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_RELATIVE_RE = regex.compile(r"\b\d{1,3}\s+\p{L}{1,12}\s+\p{L}{2,6}$|\b\d{1,3}\s*(?:h|min|d)\b")
_TOKEN_RE = regex.compile(r"[\p{L}][\p{L}'’.-]*")
_SEPARATOR_RE = regex.compile(r"[|•·—–]|\s-\s")


def meta_line(state: MatchState, rule: Rule) -> None:
    """A short line made mostly of a date or time, counts and separators,
    with a few words at most (a name, "views", "Updated"): a byline or stamp
    of an unseen shape or language. Evidence: a date or a time, a separator,
    at most ``max_other_words`` other words, and no sentence end."""
    params = rule.param_map
    max_words, max_other = int(params.get("max_words", 12)), int(params.get(
        "max_other_words", 4))
    alive = state.alive()
    within = rule.within or len(alive)
    zone = alive[:within] + alive[max(within, len(alive) - within):]
    for index in zone:
        text = state.collapsed[index]
        if len(text) > 40 * max_words or state.words(index) > max_words \
                or text.endswith((".", "!", "?")):
            continue
        # (a time, a numeric date and a year all need a digit: most short
        # lines have none, and the digit test is the cheapest one)
        if not has_digit(text) or not _SEPARATOR_RE.search(text):
            continue
        has_time = bool(_TIME_RE.search(text) or _NUMERIC_DATE_RE.search(text))
        # Without a time or a numeric date the rest below is the whole line:
        # a line of more than max_other words cannot go, and its date is not
        # parsed (the cheap word count first: a date parse can take 1 ms).
        if not has_time and (len(_TOKEN_RE.findall(text)) > max_other
                             or to_iso_date(text) is None):
            continue
        rest = _NUMERIC_DATE_RE.sub(" ", _TIME_RE.sub(" ", text))
        # A month name counts as one of the few other words allowed.
        if len(_TOKEN_RE.findall(rest)) <= max_other:
            state.decide(index, rule)


def repeated_line(state: MatchState, rule: Rule) -> None:
    """A short line (at most ``max_words`` words, at least ``min_chars``
    characters, not prose, not ending like a sentence) that occurs
    ``min_count`` times or more in one document, mostly alone between two
    prose lines:
    an ad label, a repeated teaser. Found by hashing the keys, in
    linear time; every occurrence goes."""
    params = rule.param_map
    max_words, min_chars = int(params.get("max_words", 10)), int(params.get("min_chars", 10))
    min_count = int(params.get("min_count", 3))
    alive = state.alive()
    keys = {}
    for index in alive:
        text = state.text(index)
        if len(state.collapsed[index]) > 200 or state.words(index) > max_words \
                or state.prose(index) or ends_sentence(text):
            continue  # a short sentence repeated (an interview's question) is text
        key = state.key(index)
        if len(key) >= min_chars:
            keys[index] = key
    counts = Counter(keys.values())
    repeated = {k for k, n in counts.items() if n >= min_count}
    if not repeated:
        return
    # Chrome repeats between paragraphs (an ad slot, a teaser): most of its
    # occurrences stand between two prose lines. A repeated line among other short lines
    # belongs to a block the article repeats (a table, a plan per day).
    position = {index: n for n, index in enumerate(alive)}
    touching: dict[str, list[bool]] = {}
    for index, key in keys.items():
        if key in repeated:
            n = position[index]
            near = [alive[m] for m in (n - 1, n + 1) if 0 <= m < len(alive)]
            touching.setdefault(key, []).append(bool(near) and all(state.prose(i) for i in near))
    chrome = {k for k, flags in touching.items() if sum(flags) * 3 >= len(flags) * 2}
    for index, key in keys.items():
        if key in chrome:
            state.decide(index, rule)
