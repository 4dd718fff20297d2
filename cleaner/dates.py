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
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from dateutil.parser import parserinfo

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
    reading = _read_dateutil(text)
    if reading is None:
        if len(_month_names(text)) >= 2:
            return None  # two dates ("29 November 2018 | 20 January 2019"): no one date
        parsed = _parse_dateparser(text)
    else:
        value, skipped = reading
        if sum(len(s.strip(" ,.|:-")) for s in skipped) > len(text) / 2:
            # Too much of the string ignored: dateutil guessed from fragments.
            # dateparser reads a string only when every word of it is a date
            # word of one language; a date that dateutil read with an English
            # month name among mostly other words (a tweet's signature, a
            # photo credit) is none, and asking dateparser's ten locales
            # costs 1-10 ms.
            if _read_month_name(text, skipped):
                return None
            parsed = _parse_dateparser(text)
        elif any(_UNREAD_WORD_RE.search(s) for s in skipped):
            # dateutil skipped a word it does not know, often a month name in
            # another language ("4 juin 2024" read as April 4): ask dateparser first.
            parsed = _parse_dateparser(text) or value
        else:
            parsed = value
    return parsed.isoformat() if plausible(parsed) else None


def plausible(value: dt.date | None, today: dt.date | None = None) -> bool:
    """A date from 1970 up to a year from ``today`` (the real one by
    default): what chrome may carry."""
    if value is None:
        return False
    today = today or dt.date.today()
    try:
        latest = today.replace(year=today.year + 1)
    except ValueError:  # 29 February, and next year has none
        latest = today.replace(year=today.year + 1, day=28)
    return _EARLIEST <= value <= latest


def forget_parsed() -> None:
    """Empty the memo of parsed strings (a process remembers the last 4,096).
    A benchmark that cleans the same text round after round calls it before
    each round: a corpus brings new dates, and a date parse costs 0.1–2 ms
    (python-dateutil, then dateparser's check of ten locales), as much as
    cleaning tens of kilobytes."""
    _parse.cache_clear()


_UNREAD_WORD_RE = regex.compile(r"\p{L}{3,}")
_WORD_RE = regex.compile(r"\p{L}+")


def _read_dateutil(text: str) -> tuple[dt.date, tuple[str, ...]] | None:
    """dateutil's fuzzy reading of ``text``: the date and the skipped
    pieces, or None when it finds no date."""
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value, skipped = parser.parse(text, default=_DEFAULT, fuzzy_with_tokens=True)
    except (ValueError, OverflowError, TypeError):
        return None
    return value.date(), tuple(skipped)


@lru_cache(maxsize=1)
def _dateutil_tables() -> parserinfo:
    """dateutil's word tables (month names, in English), built once."""
    from dateutil.parser import parserinfo

    return parserinfo()


def _month_names(text: str) -> list[str]:
    """The words of ``text`` (lowercased) that dateutil's own tables call
    month names."""
    info = _dateutil_tables()
    return [word.lower() for word in _WORD_RE.findall(text) if info.month(word) is not None]


def _read_month_name(text: str, skipped: tuple[str, ...]) -> bool:
    """Whether dateutil read a month name in ``text`` (one it did not skip)."""
    unread = {word.lower() for piece in skipped for word in _WORD_RE.findall(piece)}
    return any(word not in unread for word in _month_names(text))


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
