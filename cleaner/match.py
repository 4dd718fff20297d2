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
    #: The title the page's metadata gives (HTML input), if any.
    title_hint: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: first line of each block ``_expand_header`` took, this pass
    expanded_blocks: set[int] = field(default_factory=set)
    _keys: dict[int, str] = field(default_factory=dict)
    _prose: dict[int, bool] = field(default_factory=dict)
    _words: dict[int, int] = field(default_factory=dict)
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

    def words(self, index: int) -> int:
        """The line's word count (cached: detectors ask often)."""
        count = self._words.get(index)
        if count is None:
            count = self._words[index] = word_count(self.lines[index].text)
        return count

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
    region when a pass looks at it, and never on a line longer than the
    rule's ``max_words`` (so long prose lines cost one word count). Results
    are memoized per normalized line text, so repeated lines (a million
    copies of one row, a menu repeated down the page) cost one search per
    rule, and an adversarial line that times out costs one time-out however
    often it repeats. The order of a line's candidates is the rule set's
    order, phrases first.

    Lengths are those of the whitespace-collapsed line, the form the line has
    in the output: measuring the raw line let a short chrome line padded with
    spaces escape, then match when its output was cleaned again (found by the
    fuzzer, breaking idempotence).
    """

    def __init__(self, state: MatchState, ruleset: RuleSet) -> None:
        language, domain = state.options.language, state.domain
        self.state = state
        self.patterns = [c for c in ruleset.pattern_rules if c.rule.applies_to(language, domain)]
        self.max_words = max((c.rule.max_words or 0 for c in self.patterns), default=0)
        self.union = ruleset.pattern_union
        self.phrases: dict[int, list[Candidate]] = {}
        self._hits: dict[tuple[str, int], Candidate | None] = {}
        self._shape: dict[int, tuple[str, int]] = {}
        self._union: dict[str, bool] = {}
        self._anywhere: dict[int, list[tuple[int, Candidate]]] = {}
        self._timeouts: dict[str, int] = {}
        self._anywhere_numbers = [n for n, c in enumerate(self.patterns)
                                  if c.rule.region == "anywhere"]
        self._regional = [n for n, c in enumerate(self.patterns) if c.rule.region != "anywhere"]
        # The widest head and tail windows: a line outside both is given to
        # no regional rule, without asking each one.
        self._head = max((self.patterns[n].rule.within or 0 for n in self._regional
                          if self.patterns[n].rule.region == "head"), default=0)
        #: the widest tail window of any rule (phrase or pattern)
        self.tail_reach = max((r.within or 0 for r in ruleset.rules
                               if r.enabled and r.region == "tail"), default=0)
        self._tail = max((self.patterns[n].rule.within or 0 for n in self._regional
                          if self.patterns[n].rule.region == "tail"), default=0)
        index_of = ruleset.phrase_index
        for index, line in enumerate(state.lines):
            text = line.text
            if len(text) > MAX_KEY_CHARS and collapsed_longer_than(text, MAX_KEY_CHARS):
                continue
            if not text.strip():
                continue
            rules = index_of.get(state.key(index))
            if rules:
                hits = [Candidate(r) for r in rules if r.applies_to(language, domain)]
                if hits:
                    self.phrases[index] = hits

    def in_region(self, index: int, before: int, after: int) -> list[Candidate]:
        """The candidates of a line with ``before``/``after`` alive lines
        around it whose rules' regions admit it, in rule set order."""
        found = [c for c in self.phrases.get(index, ()) if in_region(c.rule, before, after)]
        if not self.patterns or self._words(index) > self.max_words:
            return found
        hits = []
        regional = self._regional if before < self._head or after < self._tail else ()
        for number in regional:
            if in_region(self.patterns[number].rule, before, after):
                hit = self._pattern(index, number)
                if hit is not None:
                    hits.append((number, hit))
        hits.extend(self._anywhere_hits(index))
        found.extend(hit for _, hit in sorted(hits, key=lambda pair: pair[0]))
        return found

    def has_own(self, index: int) -> bool:
        """Whether any rule (regions aside) matches the line by content."""
        if index in self.phrases:
            return True
        if not self.patterns or self._words(index) > self.max_words:
            return False
        return any(self._pattern(index, n) is not None for n in range(len(self.patterns)))

    def _anywhere_hits(self, index: int) -> list[tuple[int, Candidate]]:
        cached = self._anywhere.get(index)
        if cached is None:
            cached = []
            if self._anywhere_numbers and self._union_hit(self._line_shape(index)[0]):
                for number in self._anywhere_numbers:
                    hit = self._pattern(index, number)
                    if hit is not None:
                        cached.append((number, hit))
            self._anywhere[index] = cached
        return cached

    def _words(self, index: int) -> int:
        return self._line_shape(index)[1]

    def _line_shape(self, index: int) -> tuple[str, int]:
        shape = self._shape.get(index)
        if shape is None:
            text = self.state.lines[index].text
            # Too long for any rule: never split (a 50 MB line stays unread).
            if len(text) > MAX_LINE_CHARS and collapsed_longer_than(text, MAX_LINE_CHARS):
                shape = ("", self.max_words + 1)
            else:
                normalized = collapse_spaces(text)
                shape = (normalized, word_count(normalized) if normalized else
                         self.max_words + 1)
            self._shape[index] = shape
        return shape

    def _union_hit(self, normalized: str) -> bool:
        """The union prefilter for ``anywhere`` rules: one regex call per
        distinct line instead of one per rule."""
        if self.union is None:
            return True
        cached = self._union.get(normalized)
        if cached is None:
            try:
                cached = self.union.search(
                    normalized, timeout=self.state.options.pattern_timeout) is not None
            except TimeoutError:  # let the rules run one by one and name the slow one
                cached = True
            self._union[normalized] = cached
        return cached

    def _pattern(self, index: int, number: int) -> Candidate | None:
        normalized, words = self._line_shape(index)
        key = (normalized, number)
        if key in self._hits:
            return self._hits[key]
        compiled = self.patterns[number]
        hit = None
        if words <= (compiled.rule.max_words or 0) and (
                compiled.rule.region != "anywhere" or self._union_hit(normalized)):
            hit = self._search(compiled, normalized, self.state.lines[index].number)
        self._hits[key] = hit
        return hit

    def _search(self, compiled, normalized: str, number: int) -> Candidate | None:
        rule = compiled.rule
        if self._timeouts.get(rule.id, 0) >= MAX_TIMEOUTS_PER_RULE:
            return None
        try:
            hit = compiled.regex.search(normalized, timeout=self.state.options.pattern_timeout)
        except TimeoutError:
            if self.state.options.on_pattern_timeout == "fail":
                raise PatternTimeout(rule.id, rule.source, number) from None
            self._timeouts[rule.id] = self._timeouts.get(rule.id, 0) + 1
            self.state.warnings.append(
                f"rule {rule.id} ({rule.source}): pattern timed out on line {number}; "
                "line treated as not matched")
            if self._timeouts[rule.id] == MAX_TIMEOUTS_PER_RULE:
                self.state.warnings.append(
                    f"rule {rule.id} ({rule.source}): timed out {MAX_TIMEOUTS_PER_RULE} "
                    "times; not run on the rest of this document")
            return None
        if not hit:
            return None
        lifted = _lifted(hit.groupdict())
        return None if lifted is None else Candidate(rule, tuple(sorted(lifted.items())))


#: After this many time-outs in one document a rule's pattern is not run on
#: the rest of it (with ``on_pattern_timeout="skip"``): a hostile document of
#: many distinct adversarial lines then costs a few time-outs, not one per line.
MAX_TIMEOUTS_PER_RULE = 3


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
        if after >= candidates.tail_reach:
            break  # only tail rules can decide in this walk, and none reaches further
        if alive[n] not in state.decided and not _decide_line(
                state, candidates, alive, n, before=n, after=after):
            after += 1


def _decide_line(state: MatchState, candidates: Candidates, alive: list[int],
                 n: int, before: int, after: int) -> bool:
    """Decide alive line ``n`` by its first candidate whose region admits it,
    with ``before``/``after`` alive lines around it; returns whether it went."""
    index = alive[n]
    for candidate in candidates.in_region(index, before, after):
        rule = candidate.rule
        if rule.phrases and _continues(state, index, candidates):
            continue
        state.decide(index, rule, lifted=dict(candidate.lifted))
        if rule.action == DROP_SECTION:
            _expand_section(state, rule, alive, n, candidates)
        elif rule.action == STRIP_HEADER:
            _expand_header(state, rule, alive, n, candidates)
        return True
    return False


def _continues(state: MatchState, index: int, candidates: Candidates) -> bool:
    """The line runs on into the next one (the next non-blank line starts in
    lowercase and is not chrome itself): it is the start of a wrapped
    sentence ("Comments / from readers used to …"), not a label, whatever its
    words. Blank lines between do not count, because the output puts one
    between every two lines and cleaning it again must decide the same."""
    lines = state.lines
    following = index + 1
    while following < len(lines) and not lines[following].text.strip():
        following += 1
    if following >= len(lines) or following in state.decided:
        return False
    start = lines[following].text.lstrip()[:1]
    return start.islower() and not candidates.has_own(following)


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
        if not candidates.has_own(index):
            state.decide(index, rule)


def _expand_header(state: MatchState, rule: Rule, alive: list[int], start: int,
                   candidates: Candidates) -> None:
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
    anchor = alive[start]
    for index in range(first, last + 1):
        if index > anchor and state.prose(index):
            # A header is above the article: past the first prose line after
            # the anchor the block is body, and its short lines are subheadings
            # (one block when the input has no blank lines at all).
            break
        if index in state.decided or candidates.has_own(index):
            continue
        after = _next_content(state, index, candidates)
        if after is not None and state.prose(after):
            continue
        text = collapse_spaces(state.text(index))
        if word_count(text) <= HEADER_EXTRA_MAX_WORDS and len(text) <= HEADER_EXTRA_MAX_CHARS \
                and not state.prose(index) and not text.endswith("."):
            state.decide(index, rule)


def _next_content(state: MatchState, index: int, candidates: Candidates) -> int | None:
    """The first alive line after ``index`` that is not chrome (neither
    decided nor matched by any rule), or None."""
    lines = state.lines
    for later in range(index + 1, len(lines)):
        if later not in state.decided and lines[later].text.strip() \
                and not candidates.has_own(later):
            return later
    return None
