"""Detectors whose code reads a line in a cheaper order than their
definition: the order must change no decision."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import dates
from cleaner.detectors import lines as meta
from cleaner.match import MatchState
from cleaner.options import Options
from cleaner.ruleset import load_rules

META_RULE = next(r for r in load_rules().rules if r.kind == "meta-line")


def _meta_line_by_definition(state: MatchState, rule) -> set[int]:
    """meta-line as its docstring says it, each test in the plain order."""
    params = rule.param_map
    max_words, max_other = int(params["max_words"]), int(params["max_other_words"])
    alive = state.alive()
    within = rule.within or len(alive)
    found = set()
    for index in alive[:within] + alive[max(within, len(alive) - within):]:
        text = state.collapsed[index]
        if len(text) > 40 * max_words or state.words(index) > max_words \
                or text.endswith((".", "!", "?")) or not meta._SEPARATOR_RE.search(text):
            continue
        has_time = bool(meta._TIME_RE.search(text) or meta._NUMERIC_DATE_RE.search(text))
        if not has_time and dates.to_iso_date(text) is None:
            continue
        rest = meta._NUMERIC_DATE_RE.sub(" ", meta._TIME_RE.sub(" ", text))
        if len(meta._TOKEN_RE.findall(rest)) <= max_other:
            found.add(index)
    return found


_piece = st.sampled_from([
    "Anna", "Nowak", "Cooper Lund", "(@cooperlund)", "Updated", "views", "Reuters",
    "November 18, 2019", "12.03.2024", "2024-03-12", "14:55", "5pm", "3 min", "1234",
    "—", "|", "·", "-", "•", "20 January 2019", "4 juin 2024", "By", "photo"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(_piece, min_size=1, max_size=9).map(" ".join), min_size=1,
                max_size=10))
def test_meta_line_decides_what_its_definition_decides(lines):
    """meta-line asks for a digit before the separator search and counts the
    words of a line with no time before parsing its date; the decisions are
    those of the plain definition."""
    state = MatchState(tuple(lines), Options(), None)
    expected = _meta_line_by_definition(state, META_RULE)
    meta.meta_line(state, META_RULE)
    assert set(state.decided) == expected

