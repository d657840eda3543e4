"""The core: which months, which dates, which phases."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from followup import (
    IBERO_AMERICAN_2025,
    InvalidSetting,
    Phase,
    Schedule,
    Weekends,
)
from followup._dates import is_weekend
from followup._options import COMMAND_LINE
from followup._schedule import clean_name, make_schedule
from followup._settings import Settings

treatment_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
early_intervals = st.sampled_from([3, 4])
horizons = st.integers(min_value=1, max_value=30)


def _plan(start: date, early: int = 3, years: int = 10, **options: object) -> Schedule:
    protocol = IBERO_AMERICAN_2025.choose(early_interval=early)
    return make_schedule(start, protocol=protocol, years=years, **options)  # type: ignore[arg-type]


def test_month_ends_are_counted_from_the_treatment_date() -> None:
    """From 31 January: 3 months is 30 April and 6 months is 31 July, not 30 July."""
    visits = _plan(date(2024, 1, 31), weekends=Weekends.KEEP).visits
    assert visits[0].due_date == date(2024, 4, 30)
    assert visits[1].due_date == date(2024, 7, 31)
    assert visits[3].due_date == date(2025, 1, 31)


def test_months_with_early_interval_3() -> None:
    """3, 6, …, 24, then every 6 to 60, then yearly: 19 visits in 10 years."""
    months = [visit.months for visit in _plan(date(2025, 3, 14)).visits]
    assert months == [3, 6, 9, 12, 15, 18, 21, 24, 30, 36, 42, 48, 54, 60, 72, 84, 96, 108, 120]


def test_months_with_early_interval_4() -> None:
    """4, 8, …, 24, then every 6 to 60, then yearly: 17 visits in 10 years."""
    months = [visit.months for visit in _plan(date(2025, 3, 14), early=4).visits]
    assert months == [4, 8, 12, 16, 20, 24, 30, 36, 42, 48, 54, 60, 72, 84, 96, 108, 120]


@pytest.mark.parametrize(
    ("years", "last"), [(1, 12), (2, 24), (3, 36), (5, 60), (7, 84), (30, 360)]
)
def test_nothing_is_planned_after_the_horizon(years: int, last: int) -> None:
    """The last visit falls at the end of follow-up, never after it."""
    schedule = _plan(date(2025, 3, 14), years=years)
    assert schedule.visits[-1].months == last
    assert schedule.end_date == date(2025 + years, 3, 14)


@pytest.mark.parametrize("years", [0, -1, 31, 100])
def test_years_out_of_range_is_refused(years: int) -> None:
    """Follow-up lasts from 1 to 30 years; the error names the field and gives the range."""
    with pytest.raises(InvalidSetting, match=r"is not allowed: choose from 1 to 30") as caught:
        _plan(date(2025, 3, 14), years=years)
    assert (caught.value.field, caught.value.value) == ("years", years)


@pytest.mark.parametrize("early", [2, 5, 6, 0])
def test_early_interval_outside_the_source_range_is_refused(early: int) -> None:
    """The sheet says every 3–4 months: anything else is refused, naming 3 or 4."""
    with pytest.raises(
        InvalidSetting, match="ibero-american-2025 allows 3 or 4 months in its first phase"
    ) as caught:
        IBERO_AMERICAN_2025.choose(early_interval=early)
    assert caught.value.field == "early_interval"


def test_weekend_due_dates_move_and_keep_the_rules_date() -> None:
    """Saturday 31 January 2026 is shown as Monday 2 February; the rule's date is kept."""
    visit = _plan(date(2024, 1, 31)).visits[7]
    assert (visit.months, visit.due_date, visit.date) == (24, date(2026, 1, 31), date(2026, 2, 2))
    assert visit.moved
    previous = _plan(date(2024, 1, 31), weekends=Weekends.PREVIOUS).visits[7]
    assert previous.date == date(2026, 1, 30)
    kept = _plan(date(2024, 1, 31), weekends=Weekends.KEEP).visits[7]
    assert kept.date == kept.due_date
    assert not kept.moved


def test_the_visit_carries_the_phase_that_set_its_interval() -> None:
    """Month 24 closes the first phase; month 30 is the first 6-monthly; 72 the first yearly."""
    by_month = {visit.months: visit.phase for visit in _plan(date(2025, 3, 14)).visits}
    first, middle, last = IBERO_AMERICAN_2025.lead.phases
    assert by_month[24].until_month == first.until_month == 24
    assert by_month[30] == middle
    assert by_month[60] == middle
    assert by_month[72] == last


def _phase_at(month: int) -> Phase:
    """The seed's phase a visit `month` months after treatment falls in: the test's own oracle."""
    return next(
        phase
        for phase in IBERO_AMERICAN_2025.lead.phases
        if phase.from_month <= month and (phase.until_month is None or month < phase.until_month)
    )


@given(treatment_dates, early_intervals, horizons, st.sampled_from(list(Weekends)))
def test_invariants(start: date, early: int, years: int, weekends: Weekends) -> None:
    """Dates increase, gaps fit their phase, month ends never drift, nothing after the end."""
    schedule = _plan(start, early, years, weekends=weekends)
    visits = schedule.visits
    assert [v.number for v in visits] == list(range(1, len(visits) + 1))
    previous_month, previous_date = 0, start
    for visit in visits:
        # computed from the anchor, with month-end clipping but no drift
        assert visit.due_date == start + relativedelta(months=visit.months)
        last_day = calendar.monthrange(visit.due_date.year, visit.due_date.month)[1]
        assert visit.due_date.day == min(start.day, last_day)
        # the gap lies within the phase the previous visit falls in
        gap = visit.months - previous_month
        low, high = visit.phase.allowed
        assert low <= gap <= high
        phase = _phase_at(previous_month)
        assert (visit.phase.from_month, visit.phase.until_month) == (
            phase.from_month,
            phase.until_month,
        )
        assert visit.date > previous_date
        assert visit.due_date <= schedule.end_date
        if weekends is not Weekends.KEEP:
            assert not is_weekend(visit.date)
        previous_month, previous_date = visit.months, visit.date
    # the next visit the rule would give lies after the end
    following = previous_month + _phase_at(previous_month).allowed[0]
    assert start + relativedelta(months=following) > schedule.end_date


@given(treatment_dates, early_intervals, horizons)
def test_count_per_phase(start: date, early: int, years: int) -> None:
    """Each phase holds as many visits as its length divided by its interval."""
    counts = Counter(v.phase.from_month for v in _plan(start, early, years).visits)
    end = 12 * years
    expected = {
        0: min(end, 24) // early,
        24: max(0, min(end, 60) - 24) // 6,
        60: max(0, end - 60) // 12,
    }
    assert counts == {k: n for k, n in expected.items() if n}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ana", "Ana"),
        ("  Ana   María ", "Ana María"),
        ("Ana\r\nBEGIN:VEVENT", "Ana BEGIN:VEVENT"),
        ("a\tb\x00c\x1bd", "a b c d"),
        ("line\u2028break", "line break"),
        ("  ", None),
        (None, None),
        ("نرگس\u200cی", "نرگس\u200cی"),  # the zero-width non-joiner belongs to the name
    ],
)
def test_names_become_one_line(raw: str | None, clean: str | None) -> None:
    """Control characters and line breaks in a name become single spaces."""
    assert clean_name(raw) == clean


def test_overlong_name_is_refused() -> None:
    """A name over 100 characters is refused rather than cut silently."""
    with pytest.raises(InvalidSetting, match="at most 100 characters"):
        Settings.from_mapping({"name": "x" * 101}, COMMAND_LINE)
