"""Running a rule's own examples: what ``cleaner rules check`` and the test
suite both use, so a rule file is checked the same way everywhere.

Semantics:

- a one-line ``drop`` example is placed in a small article, in the rule's
  region, and must be removed by that rule (run alone, and in the full set);
- a one-line ``keep`` example, placed the same way, must survive the full
  rule set;
- a multi-line example is a whole document: the lines marked ``>> `` must be
  removed by the rule, and no other line may be removed by it;
- a ``drop-element`` (DOM) rule's examples are HTML snippets planted in a
  small article page: a drop snippet must be removed by the rule and none of
  its text may reach the output; a keep snippet's text must reach the output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from .model import Decision
from .options import Options
from .pipeline import run
from .ruleset import EXAMPLE_DROP_MARK, Rule, RuleSet

#: The article an example line is planted in. Title, three paragraphs.
CONTEXT_TITLE = "Council Approves New Budget After Long Debate"
CONTEXT_PARAGRAPHS = (
    "The city council approved the new budget on Tuesday evening after a debate that "
    "lasted more than six hours and drew hundreds of residents to the chamber.",
    "Supporters said the plan would fund road repairs and two new libraries, while critics "
    "argued that the increase in property taxes would hurt families on fixed incomes.",
    "The mayor is expected to sign the budget later this week, and the first projects "
    "could begin as early as next spring, according to officials.",
)


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    kind: str  # "drop" or "keep"
    example: str
    problem: str

    def __str__(self) -> str:
        shown = self.example
        if "\n" in shown:
            shown = shown.strip().splitlines()[0] + " …"
        return f"{self.rule_id} {self.kind} example {shown!r}: {self.problem}"


def context_document(rule: Rule, line: str) -> tuple[str, int]:
    """A small article with ``line`` planted in the rule's region; returns the
    document and the 1-based number of the planted line."""
    title, (p1, p2, p3) = CONTEXT_TITLE, CONTEXT_PARAGRAPHS
    if rule.region == "head":
        lines = [title, "", line, "", p1, "", p2, "", p3]
    elif rule.region == "tail":
        lines = [title, "", p1, "", p2, "", p3, "", line]
    else:
        lines = [title, "", p1, "", line, "", p2, "", p3]
    return "\n".join(lines) + "\n", lines.index(line) + 1


def parse_marked(example: str) -> tuple[str, set[int]]:
    """Strip ``>> `` marks from a multi-line example; returns the document and
    the numbers of the marked lines."""
    lines, marked = [], set()
    for number, line in enumerate(example.strip("\n").split("\n"), start=1):
        if line.startswith(EXAMPLE_DROP_MARK):
            marked.add(number)
            line = line[len(EXAMPLE_DROP_MARK):]
        lines.append(line)
    return "\n".join(lines) + "\n", marked


def check_rule(rule: Rule, ruleset: RuleSet, options: Options | None = None
               ) -> Iterator[ExampleFailure]:
    """Every way ``rule``'s examples fail, in the context of ``ruleset``."""
    options = options or Options()
    if not rule.enabled:  # an opt-in rule is checked as if switched on
        rule = replace(rule, enabled=True)
        ruleset = RuleSet(tuple(rule if r.id == rule.id else r for r in ruleset.rules),
                          ruleset.sources)
    if rule.domains:  # a site rule is checked on a page of its site
        options = options.with_overrides(url=f"https://{rule.domains[0]}/")
    alone = ruleset.only([rule.id])
    for kind, examples in (("drop", rule.examples_drop), ("keep", rule.examples_keep)):
        for example in examples:
            if rule.selectors:
                problem = _check_element(rule, alone if kind == "drop" else ruleset, options,
                                         example, kind)
            elif "\n" in example.strip("\n"):
                problem = _check_document(rule, ruleset, options, example)
            elif kind == "drop":
                problem = _check_drop_line(rule, alone, ruleset, options, example)
            else:
                problem = _check_keep_line(rule, ruleset, options, example)
            if problem:
                yield ExampleFailure(rule.id, kind, example, problem)


def context_page(snippet: str) -> str:
    """A small article page with ``snippet`` between its paragraphs."""
    p1, p2, p3 = (f"<p>{p}</p>" for p in CONTEXT_PARAGRAPHS)
    return (f"<!doctype html><html lang=\"en\"><head><title>{CONTEXT_TITLE}</title></head>"
            f"<body><article><h1>{CONTEXT_TITLE}</h1>{p1}{p2}{snippet}{p3}</article>"
            "</body></html>")


def _check_element(rule: Rule, rules: RuleSet, options: Options, snippet: str,
                   kind: str) -> str | None:
    from .evaluate import tokens

    result = run(context_page(snippet), rules, options.with_overrides(input_format="html")
                 ).result
    output = " ".join(tokens(result.text))
    snippet_text = " ".join(tokens(_html_text(snippet)))
    by_rule = [d for d in result.decisions if d.rule_id == rule.id]
    if kind == "drop":
        if not by_rule:
            return "no element removed by the rule"
        if snippet_text and snippet_text in output:
            return "the element's text reached the output"
        return None
    if by_rule:
        return f"removed by {rule.id}: {by_rule[0].text}"
    if snippet_text not in output:
        return "the snippet's text did not reach the output"
    return None


def _html_text(snippet: str) -> str:
    from .extract import html_text

    return html_text(snippet)


def _removed_by(decisions: tuple[Decision, ...]) -> dict[int, str]:
    return {d.line: d.rule_id for d in decisions}


def _check_drop_line(rule: Rule, alone: RuleSet, full: RuleSet, options: Options,
                     line: str) -> str | None:
    document, number = context_document(rule, line)
    removed = _removed_by(run(document, alone, options).result.decisions)
    if removed.get(number) != rule.id:
        return "not removed when the rule runs alone"
    removed = _removed_by(run(document, full, options).result.decisions)
    if number not in removed:
        return "not removed by the full rule set"
    return None


def _check_keep_line(rule: Rule, full: RuleSet, options: Options, line: str) -> str | None:
    document, number = context_document(rule, line)
    removed = _removed_by(run(document, full, options).result.decisions)
    if number in removed:
        return f"removed by {removed[number]}"
    return None


def _check_document(rule: Rule, full: RuleSet, options: Options, example: str) -> str | None:
    document, marked = parse_marked(example)
    removed = _removed_by(run(document, full, options).result.decisions)
    by_rule = {n for n, rid in removed.items() if rid == rule.id}
    missed = sorted(marked - by_rule)
    extra = sorted(by_rule - marked)
    problems = []
    if missed:
        problems.append(f"marked lines {missed} not removed by {rule.id} "
                        f"(removed by: {[removed.get(n) for n in missed]})")
    if extra:
        problems.append(f"unmarked lines {extra} removed by {rule.id}")
    return "; ".join(problems) or None
