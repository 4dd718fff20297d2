"""A wall-clock limit for one document.

Implemented with ``signal.setitimer``: the only way to interrupt pure-Python
work (trafilatura, a slow pattern) without a second process. Signals reach
only the main thread, so elsewhere the limit is not enforced (documented on
``Options.timeout``); the pattern timeout still bounds every rule pattern.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import InputError


class _Expired(BaseException):
    """Raised inside the document's work; BaseException so that a library's
    ``except Exception`` cannot swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise InputError when the body takes longer than ``seconds``."""
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise InputError(f"took longer than the time limit ({seconds:.3g} s)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
