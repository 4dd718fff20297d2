"""Reader comment threads kept below an article: a comment-section heading
after the article, and the comments under it to the end of the document."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from ..prefilter import Gate, LiteralIndex, gate_for, indexable

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule


@lru_cache(maxsize=32)
def _key_regex(pattern: str) -> regex.Pattern:
    """A pattern matched against line keys (case-folded already, so it is
    compiled case-sensitive: case-insensitive matching is several times
    slower), compiled once per pattern text: detectors run on every pass."""
    return regex.compile(pattern, regex.VERSION1)


@lru_cache(maxsize=32)
def _key_gate(pattern: str) -> Gate:
    """The pattern's gate (keys are collapsed and case-folded lines, what a
    gate reads): most lines are refused without running the regex."""
    return gate_for(pattern)


@lru_cache(maxsize=32)
def _key_index(pattern: str) -> LiteralIndex | None:
    """The pattern's gate as an index that finds the keys it admits among
    many in one pass (None when the gate cannot be indexed)."""
    gate = _key_gate(pattern)
    if gate.prefixes is not None:
        return LiteralIndex({}, {0: gate})
    if indexable(gate):
        return LiteralIndex({0: gate}, {})
    return None


def _admitted(pattern: str, keys: list[str]) -> list[int]:
    """Positions of the keys the pattern's gate admits."""
    index = _key_index(pattern)
    if index is None:
        gate = _key_gate(pattern)
        return [n for n, key in enumerate(keys) if gate.admits(key)]
    return sorted(index.owners_by_line("\n".join(keys).encode())) if keys else []


def comment_thread(state: MatchState, rule: Rule) -> None:
    """A comment-section heading that only a comment section has ('2
    comments', 'Top Rated Comments', '5 thoughts on “Title”': the ``anchor``
    pattern, matched against the line's key, at most ``max_words`` words)
    after the article, with every line below it to the end of the document:
    the thread. Comments read like prose, so the evidence is around them:

    - at least ``min_prose_before`` prose lines above the heading (a count
      line under the title, 'By Ann | 3 comments', is a byline, and the
      article follows it);
    - comment markers under the heading (the ``markers`` pattern: 'Reply',
      'Janet says:', 'Hi Tom,'), one of two ways: the prose above holds at
      least ``min_share_before`` of the document's prose words and a marker
      lies within ``marker_within`` alive lines; or, for a thread longer
      than the article, ``dense_markers`` markers lie within
      ``dense_within`` alive lines, comments' date stamps (the
      ``dated_markers`` pattern) counting too. A date stamp alone is no
      marker: an article under a count line may begin with its date. A comment count alone between
      two paragraphs (a share bar's) anchors nothing, nor does a 'Most
      discussed' teaser above the article in a page dumped whole (little
      prose above it, no run of markers below it).

    The heading may already be decided by a rule of its own (a comment
    count): it still anchors the thread. Only the first heading that passes
    counts; a line already decided keeps its rule."""
    params = rule.param_map
    anchor = _key_regex(str(params["anchor"]))
    max_words = int(params.get("max_words", 12))
    min_prose = int(params.get("min_prose_before", 3))
    min_share = float(params.get("min_share_before", 0.25))
    lines, counts, prose = state.lines, state.word_counts, state.prose_flags
    # The lines that could be a heading, found first: most documents have
    # none, and then nothing else is computed.
    short = [index for index, words in enumerate(counts) if 0 < words <= max_words]
    cached, key = state.keys_known(), state.key
    keys = [cached.get(index) or key(index) for index in short]
    # (each distinct key is scanned and searched once: a line repeated a
    # million times is one key)
    distinct = list(dict.fromkeys(keys))
    anchors = {distinct[n] for n in _admitted(str(params["anchor"]), distinct)
               if anchor.search(distinct[n])}
    if not anchors:
        return
    headings = {index for index, line_key in zip(short, keys, strict=True)
                if line_key in anchors}
    # words of alive prose lines, by index
    prose_words = [words if is_prose else 0 for words, is_prose in zip(counts, prose, strict=True)]
    for index in state.decided:
        prose_words[index] = 0
    total = sum(prose_words)
    if not total:
        return
    table: _MarkerTable | None = None  # built when the first anchor is found
    seen_prose = seen_words = 0
    for index in range(len(lines)):
        if prose_words[index]:
            seen_prose += 1
            seen_words += prose_words[index]
            continue
        if seen_prose < min_prose or index not in headings:
            continue
        if table is None:
            table = _MarkerTable(state, _key_regex(str(params["markers"])),
                                 _key_regex(str(params["dated_markers"])), max_words)
        if seen_words >= min_share * total:
            marked = table.count(index, int(params.get("marker_within", 8))) >= 1
        else:
            marked = table.count(index, int(params.get("dense_within", 30)), dated=True) \
                >= int(params.get("dense_markers", 3))
        if not marked:
            continue
        for later in range(index, len(lines)):
            if lines[later].strip():
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

    def __init__(self, state: MatchState, markers: regex.Pattern, dated: regex.Pattern,
                 max_words: int) -> None:
        #: the alive non-blank lines, in order
        self.alive: list[int] = []
        #: rank[i]: alive non-blank lines before line i
        self.rank: list[int] = []
        #: seen[i] / dated[i]: marker lines / comment date stamps before line i
        self.seen: list[int] = []
        self.dated: list[int] = []
        markers_seen = dates_seen = 0
        for index, line in enumerate(state.lines):
            self.rank.append(len(self.alive))
            self.seen.append(markers_seen)
            self.dated.append(dates_seen)
            if not line.strip():
                continue
            if index not in state.decided:
                self.alive.append(index)
            if state.words(index) <= max_words:
                key = state.key(index)
                if markers.search(key):
                    markers_seen += 1
                elif dated.search(key):
                    dates_seen += 1
        self.rank.append(len(self.alive))
        self.seen.append(markers_seen)
        self.dated.append(dates_seen)

    def count(self, anchor: int, within: int, dated: bool = False) -> int:
        """Markers (with ``dated``, date stamps too: a date under a heading
        may be an article's) after ``anchor`` up to its ``within``-th alive
        line after it, decided lines in between included."""
        first = self.rank[anchor + 1]  # the first alive line after the anchor
        last = first + within - 1
        end = self.alive[last] + 1 if last < len(self.alive) else len(self.seen) - 1
        found = self.seen[end] - self.seen[anchor + 1]
        if dated:
            found += self.dated[end] - self.dated[anchor + 1]
        return found
