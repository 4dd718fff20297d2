"""Long documents are worked on a slice of lines (or a chunk of text) at a
time, so that no step copies the whole document at once (a copy of a 10 MB
text can be 40 MB, fresh memory from the kernel each time). The slices must
change nothing: here every fixture is cleaned with slices of a few lines
and compared with the whole-document result, and a document longer than
the real slice size is checked against its parts."""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from hypothesis import given
from hypothesis import strategies as st

import cleaner.match
from cleaner import Cleaner
from cleaner.textshape import SLICE_LINES, slices

INPUTS = sorted(FIXTURES.glob("*/input.txt"))


@pytest.fixture(scope="module")
def whole(default_rules):
    return Cleaner(default_rules, timeout=None, input_format="text")


@pytest.mark.parametrize("size", [1, 2, 5])
def test_slices_of_a_few_lines_change_nothing(whole, monkeypatch, size):
    expected = [whole.trace(path.read_bytes()) for path in INPUTS]
    monkeypatch.setattr(cleaner.match, "SLICE_LINES", size)
    for path, before in zip(INPUTS, expected, strict=True):
        assert whole.trace(path.read_bytes()) == before, path.parent.name


def test_a_document_longer_than_a_slice(whole):
    """Phrase and pattern rules that may stand anywhere find their lines in
    every slice of a long document: each copy of a chrome-laden article
    loses the lines it loses on its own (its title aside, which is only
    the document's title once)."""
    article = (FIXTURES / "seed-000-original-source" / "input.txt").read_text(encoding="utf-8")
    body = "Related articles\nShare this Post:\nThe council met on Tuesday and talked " \
        "about the budget for the coming year.\n"
    copies = SLICE_LINES // body.count("\n") + 10
    result = whole.clean(article + "\n" + body * copies)
    dropped = [d for d in result.decisions if d.text in ("Related articles", "Share this Post:")]
    assert len(dropped) == 2 * copies
    assert result.text.count("The council met on Tuesday") == copies


@given(st.lists(st.integers(), max_size=40), st.integers(min_value=1, max_value=12))
def test_slices_cover_the_items_in_order(items, size):
    """Every item once, in order, in runs of at most ``size`` that start
    where they say; no run at all for no items."""
    runs = slices(items, size)
    assert [item for _, part in runs for item in part] == items
    assert all(0 < len(part) <= size and list(part) == items[start:start + len(part)]
               for start, part in runs)
    assert [start for start, _ in runs] == list(range(0, len(items), size))
