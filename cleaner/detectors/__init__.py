"""Structural detectors: rules of a ``kind``, whose evidence is the shape of
the document rather than a phrase.

A detector is a function ``(state, rule) -> None`` that reads the
:class:`~cleaner.match.MatchState` and calls ``state.decide`` for each line it
removes, with the rule's id. Its parameters come from the rule's ``params``
table in TOML. ``KINDS`` is ordered: detectors run in this order on every
pass, so the title is known before its repeats are looked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import lines, lists, metadata, threads, title, zones

if TYPE_CHECKING:
    from ..match import MatchState
    from ..ruleset import Rule

Detector = Callable[["MatchState", "Rule"], None]

KINDS: dict[str, Detector] = {
    "byline-block": metadata.byline_block,
    "header-zone": zones.header_zone,
    "title": title.lift_title,
    "title-repeat": title.title_repeat,
    "meta-line": lines.meta_line,
    "menu-row": lists.menu_row,
    "repeated-line": lines.repeated_line,
    "headline-list": lists.headline_list,
    "main-body-zone": zones.main_body_zone,
    "comment-thread": threads.comment_thread,
}
