"""The gate cache: the same gates as the analysis, whatever state the cache
file is in, and loading never fails because of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.gatecache import FILE_NAME, GateCache, cache_dir
from cleaner.prefilter import gate_for
from cleaner.ruleset import load_rules

PATTERNS = [c.rule.pattern for c in load_rules().pattern_rules]


def test_cached_gates_equal_the_analysis(tmp_path):
    cold = GateCache(tmp_path)
    assert [cold.gate(p) for p in PATTERNS] == [gate_for(p) for p in PATTERNS]
    cold.save()
    assert (tmp_path / FILE_NAME).is_file()
    warm = GateCache(tmp_path)
    assert [warm.gate(p) for p in PATTERNS] == [gate_for(p) for p in PATTERNS]
    assert not warm._dirty  # every gate came from the file


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"x": [1, 2, 3]}', ""])
def test_a_corrupt_cache_file_is_a_cold_cache(tmp_path, content):
    (tmp_path / FILE_NAME).write_text(content)
    cache = GateCache(tmp_path)
    assert [cache.gate(p) for p in PATTERNS[:5]] == [gate_for(p) for p in PATTERNS[:5]]
    cache.save()
    assert isinstance(json.loads((tmp_path / FILE_NAME).read_text()), dict)


def test_a_forged_entry_of_the_wrong_shape_is_ignored(tmp_path):
    cache = GateCache(tmp_path)
    cache.gate(PATTERNS[0])
    cache.save()
    entries = json.loads((tmp_path / FILE_NAME).read_text())
    key = next(iter(entries))
    entries[key] = [["ok"], [3], True]  # not strings
    (tmp_path / FILE_NAME).write_text(json.dumps(entries))
    assert GateCache(tmp_path).gate(PATTERNS[0]) == gate_for(PATTERNS[0])


def test_an_unwritable_cache_does_not_fail_loading(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(blocker / "cleaner"))
    assert load_rules().pattern_rules


def test_the_cache_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("CLEANER_CACHE_DIR", "")
    assert cache_dir() is None
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv("CLEANER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "cleaner"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "cleaner"


def test_no_home_directory_means_no_cache(monkeypatch):
    monkeypatch.delenv("CLEANER_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache_dir() is None
    assert load_rules().pattern_rules
