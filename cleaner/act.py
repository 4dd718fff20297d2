"""Stage 5, act: apply the decisions.

The only place lines leave the document. The title and metadata are read from
the decisions, never computed here, so the output and the audit trail come
from the same records and cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Decision, Line


@dataclass(frozen=True, slots=True)
class Acted:
    kept: tuple[Line, ...]
    title: str | None
    metadata: dict[str, str]


def act(lines: tuple[Line, ...], decisions: tuple[Decision, ...]) -> Acted:
    """Remove every line a decision names; collect what the decisions lifted
    (the first value of each field wins, in line order)."""
    removed = {d.line for d in decisions}
    kept = tuple(line for line in lines if line.number not in removed)
    metadata: dict[str, str] = {}
    title = None
    for decision in decisions:
        for name, value in decision.lifted:
            if name == "title":
                title = title or value
            else:
                metadata.setdefault(name, value)
    return Acted(kept, title, metadata)
