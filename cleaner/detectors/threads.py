"""Reader comment threads kept below an article: a comment-section heading
after the article, and the comments under it to the end of the document."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule


@lru_cache(maxsize=32)
def _key_regex(pattern: str) -> regex.Pattern:
    """A pattern matched against line keys (case-folded already, so it is
    compiled case-sensitive: case-insensitive matching is several times
    slower), compiled once per pattern text: detectors run on every pass."""
    return regex.compile(pattern, regex.VERSION1)


def comment_thread(state: MatchState, rule: Rule) -> None:
    """A comment-section heading that only a comment section has ('2
    comments', 'Top Rated Comments', '5 thoughts on “Title”': the ``anchor``
    pattern, matched against the line's key, at most ``max_words`` words)
    after the article, with every line below it to the end of the document:
    the thread. Comments read like prose, so the evidence is around them:

    - at least ``min_prose_before`` prose lines above the heading (a count
      line under the title, 'By Ann | 3 comments', is a byline, and the
      article follows it);
    - the prose above holds at least ``min_share_before`` of the document's
      prose words (a 'Most discussed' teaser with comment counts above the
      article in a page dumped whole has little prose above it);
    - within ``marker_within`` lines below the heading, a line that only a
      comment has (the ``markers`` pattern: 'Reply', 'Janet says:', 'Hi
      Tom,', a comment's date and time). A comment count alone between two
      paragraphs (a share bar's) anchors nothing.

    The heading may already be decided by a rule of its own (a comment
    count): it still anchors the thread. Only the first heading that passes
    counts; a line already decided keeps its rule."""
    params = rule.param_map
    anchor = _key_regex(str(params["anchor"]))
    markers = _key_regex(str(params["markers"]))
    max_words = int(params.get("max_words", 12))
    min_prose = int(params.get("min_prose_before", 3))
    min_share = float(params.get("min_share_before", 0.25))
    marker_within = int(params.get("marker_within", 8))
    lines = state.lines
    prose_words = [0] * len(lines)  # words of alive prose lines, by index
    for index in state.alive():
        if state.prose(index):
            prose_words[index] = state.words(index)
    total = sum(prose_words)
    if not total:
        return
    seen_prose = seen_words = 0
    for index, line in enumerate(lines):
        if prose_words[index]:
            seen_prose += 1
            seen_words += prose_words[index]
            continue
        if seen_prose < min_prose or not line.text.strip() or state.words(index) > max_words:
            continue
        if seen_words < min_share * total or not anchor.search(state.key(index)):
            continue
        if not _marked(state, index, markers, max_words, marker_within):
            continue
        for later in range(index, len(lines)):
            if lines[later].text.strip():
                state.decide(later, rule)
        return


def _marked(state: MatchState, anchor: int, markers: regex.Pattern, max_words: int,
            within: int) -> bool:
    """Whether one of the ``within`` non-blank lines after ``anchor`` (decided
    or not) is a comment marker of at most ``max_words`` words."""
    seen = 0
    for index in range(anchor + 1, len(state.lines)):
        if not state.lines[index].text.strip():
            continue
        seen += 1
        if seen > within:
            return False
        if state.words(index) <= max_words and markers.search(state.key(index)):
            return True
    return False
