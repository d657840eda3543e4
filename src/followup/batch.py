"""Clinic batch: a roster of patients in, each patient's files and a summary out.

The roster is read twice, streaming: once to check its header and find
duplicate ids, once to plan and write each row. Nothing holds more than the
rows in flight, so memory stays flat however long the roster. Rows go to
worker processes in order and come back in order, so the files and the
summary are the same whatever the number of jobs.
"""

from __future__ import annotations

import csv
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followup import i18n
from followup.dates import Weekends, parse_date
from followup.errors import FollowupError, InvalidOption
from followup.files import write_atomically
from followup.i18n import _
from followup.settings import Settings, schedule_for

if TYPE_CHECKING:
    from followup.export import Paper

__all__ = [
    "COLUMNS",
    "SUMMARY",
    "Job",
    "Outcome",
    "UnusableRoster",
    "check_roster",
    "run",
]

REQUIRED = ("id", "treatment_date")
# A roster column per setting, but those a row cannot give: the reminder and
# paper are the run's, and tracks take more than one cell.
OPTIONAL = tuple(
    field.name for field in fields(Settings) if field.name not in {*REQUIRED, "remind", "tracks"}
)
COLUMNS = REQUIRED + OPTIONAL
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
_ID = re.compile(r"[A-Za-z0-9._-]+")
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
    """What every row of one batch run shares."""

    out_dir: Path
    formats: tuple[str, ...]
    defaults: Settings
    remind: int
    paper: Paper
    stamp: datetime
    version: str
    today: date
    lang: str


@dataclass(frozen=True)
class Outcome:
    """One roster row, written or refused."""

    line: int
    id: str
    summary: dict[str, str] | None = None
    error: str | None = None


def _open(path: Path) -> Iterator[tuple[int, Record]]:
    """The roster's records with the line each one ends on."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
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
    counts: Counter[str] = Counter()
    rows = 0
    for _line, record in _open(path):
        rows += 1
        counts[str(record.get("id") or "").casefold()] += 1
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


def _whole(column: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidOption(column, text, _("give a whole number")) from None


def _row_settings(record: Record) -> Settings:
    """A row's own settings; an empty cell says nothing, so the defaults apply."""
    if record.get(None):
        raise InvalidOption("row", "…", _("it has more cells than the header has columns"))
    cell = {key: (value or "").strip() for key, value in record.items() if isinstance(key, str)}
    weekends = cell.get("weekends", "")
    if weekends and weekends not in {rule.value for rule in Weekends}:
        raise InvalidOption("weekends", weekends, _("choose next, previous or keep"))
    done = cell.get("done", "")
    return Settings(
        treatment_date=parse_date(cell.get("treatment_date", "")),
        name=cell.get("name") or None,
        protocol=cell.get("protocol") or None,
        early_interval=_whole("early_interval", cell["early_interval"])
        if cell.get("early_interval")
        else None,
        early_years=_whole("early_years", cell["early_years"]) if cell.get("early_years") else None,
        years=_whole("years", cell["years"]) if cell.get("years") else None,
        weekends=Weekends(weekends) if weekends else None,
        holidays=cell.get("holidays") or None,
        done=tuple(parse_date(day) for day in done.split(";") if day.strip()) if done else None,
        lang=i18n.check(cell["lang"]) if cell.get("lang") else None,
    )


def _check_id(patient_id: str, duplicates: set[str]) -> None:
    if not patient_id:
        raise InvalidOption("id", patient_id, _("every row needs an id"))
    if not _ID.fullmatch(patient_id) or patient_id in {".", ".."}:
        raise InvalidOption(
            "id", patient_id, _("use only letters, digits, '.', '_' and '-' (it names the files)")
        )
    if patient_id.casefold() in _RESERVED:
        raise InvalidOption("id", patient_id, _("this name is kept for the batch's own files"))
    if patient_id.casefold() in duplicates:
        raise InvalidOption("id", patient_id, _("this id appears on more than one row"))


def process(job: Job, line: int, record: Record, duplicates: set[str]) -> Outcome:
    """Plan one row and write its files, or say why it cannot be done."""
    patient_id = str(record.get("id") or "").strip()
    language = str(record.get("lang") or "").strip() or job.lang
    # A row's messages and files speak its own language; an unknown one is
    # reported in the run's language.
    with i18n.using(language if language in i18n.LANGUAGES else job.lang):
        return _process(job, line, record, duplicates, patient_id)


def _process(job: Job, line: int, record: Record, duplicates: set[str], patient_id: str) -> Outcome:
    from followup.export import render

    try:
        _check_id(patient_id, duplicates)
        schedule = schedule_for(_row_settings(record).over(job.defaults), job.today)
        # Render every format before writing any, so a row is written whole or not at all.
        outputs = {
            form: render(
                schedule,
                form,
                remind_days=job.remind,
                paper=job.paper,
                stamp=job.stamp,
                version=job.version,
            )
            for form in job.formats
        }
    except FollowupError as error:
        return Outcome(line, patient_id, error=str(error))
    for form, data in outputs.items():
        # One flush to disk for the whole run (files.sync, by the caller) costs far
        # less than one per file; each file still appears whole or not at all.
        write_atomically(job.out_dir / f"{patient_id}.{form}", data, durable=False)
    upcoming = schedule.next_visit()
    days = (upcoming.date - job.today).days if upcoming else 0
    return Outcome(
        line,
        patient_id,
        summary={
            "id": patient_id,
            "name": schedule.name or "",
            "protocol": schedule.protocol.id,
            "visits": str(len(schedule.visits)),
            "visits_done": str(len(schedule.done)),
            "next_visit": str(upcoming.number) if upcoming else "",
            "next_date": upcoming.date.isoformat() if upcoming else "",
            "days_until": str(days) if upcoming else "",
            "status": "finished" if not upcoming else "overdue" if days < 0 else "upcoming",
            "files": " ".join(f"{patient_id}.{form}" for form in job.formats),
        },
    )


# Worker processes receive the shared job once, when they start.
_shared: tuple[Job, set[str]] | None = None


def _start_worker(job: Job, duplicates: set[str]) -> None:
    global _shared
    _shared = (job, duplicates)


def _work(item: tuple[int, Record]) -> Outcome:
    if _shared is None:
        raise RuntimeError("worker started without its job")
    job, duplicates = _shared
    return process(job, item[0], item[1], duplicates)


def run(
    roster: Path, job: Job, duplicates: set[str], jobs: int, on_row: Callable[[], None]
) -> Iterator[Outcome]:
    """Each row's outcome, in roster order; `on_row` is called as each one comes back."""
    if jobs == 1:
        for line, record in _open(roster):
            yield process(job, line, record, duplicates)
            on_row()
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start_worker, initargs=(job, duplicates)) as pool:
        for outcome in pool.imap(_work, _open(roster), chunksize=16):
            yield outcome
            on_row()
