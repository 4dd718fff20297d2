"""Dates in chrome: what is asked of which parser."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import dates


@pytest.fixture(autouse=True)
def _fresh_memo():
    dates.forget_parsed()
    yield
    dates.forget_parsed()


def _refuse(text):
    raise AssertionError(f"dateparser asked about {text!r}")


@pytest.mark.parametrize("text", [
    "— Cooper Lund (@cooperlund) November 18, 2019",
    "Last Updated : Nov 20, 2019 01:41 PM IST | Source: Moneycontrol.com",
    "29 November 2018 | 20 January 2019",
])
def test_a_date_among_many_other_words_is_not_asked_of_dateparser(monkeypatch, text):
    """dateutil read an English month and ignored most of the line, or
    found two dates: no locale of dateparser reads the line as one date
    (1-10 ms spared; checked against asking it on 6,000 generated lines in
    ten languages and every date string of the devset: same answers)."""
    monkeypatch.setattr(dates, "_parse_dateparser", _refuse)
    assert dates.to_iso_date(text) is None


@pytest.mark.parametrize(("text", "iso"), [
    ("4 juin 2024", "2024-06-04"),
    ("12 marca 2024", "2024-03-12"),
    ("June 22, 2024 05:03am", "2024-06-22"),
])
def test_month_names_of_other_languages_still_reach_dateparser(text, iso):
    assert dates.to_iso_date(text) == iso


def test_forget_parsed_empties_the_memo_and_changes_no_answer():
    first = dates.to_iso_date("June 22, 2024 05:03am")
    assert dates._parse.cache_info().currsize >= 1
    dates.forget_parsed()
    assert dates._parse.cache_info().currsize == 0
    assert dates.to_iso_date("June 22, 2024 05:03am") == first == "2024-06-22"


_WORDS = ["Anna", "Nowak", "Updated", "Aktualisiert", "am", "le", "publié", "el", "de",
          "actualizado", "Opublikowano", "Обновлено", "ngày", "(@handle)", "—", "|", "·",
          "Photo:", "Reuters", "by", "um", "Uhr", "às", "alle", "ore", "to", "bis"]
_MONTHS = ["November", "Nov", "March", "May", "juin", "Juni", "marca", "marzo", "março",
           "novembre", "ноября", "Desember", "Dec", "Sept", "janvier", "Januar", "luglio"]
_date = st.builds(lambda d, m, y, shape: shape.format(d=d, m=m, y=y),
                  st.integers(1, 28), st.sampled_from(_MONTHS), st.integers(1995, 2026),
                  st.sampled_from(["{d} {m} {y}", "{m} {d}, {y}", "{m} {y}", "{d}. {m} {y}"]))
_line = st.lists(st.one_of(st.sampled_from(_WORDS), _date), min_size=1, max_size=7).map(
    " ".join).filter(lambda text: len(text) <= 80 and dates._YEAR_RE.search(text))


@settings(max_examples=150, deadline=None)
@given(_line)
def test_the_lines_not_asked_of_dateparser_are_lines_it_reads_no_date_in(text):
    """The two shortcuts (a date among mostly other words that dateutil read
    with an English month; two dates) skip dateparser only where it would
    have found no plausible date."""
    reading = dates._read_dateutil(text)
    if reading is None:
        skipped = len(dates._month_names(text)) >= 2
    else:
        ignored = sum(len(s.strip(" ,.|:-")) for s in reading[1]) > len(text) / 2
        skipped = ignored and dates._read_month_name(text, reading[1])
    if skipped:
        assert not dates.plausible(dates._parse_dateparser(text)), text


def test_plausible_dates_reach_a_year_ahead_even_from_29_february():
    leap_day = dt.date(2028, 2, 29)
    assert dates.plausible(dt.date(2029, 2, 28), today=leap_day)
    assert not dates.plausible(dt.date(2029, 3, 1), today=leap_day)
    assert not dates.plausible(dt.date(1969, 12, 31)) and not dates.plausible(None)
    assert dates.plausible(dt.date(1970, 1, 1))
