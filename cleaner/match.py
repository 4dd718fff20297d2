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
fixed point of the rule set: cleaning them again decides nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlsplit

from .errors import PatternTimeout
from .model import DROP_SECTION, STRIP_HEADER, Decision, Line
from .options import Options
from .ruleset import Rule, RuleSet
from .textshape import MAX_KEY_CHARS, collapse_spaces, is_prose, line_key, word_count

MAX_PASSES = 8
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
    #: The title the page's metadata gives (HTML input), if any.
    title_hint: str | None = None
    warnings: list[str] = field(default_factory=list)
    _keys: dict[int, str] = field(default_factory=dict)
    _prose: dict[int, bool] = field(default_factory=dict)

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


def in_region(rule: Rule, position: int, alive_count: int) -> bool:
    """Whether the ``position``-th alive line (0-based) lies in the rule's region."""
    if rule.region == "head":
        return position < (rule.within or 0)
    if rule.region == "tail":
        return position >= alive_count - (rule.within or 0)
    return True


def match(lines: tuple[Line, ...], ruleset: RuleSet, options: Options,
          domain: str | None = None, title_hint: str | None = None,
          ) -> tuple[tuple[Decision, ...], str | None, tuple[str, ...]]:
    """Decide which lines go. ``title_hint`` is a title known from elsewhere
    (the page's metadata). Returns the decisions in line order, the title (if
    a rule lifted one) and warnings (pattern time-outs)."""
    from .detectors import run_detector  # late: detectors import MatchState

    domain = domain or document_domain(options.url)
    state = MatchState(lines, options, domain, title_hint=title_hint)
    candidates = Candidates(state, ruleset)
    kind_rules = [r for r in ruleset.kind_rules if r.applies_to(options.language, domain)]
    for _ in range(MAX_PASSES):
        before = len(state.decided), state.title
        _decide_candidates(state, candidates)
        for rule in _ordered_kinds(kind_rules):
            run_detector(state, rule)
        if (len(state.decided), state.title) == before:
            break
    decisions = tuple(state.decided[i] for i in sorted(state.decided))
    return decisions, state.title, tuple(state.warnings)


def _ordered_kinds(rules: list[Rule]) -> list[Rule]:
    from .detectors import KINDS

    order = {name: position for position, name in enumerate(KINDS)}
    return sorted(rules, key=lambda r: order[r.kind])


def document_domain(url: str | None) -> str | None:
    """``https://www.ft.com/x`` -> ``ft.com``; None without a URL."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host.lower().removeprefix("www.") or None


@dataclass(frozen=True, slots=True)
class Candidate:
    rule: Rule
    lifted: tuple[tuple[str, str], ...] = ()


class Candidates:
    """Which rules match which lines.

    Phrase hits are found for every short line up front (one dict look-up
    each). Pattern rules run lazily: only on a line that lies in the rule's
    region when a pass looks at it, only once per (line, rule), and never on a
    line longer than the rule's ``max_words`` (so long prose lines cost one
    word count). The order of a line's candidates is the rule set's order,
    phrases first.
    """

    def __init__(self, state: MatchState, ruleset: RuleSet) -> None:
        language, domain = state.options.language, state.domain
        self.state = state
        self.patterns = [c for c in ruleset.pattern_rules if c.rule.applies_to(language, domain)]
        self.max_words = max((c.rule.max_words or 0 for c in self.patterns), default=0)
        self.union = ruleset.pattern_union
        self.phrases: dict[int, list[Candidate]] = {}
        self._hits: dict[tuple[int, int], Candidate | None] = {}
        self._shape: dict[int, tuple[str, int]] = {}
        self._union: dict[int, bool] = {}
        self._anywhere: dict[int, list[tuple[int, Candidate]]] = {}
        self._anywhere_numbers = [n for n, c in enumerate(self.patterns)
                                  if c.rule.region == "anywhere"]
        self._regional = [n for n, c in enumerate(self.patterns) if c.rule.region != "anywhere"]
        index_of = ruleset.phrase_index
        for index, line in enumerate(state.lines):
            text = line.text
            if len(text) > MAX_KEY_CHARS or not text.strip():
                continue
            rules = index_of.get(state.key(index))
            if rules:
                hits = [Candidate(r) for r in rules if r.applies_to(language, domain)]
                if hits:
                    self.phrases[index] = hits

    def in_region(self, index: int, position: int, alive_count: int) -> list[Candidate]:
        """The candidates of a line whose rules' regions admit it, in rule
        set order (phrases first)."""
        found = [c for c in self.phrases.get(index, ())
                 if in_region(c.rule, position, alive_count)]
        if not self.patterns or self._words(index) > self.max_words:
            return found
        hits = []
        for number in self._regional:
            if in_region(self.patterns[number].rule, position, alive_count):
                hit = self._pattern(index, number)
                if hit is not None:
                    hits.append((number, hit))
        hits.extend(self._anywhere_hits(index))
        found.extend(hit for _, hit in sorted(hits, key=lambda pair: pair[0]))
        return found

    def _anywhere_hits(self, index: int) -> list[tuple[int, Candidate]]:
        cached = self._anywhere.get(index)
        if cached is None:
            cached = []
            if self._anywhere_numbers and self._union_hit(index, self._line_shape(index)[0]):
                for number in self._anywhere_numbers:
                    hit = self._pattern(index, number)
                    if hit is not None:
                        cached.append((number, hit))
            self._anywhere[index] = cached
        return cached

    def has_own(self, index: int) -> bool:
        """Whether any rule (regions aside) matches the line by content."""
        if index in self.phrases:
            return True
        if not self.patterns or self._words(index) > self.max_words:
            return False
        return any(self._pattern(index, n) is not None for n in range(len(self.patterns)))

    def _words(self, index: int) -> int:
        return self._line_shape(index)[1]

    def _line_shape(self, index: int) -> tuple[str, int]:
        shape = self._shape.get(index)
        if shape is None:
            text = self.state.lines[index].text
            # A cheap upper bound first: a line with more spaces than any
            # rule's word limit allows is never given to a pattern.
            if text.count(" ") > 2 * self.max_words + 10 and text.isascii():
                shape = ("", self.max_words + 1)
            else:
                normalized = collapse_spaces(text)
                shape = (normalized, word_count(normalized))
            self._shape[index] = shape
        return shape

    def _union_hit(self, index: int, normalized: str) -> bool:
        """The union prefilter for ``anywhere`` rules: one regex call per line
        instead of one per rule."""
        if self.union is None:
            return True
        cached = self._union.get(index)
        if cached is None:
            try:
                cached = self.union.search(
                    normalized, timeout=self.state.options.pattern_timeout) is not None
            except TimeoutError:  # let the rules run one by one and name the slow one
                cached = True
            self._union[index] = cached
        return cached

    def _pattern(self, index: int, number: int) -> Candidate | None:
        key = (index, number)
        if key in self._hits:
            return self._hits[key]
        compiled = self.patterns[number]
        normalized, words = self._line_shape(index)
        hit = None
        if words <= (compiled.rule.max_words or 0) and (
                compiled.rule.region != "anywhere" or self._union_hit(index, normalized)):
            hit = _pattern_hit(self.state, index, compiled, normalized)
        self._hits[key] = hit
        return hit


def _pattern_hit(state: MatchState, index: int, compiled, normalized: str) -> Candidate | None:
    rule, line = compiled.rule, state.lines[index]
    try:
        hit = compiled.regex.search(normalized, timeout=state.options.pattern_timeout)
    except TimeoutError:
        if state.options.on_pattern_timeout == "fail":
            raise PatternTimeout(rule.id, rule.source, line.number) from None
        state.warnings.append(
            f"rule {rule.id} ({rule.source}): pattern timed out on line {line.number}; "
            "line treated as not matched")
        return None
    if not hit:
        return None
    lifted = _lifted(hit.groupdict())
    return None if lifted is None else Candidate(rule, tuple(sorted(lifted.items())))


def _lifted(groups: dict[str, str | None]) -> dict[str, str] | None:
    """The metadata a pattern hit lifts; None when a date group matched text
    that is not a date (then the line is not what the rule is about)."""
    from .detectors.metadata import DATE_FIELDS, normalize_lifted

    present = {k: v for k, v in groups.items() if v and v.strip()}
    lifted = normalize_lifted(present)
    if any(name in DATE_FIELDS and name not in lifted for name in present):
        return None
    return lifted


def _decide_candidates(state: MatchState, candidates: Candidates) -> None:
    alive = state.alive()
    for position, index in enumerate(alive):
        if index in state.decided:  # taken by an expansion earlier in this pass
            continue
        for candidate in candidates.in_region(index, position, len(alive)):
            rule = candidate.rule
            if rule.phrases and _continues(state, index):
                continue
            state.decide(index, rule, lifted=dict(candidate.lifted))
            if rule.action == DROP_SECTION:
                _expand_section(state, rule, alive, position, candidates)
            elif rule.action == STRIP_HEADER:
                _expand_header(state, rule, alive, position, candidates)
            break


def _continues(state: MatchState, index: int) -> bool:
    """The line runs on into the next one (no blank line between, the next
    starts in lowercase): it is the start of a wrapped sentence ("Comments /
    from readers used to …"), not a label, whatever its words."""
    following = index + 1
    if following >= len(state.lines):
        return False
    start = state.lines[following].text.lstrip()[:1]
    return start.islower()


def _expand_section(state: MatchState, rule: Rule, alive: list[int], start: int,
                    candidates: Candidates) -> None:
    """A chrome heading takes the list under it: the alive lines after it up
    to the first prose line. When prose follows the list, the list's last line
    is spared: it may be a real subheading introducing that prose. Lines that
    a rule of their own matches are left to that rule (the audit names the
    most specific rule), but the list runs on through them."""
    items: list[int] = []
    reached_prose = False
    limit = int(rule.param_map.get("max_items", 30))
    for index in alive[start + 1:]:
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
        if not candidates.has_own(index):
            state.decide(index, rule)


def _expand_header(state: MatchState, rule: Rule, alive: list[int], start: int,
                   candidates: Candidates) -> None:
    """A header anchor (a weather bar, a date bar) takes the short lines of its
    block: the contiguous non-blank lines around it. A line directly followed
    by prose is spared: it is the title (or a subheading), not header."""
    anchor = alive[start]
    following = dict(pairwise(alive))
    for index in _contiguous_block(state, anchor):
        if index == anchor or index in state.decided or candidates.has_own(index):
            continue
        after = following.get(index)
        if after is not None and state.prose(after):
            continue
        text = state.text(index).strip()
        if word_count(text) <= HEADER_EXTRA_MAX_WORDS and len(text) <= HEADER_EXTRA_MAX_CHARS \
                and not state.prose(index) and not text.endswith("."):
            state.decide(index, rule)


def _contiguous_block(state: MatchState, index: int) -> list[int]:
    lines = state.lines
    first = index
    while first > 0 and lines[first - 1].text.strip():
        first -= 1
    last = index
    while last + 1 < len(lines) and lines[last + 1].text.strip():
        last += 1
    return list(range(first, last + 1))
