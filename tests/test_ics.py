"""The calendar file: structure real clients need, read back by two parsers."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from followup import (
    IBERO_AMERICAN_2025,
    PRESETS,
    Schedule,
    Weekends,
)
from followup._export.ics import to_ics
from followup._protocols import Stream
from followup._schedule import make_schedule

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
    return make_schedule(start, protocol=protocol, years=years, weekends=Weekends.NEXT, name=name)


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from([3, 4]),
    st.integers(min_value=1, max_value=30),
    names,
    st.sampled_from([0, 1, 14, 90]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=800)),
)
@pytest.mark.untraced
def test_every_file_reads_back_with_the_same_dates(
    start: date, early: int, years: int, name: str | None, remind: int, seen_after: int | None
) -> None:
    """Across dates, options, names in several scripts and days seen from, the file is well
    formed, and no reminder fires on or before the day the plan is seen from."""
    schedule = _schedule(start, early=early, years=years, name=name)
    if seen_after is not None:
        schedule = replace(schedule, today=start + timedelta(days=seen_after))
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


def _alarms(schedule: Schedule, remind: int = 14) -> list[tuple[datetime, str] | None]:
    """Each visit's reminder as (when it fires, its text), None for a visit without one."""
    calendar = icalendar.Calendar.from_ical(to_ics(schedule, remind_days=remind, stamp=STAMP))
    found: list[tuple[datetime, str] | None] = []
    for event, visit in zip(calendar.walk("VEVENT"), schedule.visits, strict=True):
        alarms = event.walk("VALARM")
        assert len(alarms) <= 1
        if not alarms:
            found.append(None)
            continue
        fires = datetime.combine(visit.date, time()) + alarms[0].decoded("TRIGGER")
        found.append((fires, str(alarms[0]["DESCRIPTION"])))
    return found


def test_a_reminder_due_by_today_fires_tomorrow_with_the_days_left() -> None:
    """Seen from 8 days before visit 1, its 14-day reminder would be past: it fires at 09:00
    tomorrow, saying 7 days; later visits keep theirs, 14 days before."""
    today = date(2024, 4, 22)  # visit 1 is on Tuesday 2024-04-30
    schedule = make_schedule(date(2024, 1, 31), name="Ana", today=today)
    first, second = _alarms(schedule)[:2]
    assert first is not None
    assert second is not None
    assert first[0] == datetime(2024, 4, 23, 9)
    assert first[1].startswith("In 7 days: follow-up visit 1 of 19")
    assert second[0] == datetime(2024, 7, 31, 9) - timedelta(days=14)
    assert second[1].startswith("In 14 days: follow-up visit 2 of 19")


@pytest.mark.parametrize(
    ("days_ahead", "fires", "text"),
    [
        (0, None, None),  # the visit is today
        (1, None, None),  # tomorrow: a reminder could only say "today"
        (2, datetime(2024, 4, 29, 9), "In 1 day:"),
        (14, datetime(2024, 4, 17, 9), "In 13 days:"),  # due at 09:00 today: tomorrow
        (15, datetime(2024, 4, 16, 9), "In 14 days:"),  # due tomorrow: as it is
    ],
)
def test_reminders_near_today(days_ahead: int, fires: datetime | None, text: str | None) -> None:
    """A reminder falling on or before today moves to 09:00 tomorrow; a visit today or
    tomorrow has none; one falling after today is left as it is."""
    today = date(2024, 4, 30) - timedelta(days=days_ahead)
    first = _alarms(make_schedule(date(2024, 1, 31), name="Ana", today=today))[0]
    if fires is None:
        assert first is None
        return
    assert first is not None
    assert first[0] == fires
    assert first[1].startswith(str(text))


def test_reminders_without_today_are_never_moved() -> None:
    """A plan not seen from a day (today None) keeps every reminder at 14 days, as before."""
    schedule = make_schedule(date(2024, 1, 31), name="Ana")
    for visit, found in zip(schedule.visits, _alarms(schedule), strict=True):
        assert found is not None
        assert found[0] == datetime.combine(visit.date - timedelta(days=14), time(9))


def test_done_and_cancelled_visits_have_no_reminder() -> None:
    """Scans done and visits the plan dropped (cancelled) carry no VALARM."""
    schedule = make_schedule(
        date(2025, 3, 14), name="Ana", done=[date(2025, 9, 30)], today=date(2025, 10, 1)
    )
    assert schedule.dropped
    calendar = icalendar.Calendar.from_ical(to_ics(schedule, remind_days=14, stamp=STAMP))
    events = list(calendar.walk("VEVENT"))
    for event in events:
        done = str(event["SUMMARY"]).split(" – ")[0].endswith(", done")
        cancelled = str(event.get("STATUS", "")) == "CANCELLED"
        assert bool(event.walk("VALARM")) == (not done and not cancelled)
    assert any(str(event.get("STATUS", "")) == "CANCELLED" for event in events)


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


def _uids(schedule: Schedule, calendar_id: str | None = None) -> list[str]:
    data = to_ics(schedule, remind_days=14, stamp=STAMP, calendar_id=calendar_id)
    return [str(event["UID"]) for event in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def test_uids_ignore_case_accents_and_spaces_in_the_name() -> None:
    """Ana, ana, ANA, Aná and " Ana " (and full-width, decomposed or spaced forms) give
    one set of UIDs, so a re-typed name updates the events instead of duplicating them."""
    same = ["Ana", "ana", "ANA", "Aná", " Ana ", "ＡＮＡ", "A\u0301na", "ana\t"]
    expected = _uids(_schedule(name="Ana"))
    for name in same:
        assert _uids(_schedule(name=name)) == expected, name
    assert _uids(_schedule(name="Ana  María")) == _uids(_schedule(name="ana maria"))
    for other in ["Ann", "Ana M", "Anna"]:
        assert set(_uids(_schedule(name=other))).isdisjoint(expected), other


def test_a_name_of_marks_alone_keeps_its_own_uids() -> None:
    """A name made only of combining marks is not folded away to the empty name."""
    assert set(_uids(_schedule(name="\u0301"))).isdisjoint(_uids(_schedule(name="\u0300")))


def test_roster_ids_ignore_case_in_uids() -> None:
    """A roster's id counts without case, as the roster tells ids apart: P-001 is p-001,
    but an accent still makes another id."""
    schedule = _schedule(name=None)
    expected = _uids(schedule, "p-001")
    assert _uids(schedule, "P-001") == expected
    assert _uids(schedule, " p-001 ") == expected
    assert set(_uids(schedule, "p-002")).isdisjoint(expected)
    assert set(_uids(schedule, "josé")).isdisjoint(_uids(schedule, "jose"))


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


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\\^ –“é€😀x,;:\t"), max_size=400))
@pytest.mark.untraced
def test_our_folding_is_icalendars(line: str) -> None:
    """Calendars are folded by our own loop (a third faster) into exactly the lines
    icalendar's folding makes: escapes kept whole, no line over 75 octets."""
    from icalendar.parser.string import _foldline

    from followup._export.ics import fold

    assert fold(line) == _foldline(line)
    assert all(len(part.encode()) <= 75 for part in fold(line).split("\r\n"))


def test_the_file_has_no_calendar_uid_and_keeps_its_other_properties() -> None:
    """No calendar-level UID (icalendar 7's `Calendar.new()` adds a random one): a sync
    client that reads the file as a collection (vdirsyncer's singlefile storage) would take
    it for every event's. PRODID, VERSION, the name and the description stay."""
    data = to_ics(
        make_schedule(date(2024, 1, 31), name="Ana", years=1),
        remind_days=7,
        stamp=datetime(2026, 1, 1, tzinfo=UTC),
    )
    calendar = icalendar.Calendar.from_ical(data)
    assert "UID" not in calendar
    for name in ("PRODID", "VERSION", "NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC"):
        assert name in calendar, name
    first = next(line for line in unfold(data) if line.startswith("UID:"))
    assert first == f"UID:{calendar.events[0]['UID']}"


def _icalendars_file(
    schedule: Schedule, remind: int, calendar_id: str | None, source: str | None
) -> bytes:
    """The file as icalendar itself writes the same events: the objects a push stores,
    in a calendar with the file's properties, serialized and folded by icalendar."""
    from itertools import chain

    from followup._export.ics import (
        _dropped_parts,
        _event,
        _visit_parts,
        calendar_name,
        calendar_uid,
        new_calendar,
    )
    from followup._wording import about

    namespace = calendar_uid(schedule, calendar_id)
    calendar = new_calendar()
    if source is not None:
        calendar.add("REFRESH-INTERVAL", timedelta(days=1), parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", "P1D")
        calendar.add("SOURCE", source, parameters={"VALUE": "URI"})
    name = icalendar.vText(calendar_name(schedule))
    text = icalendar.vText("\n".join(f"{fact.label}: {fact.text}" for fact in about(schedule)))
    calendar["NAME"] = calendar["X-WR-CALNAME"] = name
    calendar["DESCRIPTION"] = calendar["X-WR-CALDESC"] = text
    events = chain(
        _visit_parts(schedule, remind_days=remind, namespace=namespace),
        _dropped_parts(schedule, namespace),
    )
    for parts in events:
        calendar.add_component(_event(parts, STAMP))
    written: bytes = calendar.to_ical(sorted=False)
    return written


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(sorted(PRESETS)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    names.filter(lambda name: name is None or "\\N" not in name),
    st.lists(st.integers(min_value=30, max_value=900), max_size=3),
    st.booleans(),
    st.sampled_from([0, 1, 14, 90]),
    st.integers(min_value=0, max_value=4000),
    st.one_of(st.none(), st.just("https://clinic.example/p/AbC-12_x.ics")),
)
@pytest.mark.untraced
def test_the_file_is_the_bytes_icalendar_writes(
    preset: str,
    start: date,
    name: str | None,
    done_after: list[int],
    track: bool,
    remind: int,
    seen_after: int,
    source: str | None,
) -> None:
    """Our writer gives, byte for byte, what icalendar writes for the same events: every
    preset and its streams, an extra track, scans recorded (and the visits they drop,
    cancelled), reminders near today, names of every kind, a plan link's source."""
    protocol = PRESETS[preset]
    if track:
        protocol = protocol.with_tracks((Stream.every("Brain MRI", 12),))
    today = start + timedelta(days=seen_after)
    done = sorted({start + timedelta(days=days) for days in done_after if days <= seen_after})
    schedule = make_schedule(start, protocol=protocol, name=name, done=done, today=today)
    calendar_id = None if schedule.name else "p-001"
    ours = to_ics(schedule, remind_days=remind, stamp=STAMP, calendar_id=calendar_id, source=source)
    assert ours == _icalendars_file(schedule, remind, calendar_id, source)


def test_a_dropped_visit_is_written_as_icalendar_writes_it() -> None:
    """A scan recorded late drops the last visit of a short plan: cancelled, the same bytes."""
    schedule = make_schedule(
        date(2024, 1, 31), name="Ana", years=1, done=[date(2024, 7, 1)], today=date(2024, 7, 2)
    )
    assert schedule.dropped
    ours = to_ics(schedule, remind_days=14, stamp=STAMP)
    assert b"STATUS:CANCELLED" in ours
    assert ours == _icalendars_file(schedule, 14, None, None)


def test_a_typed_backslash_n_stays_as_typed() -> None:
    r"""icalendar reads a typed `\N` as a line break before escaping; ours keeps the two
    characters, and a reader gets the name back as typed."""
    name = "Ana \\N Bo"
    data = to_ics(_schedule(name=name), remind_days=14, stamp=STAMP)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar.events[0]["SUMMARY"]).endswith(f"– {name}")
    assert vobject.readOne(data.decode()).vevent.summary.value.endswith(f"– {name}")
