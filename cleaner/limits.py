"""A wall-clock limit for one document.

Implemented with ``signal.setitimer``: the only way to interrupt pure-Python
work (trafilatura, a slow pattern) without a second process. Signals reach
only the main thread, so elsewhere the limit is not enforced (documented on
``Options.timeout``); the pattern timeout still bounds every rule pattern.
"""

from __future__ import annotations

import signal
import sys
import threading

from .errors import InputError


class _Expired(BaseException):
    """Raised inside the document's work; BaseException so that a library's
    ``except Exception`` cannot swallow it."""


#: After an alarm, the next one: an exception raised where Python cannot
#: propagate it (in a finalizer, or a callback from C code that lxml runs) is
#: printed and dropped, and the work would go on past its limit.
RETRY_SECONDS = 0.05


class time_limit:  # (lower case: it reads as the function it replaced)
    """Raise InputError when the body takes longer than ``seconds``.

    The alarm repeats every ``RETRY_SECONDS`` until its exception gets
    through, and a body that ends after an alarm whose exception was
    dropped fails all the same (seen once in CI: the alarm landed while
    lxml freed a tree, and a 4 s page passed a 1 s limit).

    A class rather than a generator-based context manager: it is entered
    once per document, and the generator's machinery cost about as much as
    the signal calls themselves."""

    __slots__ = ("_armed", "_fired", "_previous", "_previous_hook", "_seconds")

    def __init__(self, seconds: float | None) -> None:
        self._seconds = seconds
        self._armed = bool(seconds) and hasattr(signal, "setitimer") \
            and threading.current_thread() is threading.main_thread()
        self._fired = False

    def _expire(self, signum, frame) -> None:
        self._fired = True
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        raise _Expired

    def __enter__(self) -> None:
        if not self._armed:
            return
        self._previous = signal.signal(signal.SIGALRM, self._expire)
        self._previous_hook = sys.unraisablehook
        sys.unraisablehook = _quiet_about(_Expired, self._previous_hook)
        signal.setitimer(signal.ITIMER_REAL, self._seconds or 0.0)

    def __exit__(self, kind, error, traceback) -> None:
        if not self._armed:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)
        sys.unraisablehook = self._previous_hook
        # (a dropped alarm fails a body that ends normally; another error
        # the body raised goes on as it is)
        if kind is _Expired or (kind is None and self._fired):
            raise InputError(_message(self._seconds or 0)) from None


def _message(seconds: float) -> str:
    return f"took longer than the time limit ({seconds:.3g} s)"


def _quiet_about(kind: type[BaseException], hook):
    """An unraisable-exception hook that drops ``kind`` (an alarm that could
    not get through is retried, not reported) and passes the rest on."""
    def quiet(unraisable) -> None:
        if not isinstance(unraisable.exc_value, kind):
            hook(unraisable)
    return quiet
