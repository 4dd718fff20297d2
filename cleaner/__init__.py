"""cleaner: boilerplate-stripping cleaner and normalizer for scraped articles.

    >>> from cleaner import clean
    >>> result = clean("A Title\\n\\nSome article text goes here, long enough to be prose."
    ...                "\\n\\nLeave a comment")
    >>> result.title, result.text
    ('A Title', 'Some article text goes here, long enough to be prose.\\n')
"""

from .api import Cleaner, clean
from .errors import CleanerError, InputError, PatternTimeout, RuleSetError
from .model import CleanResult, Decision, Repair
from .options import Options
from .ruleset import Rule, RuleSet, load_rules

__all__ = [
    "CleanResult", "Cleaner", "CleanerError", "Decision", "InputError", "Options",
    "PatternTimeout", "Repair", "Rule", "RuleSet", "RuleSetError", "clean", "load_rules",
]
__version__ = "0.1.0"
