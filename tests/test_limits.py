"""The per-document time limit holds even when its alarm lands where Python
cannot raise (a finalizer): it is repeated, and a body that ends after a
dropped alarm fails all the same."""

from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import runaway_rule

from cleaner import Cleaner
from cleaner.errors import InputError
from cleaner.limits import Deadline, time_limit


class _SlowToFree:
    """An object whose finalizer outlives the limit (as lxml freeing a large
    tree can): an exception raised inside it is dropped by Python."""

    def __del__(self) -> None:
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            pass


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_an_alarm_dropped_in_a_finalizer_comes_again():
    started = time.monotonic()
    with pytest.raises(InputError, match="time limit"), time_limit(Deadline(0.1)):
        _SlowToFree()  # freed at once; the alarm fires inside __del__
        _busy(5)  # the repeated alarm stops this
    assert time.monotonic() - started < 2


def test_a_body_that_ends_after_a_dropped_alarm_fails():
    with pytest.raises(InputError, match="time limit"), time_limit(Deadline(0.1)):
        obj = _SlowToFree()
        del obj  # the alarm fires inside __del__; nothing runs after it
        gc.collect()


def test_a_body_within_the_limit_passes():
    with time_limit(Deadline(1)):
        _busy(0.01)


# ------------------------------------------- the deadline text documents ask

EVIL_RULE = runaway_rule("(a|aa)+$")  # (minutes on 600 a's and a "!")


def test_deadline_passes_when_its_time_is_up():
    deadline = Deadline(0.05)
    deadline.check()  # not yet
    assert 0 < deadline.left() <= 0.05
    _busy(0.06)
    assert deadline.left() < 0
    with pytest.raises(InputError, match=r"time limit \(0\.05 s\)"):
        deadline.check()
    never = Deadline(None)
    never.check()
    assert never.left() == float("inf")


def _clean_in_a_thread(cleaner: Cleaner, text: str):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(cleaner.clean, text).result()


def test_the_time_limit_stops_a_slow_pattern_in_any_thread(tmp_path):
    """A pattern's own timeout (30 s here) is cut to the document's time left,
    and the document fails with the time-limit error (the search alone
    runs for minutes) — in a worker thread
    too, where no alarm signal could reach (the limit used to hold only in
    the main thread)."""
    (tmp_path / "evil.toml").write_text(EVIL_RULE, encoding="utf-8")
    cleaner = Cleaner([tmp_path], pattern_timeout=30, timeout=0.3, timeout_per_mb=0)
    started = time.monotonic()
    with pytest.raises(InputError, match=r"took longer than the time limit \(0\.3 s\)"):
        _clean_in_a_thread(cleaner, "Title Here\n" + "a" * 600 + "!\n")
    assert time.monotonic() - started < 5
    # the same document without a document limit: the pattern timeout skips the line
    patient = Cleaner([tmp_path], pattern_timeout=0.05, timeout=None)
    assert "timed out on line 2" in patient.clean("Title Here\n" + "a" * 600 + "!\n").warnings[0]


def test_the_time_limit_is_asked_at_every_pass(monkeypatch):
    """Cleaner's own steps are linear and ask the deadline between them; a
    step made slow (a detector here) fails the document at the next pass,
    in any thread."""
    from cleaner.detectors import KINDS

    slow = KINDS["comment-thread"]

    def dawdle(state, rule):
        _busy(0.2)
        return slow(state, rule)

    monkeypatch.setitem(KINDS, "comment-thread", dawdle)
    text = "Title Here\n\nShare this:\n\nThe council met on Tuesday and talked.\n"
    with pytest.raises(InputError, match="time limit"):
        _clean_in_a_thread(Cleaner(timeout=0.1, timeout_per_mb=0), text)
    assert _clean_in_a_thread(Cleaner(timeout=None), text).text
