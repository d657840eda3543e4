"""The pure core: a treatment date and a protocol in, a `Schedule` of `Visit`s out."""

from __future__ import annotations

import itertools
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import NoReturn

from dateutil.relativedelta import relativedelta

from followup._dates import Holidays, Weekends, move
from followup._errors import InvalidSetting, not_allowed
from followup._i18n import _
from followup._protocols import IBERO_AMERICAN_2025, Phase, Protocol, Track

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


class Status(StrEnum):
    """Whether a visit is still ahead or its scan was done."""

    PLANNED = "planned"
    DONE = "done"


@dataclass(frozen=True)
class Visit:
    """One scan of the plan, done or still ahead.

    A visit is counted in whole `months` from its `anchor`: the treatment date
    (`anchor_number` 0) or the date of scan `anchor_number`, the last one done
    before it. `due_date` is what the rule gives; `date` is the day shown: the
    due date moved off a weekend or public holiday, or the real date of a scan
    done. `phase` is the phase whose interval led to this visit.
    """

    number: int
    anchor_number: int
    anchor: date
    months: int
    due_date: date
    date: date
    phase: Phase
    status: Status = Status.PLANNED
    holiday: str | None = None
    track: Track | None = None  # None: the protocol's own exam

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
        opens = self.anchor + relativedelta(months=before + low)
        closes = self.anchor + relativedelta(months=before + high)
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
    """Every visit of one person's follow-up, with the choices that produced them."""

    treatment_date: date
    protocol: Protocol
    years: int
    weekends: Weekends
    name: str | None
    visits: tuple[Visit, ...]
    holidays: str | None = None
    track_visits: tuple[Visit, ...] = ()
    today: date | None = None  # the day the plan was made on: statuses are as seen then
    dropped: tuple[Visit, ...] = ()  # visits the plan without scans done has, and this lacks

    @property
    def end_date(self) -> date:
        """The end of follow-up: visits are planned up to it (see `make_schedule`)."""
        return self.treatment_date + relativedelta(years=self.years)

    @property
    def done(self) -> tuple[Visit, ...]:
        return tuple(visit for visit in self.visits if visit.done)

    def next_visit(self) -> Visit | None:
        """The first visit whose scan is not done yet, or None at the end of the plan."""
        return self._next_visit

    @cached_property
    def _next_visit(self) -> Visit | None:
        return next((visit for visit in self.visits if not visit.done), None)

    def standing_of(self, visit: Visit, today: date | None = None) -> Standing:
        """Where `visit` stands on `today` (by default the day the plan was made on)."""
        today = today or self.today
        if visit.done:
            return Standing.DONE
        if today is None:
            return Standing.UPCOMING
        opens, closes = visit.window
        if closes < today:
            after_scans = bool(self.done) and visit is self.next_visit()
            return Standing.OVERDUE if after_scans else Standing.NOT_RECORDED
        return Standing.DUE if opens <= today else Standing.UPCOMING

    def next_from(self, today: date) -> Next:
        """The visit to book as seen on `today`: due, overdue or upcoming; none once ended."""
        unrecorded = 0
        for visit in self.visits:
            standing = self.standing_of(visit, today)
            if standing == Standing.NOT_RECORDED:
                unrecorded += 1
            elif standing != Standing.DONE:
                return Next(visit, today, standing, unrecorded)
        return Next(None, today, Standing.ENDED, unrecorded)

    def all_visits(self) -> list[Visit]:
        """The protocol's visits and those of extra tracks, by date."""
        return list(self._all_visits)

    @cached_property
    def _all_visits(self) -> tuple[Visit, ...]:
        order = {track: rank for rank, track in enumerate(self.protocol.tracks)}
        return tuple(
            sorted(
                (*self.visits, *self.track_visits),
                key=lambda visit: (visit.date, -1 if visit.track is None else order[visit.track]),
            )
        )

    def count(self, visit: Visit) -> int:
        """How many visits the stream of `visit` (the protocol's, or a track's) has."""
        if visit.track is None:
            return len(self.visits)
        return self._track_counts[visit.track]

    @cached_property
    def _track_counts(self) -> Counter[Track]:
        # Counted once per schedule: a count per visit would make every export quadratic.
        return Counter(visit.track for visit in self.track_visits if visit.track is not None)


def clean_name(name: str | None) -> str | None:
    """A name as one line of text, so it can never break a file's lines; None when empty."""
    if name is None:
        return None
    # Cc covers CR, LF, tab and the rest; split() also breaks on U+2028/U+2029.
    # Format characters (Cf) stay: zero-width joiners belong to some scripts.
    printable = "".join(" " if unicodedata.category(c) == "Cc" else c for c in name)
    return " ".join(printable.split()) or None


class _Phases:
    """The protocol's phases with their end dates, worked out once per plan."""

    def __init__(self, protocol: Protocol, treatment_date: date) -> None:
        self.ends = [
            (
                phase,
                None
                if phase.until_month is None
                else treatment_date + relativedelta(months=phase.until_month),
            )
            for phase in protocol.phases
        ]

    def on(self, day: date) -> Phase:
        """The phase `day` falls in; phases are always measured from the treatment date."""
        for phase, end in self.ends:
            if end is None or day < end:
                return phase
        raise AssertionError("the last phase of a protocol has no end")  # pragma: no cover


def _refuse_done(day: date, reason: str) -> NoReturn:
    raise InvalidSetting("done", day, not_allowed(day.isoformat(), reason))


def check_done(done: Iterable[date], treatment_date: date, today: date | None) -> list[date]:
    """The dates of scans done, sorted; refuses repeats and dates outside treatment..today."""
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


def make_schedule(
    treatment_date: date,
    *,
    protocol: Protocol = IBERO_AMERICAN_2025,
    years: int = DEFAULT_YEARS,
    weekends: Weekends = DEFAULT_WEEKENDS,
    name: str | None = None,
    done: Iterable[date] = (),
    today: date | None = None,
    holidays: Holidays | None = None,
) -> Schedule:
    """Plan the follow-up visits after `treatment_date`.

    The interval after a visit is that of the phase the visit falls in, phases
    being measured from the treatment date. Each date is counted in whole months
    from its anchor — the treatment date, or the last scan done — never stepped
    from the previous visit, so month ends never drift: from 31 January, 3
    months is 30 April and 6 is 31 July.

    The k-th scan in `done` fulfils visit k. Follow-up ends `years` after the
    treatment date; a visit is still planned when it falls no later than half
    its interval (in whole months, rounded down) after that end, so a late last
    scan keeps its successor and an early one does not add a year.
    """
    if not 1 <= years <= MAX_YEARS:
        reason = _("choose from 1 to {most}").format(most=MAX_YEARS)
        raise InvalidSetting("years", years, not_allowed(years, reason))
    phases = _Phases(protocol, treatment_date)
    visits = _done_visits(check_done(done, treatment_date, today), phases, treatment_date)
    anchor = visits[-1].date if visits else treatment_date
    anchor_number, months, due = len(visits), 0, anchor
    while True:
        phase = phases.on(due)
        months += phase.every_months
        due = anchor + relativedelta(months=months)
        if due > treatment_date + relativedelta(months=12 * years + phase.every_months // 2):
            break
        shown, holiday = move(due, weekends, holidays)
        visits.append(
            Visit(
                len(visits) + 1, anchor_number, anchor, months, due, shown, phase, holiday=holiday
            )
        )
    track_visits = [
        visit
        for track in protocol.tracks
        for visit in _track_visits(track, treatment_date, years, weekends, holidays)
    ]
    return Schedule(
        treatment_date=treatment_date,
        protocol=protocol,
        years=years,
        weekends=weekends,
        name=clean_name(name),
        visits=tuple(visits),
        holidays=holidays.code if holidays else None,
        track_visits=tuple(track_visits),
        today=today,
        dropped=_dropped(visits, treatment_date, protocol, years, weekends, holidays),
    )


def _dropped(
    visits: list[Visit],
    treatment_date: date,
    protocol: Protocol,
    years: int,
    weekends: Weekends,
    holidays: Holidays | None,
) -> tuple[Visit, ...]:
    """Counting from the scans done can shorten a plan: the visits it no longer has,
    on the days the plan without scans done showed them."""
    if not any(visit.done for visit in visits):
        return ()
    unanchored = make_schedule(
        treatment_date, protocol=protocol, years=years, weekends=weekends, holidays=holidays
    )
    return unanchored.visits[len(visits) :]


def _done_visits(scans: list[date], phases: _Phases, treatment_date: date) -> list[Visit]:
    """The visits the scans done fulfil, in order: each due from the scan before it."""
    visits: list[Visit] = []
    anchor = treatment_date
    for number, scan in enumerate(scans, start=1):
        phase = phases.on(anchor)
        due = anchor + relativedelta(months=phase.every_months)
        visits.append(
            Visit(number, number - 1, anchor, phase.every_months, due, scan, phase, Status.DONE)
        )
        anchor = scan
    return visits


def _track_visits(
    track: Track, treatment_date: date, years: int, weekends: Weekends, holidays: Holidays | None
) -> list[Visit]:
    """An extra track: every `every_months` from the treatment date to the end of follow-up."""
    every = track.every_months
    phase = Phase(0, None, every, (every, every))
    visits: list[Visit] = []
    for months in range(every, 12 * years + 1, every):
        due = treatment_date + relativedelta(months=months)
        shown, holiday = move(due, weekends, holidays)
        number = len(visits) + 1
        visits.append(
            Visit(
                number, 0, treatment_date, months, due, shown, phase, holiday=holiday, track=track
            )
        )
    return visits
