"""Rule files: load, validate, compile.

A rule file is TOML, data only: nothing in it is executed or imported. The
loader reads every file of a rule set, collects every problem it finds (each
naming the file, the rule id and, for TOML syntax, the line and column), and
raises one :class:`RuleSetError` listing them all, so nothing is ever cleaned
with a half-loaded rule set.

Layers: the default rules, then each ``--rules`` directory in order. A rule in
a later layer with an id that exists already replaces it in place; a file's
top-level ``disable = ["ID", …]`` switches rules off by id.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import regex

try:  # the same parser as the stdlib's tomllib, compiled (three times faster)
    import tomli as tomllib
except ImportError:  # pragma: no cover - tomli not installed: the stdlib parser
    import tomllib

from .errors import RuleSetError
from .model import ACTIONS, DROP_ELEMENT, DROP_SECTION, LIFT_METADATA, STRIP_HEADER
from .prefilter import OPEN, Gate
from .textshape import line_key

REGIONS = ("head", "tail", "anywhere")
ID_RE = regex.compile(r"^[A-Z]{2,5}[0-9]{3}$")
NAME_RE = regex.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Marks, in a multi-line example, the lines the rule must remove.
EXAMPLE_DROP_MARK = ">> "

RULE_KEYS = {
    "id", "name", "description", "action", "phrases", "pattern", "kind", "params",
    "where", "languages", "domains", "max_words", "case_sensitive", "examples", "enabled",
    "selectors",
}
WHERE_KEYS = {"region", "within"}
EXAMPLE_KEYS = {"drop", "keep"}
FILE_KEYS = {"rule", "disable", "description"}
DEFAULT_PATTERN_MAX_WORDS = 25


@dataclass(frozen=True)
class Rule:
    """One rule, as written in its file, validated.

    Exactly one of ``phrases``, ``pattern``, ``kind`` and ``selectors`` is
    set; ``selectors`` (CSS) go with the ``drop-element`` action and act on
    HTML before extraction. ``within`` is the size of the region in non-blank
    lines (None: the whole document).
    """

    id: str
    name: str
    description: str
    action: str
    source: str
    phrases: tuple[str, ...] = ()
    pattern: str | None = None
    kind: str | None = None
    selectors: tuple[str, ...] = ()
    params: tuple[tuple[str, Any], ...] = ()
    region: str = "anywhere"
    within: int | None = None
    languages: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    max_words: int | None = None
    case_sensitive: bool = False
    examples_drop: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()
    enabled: bool = True

    @cached_property
    def param_map(self) -> dict[str, Any]:
        """``params`` as a dict (built once: detectors read it on every
        pass; callers must not change it)."""
        return dict(self.params)

    def applies_to(self, language: str | None, domain: str | None) -> bool:
        """Whether the rule's language and domain scope admit a document."""
        if self.languages and language and language.split("-")[0].lower() not in self.languages:
            return False
        if self.domains:
            if not domain:
                return False
            return any(domain == d or domain.endswith("." + d) for d in self.domains)
        return True

    def to_dict(self) -> dict[str, Any]:
        """The rule as plain data (used for the fingerprint and ``rules show``)."""
        record: dict[str, Any] = {
            "id": self.id, "name": self.name, "description": self.description,
            "action": self.action, "source": self.source,
            "where": {"region": self.region, "within": self.within},
        }
        for key in ("phrases", "pattern", "kind", "selectors", "languages", "domains",
                    "max_words"):
            value = getattr(self, key)
            if value:
                record[key] = list(value) if isinstance(value, tuple) else value
        if self.params:
            record["params"] = self.param_map
        record["examples"] = {"drop": list(self.examples_drop), "keep": list(self.examples_keep)}
        return record


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    regex: Any = None  # regex.Pattern for pattern rules
    #: what a line needs for the pattern to match it (see cleaner.prefilter)
    gate: Gate = OPEN


@dataclass
class RuleSet:
    """A validated, compiled rule set. Cheap to share; pickles as its rules."""

    rules: tuple[Rule, ...]
    sources: tuple[str, ...] = ()
    phrase_index: dict[str, list[Rule]] = field(default_factory=dict, repr=False)
    pattern_rules: list[CompiledRule] = field(default_factory=list, repr=False)
    kind_rules: list[Rule] = field(default_factory=list, repr=False)
    #: match plans per (language, domain), built by cleaner.match
    _plans: dict = field(default_factory=dict, repr=False)
    _indexes: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._compile()

    def _compile(self) -> None:
        from .gatecache import GateCache, cache_dir

        gates = GateCache(cache_dir())
        self.phrase_index, self.pattern_rules, self.kind_rules = {}, [], []
        for rule in self.rules:
            if not rule.enabled:
                continue
            if rule.phrases:
                for phrase in rule.phrases:
                    self.phrase_index.setdefault(line_key(phrase), []).append(rule)
            elif rule.pattern is not None:
                self.pattern_rules.append(
                    CompiledRule(rule, compile_pattern(rule), gates.gate(rule.pattern)))
            elif rule.kind is not None:
                self.kind_rules.append(rule)
        gates.save()

    @cached_property
    def dom_rules(self) -> list[CompiledRule]:
        """The selector rules, compiled on first use: only HTML input needs
        them (and lxml, which compiling them imports)."""
        from .extract import compile_selectors

        return [CompiledRule(rule, compile_selectors(rule.selectors))
                for rule in self.rules if rule.enabled and rule.selectors]

    def __reduce__(self):
        return (RuleSet, (self.rules, self.sources))

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the rules' content: two runs with equal fingerprints used
        the same rules. Computed once (it serializes every rule, about 2 ms:
        the JSONL output and the datatrove step name it in every record)."""
        payload = json.dumps(
            [r.to_dict() | {"source": Path(r.source).name} for r in self.rules if r.enabled],
            sort_keys=True, ensure_ascii=False, default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def only(self, rule_ids: Iterable[str]) -> RuleSet:
        """A rule set with just the named rules (used to test a rule alone)."""
        wanted = set(rule_ids)
        return RuleSet(tuple(r for r in self.rules if r.id in wanted), self.sources)


def pattern_flags(case_sensitive: bool) -> int:
    """The flags every rule pattern is compiled with."""
    flags = regex.UNICODE | regex.VERSION1
    if not case_sensitive:
        flags |= regex.IGNORECASE
    return flags


#: Case-insensitive patterns use simple case folding ("(?-f)": version 1
#: of the regex module turns full folding on with IGNORECASE). Full folding
#: (ß matching "ss", "ﬁ" matching "fi") made compiling the default rules
#: three times slower, and no default pattern needs it; phrase rules still
#: compare fully case-folded keys.
SIMPLE_CASE_FOLDING = "(?-f)"


def compile_rule_pattern(pattern: str, case_sensitive: bool) -> Any:
    """A rule's pattern, compiled as it runs (raises ``regex.error``)."""
    prefix = "" if case_sensitive else SIMPLE_CASE_FOLDING
    return regex.compile(prefix + pattern, pattern_flags(case_sensitive))


#: A ``tag#id`` or ``tag.class`` selector (nearly all DOM rules'): valid CSS
#: as it is, and matched by look-up tables in the extract stage.
SIMPLE_SELECTOR_RE = regex.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?([#.])([A-Za-z_][\w-]*)$")


def check_selectors(selectors: tuple[str, ...]) -> None:
    """Raise ValueError naming the first selector that is not valid CSS.
    Only a selector of another shape needs cssselect (and loading rules for
    text input imports neither it nor lxml)."""
    complex_ = [s for s in selectors if not SIMPLE_SELECTOR_RE.match(s.strip())]
    if not complex_:
        return
    from cssselect import GenericTranslator, SelectorError

    for selector in complex_:
        try:
            GenericTranslator().css_to_xpath(selector)
        except SelectorError as exc:
            raise ValueError(f"bad CSS selector: {exc}") from None


def compile_pattern(rule: Rule) -> Any:
    return compile_rule_pattern(rule.pattern, rule.case_sensitive)


def default_rules_dir() -> Path:
    """The default rules: ``cleaner/_rules`` in a wheel, the checkout's
    top-level ``rules/`` in an editable install or a source tree."""
    packaged = Path(__file__).resolve().parent / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def load_rules(
    extra: Sequence[str | Path] = (), include_defaults: bool = True
) -> RuleSet:
    """Load the default rules (unless ``include_defaults`` is False) and each
    directory or file of ``extra`` as a later layer. Raises RuleSetError with
    every problem found."""
    layers: list[list[Path]] = []
    if include_defaults:
        layers.append(_toml_files(default_rules_dir()))
    problems: list[str] = []
    for item in extra:
        path = Path(item)
        if not path.exists():
            problems.append(f"{path}: no such rule file or directory")
            continue
        files = _toml_files(path) if path.is_dir() else [path]
        if not files:
            problems.append(f"{path}: no .toml rule files in this directory")
        layers.append(files)
    ordered: dict[str, Rule] = {}
    disabled: set[str] = set()
    sources: list[str] = []
    for files in layers:
        layer_ids: dict[str, str] = {}
        for file in files:
            sources.append(str(file))
            rules, disable = _load_file(file, problems)
            disabled.update(disable)
            for rule in rules:
                if rule.id in layer_ids:
                    problems.append(
                        f"{file}: rule {rule.id}: duplicate id (also in {layer_ids[rule.id]})"
                    )
                    continue
                layer_ids[rule.id] = str(file)
                ordered[rule.id] = rule
    if problems:
        raise RuleSetError(problems)
    unknown = sorted(disabled - set(ordered))
    if unknown:
        raise RuleSetError([f"disable names unknown rule id(s): {', '.join(unknown)}"])
    rules = tuple(r for r in ordered.values() if r.id not in disabled)
    return RuleSet(rules, tuple(sources))


def load_rule_text(text: str, source: str = "<string>") -> RuleSet:
    """Load one rule file given as a string (no defaults)."""
    problems: list[str] = []
    rules, _ = _parse(text, source, problems)
    if problems:
        raise RuleSetError(problems)
    return RuleSet(tuple(rules), (source,))


def _toml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.toml") if p.is_file())


def _load_file(path: Path, problems: list[str]) -> tuple[list[Rule], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read: {exc}")
        return [], []
    return _parse(text, str(path), problems)


def _parse(text: str, source: str, problems: list[str]) -> tuple[list[Rule], list[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{source}: invalid TOML: {exc}")
        return [], []
    _unknown_keys(data, FILE_KEYS, f"{source}", problems)
    disable = data.get("disable", [])
    if not _is_str_list(disable):
        problems.append(f"{source}: 'disable' must be a list of rule ids")
        disable = []
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        problems.append(f"{source}: 'rule' must be an array of tables ([[rule]])")
        return [], list(disable)
    rules = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_rules, start=1):
        rule = _validate_rule(raw, source, position, problems)
        # Duplicates within a file are found on the raw ids, so a duplicate
        # of a rule that is itself invalid is still reported.
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(rule_id, str) and rule_id in seen:
            problems.append(f"{source}: rule {rule_id}: duplicate id (also in {source})")
            continue
        if isinstance(rule_id, str):
            seen.add(rule_id)
        if rule is not None:
            rules.append(rule)
    return rules, list(disable)


def _validate_rule(raw: Any, source: str, position: int, problems: list[str]) -> Rule | None:
    if not isinstance(raw, dict):
        problems.append(f"{source}: rule #{position}: must be a table")
        return None
    rule_id = raw.get("id")
    where_am_i = f"{source}: rule {rule_id}" if isinstance(rule_id, str) else (
        f"{source}: rule #{position}")
    before = len(problems)

    def bad(message: str) -> None:
        problems.append(f"{where_am_i}: {message}")

    _unknown_keys(raw, RULE_KEYS, where_am_i, problems)
    if not isinstance(rule_id, str) or not ID_RE.match(rule_id):
        bad("'id' must be a family prefix of 2-5 capitals and 3 digits, like CMT001")
    for key in ("name", "description", "action"):
        if not isinstance(raw.get(key), str) or not raw.get(key, "").strip():
            bad(f"'{key}' is required and must be a non-empty string")
    name = raw.get("name")
    if isinstance(name, str) and not NAME_RE.match(name):
        bad(f"'name' must be kebab-case, not {name!r}")
    action = raw.get("action")
    if isinstance(action, str) and action not in ACTIONS:
        bad(f"unknown action {action!r}{_did_you_mean(action, ACTIONS)}; "
            f"valid: {', '.join(ACTIONS)}")
    matchers = [k for k in ("phrases", "pattern", "kind", "selectors") if k in raw]
    if len(matchers) != 1:
        bad("needs exactly one of 'phrases', 'pattern', 'kind' or 'selectors'")
    selectors = raw.get("selectors", [])
    if "selectors" in raw:
        if not _is_str_list(selectors) or not selectors:
            bad("'selectors' must be a non-empty list of CSS selectors")
            selectors = []
        else:
            try:
                check_selectors(tuple(selectors))
            except ValueError as exc:
                bad(str(exc))
        if action != DROP_ELEMENT:
            bad("'selectors' go with action 'drop-element'")
    elif action == DROP_ELEMENT:
        bad("action 'drop-element' needs 'selectors'")
    phrases = raw.get("phrases", [])
    if "phrases" in raw and (not _is_str_list(phrases) or not phrases):
        bad("'phrases' must be a non-empty list of strings")
        phrases = []
    elif any(not line_key(p) for p in phrases):
        bad("a phrase is empty once punctuation and spaces are trimmed")
    pattern = raw.get("pattern")
    if "pattern" in raw:
        if not isinstance(pattern, str) or not pattern:
            bad("'pattern' must be a non-empty string")
            pattern = None
        else:
            try:  # with the flags it will run with: regex's cache spares a second compile
                compile_rule_pattern(pattern, raw.get("case_sensitive") is True)
            except regex.error as exc:
                bad(f"pattern does not compile: {exc}")
    kind = raw.get("kind")
    if "kind" in raw:
        from .detectors import KINDS  # late: detectors import this module's types

        if kind not in KINDS:
            bad(f"unknown kind {kind!r}{_did_you_mean(str(kind), KINDS)}; "
                f"valid: {', '.join(KINDS)}")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        bad("'params' must be a table")
        params = {}
    region, within = _validate_where(raw.get("where", {}), bad)
    languages = raw.get("languages", [])
    if not _is_str_list(languages):
        bad("'languages' must be a list of ISO 639-1 codes")
        languages = []
    domains = raw.get("domains", [])
    if not _is_str_list(domains):
        bad("'domains' must be a list of domain names")
        domains = []
    max_words = raw.get("max_words")
    if max_words is not None and (not isinstance(max_words, int) or isinstance(max_words, bool)
                                  or max_words < 1):
        bad("'max_words' must be a positive integer")
        max_words = None
    if max_words is None and pattern is not None:
        max_words = DEFAULT_PATTERN_MAX_WORDS
    for key in ("case_sensitive", "enabled"):
        if key in raw and not isinstance(raw[key], bool):
            bad(f"'{key}' must be true or false")
    examples = raw.get("examples", {})
    if not isinstance(examples, dict):
        bad("'examples' must be a table with 'drop' and 'keep' lists")
        examples = {}
    _unknown_keys(examples, EXAMPLE_KEYS, f"{where_am_i}: examples", problems)
    for key in EXAMPLE_KEYS:
        if key in examples and not _is_str_list(examples[key]):
            bad(f"'examples.{key}' must be a list of strings")
    if action == LIFT_METADATA and pattern is not None and isinstance(pattern, str):
        try:
            if not compile_rule_pattern(pattern, raw.get("case_sensitive") is True).groupindex:
                bad("a lift-metadata pattern needs named groups, e.g. (?<author>…)")
        except regex.error:
            pass
    if action in (DROP_SECTION, STRIP_HEADER) and kind is not None:
        bad(f"action {action!r} expands from a phrase or pattern match, not a kind")
    if len(problems) > before:
        return None
    return Rule(
        id=rule_id, name=name, description=raw["description"].strip(), action=action,
        source=source, phrases=tuple(phrases), pattern=pattern, kind=kind,
        selectors=tuple(selectors),
        params=tuple(sorted(params.items())), region=region, within=within,
        languages=tuple(x.lower() for x in languages), domains=tuple(x.lower() for x in domains),
        max_words=max_words, case_sensitive=bool(raw.get("case_sensitive", False)),
        examples_drop=tuple(examples.get("drop", ())),
        examples_keep=tuple(examples.get("keep", ())),
        enabled=bool(raw.get("enabled", True)),
    )


def _validate_where(where: Any, bad) -> tuple[str, int | None]:
    if not isinstance(where, dict):
        bad("'where' must be a table like { region = \"tail\", within = 15 }")
        return "anywhere", None
    for key in where:
        if key not in WHERE_KEYS:
            bad(f"unknown key 'where.{key}'{_did_you_mean(key, WHERE_KEYS)}")
    region = where.get("region", "anywhere")
    if region not in REGIONS:
        bad(f"'where.region' must be one of {', '.join(REGIONS)}, not {region!r}")
        region = "anywhere"
    within = where.get("within")
    if within is not None and (not isinstance(within, int) or isinstance(within, bool)
                               or within < 1):
        bad("'where.within' must be a positive integer (lines)")
        within = None
    if region != "anywhere" and within is None:
        bad(f"region {region!r} needs 'within' (how many lines from that end)")
    return region, within


def _unknown_keys(data: Mapping[str, Any], known: set[str], where: str,
                  problems: list[str]) -> None:
    for key in data:
        if key not in known:
            problems.append(f"{where}: unknown key {key!r}{_did_you_mean(key, known)}")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
