"""The Python API: ``clean`` for one document, ``Cleaner`` for many."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .limits import Deadline
from .model import CleanResult
from .options import Options
from .pipeline import Traced, run
from .ruleset import RuleSet, load_rules


class Cleaner:
    """Compiles the rules once; :meth:`clean` is then cheap per document.

    ``rules`` is a :class:`RuleSet`, or a list of extra rule directories/files
    layered over the defaults (None: the defaults alone). ``options`` are the
    fields of :class:`cleaner.options.Options`. A Cleaner is picklable, so it
    can be shipped to process pools and distributed workers.
    """

    def __init__(self, rules: RuleSet | Sequence[str | Path] | None = None,
                 **options: Any) -> None:
        self.rules = rules if isinstance(rules, RuleSet) else load_rules(rules or ())
        self.options = Options().with_overrides(**options)

    def clean(self, data: bytes | str, metadata: dict[str, str] | None = None,
              **overrides: Any) -> CleanResult:
        """Clean one document given as bytes (any encoding, gzip allowed) or
        str: article text, or an HTML page (``input_format="auto"`` sniffs).
        ``metadata`` is what the caller knows already (it wins over what
        chrome reveals); ``overrides`` change options for this document only
        (``url=…``, ``language=…``). Raises InputError for a document over
        ``max_bytes`` or over the time limit."""
        return self.trace(data, metadata, **overrides).result

    def clean_html(self, data: bytes | str, url: str | None = None,
                   **overrides: Any) -> CleanResult:
        """Clean an HTML page (plain or gzip-compressed, any charset)."""
        if url is not None:
            overrides["url"] = url
        return self.clean(data, input_format="html", **overrides)

    def trace(self, data: bytes | str, metadata: dict[str, str] | None = None,
              **overrides: Any) -> Traced:
        """Like :meth:`clean`, also returning the segmented source lines."""
        options = self.options.with_overrides(**overrides) if overrides else self.options
        limit = options.timeout
        if limit is not None:
            limit += options.timeout_per_mb * len(data) / 1_000_000
        return run(data, self.rules, options, metadata, Deadline(limit))

    def __reduce__(self):
        return (_rebuild, (self.rules, self.options))


def _rebuild(rules: RuleSet, options: Options) -> Cleaner:
    cleaner = Cleaner.__new__(Cleaner)
    cleaner.rules, cleaner.options = rules, options
    return cleaner


_DEFAULT: Cleaner | None = None


def clean(data: bytes | str, **options: Any) -> CleanResult:
    """Clean one document with the default rules. The default rule set is
    compiled on the first call and reused."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Cleaner()
    return _DEFAULT.clean(data, **options)
