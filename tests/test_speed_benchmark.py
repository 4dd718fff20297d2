"""benchmarks/speed.py's floor table: the rule sets it compares are the ones
it names, and it prints one row for each (it times, it asserts no speed)."""

from __future__ import annotations

from conftest import benchmark_script

from cleaner.match import match_plan
from cleaner.ruleset import load_rules

speed = benchmark_script("speed")

CHROMED = "Weather bar 5.2 C / London / Monday, December 23, 2024\n" \
    "Council approves the new tram line\n" \
    "The council approved the new tram line on Tuesday after a long debate about its cost.\n" \
    "Leave a comment\n"


def test_window_rules_are_the_detectors_and_the_head_and_tail_rules():
    rules = load_rules()
    ids = set(speed.window_rules(rules))
    by_id = {rule.id: rule for rule in rules.rules}
    assert "STR003" in ids and "HDR001" in ids  # a detector (meta-line), a head rule
    assert any(r.region == "tail" for r in map(by_id.get, ids))
    assert all(by_id[i].kind is not None or by_id[i].region != "anywhere" for i in ids)
    assert any(r.region == "anywhere" and r.kind is None for r in rules.rules
               if r.id not in ids)  # the rest stay on


def test_floor_cleaners_switch_off_what_their_labels_say():
    cleaners = speed.floor_cleaners()
    labels = list(cleaners)
    assert labels[0] == "default rules" and labels[2] == "no rules"
    assert labels[1] == f"without the {len(speed.window_rules(load_rules()))} window rules"
    default, windowless, bare = cleaners.values()
    plan = match_plan(windowless.rules, None, None)
    assert plan.detectors == () and plan.head == 0 and plan.tail == 0
    assert len(windowless.rules.rules) == len(default.rules.rules) - len(
        speed.window_rules(default.rules))
    assert bare.rules.rules == ()
    assert bare.clean(CHROMED).decisions == ()
    assert any(d.rule_id == "CMT001" for d in default.clean(CHROMED).decisions)


def test_floor_prints_a_row_per_rule_set(capsys):
    cases = [("small", [CHROMED] * 4), ("large", [CHROMED * 4])]
    sizes = {name: sum(len(d.encode()) for d in docs) / 1e6 for name, docs in cases}
    speed.floor(cases, sizes, quick=True)
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows[1:]] == [f"| {label}" for label in
                                                       speed.floor_cleaners()]
    for row in rows[1:]:
        cells = row.strip("| ").split(" | ")
        per_mb = [float(cell) for cell in cells[1:3]]
        ratio = float(cells[3])  # the small size against the cheaper of the two
        assert ratio >= 1 and abs(ratio - per_mb[0] / min(per_mb)) < 0.02
