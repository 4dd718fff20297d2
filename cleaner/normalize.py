"""Stage 6, normalize: whitespace and Unicode form of the kept lines.

Guarantees on the returned paragraphs: each is NFC, has no tab, no run of
spaces, no leading or trailing space, and is non-empty. Line breaks were
unified by segmentation; blank lines vanish here (render puts exactly one
between paragraphs).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .textshape import collapse_lines


def normalize(lines: tuple[str, ...], kept: Sequence[int],
              collapsed: list[str] | None = None) -> tuple[str, ...]:
    """One paragraph per non-blank kept line (``kept``: indexes into
    ``lines``), in order (each what :func:`normalize_line` makes of it,
    computed for all lines at once). The lines are as repair leaves them:
    no whitespace but U+0020, and NFC already (collapsing spaces keeps a
    line NFC: it never puts two characters side by side that were not).
    ``collapsed`` is the collapsed form of every line (what
    :func:`~cleaner.textshape.line_shapes` gives), when the caller has it."""
    if collapsed is None:
        collapsed = collapse_lines([lines[i] for i in kept])
        return tuple(p for p in collapsed if p)
    return tuple(p for p in (collapsed[i] for i in kept) if p)


# Whitespace other than single spaces between words: only then is the line
# split and joined (a C-speed scan spares the copy on a 50 MB line).
_UNEVEN_SPACE_RE = re.compile(r"\s\s|[^\S ]")


def normalize_line(text: str) -> str:
    """The normalized form of one line (what :func:`normalize` makes of it)."""
    text = " ".join(text.split()) if _UNEVEN_SPACE_RE.search(text) else text.strip(" ")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
