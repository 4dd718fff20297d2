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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .batch import each
from .errors import PatternTimeout
from .limits import NO_DEADLINE, Deadline
from .model import DROP_SECTION, STRIP_HEADER, Decision
from .options import Options
from .prefilter import LiteralIndex, fold_utf8, has_digit, indexable
from .ruleset import Rule, RuleSet
from .textshape import (
    MAX_KEY_CHARS,
    SLICE_LINES,
    line_key,
    line_shapes,
    prose_flags,
    slices,
    trim_edges,
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


class MatchState:
    """The document as the matcher sees it while deciding.

    Detectors read it and call :meth:`decide`; they never remove anything.
    (A plain class, not a dataclass: compiled, its constructor is native
    code, and one is made for every document.)
    """

    def __init__(self, lines: tuple[str, ...], options: Options, domain: str | None,
                 title_hint: str | None = None, collapsed: list[str] | None = None,
                 word_counts: list[int] | None = None,
                 deadline: Deadline = NO_DEADLINE) -> None:
        #: the document's lines (``lines[i]`` is source line ``i + 1``)
        self.lines = lines
        self.options = options
        self.domain = domain
        self.decided: dict[int, Decision] = {}
        self.title: str | None = None
        #: The title the page's metadata gives (HTML input), if any.
        self.title_hint = title_hint
        self.warnings: list[str] = []
        #: when the document's time runs out (asked at every pass and by
        #: every pattern search)
        self.deadline = deadline
        #: first line of each block ``_expand_header`` took, this pass
        self.expanded_blocks: set[int] = set()
        #: each line whitespace-collapsed (the form it has in the output),
        #: and its word count: computed for the whole document at once
        if collapsed is None or word_counts is None or len(collapsed) != len(lines) \
                or len(word_counts) != len(lines):
            collapsed, word_counts = line_shapes(lines)
        self.collapsed: list[str] = collapsed
        self.word_counts: list[int] = word_counts
        self._keys: dict[int, str] = {}
        #: :func:`~cleaner.textshape.is_prose` of every line
        self.prose_flags: list[bool] = prose_flags(collapsed, word_counts)
        self._blocks: list[tuple[int, int]] | None = None
        self._alive: list[int] | None = None
        self._alive_at = -1

    def alive(self) -> list[int]:
        """Indexes of non-blank lines no rule has decided on, in order (a
        list shared until the next decision: callers must not change it)."""
        if self._alive_at != len(self.decided):
            if self._alive is None:
                self._alive = [i for i, text in enumerate(self.collapsed) if text]
            decided = self.decided
            self._alive = [i for i in self._alive if i not in decided]
            self._alive_at = len(decided)
        alive = self._alive
        assert alive is not None
        return alive

    def text(self, index: int) -> str:
        return self.lines[index]

    def short_keys(self) -> dict[int, str]:
        """The keys of every non-blank line of at most ``MAX_KEY_CHARS``
        characters (the lines a phrase may name), computed together: the
        lines are case-folded in one call, and a folded line that starts and
        ends with a letter or digit is its own key (a long run of mostly
        repeated lines folds each distinct line once: :func:`repetitive`).
        The keys are built into one dict, which becomes the state's memo of
        keys when that is still empty (a million-line document made three
        copies of a million entries before): read it before asking
        :meth:`key`, which adds to the memo."""
        collapsed = self.collapsed
        short = [i for i, text in enumerate(collapsed) if 0 < len(text) <= MAX_KEY_CHARS]
        keys: dict[int, str] = {}
        for _, part in slices(short, SLICE_LINES):  # (see textshape.SLICE_LINES)
            texts = [collapsed[i] for i in part]
            if repetitive(collapsed, part):  # each distinct line folded and trimmed once
                distinct = list(dict.fromkeys(texts))
                key_of = dict(zip(distinct, _keys_of(distinct), strict=True))
                for index, text in zip(part, texts, strict=True):
                    keys[index] = key_of[text]
                continue
            for index, key in zip(part, _keys_of(texts), strict=True):
                keys[index] = key
        if self._keys:
            self._keys.update(keys)
        else:
            self._keys = keys
        return keys

    def keys_known(self) -> dict[int, str]:
        """The keys computed so far, by line (for a fast look-up before
        :meth:`key`; callers must not change it)."""
        return self._keys

    def key(self, index: int) -> str:
        key = self._keys.get(index)
        if key is None:
            key = self._keys[index] = line_key(self.collapsed[index])
        return key

    def block(self, index: int) -> tuple[int, int]:
        """First and last index of the run of non-blank lines holding line
        ``index`` (computed for the whole document once)."""
        if self._blocks is None:
            self._blocks = []
            first = 0
            for i, text in enumerate(self.collapsed):
                if not text:
                    first = i + 1
                self._blocks.append((first, i))
            last = len(self.lines) - 1
            for i in range(len(self.lines) - 1, -1, -1):
                start = self._blocks[i][0]
                if not self.collapsed[i]:
                    last = i - 1
                self._blocks[i] = (start, last)
        return self._blocks[index]

    def words(self, index: int) -> int:
        """The line's word count (:func:`~cleaner.textshape.word_count`)."""
        return self.word_counts[index]

    def prose(self, index: int) -> bool:
        """:func:`~cleaner.textshape.is_prose` of the line."""
        return self.prose_flags[index]

    def decide(self, index: int, rule: Rule, action: str | None = None,
               lifted: dict[str, str] | None = None) -> bool:
        """Record that ``rule`` removes line ``index``; the first decision on
        a line wins. Returns whether a new decision was made."""
        if index in self.decided:
            return False
        self.decided[index] = Decision(
            rule.id, action or rule.action, index + 1, self.lines[index],
            tuple(sorted((lifted or {}).items())),
        )
        return True


#: A slice of at least this many lines is checked for repeats (below it,
#: folding every line costs less than finding the repeats), by the number
#: of distinct lines among its first REPEAT_SAMPLE.
REPEAT_MIN_LINES = 1024
REPEAT_SAMPLE = 256


def repetitive(texts: list[str], part: Sequence[int]) -> bool:
    """Whether the lines ``texts[i]`` for ``i`` in ``part`` are many and
    mostly repeats: fewer than half of the first :data:`REPEAT_SAMPLE` are
    distinct (a menu row down a long page, one line a million times). A
    guess from a sample, so a slice that repeats only further on is not
    found; the callers' results are the same either way, only their time
    differs."""
    return len(part) >= REPEAT_MIN_LINES and \
        len({texts[i] for i in part[:REPEAT_SAMPLE]}) * 2 < REPEAT_SAMPLE


def _keys_of(texts: list[str]) -> list[str]:
    """The keys of whitespace-collapsed non-empty lines of at most
    ``MAX_KEY_CHARS``: case-folded in one call (a folded line that starts
    and ends with a letter or digit is its own key)."""
    folded = "\n".join(texts).casefold().split("\n")
    return [text if text[0].isalnum() and text[-1].isalnum() else trim_edges(text)
            for text in folded]


def in_region(rule: Rule, before: int, after: int) -> bool:
    """Whether a line with ``before`` alive lines above it and ``after``
    below it lies in the rule's region."""
    if rule.region == "head":
        return before < (rule.within or 0)
    if rule.region == "tail":
        return after < (rule.within or 0)
    return True


def match(lines: tuple[str, ...], ruleset: RuleSet, options: Options,
          domain: str | None = None, title_hint: str | None = None,
          shapes: tuple[list[str], list[int]] | None = None,
          deadline: Deadline = NO_DEADLINE,
          ) -> tuple[tuple[Decision, ...], str | None, tuple[str, ...]]:
    """Decide which lines go. ``title_hint`` is a title known from elsewhere
    (the page's metadata); ``shapes`` is :func:`~cleaner.textshape.line_shapes`
    of the lines, when the caller has it. Returns the decisions in line order,
    the title (if a rule lifted one) and warnings (pattern time-outs).
    Raises InputError once ``deadline`` has passed: it is asked at every
    pass, and no pattern search runs beyond it."""
    return MatchJob(lines, options, domain, title_hint, shapes, deadline).run(ruleset)


class MatchJob:
    """One document to match in a batch (:func:`match_many`): the arguments
    of :func:`match`, then its matching under way, then its ``result`` (what
    :func:`match` returns) or its ``error``."""

    def __init__(self, lines: tuple[str, ...], options: Options, domain: str | None,
                 title_hint: str | None, shapes: tuple[list[str], list[int]] | None,
                 deadline: Deadline) -> None:
        self.lines = lines
        self.options = options
        self.domain = domain or document_domain(options.url)
        self.title_hint = title_hint
        self.shapes = shapes
        self.deadline = deadline
        self.error: Exception | None = None
        self.result: tuple[tuple[Decision, ...], str | None, tuple[str, ...]] | None = None
        self._state: MatchState | None = None
        self._plan: MatchPlan | None = None
        self._candidates: Candidates | None = None
        self._passes_left = pass_limit(len(lines))
        self._before: tuple[int, str | None] = (0, None)

    def run(self, ruleset: RuleSet) -> tuple[tuple[Decision, ...], str | None, tuple[str, ...]]:
        """Match the document alone: the phases of :func:`match_many` in
        turn (an exception propagates); returns the ``result``."""
        self.start(ruleset)
        while self.matching:
            self.walk()
            for position in range(self.detector_count):
                self.detect(position)
            self.end_pass()
        assert self.result is not None
        return self.result

    def start(self, ruleset: RuleSet) -> None:
        """Find the candidates (step 1); a blank document is done at once
        (every rule needs a line to decide)."""
        collapsed, counts = self.shapes if self.shapes is not None else (None, None)
        state = MatchState(self.lines, self.options, self.domain, title_hint=self.title_hint,
                           collapsed=collapsed, word_counts=counts, deadline=self.deadline)
        if not state.alive() and self.title_hint is None:
            self.result = ((), None, ())
            return
        self._state = state
        self._plan = match_plan(ruleset, self.options.language, self.domain)
        self._candidates = Candidates(state, self._plan)

    @property
    def matching(self) -> bool:
        """Whether another pass is to run."""
        return self.error is None and self.result is None

    def walk(self) -> None:
        """Begin a pass: decide the candidates the regions admit."""
        self.deadline.check()
        state, candidates = self._state, self._candidates
        assert state is not None and candidates is not None
        self._before = len(state.decided), state.title
        _decide_candidates(state, candidates)

    @property
    def detector_count(self) -> int:
        """How many detectors the document's plan runs on every pass."""
        return len(self._plan.detectors) if self._plan is not None else 0

    def detect(self, position: int) -> None:
        """Run the plan's detector at ``position`` (if it has one)."""
        plan, state = self._plan, self._state
        assert plan is not None and state is not None
        if position < len(plan.detectors):
            detector, rule = plan.detectors[position]
            detector(state, rule)

    def end_pass(self) -> None:
        """End a pass: the document is done when the pass decided nothing
        or no pass is left."""
        state = self._state
        assert state is not None
        self._passes_left -= 1
        if (len(state.decided), state.title) == self._before or self._passes_left <= 0:
            decisions = tuple([state.decided[i] for i in sorted(state.decided)])
            self.result = (decisions, state.title, tuple(state.warnings))
            self._state = self._candidates = None  # (a batch's done documents hold no state)


def match_many(jobs: list[MatchJob], ruleset: RuleSet) -> None:
    """Match a batch of documents, each exactly as :func:`match` alone would
    (see :mod:`cleaner.batch`): phase by phase across the batch, a pass at a
    time, until every document is done. Sets each job's ``result`` or
    ``error``."""
    each(jobs, lambda job: job.start(ruleset))
    active = [job for job in jobs if job.matching]
    while active:
        each(active, MatchJob.walk)
        for position in range(max(job.detector_count for job in active)):
            each(active, _detector_at(position))
        each(active, MatchJob.end_pass)
        active = [job for job in active if job.matching]


def _detector_at(position: int) -> Callable[[MatchJob], None]:
    """The phase that runs each document's detector at ``position``."""
    def detect(job: MatchJob) -> None:
        job.detect(position)
    return detect


def pass_limit(line_count: int) -> int:
    """How many passes a document of ``line_count`` lines may take."""
    return max(MAX_PASSES, PASS_BUDGET_LINES // max(1, line_count))


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


@dataclass(frozen=True)
class MatchPlan:
    """What a rule set means for documents of one language and domain:
    the rules that apply, in the order they are tried, and the region
    bounds derived from them. Built once per (language, domain) and kept
    on the rule set, so a document pays nothing for it."""

    language: str | None
    domain: str | None
    patterns: tuple  # CompiledRule, rule set order
    #: the structural rules with their detectors, in detector registry order
    detectors: tuple[tuple[Callable[[MatchState, Rule], None], Rule], ...]
    #: the rules gated by prefixes or by literals, in tiers by
    #: ``max_words``: each tier's prefixes and literals are found in one pass
    #: over the lines short enough for its rules (see :class:`LiteralIndex`),
    #: so the literals of a rule for short lines ("min" of "5 min read") are
    #: not looked for in paragraphs
    gate_tiers: tuple[tuple[int, LiteralIndex], ...]
    #: rules no document-wide gate covers (open gates, gates of one-letter
    #: literals): every line short enough for them is a candidate
    ungated: tuple[int, ...]
    #: region -> the longest line (in words) an ungated rule of the region
    #: may match (-1: the region has no ungated rule), and whether all of
    #: them need a digit in the line
    open_words: dict[str, int]
    open_digit: dict[str, bool]
    #: rules whose gate is not wholly applied document-wide (the literals
    #: of a prefix-gated rule, one-letter literals): it is checked on the
    #: line before the pattern runs
    rechecked: frozenset[int]
    #: each head or tail rule's number -> its ``max_words``, and how many
    #: alive lines may stand before (a head rule) or after (a tail rule)
    #: a line it matches (0 for the other end)
    regional_limits: dict[int, tuple[int, int, int]]
    #: numbers of the rules of each region
    anywhere_set: frozenset[int]
    head_set: frozenset[int]
    tail_set: frozenset[int]
    max_words: int
    head: int
    tail: int
    #: the widest tail window of any rule (phrase or pattern)
    tail_reach: int
    phrase_index: dict

    def phrase_rules(self, key: str) -> list[Rule]:
        """The applicable phrase rules of a line key, in rule set order."""
        rules = self.phrase_index.get(key)
        if not rules:
            return []
        return [r for r in rules if r.applies_to(self.language, self.domain)]


#: Word limits of the gate tiers (the last takes every longer limit).
GATE_TIERS = (16, 1 << 30)
#: Plans kept per rule set (one per language and domain seen); beyond this
#: the cache starts again, so a corpus of a million domains stays bounded.
MAX_PLANS = 4096


def match_plan(ruleset: RuleSet, language: str | None, domain: str | None) -> MatchPlan:
    """The (cached) plan of ``ruleset`` for a language and domain."""
    key = (language, domain)
    plan = ruleset._plans.get(key)
    if plan is None:
        if len(ruleset._plans) >= MAX_PLANS:
            ruleset._plans.clear()
        plan = ruleset._plans[key] = _build_plan(ruleset, language, domain)
    return plan


def _index(ruleset: RuleSet, patterns: tuple, by_literals: dict, by_prefixes: dict,
           ) -> LiteralIndex:
    """The index of some patterns' gates, shared by every plan that has the
    same patterns in the same tier (building the automaton is the costly
    part of a plan, and most domains' plans differ from the default in no
    rule, or in a few)."""
    key = (tuple(patterns[n].rule.id for n in by_literals),
           tuple(patterns[n].rule.id for n in by_prefixes), tuple(by_literals), tuple(by_prefixes))
    index = ruleset._indexes.get(key)
    if index is None:
        if len(ruleset._indexes) >= MAX_PLANS:
            ruleset._indexes.clear()
        index = ruleset._indexes[key] = LiteralIndex(by_literals, by_prefixes)
    return index


def _build_plan(ruleset: RuleSet, language: str | None, domain: str | None) -> MatchPlan:
    from .detectors import KINDS  # late: detectors import MatchState

    patterns = tuple(c for c in ruleset.pattern_rules if c.rule.applies_to(language, domain))
    regional = tuple(n for n, c in enumerate(patterns) if c.rule.region != "anywhere")
    order = {name: position for position, name in enumerate(KINDS)}
    kinds = sorted((r for r in ruleset.kind_rules if r.applies_to(language, domain)),
                   key=lambda r: order[r.kind or ""])
    ungated, rechecked = [], set()
    tiers: dict[int, tuple[dict, dict]] = {}
    for number, compiled in enumerate(patterns):
        gate = compiled.gate
        tier = next(t for t in GATE_TIERS if (compiled.rule.max_words or 0) <= t)
        literal_only = gate.prefixes is None and indexable(gate)
        if gate.prefixes is not None:
            tiers.setdefault(tier, ({}, {}))[1][number] = gate
        elif literal_only:
            tiers.setdefault(tier, ({}, {}))[0][number] = gate
        else:
            ungated.append(number)
        # what the DFA does not check is checked on the line, before the pattern
        if gate.digit or (gate.must is not None and not literal_only):
            rechecked.add(number)
    return MatchPlan(
        language=language,
        domain=domain,
        patterns=patterns,
        detectors=tuple((KINDS[rule.kind or ""], rule) for rule in kinds),
        gate_tiers=tuple((tier, _index(ruleset, patterns, *gates))
                         for tier, gates in sorted(tiers.items())),
        ungated=tuple(ungated),
        rechecked=frozenset(rechecked),
        open_words={region: max((patterns[n].rule.max_words or 0 for n in ungated
                                 if patterns[n].rule.region == region), default=-1)
                    for region in ("anywhere", "head", "tail")},
        open_digit={region: all(patterns[n].gate.digit for n in ungated
                                if patterns[n].rule.region == region)
                    for region in ("anywhere", "head", "tail")},
        regional_limits={n: _window_limits(patterns[n].rule) for n in regional},
        anywhere_set=frozenset(n for n, c in enumerate(patterns) if c.rule.region == "anywhere"),
        head_set=frozenset(n for n, c in enumerate(patterns) if c.rule.region == "head"),
        tail_set=frozenset(n for n, c in enumerate(patterns) if c.rule.region == "tail"),
        max_words=max((c.rule.max_words or 0 for c in patterns), default=0),
        head=max((patterns[n].rule.within or 0 for n in regional
                  if patterns[n].rule.region == "head"), default=0),
        tail=max((patterns[n].rule.within or 0 for n in regional
                  if patterns[n].rule.region == "tail"), default=0),
        tail_reach=max((r.within or 0 for r in ruleset.rules
                        if r.enabled and r.region == "tail"), default=0),
        phrase_index=ruleset.phrase_index,
    )


def _window_limits(rule: Rule) -> tuple[int, int, int]:
    """A head or tail rule's ``max_words``, and its window before and after."""
    within = rule.within or 0
    return (rule.max_words or 0, within if rule.region == "head" else 0,
            within if rule.region == "tail" else 0)


class Candidates:
    """Which rules match which lines.

    Phrase hits are found for every short line up front (one dict look-up
    each). Pattern rules never see most lines: each has a gate (see
    :mod:`cleaner.prefilter`) checked document-wide first, and only the
    lines some gate admits are given to the patterns, lazily: only when the
    line lies in a rule's region when a pass looks at it, and never when the
    line is longer than the rule's ``max_words``. Results are memoized per
    normalized line text, so repeated lines (a million copies of one row, a menu repeated down the
    page) cost one search per rule, and an adversarial line that times out
    costs one time-out however often it repeats. The order of a line's
    candidates is the rule set's order, phrases first.

    Lengths are those of the whitespace-collapsed line, the form the line has
    in the output: measuring the raw line let a short chrome line padded with
    spaces escape, then match when its output was cleaned again (found by the
    fuzzer, breaking idempotence).
    """

    def __init__(self, state: MatchState, plan: MatchPlan) -> None:
        self.state = state
        self.plan = plan
        self.patterns = plan.patterns
        self.tail_reach = plan.tail_reach
        self.phrases: dict[int, list[Candidate]] = {}
        self._hits: dict[tuple[str, int], Candidate | None] = {}
        self._anywhere: dict[int, list[tuple[int, Candidate]]] = {}
        self._timeouts: dict[str, int] = {}
        seen: dict[str, list[Candidate]] = {}  # per distinct key
        indexed = plan.phrase_index
        for index, key in state.short_keys().items():
            if key not in indexed:
                continue  # (most lines)
            hits = seen.get(key)
            if hits is None:
                hits = seen[key] = [Candidate(r) for r in plan.phrase_rules(key)]
            if hits:
                self.phrases[index] = hits
        self._folded: dict[int, str] = {}
        self._regional_rules: dict[int, tuple[tuple[int, int, int, int], ...]] = {}
        #: line -> numbers of the patterns whose document-wide gates admit it
        #: (unordered; the ungated patterns are not listed)
        self.admitted: dict[int, tuple[int, ...]] = {}
        #: lines some pattern's gate admits (any region), and those a gate
        #: of an ``anywhere``, a head and a tail rule admits; the lines an
        #: ungated head or tail rule may match are not listed but asked for
        #: (:meth:`open_to`) as the walks reach the windows: few lines do
        self.maybe: set[int] = set()
        self.anywhere_maybe: set[int] = set()
        self.head_maybe: set[int] = set()
        self.tail_maybe: set[int] = set()
        self._digits: dict[int, bool] = {}
        if self.patterns:
            self._gated()
        #: lines a rule may match wherever they stand: the walks call
        #: nothing for a line outside this set and the head/tail windows
        self.touched = self.anywhere_maybe | self.phrases.keys()

    def _eligible(self) -> list[int]:
        """Lines short enough for some pattern rule."""
        collapsed, counts, limit = self.state.collapsed, self.state.word_counts, \
            self.plan.max_words
        return [i for i, text in enumerate(collapsed)
                if text and counts[i] <= limit and len(text) <= MAX_LINE_CHARS]

    def _gated(self) -> None:
        """Find the eligible lines some gate admits (``maybe``), and which
        regions' rules they may match, document-wide: one scan per gate tier
        of the case-folded lines short enough for it, finding the prefixes
        and literals of all its gates at once (:meth:`_scan_gates`; a long
        run of mostly repeated lines scans each distinct line once, and its
        copies get what it got: :func:`repetitive`)."""
        plan, collapsed, counts = self.plan, self.state.collapsed, self.state.word_counts
        eligible = self._eligible()
        admitted = self.admitted
        # (a slice of lines at a time: see textshape.SLICE_LINES)
        for _, part in slices(eligible, SLICE_LINES):
            if not repetitive(collapsed, part):
                self._scan_gates(part)
                continue
            # each distinct line scanned once, in its first occurrence
            first: dict[str, int] = {}
            for index in part:
                first.setdefault(collapsed[index], index)
            self._scan_gates(list(first.values()))
            for index in part:
                owners = admitted.get(first[collapsed[index]])
                if owners is not None:
                    admitted[index] = owners
        self.maybe.update(admitted)
        if admitted:
            for rules, lines in ((plan.anywhere_set, self.anywhere_maybe),
                                 (plan.head_set, self.head_maybe),
                                 (plan.tail_set, self.tail_maybe)):
                lines.update(i for i, numbers in admitted.items()
                             if not rules.isdisjoint(numbers))
        # An ungated rule that may stand anywhere may match any line short
        # enough for it (with a digit, when they all need one): listed now.
        words = plan.open_words["anywhere"]
        if words >= 0:
            digits: dict[str, bool] = {}  # per distinct line
            open_lines = [i for i in eligible if counts[i] <= words and (
                not plan.open_digit["anywhere"] or _memo_digit(digits, collapsed[i]))]
            self.anywhere_maybe.update(open_lines)
            self.maybe.update(open_lines)

    def _scan_gates(self, part: Sequence[int]) -> None:
        """Add the lines of ``part`` (eligible, ascending) that gates admit
        to ``admitted``: one scan per gate tier of the case-folded lines
        short enough for it, folded once for every tier (a tier of shorter
        lines scans the folds of its own)."""
        plan, collapsed, counts = self.plan, self.state.collapsed, self.state.word_counts
        admitted = self.admitted
        folded = fold_utf8("\n".join([collapsed[i] for i in part]))
        folded_lines: list[bytes] | None = None
        for tier, index in plan.gate_tiers:
            scanned, text = part, folded
            if tier < plan.max_words:
                short = [k for k, i in enumerate(part) if counts[i] <= tier]
                if not short:
                    continue
                if len(short) < len(part):
                    if folded_lines is None:
                        folded_lines = folded.split(b"\n")
                    scanned = [part[k] for k in short]
                    text = b"\n".join([folded_lines[k] for k in short])
            for k, owners in index.owners_by_line(text).items():
                line = scanned[k]
                admitted[line] = admitted.get(line, ()) + tuple(owners)

    def open_to(self, index: int, region: str) -> bool:
        """Whether an ungated rule of ``region`` ("head" or "tail") may match
        the line: it is short enough for one, and has a digit when they all
        need one (remembered per line)."""
        words = self.plan.open_words[region]
        if words < 0 or not 0 < self.state.word_counts[index] <= words \
                or len(self.state.collapsed[index]) > MAX_LINE_CHARS:
            return False
        return not self.plan.open_digit[region] or self.has_digit(index)

    def has_digit(self, index: int) -> bool:
        """:func:`~cleaner.prefilter.has_digit` of the line (remembered: the
        open rules and the digit gates of the rechecked ones both ask)."""
        found = self._digits.get(index)
        if found is None:
            found = self._digits[index] = has_digit(self.state.collapsed[index])
        return found

    def _open_regional(self, index: int) -> bool:
        return self.open_to(index, "head") or self.open_to(index, "tail")

    def in_window(self, index: int, before: int, after: int) -> bool:
        """Whether a head or tail rule may match the line with ``before``
        and ``after`` alive lines around it: its gate admitted the line, or
        an ungated rule of that end may match it (a line too long for every
        such rule is refused without a call: most lines in a window)."""
        plan, counts = self.plan, self.state.word_counts
        return (before < plan.head and (index in self.head_maybe or (
            counts[index] <= plan.open_words["head"] and self.open_to(index, "head")))) \
            or (after < plan.tail and (index in self.tail_maybe or (
                counts[index] <= plan.open_words["tail"] and self.open_to(index, "tail"))))

    def folded(self, index: int) -> str:
        """The line, collapsed and case-folded (what gates read)."""
        folded = self._folded.get(index)
        if folded is None:
            folded = self._folded[index] = self.state.collapsed[index].casefold()
        return folded

    def in_region(self, index: int, before: int, after: int) -> list[Candidate]:
        """The candidates of a line with ``before``/``after`` alive lines
        around it whose rules' regions admit it, in rule set order."""
        phrases = self.phrases.get(index)
        found = [c for c in phrases if in_region(c.rule, before, after)] if phrases else []
        if index not in self.maybe and not self._open_regional(index):
            return found
        plan = self.plan
        hits = list(self._anywhere_hits(index)) if index in self.anywhere_maybe else []
        if before < plan.head or after < plan.tail:
            # (a rule's window is never wider than its region's widest one)
            for number, _, head_within, tail_within in self._regional(index):
                if before < head_within or after < tail_within:
                    hit = self._pattern(index, number)
                    if hit is not None:
                        hits.append((number, hit))
        if hits:
            if len(hits) > 1:
                hits.sort(key=lambda pair: pair[0])
            found.extend(hit for _, hit in hits)
        return found

    def _numbers(self, index: int) -> tuple[int, ...]:
        """The patterns that may match an eligible line: those whose
        document-wide gate admitted it, and the ungated ones."""
        return self.admitted.get(index, ()) + self.plan.ungated

    def _regional(self, index: int) -> tuple[tuple[int, int, int, int], ...]:
        """The head and tail rules whose gates admit the line and whose
        ``max_words`` it fits, with their limits (see
        :attr:`MatchPlan.regional_limits`); cached per line."""
        rules = self._regional_rules.get(index)
        if rules is None:
            plan, words = self.plan, self.state.word_counts[index]
            limits = plan.regional_limits
            rules = tuple((n, *limits[n]) for n in self._numbers(index)
                          if n in limits and words <= limits[n][0])
            rechecked = plan.rechecked
            if rules and any(rule[0] in rechecked for rule in rules):
                folded = self.folded(index)
                rules = tuple(rule for rule in rules if rule[0] not in rechecked
                              or self._admits(rule[0], index, folded))
            self._regional_rules[index] = rules
        return rules

    def has_own(self, index: int) -> bool:
        """Whether any rule (regions aside) matches the line by content."""
        if index in self.phrases:
            return True
        if index not in self.maybe and not self._open_regional(index):
            return False
        return any(self._pattern(index, n) is not None for n in self._numbers(index))

    def _admits(self, number: int, index: int, folded: str) -> bool:
        """Whether pattern ``number``'s gate admits the line (``folded``)."""
        gate = self.patterns[number].gate
        return gate.admits(folded, self.has_digit(index) if gate.digit else None)

    def _anywhere_hits(self, index: int) -> list[tuple[int, Candidate]]:
        cached = self._anywhere.get(index)
        if cached is None:
            cached = []
            anywhere = self.plan.anywhere_set
            for number in self._numbers(index):
                if number not in anywhere:
                    continue
                hit = self._pattern(index, number)
                if hit is not None:
                    cached.append((number, hit))
            self._anywhere[index] = cached
        return cached

    def _pattern(self, index: int, number: int) -> Candidate | None:
        normalized = self.state.collapsed[index]
        key = (normalized, number)
        if key in self._hits:
            return self._hits[key]
        compiled = self.patterns[number]
        hit = None
        if self.state.word_counts[index] <= (compiled.rule.max_words or 0) \
                and len(normalized) <= MAX_LINE_CHARS \
                and (number not in self.plan.rechecked
                     or self._admits(number, index, self.folded(index))):
            hit = self._search(compiled, normalized, index + 1)
        self._hits[key] = hit
        return hit

    def _search(self, compiled, normalized: str, number: int) -> Candidate | None:
        rule = compiled.rule
        if self._timeouts.get(rule.id, 0) >= MAX_TIMEOUTS_PER_RULE:
            return None
        options, deadline = self.state.options, self.state.deadline
        left = deadline.left()
        if left <= 0:
            raise deadline.expired()
        try:
            # (the document's time limit bounds the search too)
            hit = compiled.regex.search(normalized, timeout=min(options.pattern_timeout, left))
        except TimeoutError:
            if deadline.left() <= 0:
                raise deadline.expired() from None
            if options.on_pattern_timeout == "fail":
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


def _memo_digit(memo: dict[str, bool], text: str) -> bool:
    found = memo.get(text)
    if found is None:
        found = memo[text] = has_digit(text)
    return found


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
    decided, touched = state.decided, candidates.touched
    decided_before = len(decided)
    head, tail, in_window = candidates.plan.head, candidates.plan.tail, candidates.in_window
    last = len(alive) - 1
    before = 0
    for n, index in enumerate(alive):
        if index in decided:
            continue
        # A line no rule can match where it stands stays (and counts),
        # without a call: most lines, in most documents.
        quiet = index not in touched and not (
            (before < head or last - n < tail) and in_window(index, before, last - n))
        if quiet or not _decide_line(state, candidates, alive, n, before=before,
                                     after=last - n):
            before += 1
    if len(decided) == decided_before:
        # Nothing went: every line still alive, so the backward walk would
        # ask each line it reaches what the forward walk asked (``before``
        # was ``n`` and ``last - n`` the lines after it) and decide nothing.
        # (The last pass of every document; the only one of most.)
        return
    after = 0
    for n in range(last, -1, -1):
        if after >= candidates.tail_reach:
            break  # only tail rules can decide in this walk, and none reaches further
        index = alive[n]
        if index in decided:
            continue
        quiet = index not in touched and not (
            (n < head or after < tail) and in_window(index, n, after))
        if quiet or not _decide_line(state, candidates, alive, n, before=n, after=after):
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
    while following < len(lines) and not lines[following].strip():
        following += 1
    if following >= len(lines) or following in state.decided:
        return False
    start = lines[following].lstrip()[:1]
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
        text = state.collapsed[index]
        if state.words(index) <= HEADER_EXTRA_MAX_WORDS and len(text) <= HEADER_EXTRA_MAX_CHARS \
                and not state.prose(index) and not text.endswith("."):
            state.decide(index, rule)


def _next_content(state: MatchState, index: int, candidates: Candidates) -> int | None:
    """The first alive line after ``index`` that is not chrome (neither
    decided nor matched by any rule), or None."""
    lines = state.lines
    for later in range(index + 1, len(lines)):
        if later not in state.decided and lines[later].strip() \
                and not candidates.has_own(later):
            return later
    return None
