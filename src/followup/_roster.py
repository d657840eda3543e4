"""Roster runs: a clinic's rows in, each patient's files, a summary and the errors out.

`run_roster` takes rows, from memory or streamed from a file (`roster_file`),
checks them and the run's options before anything is written, then plans each
row and puts its files, `summary.csv` and `errors.csv` into a `Destination`: a
folder (`batch`, the command line's) or memory (`FilesInMemory`, the web's zip).
A bad row is reported and skipped; it never stops the run.

The rows are gone through twice: once to count them and find ids used more
than once, once to plan. A roster file is read again for the second pass
rather than held, so memory stays flat however long the roster. Rows go to
worker processes in order and come back in order, each with its files' bytes,
which the running process writes: the files and the summary are the same
whatever the number of jobs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol

from followup import _i18n as i18n
from followup._api import Loads, schedule_for
from followup._errors import FollowupError, InvalidSetting, not_allowed
from followup._export import Format, RenderOptions
from followup._i18n import N_, _
from followup._protocols import PRESETS
from followup._roster_file import (
    COLUMNS,
    OUTREACH,
    RosterRow,
    Row,
    UnusableRoster,
    unknown_column,
)
from followup._schedule import Standing
from followup._settings import Settings

__all__ = [
    "ERRORS_FILE",
    "SUMMARY",
    "SUMMARY_FILE",
    "Destination",
    "FilesInMemory",
    "Outcome",
    "RosterJob",
    "RosterReport",
    "run_roster",
]

SUMMARY_FILE = "summary.csv"
ERRORS_FILE = "errors.csv"
ERRORS = ("line", "id", "reason")
SUMMARY = (
    "id",
    "name",
    "protocol",
    "visits",
    "visits_done",
    "next_visit",
    "next_date",
    "days_until",
    "status",
    "files",
)
# The two lists' headers as a person reads them, in the run's language; in English the
# names above, which scripts may rely on.
_HEADER_WORDS = {
    "line": N_("line"),
    "reason": N_("reason"),
    "id": N_("id"),
    "name": N_("name"),
    "protocol": N_("protocol"),
    "visits": N_("visits"),
    "visits_done": N_("visits done"),
    "next_visit": N_("next visit"),
    "next_date": N_("next date"),
    "days_until": N_("days until"),
    "status": N_("status"),
    "files": N_("files"),
}


def _spoken(header: tuple[str, ...]) -> tuple[str, ...]:
    """A list's header in the active language."""
    if i18n.current() == "en":
        return header
    return tuple(_(_HEADER_WORDS[name]) for name in header)


def _status(value: str) -> str:
    """A summary's status in the active language (in English, its name, as scripts read it)."""
    if i18n.current() == "en":
        return value
    from followup._wording import standing_label

    return standing_label(Standing(value))


# The summary's cells whose text comes from the roster, which can start like a formula
# (`-1.ics`): the others are numbers, dates and words of followup's own.
_FROM_ROSTER = ("id", "name", "protocol", "files")
_COLUMNS = frozenset(COLUMNS)
_OUTREACH = frozenset(OUTREACH)
_ID = re.compile(r"[A-Za-z0-9._-]+")
# Long enough for any record number; short enough that every file name fits.
ID_LIMIT = 100
# Names Windows keeps for devices, with any extension: rosters and folders move there.
_DEVICE_NAMES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"{port}{n}" for port in ("com", "lpt") for n in range(10)),
}
# Names of the run's own files, which a patient's files must never overwrite.
_RESERVED = {SUMMARY_FILE.partition(".")[0], ERRORS_FILE.partition(".")[0]}


@dataclass(frozen=True)
class RosterJob:
    """What every row of one roster run shares: the files to make, the day statuses are
    seen from, the settings rows fall back on, and how to write (`options.lang` is the
    language of rows that name none)."""

    formats: tuple[Format, ...]
    today: date
    defaults: Settings = field(default_factory=Settings)
    options: RenderOptions = field(default_factory=RenderOptions)
    # On a server, a row must not name a protocol file: it would be read from the server's disk.
    presets_only: bool = False


@dataclass(frozen=True)
class RosterReport:
    """What a run did: how many rows it planned, and how many it refused."""

    total: int
    written: int
    failed: int


@dataclass(frozen=True)
class Outcome:
    """One roster row: its summary line and its files' bytes by name, or why it was refused."""

    line: int
    id: str
    summary: dict[str, str] | None = None
    error: str | None = None
    files: Mapping[str, bytes] = field(default_factory=dict)


class Destination(Protocol):
    """Where a run puts its files. `run_roster` is given a context manager that opens one,
    and enters it only once every check has passed: a folder is not made for nothing."""

    def write(self, name: str, data: bytes) -> None:
        """A patient's file, whole."""
        ...

    def stream(self, name: str) -> AbstractContextManager[IO[bytes]]:
        """A file written as the run goes (the summary, the errors), whole when the block ends."""
        ...


class FilesInMemory:
    """A `Destination` that keeps a run's files in `files`, by name: nothing goes to disk."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def __enter__(self) -> FilesInMemory:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None

    def write(self, name: str, data: bytes) -> None:
        self.files[name] = data

    @contextlib.contextmanager
    def stream(self, name: str) -> Iterator[IO[bytes]]:
        buffer = io.BytesIO()
        yield buffer
        self.files[name] = buffer.getvalue()


ROW = RosterRow()


def _row_settings(row: Row) -> Settings:
    """A row's own settings; an empty cell says nothing, so the defaults apply."""
    if row.problem:
        raise InvalidSetting("row", "…", row.problem)
    if row.extra:
        raise InvalidSetting("row", "…", _("it has more cells than the header has columns"))
    cells = {
        key: (value or "").strip()
        for key, value in row.cells.items()
        if key != "id" and key not in _OUTREACH
    }
    # The date is required: an empty or missing cell is refused by its converter, not ignored.
    given = {key: text for key, text in cells.items() if text or key == "treatment_date"}
    given.setdefault("treatment_date", "")
    return Settings.from_mapping(given, row.origin)


def _id_key(cell: object) -> str:
    """An id as it names files: without surrounding spaces, and in any case (disks ignore it)."""
    return str(cell or "").strip().casefold()


def _check_id(patient_id: str, duplicates: set[str], origin: RosterRow = ROW) -> None:
    if not patient_id:
        raise InvalidSetting("id", patient_id, _("every row needs an id"), origin)
    if len(patient_id) > ID_LIMIT:
        reason = _("at most {limit} characters").format(limit=ID_LIMIT)
        raise InvalidSetting("id", patient_id, not_allowed(f"{patient_id[:20]}…", reason), origin)
    if not _ID.fullmatch(patient_id) or patient_id in {".", ".."}:
        reason = _("use only letters, digits, '.', '_' and '-' (it names the files)")
        raise InvalidSetting("id", patient_id, not_allowed(patient_id, reason), origin)
    key = _id_key(patient_id)
    if key in _RESERVED or key.partition(".")[0] in _DEVICE_NAMES:
        reason = _("this name is kept for the batch's own files or for devices")
        raise InvalidSetting("id", patient_id, not_allowed(patient_id, reason), origin)
    if key in duplicates:
        reason = _("this id appears on more than one row")
        raise InvalidSetting("id", patient_id, not_allowed(patient_id, reason), origin)


def process(job: RosterJob, row: Row, duplicates: set[str], loads: Loads) -> Outcome:
    """Plan one row and render its files, or say why it cannot be done.

    A row's messages and files speak its own language; a row whose language
    is unknown is reported in the run's.
    """
    patient_id = str(row.cells.get("id") or "").strip()
    asked = str(row.cells.get("lang") or "").strip()
    language = asked if asked in i18n.LANGUAGES else job.options.lang
    with i18n.using(language):
        try:
            _check_id(patient_id, duplicates, row.origin)
            settings = _row_settings(row).over(job.defaults)
            if job.presets_only and isinstance(settings.protocol, Path):
                reason = _("choose one of {ids}").format(ids=", ".join(PRESETS))
                shown = str(settings.protocol)
                raise InvalidSetting("protocol", shown, not_allowed(shown, reason), row.origin)
            schedule = schedule_for(settings, job.today, loads)
            # The id is unique in the roster: it keeps two patients' events apart.
            options = replace(
                job.options, lang=language, calendar_id=patient_id, chart_lang=settings.chart_lang
            )
            # Every format is rendered before any is written: a row is written whole or not at all.
            files = {
                f"{patient_id}{form.suffix}": form.render(schedule, options) for form in job.formats
            }
        except FollowupError as error:
            return Outcome(row.line, patient_id, error=str(error))
    upcoming = schedule.next_from(job.today)
    visit = upcoming.visit
    summary = {
        "id": patient_id,
        "name": schedule.name or "",
        "protocol": schedule.protocol.id,
        "visits": str(len(schedule.visits)),
        "visits_done": str(len(schedule.done)),
        "next_visit": str(visit.number) if visit else "",
        "next_date": visit.date.isoformat() if visit else "",
        "days_until": "" if upcoming.days_until is None else str(upcoming.days_until),
        "status": upcoming.standing.value,
        "files": " ".join(files),
    }
    return Outcome(row.line, patient_id, summary=summary, files=files)


# Worker processes receive the shared job once, when they start, and keep
# their own protocol files and holiday calendars for the run.
_shared: tuple[RosterJob, set[str], Loads] | None = None


def _start_worker(job: RosterJob, duplicates: set[str]) -> None:
    global _shared
    _shared = (job, duplicates, Loads())


def _work(row: Row) -> Outcome:
    if _shared is None:
        raise RuntimeError("worker started without its job")
    job, duplicates, loads = _shared
    return process(job, row, duplicates, loads)


def _outcomes(
    rows: Iterable[Row], job: RosterJob, duplicates: set[str], jobs: int, total: int, loads: Loads
) -> Iterator[Outcome]:
    """Each row's outcome, in roster order."""
    if jobs == 1:
        for row in rows:
            yield process(job, row, duplicates, loads)
        return
    import multiprocessing

    # Rows go to workers in chunks, which saves messages; small enough that a
    # short roster still keeps every worker busy.
    chunk = max(1, min(16, total // (4 * jobs)))
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start_worker, initargs=(job, duplicates)) as pool:
        yield from pool.imap(_work, rows, chunksize=chunk)


def _survey(rows: Iterable[Row]) -> tuple[int, set[str]]:
    """The number of rows and the ids used more than once (see `_id_key`).

    Raises `UnusableRoster` for a column no roster has, as a file's header would.
    """
    counts: Counter[str] = Counter()
    total = 0
    for row in rows:
        total += 1
        counts[_id_key(row.cells.get("id"))] += 1
        unknown = row.cells.keys() - _COLUMNS
        if unknown:
            raise UnusableRoster(None, unknown_column(min(unknown)))
    return total, {key for key, count in counts.items() if count > 1 and key}


def _check_run(job: RosterJob, loads: Loads) -> None:
    """Options that would fail every row are bad input, found before anything is written."""
    defaults = job.defaults
    with defaults.reported():
        loads.protocol(defaults.protocol).choose(
            early_interval=defaults.early_interval, early_years=defaults.early_years
        )
        if defaults.holidays:
            loads.holidays(defaults.holidays, job.options.lang)  # the rows reuse it
    for form in job.formats:
        form.require()


@contextlib.contextmanager
def _table(into: Destination, name: str, header: tuple[str, ...]) -> Iterator[Any]:
    """A CSV writer into the file `name`, which appears whole at the end, or not at all."""
    with into.stream(name) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        yield writer
        text.flush()
        text.detach()


def _written(outcome: Outcome, into: Destination) -> Outcome:
    """The row once its files are written; refused, with why, if one of them cannot be."""
    for name, data in outcome.files.items():
        try:
            into.write(name, data)
        except FollowupError as error:
            return Outcome(outcome.line, outcome.id, error=str(error))
        except OSError as error:
            problem = _("cannot write {file}: {reason}")
            reason = error.strerror or str(error)
            return Outcome(outcome.line, outcome.id, error=problem.format(file=name, reason=reason))
    return outcome


def run_roster(
    rows: Iterable[Row],
    job: RosterJob,
    into: AbstractContextManager[Destination],
    *,
    jobs: int = 1,
    on_row: Callable[[Outcome, int], None] | None = None,
) -> RosterReport:
    """Plan every row, with `jobs` worker processes, and put the files `into` a destination.

    `rows` is gone through twice: a list, or a `RosterFile` that reads its file
    again; a one-off iterator is first kept in a list. Raises `UnusableRoster`
    or another `FollowupError` before entering `into` when the rows or the
    run's options cannot be used. `on_row` is called with each row's outcome,
    in roster order, as it comes back, and the number of rows.
    """
    from followup._export.tables import inert

    if isinstance(rows, Iterator):
        rows = list(rows)
    total, duplicates = _survey(rows)
    loads = Loads()
    _check_run(job, loads)
    written = failed = 0
    with i18n.using(job.options.lang):
        headers = _spoken(SUMMARY), _spoken(ERRORS)
    with (
        into as destination,
        _table(destination, SUMMARY_FILE, headers[0]) as summary,
        _table(destination, ERRORS_FILE, headers[1]) as errors,
    ):
        for planned in _outcomes(rows, job, duplicates, jobs, total, loads):
            outcome = _written(planned, destination)
            if outcome.summary is not None:
                written += 1
                row = outcome.summary | {key: inert(outcome.summary[key]) for key in _FROM_ROSTER}
                with i18n.using(job.options.lang):
                    row["status"] = _status(row["status"])
                summary.writerow([row[key] for key in SUMMARY])
            else:
                failed += 1
                errors.writerow([outcome.line, inert(outcome.id), inert(outcome.error or "")])
            if on_row is not None:
                on_row(outcome, total)
    return RosterReport(total, written, failed)
