"""The title: the heading-like first line of the article, and its repeats."""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from ..textshape import is_heading_like, is_list_item, line_key, word_count

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule


# A sentence boundary inside the line ("… advertiser. All opinions …"): a
# lead paragraph, not a headline. Two lowercase letters before the stop keep
# abbreviations ("U.S. Officials", "Mr. Smith") from counting.
_INNER_SENTENCE_RE = regex.compile(r"(?<=\p{Ll}\p{Ll})[.!?…]\s+[\p{Lu}\p{Lt}]")
_URL_RE = regex.compile(r"(?:https?://|www\.)\S", regex.IGNORECASE)


def looks_like_title(text: str, params: dict) -> bool:
    """Heading-like and shaped like a headline: ``min_words``..``max_words``
    words, no list marker, no sentence boundary inside, at most
    ``max_colons`` colons, no URL, and not all capitals (a dateline or a
    shouted call to action, far more often than a headline)."""
    if not is_heading_like(text, max_words=int(params.get("max_words", 25))) \
            or is_list_item(text):
        return False
    if word_count(text) < int(params.get("min_words", 2)):
        return False
    if _INNER_SENTENCE_RE.search(text) or _URL_RE.search(text):
        return False
    if text.count(":") > int(params.get("max_colons", 1)):
        return False
    cased = [c for c in text if c.lower() != c.upper()]
    shouted = len(cased) >= 4 and all(c.isupper() for c in cased)
    return not (params.get("reject_all_caps", True) and shouted)


def lift_title(state: MatchState, rule: Rule) -> None:
    """Lift the first alive line as the title when it looks like a headline
    (see :func:`looks_like_title`) and prose follows somewhere after it. Runs
    once per document."""
    if state.title is not None or not state.options.lift_title:
        return
    alive = state.alive()
    if state.title_hint:
        _lift_known_title(state, rule, alive)
        return
    if len(alive) < 2:
        return
    first = alive[0]
    if len(state.collapsed[first]) > 200 \
            or state.words(first) > int(rule.param_map.get("max_words", 25)):
        return  # not heading-like (most first lines are paragraphs: refused unsplit)
    text = state.text(first).strip()
    if not looks_like_title(text, rule.param_map):
        return
    prose = state.prose_flags
    if not any(prose[i] for i in alive[1:]):
        return
    state.title = " ".join(text.split())
    state.decide(first, rule, lifted={"title": state.title})


def _lift_known_title(state: MatchState, rule: Rule, alive: list[int]) -> None:
    """With the page's title known, the first line is lifted only when it is
    that title, or the title without the site's name ("Headline - Site")."""
    state.title = " ".join((state.title_hint or "").split())
    if not alive:
        return
    first_key, title_key = state.key(alive[0]), line_key(state.title)
    shorter, longer = sorted((first_key, title_key), key=len)
    if first_key == title_key or (
            longer.startswith(shorter) and len(shorter) >= 0.5 * len(longer)
            and word_count(shorter) >= 3):
        state.decide(alive[0], rule, lifted={"title": state.title})


def title_repeat(state: MatchState, rule: Rule) -> None:
    """Drop every alive line whose key equals the title's key."""
    if state.title is None:
        return
    title_key = line_key(state.title)
    for index in state.alive():
        if state.key(index) == title_key:
            state.decide(index, rule)
