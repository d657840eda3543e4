"""A roster read into rows: the one place where a file, or an upload, becomes `Row`s.

A roster is CSV in UTF-8 (a byte-order mark is allowed) with a header. It is
checked as a whole before any row is planned: it is read to its end, no line is
longer than `LINE_LIMIT`, its header names the required columns, no column
twice and none unknown, and it has at least one patient. A reader for another
kind of file belongs beside `_csv_rows`, giving the same rows and checked the
same way, so that `roster.run_roster` never knows where its rows came from.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TextIO

from followup._errors import FollowupError
from followup._i18n import _
from followup._settings import FIELDS

__all__ = [
    "COLUMNS",
    "LINE_LIMIT",
    "REQUIRED",
    "RosterFile",
    "RosterRow",
    "Row",
    "UnusableRoster",
    "read_roster",
    "read_roster_bytes",
    "unknown_column",
]

REQUIRED = ("id", "treatment_date")
# A roster column per setting, but those a row cannot give: the reminder and
# paper are the run's, and tracks take more than one cell.
OPTIONAL = tuple(
    declared.name for declared in FIELDS if declared.name not in {*REQUIRED, "remind", "tracks"}
)
COLUMNS = REQUIRED + OPTIONAL
# A roster line longer than this is not a patient's row (and csv would hold it all).
LINE_LIMIT = 10_000
# Opens a roster's text, from its start, each time it is called.
Opener = Callable[[], TextIO]


@dataclass(frozen=True)
class RosterRow:
    """Settings in a roster row: `column 'years': …` (the run names the line and id)."""

    def message(self, field: str, problem: str) -> str:
        return _("column {column!r}: {problem}").format(column=field, problem=problem)


class UnusableRoster(FollowupError):
    """A roster that cannot be used as a whole: nothing is planned, nothing written.

    `path` is the roster's file, or None for rows that came from memory.
    """

    def __init__(self, path: Path | None, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(problem if path is None else f"{path}: {problem}")


@dataclass(frozen=True)
class Row:
    """One patient's row: its cells by column name, and the line it ends on, for messages.

    `extra` holds the cells beyond the header's last column; a row with any is refused.
    """

    line: int
    cells: Mapping[str, str]
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterFile:
    """A roster file that was checked as a whole (`read_roster`).

    Each pass over it reads the file again, streaming, rather than holding its
    rows: memory stays flat however long the roster.
    """

    path: Path

    def __iter__(self) -> Iterator[Row]:
        return _csv_rows(_opener(self.path), self.path)


def unknown_column(column: str) -> str:
    """The problem of a column no roster has, with the columns there are."""
    return _("unknown column {column!r}; the columns are {columns}").format(
        column=column, columns=", ".join(COLUMNS)
    )


def read_roster(path: Path) -> RosterFile:
    """The roster in the file `path`, read through once to check it as a whole.

    Raises `UnusableRoster` for a file that cannot be read, has no rows, or
    whose header lacks a required column, repeats one or has an unknown one.
    """
    if path.exists() and not path.is_file() and not path.is_dir():
        # A pipe could be read only once, and a run goes through the rows twice.
        raise UnusableRoster(path, _("give the roster as a file, not a pipe or a device"))
    opener = _opener(path)
    rows = sum(1 for _row in _csv_rows(opener, path))
    _check(_header(opener), rows, path)
    return RosterFile(path)


def read_roster_bytes(data: bytes) -> list[Row]:
    """The rows of a roster given as bytes (an upload), in memory, checked as `read_roster` does.

    Its problems name no file: `UnusableRoster.path` is None.
    """

    def opener() -> TextIO:
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")

    rows = list(_csv_rows(opener, None))
    _check(_header(opener), len(rows), None)
    return rows


def _opener(path: Path) -> Opener:
    return partial(path.open, encoding="utf-8-sig", newline="")


def _bounded(lines: Iterable[str], source: Path | None) -> Iterator[str]:
    for number, line in enumerate(lines, start=1):
        if len(line) > LINE_LIMIT:
            problem = _("line {line} is longer than {limit} characters")
            raise UnusableRoster(source, problem.format(line=number, limit=LINE_LIMIT))
        yield line


def _csv_rows(opener: Opener, source: Path | None) -> Iterator[Row]:
    """The roster's rows with the line each one ends on; header names without spaces."""
    try:
        with opener() as handle:
            reader = csv.DictReader(_bounded(handle, source))
            reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
            for record in reader:
                extra = record.pop(None, None) or ()  # cells past the header's columns
                cells = {name: value or "" for name, value in record.items()}
                yield Row(reader.line_num, cells, tuple(extra))
    except FileNotFoundError:
        raise UnusableRoster(source, _("no such file")) from None
    except IsADirectoryError:
        raise UnusableRoster(source, _("that is a folder, not a roster")) from None
    except UnicodeDecodeError:
        raise UnusableRoster(source, _("not a text file in UTF-8")) from None
    except PermissionError:
        raise UnusableRoster(source, _("not readable (permission denied)")) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise UnusableRoster(source, _("cannot be read ({reason})").format(reason=reason)) from None
    except csv.Error as error:
        raise UnusableRoster(
            source, _("not a readable CSV file ({error})").format(error=error)
        ) from None


def _header(opener: Opener) -> list[str]:
    try:
        with opener() as handle:
            return [column.strip() for column in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # _csv_rows reports the problem with its reason


def _check(header: list[str], rows: int, source: Path | None) -> None:
    """The roster as a whole: a header with the required columns, known and once each; rows."""
    if not header or header == [""]:
        raise UnusableRoster(
            source, _("the file is empty; it needs a header with id and treatment_date")
        )
    for column in header:
        if header.count(column) > 1:
            raise UnusableRoster(
                source, _("the column {column!r} appears twice").format(column=column)
            )
        if column not in COLUMNS:
            raise UnusableRoster(source, unknown_column(column))
    for column in REQUIRED:
        if column not in header:
            raise UnusableRoster(
                source, _("the required column {column!r} is missing").format(column=column)
            )
    if rows == 0:
        raise UnusableRoster(source, _("the roster has a header but no patients"))
