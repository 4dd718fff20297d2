"""The title: the heading-like first line of the article, and its repeats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..textshape import is_heading_like, is_list_item

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule


def lift_title(state: MatchState, rule: Rule) -> None:
    """Lift the first alive line as the title when it is heading-like (at most
    ``max_words`` words, not ending like a sentence, not a list item) and prose
    follows somewhere after it. Runs once per document."""
    if state.title is not None or not state.options.lift_title:
        return
    params = rule.param_map
    alive = state.alive()
    if len(alive) < 2:
        return
    first = alive[0]
    text = state.text(first).strip()
    if not is_heading_like(text, max_words=int(params.get("max_words", 25))) \
            or is_list_item(text):
        return
    if not any(state.prose(i) for i in alive[1:]):
        return
    state.title = " ".join(text.split())
    state.decide(first, rule, lifted={"title": state.title})


def title_repeat(state: MatchState, rule: Rule) -> None:
    """Drop every alive line whose key equals the title's key."""
    if state.title is None:
        return
    title_key = state.key(_title_index(state))
    for index in state.alive():
        if state.key(index) == title_key:
            state.decide(index, rule)


def _title_index(state: MatchState) -> int:
    return next(i for i, d in state.decided.items() if ("title", state.title) in d.lifted)
