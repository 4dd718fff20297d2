"""The installed ``cleaner`` command, run for real."""

from __future__ import annotations

import json
import subprocess

from conftest import FIXTURES, cleaner_command

SEED = FIXTURES / "seed-002-bullet-byline-repeated-title"


def run(*args: str, stdin: bytes | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*cleaner_command(), *args], input=stdin, capture_output=True,
                          cwd=cwd, timeout=120)


def test_clean_file_prints_the_body():
    done = run("clean", str(SEED / "input.txt"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == (SEED / "expected.txt").read_text()


def test_clean_stdin():
    done = run("clean", "-", stdin=(SEED / "input.txt").read_bytes())
    assert done.returncode == 0
    assert done.stdout.decode() == (SEED / "expected.txt").read_text()


def test_clean_directory_mirrors_the_tree(tmp_path):
    source = tmp_path / "in"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_bytes((SEED / "input.txt").read_bytes())
    (source / "sub" / "b.txt").write_text(
        "Some Title\n\nA paragraph that reads like prose and is long enough.\n\nLeave a comment\n")
    out = tmp_path / "out"
    done = run("clean", str(source), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "a.txt").read_text() == (SEED / "expected.txt").read_text()
    assert (out / "sub" / "b.txt").read_text() == (
        "A paragraph that reads like prose and is long enough.\n")


def test_directory_needs_an_output(tmp_path):
    (tmp_path / "a.txt").write_text("x\n")
    done = run("clean", str(tmp_path))
    assert done.returncode == 2
    assert b"-o" in done.stderr


def test_refuses_to_write_over_an_input(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Title\n\nBody text that is long enough to count as a sentence here.\n")
    done = run("clean", str(source), "-o", str(source))
    assert done.returncode == 2
    assert source.read_text().startswith("Title")
    done = run("clean", str(tmp_path), "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    assert b"inside the input directory" in done.stderr


def test_jsonl_records_and_explain():
    done = run("clean", str(SEED / "input.txt"), "--to", "jsonl", "--explain")
    assert done.returncode == 0
    record = json.loads(done.stdout)
    assert record["id"] == "input.txt"
    assert record["title"] == "Beijing's Cautious Stance Amidst Russia-North Korea Defense Pact"
    assert record["metadata"]["author"] == "Ashlee Durgan"
    assert record["metadata"]["published"] == "2024-06-22"
    assert {d["rule"] for d in record["decisions"]} >= {"TTL001", "TTL002", "BYL001", "CMT001"}


def test_explain_names_a_rule_on_every_removed_line():
    done = run("explain", str(SEED / "input.txt"))
    assert done.returncode == 0
    body = done.stdout.decode().split("\n\ntitle:")[0].splitlines()
    expected = set((SEED / "expected.txt").read_text().splitlines()) - {""}
    for row in body:
        _number, mark, *_rest = row.split(maxsplit=2)
        text = row.split(maxsplit=3)[-1] if mark not in ("keep", "·") else ""
        if mark == "keep":
            assert any(row.endswith(line) for line in expected)
        elif mark != "·":
            assert mark[:3].isalpha() and mark[3:].isdigit(), row
            assert text


def test_missing_file_is_reported_and_others_go_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Title Here\n\nThis body paragraph is long enough to be read as prose.\n")
    done = run("clean", str(tmp_path / "missing.txt"), str(good), "--to", "jsonl")
    assert done.returncode == 1
    assert b"missing.txt" in done.stderr
    assert json.loads(done.stdout)["id"] == "good.txt"


def test_rules_list_show_check():
    listing = run("rules", "list")
    assert listing.returncode == 0 and b"CMT001" in listing.stdout
    shown = run("rules", "show", "CMT001")
    assert shown.returncode == 0 and b"comment-form-prompt" in shown.stdout
    assert b"examples it must keep" in shown.stdout
    checked = run("rules", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_bad_rule_file_exits_2_naming_file_and_rule(tmp_path):
    (tmp_path / "bad.toml").write_text(
        '[[rule]]\nid = "ZZZ001"\nname = "x"\ndescription = "a broken rule file"\n'
        'action = "drop-lines"\npattern = "(unclosed"\nlangauges = ["en"]\n')
    done = run("clean", "-", "--rules", str(tmp_path), stdin=b"text\n")
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "bad.toml: rule ZZZ001: unknown action 'drop-lines'" in err
    assert "pattern does not compile" in err
    assert "did you mean 'languages'" in err
    assert done.stdout == b""


def test_user_rule_overrides_and_disables(tmp_path):
    (tmp_path / "mine.toml").write_text(
        'disable = ["CMT001"]\n[[rule]]\nid = "USR001"\nname = "my-chrome"\n'
        'description = "a site footer line"\naction = "drop-line"\n'
        'phrases = ["brought to you by acme"]\n')
    text = (b"Title Of The Story\n\nA paragraph of text that is long enough to be prose here.\n\n"
            b"Brought to you by ACME\n\nLeave a comment\n")
    done = run("clean", "-", "--rules", str(tmp_path), stdin=text)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == (
        "A paragraph of text that is long enough to be prose here.\n\nLeave a comment\n")


def test_python_module_entry_point():
    import sys

    done = subprocess.run([sys.executable, "-m", "cleaner", "--help"], capture_output=True)
    assert done.returncode == 0 and b"explain" in done.stdout
