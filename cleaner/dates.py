"""Dates found in chrome (bylines, "Updated …") turned into ISO 8601.

python-dateutil handles the common English shapes quickly; dateparser (a
trafilatura dependency, imported only when needed) handles other languages.
A string is only read as a date when it names a plausible year, so counts
such as "200" or "5 min" never become dates.
"""

from __future__ import annotations

import datetime as dt
import warnings
from functools import lru_cache

import regex

_YEAR_RE = regex.compile(r"(?<!\d)(?:19[7-9]\d|20\d\d)(?!\d)")
_EARLIEST = dt.date(1970, 1, 1)
_DEFAULT = dt.datetime(2000, 1, 1)


def to_iso_date(text: str) -> str | None:
    """``"June 22, 2024 05:03am"`` -> ``"2024-06-22"``; None when ``text``
    is not a date with a year between 1970 and next year."""
    text = text.strip()
    if not text or len(text) > 80 or not _YEAR_RE.search(text):
        return None
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> str | None:
    parsed = _parse_dateutil(text)
    if parsed is not None and _UNREAD_WORD_RE.search(text) and _unread_word(text):
        # dateutil skipped a word it does not know, often a month name in
        # another language ("4 juin 2024" read as April 4): ask dateparser first.
        parsed = _parse_dateparser(text) or parsed
    elif parsed is None:
        parsed = _parse_dateparser(text)
    if parsed is None:
        return None
    latest = dt.date.today().replace(year=dt.date.today().year + 1)
    if not _EARLIEST <= parsed <= latest:
        return None
    return parsed.isoformat()


def forget_parsed() -> None:
    """Empty the memo of parsed strings (a process remembers the last 4,096).
    A benchmark that cleans the same text round after round calls it before
    each round: a corpus brings new dates, and a date parse costs 0.1–2 ms
    (python-dateutil, then dateparser's check of ten locales), as much as
    cleaning tens of kilobytes."""
    _parse.cache_clear()


_UNREAD_WORD_RE = regex.compile(r"\p{L}{3,}")


def _unread_word(text: str) -> bool:
    """Whether dateutil skips a word of three or more letters in ``text``."""
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, skipped = parser.parse(text, default=_DEFAULT, fuzzy_with_tokens=True)
    except (ValueError, OverflowError, TypeError):
        return False
    return any(_UNREAD_WORD_RE.search(s) for s in skipped)


def _parse_dateutil(text: str) -> dt.date | None:
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value, skipped = parser.parse(text, default=_DEFAULT, fuzzy_with_tokens=True)
    except (ValueError, OverflowError, TypeError):
        return None
    # Too much of the string ignored means dateutil guessed from fragments.
    ignored = sum(len(s.strip(" ,.|:-")) for s in skipped)
    if ignored > len(text) / 2:
        return None
    return value.date()


#: The languages dateparser tries (the ten the default rules cover); one
#: parser is built once and reused, because building one per call, as
#: ``dateparser.parse`` with settings does, costs tens of milliseconds.
DATE_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "pl", "ru", "vi", "id")
_PARSER: list = []


def _parse_dateparser(text: str) -> dt.date | None:
    try:
        if not _PARSER:
            from dateparser.date import DateDataParser

            _PARSER.append(DateDataParser(languages=list(DATE_LANGUAGES),
                                          settings={"PREFER_DAY_OF_MONTH": "first"}))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = _PARSER[0].get_date_data(text).date_obj
    except Exception:  # dateparser raises assorted errors on odd strings
        return None
    return value.date() if value else None
