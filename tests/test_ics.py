"""The calendar file: structure real clients need, read back by two parsers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import vobject
from hypothesis import given
from hypothesis import strategies as st

from followup import IBERO_AMERICAN_2025, Schedule, Weekends, plan
from followup.export.ics import to_ics

from .icscheck import check_file, unfold

STAMP = datetime(2026, 1, 1, tzinfo=UTC)

names = st.one_of(
    st.none(),
    st.text(min_size=1, max_size=60),
    st.sampled_from(
        [
            "João Muñoz Ñúñez",
            "Zoë; Smith, Jr.\\n",
            "Ана Петрова",
            "王小明",
            "محمد",
            "Ana\r\nEND:VEVENT\r\nBEGIN:VEVENT",
        ]
    ),
)


def _schedule(
    start: date = date(2024, 1, 31), *, early: int = 3, years: int = 10, name: str | None = "Ana"
) -> Schedule:
    protocol = IBERO_AMERICAN_2025.choose(early_interval=early)
    return plan(start, protocol=protocol, years=years, weekends=Weekends.NEXT, name=name)


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from([3, 4]),
    st.integers(min_value=1, max_value=30),
    names,
    st.sampled_from([0, 1, 14, 90]),
)
@pytest.mark.untraced
def test_every_file_reads_back_with_the_same_dates(
    start: date, early: int, years: int, name: str | None, remind: int
) -> None:
    """Across dates, options and names in several scripts, the file is well formed."""
    schedule = _schedule(start, early=early, years=years, name=name)
    calendar_id = None if schedule.name else "p-001"  # a nameless plan needs a roster id
    data = to_ics(schedule, remind_days=remind, stamp=STAMP, calendar_id=calendar_id)
    check_file(data, schedule, remind)


def test_all_day_events_and_calendar_name() -> None:
    """DTSTART/DTEND are DATE values a day apart; the calendar is named twice over."""
    lines = unfold(to_ics(_schedule(name="Ana"), remind_days=14, stamp=STAMP))
    assert "DTSTART;VALUE=DATE:20240430" in lines
    assert "DTEND;VALUE=DATE:20240501" in lines
    assert "NAME:Follow-up visits – Ana" in lines
    assert "X-WR-CALNAME:Follow-up visits – Ana" in lines
    assert "DTSTAMP:20260101T000000Z" in lines


def test_summary_and_description_explain_the_visit() -> None:
    """The summary reads at a glance; the description gives window, phase, rule, source, notice."""
    event = next(
        iter(
            icalendar.Calendar.from_ical(to_ics(_schedule(), remind_days=14, stamp=STAMP)).walk(
                "VEVENT"
            )
        )
    )
    assert str(event["SUMMARY"]) == "Follow-up CT/MRI, chest + abdomen (1 of 19) – Ana"
    description = str(event["DESCRIPTION"])
    for expected in (
        "Plan for: Ana",
        "Window: 3–4 months after the treatment",
        "years 1–2: every 3–4 months (here 3)",
        "Rule: “CT or MRI of the chest and abdomen every 3–4 months",
        "Cancers 2025;17(8):1295",
        "https://www.mdpi.com/2072-6694/17/8/1295",
        "Follow-up length: 10 years, a choice (the source sets no end)",
        "not medical advice",
    ):
        assert expected in description


@pytest.mark.parametrize("days", [1, 14, 30])
def test_reminder_fires_at_nine_in_the_morning(days: int) -> None:
    """The alarm fires at 09:00 local time, `days` days before the scan, not at midnight."""
    schedule = _schedule()
    calendar = icalendar.Calendar.from_ical(to_ics(schedule, remind_days=days, stamp=STAMP))
    for event, visit in zip(calendar.walk("VEVENT"), schedule.visits, strict=True):
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        unit = "day" if days == 1 else "days"
        assert str(alarm["DESCRIPTION"]).startswith(f"In {days} {unit}: follow-up visit")
        fires = datetime.combine(visit.date, time()) + alarm.decoded("TRIGGER")
        assert fires == datetime.combine(visit.date - timedelta(days=days), time(9))


def test_no_reminder_when_zero() -> None:
    """--remind 0 writes no VALARM at all."""
    assert b"VALARM" not in to_ics(_schedule(), remind_days=0, stamp=STAMP)


def test_uids_are_stable_personal_and_anonymous() -> None:
    """Same plan, same UIDs; another person, other UIDs; no name or date inside."""

    def uids(schedule: Schedule) -> list[str]:
        return re.findall(
            r"^UID:(.+)\r$", to_ics(schedule, remind_days=14, stamp=STAMP).decode(), re.M
        )

    ana = uids(_schedule(name="Ana"))
    assert ana == uids(_schedule(name="Ana"))
    assert set(ana).isdisjoint(uids(_schedule(name="Bea")))
    assert set(ana).isdisjoint(uids(_schedule(date(2024, 2, 1), name="Ana")))
    # visit n keeps its UID when its date changes (another early interval)
    assert ana[:3] == uids(_schedule(name="Ana", early=4))[:3]
    for uid in ana:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", uid)


@pytest.mark.parametrize(
    "name", ["Ana\nBEGIN:VEVENT", "Ana\r\nEND:VCALENDAR", "a,b;c\\d", "x\\nEND:VEVENT", "\\"]
)
def test_hostile_names_neither_break_the_file_nor_add_events(name: str) -> None:
    """Newlines, commas, semicolons and backslashes in a name stay inside one TEXT value."""
    schedule = _schedule(name=name)
    data = to_ics(schedule, remind_days=14, stamp=STAMP)
    check_file(data, schedule, 14)
    parsed = vobject.readOne(data.decode(), validate=True)
    assert parsed.contents["x-wr-calname"][0].value == f"Follow-up visits – {schedule.name}"
