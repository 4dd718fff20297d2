"""Every rule's embedded examples run as their own test (``pytest -k CMT001``),
and a meta-test holds every rule to the documentation bar."""

from __future__ import annotations

import pytest

from cleaner import load_rules
from cleaner.examples import check_rule
from cleaner.ruleset import ID_RE

RULES = load_rules()


def _cases():
    for rule in RULES.rules:
        for kind, examples in (("drop", rule.examples_drop), ("keep", rule.examples_keep)):
            for n, example in enumerate(examples):
                yield pytest.param(rule, kind, example, id=f"{rule.id}-{kind}-{n}")


@pytest.mark.parametrize(("rule", "kind", "example"), list(_cases()))
def test_rule_example(rule, kind, example):
    from dataclasses import replace

    single = replace(rule, examples_drop=(example,) if kind == "drop" else (),
                     examples_keep=(example,) if kind == "keep" else ())
    failures = [str(f) for f in check_rule(single, RULES)]
    assert not failures, "\n".join(failures)


def test_every_rule_is_documented_and_exemplified():
    seen = set()
    for rule in RULES.rules:
        assert ID_RE.match(rule.id), rule.id
        assert rule.id not in seen, f"duplicate id {rule.id}"
        seen.add(rule.id)
        assert len(rule.description) >= 20, f"{rule.id}: description too short"
        assert rule.examples_drop, f"{rule.id}: needs a drop example"
        assert rule.examples_keep, f"{rule.id}: needs a keep example"


def test_names_are_unique():
    names = [r.name for r in RULES.rules]
    assert len(names) == len(set(names))
