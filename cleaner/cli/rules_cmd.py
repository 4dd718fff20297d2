"""``cleaner rules list | show ID | check [DIR]``."""

from __future__ import annotations

import argparse
import sys
import textwrap


def register(sub) -> None:
    parser = sub.add_parser("rules", help="list, show and check rules")
    rsub = parser.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    listing = rsub.add_parser("list", help="one line per rule")
    listing.add_argument("--rules", action="append", default=[], metavar="DIR")
    listing.set_defaults(run=run_list)
    show = rsub.add_parser("show", help="one rule in full, with its examples")
    show.add_argument("rule_id", metavar="ID")
    show.add_argument("--rules", action="append", default=[], metavar="DIR")
    show.set_defaults(run=run_show)
    check = rsub.add_parser("check", help="validate a rule set and run all its examples")
    check.add_argument("dirs", nargs="*", metavar="DIR",
                       help="rule directories or files layered over the defaults")
    check.add_argument("--no-default-rules", action="store_true")
    check.set_defaults(run=run_check)


def run_list(args: argparse.Namespace) -> int:
    from ..ruleset import load_rules

    rules = load_rules(args.rules)
    for rule in rules.rules:
        where = rule.region if rule.within is None else f"{rule.region}:{rule.within}"
        print(f"{rule.id:<8} {rule.action:<14} {where:<12} {rule.name}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from ..ruleset import load_rules

    rules = load_rules(args.rules)
    rule = rules.get(args.rule_id.upper())
    if rule is None:
        print(f"cleaner: no rule with id {args.rule_id!r}", file=sys.stderr)
        return 2
    print(f"{rule.id}  {rule.name}")
    print(f"  action:  {rule.action}")
    where = rule.region if rule.within is None else f"{rule.region}, within {rule.within} lines"
    print(f"  where:   {where}")
    print(f"  source:  {rule.source}")
    if rule.languages:
        print(f"  languages: {', '.join(rule.languages)}")
    if rule.domains:
        print(f"  domains: {', '.join(rule.domains)}")
    print()
    print(textwrap.indent(textwrap.fill(" ".join(rule.description.split()), 76), "  "))
    print()
    if rule.phrases:
        print(f"  phrases ({len(rule.phrases)}): " + ", ".join(repr(p) for p in rule.phrases))
    if rule.pattern:
        print(f"  pattern (max {rule.max_words} words): {rule.pattern}")
    if rule.kind:
        print(f"  kind: {rule.kind} {rule.param_map or ''}".rstrip())
    for kind, examples in (("drop", rule.examples_drop), ("keep", rule.examples_keep)):
        print(f"\n  examples it must {kind}:")
        for example in examples:
            print(textwrap.indent(example.strip("\n"), "    | "))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ..examples import check_rule
    from ..ruleset import load_rules

    rules = load_rules(args.dirs, include_defaults=not args.no_default_rules)
    failures = 0
    checked = [r for r in rules.rules if not args.dirs or _in_dirs(r.source, args.dirs)]
    for rule in checked:
        if not rule.examples_drop or not rule.examples_keep:
            print(f"{rule.source}: rule {rule.id}: needs at least one drop and one keep example")
            failures += 1
        for failure in check_rule(rule, rules):
            print(f"{rule.source}: {failure}")
            failures += 1
    print(f"{len(checked)} rules checked, {failures} problems", file=sys.stderr)
    return 1 if failures else 0


def _in_dirs(source: str, dirs: list[str]) -> bool:
    from pathlib import Path

    path = Path(source).resolve()
    return any(path == Path(d).resolve() or Path(d).resolve() in path.parents for d in dirs)
