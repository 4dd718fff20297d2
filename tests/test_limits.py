"""The per-document time limit holds even when its alarm lands where Python
cannot raise (a finalizer): it is repeated, and a body that ends after a
dropped alarm fails all the same."""

from __future__ import annotations

import gc
import time

import pytest

from cleaner.errors import InputError
from cleaner.limits import time_limit


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
    with pytest.raises(InputError, match="time limit"), time_limit(0.1):
        _SlowToFree()  # freed at once; the alarm fires inside __del__
        _busy(5)  # the repeated alarm stops this
    assert time.monotonic() - started < 2


def test_a_body_that_ends_after_a_dropped_alarm_fails():
    with pytest.raises(InputError, match="time limit"), time_limit(0.1):
        obj = _SlowToFree()
        del obj  # the alarm fires inside __del__; nothing runs after it
        gc.collect()


def test_a_body_within_the_limit_passes():
    with time_limit(1):
        _busy(0.01)
