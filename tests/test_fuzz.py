"""A short, seeded fuzzing session of decode -> clean (benchmarks/fuzz.py).

Bounded to FUZZ_SECONDS (default 20) and FUZZ_INPUTS inputs in CI; run the
script itself for longer sessions: ``python benchmarks/fuzz.py --seconds 600``.
The invariants checked on every input are listed in the script's docstring.
"""

from __future__ import annotations

import os

import pytest
from conftest import ROOT, benchmark_script
from hypothesis import given
from hypothesis import strategies as st

fuzz = benchmark_script("fuzz")

SECONDS = float(os.environ.get("FUZZ_SECONDS", "20"))
INPUTS = int(os.environ.get("FUZZ_INPUTS", "1500"))


def test_mutation_fuzzing_session():
    """Mutated documents (fixtures, rule examples, the shared seeds) never
    break an invariant. Raises with the failing input if one does."""
    progress = list(fuzz.run(SECONDS, seed=20261122, max_inputs=INPUTS))
    assert progress[-1] > 0


def test_fuzz_check_catches_a_broken_invariant(monkeypatch):
    """The fuzz check fails when cleaning misbehaves (it cannot pass vacuously)."""
    from cleaner import Cleaner

    class Broken(Cleaner):
        def trace(self, data, **overrides):
            traced = super().trace(data, **overrides)
            from dataclasses import replace

            return replace(traced, result=replace(traced.result, text=traced.result.text + " "))

    monkeypatch.setattr(fuzz, "_CLEANERS", (Broken(), Cleaner(lift_title=False, timeout=None)))
    try:
        fuzz.check(b"Title\n\nSome prose here that ends like a sentence does.\n")
    except AssertionError:
        return
    raise AssertionError("a trailing space in the output went unnoticed")


def test_fuzz_batch_check_catches_a_batch_that_differs(monkeypatch):
    """The batch check fails when a batch cleans a document otherwise than
    alone (it cannot pass vacuously), and passes when it does not."""
    from dataclasses import replace

    from cleaner import Cleaner

    class Broken(Cleaner):
        def trace_many(self, items):
            for outcome in super().trace_many(items):
                yield replace(outcome, result=replace(outcome.result, title="x"))

    documents = [b"Title Of It\n\nSome prose here that ends like a sentence does.\n",
                 b"Share this Post:\n\nMore prose, long enough to read as a sentence.\n"]
    alone = Cleaner(timeout=None)
    window = [(d, alone.trace(d)) for d in documents]
    monkeypatch.setattr(fuzz, "_CLEANERS", (alone, alone))
    assert fuzz.check_batch(window) is None
    monkeypatch.setattr(fuzz, "_CLEANERS", (Broken(timeout=None), alone))
    assert fuzz.check_batch(window) == documents[0]


@given(st.binary(max_size=4096))
def test_hypothesis_bytes_fuzz(data):
    """hypothesis over raw bytes, through the same invariant check."""
    fuzz.check(data)


REGRESSIONS = sorted((ROOT / "tests" / "fuzz_regressions").glob("*.bin"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.stem for p in REGRESSIONS])
def test_past_fuzz_failures_stay_fixed(path):
    """Inputs a longer fuzzing session once broke an invariant with (kept
    byte for byte): main-body-zone judged a page by lines other rules had
    removed; repair let ftfy read runs of spaces and a final space that the
    output does not have, and let a line break ftfy decoded ("â€¨") split a
    line. Each must pass every check now."""
    fuzz.check(path.read_bytes())
