"""Gates (cleaner.prefilter) are necessary conditions: whenever a rule's
pattern matches a collapsed line, its gate admits that line. A gate that
wrongly refused a line would silently keep chrome, so soundness is checked
on every rule's examples, on real text, and on generated lines."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.prefilter import OPEN, Gate, LiteralIndex, fold_utf8, gate_for, indexable
from cleaner.ruleset import compile_pattern, load_rules
from cleaner.textshape import collapse_spaces

RULES = load_rules()
PATTERNS = [c for c in RULES.pattern_rules]
DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset" / "textmode"


def _sound_on(compiled, line: str) -> None:
    collapsed = collapse_spaces(line)
    if compiled.regex.search(collapsed):
        assert compiled.gate.admits(collapsed.casefold()), (compiled.rule.id, collapsed)


def _example_lines(rule) -> list[str]:
    lines = []
    for example in (*rule.examples_drop, *rule.examples_keep):
        lines.extend(part.removeprefix(">> ") for part in example.splitlines())
    return lines


@pytest.mark.parametrize("compiled", PATTERNS, ids=[c.rule.id for c in PATTERNS])
def test_gate_admits_every_example_its_pattern_matches(compiled):
    lines = _example_lines(compiled.rule)
    matched = [line for line in lines if compiled.regex.search(collapse_spaces(line))]
    assert matched, "a pattern rule's drop examples should match it"
    for line in lines:
        _sound_on(compiled, line)


def test_default_patterns_get_selective_gates():
    """The analysis reads the shipped patterns: most get a prefix or
    literal gate (an open gate is correct, only slower)."""
    gated = [c for c in PATTERNS if c.gate is not OPEN and (c.gate.prefixes or c.gate.must)]
    assert len(gated) >= len(PATTERNS) - 2


@pytest.mark.skipif(not DEVSET.is_dir(), reason="devset not present")
def test_gates_are_sound_on_real_pages():
    for path in sorted((DEVSET / "fullpage").glob("*.txt"))[:40]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and len(line) < 700:
                for compiled in PATTERNS:
                    _sound_on(compiled, line)


# Lines made of the rules' own words, punctuation, digits and case changes:
# the places where a gate could be too strict.
_WORDS = sorted({word for c in PATTERNS for line in _example_lines(c.rule)
                 for word in line.split()})
_line = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(
    ["©", "(c)", "|", "·", "»", ":", "-", "2024", "12:30", "5°C", "\u00a0", "\t", "ß", "İ"]),
    st.text(max_size=6)), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_line, st.sampled_from(["lower", "upper", "title", "keep"]))
def test_gates_are_sound_on_generated_lines(line, case):
    line = line if case == "keep" else getattr(line, case)()
    for compiled in PATTERNS:
        _sound_on(compiled, line)


@pytest.mark.parametrize("pattern, prefixes, must", [
    (r"^(?:foo|bar)\s+baz", ("bar ba", "foo ba"), ("bar baz", "foo baz")),
    # \s is a space in a collapsed line
    (r"^\d+\s+comments?$", None, (" comment",)),
    (r"^[\[(]?\s*read\s+more\s*:", (" read ", "( read", "(read ", "[ read", "[read ", "read m"),
     ("read more :", "read more:")),
    (r"^(?<author>\p{Lu}\p{L}+)\s+says:", None, (" says:",)),
    (r"^a(?!b)c", ("ac",), ("ac",)),
    (r"Straße", None, ("strasse",)),
])
def test_gate_shapes(pattern, prefixes, must):
    gate = gate_for(pattern)
    assert gate.prefixes == prefixes
    assert gate.must == must


@pytest.mark.parametrize("pattern", [
    r"(?V1)[[a-z]--[aeiou]]x",  # regex-module-only syntax: not parsed
    r"^.*$",                    # nothing required
    r"^(?:a|.)",                # one branch without a literal
])
def test_unreadable_or_unconstrained_patterns_get_open_gates(pattern):
    gate = gate_for(pattern)
    assert gate.prefixes is None and gate.must is None
    assert gate.admits("anything at all")


def test_case_folding_on_both_sides():
    """A case-insensitive rule matches STRASSE for Straße: the gate folds
    the pattern's literals and the line the same way."""
    compiled = regex.compile(r"^straße\b", regex.IGNORECASE | regex.FULLCASE | regex.V1)
    gate = gate_for(r"^straße\b")
    for line in ["STRASSE 5", "Straße 5", "strasse 5"]:
        assert compiled.search(line)
        assert gate.admits(line.casefold())
    assert compile_pattern is not None


def test_huge_alternations_get_sound_gates():
    """A rule of 20,000 alternatives (a word list someone pasted) gets a
    sound gate (building its sets in place: growing frozensets made this
    take minutes); a list with no shared part gets an open one."""
    pattern = "^(?:" + "|".join(f"word{i}x" for i in range(20_000)) + ")$"
    gate = gate_for(pattern)
    assert gate.admits("word123x") and not gate.admits("other words")
    mixed = "^(?:" + "|".join(f"{chr(0x4e00 + i)}{i}" for i in range(2_000)) + ")$"
    assert gate_for(mixed).must is None


def test_literal_index_reports_every_gate_whose_literal_or_prefix_a_line_holds():
    index = LiteralIndex({
        0: Gate(must=("comment",)),
        1: Gate(must=("no comments", "replies")),
        2: Gate(must=("(ap",)),
    }, {3: Gate(prefixes=("photo", "no "))})
    found = index.owners_by_line(
        b"no comments yet\nplain prose\nphoto (ap) 2 replies\n(ap\na photo")
    # "comment" inside "no comments" is found too (overlapping matches);
    # a prefix counts at the start of a line only
    assert found == {0: {0, 1, 3}, 2: {1, 2, 3}, 3: {2}}
    assert index.owners_by_line(b"nothing here") == {}


# (letters of one, two, three and four UTF-8 bytes: matches are found in
# bytes and reported by line)
@given(st.lists(st.text(alphabet="abé€𝄞 \n", max_size=12), max_size=6),
       st.lists(st.text(alphabet="abé€𝄞 ", min_size=2, max_size=3), min_size=1, max_size=5),
       st.lists(st.text(alphabet="abé€𝄞 ", min_size=1, max_size=3), min_size=1, max_size=3))
@settings(max_examples=300, deadline=None)
def test_literal_index_agrees_with_substring_search(lines, literals, prefixes):
    by_literals = {n: Gate(must=(literal,)) for n, literal in enumerate(literals)}
    by_prefixes = {100 + n: Gate(prefixes=(prefix,)) for n, prefix in enumerate(prefixes)}
    text = "\n".join(line.replace("\n", " ") for line in lines)
    expected = {k: {n for n, literal in enumerate(literals) if literal in line}
                | {100 + n for n, prefix in enumerate(prefixes) if line.startswith(prefix)}
                for k, line in enumerate(text.split("\n"))}
    found = LiteralIndex(by_literals, by_prefixes).owners_by_line(text.encode())
    assert found == {k: v for k, v in expected.items() if v}


@given(st.text(alphabet=st.characters(blacklist_categories=())))  # surrogates too
@settings(max_examples=500, deadline=None)
def test_fold_utf8_is_casefold_in_utf8(text):
    assert fold_utf8(text) == text.casefold().encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("text", [
    "Plain ASCII Text", "It’s “quoted” — and dashed", "Straße", "ÉCOLE", "Москва",
    "ǰ and ΐ", "mixed ’ and Ä", "", "lone \ud800 surrogate", "a long English line ’ with É",
])
def test_fold_utf8_examples(text):
    assert fold_utf8(text) == text.casefold().encode("utf-8", "surrogatepass")


def test_indexable_gates_have_no_one_letter_literal():
    assert indexable(Gate(must=("ab", "cde")))
    assert indexable(Gate(must=("©", "(c)")))
    assert not indexable(Gate(must=("c", "cde")))
    assert not indexable(Gate(must=("7", "cde")))
    assert not indexable(OPEN)


@pytest.mark.parametrize(("pattern", "digit"), [
    (r"^\d{1,3}\s*°", True),
    (r"(?:19|20)\d\d", True),
    (r"[0-9]{2} min", True),
    (r"(?:\d+|one|no)\s+comments", False),
    (r"\d?\s*min", False),
    (r"[^\d]+", False),
    (r"[\d.]+", False),
    (r"(?:a\d|\db)", True),
    (r"\p{Nd}+", False),  # property classes are read as "any character"
])
def test_digit_analysis(pattern, digit):
    gate = gate_for(pattern)
    assert gate.digit is digit
    if digit:
        assert not gate.admits("no digits here")


def test_digit_gate_accepts_every_digit_the_pattern_accepts():
    """The gate's digit test is the patterns' own ``\\d`` (same engine):
    Arabic-Indic and full-width digits count."""
    compiled = regex.compile(r"^\d{1,3}\s*°", regex.V1)
    gate = gate_for(r"^\d{1,3}\s*°")
    for line in ["٣ °", "５ °", "7 °"]:
        assert compiled.search(line)
        assert gate.admits(line.casefold())


_FILLER = st.integers(min_value=1, max_value=40).map(
    lambda n: " ".join(["word"] * n))


_EXAMPLES = sorted({line for c in PATTERNS for line in _example_lines(c.rule)})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_EXAMPLES), _line, _FILLER), min_size=1,
                max_size=30))
def test_document_scan_admits_what_each_line_matches(lines):
    """The document-wide gate scan (every tier's lines folded together, the
    short-line tiers reading their lines' folds out of it) admits every
    line to every rule whose pattern matches it: short and long lines
    mixed, so a tier's lines are never all of a slice's."""
    from cleaner.match import MAX_LINE_CHARS, Candidates, MatchState, match_plan
    from cleaner.options import Options
    from cleaner.segment import segment

    source = tuple(segment("\n".join(lines)))
    state = MatchState(source, Options(), None)
    plan = match_plan(RULES, None, None)
    candidates = Candidates(state, plan)
    for index, text in enumerate(state.collapsed):
        admitted = candidates.admitted.get(index, ()) + plan.ungated
        for number, compiled in enumerate(plan.patterns):
            if text and state.word_counts[index] <= (compiled.rule.max_words or 0) \
                    and len(text) <= MAX_LINE_CHARS and compiled.regex.search(text):
                assert number in admitted, (compiled.rule.id, text)


def test_case_folding_neither_makes_nor_takes_a_digit():
    """The matcher asks ``has_digit`` once per line, of the collapsed line,
    and gives the answer to the digit gates, which read the case-folded
    line: the two agree on every character."""
    from cleaner.prefilter import has_digit

    assert [hex(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF
            and has_digit(chr(code)) != has_digit(chr(code).casefold())] == []


_PATTERN_DIGIT = regex.compile(r"\d")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_has_digit_is_the_patterns_digit(text):
    """``has_digit`` (the stdlib engine on ASCII text, the patterns' own
    engine on the rest) finds a digit exactly where the patterns' ``\\d`` does."""
    from cleaner.prefilter import has_digit

    assert has_digit(text) == (_PATTERN_DIGIT.search(text) is not None)
    assert has_digit(text + "7") and has_digit("٣" + text)
    assert [chr(code) for code in range(128) if has_digit(f"{text}{chr(code)}")
            != (_PATTERN_DIGIT.search(f"{text}{chr(code)}") is not None)] == []
