"""Errors cleaner raises on purpose. Each names what failed and where."""

from __future__ import annotations


class CleanerError(Exception):
    """Base class of every error cleaner raises deliberately."""


class RuleSetError(CleanerError):
    """A rule set could not be loaded. ``problems`` lists every problem found,
    one line each, naming the file and (where there is one) the rule id."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class PatternTimeout(CleanerError):
    """A rule pattern ran longer than ``Options.pattern_timeout`` on one line."""

    def __init__(self, rule_id: str, source: str, line: int):
        self.rule_id, self.source, self.line = rule_id, source, line
        super().__init__(
            f"rule {rule_id} ({source}): pattern timed out on line {line}"
        )


class InputError(CleanerError):
    """A document could not be read or cleaned; the message names the file."""
