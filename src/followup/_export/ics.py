"""iCalendar export: all-day events, reminders never in the past, stable anonymous UIDs.

Identifiers are derived from the person's name (or, in a batch, the row's id)
and the treatment date by a one-way hash: visit n keeps its UID when its date
moves, and two people's plans never share one. The name counts without case,
accents or extra spaces ("Ana", "ANA", " aná " give the same UIDs), and an id
without case, as a roster tells ids apart. Neither can be read back from a
UID, though someone who guesses both could check the guess: use initials. A
plan with neither a name nor an id is refused, since two such plans with the
same date would overwrite each other in one calendar. SEQUENCE is the number of
scans recorded, which only grows as a plan is regenerated; visits that counting
from the scans done has dropped are written again as cancelled, so calendars
that match UIDs remove them.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from followup import _wording as wording
from followup._errors import MissingValue
from followup._i18n import _, ngettext
from followup._schedule import Schedule, Visit

if TYPE_CHECKING:  # loaded where objects are made (a push): a file is written without it
    from icalendar import Calendar, Event

__all__ = [
    "PRODID",
    "calendar_name",
    "calendar_uid",
    "fold",
    "new_calendar",
    "person_key",
    "reminder",
    "summary",
    "to_ics",
    "visit_events",
    "visit_uid",
]

PRODID = "-//followup//followup//EN"

# Fixed root for the name-based UUIDs below; changing it would change every UID.
_UID_ROOT = uuid.UUID("5f0c3a52-8d1e-4c4b-9a57-6c2f51e0b7d3")


def calendar_uid(schedule: Schedule, calendar_id: str | None = None) -> uuid.UUID:
    """One UUID per person and treatment date, by a one-way hash (see the module's notes).

    The person is `calendar_id` when given (a roster's id), else the plan's name.
    """
    day = schedule.treatment_date.isoformat()
    if calendar_id is not None:
        # A roster's ids are unique without case and outer spaces: so are their UIDs.
        return uuid.uuid5(_UID_ROOT, f"id:{calendar_id.strip().casefold()}\x1f{day}")
    if schedule.name is None:
        raise MissingValue(
            _("a name or initials"),
            _(
                "a calendar needs one (initials are enough), so that two people's plans "
                "with the same treatment date never replace each other's events"
            ),
            "name",
        )
    return uuid.uuid5(_UID_ROOT, f"{_folded(schedule.name)}\x1f{day}")


def person_key(schedule: Schedule, calendar_id: str | None = None) -> str:
    """Whose plan it is, whatever its treatment date: a keyed hash of the name (or id).

    It tells a plan pushed before a date was corrected from another person's,
    without the name: as with UIDs, only someone who guesses the name can check it.
    """
    if calendar_id is not None:
        person = f"id:{calendar_id.strip().casefold()}"
    else:
        person = f"name:{_folded(schedule.name or '')}"
    return hmac.new(_UID_ROOT.bytes, person.encode(), hashlib.sha256).hexdigest()[:12]


def _folded(name: str) -> str:
    """The name as UIDs count it: without case, accents or extra spaces, so that "Ana",
    "ANA" and " Aná " are one person. Marks are dropped by their combining class; a
    name of marks alone stays as it is rather than become the empty name."""
    bare = "".join(
        char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)
    )
    return unicodedata.normalize("NFC", " ".join(bare.casefold().split())) or name


def visit_uid(schedule: Schedule, visit: Visit, namespace: uuid.UUID | None = None) -> str:
    """Visit n keeps its UID whatever its date, so a re-import updates, not duplicates.

    The lead stream's visits are named as plans named them before protocols had
    several streams; a stream added by choice is named by its exam, and a source's
    other streams by their ids, so each stream has its own.
    """
    stream = visit.stream
    if stream.by_choice:
        key = f"track:{stream.exam.casefold()}"
    elif stream == schedule.protocol.lead:
        key = "visit"
    else:
        key = f"stream:{stream.id.casefold()}"
    return str(uuid.uuid5(namespace or calendar_uid(schedule), f"{key}-{visit.number}"))


def calendar_name(schedule: Schedule) -> str:
    if schedule.name:
        return _("Follow-up visits – {name}").format(name=schedule.name)
    return _("Follow-up visits")


def summary(schedule: Schedule, visit: Visit) -> str:
    """What a calendar shows at a glance, with whose plan it is when it has a name."""
    total = schedule.count(visit)
    if visit.stream.by_choice:
        title = _("{exam} ({number} of {total}), extra track").format(
            exam=visit.stream.exam, number=visit.number, total=total
        )
    elif visit.done:
        title = _("Follow-up {exam} ({number} of {total}), done").format(
            exam=wording.exam_short(schedule, visit), number=visit.number, total=total
        )
    else:
        title = _("Follow-up {exam} ({number} of {total})").format(
            exam=wording.exam_short(schedule, visit), number=visit.number, total=total
        )
    if schedule.name:
        return _("{summary} – {name}").format(summary=title, name=schedule.name)
    return title


def reminder(schedule: Schedule, visit: Visit, days: int) -> str:
    return ngettext(
        "In {days} day: follow-up visit {number} of {total} ({exam}). "
        "Time to book it if it is not booked yet.",
        "In {days} days: follow-up visit {number} of {total} ({exam}). "
        "Time to book it if it is not booked yet.",
        days,
    ).format(
        days=days,
        number=visit.number,
        total=schedule.count(visit),
        exam=wording.exam(schedule, visit),
    )


def _alarm_days(schedule: Schedule, visit: Visit, remind_days: int) -> int | None:
    """How many days before `visit` its reminder fires, at 09:00; None for no reminder.

    A reminder due on or before the plan's `today` would go off at once on
    import, so it fires at 09:00 the day after instead, counting the days left
    from there; a visit less than two days after `today` gets none.
    """
    if not remind_days:
        return None
    today = schedule.today
    if today is None or (visit.date - today).days > remind_days:
        return remind_days
    left = (visit.date - today).days - 1  # from 09:00 tomorrow
    return left if left >= 1 else None


def _trigger(days: int) -> timedelta:
    # An all-day event starts at local midnight; ending the offset 15 hours short
    # of whole days makes the reminder fire at 09:00 instead of 00:00.
    return -timedelta(days=days - 1, hours=15)


def _footer(schedule: Schedule) -> str:
    # The full account of the plan is in the calendar's own description; each
    # event carries the short form, since phones show it in a small space.
    lines = [
        "",
        *([_("Plan for: {name}").format(name=schedule.name)] if schedule.name else []),
        _("Protocol: {name}").format(name=_(schedule.protocol.name)),
        _("Rule: {rule}").format(rule=wording.rule(schedule)),
        _("Source: {source}").format(source=wording.source(schedule, short=True)),
        wording.horizon_short(schedule),
        wording.disclaimer(),
    ]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Parts:
    """What one event says, however it is written: an icalendar object for a pushed
    event (`_event`), lines for a file (`_event_lines`). `alarm`: the reminder's days
    before the visit and its words; `cancelled`: a visit the plan no longer has."""

    uid: str
    start: date
    summary: str
    description: str
    sequence: int
    alarm: tuple[int, str] | None = None
    cancelled: bool = False


def _visit_parts(schedule: Schedule, *, remind_days: int, namespace: uuid.UUID) -> Iterator[_Parts]:
    """Each visit's event, extra tracks included, by date; then the visits dropped, cancelled."""
    footer = _footer(schedule)
    sequence = len(schedule.done)
    for visit in schedule.visits:
        days = None if visit.done else _alarm_days(schedule, visit, remind_days)
        yield _Parts(
            uid=visit_uid(schedule, visit, namespace),
            start=visit.date,
            summary=summary(schedule, visit),
            description="\n".join(wording.visit_details(schedule, visit)) + "\n" + footer,
            sequence=sequence,
            alarm=None if days is None else (days, reminder(schedule, visit, days)),
        )


def _dropped_parts(schedule: Schedule, namespace: uuid.UUID) -> Iterator[_Parts]:
    """The visits the plan no longer has, under their old UIDs, marked cancelled."""
    description = (
        _(
            "Counted again from the scans done, the plan no longer has this visit. "
            "It is kept here, cancelled, so that calendars remove the old event."
        )
        + "\n"
        + _footer(schedule)
    )
    for visit in schedule.dropped:
        title = _("Follow-up {exam} (visit {number}): no longer in the plan").format(
            exam=wording.exam_short(schedule, visit), number=visit.number
        )
        if schedule.name:
            title = _("{summary} – {name}").format(summary=title, name=schedule.name)
        yield _Parts(
            uid=visit_uid(schedule, visit, namespace),
            start=visit.date,
            summary=title,
            description=description,
            sequence=len(schedule.done),
            cancelled=True,
        )


def _event(parts: _Parts, stamp: datetime) -> Event:
    """The event as an icalendar object."""
    from icalendar import TRANSP, Alarm, Event

    event = Event.new(
        uid=parts.uid,
        stamp=stamp,
        start=parts.start,
        end=parts.start + timedelta(days=1),
        summary=parts.summary,
        description=parts.description,
        # An all-day reminder of a scan should not mark the whole day as busy.
        transparency=TRANSP.TRANSPARENT,
    )
    if parts.cancelled:
        event.add("STATUS", "CANCELLED")
    event.add("SEQUENCE", parts.sequence)
    if parts.alarm is not None:
        days, words = parts.alarm
        alarm = Alarm.new(description=words)
        alarm.add("ACTION", "DISPLAY")
        alarm.add("TRIGGER", _trigger(days))
        event.add_component(alarm)
    return event


def _event_lines(parts: _Parts, stamp: str, lines: list[str]) -> None:
    """The event's content lines, unfolded, as icalendar writes `_event(parts)`, onto `lines`."""
    start = parts.start.strftime("%Y%m%d")
    end = (parts.start + timedelta(days=1)).strftime("%Y%m%d")
    lines += (
        "BEGIN:VEVENT",
        f"DTSTAMP:{stamp}",
        f"SUMMARY:{_text(parts.summary)}",
        f"DESCRIPTION:{_text(parts.description)}",
        f"UID:{_text(parts.uid)}",
        f"DTSTART;VALUE=DATE:{start}",
        f"DTEND;VALUE=DATE:{end}",
        "TRANSP:TRANSPARENT",
    )
    if parts.cancelled:
        lines.append("STATUS:CANCELLED")
    lines.append(f"SEQUENCE:{parts.sequence}")
    if parts.alarm is not None:
        days, words = parts.alarm
        lines += (
            "BEGIN:VALARM",
            f"DESCRIPTION:{_text(words)}",
            "ACTION:DISPLAY",
            f"TRIGGER:{_duration(_trigger(days))}",
            "END:VALARM",
        )
    lines.append("END:VEVENT")


def _text(value: str) -> str:
    r"""A TEXT value escaped as RFC 5545 §3.3.11 asks: backslash, `;`, `,` and line breaks
    (CRLF, LF or a lone CR, each written `\n`). Unlike icalendar, which first reads a
    typed `\N` as a line break, it keeps `\N` as typed."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _duration(span: timedelta) -> str:
    """A DURATION value (RFC 5545 §3.3.6) as icalendar writes one: `-P13DT15H`, `-PT15H`."""
    sign = "-" if span.days < 0 else ""
    span = abs(span)
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    time = ""
    if span.seconds:
        time = "T" + (f"{hours}H" if hours else "")
        time += f"{minutes}M" if minutes or (hours and seconds) else ""
        time += f"{seconds}S" if seconds else ""
    if span.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{span.days}D{time}"


def _utc_stamp(stamp: datetime) -> str:
    """DTSTAMP's value: the moment in UTC (a stamp without a zone is taken to be UTC)."""
    utc = stamp if stamp.tzinfo is None else stamp.astimezone(UTC)
    return utc.strftime("%Y%m%dT%H%M%SZ")


def visit_events(
    schedule: Schedule, *, remind_days: int, stamp: datetime, namespace: uuid.UUID
) -> list[Event]:
    """One all-day event per visit, extra tracks included, by date; a reminder for each ahead.

    `namespace` is the plan's `calendar_uid`. A CalDAV push stores each event as
    an object of its own; a file holds them all (`to_ics`, which writes the same events).
    """
    parts = _visit_parts(schedule, remind_days=remind_days, namespace=namespace)
    return [_event(each, stamp) for each in parts]


def to_ics(
    schedule: Schedule,
    *,
    remind_days: int,
    stamp: datetime,
    calendar_id: str | None = None,
    source: str | None = None,
) -> bytes:
    """The schedule as an iCalendar file; `stamp` (UTC) becomes every DTSTAMP.

    `calendar_id` stands for the person in the UIDs when the plan has no name.
    `source` is the address the calendar is served from (a plan link): a subscribed
    calendar is then refreshed from it once a day (RFC 7986 `REFRESH-INTERVAL` and
    `SOURCE`, and Outlook's `X-PUBLISHED-TTL`), so statuses and reminders stay current.

    The lines are written here rather than by icalendar's objects, which cost four
    fifths of a plan link's calendar: the same bytes icalendar writes for `_event`'s
    objects, as a test checks on generated plans.
    """
    namespace = calendar_uid(schedule, calendar_id)
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0"]
    if source is not None:
        lines += ("REFRESH-INTERVAL;VALUE=DURATION:P1D", "X-PUBLISHED-TTL:P1D")
        lines.append(f"SOURCE;VALUE=URI:{source}")
    name = _text(calendar_name(schedule))
    description = _text("\n".join(f"{fact.label}: {fact.text}" for fact in wording.about(schedule)))
    lines += (f"NAME:{name}", f"X-WR-CALNAME:{name}")
    lines += (f"DESCRIPTION:{description}", f"X-WR-CALDESC:{description}")
    when = _utc_stamp(stamp)
    for parts in _visit_parts(schedule, remind_days=remind_days, namespace=namespace):
        _event_lines(parts, when, lines)
    for parts in _dropped_parts(schedule, namespace):
        _event_lines(parts, when, lines)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(map(fold, lines)) + "\r\n").encode()


def new_calendar() -> Calendar:
    """An empty VCALENDAR with VERSION and PRODID, and no calendar-level UID.

    icalendar 7's `Calendar.new()` adds an RFC 7986 UID (random unless given)
    before the first event; sync clients such as vdirsyncer take the first
    `UID:` line for the item's, so a calendar UID in a pushed object, or in a
    file read as a collection, hides every event's own.
    """
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    return calendar


_LINE = 75  # octets a content line may hold (RFC 5545 §3.1), its line break aside


def fold(line: str) -> str:
    """A content line folded as RFC 5545 §3.1 asks, exactly as icalendar folds it (lines of
    fewer than 75 octets, never split inside a character nor after a `\\` or `^`
    escape), counted on the UTF-8 bytes a stretch at a time rather than a character at
    a time: icalendar's own folding was a third of a calendar's cost."""
    if len(line) < _LINE and line.isascii():
        return line
    data = line.encode("utf-8")
    if len(data) < _LINE:
        return line
    most = _LINE - 1  # octets a stretch may hold; a continuation's space is not counted
    parts: list[bytes] = []
    start = 0
    while len(data) - start > most:
        end = start + most
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if end - start > 1 and data[end - 1] in b"\\^":  # keep an escape whole
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")
