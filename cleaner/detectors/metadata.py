"""Metadata revealed by chrome: bylines, dates, sources.

``normalize_lifted`` is applied to everything a rule lifts: date fields become
ISO 8601 dates (or are dropped when they do not parse), other values are
whitespace-collapsed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from ..dates import to_iso_date
from ..textshape import word_count

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule

DATE_FIELDS = frozenset({"published", "updated", "modified"})
_NAME_RE = regex.compile(
    r"^(?:\p{Lu}[\p{L}'’.-]*)(?:\s+(?:\p{Lu}[\p{L}'’.-]*|de|da|van|von|der|del|la|le|bin|al))*$"
)


def normalize_lifted(fields: dict[str, str]) -> dict[str, str]:
    """Clean lifted values; date fields become ISO dates (or are left out),
    ``reading_time`` becomes a number of minutes."""
    clean: dict[str, str] = {}
    for name, value in fields.items():
        value = " ".join(value.split()).strip(" |•·,;:-–—")
        if not value:
            continue
        if name in DATE_FIELDS:
            iso = to_iso_date(value)
            if iso is None:
                continue
            value = iso
        elif name == "reading_time":  # minutes, as a number: "5 min read" -> "5"
            minutes = regex.search(r"\d+", value)
            if minutes is None:
                continue
            value = minutes.group()
        clean[name] = value
    return clean


def looks_like_name(text: str, max_words: int = 5) -> bool:
    """Two to ``max_words`` capitalized words with no digits: a person's name."""
    words = text.split()
    return 2 <= len(words) <= max_words and bool(_NAME_RE.match(text))


def byline_block(state: MatchState, rule: Rule) -> None:
    """A byline made of bullet- or pipe-separated items, on one line or as a
    run of consecutive bullet lines, near the top: ``• NAME • DATE • COUNT``.

    Evidence required: every item is short (``max_item_words``), and at least
    one item is a date. The name-like item is lifted as ``author``, the date as
    ``published``; counts (views, comments) are dropped with the line.
    """
    params = rule.param_map
    marks = str(params.get("marks", "•·●▪◦|"))
    max_item_words = int(params.get("max_item_words", 6))
    within = rule.within or 8
    alive = state.alive()
    runs = _bullet_runs(state, alive[:within], marks)
    if runs and len(alive) > within and runs[-1][-1] == alive[within - 1]:
        _extend_run(state, runs[-1], alive[within:], marks)
    for run in runs:
        items = [item for index in run for item in _items(state.text(index), marks)]
        if not items or any(word_count(item) > max_item_words for item in items):
            continue
        # A bare number ("2024") is a table cell or a count, not a date: a
        # byline's date names a day or a month too.
        dates = [None if item.replace(" ", "").isdigit() else to_iso_date(item)
                 for item in items]
        if not any(dates):
            continue
        if len(run) == 1 and len(items) < 2:
            continue
        lifted: dict[str, str] = {}
        published = next(d for d in dates if d)
        lifted["published"] = published
        author = next((i for i, d in zip(items, dates, strict=True)
                       if d is None and looks_like_name(i)), None)
        if author:
            lifted["author"] = author
        for position, index in enumerate(run):
            state.decide(index, rule, lifted=lifted if position == 0 else None)


def _bullet_runs(state: MatchState, alive: list[int], marks: str) -> list[list[int]]:
    """Runs of consecutive alive lines that start with a mark, and single
    lines that hold two or more marks."""
    runs: list[list[int]] = []
    window = "\n".join([state.collapsed[index] for index in alive])
    if not any(mark in window for mark in marks):
        return runs  # (most documents: a few scans of the window, not of each line)
    current: list[int] = []
    for index in alive:
        text = state.text(index).strip()
        starts = text[:1] in marks
        if starts and (not current or index == current[-1] + 1
                       or all(not state.lines[j].strip()
                              for j in range(current[-1] + 1, index))):
            current.append(index)
            continue
        if current:
            runs.append(current)
            current = []
        if starts:
            current = [index]
        elif any(m in text for m in marks) and len(_marks_re(marks).findall(text)) >= 2:
            runs.append([index])  # (the "in" tests first: most lines hold no mark)
    if current:
        runs.append(current)
    return runs


def _extend_run(state: MatchState, run: list[int], rest: list[int], marks: str) -> None:
    """A run of bullet lines that reaches the end of the window is one block:
    it runs on past the window to its own end, so a long run goes in one
    pass (cut at the window, its tail reached the window only in later
    passes, and was left for a second cleaning once they ran out: found by
    the fuzzer's idempotence check)."""
    if state.text(run[0]).strip()[:1] not in marks:
        return  # a single line with inner marks, not a run of bullet lines
    for index in rest:
        if state.text(index).strip()[:1] not in marks:
            return
        run.append(index)


@lru_cache(maxsize=8)
def _marks_re(marks: str) -> regex.Pattern:
    """One class of the marks (one scan of the line counts them all)."""
    return regex.compile(f"[{regex.escape(marks)}]")


def _items(text: str, marks: str) -> list[str]:
    parts = _marks_re(marks).split(text)
    return [" ".join(p.split()) for p in parts if p.strip()]
