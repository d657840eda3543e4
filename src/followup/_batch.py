"""Clinic batch: a roster file in, each patient's files and a summary out, in a folder.

`run` reads the roster (`roster_file.read_roster`, which checks it as a whole),
runs its rows (`roster.run_roster`, which checks the run's options) and only
then writes: into a folder created readable by its owner only, held by this run
alone, each file written atomically and all of them flushed to disk once at
the end. It returns a `Report`. The roster is streamed, never held.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from followup import _i18n as i18n
from followup._export import Format, RenderOptions
from followup._files import (
    atomic_open,
    folder_lock,
    make_private_folder,
    remove_stale_temporaries,
    sync,
    write_atomically,
)
from followup._roster import ERRORS_FILE, SUMMARY, SUMMARY_FILE, Outcome, RosterJob, run_roster
from followup._roster_file import COLUMNS, UnusableRoster, read_roster
from followup._settings import Settings

__all__ = [
    "COLUMNS",
    "SUMMARY",
    "Job",
    "Outcome",
    "Report",
    "UnusableRoster",
    "run",
]


@dataclass(frozen=True)
class Job:
    """A batch run into `out_dir`; the other fields are what every row shares (`RosterJob`)."""

    out_dir: Path
    formats: tuple[Format, ...]
    defaults: Settings
    options: RenderOptions
    today: date

    def rows(self) -> RosterJob:
        """What every row shares, for `run_roster`."""
        return RosterJob(self.formats, self.today, self.defaults, self.options)


@dataclass(frozen=True)
class Report:
    """What a run did: how many rows it planned, and how many it refused; its two lists."""

    total: int
    written: int
    failed: int
    summary: Path
    errors: Path
    notes: tuple[str, ...] = ()  # how the roster was read, when a person may need to know


@dataclass(frozen=True)
class _Folder:
    """A `roster.Destination` on disk: each file appears whole, readable by its owner only."""

    path: Path

    def write(self, name: str, data: bytes) -> None:
        # One flush to disk for the whole run (files.sync, at the end) costs far
        # less than one per file; each file still appears whole or not at all.
        write_atomically(self.path / name, data, durable=False)

    def stream(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]:
        return atomic_open(self.path / name)


@contextlib.contextmanager
def _into(folder: Path) -> Iterator[_Folder]:
    """`folder`, created if need be and held by this run alone; flushed to disk at the end."""
    make_private_folder(folder)
    with folder_lock(folder):
        remove_stale_temporaries(folder)
        yield _Folder(folder)
    sync()


def run(
    roster: Path,
    job: Job,
    *,
    jobs: int = 1,
    on_row: Callable[[Outcome, int], None] | None = None,
) -> Report:
    """Plan every row of `roster` into `job.out_dir`, with `jobs` worker processes.

    Raises `UnusableRoster` or another `FollowupError` before writing anything
    when the roster or the run's options cannot be used. `on_row` is called
    with each row's outcome, in roster order, as it comes back, and the number
    of rows.
    """
    rows = read_roster(roster)
    out = job.out_dir
    report = run_roster(rows, job.rows(), _into(out), jobs=jobs, on_row=on_row)
    with i18n.using(job.options.lang):
        notes = tuple(rows.notes())
    return Report(
        report.total, report.written, report.failed, out / SUMMARY_FILE, out / ERRORS_FILE, notes
    )
