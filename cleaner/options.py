"""The one configuration object every stage reads."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

PATTERN_TIMEOUT_POLICIES = ("skip", "fail")
INPUT_FORMATS = ("auto", "text", "html")


@dataclass(frozen=True)
class Options:
    """Every option cleaner has.

    - ``lift_title``: take the heading-like first line out of the body as the
      title (default True). Turn it off for text that was cleaned already.
    - ``fold_quotes``: fold curly quotes and apostrophes to ASCII (default
      False: the author's characters are kept).
    - ``language``: ISO 639-1 code of the document, when known. Rules that name
      languages run only for documents in one of them; with no language every
      rule runs (phrases are exact-line matches, so that is safe).
    - ``url``: where the document came from; rules that name domains run only
      for documents from one of them.
    - ``pattern_timeout``: seconds one rule pattern may spend on one line
      (default 1: the regex timeout is wall-clock time, so a short one could
      fire on a busy machine and make output depend on load; a pattern that
      times out three times is not run on the rest of the document).
    - ``input_format``: ``"auto"`` (sniff: HTML pages, gzip, else text),
      ``"text"`` or ``"html"``.
    - ``timeout``: seconds one document may take (None: no limit), plus
      ``timeout_per_mb`` seconds for each megabyte of input (the limit is
      there to stop a hang, not a large document). A document that takes
      longer fails with :class:`cleaner.errors.InputError`. Cleaner's own
      stages ask the limit as they go and cut every pattern's timeout to the
      time left, in any thread; HTML extraction, which cannot ask, is
      interrupted by a timer signal, so only in the main thread of a process.
    - ``max_bytes``: largest document (after gzip decompression) accepted;
      None: no limit.
    - ``on_pattern_timeout``: ``"skip"`` (the line counts as not matched and a
      warning names the rule) or ``"fail"`` (cleaning the document raises
      :class:`cleaner.errors.PatternTimeout`).
    """

    lift_title: bool = True
    fold_quotes: bool = False
    language: str | None = None
    url: str | None = None
    pattern_timeout: float = 1.0
    on_pattern_timeout: str = "skip"
    input_format: str = "auto"
    timeout: float | None = 5.0
    timeout_per_mb: float = 2.0
    max_bytes: int | None = None

    def __post_init__(self) -> None:
        if self.input_format not in INPUT_FORMATS:
            raise ValueError(f"input_format must be one of {INPUT_FORMATS}, "
                             f"not {self.input_format!r}")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError("timeout must be positive (or None for no limit)")
        if self.on_pattern_timeout not in PATTERN_TIMEOUT_POLICIES:
            raise ValueError(
                f"on_pattern_timeout must be one of {PATTERN_TIMEOUT_POLICIES}, "
                f"not {self.on_pattern_timeout!r}"
            )
        if self.pattern_timeout <= 0:
            raise ValueError("pattern_timeout must be positive")

    def with_overrides(self, **overrides: Any) -> Options:
        """A copy with the given options changed; unknown names raise TypeError."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(unknown)}; known: {sorted(known)}")
        return replace(self, **overrides)
