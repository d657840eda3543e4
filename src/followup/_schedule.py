"""The pure core: a treatment date and a protocol in, a `Schedule` of `Visit`s out."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple, NoReturn

from followup._dates import Holidays, Weekends, add_months, move
from followup._errors import InvalidSetting, not_allowed
from followup._i18n import _
from followup._protocols import IBERO_AMERICAN_2025, Phase, Protocol, Stream

__all__ = [
    "DEFAULT_WEEKENDS",
    "DEFAULT_YEARS",
    "MAX_DONE",
    "MAX_MONTHS",
    "MAX_REMIND_DAYS",
    "MAX_TRACKS",
    "MAX_YEARS",
    "NAME_LIMIT",
    "Next",
    "Recorded",
    "Schedule",
    "Standing",
    "Status",
    "Visit",
    "check_done",
    "clean_name",
    "make_schedule",
]

MAX_YEARS = 30
# The length of follow-up and the weekend rule when nothing is said: written here once.
DEFAULT_YEARS = 10
DEFAULT_WEEKENDS = Weekends.NEXT
# The longest interval or phase end, in months: with dates up to 2199 no date overflows.
MAX_MONTHS = 12 * MAX_YEARS
MAX_REMIND_DAYS = 90
NAME_LIMIT = 100
# Scans recorded and extra tracks in one plan: more than anyone has, few enough to bound
# the work one plan asks for.
MAX_DONE = 100
MAX_TRACKS = 10


Day = date  # for annotations inside `Visit`, whose `date` field hides the type


class Recorded(NamedTuple):
    """A visit recorded as done on `day`, for the stream that `stream` names (its id or
    exam, in any case); None: the protocol's lead stream."""

    day: date
    stream: str | None = None

    def __str__(self) -> str:
        return self.day.isoformat() if self.stream is None else f"{self.stream}:{self.day}"


class Status(StrEnum):
    """Whether a visit is still ahead or its scan was done."""

    PLANNED = "planned"
    DONE = "done"


@dataclass(frozen=True)
class Visit:
    """One visit of one stream of the plan, done or still ahead.

    A visit is counted in whole `months` from its `anchor`: the treatment date
    (`anchor_number` 0) or the date of the stream's visit `anchor_number`, the
    last one done before it. `due_date` is what the rule gives; `date` is the
    day shown: the due date moved off a weekend or public holiday, or the real
    date of a visit done. `phase` is the phase whose interval led to this
    visit; `number` counts within the visit's `stream`.
    """

    number: int
    anchor_number: int
    anchor: date
    months: int
    due_date: date
    date: date
    phase: Phase
    stream: Stream
    status: Status = Status.PLANNED
    holiday: str | None = None

    @property
    def moved(self) -> bool:
        """A planned date shown on another day than the rule's, to avoid a closed day."""
        return self.status == Status.PLANNED and self.date != self.due_date

    @property
    def done(self) -> bool:
        return self.status == Status.DONE

    @cached_property
    def window(self) -> tuple[Day, Day]:
        """The first and last day the source's range allows for this visit.

        Counted from the same anchor as the due date, by the phase's shortest
        and longest interval; never narrower than the day shown.
        """
        low, high = self.phase.allowed
        before = self.months - self.phase.every_months  # months from the anchor to the visit before
        opens = add_months(self.anchor, before + low)
        closes = add_months(self.anchor, before + high)
        return min(opens, self.date), max(closes, self.date)


class Standing(StrEnum):
    """Where a visit stands on a given day; `ENDED` is said of a whole plan.

    A visit whose window has closed with no scan recorded is `OVERDUE` when it
    is the next one after scans that were recorded; otherwise it is
    `NOT_RECORDED`: most likely done, but nobody said so.
    """

    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_RECORDED = "not_recorded"
    UPCOMING = "upcoming"
    ENDED = "ended"


@dataclass(frozen=True)
class Next:
    """The answer to "which scan do I book now?" on the day `today`.

    `visit` is the first visit due, overdue or upcoming (None when the plan
    has ended); `unrecorded` counts the earlier visits whose window closed with
    no scan recorded.
    """

    visit: Visit | None
    today: date
    standing: Standing
    unrecorded: int = 0

    @property
    def days_until(self) -> int | None:
        """Days from today to the visit's date; negative once that date has passed."""
        return None if self.visit is None else (self.visit.date - self.today).days

    @property
    def days_overdue(self) -> int | None:
        """Days since the visit's window closed, when it is overdue."""
        if self.visit is None or self.standing != Standing.OVERDUE:
            return None
        return (self.today - self.visit.window[1]).days


@dataclass(frozen=True)
class Schedule:
    """Every visit of one person's follow-up, with the choices that produced them.

    `visits` holds the visits of every stream of the protocol, by date (and on one
    day in the protocol's order of streams).
    """

    treatment_date: date
    protocol: Protocol
    years: int
    weekends: Weekends
    name: str | None
    visits: tuple[Visit, ...]
    holidays: str | None = None
    today: date | None = None  # the day the plan was made on: statuses are as seen then
    # The closed days the dates were moved off, to plan `dropped` with when it is asked for.
    closed: Holidays | None = field(default=None, repr=False, compare=False)

    @property
    def end_date(self) -> date:
        """The end of follow-up: visits are planned up to it (see `make_schedule`)."""
        return add_months(self.treatment_date, 12 * self.years)

    @property
    def past_source_end(self) -> bool:
        """Whether the plan runs longer than the follow-up its source sets."""
        end = self.protocol.end_years
        return end is not None and self.years > end

    @property
    def done(self) -> tuple[Visit, ...]:
        return tuple(visit for visit in self.visits if visit.done)

    @cached_property
    def dropped(self) -> tuple[Visit, ...]:
        """Counting from the visits done can shorten a stream: the visits the plan without
        visits done has and this one lacks, on the days that plan showed them. Worked out
        when asked for (calendars and FHIR cancel them; a worklist never asks)."""
        plan = _Planner(self.treatment_date, self.years, self.weekends, self.closed)
        dropped: list[Visit] = []
        for stream in self.protocol.streams:
            visits = self.of(stream)
            if any(visit.done for visit in visits):
                dropped.extend(plan.stream(stream, [])[len(visits) :])
        return tuple(dropped)

    @property
    def several_streams(self) -> bool:
        """Whether visits of more than one exam share the plan: outputs then name each
        visit's exam."""
        return len(self.protocol.streams) > 1

    def next_visit(self) -> Visit | None:
        """The first visit not done yet, of any stream, or None at the end of the plan."""
        return next((visit for visit in self.visits if not visit.done), None)

    def of(self, stream: Stream) -> tuple[Visit, ...]:
        """The visits of one stream, in order."""
        return self._streams.get(stream, ())

    @cached_property
    def _streams(self) -> dict[Stream, tuple[Visit, ...]]:
        # Grouped once per schedule: a count per visit would make every export quadratic.
        grouped: dict[Stream, list[Visit]] = {stream: [] for stream in self.protocol.streams}
        for visit in self.visits:
            grouped[visit.stream].append(visit)
        return {stream: tuple(visits) for stream, visits in grouped.items()}

    def count(self, visit: Visit) -> int:
        """How many visits the stream of `visit` has."""
        return len(self.of(visit.stream))

    @cached_property
    def _open(self) -> dict[Stream, Visit]:
        first: dict[Stream, Visit] = {}
        for visit in self.visits:
            if not visit.done:
                first.setdefault(visit.stream, visit)
        return first

    def standing_of(self, visit: Visit, today: date | None = None) -> Standing:
        """Where `visit` stands on `today` (by default the day the plan was made on)."""
        today = today or self.today
        if visit.done:
            return Standing.DONE
        if today is None:
            return Standing.UPCOMING
        opens, closes = visit.window
        if closes < today:
            # The first visit open after visits recorded in its stream.
            after_scans = visit.number > 1 and visit is self._open.get(visit.stream)
            return Standing.OVERDUE if after_scans else Standing.NOT_RECORDED
        return Standing.DUE if opens <= today else Standing.UPCOMING

    def next_by_stream(self, today: date) -> list[Next]:
        """Each stream's visit to book as seen on `today`, in the protocol's order of
        streams; `unrecorded` counts that stream's visits whose window closed unrecorded."""
        nexts = []
        for stream in self.protocol.streams:
            unrecorded, found = 0, Next(None, today, Standing.ENDED)
            for visit in self.of(stream):
                standing = self.standing_of(visit, today)
                if standing == Standing.NOT_RECORDED:
                    unrecorded += 1
                elif standing != Standing.DONE:
                    found = Next(visit, today, standing)
                    break
            nexts.append(Next(found.visit, today, found.standing, unrecorded))
        return nexts

    def next_from(self, today: date) -> Next:
        """The visit to book as seen on `today`, of any stream: an overdue one first (the
        longest overdue), then one due now (the soonest to close), then the soonest ahead.
        None once every stream has ended. `unrecorded` counts every stream's."""
        nexts = self.next_by_stream(today)
        unrecorded = sum(each.unrecorded for each in nexts)
        ranked = [(_urgency(each), each) for each in nexts if each.visit is not None]
        if not ranked:
            return Next(None, today, Standing.ENDED, unrecorded)
        first = min(ranked, key=lambda pair: pair[0])[1]
        return Next(first.visit, today, first.standing, unrecorded)


def _urgency(upcoming: Next) -> tuple[int, date, date]:
    """How soon a stream's next visit needs action: overdue, due now, then ahead; then by
    the day its window closes (or, ahead, the day it is planned for)."""
    visit = upcoming.visit
    assert visit is not None  # noqa: S101 (only open streams are ranked)
    rank = {Standing.OVERDUE: 0, Standing.DUE: 1}.get(upcoming.standing, 2)
    when = visit.date if rank == 2 else visit.window[1]
    return rank, when, visit.date


def clean_name(name: str | None) -> str | None:
    """A name as one line of text, so it can never break a file's lines; None when empty."""
    if name is None:
        return None
    # Cc covers CR, LF, tab and the rest; split() also breaks on U+2028/U+2029.
    # Format characters (Cf) stay: zero-width joiners belong to some scripts.
    printable = "".join(" " if unicodedata.category(c) == "Cc" else c for c in name)
    return " ".join(printable.split()) or None


class _Phases:
    """A stream's phases with their end dates, worked out once per plan."""

    def __init__(self, stream: Stream, treatment_date: date) -> None:
        self.ends = [
            (
                phase,
                None
                if phase.until_month is None
                else add_months(treatment_date, phase.until_month),
            )
            for phase in stream.phases
        ]

    def on(self, day: date) -> Phase:
        """The phase `day` falls in; phases are always measured from the treatment date."""
        for phase, end in self.ends:
            if end is None or day < end:
                return phase
        raise AssertionError("the last phase of a stream has no end")  # pragma: no cover


def _refuse_done(day: date, reason: str) -> NoReturn:
    raise InvalidSetting("done", day, not_allowed(day.isoformat(), reason))


def check_done(done: Iterable[date], treatment_date: date, today: date | None) -> list[date]:
    """The dates of one stream's visits done, sorted; refuses repeats and dates outside
    treatment..today."""
    ordered = sorted(done)
    for earlier, later in itertools.pairwise(ordered):
        if earlier == later:
            _refuse_done(earlier, _("this date is given twice"))
    if ordered and ordered[0] < treatment_date:
        _refuse_done(
            ordered[0],
            _("it is before the treatment date {date}").format(date=treatment_date.isoformat()),
        )
    if ordered and today is not None and ordered[-1] > today:
        _refuse_done(ordered[-1], _("it is after today ({date})").format(date=today.isoformat()))
    return ordered


def _by_stream(protocol: Protocol, done: Iterable[date | Recorded]) -> dict[Stream, list[date]]:
    """The dates recorded for each stream; a plain date is the lead stream's."""
    recorded: dict[Stream, list[date]] = {stream: [] for stream in protocol.streams}
    for item in done:
        entry = item if isinstance(item, Recorded) else Recorded(item)
        stream = protocol.lead if entry.stream is None else protocol.stream(entry.stream)
        if stream is None:
            reason = _("this protocol has no stream {name}; its streams are {ids}").format(
                name=entry.stream, ids=", ".join(stream.id for stream in protocol.streams)
            )
            raise InvalidSetting("done", str(entry), not_allowed(str(entry), reason))
        recorded[stream].append(entry.day)
    return recorded


def make_schedule(
    treatment_date: date,
    *,
    protocol: Protocol = IBERO_AMERICAN_2025,
    years: int | None = None,
    weekends: Weekends = DEFAULT_WEEKENDS,
    name: str | None = None,
    done: Iterable[date | Recorded] = (),
    today: date | None = None,
    holidays: Holidays | None = None,
) -> Schedule:
    """Plan the follow-up visits after `treatment_date`, stream by stream.

    In each stream, the interval after a visit is that of the phase the visit
    falls in, phases being measured from the treatment date. Each date is
    counted in whole months from its anchor — the treatment date, or the
    stream's last visit done — never stepped from the previous visit, so month
    ends never drift: from 31 January, 3 months is 30 April and 6 is 31 July.

    The k-th date recorded for a stream fulfils its visit k; a plain date in
    `done` is the lead stream's, a `Recorded` names its stream. A visit
    recorded for one stream never moves another. Follow-up ends `years` after
    the treatment date (by default the end the protocol states, else
    `DEFAULT_YEARS`); a visit of the source's streams is still planned when it
    falls no later than half its interval (in whole months, rounded down) after
    that end, so a late last visit keeps its successor and an early one does
    not add a year. A stream added by choice stops at the end.
    """
    years = years if years is not None else protocol.end_years or DEFAULT_YEARS
    if not 1 <= years <= MAX_YEARS:
        reason = _("choose from 1 to {most}").format(most=MAX_YEARS)
        raise InvalidSetting("years", years, not_allowed(years, reason))
    recorded = _by_stream(protocol, done)
    plan = _Planner(treatment_date, years, weekends, holidays)
    visits: list[Visit] = []
    for stream in protocol.streams:
        visits.extend(plan.stream(stream, check_done(recorded[stream], treatment_date, today)))
    rank = {stream: index for index, stream in enumerate(protocol.streams)}
    visits.sort(key=lambda visit: (visit.date, rank[visit.stream]))
    return Schedule(
        treatment_date=treatment_date,
        protocol=protocol,
        years=years,
        weekends=weekends,
        name=clean_name(name),
        visits=tuple(visits),
        holidays=holidays.code if holidays else None,
        today=today,
        closed=holidays,
    )


@dataclass(frozen=True)
class _Planner:
    """What every stream of one plan is planned with."""

    treatment_date: date
    years: int
    weekends: Weekends
    holidays: Holidays | None

    def stream(self, stream: Stream, scans: list[date]) -> list[Visit]:
        """The visits of `stream`: those `scans` fulfil, then those planned after the last."""
        phases = _Phases(stream, self.treatment_date)
        visits: list[Visit] = []
        anchor = self.treatment_date
        for number, scan in enumerate(scans, start=1):
            phase = phases.on(anchor)
            due = add_months(anchor, phase.every_months)
            visits.append(
                Visit(
                    number,
                    number - 1,
                    anchor,
                    phase.every_months,
                    due,
                    scan,
                    phase,
                    stream,
                    Status.DONE,
                )
            )
            anchor = scan
        months_to_end = 12 * self.years
        anchor_number, months, due = len(visits), 0, anchor
        while True:
            phase = phases.on(due)
            months += phase.every_months
            due = add_months(anchor, months)
            grace = 0 if stream.by_choice else phase.every_months // 2
            # One count from the treatment date: 29 February plus 10 years and 6 months is
            # 29 August, where stepping twice would give the 28th.
            if due > add_months(self.treatment_date, months_to_end + grace):
                return visits
            shown, holiday = move(due, self.weekends, self.holidays)
            visits.append(
                Visit(
                    len(visits) + 1,
                    anchor_number,
                    anchor,
                    months,
                    due,
                    shown,
                    phase,
                    stream,
                    holiday=holiday,
                )
            )
