"""Stage 3, segment: text -> lines.

The lines follow ``str.splitlines``, the same split the repair stage
preserves: ``lines[i]`` is source line ``i + 1``, so a decision's line
number points at the input.

Lines are plain strings, not numbered records: a document may hold
millions of them, and the garbage collector walks every container object
still alive (a named tuple is never untracked, as a plain tuple of strings
is) — on a million-line document that walking was a fifth of the time.
:func:`numbered` makes the records for the few callers that show lines.
"""

from __future__ import annotations

from .model import Line


def segment(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """Split ``text`` into lines; every character except line breaks is kept.
    ``text`` may come in pieces that each end with a line break (what
    :func:`~cleaner.repair.repair_pieces` gives for a long text): the lines
    are those of the pieces joined, without the copy a join makes."""
    if isinstance(text, str):
        return tuple(text.splitlines())
    if len(text) == 1:
        return tuple(text[0].splitlines())
    lines: list[str] = []
    for piece in text:
        lines += piece.splitlines()
    return tuple(lines)


def numbered(lines: tuple[str, ...]) -> tuple[Line, ...]:
    """The lines as :class:`~cleaner.model.Line` records (1-based numbers)."""
    return tuple(Line(number, text) for number, text in enumerate(lines, start=1))
