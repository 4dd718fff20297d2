"""Line shapes: the bulk computations equal the line-by-line definitions."""

from __future__ import annotations

import sys

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from cleaner.textshape import (
    _DENSE_SCRIPT_RE,
    _maybe_dense,
    collapse_spaces,
    is_prose,
    line_key,
    line_shapes,
    positions_with,
    prose_flags,
    trim_edges,
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

@given(st.lists(_line, max_size=8), st.integers(min_value=1, max_value=9))
def test_bulk_shapes_equal_the_line_by_line_definitions(lines, slice_lines):
    """In one go, or a slice of lines at a time (as a long document is)."""
    collapsed, counts = line_shapes(tuple(lines), slice_lines)
    assert collapsed == [collapse_spaces(line) for line in lines]
    assert counts == [word_count(line) for line in lines]
    assert prose_flags(collapsed, counts) == [is_prose(line) for line in lines]


# The key's definition: edges of punctuation, symbols and whitespace trimmed
# (one regex over the whole line, which the trimming code replaces).
_EDGES_RE = regex.compile(r"^[\p{P}\p{S}\p{Z}\s]+|[\p{P}\p{S}\p{Z}\s]+$")
_edge = st.sampled_from(list(" .,:;!?-–—•|“”’«»→©…¶*#/\\\u3000\t")) | st.characters()


@given(st.lists(_edge, max_size=4).map("".join), st.text(max_size=12),
       st.lists(_edge, max_size=4).map("".join))
def test_trimmed_edges_are_the_edge_definition(head, middle, tail):
    text = head + middle + tail
    assert trim_edges(text) == _EDGES_RE.sub("", text)


@given(st.lists(_line, max_size=6))
def test_keys_of_collapsed_lines_are_their_trimmed_folds(lines):
    for line in line_shapes(lines)[0]:
        assert line_key(line) == trim_edges(line.casefold())


@given(st.lists(st.text(alphabet="ab|/· ", max_size=6), max_size=12),
       st.integers(min_value=0, max_value=5), st.data())
def test_positions_with_is_a_search_of_each_line(texts, slice_lines, data):
    """One scan per slice of joined lines finds the lines one search per
    line finds (any subset of the lines, in order)."""
    import re

    indexes = data.draw(st.lists(st.sampled_from(range(len(texts))), unique=True).map(sorted)
                        if texts else st.just([]))
    assert positions_with("|·/", texts, indexes, slice_lines) == \
        [n for n, i in enumerate(indexes) if re.search("[|·/]", texts[i])]



@pytest.mark.parametrize("slice_lines", [1, 4, 128])
def test_positions_with_long_lines_after_the_first_slice(slice_lines):
    """The first slice's length sizes the rest (about SCAN_SLICE_CHARS a
    slice): long lines make several later slices, each found in place."""
    import re

    texts = [("word " * (50 * (n % 7 + 1))) + ("| menu" if n % 5 == 0 else "")
             + ("a/b" if n % 11 == 3 else "") for n in range(600)]
    indexes = list(range(0, 600, 2))
    assert positions_with("|·/", texts, indexes, slice_lines) == \
        [n for n, i in enumerate(indexes) if re.search("[|·/]", texts[i])]


_listish = st.lists(_char | st.sampled_from(
    [" ", "- ", "* ", "> ", "• ", "— ", "12. ", "3) ", "4 ", "Word", "end.", "”", "?"]),
    max_size=24).map("".join)


@given(st.lists(_listish, min_size=1, max_size=6), st.integers(0, 6), st.integers(6, 24))
def test_headline_shape_read_off_the_line_shape_is_the_regex_definition(lines, lo, hi):
    """The headline-list detector reads a line without a list mark off its
    shape (word count, last character); with or without a mark, the result
    is the definition: lo..hi words once the mark is off, no sentence end,
    not numbered."""
    from cleaner.detectors.lists import _LIST_MARK_RE, _NUMBERED_RE, _headline_shaped
    from cleaner.match import MatchState
    from cleaner.options import Options
    from cleaner.textshape import ends_sentence

    state = MatchState(tuple(lines), Options(), None)
    for index in state.alive():
        raw = lines[index]
        text = _LIST_MARK_RE.sub("", raw)
        expected = lo <= word_count(text) <= hi and not ends_sentence(text) \
            and not _NUMBERED_RE.match(raw)
        assert _headline_shaped(state, index, lo, hi) == expected, raw
