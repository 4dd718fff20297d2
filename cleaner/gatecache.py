"""A cache of gate analyses, so that loading rules does not read every
pattern's syntax tree again in every process.

A gate depends only on its pattern's text, the analysis (``ANALYSIS``,
raised when :mod:`cleaner.prefilter` changes what it derives) and the
Python version (whose regex parser the analysis reads). The cache is a JSON
file of ``key -> [prefixes, must, digit]``, where the key is a hash of all three:
plain data, so a cache file someone else wrote can make loading slower, or
gates wrong only if it was forged — and a forged gate only makes a rule
miss lines, never remove one it would not match (the pattern still decides).

The file lives in ``$CLEANER_CACHE_DIR`` (an empty value turns the cache
off), else ``$XDG_CACHE_HOME/cleaner``, else ``~/.cache/cleaner``. Reading
or writing it never fails a load: a missing, unreadable or corrupt file is
a cold cache, and a cache that cannot be written is not written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from pathlib import Path

from .prefilter import Gate, gate_for

#: Raise when the analysis in cleaner.prefilter changes its results.
ANALYSIS = 2
#: A cache grown past this many gates starts again (patterns of rule files
#: long gone should not make every load read a large file).
MAX_ENTRIES = 20_000
FILE_NAME = f"gates-{ANALYSIS}.json"


def cache_dir() -> Path | None:
    """Where the cache file goes (None: the cache is off)."""
    configured = os.environ.get("CLEANER_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):  # no home directory: no cache
            return None
    return Path(base) / "cleaner"


def _key(pattern: str) -> str:
    salt = f"{ANALYSIS}/{sys.version_info[0]}.{sys.version_info[1]}/"
    return hashlib.sha256((salt + pattern).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class GateCache:
    """Gates by pattern: looked up in the cache file, analysed on a miss."""

    def __init__(self, directory: Path | None) -> None:
        self.path = directory / FILE_NAME if directory is not None else None
        self._entries: dict[str, list] = self._read()
        self._dirty = False

    def _read(self) -> dict[str, list]:
        if self.path is None:
            return {}
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def gate(self, pattern: str) -> Gate:
        """The pattern's gate (the same as :func:`gate_for` gives)."""
        key = _key(pattern)
        entry = self._entries.get(key)
        if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], bool) and all(
                part is None or (isinstance(part, list) and all(isinstance(s, str) for s in part))
                for part in entry[:2]):
            prefixes, must, digit = entry
            return Gate(tuple(prefixes) if prefixes is not None else None,
                        tuple(must) if must is not None else None, digit)
        gate = gate_for(pattern)
        if len(self._entries) >= MAX_ENTRIES:
            self._entries = {}
        self._entries[key] = [list(gate.prefixes) if gate.prefixes is not None else None,
                              list(gate.must) if gate.must is not None else None, gate.digit]
        self._dirty = True
        return gate

    def save(self) -> None:
        """Write the cache if it learned a gate (atomically; errors ignored)."""
        if not self._dirty or self.path is None:
            return
        import tempfile  # (only a load that learned a gate writes)

        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(prefix=".gates-", dir=self.path.parent)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(self._entries, handle, separators=(",", ":"))
            os.replace(temporary, self.path)
            self._dirty = False
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
