"""Stage 4, match: rules -> decisions. Nothing is removed here.

How a document is matched:

1. Each short line's key is looked up in the phrase index (one dict look-up),
   and the pattern rules run on it; a line longer than a rule's ``max_words``
   is never given to that rule. This finds *candidates*, ignoring regions.
2. Passes repeat until one adds no decision: a candidate is decided when its
   rule's region admits the line (regions count the lines still alive, so a
   chrome line that was hidden behind other chrome is reached on the next
   pass); ``drop-section`` and ``strip-header`` extend from their anchor; then
   the structural detectors (``kind`` rules) run in their registry order.

Because passes repeat until nothing changes, the lines that survive are a
fixed point of the rule set: cleaning them again decides nothing new. (The
pass count is bounded by :func:`pass_limit`, which only an adversarial
document of more than about 250,000 lines can reach.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .errors import PatternTimeout
from .model import DROP_SECTION, STRIP_HEADER, Decision, Line
from .options import Options
from .ruleset import Rule, RuleSet
from .textshape import (
    MAX_KEY_CHARS,
    collapse_spaces,
    collapsed_longer_than,
    is_prose,
    line_key,
    word_count,
)

#: Passes always allowed; more are allowed while the document is small
#: enough that passes x lines stays within PASS_BUDGET_LINES (each pass is
#: linear, and stops the loop unless it decides something). Windowed
#: detectors can need many passes on adversarial documents (a long run of
#: alternating byline shapes at the top, found by the fuzzer); a fixed count
#: of 8 left lines for a second cleaning, breaking idempotence.
MAX_PASSES = 8
PASS_BUDGET_LINES = 2_000_000
#: Lines longer than this (whitespace collapsed) are prose: no rule looks at them.
MAX_LINE_CHARS = MAX_KEY_CHARS * 4
#: Header lines a strip-header block may take beside its anchor.
HEADER_EXTRA_MAX_WORDS = 4
HEADER_EXTRA_MAX_CHARS = 40


@dataclass
class MatchState:
    """The document as the matcher sees it while deciding.

    Detectors read it and call :meth:`decide`; they never remove anything.
    """

    lines: tuple[Line, ...]
    options: Options
    domain: str | None
    decided: dict[int, Decision] = field(default_factory=dict)
    title: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: first line of each block ``_expand_header`` took, this pass
    expanded_blocks: set[int] = field(default_factory=set)
    _keys: dict[int, str] = field(default_factory=dict)
    _prose: dict[int, bool] = field(default_factory=dict)
    _blocks: list[tuple[int, int]] | None = None

    def alive(self) -> list[int]:
        """Indexes of non-blank lines no rule has decided on, in order."""
        return [i for i, line in enumerate(self.lines)
                if i not in self.decided and line.text.strip()]

    def text(self, index: int) -> str:
        return self.lines[index].text

    def key(self, index: int) -> str:
        if index not in self._keys:
            self._keys[index] = line_key(self.lines[index].text)
        return self._keys[index]

    def block(self, index: int) -> tuple[int, int]:
        """First and last index of the run of non-blank lines holding line
        ``index`` (computed for the whole document once)."""
        if self._blocks is None:
            self._blocks = []
            first = 0
            for i, line in enumerate(self.lines):
                if not line.text.strip():
                    first = i + 1
                self._blocks.append((first, i))
            last = len(self.lines) - 1
            for i in range(len(self.lines) - 1, -1, -1):
                start = self._blocks[i][0]
                if not self.lines[i].text.strip():
                    last = i - 1
                self._blocks[i] = (start, last)
        return self._blocks[index]

    def prose(self, index: int) -> bool:
        if index not in self._prose:
            self._prose[index] = is_prose(self.lines[index].text)
        return self._prose[index]

    def decide(self, index: int, rule: Rule, action: str | None = None,
               lifted: dict[str, str] | None = None) -> bool:
        """Record that ``rule`` removes line ``index``; the first decision on
        a line wins. Returns whether a new decision was made."""
        if index in self.decided:
            return False
        line = self.lines[index]
        self.decided[index] = Decision(
            rule.id, action or rule.action, line.number, line.text,
            tuple(sorted((lifted or {}).items())),
        )
        return True


def in_region(rule: Rule, before: int, after: int) -> bool:
    """Whether a line with ``before`` alive lines above it and ``after``
    below it lies in the rule's region."""
    if rule.region == "head":
        return before < (rule.within or 0)
    if rule.region == "tail":
        return after < (rule.within or 0)
    return True


def match(lines: tuple[Line, ...], ruleset: RuleSet, options: Options,
          domain: str | None = None) -> tuple[tuple[Decision, ...], str | None, tuple[str, ...]]:
    """Decide which lines go. Returns the decisions in line order, the title
    (if a rule lifted one) and warnings (pattern time-outs)."""
    from .detectors import run_detector  # late: detectors import MatchState

    domain = domain or _domain(options.url)
    state = MatchState(lines, options, domain)
    candidates = _candidates(state, ruleset)
    kind_rules = [r for r in ruleset.kind_rules if r.applies_to(options.language, domain)]
    for _ in range(pass_limit(len(lines))):
        before = len(state.decided), state.title
        _decide_candidates(state, candidates)
        for rule in _ordered_kinds(kind_rules):
            run_detector(state, rule)
        if (len(state.decided), state.title) == before:
            break
    decisions = tuple(state.decided[i] for i in sorted(state.decided))
    return decisions, state.title, tuple(state.warnings)


def pass_limit(line_count: int) -> int:
    """How many passes a document of ``line_count`` lines may take."""
    return max(MAX_PASSES, PASS_BUDGET_LINES // max(1, line_count))


def _ordered_kinds(rules: list[Rule]) -> list[Rule]:
    from .detectors import KINDS

    order = {name: position for position, name in enumerate(KINDS)}
    return sorted(rules, key=lambda r: order[r.kind])


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host.lower().removeprefix("www.") or None


@dataclass(frozen=True, slots=True)
class Candidate:
    rule: Rule
    lifted: tuple[tuple[str, str], ...] = ()


def _candidates(state: MatchState, ruleset: RuleSet) -> dict[int, list[Candidate]]:
    """Which rules match which lines, regions aside (step 1).

    Pattern results are memoized per normalized line text within the
    document, so repeated lines (a million copies of one row, a menu repeated
    down the page) cost one search per rule, and an adversarial line that
    times out costs one time-out however often it repeats."""
    language, domain = state.options.language, state.domain
    phrase_index = ruleset.phrase_index
    patterns = [c for c in ruleset.pattern_rules if c.rule.applies_to(language, domain)]
    memo: dict[str, list[Candidate]] = {}
    timeouts: dict[str, int] = {}
    found: dict[int, list[Candidate]] = {}
    for index, line in enumerate(state.lines):
        text = line.text
        # Lengths are those of the whitespace-collapsed line, the form the
        # line has in the output: measuring the raw line let a short chrome
        # line padded with spaces escape, then match when its output was
        # cleaned again (found by the fuzzer, breaking idempotence).
        if len(text) > MAX_LINE_CHARS and collapsed_longer_than(text, MAX_LINE_CHARS):
            continue
        normalized = collapse_spaces(text)
        if not normalized:
            continue
        hits: list[Candidate] = []
        if len(normalized) <= MAX_KEY_CHARS:
            for rule in phrase_index.get(state.key(index), ()):
                if rule.applies_to(language, domain):
                    hits.append(Candidate(rule))
        if patterns:
            if normalized not in memo:
                memo[normalized] = list(_pattern_hits(state, line.number, normalized,
                                                      patterns, timeouts))
            hits.extend(memo[normalized])
        if hits:
            found[index] = hits
    return found


#: After this many time-outs in one document a rule's pattern is not run on
#: the rest of it (with ``on_pattern_timeout="skip"``): a hostile document of
#: many distinct adversarial lines then costs a few time-outs, not one per line.
MAX_TIMEOUTS_PER_RULE = 3


def _pattern_hits(state: MatchState, number: int, normalized: str, patterns,
                  timeouts: dict[str, int]) -> Iterator[Candidate]:
    words = word_count(normalized)
    for compiled in patterns:
        rule = compiled.rule
        if words > (rule.max_words or 0) or timeouts.get(rule.id, 0) >= MAX_TIMEOUTS_PER_RULE:
            continue
        try:
            hit = compiled.regex.search(normalized, timeout=state.options.pattern_timeout)
        except TimeoutError:
            if state.options.on_pattern_timeout == "fail":
                raise PatternTimeout(rule.id, rule.source, number) from None
            timeouts[rule.id] = timeouts.get(rule.id, 0) + 1
            state.warnings.append(
                f"rule {rule.id} ({rule.source}): pattern timed out on line {number}; "
                "line treated as not matched")
            if timeouts[rule.id] == MAX_TIMEOUTS_PER_RULE:
                state.warnings.append(
                    f"rule {rule.id} ({rule.source}): timed out {MAX_TIMEOUTS_PER_RULE} "
                    "times; not run on the rest of this document")
            continue
        if hit:
            lifted = _lifted(hit.groupdict())
            if lifted is not None:
                yield Candidate(rule, tuple(sorted(lifted.items())))


def _lifted(groups: dict[str, str | None]) -> dict[str, str] | None:
    """The metadata a pattern hit lifts; None when a date group matched text
    that is not a date (then the line is not what the rule is about)."""
    from .detectors.metadata import DATE_FIELDS, normalize_lifted

    present = {k: v for k, v in groups.items() if v and v.strip()}
    lifted = normalize_lifted(present)
    if any(name in DATE_FIELDS and name not in lifted for name in present):
        return None
    return lifted


def _decide_candidates(state: MatchState, candidates: dict[int, list[Candidate]]) -> None:
    """Decide the candidates whose rule's region admits their line (step 2).

    Regions are measured as the walks go: going forward, a head rule sees the
    line's place among the lines before it that are still alive; going
    backward, a tail rule its place among those after it. So a long run of
    head (or tail) chrome goes in one pass, not ``within`` lines per pass
    (with a fixed pass count, a run of dozens of date bars left lines for a
    second cleaning to find: the fuzzer's idempotence check caught it).
    Expansions can only make the counts larger than the truth, so a region
    is never overstated; the next pass catches up."""
    alive = state.alive()
    state.expanded_blocks.clear()
    last = len(alive) - 1
    before = 0
    for n, index in enumerate(alive):
        if index not in state.decided and not _decide_line(
                state, candidates, alive, n, before=before, after=last - n):
            before += 1
    after = 0
    for n in range(last, -1, -1):
        if alive[n] not in state.decided and not _decide_line(
                state, candidates, alive, n, before=n, after=after):
            after += 1


def _decide_line(state: MatchState, candidates: dict[int, list[Candidate]], alive: list[int],
                 n: int, before: int, after: int) -> bool:
    """Decide alive line ``n`` by its first candidate whose region admits it,
    with ``before``/``after`` alive lines around it; returns whether it went."""
    index = alive[n]
    for candidate in candidates.get(index, ()):
        rule = candidate.rule
        if not in_region(rule, before, after):
            continue
        state.decide(index, rule, lifted=dict(candidate.lifted))
        if rule.action == DROP_SECTION:
            _expand_section(state, rule, alive, n, candidates)
        elif rule.action == STRIP_HEADER:
            _expand_header(state, rule, alive, n, candidates)
        return True
    return False


def _expand_section(state: MatchState, rule: Rule, alive: list[int], start: int,
                    candidates: dict[int, list[Candidate]]) -> None:
    """A chrome heading takes the list under it: the alive lines after it up
    to the first prose line. When prose follows the list, the list's last line
    is spared: it may be a real subheading introducing that prose. Lines that
    a rule of their own matches are left to that rule (the audit names the
    most specific rule), but the list runs on through them."""
    items: list[int] = []
    reached_prose = False
    limit = int(rule.param_map.get("max_items", 30))
    for position in range(start + 1, len(alive)):
        index = alive[position]
        if index in state.decided:
            continue
        if state.prose(index):
            reached_prose = True
            break
        items.append(index)
        if len(items) > limit:
            return  # too long to be a list of links: leave it alone
    if reached_prose and items:
        items.pop()
    for index in items:
        if index not in candidates:
            state.decide(index, rule)


def _expand_header(state: MatchState, rule: Rule, alive: list[int], start: int,
                   candidates: dict[int, list[Candidate]]) -> None:
    """A header anchor (a weather bar, a date bar) takes the short lines of its
    block: the contiguous non-blank lines around it. A line followed by prose
    is spared: it is the title (or a subheading), not header. "Followed"
    looks past chrome (lines decided or matched by a rule): a title with a
    date bar under it (``Title / Monday, December 23, 2024 / prose``) is still
    followed by prose (found by the chrome-goes-prose-stays property).

    A block is expanded once per pass, however many anchors it holds (a block
    of 300,000 date bars would otherwise be walked once per anchor)."""
    first, last = state.block(alive[start])
    if first in state.expanded_blocks:
        return
    state.expanded_blocks.add(first)
    for index in range(first, last + 1):
        if index in state.decided or index in candidates:
            continue
        after = _next_content(state, index, candidates)
        if after is not None and state.prose(after):
            continue
        text = collapse_spaces(state.text(index))
        if word_count(text) <= HEADER_EXTRA_MAX_WORDS and len(text) <= HEADER_EXTRA_MAX_CHARS \
                and not state.prose(index) and not text.endswith("."):
            state.decide(index, rule)


def _next_content(state: MatchState, index: int,
                  candidates: dict[int, list[Candidate]]) -> int | None:
    """The first alive line after ``index`` that is not chrome (neither
    decided nor matched by any rule), or None."""
    lines = state.lines
    for later in range(index + 1, len(lines)):
        if later not in state.decided and later not in candidates and lines[later].text.strip():
            return later
    return None
