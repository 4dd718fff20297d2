"""Long documents are worked on a slice of lines (or a chunk of text) at a
time, so that no step copies the whole document at once (a copy of a 10 MB
text can be 40 MB, fresh memory from the kernel each time). The slices must
change nothing: here every fixture is cleaned with slices of a few lines
and compared with the whole-document result, and a document longer than
the real slice size is checked against its parts. Likewise a long slice of
mostly repeated lines, whose distinct lines are keyed and gate-scanned once
(:func:`cleaner.match.repetitive`), gets what every line on its own gets."""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from hypothesis import given
from hypothesis import strategies as st

import cleaner.match
from cleaner import Cleaner
from cleaner.match import REPEAT_MIN_LINES, REPEAT_SAMPLE, repetitive
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


def test_repetitive_needs_many_lines_and_a_sample_of_mostly_repeats():
    row = ["Home | News | Sport | Weather"]
    assert repetitive(row * REPEAT_MIN_LINES, range(REPEAT_MIN_LINES))
    assert not repetitive(row * REPEAT_MIN_LINES, range(REPEAT_MIN_LINES - 1))
    distinct = [f"line {n}" for n in range(2 * REPEAT_MIN_LINES)]
    assert not repetitive(distinct, range(len(distinct)))
    # half of the sample distinct is not "mostly repeats"; less than half is
    half = [f"line {n % (REPEAT_SAMPLE // 2)}" for n in range(REPEAT_MIN_LINES)]
    assert not repetitive(half, range(len(half)))
    fewer = [f"line {n % (REPEAT_SAMPLE // 2 - 1)}" for n in range(REPEAT_MIN_LINES)]
    assert repetitive(fewer, range(len(fewer)))
    # repeats beyond the sample are not looked for (a guess, never a result)
    late = distinct[:REPEAT_SAMPLE] + row * REPEAT_MIN_LINES
    assert not repetitive(late, range(len(late)))
    # only the lines of ``part`` count
    assert repetitive(distinct + row * REPEAT_MIN_LINES,
                      range(len(distinct), len(distinct) + REPEAT_MIN_LINES))


def _repetitive_documents() -> list[str]:
    """Chrome-laden fixtures repeated past REPEAT_MIN_LINES lines, and one
    document of a few chrome rows between distinct paragraphs."""
    documents = []
    for path in INPUTS[::4]:
        text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
        documents.append(text * (REPEAT_MIN_LINES // text.count("\n") + 2))
    rows = ["Share this Post:", "Related articles", "Leave a comment", "5 min read",
            "Home | News | Sport | Culture | Weather", "Advertisement"]
    documents.append("Council approves the tram line\n" + "\n".join(
        rows[n % len(rows)] if n % 5 else
        f"The council met for the {n}th time and talked about the tram line's cost."
        for n in range(3 * REPEAT_MIN_LINES)))
    return documents


def test_repeated_lines_worked_once_change_nothing(whole, monkeypatch):
    documents = _repetitive_documents()
    for document in documents:  # (the path under test is taken)
        lines = document.splitlines()
        assert repetitive(lines, range(len(lines)))
    expected = [whole.trace(document) for document in documents]
    assert sum(len(traced.result.decisions) for traced in expected) > 2 * REPEAT_MIN_LINES
    monkeypatch.setattr(cleaner.match, "REPEAT_MIN_LINES", 1 << 62)
    assert not repetitive(lines, range(len(lines)))  # (the patch reaches the module)
    for document, before in zip(documents, expected, strict=True):
        assert whole.trace(document) == before


CHROME_ROWS = ["Share this Post:", "Related articles", "Leave a comment", "Advertisement",
               "5 min read", "Home | News | Sport | Culture", "By Jane Doe • 12 March 2024",
               "Please enter your name here", "Popular posts from this blog", "Read more"]
PROSE = ["The council approved the new tram line on Tuesday after a long debate.",
         "Residents said the route would cut their journey to the centre by half.",
         "Work is due to start next spring, and the line should open in 2027."]


@given(st.lists(st.sampled_from(CHROME_ROWS + PROSE + [""]), min_size=3, max_size=12),
       st.integers(min_value=0, max_value=2**32 - 1))
def test_repetitive_documents_clean_as_line_by_line(whole, pool, seed):
    """Generated documents of REPEAT_MIN_LINES+ lines drawn from a small pool
    (chrome rows, prose, blank lines): the same result with the repeats
    worked once and with every line worked alone."""
    import random

    rng = random.Random(seed)
    document = "\n".join(rng.choice(pool) for _ in range(REPEAT_MIN_LINES + 50))
    once = whole.trace(document)
    saved = cleaner.match.REPEAT_MIN_LINES
    cleaner.match.REPEAT_MIN_LINES = 1 << 62  # (not monkeypatch: hypothesis runs many examples)
    try:
        assert whole.trace(document) == once
    finally:
        cleaner.match.REPEAT_MIN_LINES = saved
