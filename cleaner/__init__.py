"""cleaner: boilerplate-stripping cleaner and normalizer for scraped articles.

    >>> from cleaner import clean
    >>> result = clean("A Title\\n\\nSome article text goes here, long enough to be prose."
    ...                "\\n\\nLeave a comment")
    >>> result.title, result.text
    ('A Title', 'Some article text goes here, long enough to be prose.\\n')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import CleanerError, InputError, PatternTimeout, RuleSetError
from .model import CleanResult, Decision, Repair
from .options import Options

if TYPE_CHECKING:
    from .api import Cleaner, clean
    from .ruleset import Rule, RuleSet, load_rules

__all__ = [
    "CleanResult", "Cleaner", "CleanerError", "Decision", "InputError", "Options",
    "PatternTimeout", "Repair", "Rule", "RuleSet", "RuleSetError", "clean", "load_rules",
]
__version__ = "0.1.0"

# The engine (regex, ftfy, the matcher) is imported on first use, so that
# `cleaner --help` and tools that only read the package's types start fast.
_LAZY = {"Cleaner": "api", "clean": "api", "Rule": "ruleset", "RuleSet": "ruleset",
         "load_rules": "ruleset"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def compiled_modules() -> list[str]:
    """The modules of this installation that run compiled (mypyc C
    extensions, built by a non-editable install: see ``hatch_build.py``),
    by dotted name; empty when everything runs as Python source."""
    from importlib.machinery import EXTENSION_SUFFIXES
    from pathlib import Path

    package = Path(__file__).parent
    suffixes = sorted(EXTENSION_SUFFIXES, key=len, reverse=True)  # ".cpython-…so" before ".so"
    found = set()
    for path in package.rglob("*"):
        suffix = next((s for s in suffixes if path.name.endswith(s)), None)
        if suffix is not None:
            parts = path.relative_to(package).with_name(path.name[:-len(suffix)]).parts
            found.add(".".join(("cleaner", *parts)).removesuffix(".__init__"))
    return sorted(found)
