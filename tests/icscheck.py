"""What every calendar file we write must satisfy, checked with our own eyes and two parsers.

Shared by the iCalendar tests and the interoperability suite.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import icalendar
import vobject

from followup import (
    Schedule,
    Visit,
)


def written(schedule: Schedule) -> list[tuple[Visit, bool]]:
    """The events a calendar holds, in order: every visit, then the dropped ones, cancelled."""
    return [(v, False) for v in schedule.visits] + [(v, True) for v in schedule.dropped]


def alarms(schedule: Schedule, visit: Visit, cancelled: bool, remind_days: int) -> int:
    """One reminder for a visit still ahead; none for one done or cancelled, nor for one
    less than two days after the plan's today (its reminder could only fire at once)."""
    soon = schedule.today is not None and visit.date < schedule.today + timedelta(days=2)
    return 1 if remind_days and not (visit.done or cancelled or soon) else 0


def unfold(data: bytes) -> list[str]:
    return data.decode().replace("\r\n ", "").split("\r\n")


def check_file(data: bytes, schedule: Schedule, remind_days: int) -> None:
    """What every file we write must satisfy, whatever the input."""
    text = data.decode("utf-8")
    events_meant = written(schedule)
    visits = [visit for visit, _cancelled in events_meant]
    # CRLF everywhere, and no line over 75 octets
    assert "\n" not in text.replace("\r\n", "")
    assert text.endswith("\r\n")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
    lines = unfold(data)
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert not any(line.startswith("METHOD") for line in lines)
    assert lines.count("BEGIN:VEVENT") == len(visits)
    # read back by icalendar, with nothing it had to repair
    calendar = icalendar.Calendar.from_ical(data)
    assert not calendar.errors
    events = list(calendar.walk("VEVENT"))
    assert [e.decoded("DTSTART") for e in events] == [v.date for v in visits]
    for event, (visit, cancelled) in zip(events, events_meant, strict=True):
        assert not event.errors
        assert event.decoded("DTSTART") == visit.date
        assert not isinstance(event.decoded("DTSTART"), datetime)  # all-day
        assert event.decoded("DTEND") == visit.date + timedelta(days=1)
        assert len(list(event.walk("VALARM"))) == alarms(schedule, visit, cancelled, remind_days)
        for alarm in event.walk("VALARM"):
            fires = datetime.combine(visit.date, time()) + alarm.decoded("TRIGGER")
            # never in the past as seen from the plan's today, never after the visit
            assert schedule.today is None or fires.date() > schedule.today
            assert fires < datetime.combine(visit.date, time())
        assert (str(event.get("STATUS", "")) == "CANCELLED") == cancelled
        assert event.decoded("SEQUENCE") == len(schedule.done)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    # read back by vobject with validation, as the Radicale server does
    parsed = vobject.readOne(text, validate=True)
    vevents = parsed.contents.get("vevent", [])
    assert [v.dtstart.value for v in vevents] == [v.date for v in visits]
    assert [v.dtend.value for v in vevents] == [v.date + timedelta(days=1) for v in visits]
    assert [v.uid.value for v in vevents] == uids
    assert [getattr(v, "status", None) is not None for v in vevents] == [
        cancelled for _visit, cancelled in events_meant
    ]
