"""A wall-clock limit for one document, enforced two ways.

:class:`Deadline` is asked by the stages: between stages, at every pass of
the matcher, and by every rule pattern, whose regex timeout it shortens to
the time left. Asking costs a clock read, works in any thread, and bounds
cleaner's own work, whose every step is linear in the document (the
property tests and ``tests/test_scale.py`` hold it to that) except a
pattern's search, which the regex timeout stops.

:class:`time_limit` interrupts work cleaner does not control: HTML
extraction (trafilatura, lxml), which may run for minutes on a hostile page
and asks no one. It uses ``signal.setitimer``, the only way to interrupt
such work without a second process: only in the main thread (signals reach
no other), and at about 10 µs a document for the signal calls — which is
why text documents, which never reach it, go without.
"""

from __future__ import annotations

import signal
import sys
import threading
from time import perf_counter

from .errors import InputError


class Deadline:
    """The moment one document's time runs out (never, for ``seconds`` None).

    Guarantee: :meth:`check` raises InputError with the time-limit message
    once ``seconds`` have passed since the Deadline was made, not counting
    the time it spent paused, and never before.

    A document cleaned in a batch (:mod:`cleaner.batch`) is worked on in
    turns, one stage at a time; its deadline is paused between its turns, so
    that the time spent on the other documents is not charged to it."""

    __slots__ = ("at", "paused_at", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        now = perf_counter()
        self.at = now + seconds if seconds is not None else float("inf")
        #: when the deadline was last paused (made: as if paused until first resumed)
        self.paused_at = now

    def pause(self, now: float) -> None:
        """Stop the clock at ``now`` (a ``perf_counter`` reading)."""
        self.paused_at = now

    def resume(self, now: float) -> None:
        """Start the clock again at ``now``: the time since :meth:`pause`
        (or since the Deadline was made) moves the deadline as much later."""
        self.at += now - self.paused_at

    def left(self) -> float:
        """Seconds left (negative once passed; infinite without a limit)."""
        return self.at - perf_counter()

    def check(self) -> None:
        """Raise InputError if the time is up."""
        if perf_counter() > self.at:
            raise self.expired()

    def expired(self) -> InputError:
        return InputError(_message(self.seconds or 0))


#: A deadline that never passes (callers that set no limit).
NO_DEADLINE = Deadline(None)


class _Expired(BaseException):
    """Raised inside the document's work; BaseException so that a library's
    ``except Exception`` cannot swallow it."""


#: After an alarm, the next one: an exception raised where Python cannot
#: propagate it (in a finalizer, or a callback from C code that lxml runs) is
#: printed and dropped, and the work would go on past its limit.
RETRY_SECONDS = 0.05


class time_limit:  # (lower case: it reads as the function it replaced)
    """Interrupt the body with the deadline's InputError when the deadline
    passes (see the module docstring for where this is used).

    The alarm repeats every ``RETRY_SECONDS`` until its exception gets
    through, and a body that ends after an alarm whose exception was
    dropped fails all the same (seen once in CI: the alarm landed while
    lxml freed a tree, and a 4 s page passed a 1 s limit).

    A class rather than a generator-based context manager: it is entered
    once per page, and the generator's machinery cost about as much as
    the signal calls themselves."""

    __slots__ = ("_armed", "_deadline", "_fired", "_previous", "_previous_hook")

    def __init__(self, deadline: Deadline) -> None:
        self._deadline = deadline
        self._armed = deadline.seconds is not None and hasattr(signal, "setitimer") \
            and threading.current_thread() is threading.main_thread()
        self._fired = False

    def _expire(self, signum, frame) -> None:
        self._fired = True
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        raise _Expired

    def __enter__(self) -> None:
        self._deadline.check()
        if not self._armed:
            return
        self._previous = signal.signal(signal.SIGALRM, self._expire)
        self._previous_hook = sys.unraisablehook
        sys.unraisablehook = _quiet_about(_Expired, self._previous_hook)
        # (at least a millisecond: a zero interval would disarm the timer)
        signal.setitimer(signal.ITIMER_REAL, max(self._deadline.left(), 0.001))

    def __exit__(self, kind, error, traceback) -> None:
        if not self._armed:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)
        sys.unraisablehook = self._previous_hook
        # (a dropped alarm fails a body that ends normally; another error
        # the body raised goes on as it is)
        if kind is _Expired or (kind is None and self._fired):
            raise self._deadline.expired() from None


def _message(seconds: float) -> str:
    return f"took longer than the time limit ({seconds:.3g} s)"


def _quiet_about(kind: type[BaseException], hook):
    """An unraisable-exception hook that drops ``kind`` (an alarm that could
    not get through is retried, not reported) and passes the rest on."""
    def quiet(unraisable) -> None:
        if not isinstance(unraisable.exc_value, kind):
            hook(unraisable)
    return quiet
