"""Clinic batch: a roster of patients in, each patient's files and a summary out.

`run` checks the roster and the run's options before it writes anything, then
plans each row and writes its files, `summary.csv` and `errors.csv`, and returns
a `Report`. A bad row is reported and skipped; it never stops the run.

The roster is read twice, streaming: once to check its header and find
duplicate ids, once to plan and write each row. Nothing holds more than the
rows in flight, so memory stays flat however long the roster. Rows go to
worker processes in order and come back in order, so the files and the
summary are the same whatever the number of jobs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from followup import i18n
from followup.api import Loads, schedule_for
from followup.errors import FollowupError, InvalidSetting, not_allowed
from followup.export import Format, RenderOptions
from followup.files import (
    atomic_open,
    folder_lock,
    make_private_folder,
    remove_stale_temporaries,
    sync,
    write_atomically,
)
from followup.i18n import _
from followup.protocols import PRESETS
from followup.settings import FIELDS, RosterRow, Settings

__all__ = [
    "COLUMNS",
    "SUMMARY",
    "Job",
    "Outcome",
    "Report",
    "UnusableRoster",
    "check_roster",
    "run",
]

REQUIRED = ("id", "treatment_date")
# A roster column per setting, but those a row cannot give: the reminder and
# paper are the run's, and tracks take more than one cell.
OPTIONAL = tuple(
    declared.name for declared in FIELDS if declared.name not in {*REQUIRED, "remind", "tracks"}
)
COLUMNS = REQUIRED + OPTIONAL
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
# The summary's cells whose text comes from the roster, which can start like a formula
# (`-1.ics`): the others are numbers, dates and words of followup's own.
_FROM_ROSTER = ("id", "name", "protocol", "files")
_ID = re.compile(r"[A-Za-z0-9._-]+")
# Long enough for any record number; short enough that every file name fits.
ID_LIMIT = 100
# A roster line longer than this is not a patient's row (and csv would hold it all).
LINE_LIMIT = 10_000
# Names Windows keeps for devices, with any extension: rosters and folders move there.
_DEVICE_NAMES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"{port}{n}" for port in ("com", "lpt") for n in range(10)),
}
# A row as csv.DictReader gives it: cells by column, extra cells under None.
Record = dict[str | None, Any]
# Names of the batch's own files, which a patient's files must never overwrite.
_RESERVED = {"errors", "summary"}


class UnusableRoster(FollowupError):
    """A roster that cannot be read as a whole: nothing is written."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class Job:
    """What every row of one batch run shares: rows' settings fall back on `defaults`."""

    out_dir: Path
    formats: tuple[Format, ...]
    defaults: Settings
    options: RenderOptions
    today: date
    # On a server, a row must not name a protocol file: it would be read from the server's disk.
    presets_only: bool = False


@dataclass(frozen=True)
class Report:
    """What a run did: how many rows it planned, and how many it refused."""

    total: int
    written: int
    failed: int
    summary: Path
    errors: Path


@dataclass(frozen=True)
class Outcome:
    """One roster row, written or refused."""

    line: int
    id: str
    summary: dict[str, str] | None = None
    error: str | None = None


def _bounded(lines: Iterator[str], path: Path) -> Iterator[str]:
    for number, line in enumerate(lines, start=1):
        if len(line) > LINE_LIMIT:
            problem = _("line {line} is longer than {limit} characters")
            raise UnusableRoster(path, problem.format(line=number, limit=LINE_LIMIT))
        yield line


def _open(path: Path) -> Iterator[tuple[int, Record]]:
    """The roster's records with the line each one ends on; header names without spaces."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(_bounded(handle, path))
            reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
            for record in reader:
                yield reader.line_num, dict(record)
    except FileNotFoundError:
        raise UnusableRoster(path, _("no such file")) from None
    except IsADirectoryError:
        raise UnusableRoster(path, _("that is a folder, not a roster")) from None
    except UnicodeDecodeError:
        raise UnusableRoster(path, _("not a text file in UTF-8")) from None
    except PermissionError:
        raise UnusableRoster(path, _("not readable (permission denied)")) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise UnusableRoster(path, _("cannot be read ({reason})").format(reason=reason)) from None
    except csv.Error as error:
        raise UnusableRoster(
            path, _("not a readable CSV file ({error})").format(error=error)
        ) from None


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # _open reports the problem with its reason


def check_roster(path: Path) -> tuple[int, set[str]]:
    """Check the roster as a whole: the number of rows, and the ids used more than once.

    Raises `UnusableRoster` for a file that cannot be read, has no rows, or
    whose header lacks a required column, repeats one or has an unknown one.
    """
    if path.exists() and not path.is_file() and not path.is_dir():
        # A pipe could be read only once, and a roster is read twice (see the module's notes).
        raise UnusableRoster(path, _("give the roster as a file, not a pipe or a device"))
    counts: Counter[str] = Counter()
    rows = 0
    for _line, record in _open(path):
        rows += 1
        counts[_id_key(record.get("id"))] += 1
    header = [column.strip() for column in _header(path)]
    if not header or header == [""]:
        raise UnusableRoster(
            path, _("the file is empty; it needs a header with id and treatment_date")
        )
    for column in header:
        if header.count(column) > 1:
            raise UnusableRoster(
                path, _("the column {column!r} appears twice").format(column=column)
            )
        if column not in COLUMNS:
            raise UnusableRoster(
                path,
                _("unknown column {column!r}; the columns are {columns}").format(
                    column=column, columns=", ".join(COLUMNS)
                ),
            )
    for column in REQUIRED:
        if column not in header:
            raise UnusableRoster(
                path, _("the required column {column!r} is missing").format(column=column)
            )
    if rows == 0:
        raise UnusableRoster(path, _("the roster has a header but no patients"))
    return rows, {key for key, count in counts.items() if count > 1 and key}


def _row_settings(record: Record) -> Settings:
    """A row's own settings; an empty cell says nothing, so the defaults apply."""
    if record.get(None):
        raise InvalidSetting("row", "…", _("it has more cells than the header has columns"))
    cells = {
        key: (value or "").strip()
        for key, value in record.items()
        if isinstance(key, str) and key != "id"
    }
    # The date is required: an empty cell is refused by its converter, not ignored.
    given = {key: text for key, text in cells.items() if text or key == "treatment_date"}
    return Settings.from_mapping(given, ROW)


ROW = RosterRow()


def _id_key(cell: object) -> str:
    """An id as it names files: without surrounding spaces, and in any case (disks ignore it)."""
    return str(cell or "").strip().casefold()


def _check_id(patient_id: str, duplicates: set[str]) -> None:
    if not patient_id:
        raise InvalidSetting("id", patient_id, _("every row needs an id"), ROW)
    if len(patient_id) > ID_LIMIT:
        reason = _("at most {limit} characters").format(limit=ID_LIMIT)
        raise InvalidSetting("id", patient_id, not_allowed(f"{patient_id[:20]}…", reason), ROW)
    if not _ID.fullmatch(patient_id) or patient_id in {".", ".."}:
        reason = _("use only letters, digits, '.', '_' and '-' (it names the files)")
        raise InvalidSetting("id", patient_id, not_allowed(patient_id, reason), ROW)
    key = _id_key(patient_id)
    if key in _RESERVED or key.partition(".")[0] in _DEVICE_NAMES:
        reason = _("this name is kept for the batch's own files or for devices")
        raise InvalidSetting("id", patient_id, not_allowed(patient_id, reason), ROW)
    if key in duplicates:
        reason = _("this id appears on more than one row")
        raise InvalidSetting("id", patient_id, not_allowed(patient_id, reason), ROW)


def process(job: Job, line: int, record: Record, duplicates: set[str], loads: Loads) -> Outcome:
    """Plan one row and write its files, or say why it cannot be done.

    A row's messages and files speak its own language; a row whose language
    is unknown is reported in the run's.
    """
    patient_id = str(record.get("id") or "").strip()
    asked = str(record.get("lang") or "").strip()
    language = asked if asked in i18n.LANGUAGES else job.options.lang
    with i18n.using(language):
        try:
            _check_id(patient_id, duplicates)
            settings = _row_settings(record).over(job.defaults)
            if job.presets_only and isinstance(settings.protocol, Path):
                reason = _("choose one of {ids}").format(ids=", ".join(PRESETS))
                shown = str(settings.protocol)
                raise InvalidSetting("protocol", shown, not_allowed(shown, reason), ROW)
            schedule = schedule_for(settings, job.today, loads)
            # The id is unique in the roster: it keeps two patients' events apart.
            options = replace(
                job.options, lang=language, calendar_id=patient_id, chart_lang=settings.chart_lang
            )
            # Render every format before writing any, so a row is written whole or not at all.
            outputs = {form: form.render(schedule, options) for form in job.formats}
        except FollowupError as error:
            return Outcome(line, patient_id, error=str(error))
    for form, data in outputs.items():
        # One flush to disk for the whole run (files.sync, at the end) costs far
        # less than one per file; each file still appears whole or not at all.
        path = job.out_dir / f"{patient_id}{form.suffix}"
        try:
            write_atomically(path, data, durable=False)
        except FollowupError as error:
            return Outcome(line, patient_id, error=str(error))
        except OSError as error:
            problem = _("cannot write {file}: {reason}")
            reason = error.strerror or str(error)
            return Outcome(line, patient_id, error=problem.format(file=path.name, reason=reason))
    upcoming = schedule.next_from(job.today)
    visit = upcoming.visit
    return Outcome(
        line,
        patient_id,
        summary={
            "id": patient_id,
            "name": schedule.name or "",
            "protocol": schedule.protocol.id,
            "visits": str(len(schedule.visits)),
            "visits_done": str(len(schedule.done)),
            "next_visit": str(visit.number) if visit else "",
            "next_date": visit.date.isoformat() if visit else "",
            "days_until": "" if upcoming.days_until is None else str(upcoming.days_until),
            "status": upcoming.standing.value,
            "files": " ".join(f"{patient_id}{form.suffix}" for form in job.formats),
        },
    )


# Worker processes receive the shared job once, when they start, and keep
# their own protocol files and holiday calendars for the run.
_shared: tuple[Job, set[str], Loads] | None = None


def _start_worker(job: Job, duplicates: set[str]) -> None:
    global _shared
    _shared = (job, duplicates, Loads())


def _work(item: tuple[int, Record]) -> Outcome:
    if _shared is None:
        raise RuntimeError("worker started without its job")
    job, duplicates, loads = _shared
    return process(job, item[0], item[1], duplicates, loads)


def _outcomes(
    roster: Path, job: Job, duplicates: set[str], jobs: int, total: int, loads: Loads
) -> Iterator[Outcome]:
    """Each row's outcome, in roster order."""
    # Rows go to workers in chunks, which saves messages; small enough that a
    # short roster still keeps every worker busy.
    chunk = max(1, min(16, total // (4 * jobs)))
    if jobs == 1:
        for line, record in _open(roster):
            yield process(job, line, record, duplicates, loads)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start_worker, initargs=(job, duplicates)) as pool:
        yield from pool.imap(_work, _open(roster), chunksize=chunk)


def _check_run(job: Job, loads: Loads) -> None:
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
def _csv_file(path: Path, header: tuple[str, ...], durable: bool) -> Iterator[Any]:
    """A CSV writer whose file appears whole at the end, or not at all."""
    with atomic_open(path, durable=durable) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        yield writer
        text.flush()
        text.detach()


def run(
    roster: Path,
    job: Job,
    *,
    jobs: int = 1,
    on_row: Callable[[Outcome, int], None] | None = None,
    durable: bool = True,
) -> Report:
    """Plan every row of `roster` into `job.out_dir`, with `jobs` worker processes.

    Raises `UnusableRoster` or another `FollowupError` before writing anything
    when the roster or the run's options cannot be used. `on_row` is called
    with each row's outcome, in roster order, as it comes back, and the number
    of rows. `durable` flushes the files to disk at the end (not worth it for a
    temporary folder).
    """
    from followup.export.tables import inert

    total, duplicates = check_roster(roster)
    loads = Loads()
    _check_run(job, loads)
    make_private_folder(job.out_dir)
    report = Report(total, 0, 0, job.out_dir / "summary.csv", job.out_dir / "errors.csv")
    written = failed = 0
    with (
        folder_lock(job.out_dir),
        _csv_file(report.summary, SUMMARY, durable) as summary,
        _csv_file(report.errors, ERRORS, durable) as errors,
    ):
        remove_stale_temporaries(job.out_dir)
        for outcome in _outcomes(roster, job, duplicates, jobs, total, loads):
            if outcome.summary is not None:
                written += 1
                row = outcome.summary | {key: inert(outcome.summary[key]) for key in _FROM_ROSTER}
                summary.writerow([row[key] for key in SUMMARY])
            else:
                failed += 1
                errors.writerow([outcome.line, inert(outcome.id), inert(outcome.error or "")])
            if on_row is not None:
                on_row(outcome, total)
    if durable:
        sync()
    return replace(report, written=written, failed=failed)
