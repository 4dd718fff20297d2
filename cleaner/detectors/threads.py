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
    - within ``marker_within`` alive lines below the heading, a line only a
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
    table: _MarkerTable | None = None  # built when the first anchor is found
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
        if table is None:
            table = _MarkerTable(state, markers, max_words)
        if not table.marked(index, marker_within):
            continue
        for later in range(index, len(lines)):
            if lines[later].text.strip():
                state.decide(later, rule)
        return


class _MarkerTable:
    """Where the comment markers are, built in one pass over the document so
    that any number of anchors costs linear time (a page of a thousand
    comment counts must not be walked a thousand times).

    Lines a rule already removed may be markers ('Reply') but do not count
    towards an anchor's window: cleaning the output again, where they are
    gone, must find no marker that the first cleaning did not
    (idempotence)."""

    def __init__(self, state: MatchState, markers: regex.Pattern, max_words: int) -> None:
        count = len(state.lines)
        #: rank[i]: alive non-blank lines at or before line i
        self.rank = [0] * count
        #: next_marker[i]: the first marker line at or after line i (or None)
        self.next_marker: list[int | None] = [None] * (count + 1)
        alive = 0
        for index, line in enumerate(state.lines):
            if line.text.strip() and index not in state.decided:
                alive += 1
            self.rank[index] = alive
        for index in range(count - 1, -1, -1):
            text = state.lines[index].text
            hit = bool(text.strip()) and state.words(index) <= max_words \
                and markers.search(state.key(index)) is not None
            self.next_marker[index] = index if hit else self.next_marker[index + 1]

    def marked(self, anchor: int, within: int) -> bool:
        """Whether a marker lies after ``anchor`` within its next ``within``
        alive lines."""
        marker = self.next_marker[anchor + 1]
        return marker is not None and self.rank[marker] - self.rank[anchor] <= within
