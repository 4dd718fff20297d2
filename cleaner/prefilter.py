"""Gates: what a line must look like for a pattern rule to match it at all.

Running every pattern on every short line is the matcher's main cost, and
most lines match nothing. A :class:`Gate` is derived from a pattern once, at
load time, by reading its syntax tree (Python's own regex parser, on a copy
of the pattern with Unicode property classes widened to "any character"):

- ``prefixes``: strings (case-folded) one of which every match of a
  ``^``-anchored pattern starts with;
- ``must``: literal strings (case-folded) one of which every match contains;
- ``digit``: every match contains a decimal digit (``\\d``: "5 °C").

Gates read the line the patterns read: whitespace-collapsed, so every
whitespace character in it is a single space, and ``\\s`` can be read as a
space. A gate can only say "this rule cannot match this line": both tests
are necessary conditions, and a pattern the parser cannot read gets an open
gate. Case is folded on both sides, so a gate is as permissive as a
case-insensitive rule (and more than a case-sensitive one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import regex

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

#: Exact-string sets larger than this are given up (their cross products
#: grow fast), and so are classes of more characters.
MAX_STRINGS = 64
MAX_CLASS_CHARS = 16
#: Prefix sets are cut short, so they may grow larger.
MAX_PREFIXES = 1024
#: A literal set larger than this is given up (a gate that large selects
#: little, and a hostile pattern must not make loading slow).
MAX_LITERALS = 256
#: Prefixes are cut to this many characters (a shorter prefix is still one).
PREFIX_CHARS = 6
#: A must-set of more literals than this is searched with one compiled regex.
MAX_LOOSE_LITERALS = 4

# Unicode property classes (\p{L}, \P{Lu}) are not Python syntax: for the
# analysis they stand for any one character, which only widens the pattern.
_PROPERTY_RE = re.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")
# Named groups (``(?<name>…)``, ``(?P<name>…)``; the regex module allows a
# name twice) are read as plain groups: the analysis needs no captures.
_NAMED_GROUP_RE = re.compile(r"\(\?P?<(?![=!])[^>]*>")
_SPACE = frozenset({" "})


@dataclass(frozen=True)
class Gate:
    """Necessary conditions for a match on a collapsed line (see module)."""

    prefixes: tuple[str, ...] | None = None
    must: tuple[str, ...] | None = None
    digit: bool = False
    _must_re: re.Pattern | None = field(default=None, repr=False, compare=False)

    def admits(self, folded: str, digit: bool | None = None) -> bool:
        """Whether a line (collapsed, case-folded) may match. ``digit`` is
        :func:`has_digit` of the line, when the caller knows it already."""
        if self.prefixes is not None and not folded.startswith(self.prefixes):
            return False
        if self.digit and not (has_digit(folded) if digit is None else digit):
            return False
        if self.must is None:
            return True
        if len(self.must) <= MAX_LOOSE_LITERALS:
            return any(literal in folded for literal in self.must)
        must_re = self._must_re
        if must_re is None:  # compiled on first use: most gates never need it
            must_re = literal_regex(self.must)
            object.__setattr__(self, "_must_re", must_re)
        return must_re.search(folded) is not None


OPEN = Gate()

# The digit the patterns' \d matches: the same engine's, so that a gate
# never refuses a digit its pattern accepts.
_DIGIT_RE = regex.compile(r"\d")


# The same digits in ASCII text, where the stdlib engine finds them in about
# two thirds of the time (its call costs less).
_ASCII_DIGIT_RE = re.compile("[0-9]")


def has_digit(text: str) -> bool:
    """Whether ``text`` holds a character the rule patterns' ``\\d`` matches."""
    if text.isascii():
        return _ASCII_DIGIT_RE.search(text) is not None
    return _DIGIT_RE.search(text) is not None


def indexable(gate: Gate) -> bool:
    """Whether a gate has literals, all of which can go in a
    :class:`LiteralIndex`. A one-letter literal ("c" of "5 °C") cannot: it
    is in nearly every line, and would make the scan report most of the
    document. (A one-character symbol, "©", can.) Such gates stay per-line
    checks."""
    return gate.must is not None and not any(
        len(literal) < 2 and (literal.isalnum() or literal.isspace()) for literal in gate.must)


class LiteralIndex:
    """The literals and prefixes of many gates, found in one pass over a text
    of case-folded lines.

    A gate is indexed by its ``must`` literals or by its ``prefixes`` (a
    prefix is looked for as ``"\\n" + prefix``, in a text that starts with
    a line break: at the start of a line). The automaton is a DFA
    (ahocorasick-rs) over UTF-8 bytes reporting overlapping matches, so every
    occurrence of every string is found: a literal contained in another
    ("comment" in "no comments") is not hidden by it. (UTF-8 is
    self-synchronizing, so a byte match of a string is a match of its
    characters; bytes spare the library a conversion of every offset.)
    """

    def __init__(self, by_literals: dict[int, Gate], by_prefixes: dict[int, Gate]) -> None:
        import ahocorasick_rs

        owners: dict[str, set[int]] = {}
        for number, gate in by_literals.items():
            for literal in gate.must or ():
                owners.setdefault(literal, set()).add(number)
        for number, gate in by_prefixes.items():
            for prefix in gate.prefixes or ():
                owners.setdefault("\n" + prefix, set()).add(number)
        self.strings = tuple(sorted(owners))
        self.owners = tuple(frozenset(owners[string]) for string in self.strings)
        # where a match starts, from the start of the line it lies in
        self._offsets = tuple(1 if string[0] == "\n" else 0 for string in self.strings)
        self._automaton = ahocorasick_rs.BytesAhoCorasick(
            [string.encode() for string in self.strings],
            implementation=ahocorasick_rs.Implementation.DFA)

    def owners_by_line(self, folded: bytes) -> dict[int, set[int]]:
        """For a text of case-folded lines joined by ``\\n``, in UTF-8 (see
        :func:`fold_utf8`): line number -> the gates that admit the line
        (lines no gate admits are left out). Time is linear in the text and
        the matches: lines are counted between matches, not listed."""
        text = b"\n" + folded
        found: dict[int, set[int]] = {}
        matches = self._automaton.find_matches_as_indexes(text, overlapping=True)
        if not matches:
            return found
        owners, offsets = self.owners, self._offsets
        # (overlapping matches come in order of their ends, not their starts)
        places = sorted((start + offsets[string], string) for string, start, _ in matches)
        line, counted = -1, 0
        for place, string in places:
            line += text.count(b"\n", counted, place + 1)
            counted = place + 1
            gates = found.get(line)
            if gates is None:
                found[line] = set(owners[string])
            else:
                gates.update(owners[string])
        return found


_ASCII = bytes(range(128))


def fold_utf8(text: str) -> bytes:
    """``text.casefold()`` in UTF-8 (lone surrogates passed through), exactly.
    ``str.casefold`` maps one character at a time, so a text whose non-ASCII
    characters it leaves alone folds to its ASCII lowering, which on bytes is
    several times faster: most English text has only curly quotes and
    dashes. The non-ASCII characters are found by deleting the ASCII bytes;
    when they are many (another script) the text is folded at once."""
    encoded = text.encode("utf-8", "surrogatepass")
    if not text.isascii():
        odd = encoded.translate(None, _ASCII)
        if len(odd) * 8 > len(encoded):
            return text.casefold().encode("utf-8", "surrogatepass")
        characters = odd.decode("utf-8", "surrogatepass")
        if characters.casefold() != characters:
            return text.casefold().encode("utf-8", "surrogatepass")
    return encoded.lower()


def literal_regex(literals) -> re.Pattern:
    """One stdlib regex finding any of ``literals`` (longest first)."""
    return re.compile("|".join(map(re.escape, sorted(literals, key=len, reverse=True))))


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the analysis knows of a piece of pattern."""

    #: every string the piece can match (when few and all literal), else None
    exact: frozenset[str] | None
    #: literals one of which every match contains, else None
    must: frozenset[str] | None
    #: strings one of which every match starts with, else None
    prefixes: frozenset[str] | None


_EMPTY = _Shape(frozenset({""}), None, frozenset({""}))
_OPAQUE = _Shape(None, None, None)


def gate_for(pattern: str) -> Gate:
    """The gate of a pattern (open when the pattern cannot be analysed)."""
    try:
        parsed = sre_parse.parse(_NAMED_GROUP_RE.sub("(?:", _PROPERTY_RE.sub(".", pattern)))
        items = list(parsed)
        shape = _sequence(items)
    except (re.error, RecursionError, OverflowError, ValueError, TypeError):
        return OPEN
    anchored = bool(items) and items[0][0] is sre_constants.AT \
        and items[0][1] in (sre_constants.AT_BEGINNING, sre_constants.AT_BEGINNING_STRING)
    prefixes = shape.prefixes if anchored and shape.prefixes and "" not in shape.prefixes \
        else None
    must = _best(shape)
    return Gate(tuple(sorted(prefixes)) if prefixes else None,
                tuple(sorted(_minimal(must))) if must else None, _needs_digit(items))


def _needs_digit(items) -> bool:
    """Whether every match of a sequence holds a decimal digit: some piece
    of it must match one (a literal digit, ``\\d``, a class of digits only,
    repeated at least once, or one in every alternative)."""
    return any(_item_needs_digit(op, av) for op, av in items)


def _item_needs_digit(op, av) -> bool:
    c = sre_constants
    if op is c.LITERAL:
        return has_digit(chr(av))
    if op is c.IN:
        return bool(av) and all(
            (kind is c.CATEGORY and value in (c.CATEGORY_DIGIT, c.CATEGORY_UNI_DIGIT))
            or (kind is c.LITERAL and has_digit(chr(value)))
            or (kind is c.RANGE and value[1] - value[0] < MAX_CLASS_CHARS
                and all(has_digit(chr(code)) for code in range(value[0], value[1] + 1)))
            for kind, value in av)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _, body = av
        return low >= 1 and _needs_digit(list(body))
    if op is c.SUBPATTERN:
        return _needs_digit(list(av[-1]))
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _needs_digit(list(av))
    if op is c.BRANCH:
        return all(_needs_digit(list(seq)) for seq in av[1])
    return False


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """Drop every string that contains another one (it adds nothing).
    Shortest first: a string is kept unless one already kept is in it (what
    contains a dropped string contains the kept one inside that)."""
    kept: list[str] = []
    for string in sorted(strings, key=len):
        if not any(other in string for other in kept):
            kept.append(string)
    return frozenset(kept)


def _best(shape: _Shape) -> frozenset[str] | None:
    """The more selective of a piece's ``must`` and ``exact`` sets."""
    options = [s for s in (shape.must, shape.exact) if s and "" not in s]
    return max(options, key=_selectivity, default=None)


def _selectivity(strings: frozenset[str]) -> tuple[int, int]:
    return min(len(s.strip()) for s in strings), -len(strings)


def _product(left: frozenset[str] | None, right: frozenset[str] | None,
             limit: int = MAX_STRINGS) -> frozenset[str] | None:
    if left is None or right is None or len(left) * len(right) > limit:
        return None
    return frozenset(a + b for a in left for b in right)


def _sequence(items) -> _Shape:
    shapes = []
    text: list[str] = []  # a run of literal characters becomes one string
    for op, av in items:
        if op is sre_constants.LITERAL:
            text.append(chr(av).casefold())
            continue
        if text:
            shapes.append(_string("".join(text)))
            text = []
        shapes.append(_item(op, av))
    if text:
        shapes.append(_string("".join(text)))
    exact: frozenset[str] | None = frozenset({""})
    candidates: list[frozenset[str]] = []
    run: frozenset[str] | None = frozenset({""})
    for shape in shapes:
        if shape.must:
            candidates.append(shape.must)
        if shape.exact is not None:
            run = _product(run, shape.exact) if run is not None else shape.exact
            if run is not None and "" not in run:
                candidates.append(run)
        else:
            run = frozenset({""})
        exact = _product(exact, shape.exact) if exact is not None else None
    return _Shape(exact, max(candidates, key=_selectivity, default=None), _prefixes(shapes))


def _prefixes(shapes: list[_Shape]) -> frozenset[str] | None:
    """Strings every match of the concatenation starts with: the exact
    strings of the leading pieces, then the prefixes of the first piece that
    is not exact, cut to PREFIX_CHARS."""
    known: frozenset[str] = frozenset({""})
    for shape in shapes:
        if all(len(p) >= PREFIX_CHARS for p in known):
            break
        if shape.exact is not None:
            grown = _product(known, shape.exact, MAX_PREFIXES)
        elif shape.prefixes is not None:
            grown = _product(known, shape.prefixes, MAX_PREFIXES)
        else:
            grown = None
        if grown is None:
            break
        known = frozenset(p[:PREFIX_CHARS] for p in grown)
        if shape.exact is None:
            break  # what follows a piece of unknown length is not a prefix
    return known


def _literal(code: int) -> _Shape:
    return _string(chr(code).casefold())


def _string(folded: str) -> _Shape:
    strings = frozenset({folded})
    return _Shape(strings, None, strings)


def _item(op, av) -> _Shape:
    c = sre_constants
    if op is c.LITERAL:
        return _literal(av)
    if op is c.IN:
        return _class(av)
    if op is c.AT or op is c.ASSERT_NOT or op is c.ASSERT:
        return _EMPTY  # zero-width: matches no character
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, high, body = av
        return _repeat(low, high, _sequence(list(body)))
    if op is c.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op is c.BRANCH:
        return _branch([_sequence(list(seq)) for seq in av[1]])
    if op is c.CATEGORY and av in (c.CATEGORY_SPACE, c.CATEGORY_UNI_SPACE):
        return _Shape(_SPACE, None, _SPACE)  # in a collapsed line, a space
    return _OPAQUE


def _class(members) -> _Shape:
    chars: set[str] = set()
    for op, av in members:
        if op is sre_constants.LITERAL:
            chars.add(chr(av).casefold())
        elif op is sre_constants.RANGE and av[1] - av[0] < MAX_CLASS_CHARS:
            chars.update(chr(code).casefold() for code in range(av[0], av[1] + 1))
        elif op is sre_constants.CATEGORY and av in (sre_constants.CATEGORY_SPACE,
                                                     sre_constants.CATEGORY_UNI_SPACE):
            chars.add(" ")
        else:
            return _OPAQUE
        if len(chars) > MAX_CLASS_CHARS:
            return _OPAQUE
    exact = frozenset(chars)
    return _Shape(exact, None, exact)


def _repeat(low: int, high, body: _Shape) -> _Shape:
    if body.exact == _SPACE:  # a run of whitespace is one space in a collapsed line
        return _Shape(frozenset({"", " "}) if low == 0 else _SPACE, None,
                      frozenset({""}) if low == 0 else _SPACE)
    if low == 0:
        exact = body.exact | {""} if high == 1 and body.exact is not None else None
        return _Shape(exact, None, frozenset({""}))
    exact = body.exact if low == high == 1 else None
    return _Shape(exact, body.must or _best(body), body.prefixes)


def _branch(shapes: list[_Shape]) -> _Shape:
    """Alternatives: a match is a match of one of them. Sets grow in place
    and are given up as soon as they pass their limit (a pattern of 20,000
    alternatives must not take quadratic time)."""
    exact: set[str] | None = set()
    must: set[str] | None = set()
    prefixes: set[str] | None = set()
    for shape in shapes:
        if exact is not None:
            exact = None if shape.exact is None or len(exact) > MAX_STRINGS \
                else _grow(exact, shape.exact)
        if must is not None:
            best = _best(shape)
            must = None if not best or len(must) > MAX_LITERALS else _grow(must, best)
        if prefixes is not None:
            prefixes = None if shape.prefixes is None or len(prefixes) > MAX_PREFIXES \
                else _grow(prefixes, {p[:PREFIX_CHARS] for p in shape.prefixes})
    return _Shape(_capped(exact, MAX_STRINGS), _capped(must, MAX_LITERALS),
                  _capped(prefixes, MAX_PREFIXES))


def _grow(into: set[str], more) -> set[str]:
    into.update(more)
    return into


def _capped(strings: set[str] | None, limit: int) -> frozenset[str] | None:
    return None if strings is None or len(strings) > limit else frozenset(strings)
