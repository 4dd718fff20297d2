"""Stage 5, act: apply the decisions.

The only place lines leave the document. The title and metadata are read from
the decisions, never computed here, so the output and the audit trail come
from the same records and cannot disagree.
"""

from __future__ import annotations

from .model import Decision


class Acted:
    """What acting on the decisions leaves. (A plain class: compiled, its
    constructor is native code, and one is made for every document.)"""

    def __init__(self, kept: tuple[int, ...], title: str | None,
                 metadata: dict[str, str]) -> None:
        #: indexes of the lines kept (``lines[i]`` is source line ``i + 1``), in order
        self.kept = kept
        self.title = title
        self.metadata = metadata


def act(lines: tuple[str, ...], decisions: tuple[Decision, ...]) -> Acted:
    """Remove every line a decision names; collect what the decisions lifted
    (the first value of each field wins, in line order)."""
    removed = {d.line - 1 for d in decisions if d.line}  # (line 0: an HTML element)
    kept = tuple(i for i in range(len(lines)) if i not in removed)
    metadata: dict[str, str] = {}
    title = None
    for decision in decisions:
        for name, value in decision.lifted:
            if name == "title":
                title = title or value
            else:
                metadata.setdefault(name, value)
    return Acted(kept, title, metadata)
