"""Zones of a page: what lies before the title, and what lies outside the
dense run of prose in a page dumped whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..textshape import ends_sentence, is_heading_like, word_count

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule


def header_zone(state: MatchState, rule: Rule) -> None:
    """Short non-prose lines before the title: weather, dates, cities, menus,
    account links. The title is taken to be the heading-like line closest
    above the first prose paragraph (at most ``max_gap`` short lines between,
    for a byline or a date). Every alive line above it must be short
    (``max_words``) and none prose — one prose line above means the article
    starts earlier, and nothing is removed. Needs ``min_lines`` such lines."""
    if state.title is not None:
        return
    params = rule.param_map
    max_words, max_gap = int(params.get("max_words", 5)), int(params.get("max_gap", 3))
    alive = state.alive()
    prose = state.prose_flags
    first_prose = next((n for n, i in enumerate(alive) if prose[i]), None)
    if first_prose is None:
        return
    title_at = None
    for n in range(first_prose - 1, max(-1, first_prose - 2 - max_gap), -1):
        if is_heading_like(state.text(alive[n]), max_words=25) \
                and word_count(state.text(alive[n])) > max_words:
            title_at = n
            break
    if title_at is None or title_at < int(params.get("min_lines", 2)):
        return
    zone = alive[:title_at]
    if any(state.prose(i) or word_count(state.text(i)) > max_words for i in zone):
        return
    for index in zone:
        state.decide(index, rule)


def main_body_zone(state: MatchState, rule: Rule) -> None:
    """For a page dumped whole (menus, teasers, footers around the article):
    find the densest run of prose — the segment of lines with the highest
    score, prose lines scoring their words and short lines ``short_penalty``
    each — and remove the short non-prose lines outside it. Short lines
    inside the run (subheadings) stay, and so does prose anywhere.

    Runs only on documents that look dumped: at least ``min_lines`` lines,
    of which at least ``min_short_share`` are short menu-like lines (no
    digits: tables and statistics are not menus),
    and at least ``min_before`` short lines above the run.
    """
    params = rule.param_map
    # Idempotence decides what may count as evidence: cleaning the output
    # again sees only the alive lines. So the segment and the share of
    # menu-like lines are judged on alive lines only, while the page's size
    # and the short lines above the segment also count lines other rules
    # removed (a header zone taken first must not hide that the page was
    # dumped): those two only shrink when the removed lines are gone, so a
    # second cleaning can never find evidence the first one lacked.
    collapsed = state.collapsed
    if len(collapsed) - collapsed.count("") < int(params.get("min_lines", 30)):
        return
    alive = state.alive()
    max_words = int(params.get("max_words", 12))
    share = float(params.get("min_short_share", 0.5))
    counts = state.word_counts
    if not alive or sum(counts[i] <= max_words for i in alive) < share * len(alive):
        return  # not enough short lines for a dumped page, prose or not
    prose = state.prose_flags
    short = [not prose[i] and counts[i] <= max_words for i in alive]
    # Menu-like: a few words, no digits. Tables and stat lists have digits.
    digits: dict[str, bool] = {}  # per distinct line: a menu repeats its rows
    menu_like = 0
    for is_short, index in zip(short, alive, strict=True):
        if is_short:
            text = state.text(index)
            found = digits.get(text)
            if found is None:
                found = digits[text] = any(c.isdigit() for c in text)
            menu_like += not found
    if menu_like < share * len(alive):
        return
    penalty = float(params.get("short_penalty", 6))
    scores = [-penalty if s else (state.words(i) if state.prose(i) else 0)
              for s, i in zip(short, alive, strict=True)]
    start, end = _best_segment(scores)
    # A dumped page has its header and menus above the article; extracted
    # text with a long table or list after its prose does not.
    if start is None or end is None:
        return
    # The article's last sentence may be short ("Colombia had lost to
    # Belgium on Monday."): sentences right after the run belong to it.
    while end + 1 < len(alive) and ends_sentence(state.text(alive[end + 1])) \
            and state.words(alive[end + 1]) >= 3:
        end += 1
    first = alive[start]
    above = sum(not prose[i] and counts[i] <= max_words
                for i, text in enumerate(collapsed[:first]) if text)
    if above < int(params.get("min_before", 10)):
        return
    far = _far_from(short, start, end, int(params.get("far_gap", 0)))
    for n, index in enumerate(alive):
        if (short[n] or far[n]) and not start <= n <= end:
            state.decide(index, rule)


def _far_from(short: list[bool], start: int, end: int, gap: int) -> list[bool]:
    """Lines cut off from the run by at least ``gap`` consecutive short lines
    (0: never): prose there is a teaser in a sidebar or footer."""
    far = [False] * len(short)
    if gap <= 0:
        return far
    for direction, first in ((-1, start - 1), (1, end + 1)):
        run, cut, n = 0, False, first
        while 0 <= n < len(short):
            run = run + 1 if short[n] else 0
            cut = cut or run >= gap
            far[n] = cut
            n += direction
    return far


def _best_segment(scores: list[float]) -> tuple[int | None, int | None]:
    """The maximum-sum contiguous segment (Kadane), first one on ties."""
    best, best_start, best_end = 0.0, None, None
    total, start = 0.0, 0
    for n, score in enumerate(scores):
        if total <= 0:
            total, start = score, n
        else:
            total += score
        if total > best:
            best, best_start, best_end = total, start, n
    return best_start, best_end
