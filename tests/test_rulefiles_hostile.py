"""Hostile or broken rule files: every problem reported once with file and
rule id, nothing cleaned with a half-loaded rule set, runaway patterns stopped
by the regex timeout, and rule files that stay data."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest
from conftest import cleaner_command, runaway_rule

from cleaner import Cleaner, load_rules
from cleaner.errors import PatternTimeout, RuleSetError
from cleaner.ruleset import load_rule_text

PROSE = "The council approved the new budget on Tuesday evening after a long debate."
EVIL_LINE = "a" * 600 + "!"  # (a+)+$ backtracks exponentially on it

EVIL_RULE = runaway_rule("(a+)+$")

BROKEN = {
    "syntax.toml": '[[rule]]\nid = "BAD001"\nname = "unterminated\n',
    "problems.toml": '''
[[rule]]
id = "BAD002"
name = "wrong-types"
description = "Wrong types and an unknown key, all reported at once."
action = "drop-line"
phrases = "not a list"
colour = "blue"
max_words = "ten"

[[rule]]
id = "BAD003"
name = "bad-pattern"
description = "A pattern that does not compile."
action = "drop-line"
pattern = '(unclosed'

[[rule]]
id = "BAD003"
name = "duplicate"
description = "The same id twice in one file."
action = "drop-line"
phrases = ["some phrase"]
''',
}


def _run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([*cleaner_command(), *args], input=stdin, capture_output=True,
                          timeout=120)


@pytest.fixture()
def broken_dir(tmp_path) -> Path:
    directory = tmp_path / "rules"
    directory.mkdir()
    for name, text in BROKEN.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_every_problem_is_reported_once_with_file_and_rule_id(broken_dir):
    with pytest.raises(RuleSetError) as caught:
        load_rules([broken_dir])
    problems = caught.value.problems
    syntax = [p for p in problems if "syntax.toml" in p]
    assert len(syntax) == 1
    assert "invalid TOML" in syntax[0] and "line 3, column" in syntax[0]
    expected = {
        "rule BAD002: unknown key 'colour'",
        "rule BAD002: 'phrases' must be a non-empty list of strings",
        "rule BAD002: 'max_words' must be a positive integer",
        "rule BAD003: pattern does not compile",
        "rule BAD003: duplicate id",
    }
    rest = [p for p in problems if p not in syntax]
    assert len(rest) == len(expected), problems
    for fragment in expected:
        matching = [p for p in rest if fragment in p]
        assert len(matching) == 1, (fragment, problems)
        assert matching[0].startswith(str(broken_dir / "problems.toml") + ": ")


@pytest.mark.parametrize(("text", "fragment"), [
    ('[[rule]]\nid = "X"\n', "rule X: 'id' must be a family prefix"),
    ('[[rule]]\nid = "ABC001"\nname = "n"\ndescription = "d"\naction = "drop-line"\n'
     'kind = "os.system"\n', "rule ABC001: unknown kind 'os.system'"),
    ('[[rule]]\nid = "ABC001"\nname = "n"\ndescription = "d"\naction = "explode"\n'
     'phrases = ["x"]\n', "rule ABC001: unknown action 'explode'"),
    ('[[rule]]\nid = "ABC001"\nname = "n"\ndescription = "d"\naction = "drop-line"\n'
     'phrases = ["x"]\nwhere = { region = "middle", within = 3 }\n',
     "rule ABC001: 'where.region' must be one of"),
    ('rule = "not a table"\n', "'rule' must be an array of tables"),
    ('surprise = 1\n', "unknown key 'surprise'"),
])
def test_wrong_shapes_are_named(text, fragment):
    with pytest.raises(RuleSetError) as caught:
        load_rule_text(text, "user.toml")
    assert any(p.startswith("user.toml: ") and fragment in p for p in caught.value.problems), \
        caught.value.problems


def test_cli_exits_2_and_cleans_nothing_with_a_broken_rule_set(broken_dir, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(f"Title Here\n\n{PROSE}\n", encoding="utf-8")
    out = tmp_path / "out"
    done = _run("clean", "--rules", str(broken_dir), str(source), "-o", str(out))
    assert done.returncode == 2
    assert not out.exists()
    errors = done.stderr.decode().splitlines()
    assert len(errors) == 6 and all(line.startswith("cleaner: rules: ") for line in errors)
    piped = _run("clean", "--rules", str(broken_dir), "-", stdin=PROSE.encode())
    assert piped.returncode == 2 and piped.stdout == b""


def test_rules_check_reports_the_same_problems(broken_dir):
    done = _run("rules", "check", str(broken_dir))
    assert done.returncode == 2
    assert "BAD003: pattern does not compile" in done.stderr.decode()


# ------------------------------------------------------------ runaway patterns

@pytest.fixture()
def evil_dir(tmp_path) -> Path:
    directory = tmp_path / "evil"
    directory.mkdir()
    (directory / "evil.toml").write_text(EVIL_RULE, encoding="utf-8")
    return directory


def _evil_document() -> str:
    return f"Title Here\n{EVIL_LINE}\n{PROSE}\n{EVIL_LINE}\n"


def test_runaway_pattern_is_stopped_and_skipped(evil_dir):
    cleaner = Cleaner([evil_dir], pattern_timeout=0.05)
    result = cleaner.clean(_evil_document())
    assert result.text == f"{EVIL_LINE}\n\n{PROSE}\n\n{EVIL_LINE}\n"
    # the repeated line is searched once (memoized by text), so it times out once
    assert len(result.warnings) == 1
    assert "rule EVL001" in result.warnings[0] and "timed out on line 2" in result.warnings[0]


def test_runaway_pattern_is_given_up_after_a_few_timeouts(evil_dir):
    cleaner = Cleaner([evil_dir], pattern_timeout=0.02)
    lines = [EVIL_LINE[:-1] + chr(ord("!") + n) for n in range(10)]  # 10 distinct lines
    result = cleaner.clean("\n".join([PROSE, *lines]) + "\n")
    timed_out = [w for w in result.warnings if "timed out on line" in w]
    assert len(timed_out) == 3
    assert any("not run on the rest of this document" in w for w in result.warnings)


def test_runaway_pattern_fails_the_document_when_asked(evil_dir):
    cleaner = Cleaner([evil_dir], pattern_timeout=0.05, on_pattern_timeout="fail")
    with pytest.raises(PatternTimeout) as caught:
        cleaner.clean(_evil_document())
    assert caught.value.rule_id == "EVL001" and caught.value.line == 2


def test_cli_pattern_timeout_skip_goes_on_and_fail_stops(evil_dir, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "1-evil.txt").write_text(_evil_document(), encoding="utf-8")
    (source / "2-good.txt").write_text(f"Title Here\n\n{PROSE}\n", encoding="utf-8")
    common = ("clean", "--rules", str(evil_dir), "--pattern-timeout", "0.05",
              "--to", "jsonl", "--explain", str(source))
    skip = _run(*common)
    assert skip.returncode == 0
    records = [json.loads(line) for line in skip.stdout.decode().splitlines()]
    assert [r["id"] for r in records] == ["1-evil.txt", "2-good.txt"]
    assert "rule EVL001" in records[0]["warnings"][0]
    fail = _run(*common, "--on-pattern-timeout", "fail")
    assert fail.returncode == 1
    assert fail.stdout == b""  # stopped at the first document
    message = fail.stderr.decode()
    assert "1-evil.txt" in message and "rule EVL001" in message and "stopping" in message


# ------------------------------------------------- default patterns are safe

def _adversarial_lines(rule) -> list[str]:
    """Lines the engine could hand this rule (at most 640 characters and the
    rule's max_words) built to make a backtracking pattern struggle."""
    limit = 640
    words = rule.max_words or 25
    lines = [c * limit for c in "a1.,:|-•°/»>(©"]
    lines += [c * (limit - 1) + "!" for c in "a1.,:|-•°/»>(©"]
    lines += [(c + " ") * (words - 1) + c * (limit - 2 * words) for c in "aA1.|"]
    lines += [" ".join(["a" * (limit // words - 1)] * words)]
    for example in rule.examples_drop + rule.examples_keep:
        if "\n" in example.strip():
            continue
        head = " ".join(example.split()[: max(1, words - 2)])
        lines.append((head + " " + head[-3:] * limit)[:limit])
        lines.append((head + head[-1] * limit)[:limit])
        lines.append((head + " x") * 3)
    return lines


@pytest.mark.parametrize("compiled", load_rules().pattern_rules, ids=lambda c: c.rule.id)
def test_default_pattern_survives_adversarial_lines(compiled):
    """Every default pattern runs on adversarial lines within the regex
    timeout (0.05 s each): no catastrophic backtracking in the shipped rules."""
    for line in _adversarial_lines(compiled.rule):
        try:
            compiled.regex.search(" ".join(line.split()), timeout=0.05)
        except TimeoutError:
            pytest.fail(f"{compiled.rule.id} timed out on {line[:60]!r}…")


def test_adversarial_timeout_check_can_fail():
    """The check above detects a runaway pattern (so it cannot pass vacuously)."""
    evil = load_rule_text(EVIL_RULE).pattern_rules[0]
    with pytest.raises(TimeoutError):
        for line in _adversarial_lines(evil.rule):
            evil.regex.search(line, timeout=0.05)


# --------------------------------------------------------------- data only

def test_rule_files_are_inert_data(tmp_path):
    """Code in a rule file is text: a phrase holding Python is matched as a
    literal line and never run; names are never imported."""
    marker = tmp_path / "pwned"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "inert.toml").write_text(f'''
[[rule]]
id = "INR001"
name = "inert"
description = "A phrase that is Python code, which must never run."
action = "drop-line"
phrases = [{json.dumps(code)}]
pattern_note = "{{{{ exec('raise SystemExit') }}}}"
''', encoding="utf-8")
    with pytest.raises(RuleSetError, match="unknown key 'pattern_note'"):
        load_rules([rules])
    text = (rules / "inert.toml").read_text(encoding="utf-8")
    (rules / "inert.toml").write_text(text.replace("pattern_note", "# pattern_note"),
                                      encoding="utf-8")
    cleaner = Cleaner([rules])
    result = cleaner.clean(f"Title Here\n\n{PROSE}\n\n{code}\n")
    assert result.text == PROSE + "\n"
    assert [d.rule_id for d in result.decisions] == ["TTL001", "INR001"]
    done = _run("clean", "--rules", str(rules), "-", stdin=f"{code}\n{PROSE}\n".encode())
    assert done.returncode == 0
    assert not marker.exists()


def test_loader_has_no_code_execution_paths():
    """The modules that read rule files call no eval, exec, builtin compile,
    __import__, import_module or pickle loader (checked on their syntax
    trees): rule data has no path to become code."""
    import cleaner

    package = Path(cleaner.__file__).parent
    modules = [package / "ruleset.py", package / "examples.py", package / "prefilter.py",
               *sorted((package / "detectors").glob("*.py"))]
    forbidden = {"eval", "exec", "compile", "__import__", "import_module", "load", "loads"}
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name):
                assert func.id not in forbidden, (module.name, func.id, node.lineno)
            elif isinstance(func, ast.Attribute) and func.attr in forbidden:
                owner = ast.unparse(func.value)
                # tomllib.loads is the one allowed loader; regex.compile and
                # re.compile make patterns (data, never code)
                assert (owner, func.attr) in {("tomllib", "loads"), ("regex", "compile"),
                                              ("re", "compile")}, \
                    (module.name, owner, func.attr, node.lineno)
