"""Fixture cases: ``fixtures/<case>/input.txt`` (or ``input.html``) cleans to
``expected.txt``; ``expected.json``, when present, gives the expected title,
metadata (a subset) and the rule id of removed lines (``removed``: a map of
line number to rule id, checked exactly)."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []


def _input(case):
    for name in ("input.txt", "input.html", "input.html.gz"):
        if (case / name).exists():
            return case / name
    raise FileNotFoundError(f"{case}: no input file")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture(case, cleaner):
    source = _input(case)
    data = source.read_bytes()
    if source.name.startswith("input.html"):
        result = cleaner.clean_html(data) if hasattr(cleaner, "clean_html") else None
        if result is None:
            pytest.skip("HTML input not supported yet")
    else:
        result = cleaner.clean(data)
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    assert result.text == expected
    meta_file = case / "expected.json"
    if meta_file.exists():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if "title" in meta:
            assert result.title == meta["title"]
        for key, value in meta.get("metadata", {}).items():
            assert result.metadata.get(key) == value, key
        if "removed" in meta:
            removed = {str(d.line): d.rule_id for d in result.decisions}
            assert removed == meta["removed"]


def test_every_removed_line_names_a_rule(cleaner):
    for case in CASES:
        result = cleaner.clean(_input(case).read_bytes())
        assert all(d.rule_id for d in result.decisions)
