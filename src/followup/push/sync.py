"""A push over a calendar store: the plan's objects, the changes to make, and what is said.

Each visit is a calendar object of its own, cut from the .ics file `plan`
writes, and named after its UID behind a prefix derived from the plan's UID
namespace, so that a listing tells this plan's objects apart from everything
else in the calendar.

A push reads the calendar, works out every change, then makes them: new visits
on the condition that nothing is there yet, changed ones and removed ones on
the condition that the object is still the version (ETag) just read. A change
made in the store meanwhile is reported, never overwritten, and a push stopped
half-way converges when it is run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn

from followup import _i18n as i18n
from followup._errors import PushFailed
from followup._export import RenderOptions
from followup._export.ics import calendar_uid
from followup._i18n import _, ngettext
from followup._schedule import Schedule
from followup.push.store import (
    ANY,
    CalendarStore,
    Conflict,
    Refused,
    Stored,
    StoredCalendar,
    UidTaken,
)

if TYPE_CHECKING:
    from icalendar import Component, Event

__all__ = [
    "Action",
    "Change",
    "Item",
    "Report",
    "changes",
    "items",
    "prefix_for",
    "push_to",
]


@dataclass(frozen=True)
class Item:
    """One visit as the calendar object to store: its resource name, UID and text."""

    name: str
    uid: str
    text: str
    event: Event


def prefix_for(schedule: Schedule) -> str:
    """What the resource names of this plan's objects start with: from its UID namespace."""
    return f"followup-{calendar_uid(schedule).hex[:16]}-"


def items(schedule: Schedule, options: RenderOptions) -> list[Item]:
    """Each visit as a calendar of one event, the same events that `plan` writes to a file.

    Each has PRODID and VERSION, its event's UID and reminder, and no METHOD
    (RFC 4791 forbids one in stored objects). Visits the plan dropped are not
    sent cancelled, as in a file: in an account, their objects are deleted.
    """
    from icalendar import Calendar

    from followup._export.ics import PRODID, visit_events

    prefix = prefix_for(schedule)
    found = []
    with i18n.using(options.lang):
        events = visit_events(
            schedule,
            remind_days=options.remind,
            stamp=options.timestamp,
            namespace=calendar_uid(schedule),
        )
    for event in events:
        single = Calendar.new(prodid=PRODID)
        single.add_component(event)
        uid = str(event["UID"])
        found.append(Item(f"{prefix}{uid}.ics", uid, single.to_ical().decode(), event))
    return found


class Action(StrEnum):
    ADD = "add"
    UPDATE = "update"
    REMOVE = "remove"


@dataclass(frozen=True)
class Change:
    """One write to make: what, where, on which ETag, and what a person is told about it.

    `href` is where the object is in the store; None for a new one, which goes
    under `name` in the calendar.
    """

    action: Action
    name: str
    label: str
    text: str | None = None
    etag: str | None = None
    href: str | None = None


def _event(text: str | None) -> Event | None:
    from icalendar import Calendar

    try:
        events = Calendar.from_ical(text or "").events
    except ValueError:
        return None
    return events[0] if len(events) == 1 else None


def _label(event: Event | None, fallback: str) -> str:
    """A visit as a person knows it: its date and title."""
    if event is None or "DTSTART" not in event:
        return fallback
    return f"{event.decoded('DTSTART').isoformat()} {event.get('SUMMARY', '')}".strip()


def _values(event: Component, names: list[str]) -> tuple[tuple[str, tuple[bytes, ...]], ...]:
    def wire(value: Any) -> tuple[bytes, ...]:
        values = value if isinstance(value, list) else [value]
        return tuple(v.to_ical() if hasattr(v, "to_ical") else str(v).encode() for v in values)

    return tuple((name, wire(event[name]) if name in event else ()) for name in names)


def _same(ours: Event, theirs: Event | None) -> bool:
    """Whether the server's copy says what ours says, DTSTAMP aside.

    Only what we write is compared: a server may add properties of its own, and
    write lines its own way, without that counting as a change.
    """
    if theirs is None:
        return False
    names = [name for name in ours if name != "DTSTAMP"]
    alarm_names = sorted({name for alarm in ours.walk("VALARM") for name in alarm})

    def alarms(event: Event) -> list[Any]:
        return sorted(_values(alarm, alarm_names) for alarm in event.walk("VALARM"))

    return _values(ours, names) == _values(theirs, names) and alarms(ours) == alarms(theirs)


def changes(wanted: list[Item], stored: list[Stored]) -> tuple[list[Change], int]:
    """The writes that make the store hold `wanted` (this plan's objects), and how many match.

    `stored` is what the store holds of this plan; everything else is never
    touched. Additions come first and removals last, so that a push stopped
    part-way leaves an event too many rather than one too few.
    """
    there = {each.name: each for each in stored}
    made, unchanged = [], 0
    for item in wanted:
        old = there.get(item.name)
        if old is None:
            made.append(Change(Action.ADD, item.name, _label(item.event, item.name), item.text))
        elif _same(item.event, _event(old.text)):
            unchanged += 1
        else:
            label = _label(item.event, item.name)
            made.append(Change(Action.UPDATE, item.name, label, item.text, old.etag, old.href))
    kept = {item.name for item in wanted}
    for old in stored:
        if old.name not in kept:
            label = _label(_event(old.text), old.name)
            made.append(Change(Action.REMOVE, old.name, label, None, old.etag, old.href))
    order = list(Action)
    made.sort(key=lambda change: (order.index(change.action), change.label))
    return made, unchanged


@dataclass(frozen=True)
class Report:
    """What a push did, or would do in a dry run: the changes, in the calendar named."""

    calendar: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    created: bool = False
    dry_run: bool = False

    def count(self, action: Action) -> int:
        return sum(change.action == action for change in self.changes)

    def summary(self) -> str:
        """`3 added, 1 updated, 1 removed, 14 unchanged in 'Follow-up visits – Ana'`."""
        added, updated, removed = (self.count(action) for action in Action)
        if self.dry_run:
            parts = [
                ngettext("{count} to add", "{count} to add", added),
                ngettext("{count} to update", "{count} to update", updated),
                ngettext("{count} to remove", "{count} to remove", removed),
            ]
        else:
            parts = [
                ngettext("{count} added", "{count} added", added),
                ngettext("{count} updated", "{count} updated", updated),
                ngettext("{count} removed", "{count} removed", removed),
            ]
        parts.append(ngettext("{count} unchanged", "{count} unchanged", self.unchanged))
        counts = (added, updated, removed, self.unchanged)
        text = ", ".join(part.format(count=n) for part, n in zip(parts, counts, strict=True))
        if self.dry_run:
            return _("Dry run, nothing changed: {counts} in {calendar!r}").format(
                counts=text, calendar=self.calendar
            )
        if self.created:
            return _("{counts} in {calendar!r}, a new calendar").format(
                counts=text, calendar=self.calendar
            )
        return _("{counts} in {calendar!r}").format(counts=text, calendar=self.calendar)

    def lines(self) -> list[str]:
        """The summary; in a dry run, each change that would be made before it."""
        if not self.dry_run:
            return [self.summary()]
        said = {
            Action.ADD: _("would add: {visit}"),
            Action.UPDATE: _("would update: {visit}"),
            Action.REMOVE: _("would remove: {visit}"),
        }
        shown = [said[change.action].format(visit=change.label) for change in self.changes]
        if self.created:
            shown.insert(0, _("would create the calendar {name!r}").format(name=self.calendar))
        return [*shown, self.summary()]


def push_to(
    store: CalendarStore,
    schedule: Schedule,
    options: RenderOptions,
    calendar: str,
    *,
    dry_run: bool = False,
) -> Report:
    """Make the store's calendar called `calendar` hold this plan's visits (created when missing).

    A dry run reads, works out the same changes, and writes nothing (nor creates
    the calendar). Raises
    `PushFailed` when a write does not go through; the writes before it stay
    made, and the next push carries on from there.
    """
    wanted = items(schedule, options)
    found = store.find(calendar)
    created = found is None
    if found is None and not dry_run:
        found = store.create(calendar)
    stored = _read(store, found, prefix_for(schedule)) if found else []
    planned, unchanged = changes(wanted, stored)
    if found is not None and not dry_run:
        for change in planned:
            _write(store, found, change)
    name = found.name if found else calendar  # a dry run's calendar may be yet to create
    return Report(name, planned, unchanged, created, dry_run)


def _read(store: CalendarStore, calendar: StoredCalendar, prefix: str) -> list[Stored]:
    """This plan's objects in the calendar, known by their names' prefix, with ETag and text."""
    ours = [each.href for each in store.listing(calendar) if each.name.startswith(prefix)]
    return store.get(ours) if ours else []


def _fail(message: str) -> NoReturn:
    raise PushFailed(message)


def _write(store: CalendarStore, calendar: StoredCalendar, change: Change) -> None:
    """One change, on the condition that the object is as it was read (or, new, not there)."""
    href = change.href or calendar.href_for(change.name)
    try:
        if change.action is Action.REMOVE:
            store.delete(href, etag=change.etag or ANY)
        else:
            etag = None if change.action is Action.ADD else change.etag or ANY
            store.put(href, change.text or "", etag=etag)
    except Conflict:
        _fail(
            _("{visit}: changed on the server since it was read; run push again").format(
                visit=change.label
            )
        )
    except UidTaken:
        reason = _(
            "{visit}: the calendar already holds this event under another name "
            "(imported from a file?): delete that copy, or push to another calendar"
        )
        _fail(reason.format(visit=change.label))
    except Refused as refused:
        reason = _("{host} refused to write {visit}: HTTP {status}")
        _fail(reason.format(host=refused.host, visit=change.label, status=refused.status))
