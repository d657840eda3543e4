"""The clinic's worklist: from a roster, who to call about which scan, in calling order.

`worklist(rows, today)` plans every row (as a roster run does, but writes no
file) and keeps a line for each patient whose plan needs action on `today`:

- **overdue**: the visit after the last scan recorded has its window closed
  (`Standing.OVERDUE`); the days past the window;
- **due now**: the visit's window is open today (`Standing.DUE`);
- **due soon**: the window opens within `within` days;
- **not recorded**: an earlier window closed with no scan recorded, and the next
  visit is not yet near (`Next.unrecorded`): most likely done, but nobody said so;
- **waiting**: any of these, while the roster's `remind_on` date is still ahead;
- **set aside**: the outcome of the last call was *removed* or *moved care*.

The due and overdue states are the core's (`Schedule.next_from`); due soon,
waiting and the outreach columns (`phone`, `contact_notes`, `last_contact`,
`outcome`, `remind_on`) are the worklist's own. Lines are sorted for calling:
overdue first (fewest days past the window first: the easiest to recover), then
due now (the window closing first), due soon (opening first), not recorded
(closed last first), waiting (the reminder first), and the set-aside last.
A bad row is listed with its line and reason, and the rest is still listed.
The roster is read once, streaming; the lines are sorted as they come, past a few
thousand in runs on disk (`Ordered`), so that memory stays flat however long the roster.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from followup import _i18n as i18n
from followup import _wording as wording
from followup._api import Loads, schedule_for
from followup._errors import FollowupError, InvalidSetting, not_allowed
from followup._i18n import N_, _
from followup._ordered import Ordered
from followup._protocols import PRESETS
from followup._roster import ROW, _check_id, _id_key, _row_settings
from followup._roster_file import Roster, RosterRow, Row, _key
from followup._schedule import Next, Schedule, Standing, Visit
from followup._settings import DATE, Settings, _Refused

__all__ = [
    "DEFAULT_WITHIN",
    "MAX_WITHIN",
    "CallOutcome",
    "Failure",
    "WorkItem",
    "WorkState",
    "Worklist",
    "worklist",
]

DEFAULT_WITHIN = 30
MAX_WITHIN = 366
MAX_JOBS = 64
# A note about a call fits a cell; longer is not a note.
NOTE_LIMIT = 500


class WorkState(StrEnum):
    """Where a patient stands on the worklist, in calling order."""

    OVERDUE = "overdue"
    DUE_NOW = "due_now"
    DUE_SOON = "due_soon"
    NOT_RECORDED = "not_recorded"
    WAITING = "waiting"
    SET_ASIDE = "set_aside"

    @property
    def label(self) -> str:
        """The state in the active language."""
        return _(_STATE_LABELS[self])


_STATE_LABELS = {
    WorkState.OVERDUE: N_("overdue"),
    WorkState.DUE_NOW: N_("due now"),
    WorkState.DUE_SOON: N_("due soon"),
    WorkState.NOT_RECORDED: N_("not recorded"),
    WorkState.WAITING: N_("waiting"),
    WorkState.SET_ASIDE: N_("set aside"),
}


class CallOutcome(StrEnum):
    """What the last call came to: the roster's `outcome` column, one of a fixed list."""

    REACHED = "reached_will_book"
    BOOKED = "booked"
    NO_ANSWER = "no_answer"
    CALL_AGAIN = "call_again"
    WRONG_NUMBER = "wrong_number"
    MOVED_CARE = "moved_care"
    DECLINED = "declined"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        """The outcome in the active language, as a roster's drop-down offers it."""
        return _(_OUTCOME_LABELS[self])

    @classmethod
    def parse(cls, text: str, origin: RosterRow = ROW) -> CallOutcome:
        """The outcome a cell names: its label in any language, or its name; refused otherwise."""
        found = _outcomes().get(_key(text))
        if found is None:
            choices = ", ".join(outcome.label for outcome in cls)
            reason = _("choose one of {choices}").format(choices=choices)
            raise InvalidSetting("outcome", text, not_allowed(text, reason), origin)
        return found


_OUTCOME_LABELS = {
    CallOutcome.REACHED: N_("reached – will book"),
    CallOutcome.BOOKED: N_("booked"),
    CallOutcome.NO_ANSWER: N_("no answer"),
    CallOutcome.CALL_AGAIN: N_("call again"),
    CallOutcome.WRONG_NUMBER: N_("wrong number"),
    CallOutcome.MOVED_CARE: N_("moved care"),
    CallOutcome.DECLINED: N_("declined"),
    CallOutcome.REMOVED: N_("removed"),
}
# Patients no longer followed here: listed apart, at the end.
SET_ASIDE = frozenset({CallOutcome.MOVED_CARE, CallOutcome.REMOVED})


@functools.cache
def _outcomes() -> dict[str, CallOutcome]:
    table: dict[str, CallOutcome] = {}
    for outcome in CallOutcome:
        table[_key(outcome.value)] = outcome
        for language in i18n.LANGUAGES:
            with i18n.using(language):
                table.setdefault(_key(outcome.label), outcome)
    return table


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One patient's line: the visit that needs action, its window, the state, and the
    outreach columns carried over from the roster.

    `days` is what the state counts: days past the window (overdue, not recorded),
    days left in it (due now), days until it opens (due soon); for waiting and set
    aside, as for the state underneath (`underlying`).
    """

    line: int
    id: str
    name: str
    protocol: str
    state: WorkState
    underlying: WorkState
    visit: int
    visits: int
    exam: str  # the visit's exam, short: which stream's visit to book
    date: dt.date
    opens: dt.date
    closes: dt.date
    days: int
    unrecorded: int
    phone: str = ""
    contact_notes: str = ""
    last_contact: dt.date | None = None
    outcome: CallOutcome | None = None
    remind_on: dt.date | None = None

    def sort_key(self) -> tuple[int, int, str, int]:
        rank = list(WorkState).index(self.state)
        if self.state == WorkState.WAITING and self.remind_on is not None:
            return rank, self.remind_on.toordinal(), "", self.line
        if self.state == WorkState.SET_ASIDE:
            return rank, 0, _id_key(self.id), self.line
        return rank, self.days, "", self.line


@dataclass(frozen=True, slots=True)
class Failure:
    """A row that could not be listed: its line, its id, and why, in the run's language."""

    line: int
    id: str
    reason: str


@dataclass(frozen=True)
class Worklist:
    """The worklist seen on `today`: its lines in calling order, the rows that failed,
    how many rows the roster had, and how it was read (`notes`). The lines and failures
    are tuples, or past a few thousand an `Ordered` read from disk as often as asked."""

    today: date
    within: int
    items: Sequence[WorkItem]
    failed: Sequence[Failure] = ()
    total: int = 0
    notes: tuple[str, ...] = ()
    counts: Counter[WorkState] = field(default_factory=Counter)

    def counts_line(self) -> str:
        """`3 overdue, 5 due now, 12 due soon, 2 not recorded, 1 waiting` (and the set-aside
        when there are any), in the active language."""
        shown = [state for state in WorkState if state != WorkState.SET_ASIDE or self.counts[state]]
        return ", ".join(f"{self.counts[state]} {state.label}" for state in shown)


def _date_cell(row: Row, column: str) -> date | None:
    text = (row.cells.get(column) or "").strip()
    if not text:
        return None
    try:
        value: date = DATE.convert(text)
    except _Refused as refused:
        raise InvalidSetting(column, text, refused.problem, row.origin) from None
    return value


def _text_cell(row: Row, column: str) -> str:
    text = " ".join((row.cells.get(column) or "").split())
    if len(text) > NOTE_LIMIT:
        reason = _("at most {limit} characters").format(limit=NOTE_LIMIT)
        raise InvalidSetting(column, text, not_allowed(f"{text[:20]}…", reason), row.origin)
    return text


def _visit_item(
    schedule: Schedule, upcoming: Next, within: int
) -> tuple[WorkState, Visit, int] | None:
    """The state, the visit needing action and the days it counts; None when nothing is to do."""
    today = upcoming.today
    visit = upcoming.visit
    if visit is None:
        return None  # the plan has ended
    opens, closes = visit.window
    if upcoming.standing == Standing.OVERDUE:
        return WorkState.OVERDUE, visit, (today - closes).days
    if upcoming.standing == Standing.DUE:
        return WorkState.DUE_NOW, visit, (closes - today).days
    if (opens - today).days <= within:
        return WorkState.DUE_SOON, visit, (opens - today).days
    if upcoming.unrecorded:
        # The last window closed with no scan recorded: the one to ask about.
        missed = [each for each in schedule.visits if each.window[1] < today and not each.done]
        last = max(missed, key=lambda each: each.window[1])  # the last window to close
        return WorkState.NOT_RECORDED, last, (today - last.window[1]).days
    return None


@dataclass
class _Run:
    today: date
    within: int
    defaults: Settings
    presets_only: bool
    loads: Loads = field(default_factory=Loads)

    def item(self, row: Row, patient_id: str) -> WorkItem | None:
        origin = row.origin
        _check_id(patient_id, set(), origin)
        settings = _row_settings(row).over(self.defaults)
        if self.presets_only and isinstance(settings.protocol, Path):
            reason = _("choose one of {ids}").format(ids=", ".join(PRESETS))
            shown = str(settings.protocol)
            raise InvalidSetting("protocol", shown, not_allowed(shown, reason), origin)
        outcome_text = (row.cells.get("outcome") or "").strip()
        outcome = CallOutcome.parse(outcome_text, origin) if outcome_text else None
        last_contact = _date_cell(row, "last_contact")
        remind_on = _date_cell(row, "remind_on")
        phone = _text_cell(row, "phone")
        notes = _text_cell(row, "contact_notes")
        if outcome == CallOutcome.REMOVED and not notes:
            reason = _("say why in contact_notes")
            problem = not_allowed(outcome_text, reason)
            raise InvalidSetting("outcome", outcome_text, problem, origin)
        schedule = schedule_for(settings, self.today, self.loads)
        upcoming = schedule.next_from(self.today)
        found = _visit_item(schedule, upcoming, self.within)
        if found is None:
            return None
        underlying, visit, days = found
        state = underlying
        if outcome in SET_ASIDE:
            state = WorkState.SET_ASIDE
        elif remind_on is not None and remind_on > self.today:
            state = WorkState.WAITING
        opens, closes = visit.window
        return WorkItem(
            line=row.line,
            id=patient_id,
            name=schedule.name or "",
            protocol=schedule.protocol.id,
            state=state,
            underlying=underlying,
            visit=visit.number,
            visits=schedule.count(visit),
            exam=wording.exam_short(schedule, visit),
            date=visit.date,
            opens=opens,
            closes=closes,
            days=days,
            unrecorded=upcoming.unrecorded,
            phone=phone,
            contact_notes=notes,
            last_contact=last_contact,
            outcome=outcome,
            remind_on=remind_on,
        )


# A worker process's run, set once when it starts.
_shared: list[_Run] = []


def _start_worker(run: _Run) -> None:
    _shared.append(run)


# A row's answer: its line, its id, and its line on the worklist, why it cannot be
# listed, or None when there is nothing to do.
_Answer = tuple[int, str, WorkItem | Failure | None]


def _listed(row: Row) -> _Answer:
    run = _shared[-1]
    patient_id = str(row.cells.get("id") or "").strip()
    try:
        return row.line, patient_id, run.item(row, patient_id)
    except FollowupError as error:
        return row.line, patient_id, Failure(row.line, patient_id, str(error))


def _answers(rows: Iterable[Row], run: _Run, jobs: int) -> Iterator[_Answer]:
    """Each row's answer, in roster order; planned by `jobs` worker processes."""
    if jobs == 1:
        _shared.append(run)
        try:
            yield from map(_listed, rows)
        finally:
            _shared.pop()
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start_worker, initargs=(run,)) as pool:
        # Rows go out in chunks, which saves messages.
        yield from pool.imap(_listed, rows, chunksize=64)


def worklist(
    rows: Iterable[Row],
    today: date,
    *,
    within: int = DEFAULT_WITHIN,
    defaults: Settings | None = None,
    presets_only: bool = False,
    jobs: int = 1,
    spill: bool = True,
) -> Worklist:
    """The worklist of `rows` as seen on `today`, in the active language.

    `within`: days ahead a window may open for its visit to be due soon (0 to
    `MAX_WITHIN`). `defaults`: the settings rows fall back on. `presets_only`:
    a row may not name a protocol file (on a server). `jobs`: worker processes that
    plan the rows (the answers come back in roster order). A roster read from a file or
    an upload passes on how it was read (`Roster.notes`, in the active language).
    Rows are gone through once; an id on more than one row fails every row it is on.
    `spill`: past `HELD` lines, sort them in runs in an unnamed temporary file, so that
    memory stays flat (see `Ordered`); False holds them all in memory (a server whose
    rosters are bounded, and which writes nothing of them to its disk).
    """
    if not 0 <= within <= MAX_WITHIN:
        reason = _("choose from {low} to {high}").format(low=0, high=MAX_WITHIN)
        raise InvalidSetting("within", within, not_allowed(within, reason))
    if not 1 <= jobs <= MAX_JOBS:
        reason = _("choose from {low} to {high}").format(low=1, high=MAX_JOBS)
        raise InvalidSetting("jobs", jobs, not_allowed(jobs, reason))
    run = _Run(today, within, defaults or Settings(), presets_only)
    held = None if spill else sys.maxsize
    items: Ordered[WorkItem] = Ordered(WorkItem.sort_key, held=held)
    failed: Ordered[Failure] = Ordered(_by_line, held=held)
    ids: Ordered[tuple[str, int, str]] = Ordered(_by_id, held=held)  # (the id's key, line, id)
    total = 0
    for line, patient_id, answer in _answers(rows, run, jobs):
        total += 1
        if patient_id:
            ids.add((_id_key(patient_id), line, patient_id))
        if isinstance(answer, Failure):
            failed.add(answer)
        elif isinstance(answer, WorkItem):
            items.add(answer)
    repeated, keys = _repeated(ids, {failure.line for failure in failed})
    ids.close()
    if keys:
        # Rare, and then few: the lines are gone through once more, without those ids.
        kept = (item for item in items if _id_key(item.id) not in keys)
        listed = Ordered.of(kept, WorkItem.sort_key, held=held)
        items.close()
        items, failed = listed, Ordered.of(itertools.chain(failed, repeated), _by_line, held=held)
    counts = Counter(item.state for item in items)
    notes = tuple(rows.notes()) if isinstance(rows, Roster) else ()
    return Worklist(today, within, items.settled(), failed.settled(), total, notes, counts)


def _by_line(failure: Failure) -> int:
    return failure.line


def _by_id(seen: tuple[str, int, str]) -> tuple[str, int]:
    return seen[0], seen[1]


def _repeated(
    ids: Ordered[tuple[str, int, str]], failing: set[int]
) -> tuple[list[Failure], set[str]]:
    """A failure for each row whose id is on another row too, unless the row failed already;
    and those ids' keys."""
    reason = _("this id appears on more than one row")
    found: list[Failure] = []
    keys: set[str] = set()
    for key, group in itertools.groupby(ids, key=lambda seen: seen[0]):
        rows = list(itertools.islice(group, 2))
        if len(rows) < 2:
            continue
        keys.add(key)
        for _same, line, patient_id in itertools.chain(rows, group):
            if line not in failing:
                message = ROW.message("id", not_allowed(patient_id, reason))
                found.append(Failure(line, patient_id, message))
    return found, keys
