"""Reading dates strictly, and moving them off weekends."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup._dates import Holidays, Weekends, is_weekend, move, parse_date
from followup._errors import InvalidDate


def test_reads_an_iso_date() -> None:
    """A plain YYYY-MM-DD date is read as that day; surrounding spaces are forgiven."""
    assert parse_date("2024-01-31") == date(2024, 1, 31)
    assert parse_date(" 2024-02-29 ") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-02-30", "February 2025 has 28 days"),
        ("2023-02-29", "February 2023 has 28 days"),
        ("2025-13-01", "there is no month 13"),
        ("2025-00-10", "there is no month 0"),
        ("2025-04-31", "April 2025 has 30 days"),
        ("2025-01-01T10:00", "give the day only, without a time, as YYYY-MM-DD"),
        ("2025-01-01 10:00", "give the day only, without a time, as YYYY-MM-DD"),
        ("tomorrow", "write it as YYYY-MM-DD, for example 2025-04-03 for 3 April 2025"),
        ("", "write it as YYYY-MM-DD, for example 2025-04-03 for 3 April 2025"),
        ("20250403", "write it as YYYY-MM-DD, for example 2025-04-03 for 3 April 2025"),
        ("1899-12-31", "the year must be between 1900 and 2199"),
        ("2200-01-01", "the year must be between 1900 and 2199"),
    ],
)
def test_explains_why_a_text_is_not_a_date(text: str, reason: str) -> None:
    """Each kind of bad date gets its own reason in the message."""
    with pytest.raises(InvalidDate) as caught:
        parse_date(text)
    assert caught.value.reason == reason
    assert str(caught.value) == f"{text!r} is not a usable date: {reason}"


@pytest.mark.parametrize("text", ["03/04/2025", "3/4/25", "03.04.2025", "03-04-2025"])
def test_refuses_day_month_order_that_depends_on_the_country(text: str) -> None:
    """03/04/2025 is 3 April in Madrid and March 4 in Boston: refused, and the message says why."""
    with pytest.raises(InvalidDate, match="different order in different countries"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("03/14/2025", "2025-03-14"),  # month first: 14 cannot be a month
        ("14/03/2025", "2025-03-14"),  # day first
        ("3.14.2025", "2025-03-14"),
        ("05/05/2025", "2025-05-05"),  # the same either way
        ("2025/03/14", "2025-03-14"),  # year first, as in ISO
        ("2025-3-4", "2025-03-04"),
    ],
)
def test_a_date_that_reads_one_way_only_is_refused_with_its_iso_form(text: str, meant: str) -> None:
    """03/14/2025 is still refused, but as it can only be 14 March, the message gives 2025-03-14."""
    with pytest.raises(InvalidDate) as caught:
        parse_date(text)
    assert caught.value.reason == f"write it as YYYY-MM-DD: {meant}"


@pytest.mark.parametrize("text", ["02/30/2025", "13/14/2025", "03/14/25", "01/13/0000"])
def test_no_iso_form_is_offered_for_a_date_that_is_none(text: str) -> None:
    """No day 30 February, no month 13 or 14, no century for 25, no year 0: nothing to suggest."""
    with pytest.raises(InvalidDate, match="different order in different countries"):
        parse_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_every_real_date_reads_back(day: date) -> None:
    """Any date in range, written in ISO form, reads back as itself."""
    assert parse_date(day.isoformat()) == day


@given(st.dates(min_value=date(1900, 1, 1)), st.sampled_from(list(Weekends)))
def test_move_lands_on_a_weekday_nearby(day: date, rule: Weekends) -> None:
    """next/previous land on a weekday other than 1 January at most three days away; keep
    never moves, except 1 January, forward; only 1 January is named a holiday."""
    moved, holiday = move(day, rule)
    new_year = (day.month, day.day) == (1, 1)
    assert holiday == ("New Year's Day" if new_year else None)
    if rule is Weekends.KEEP and not new_year:
        assert moved == day
        return
    assert not is_weekend(moved)
    assert (moved.month, moved.day) != (1, 1)
    assert abs((moved - day).days) <= 3
    assert (moved <= day) if rule is Weekends.PREVIOUS else (moved >= day)
    if not is_weekend(day) and not new_year:
        assert moved == day


def test_move_saturday_and_sunday() -> None:
    """Saturday 2026-01-31 goes to Monday 2 February, or back to Friday 30 January."""
    saturday, sunday = date(2026, 1, 31), date(2026, 2, 1)
    assert move(saturday, Weekends.NEXT) == (date(2026, 2, 2), None)
    assert move(sunday, Weekends.NEXT) == (date(2026, 2, 2), None)
    assert move(saturday, Weekends.PREVIOUS) == (date(2026, 1, 30), None)
    assert move(sunday, Weekends.PREVIOUS) == (date(2026, 1, 30), None)
    assert move(sunday, Weekends.KEEP) == (sunday, None)


def test_move_skips_public_holidays_and_names_the_one_on_the_due_date() -> None:
    """A holiday is closed like a weekend: Friday 1 May 2026 moves to Monday 4 May."""
    closed = {date(2026, 5, 1): "Labour Day", date(2026, 4, 30): "Made-up Day"}
    holidays = Holidays(code="XX", name_of=closed.get)
    assert move(date(2026, 5, 1), Weekends.NEXT, holidays) == (date(2026, 5, 4), "Labour Day")
    assert move(date(2026, 5, 1), Weekends.PREVIOUS, holidays) == (date(2026, 4, 29), "Labour Day")
    assert move(date(2026, 5, 1), Weekends.KEEP, holidays) == (date(2026, 5, 1), "Labour Day")
    assert move(date(2026, 5, 5), Weekends.NEXT, holidays) == (date(2026, 5, 5), None)


@pytest.mark.parametrize(
    ("day", "rule", "shown"),
    [
        (date(2026, 1, 1), Weekends.NEXT, date(2026, 1, 2)),  # Thursday to Friday
        (date(2026, 1, 1), Weekends.PREVIOUS, date(2025, 12, 31)),
        (date(2026, 1, 1), Weekends.KEEP, date(2026, 1, 2)),  # kept days, but never 1 January
        (date(2027, 1, 1), Weekends.NEXT, date(2027, 1, 4)),  # Friday to Monday
        (date(2027, 1, 1), Weekends.KEEP, date(2027, 1, 4)),  # to an open day, not Saturday
        (date(2024, 1, 1), Weekends.PREVIOUS, date(2023, 12, 29)),  # Monday to Friday
    ],
)
def test_new_years_day_is_always_avoided(day: date, rule: Weekends, shown: date) -> None:
    """Without a holidays calendar, 1 January moves like a holiday, named New Year's Day;
    under `keep` it moves to the next open day."""
    assert move(day, rule) == (shown, "New Year's Day")


def test_new_years_day_of_a_holidays_calendar_keeps_its_name() -> None:
    """A calendar that has 1 January names it; the move is the same as a holiday's, and
    a holiday on 2 January is skipped too."""
    closed = {date(2026, 1, 1): "Año Nuevo", date(2026, 1, 2): "Made-up Day"}
    holidays = Holidays(code="XX", name_of=closed.get)
    assert move(date(2026, 1, 1), Weekends.NEXT, holidays) == (date(2026, 1, 5), "Año Nuevo")
    assert move(date(2026, 1, 1), Weekends.KEEP, holidays) == (date(2026, 1, 5), "Año Nuevo")
    assert move(date(2026, 1, 2), Weekends.KEEP, holidays) == (date(2026, 1, 2), "Made-up Day")
    # a calendar without 1 January: still avoided, and named by followup
    none: dict[date, str] = {}
    assert move(date(2026, 1, 1), Weekends.NEXT, Holidays("YY", none.get)) == (
        date(2026, 1, 2),
        "New Year's Day",
    )


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
    st.integers(min_value=-400, max_value=400),
)
@pytest.mark.untraced
def test_adding_months_counts_as_relativedelta_does(day: date, months: int) -> None:
    """`add_months` gives dateutil's answer for every day and whole number of months: the
    same day of the month, or the month's last day when it is shorter."""
    from dateutil.relativedelta import relativedelta

    from followup._dates import add_months

    if date(1900, 1, 1) <= day + relativedelta(months=months) <= date(2299, 12, 31):
        assert add_months(day, months) == day + relativedelta(months=months)
