"""Line shapes: the bulk computations equal the line-by-line definitions."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from cleaner.textshape import (
    _DENSE_SCRIPT_RE,
    _maybe_dense,
    collapse_spaces,
    is_prose,
    line_shapes,
    prose_flags,
    word_count,
)


def test_dense_script_precheck_never_misses_a_dense_character():
    """``word_count`` and the line shapes look for dense-script characters
    only where a cheap byte check says they may be: it must say so for every
    character the dense-script pattern matches (the Han radicals share their
    lead byte with curly quotes, and were once missed)."""
    missed = [hex(code) for code in range(sys.maxunicode + 1)
              if not 0xD800 <= code <= 0xDFFF and _DENSE_SCRIPT_RE.match(chr(code))
              and not _maybe_dense(chr(code))]
    assert missed == []


# Lines as repair leaves them: no line break, no whitespace but the space.
_char = st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Cc"),
                      blacklist_characters="\u00a0\u1680\u2000\u2001\u2002\u2003\u2004"
                      "\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\x85")
_line = st.lists(_char | st.sampled_from([" ", "  ", ".", "中文", "⺀", "word"]),
                 max_size=20).map("".join)

@given(st.lists(_line, max_size=8))
def test_bulk_shapes_equal_the_line_by_line_definitions(lines):
    collapsed, counts = line_shapes(lines)
    assert collapsed == [collapse_spaces(line) for line in lines]
    assert counts == [word_count(line) for line in lines]
    assert prose_flags(collapsed, counts) == [is_prose(line) for line in lines]
