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
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import InputError


class _Expired(BaseException):
    """Raised inside the document's work; BaseException so that a library's
    ``except Exception`` cannot swallow it."""


#: After an alarm, the next one: an exception raised where Python cannot
#: propagate it (in a finalizer, or a callback from C code that lxml runs) is
#: printed and dropped, and the work would go on past its limit.
RETRY_SECONDS = 0.05


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise InputError when the body takes longer than ``seconds``.

    The alarm repeats every ``RETRY_SECONDS`` until its exception gets
    through, and a body that ends after an alarm whose exception was
    dropped fails all the same (seen once in CI: the alarm landed while
    lxml freed a tree, and a 4 s page passed a 1 s limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return
    fired = False

    def expire(signum, frame):
        nonlocal fired
        fired = True
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_about(_Expired, previous_hook)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise InputError(_message(seconds)) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = previous_hook
    if fired:
        raise InputError(_message(seconds))


def _message(seconds: float) -> str:
    return f"took longer than the time limit ({seconds:.3g} s)"


def _quiet_about(kind: type[BaseException], hook):
    """An unraisable-exception hook that drops ``kind`` (an alarm that could
    not get through is retried, not reported) and passes the rest on."""
    def quiet(unraisable) -> None:
        if not isinstance(unraisable.exc_value, kind):
            hook(unraisable)
    return quiet
