"""Scans done move the plan: visit k is fulfilled by the k-th scan, the rest restart from the last."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from followup import (
    IBERO_AMERICAN_2025,
    InvalidSetting,
    Weekends,
)
from followup._schedule import Status, make_schedule

TODAY = date(2026, 11, 26)


def _months(schedule_visits: object) -> list[int]:
    return [visit.months for visit in schedule_visits]  # type: ignore[attr-defined]


def test_without_scans_done_the_plan_is_the_foundation_schedule() -> None:
    """No --done: months 3…24, 30…60, 72…120 counted from the treatment date, all planned."""
    schedule = make_schedule(date(2024, 1, 31), done=(), today=TODAY)
    early = [3, 6, 9, 12, 15, 18, 21, 24]
    assert _months(schedule.visits) == [*early, 30, 36, 42, 48, 54, 60, 72, 84, 96, 108, 120]
    assert {visit.status for visit in schedule.visits} == {Status.PLANNED}
    assert {visit.anchor for visit in schedule.visits} == {date(2024, 1, 31)}


def test_the_kth_scan_fulfils_visit_k_and_the_rest_restart_from_the_last() -> None:
    """Two scans done late: visits 1–2 are done on their real dates, visit 3 is 3 months after scan 2."""
    schedule = make_schedule(
        date(2024, 1, 31),
        done=[date(2024, 9, 30), date(2024, 6, 3)],  # any order
        weekends=Weekends.KEEP,
        today=TODAY,
    )
    first, second, third, fourth = schedule.visits[:4]
    assert (first.status, first.date, first.due_date) == (
        Status.DONE,
        date(2024, 6, 3),
        date(2024, 4, 30),
    )
    assert (second.status, second.date, second.due_date) == (
        Status.DONE,
        date(2024, 9, 30),
        date(2024, 9, 3),  # the rule: 3 months after scan 1
    )
    assert (third.status, third.anchor, third.months, third.date) == (
        Status.PLANNED,
        date(2024, 9, 30),
        3,
        date(2024, 12, 30),
    )
    assert (fourth.anchor, fourth.months, fourth.date) == (date(2024, 9, 30), 6, date(2025, 3, 30))
    assert schedule.next_visit() is third


def test_phases_stay_measured_from_the_treatment_date() -> None:
    """A scan done after month 24 is followed 6 months later, even if it was visit 8."""
    treatment = date(2024, 1, 31)
    done = [treatment + relativedelta(months=3 * k) for k in range(1, 8)] + [date(2026, 2, 10)]
    schedule = make_schedule(treatment, done=done, weekends=Weekends.KEEP, today=TODAY)
    ninth = schedule.visits[8]
    assert ninth.date == date(2026, 8, 10)
    assert ninth.phase is IBERO_AMERICAN_2025.lead.phases[1]


def test_dates_after_a_scan_are_counted_from_it_and_never_drift() -> None:
    """From a scan on 31 August: 30 November, 28 February, then 31 May (not 28 May)."""
    schedule = make_schedule(
        date(2024, 5, 31), done=[date(2024, 8, 31)], weekends=Weekends.KEEP, today=TODAY
    )
    assert [v.due_date for v in schedule.visits[1:4]] == [
        date(2024, 11, 30),
        date(2025, 2, 28),
        date(2025, 5, 31),
    ]


def test_a_late_last_scan_keeps_its_successor() -> None:
    """One year of follow-up, first scan 3 weeks late: the visit 19 days after the end stays."""
    schedule = make_schedule(
        date(2024, 1, 1), years=1, done=[date(2024, 4, 22)], weekends=Weekends.KEEP, today=TODAY
    )
    assert [v.date for v in schedule.visits] == [
        date(2024, 4, 22),
        date(2024, 7, 22),
        date(2024, 10, 22),
        date(2025, 1, 22),  # after the end (2025-01-01), within half an interval (1 month)
    ]


def test_an_early_scan_does_not_add_a_year() -> None:
    """Six years, the year-6 scan done two months early: no year-7 scan appears."""
    treatment = date(2020, 1, 1)
    due = [
        visit.due_date for visit in make_schedule(treatment, years=6, weekends=Weekends.KEEP).visits
    ]
    done = [*due[:-1], date(2025, 11, 1)]
    schedule = make_schedule(treatment, years=6, done=done, today=TODAY)
    assert len(schedule.visits) == len(due)
    assert schedule.next_visit() is None
    seven = make_schedule(treatment, years=7, done=done, today=TODAY)
    assert seven.visits[-1].date == date(2026, 11, 2)  # 2026-11-01 is a Sunday


def test_more_scans_than_planned_are_all_kept_as_done() -> None:
    """Extra scans are recorded, not dropped; nothing is left to plan."""
    done = [date(2024, 2, 1) + relativedelta(months=k) for k in range(12)]  # monthly
    schedule = make_schedule(date(2024, 1, 1), years=1, done=done, today=TODAY)
    assert [v.date for v in schedule.visits] == done
    assert schedule.next_visit() is None


@pytest.mark.parametrize(
    ("done", "message"),
    [
        (
            [date(2024, 6, 3), date(2024, 6, 3)],
            "'2024-06-03' is not allowed: this date is given twice",
        ),
        (
            [date(2024, 1, 30)],
            "'2024-01-30' is not allowed: it is before the treatment date 2024-01-31",
        ),
        (
            [date(2026, 11, 27)],
            "'2026-11-27' is not allowed: it is after today (2026-11-26)",
        ),
    ],
)
def test_impossible_scans_done_are_refused(done: list[date], message: str) -> None:
    """A repeated date, a date before the treatment or after today is bad input, with the reason."""
    with pytest.raises(InvalidSetting) as caught:
        make_schedule(date(2024, 1, 31), done=done, today=TODAY)
    assert (caught.value.field, str(caught.value)) == ("done", message)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2020, 12, 31)),
    st.lists(st.integers(min_value=0, max_value=3650), max_size=12, unique=True),
    st.integers(min_value=1, max_value=30),
    st.sampled_from([3, 4]),
)
def test_invariants_with_scans_done(
    start: date, offsets: list[int], years: int, early: int
) -> None:
    """Done first and in order, then planned dates anchored on the last scan, none past the grace."""
    done = sorted(start + relativedelta(days=d) for d in offsets)
    protocol = IBERO_AMERICAN_2025.choose(early_interval=early)
    schedule = make_schedule(
        start, protocol=protocol, years=years, done=done, today=date(2040, 1, 1)
    )
    visits = schedule.visits
    assert [v.number for v in visits] == list(range(1, len(visits) + 1))
    assert [v.date for v in visits if v.done] == done
    assert all(v.done for v in visits[: len(done)])
    anchor = done[-1] if done else start
    planned = visits[len(done) :]
    previous = anchor
    for visit in planned:
        assert visit.anchor == anchor
        assert visit.anchor_number == len(done)
        assert visit.due_date == anchor + relativedelta(months=visit.months)
        assert visit.due_date > previous
        low, high = visit.phase.allowed
        assert low <= visit.phase.every_months <= high
        grace = start + relativedelta(months=12 * years + visit.phase.every_months // 2)
        assert visit.due_date <= grace
        previous = visit.due_date
