"""A push over a calendar store: the plan's objects, the changes to make, and what is said.

Each visit is a calendar object of its own, cut from the .ics file `plan`
writes, and named after its UID behind a prefix that says whose plan it is (a
keyed hash of the person, without the treatment date) and which plan (derived
from the plan's UID namespace), so that a listing tells this plan's objects,
and an earlier plan of the same person, apart from everything else.

A calendar is shared with a person, so push keeps, in each event, what it last
wrote there (`X-FOLLOWUP-PUSHED`: a hash of each part it owns: the day, the
words, the reminder). That tells a person's change from a plan change, as a
three-way merge does: a part the person changed is kept and, when the plan says
otherwise, reported; a part only the plan changed is written; what push does
not own (a LOCATION, attendees, the person's own properties) is never touched.
A visit the person deleted stays deleted and is reported (`restore` puts the
plan's back). SEQUENCE never goes backwards.

A push reads the calendar, works out every change, then makes them: new visits
on the condition that nothing is there yet, changed ones and removed ones on
the condition that the object is still the version (ETag) just read. A change
made in the store meanwhile is reported, never overwritten, and a push stopped
half-way converges when it is run again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn

from followup import _i18n as i18n
from followup import _wording as wording
from followup._errors import PushFailed
from followup._export import RenderOptions
from followup._export.ics import calendar_uid, person_key, reminder
from followup._i18n import _, ngettext
from followup._schedule import Schedule, Visit, clean_name
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
    from icalendar import Calendar, Event

__all__ = [
    "PUSHED",
    "Action",
    "Change",
    "Item",
    "Outcome",
    "Report",
    "changes",
    "items",
    "person_prefix",
    "prefix_for",
    "push_to",
]

PUSHED = "X-FOLLOWUP-PUSHED"  # a hash of each part push owns, as it last wrote it
VISITS = "X-FOLLOWUP-VISITS"  # the plan's visits when it was written: numbers, per stream
PARTS = ("when", "text", "alarm")  # the parts of an event push owns
_WHEN = ("DTSTART", "DTEND", "DURATION")
_TEXT = ("SUMMARY", "DESCRIPTION", "TRANSP", "STATUS")


@dataclass(frozen=True)
class Item:
    """One visit as the calendar object to store: its resource name, UID and text.

    `parts` are the hashes of what push owns in it (`when`, `text`, `alarm`), and
    `remind`, a hash of the reminder the plan asks for that does not depend on
    the day of the push: a reminder left behind by the passing days is no change.
    """

    name: str
    uid: str
    text: str
    event: Event
    visit: str = ""
    day: date | None = None
    parts: dict[str, str] = field(default_factory=dict)
    visits: str = ""

    key: str = ""  # the visit among the plan's: its stream and number, as `visits` lists them


def person_prefix(schedule: Schedule, calendar_id: str | None = None) -> str:
    """What the resource names of every plan of this person start with (whatever the date)."""
    return f"followup-{person_key(schedule, calendar_id)}-"


def prefix_for(schedule: Schedule, calendar_id: str | None = None) -> str:
    """What the resource names of this plan's objects start with."""
    return f"{person_prefix(schedule, calendar_id)}{_plan_key(schedule, calendar_id)}-"


def _plan_key(schedule: Schedule, calendar_id: str | None = None) -> str:
    return calendar_uid(schedule, calendar_id).hex[:16]


def _legacy_prefix(schedule: Schedule, calendar_id: str | None = None) -> str:
    """The names earlier versions gave this plan's objects; they are still this plan's."""
    return f"followup-{_plan_key(schedule, calendar_id)}-"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _moment(value: Any) -> str:
    decoded = getattr(value, "dt", value)
    return decoded.isoformat() if isinstance(decoded, date | datetime) else str(decoded)


def _part(event: Event, part: str) -> str:
    """What the event says in one part push owns, in a form that does not depend on how a
    server writes lines (folding, parameter order), hashed."""
    if part == "when":
        fields = []
        for name in _WHEN:
            value = event.get(name)
            zone = value.params.get("TZID", "") if hasattr(value, "params") else ""
            fields.append(f"{name}={_moment(value)}@{zone}" if value is not None else "")
        return _digest("\x1f".join(fields))
    if part == "text":
        return _digest("\x1f".join(str(event.get(name, "")) for name in _TEXT))
    alarms = sorted(
        "\x1e".join(
            (
                str(alarm.get("ACTION", "")),
                _moment(alarm.get("TRIGGER")),
                str(alarm.get("DESCRIPTION", "")),
            )
        )
        for alarm in event.walk("VALARM")
    )
    return _digest("\x1f".join(alarms))


def _parts(event: Event) -> dict[str, str]:
    return {part: _part(event, part) for part in PARTS}


def _pushed(event: Event) -> dict[str, str] | None:
    """What push last wrote in this event, part by part; None when it never said."""
    value = event.get(PUSHED)
    if value is None:
        return None
    found = dict(pair.partition("=")[::2] for pair in str(value).split())
    return found if all(part in found for part in (*PARTS, "remind")) else None


def _stream(schedule: Schedule, visit: Visit) -> str:
    """Which of the plan's streams of visits this one is in: "v" for the first, a track's
    short hash ("t…"), or another of the source's streams' ("s…")."""
    stream = visit.stream
    if stream.by_choice:
        return f"t{_digest(stream.exam.casefold())[:6]}"
    if stream == schedule.protocol.lead:
        return "v"
    return f"s{_digest(stream.id.casefold())[:6]}"


def _ranges(keys: Iterable[tuple[str, int]]) -> str:
    """Visit numbers per stream as ranges, "v:1-19 t3f2a1b:1-5": a few bytes however many."""
    numbers: dict[str, list[int]] = {}
    for stream, number in keys:
        numbers.setdefault(stream, []).append(number)
    said = []
    for stream, found in numbers.items():
        found.sort()
        runs: list[list[int]] = []
        for number in found:
            if runs and number == runs[-1][1] + 1:
                runs[-1][1] = number
            else:
                runs.append([number, number])
        said += [f"{stream}:{a}" if a == b else f"{stream}:{a}-{b}" for a, b in runs]
    return " ".join(said)


def _seen(values: Iterable[str]) -> set[str]:
    """The visits these `X-FOLLOWUP-VISITS` values list, as "stream:number"; each distinct
    value read once (the plan's objects mostly share one)."""
    found: set[str] = set()
    for value in set(values):
        for each in value.split():
            stream, _colon, span = each.partition(":")
            first, _dash, last = span.partition("-")
            if not (first.isdigit() and (last or first).isdigit()):
                continue
            if int(last or first) - int(first) <= 10_000:  # no plan has more; a bound
                found.update(f"{stream}:{n}" for n in range(int(first), int(last or first) + 1))
    return found


def _visit_label(schedule: Schedule, visit: Visit) -> str:
    if visit.stream != schedule.protocol.lead:
        exam = wording.stream_exam(visit.stream, short=True)
        return _("{exam} visit {number}").format(exam=exam, number=visit.number)
    return _("visit {number}").format(number=visit.number)


def items(schedule: Schedule, options: RenderOptions) -> list[Item]:
    """Each visit as a calendar of one event, the same events that `plan` writes to a file.

    Each has PRODID and VERSION, its event's UID and reminder, and no METHOD
    (RFC 4791 forbids one in stored objects) nor calendar-level UID. Visits the
    plan dropped are not sent cancelled, as in a file: in an account, their
    objects are deleted.
    """
    from followup._export.ics import new_calendar, visit_events

    calendar_id = options.calendar_id  # as the file names the plan
    prefix = prefix_for(schedule, calendar_id)
    namespace = calendar_uid(schedule, calendar_id)
    found = []
    with i18n.using(options.lang):
        events = visit_events(
            schedule, remind_days=options.remind, stamp=options.timestamp, namespace=namespace
        )
        visits = list(schedule.visits)
        labels = [_visit_label(schedule, visit) for visit in visits]
        # The reminder the plan asks for, whatever day it is pushed on.
        asked = [
            f"{days}\x1f{reminder(schedule, visit, days)}" if days else ""
            for visit in visits
            for days in [0 if visit.done else options.remind]
        ]
    streams = [_stream(schedule, visit) for visit in visits]
    # When it was pushed, then which visits: "@20261206T053000Z v:1-19".
    pushed_at = options.timestamp.strftime("@%Y%m%dT%H%M%SZ")
    keys = f"{pushed_at} {_ranges(zip(streams, (visit.number for visit in visits), strict=True))}"
    for event, visit, label, remind, stream in zip(
        events, visits, labels, asked, streams, strict=True
    ):
        parts = {**_parts(event), "remind": _digest(remind)}
        event.add(PUSHED, " ".join(f"{name}={value}" for name, value in parts.items()))
        event.add(VISITS, keys)
        single = new_calendar()
        single.add_component(event)
        uid = str(event["UID"])
        text = single.to_ical().decode()
        key = f"{stream}:{visit.number}"
        name = f"{prefix}{uid}.ics"
        found.append(Item(name, uid, text, event, label, visit.date, parts, keys, key))
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


@dataclass
class Outcome:
    """The writes that make the store hold the plan, and what is said beside them."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0
    notes: list[str] = field(default_factory=list)
    earlier: int = 0


def _calendar(text: str | None) -> Calendar | None:
    from icalendar import Calendar

    try:
        return Calendar.from_ical(text or "")
    except ValueError:
        return None


def _event(text: str | None) -> Event | None:
    parsed = _calendar(text)
    events = parsed.events if parsed is not None else []
    return events[0] if len(events) == 1 else None


def _label(event: Event | None, fallback: str) -> str:
    """A visit as a person knows it: its date and title, as one line of plain text (a title
    from the server may hold line breaks or terminal escapes: they become spaces)."""
    if event is None or "DTSTART" not in event:
        return clean_name(fallback) or ""
    return clean_name(f"{_day(event).isoformat()} {event.get('SUMMARY', '')}") or ""


def _day(event: Event) -> date:
    start = event.decoded("DTSTART")
    return start.date() if isinstance(start, datetime) else start


def _merged(item: Item, old: Stored, *, restore: bool, outcome: Outcome) -> str | None:
    """The stored object with the plan's parts written where the plan changed them and the
    person did not; None when nothing is to be written. Notes what is kept against the plan."""
    stored = _calendar(old.text)
    events = stored.events if stored is not None else []
    theirs = events[0] if len(events) == 1 else None
    if stored is None or theirs is None or str(theirs.get("UID")) != item.uid:
        return item.text  # not an event of ours any more: the plan's, whole
    written, now = _pushed(theirs), _parts(theirs)
    taken, parts = [], dict(item.parts)
    for part in PARTS:
        side = "remind" if part == "alarm" else part  # what says the plan changed this part
        if not restore and written is not None:
            person = now[part] != written[part]
            planned = item.parts[side] != written[side]
            if person or not planned:  # the person's, or what push wrote before: kept
                parts[part], parts[side] = written[part], written[side]
                if person and planned and part != "when":
                    outcome.notes.append(_kept(part).format(visit=item.visit))
                continue
        if now[part] != item.parts[part]:
            taken.append(part)
    if "when" not in taken and item.day is not None and _day(theirs) != item.day:
        said = _(
            "{visit}: moved on the calendar to {there}, the plan says {plan} — kept; "
            "--restore puts the plan's back"
        )
        there, plan = _day(theirs).isoformat(), item.day.isoformat()
        outcome.notes.append(said.format(visit=item.visit, there=there, plan=plan))
    if not taken and written is not None and "UID" not in stored:
        return None
    _take(theirs, item.event, taken)
    sequence = int(theirs.get("SEQUENCE", 0)) + (1 if taken else 0)
    for name in ("SEQUENCE", "DTSTAMP", PUSHED, VISITS):
        theirs.pop(name, None)
    theirs.add("SEQUENCE", max(int(item.event.get("SEQUENCE", 0)), sequence))
    theirs["DTSTAMP"] = item.event["DTSTAMP"]
    theirs.add(PUSHED, " ".join(f"{name}={value}" for name, value in parts.items()))
    theirs.add(VISITS, item.visits)
    stored.pop("UID", None)
    stored.pop("METHOD", None)
    text: str = stored.to_ical().decode()
    return text


def _kept(part: str) -> str:
    if part == "text":
        return _(
            "{visit}: its title or notes were changed on the calendar — kept; "
            "--restore puts the plan's back"
        )
    return _(
        "{visit}: its reminder was changed on the calendar — kept; --restore puts the plan's back"
    )


def _take(theirs: Event, ours: Event, parts: Iterable[str]) -> None:
    """Put our version of these parts in their event, in place; the rest stays theirs."""
    from icalendar import Alarm

    for part in parts:
        if part == "alarm":
            # When the person last dismissed a reminder (RFC 9074 ACKNOWLEDGED) stays: a
            # reminder that fires later still fires, one already dismissed stays so.
            acknowledged = [a["ACKNOWLEDGED"] for a in theirs.walk("VALARM") if "ACKNOWLEDGED" in a]
            theirs.subcomponents = [c for c in theirs.subcomponents if c.name != "VALARM"]
            for alarm in ours.walk("VALARM"):
                copy = Alarm.from_ical(alarm.to_ical())
                if acknowledged:
                    copy["ACKNOWLEDGED"] = max(acknowledged, key=_moment)
                theirs.add_component(copy)
            continue
        for name in _WHEN if part == "when" else _TEXT:
            theirs.pop(name, None)
            if name in ours:
                theirs[name] = ours[name]


def changes(
    wanted: list[Item],
    stored: list[Stored],
    *,
    restore: bool = False,
    earlier: Iterable[Stored] = (),
) -> Outcome:
    """The writes that make the store hold `wanted` (this plan's objects), and what is said.

    `stored` is what the store holds of this plan (under its names, or under
    others with its UIDs); `earlier`, objects of an earlier plan of the same
    person to remove. Everything else is never touched. Additions come first and
    removals last, so that a push stopped part-way leaves an event too many
    rather than one too few.
    """
    outcome = Outcome()
    by_uid: dict[str, Stored] = {}
    by_name: dict[str, Stored] = {}
    listed: list[Event] = []
    events: dict[str, Event | None] = {}
    for each in stored:
        event = events[each.href] = _event(each.text)
        if event is not None and "UID" in event:
            by_uid.setdefault(str(event["UID"]), each)
            listed.append(event)
        by_name.setdefault(each.name, each)
    seen = _seen(_latest(listed))
    matched: set[str] = set()
    for item in wanted:
        old = by_uid.get(item.uid) or by_name.get(item.name)
        if old is None:
            _missing(item, deleted=item.key in seen and not restore, outcome=outcome)
            continue
        matched.add(old.href)
        before = len(outcome.notes)
        text = _merged(item, old, restore=restore, outcome=outcome)
        if text is None:
            if len(outcome.notes) > before:
                outcome.kept += 1
            else:
                outcome.unchanged += 1
        else:
            label = _label(_event(text) or item.event, item.name)  # the day it will have
            outcome.changes.append(Change(Action.UPDATE, old.name, label, text, old.etag, old.href))
    _removals([each for each in stored if each.href not in matched], events, restore, outcome)
    for old in earlier:
        outcome.earlier += 1
        label = _label(_event(old.text), old.name)
        outcome.changes.append(Change(Action.REMOVE, old.name, label, None, old.etag, old.href))
    order = list(Action)
    outcome.changes.sort(key=lambda change: (order.index(change.action), change.label))
    return outcome


def _missing(item: Item, *, deleted: bool, outcome: Outcome) -> None:
    """A visit the calendar lacks: added, or (deleted there by a person) reported."""
    if deleted:
        said = _("{visit} ({day}): deleted on the calendar — left deleted; --restore puts it back")
        outcome.notes.append(said.format(visit=item.visit, day=item.day))
        outcome.kept += 1
        return
    label = _label(item.event, item.name)
    outcome.changes.append(Change(Action.ADD, item.name, label, item.text))


def _removals(
    stored: list[Stored], events: dict[str, Event | None], restore: bool, outcome: Outcome
) -> None:
    """Removes this plan's objects that the plan no longer has, except one a person moved."""
    for old in stored:
        event = events[old.href]
        written = _pushed(event) if event is not None else None
        moved = (
            event is not None and written is not None and _part(event, "when") != written["when"]
        )
        if moved and not restore:
            said = _(
                "{visit}: no longer in the plan, but changed on the calendar — kept; "
                "--restore removes it"
            )
            outcome.notes.append(said.format(visit=_label(event, old.name)))
            outcome.kept += 1
            continue
        label = _label(event, old.name)
        outcome.changes.append(Change(Action.REMOVE, old.name, label, None, old.etag, old.href))


def _gone(wanted: list[Item], stored: list[Stored]) -> list[Item]:
    """The plan's visits pushed before (as the objects read say) and not among them."""
    missing, events = _missing_uids(wanted, stored)
    seen = _seen(_latest(events))
    return [item for item in missing if item.key in seen]


def _missing_uids(wanted: list[Item], stored: list[Stored]) -> tuple[list[Item], list[Event]]:
    """The plan's visits whose UID no object read holds, and the events read."""
    events = [event for event in (_event(each.text) for each in stored) if event is not None]
    uids = {str(event.get("UID")) for event in events}
    return [item for item in wanted if item.uid not in uids], events


def _latest(events: list[Event]) -> list[str]:
    """The visits the last push listed, by the time each list says it was written (a
    client may change DTSTAMP, not our property): an object that push did not rewrite
    still lists visits it removed since, which no one deleted by hand."""
    values = [str(event.get(VISITS, "")) for event in events]
    when = [next((t for t in value.split() if t.startswith("@")), "") for value in values]
    newest = max(when, default="")
    return [value for value, at in zip(values, when, strict=True) if at == newest]


def _quoted(name: str) -> str:
    return _("“{name}”").format(name=name)


@dataclass(frozen=True)
class Report:
    """What a push did, or would do in a dry run: the changes, in the calendar named."""

    calendar: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    created: bool = False
    dry_run: bool = False
    kept: int = 0
    notes: list[str] = field(default_factory=list)
    earlier: int = 0
    replaced: bool = False

    def count(self, action: Action) -> int:
        return sum(change.action == action for change in self.changes)

    def summary(self) -> str:
        """`3 added, 1 updated, 1 removed, 14 unchanged in “Follow-up visits – Ana”`."""
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
        counts = [added, updated, removed, self.unchanged]
        if self.kept:
            parts.append(
                ngettext(
                    "{count} kept as changed on the calendar",
                    "{count} kept as changed on the calendar",
                    self.kept,
                )
            )
            counts.append(self.kept)
        text = ", ".join(part.format(count=n) for part, n in zip(parts, counts, strict=True))
        calendar = _quoted(self.calendar)
        if self.dry_run:
            return _("Dry run, nothing changed: {counts} in {calendar}").format(
                counts=text, calendar=calendar
            )
        if self.created:
            return _("{counts} in {calendar}, a new calendar").format(
                counts=text, calendar=calendar
            )
        return _("{counts} in {calendar}").format(counts=text, calendar=calendar)

    def lines(self) -> list[str]:
        """What is kept against the plan, then the summary; in a dry run each change first."""
        earlier = []
        if self.earlier and not self.replaced:
            said = ngettext(
                "another plan under this name is in the calendar: {count} event; if it is "
                "this person's, from before a corrected treatment date, --replace OLD_DATE "
                "removes it",
                "another plan under this name is in the calendar: {count} events; if it is "
                "this person's, from before a corrected treatment date, --replace OLD_DATE "
                "removes them",
                self.earlier,
            )
            earlier.append(said.format(count=self.earlier))
        if not self.dry_run:
            return [*self.notes, *earlier, self.summary()]
        said_for = {
            Action.ADD: _("would add: {visit}"),
            Action.UPDATE: _("would update: {visit}"),
            Action.REMOVE: _("would remove: {visit}"),
        }
        shown = [said_for[change.action].format(visit=change.label) for change in self.changes]
        if self.created:
            shown.insert(
                0, _("would create the calendar {name}").format(name=_quoted(self.calendar))
            )
        return [*shown, *self.notes, *earlier, self.summary()]


def push_to(
    store: CalendarStore,
    schedule: Schedule,
    options: RenderOptions,
    calendar: str,
    *,
    dry_run: bool = False,
    restore: bool = False,
    replace: date | None = None,
    aliases: Iterable[str] = (),
    by_uid: bool = False,
) -> Report:
    """Make the store's calendar called `calendar` hold this plan's visits (created when missing).

    The calendar is the first found called `calendar`, else any of `aliases`
    (the plan's calendar name in another language), else, with `by_uid`, the
    calendar that holds the plan's events under another name. A dry run reads, works out
    the same changes, and writes nothing (nor creates the calendar). `restore`
    puts the plan's version back where a person changed or deleted a visit;
    `replace` removes the plan pushed for the same person with that treatment date
    (before it was corrected): only the objects of that very plan, never another one
    under the same name.
    Raises `PushFailed` when a write does not go through; the writes before it
    stay made, and the next push carries on from there.
    """
    wanted = items(schedule, options)
    found = _found(store, calendar, aliases)
    moved = None
    if found is None and by_uid and wanted:  # renamed on the phone? its events say where
        found = moved = store.holding(wanted[0].uid, skip=_plan_calendars())
    created = found is None
    if found is None and not dry_run:
        found = store.create(calendar)
    stored, earlier = (
        _read(store, found, schedule, options, wanted, replace=replace) if found else ([], [])
    )
    replaced = [] if replace is None else _of_plan(earlier, schedule, options, replace)
    outcome = changes(wanted, stored, restore=restore, earlier=replaced)
    outcome.earlier = len(earlier) - len(replaced)
    if found is not None:
        _make(store, found, outcome, wanted, dry_run=dry_run, restore=restore)
    if moved is not None:
        said = _("this plan's events are in the calendar {name}: pushed there")
        outcome.notes.insert(0, said.format(name=_quoted(moved.name)))
    name = found.name if found else calendar  # a dry run's calendar may be yet to create
    return Report(
        name,
        outcome.changes,
        outcome.unchanged,
        created,
        dry_run,
        outcome.kept,
        outcome.notes,
        outcome.earlier,
        bool(replaced),
    )


def _of_plan(
    others: list[Stored], schedule: Schedule, options: RenderOptions, treated: date
) -> list[Stored]:
    """Of the objects of other plans under this person's name, those of the plan with the
    treatment date `treated`: the names that plan's objects were given."""
    old = dataclasses.replace(schedule, treatment_date=treated)
    calendar_id = options.calendar_id
    names = (prefix_for(old, calendar_id), _legacy_prefix(old, calendar_id))
    return [each for each in others if each.href.rpartition("/")[2].startswith(names)]


def _plan_calendars() -> tuple[str, ...]:
    """How the calendars push names after a plan begin, in every language: another plan's
    own calendar holds none of this plan's events, and is not searched for them."""
    found = []
    for each in i18n.LANGUAGES:
        with i18n.using(each):
            found.append(_("Follow-up visits – {name}").split("{name}")[0])
    return tuple(dict.fromkeys(prefix for prefix in found if prefix))


def _found(store: CalendarStore, calendar: str, aliases: Iterable[str]) -> StoredCalendar | None:
    """The calendar called `calendar`, else the first found of its other names."""
    found = store.find(calendar)
    for alias in aliases:
        if found is not None:
            break
        found = store.find(alias)
    return found


def _make(
    store: CalendarStore,
    calendar: StoredCalendar,
    outcome: Outcome,
    wanted: list[Item],
    *,
    dry_run: bool,
    restore: bool,
) -> None:
    """Makes the changes (a dry run: works out what each becomes); keeps those really made."""
    made = []
    for change in outcome.changes:
        if dry_run:
            done = _adopted(store, calendar, change, wanted, restore=restore)
        else:
            done = _write(store, calendar, change, wanted, restore=restore)
        if done is None:
            outcome.unchanged += 1
        else:
            made.append(done)
    outcome.changes = made


def _read(
    store: CalendarStore,
    calendar: StoredCalendar,
    schedule: Schedule,
    options: RenderOptions,
    wanted: list[Item],
    *,
    replace: date | None,
) -> tuple[list[Stored], list[Stored]]:
    """This plan's objects in the calendar, with ETag and text: known by their names' prefix,
    or named after one of its UIDs (as clients that imported the file name them), or (one
    its other objects say was pushed, not found so) by its UID; and the objects of an
    earlier plan of the same person, by the prefix of their names (read with `replace`)."""
    calendar_id = options.calendar_id  # as the file names the plan
    prefixes = (prefix_for(schedule, calendar_id), _legacy_prefix(schedule, calendar_id))
    person = person_prefix(schedule, calendar_id)
    named = {f"{item.uid}.ics" for item in wanted}
    listed = store.listing(calendar)
    ours = [each.href for each in listed if each.name.startswith(prefixes) or each.name in named]
    earlier = [
        each
        for each in listed
        if each.name.startswith(person) and not each.name.startswith(prefixes)
    ]
    stored = store.get(ours) if ours else []
    # Objects that push did not name: the plan may be among them, imported from its file
    # under names a client chose. Each visit not found yet is looked up by its UID, so that
    # a server that does not refuse a second object with one UID never gets one.
    foreign = any(not each.name.startswith("followup-") for each in listed)
    looked_for = _missing_uids(wanted, stored)[0] if foreign else _gone(wanted, stored)
    stored += [
        there
        for item in looked_for
        for there in [store.with_uid(calendar, item.uid)]
        if there is not None
    ]
    if replace is not None and earlier:  # read, to be named by day and title
        earlier = store.get([each.href for each in earlier])
    return stored, earlier


def _fail(message: str) -> NoReturn:
    raise PushFailed(message)


def _adopted(
    store: CalendarStore,
    calendar: StoredCalendar,
    change: Change,
    wanted: list[Item],
    *,
    restore: bool,
) -> Change | None:
    """In a dry run, what an addition becomes: itself, or (its UID in the calendar under
    another name) an update of that object, or nothing when it says what the plan says."""
    if change.action is not Action.ADD:
        return change
    item = next((each for each in wanted if each.name == change.name), None)
    there = store.with_uid(calendar, item.uid) if item is not None else None
    if item is None or there is None:
        return change
    text = _merged(item, there, restore=restore, outcome=Outcome())
    if text is None:
        return None
    return Change(Action.UPDATE, there.name, change.label, text, there.etag, there.href)


def _write(
    store: CalendarStore,
    calendar: StoredCalendar,
    change: Change,
    wanted: list[Item],
    *,
    restore: bool,
) -> Change | None:
    """One change, on the condition that the object is as it was read (or, new, not there).

    A new object whose UID the calendar already holds under another name (a
    plan imported from a file) is adopted: merged and written where it is.
    Returns the change made: None when the adopted object already said what
    the plan says.
    """
    href = change.href or calendar.href_for(change.name)
    try:
        if change.action is Action.REMOVE:
            store.delete(href, etag=change.etag or ANY)
        else:
            etag = None if change.action is Action.ADD else change.etag or ANY
            store.put(href, change.text or "", etag=etag)
        return change
    except Conflict:
        _fail(
            _("{visit}: changed on the server since it was read; run push again").format(
                visit=change.label
            )
        )
    except UidTaken:
        item = next((each for each in wanted if each.name == change.name), None)
        there = store.with_uid(calendar, item.uid) if item is not None else None
        if item is None or there is None:
            reason = _(
                "{visit}: the calendar already holds this event under another name "
                "(imported from a file?), and does not say where: delete that copy, "
                "or push to another calendar"
            )
            _fail(reason.format(visit=change.label))
        text = _merged(item, there, restore=restore, outcome=Outcome())
        if text is None:
            return None
        update = Change(Action.UPDATE, there.name, change.label, text, there.etag, there.href)
        return _write(store, calendar, update, wanted, restore=restore)
    except Refused as refused:
        if refused.status == 403:
            reason = _(
                "{host} refused to write {visit} (HTTP 403): the calendar {calendar} "
                "may be shared with this account to read only"
            )
            _fail(
                reason.format(
                    host=refused.host, visit=change.label, calendar=_quoted(calendar.name)
                )
            )
        reason = _("{host} refused to write {visit}: HTTP {status}")
        _fail(reason.format(host=refused.host, visit=change.label, status=refused.status))
