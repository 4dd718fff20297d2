"""Stage 3, segment: text -> numbered lines.

Line numbers are 1-based and follow ``str.splitlines``, the same split the
repair stage preserves, so a decision's line number points at the input.
"""

from __future__ import annotations

from functools import partial

from .model import Line

# Line((number, text)) without a Python-level call per line (Line._make is one).
_LINE = partial(tuple.__new__, Line)


def segment(text: str) -> tuple[Line, ...]:
    """Split ``text`` into lines; every character except line breaks is kept."""
    return tuple(map(_LINE, enumerate(text.splitlines(), start=1)))
