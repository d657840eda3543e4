"""A roster read into rows: the one place where a file, or an upload, becomes `Row`s.

A roster is a spreadsheet's first sheet (`.xlsx`) or a CSV file with a header.
A CSV file is read in UTF-8 (a byte-order mark is allowed), else in
Windows-1252, which Excel's plain "CSV" writes (`Roster.notes` then says so);
its columns are separated by `,`, `;` (Excel's in Spain, Portugal and Brazil)
or tabs, whichever its header uses. A header names its columns in any case,
with or without accents, `_` or spaces, and in any language followup speaks
(`fecha de tratamiento`, `data do tratamento`): `column_named` maps each to its
column.

A spreadsheet's cells are taken as they are: a date cell is a date, a whole
number is written without `.0`, a formula is read as the value the
spreadsheet saved with it, and a formula with no saved value makes its row a
bad row that names the cell. Rows with no value in any cell are skipped.

A roster is checked as a whole before any row is planned: it is read to its
end, no line is longer than `LINE_LIMIT`, its header names the required
columns, no column twice and none unknown, and it has at least one patient.
`roster.run_roster` never knows where its rows came from.
"""

from __future__ import annotations

import codecs
import csv
import functools
import html
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from followup import _i18n as i18n
from followup._errors import FollowupError
from followup._i18n import N_, _
from followup._settings import FIELDS, field_named

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

__all__ = [
    "COLUMNS",
    "LINE_LIMIT",
    "OUTREACH",
    "REQUIRED",
    "SETTING_COLUMNS",
    "TITLES",
    "UNPACKED_LIMIT",
    "Roster",
    "RosterFile",
    "RosterRow",
    "RosterRows",
    "Row",
    "UnusableRoster",
    "column_named",
    "column_title",
    "read_roster",
    "read_roster_bytes",
    "unknown_column",
]

REQUIRED = ("id", "treatment_date")
# A roster column per setting that a row may give (`column=True` where it is declared).
SETTING_COLUMNS = tuple(declared.name for declared in FIELDS if declared.column)
# What a nurse keeps about her calls, for the worklist; a plan never reads them.
OUTREACH = ("phone", "contact_notes", "last_contact", "outcome", "remind_on")
OPTIONAL = tuple(name for name in SETTING_COLUMNS if name not in REQUIRED) + OUTREACH
COLUMNS = REQUIRED + OPTIONAL
# Each column's name in a header, in words: a template's header in each language.
TITLES: Mapping[str, str] = {
    "id": N_("id"),
    "treatment_date": N_("treatment date"),
    "name": N_("name"),
    "protocol": N_("protocol"),
    "early_interval": N_("early interval"),
    "early_years": N_("early years"),
    "years": N_("years"),
    "weekends": N_("weekends"),
    "holidays": N_("holidays"),
    "done": N_("scans done"),
    "lang": N_("language"),
    "chart_lang": N_("chart language"),
    "phone": N_("phone"),
    "contact_notes": N_("contact notes"),
    "last_contact": N_("last contact"),
    "outcome": N_("outcome"),
    "remind_on": N_("remind on"),
}
# A roster line longer than this is not a patient's row (and csv would hold it all).
LINE_LIMIT = 10_000
# What a workbook may unpack to: a 20,000-patient roster is a tenth of it.
UNPACKED_LIMIT = 64 * 2**20
_DELIMITERS = (",", ";", "\t")
_WINDOWS = "cp1252"
_ZIP = b"PK\x03\x04"
_BOOK = "xl/workbook.xml"
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
# Opens a roster's bytes, from their start, each time it is called.
Opener = Callable[[], IO[bytes]]


@dataclass(frozen=True)
class RosterRow:
    """Settings in a roster row: `column 'years': …` (the run names the line and id).

    `spelled` gives the header's own name of a column, where it is not the column's
    (`columna 'Fecha de tratamiento': …` for a Spanish header)."""

    spelled: Mapping[str, str] = field(default_factory=dict)

    def message(self, field: str, problem: str) -> str:
        column = self.spelled.get(field.partition(".")[0], field)
        return _("column {column!r}: {problem}").format(column=column, problem=problem)


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

    `extra` holds the cells beyond the header's last column, and `problem` what
    makes a spreadsheet's row unreadable (a formula with no saved value); a row
    with either is refused.
    """

    line: int
    cells: Mapping[str, str]
    extra: tuple[str, ...] = ()
    problem: str | None = None
    # The header's own names of the columns, where they differ (shared by every row).
    spelled: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def origin(self) -> RosterRow:
        """How this row's problems name a column: as its header does."""
        return RosterRow(self.spelled)


def _key(text: str) -> str:
    """A header's name as it is matched: no case, accents, `_`, `-` or extra spaces."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.sub(r"[_\-–]", " ", letters).split())


@functools.cache
def _spellings() -> dict[str, str]:
    """Every way a header may name a column: its name, its title and its setting's label,
    in every language. No two columns share a spelling (a test keeps it so)."""
    table: dict[str, str] = {}
    for column in COLUMNS:
        words = [column, TITLES.get(column, column)]
        if column in SETTING_COLUMNS:
            words.append(field_named(column).label)
        for language in i18n.LANGUAGES:
            with i18n.using(language):
                for word in words:
                    table.setdefault(_key(_(word)), column)
    return table


def column_title(column: str) -> str:
    """How a header names `column` in the active language (in English, its own name)."""
    if i18n.current() == "en" or column not in TITLES:
        return column
    return _(TITLES[column])


def column_named(header: str) -> str | None:
    """The column a header's cell names (`Fecha de tratamiento` → `treatment_date`), or None."""
    return _spellings().get(_key(header))


def unknown_column(column: str) -> str:
    """The problem of a column no roster has, with the columns there are."""
    return _("unknown column {column!r}; the columns are {columns}").format(
        column=column, columns=", ".join(COLUMNS)
    )


@dataclass(frozen=True)
class _Form:
    """How a roster's bytes are read: a spreadsheet, or CSV with its encoding and delimiter."""

    spreadsheet: bool
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    sheets: int = 1
    sheet: str = ""


class Roster:
    """What every roster says of how it was read, whatever it came from."""

    form: _Form

    def notes(self) -> list[str]:
        """How the roster was read, when a person may need to know, in the active language."""
        said = []
        if self.form.encoding == _WINDOWS:
            said.append(_("The roster is not in UTF-8: it was read as Windows-1252."))
        if self.form.sheets > 1:
            said.append(
                _("The workbook has {count} sheets: only the first, {sheet!r}, was read.").format(
                    count=self.form.sheets, sheet=self.form.sheet
                )
            )
        return said


@dataclass(frozen=True)
class RosterFile(Roster):
    """A roster file that was checked as a whole (`read_roster`).

    Each pass over it reads the file again, streaming, rather than holding its
    rows: memory stays flat however long the roster.
    """

    path: Path
    form: _Form = field(default_factory=lambda: _Form(False))

    def __iter__(self) -> Iterator[Row]:
        return _rows(_file_opener(self.path), self.form, self.path)


class RosterRows(Roster, list[Row]):
    """A roster's rows held in memory (an upload): a list, which knows how it was read."""

    def __init__(self, rows: Iterable[Row], form: _Form | None = None) -> None:
        super().__init__(rows)
        self.form = form or _Form(False)


def read_roster(path: Path, *, whole: bool = True) -> RosterFile:
    """The roster in the file `path`, read through once to check it as a whole.

    Raises `UnusableRoster` for a file that cannot be read, has no rows, or
    whose header lacks a required column, repeats one or has an unknown one.
    With `whole=False`, only its header and first row are read now, for a
    single pass over it (the worklist's): a problem further on is raised by
    that pass, which must then write nothing.
    """
    if path.exists() and not path.is_file() and not path.is_dir():
        # A pipe could be read only once, and a run goes through the rows twice.
        raise UnusableRoster(path, _("give the roster as a file, not a pipe or a device"))
    opener = _file_opener(path)
    form = _form(opener, path, spreadsheet=path.suffix.lower() in _SPREADSHEET_SUFFIXES)
    _check(*_survey(opener, form, path, whole=whole), path)
    return RosterFile(path, form)


def read_roster_bytes(data: bytes, *, most: int | None = None) -> RosterRows:
    """The rows of a roster given as bytes (an upload), in memory, checked as `read_roster` does.

    With `most`, reading stops after `most + 1` rows: enough to tell a roster too long
    without reading all of it. Its problems name no file: `UnusableRoster.path` is None.
    """

    def opener() -> IO[bytes]:
        return io.BytesIO(data)

    form = _form(opener, None, spreadsheet=data.startswith(_ZIP))
    read = _rows(opener, form, None)
    rows = RosterRows(read if most is None else itertools.islice(read, most + 1), form)
    header, _first = _survey(opener, form, None, whole=False)
    _check(header, len(rows), None)
    return rows


def _file_opener(path: Path) -> Opener:
    def opener() -> IO[bytes]:
        return path.open("rb")

    return opener


@dataclass(frozen=True)
class _Reading:
    """Turns an `OSError` or a decoding error while reading into the roster's problem."""

    source: Path | None

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: object, trace: object) -> None:
        if kind is None or issubclass(kind, FollowupError):
            return
        if issubclass(kind, FileNotFoundError):
            raise UnusableRoster(self.source, _("no such file")) from None
        if issubclass(kind, IsADirectoryError):
            raise UnusableRoster(self.source, _("that is a folder, not a roster")) from None
        if issubclass(kind, UnicodeDecodeError):
            problem = _("not a text file in UTF-8 or Windows-1252, nor an .xlsx workbook")
            raise UnusableRoster(self.source, problem) from None
        if issubclass(kind, PermissionError):
            raise UnusableRoster(self.source, _("not readable (permission denied)")) from None
        if issubclass(kind, OSError):
            reason = getattr(error, "strerror", None) or str(error)
            problem = _("cannot be read ({reason})").format(reason=reason)
            raise UnusableRoster(self.source, problem) from None
        if issubclass(kind, csv.Error):
            problem = _("not a readable CSV file ({error})").format(error=error)
            raise UnusableRoster(self.source, problem) from None
        if issubclass(kind, zipfile.BadZipFile | KeyError | ValueError):
            problem = _("not a readable .xlsx workbook ({error})").format(error=error)
            raise UnusableRoster(self.source, problem) from None


def _form(opener: Opener, source: Path | None, *, spreadsheet: bool) -> _Form:
    """How to read the roster: its kind, then a CSV file's encoding and delimiter."""
    with _Reading(source), opener() as handle:
        start = handle.read(64 * 1024)
        if spreadsheet or start.startswith(_ZIP):
            return _workbook_form(opener, source)
        encoding = "utf-8-sig"
        try:
            for _chunk in codecs.iterdecode(_chunks(handle, start), "utf-8-sig"):
                pass
        except UnicodeDecodeError:
            encoding = _WINDOWS
            codecs.decode(start, _WINDOWS)  # the five bytes it does not have are refused
    first = start.decode(encoding, errors="replace").partition("\n")[0]
    delimiter = max(_DELIMITERS, key=first.count) if first else ","
    return _Form(False, encoding, delimiter if first.count(delimiter) else ",")


def _chunks(handle: IO[bytes], start: bytes) -> Iterator[bytes]:
    yield start
    while chunk := handle.read(64 * 1024):
        yield chunk


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


def _workbook_form(opener: Opener, source: Path | None) -> _Form:
    """A workbook's sheets, by name, from its list of sheets: no sheet is read for them.

    A workbook that would unpack to more than `UNPACKED_LIMIT` is refused first: a small
    file can hold a zip bomb, and openpyxl unpacks what it reads."""
    with _Reading(source), opener() as handle, zipfile.ZipFile(handle) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > UNPACKED_LIMIT:
            problem = _("the workbook unpacks to more than {most} MB: save a smaller one")
            raise UnusableRoster(source, problem.format(most=UNPACKED_LIMIT // 2**20))
        names = [html.unescape(name.decode()) for name in _SHEET.findall(archive.read(_BOOK))]
    if not names:
        raise UnusableRoster(source, _("the workbook has no sheet"))
    return _Form(True, "", "", len(names), names[0])


def _workbook(handle: IO[bytes], *, data_only: bool = True) -> _Closing:
    from openpyxl import load_workbook

    return _Closing(load_workbook(handle, read_only=True, data_only=data_only))


class _Closing:
    """A workbook opened read-only, closed at the end of the block (it holds its archive)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book

    def __enter__(self) -> Workbook:
        return self.book

    def __exit__(self, *exception: object) -> None:
        self.book.close()


def _bounded(lines: Iterable[str], source: Path | None) -> Iterator[str]:
    for number, line in enumerate(lines, start=1):
        if len(line) > LINE_LIMIT:
            _too_long(number, source)
        yield line


def _too_long(number: int, source: Path | None) -> None:
    problem = _("line {line} is longer than {limit} characters")
    raise UnusableRoster(source, problem.format(line=number, limit=LINE_LIMIT))


# A roster's line: the line it ends on, its cells, and what makes it unreadable, if anything.
_Record = tuple[int, list[str], str | None]


def _records(opener: Opener, form: _Form, source: Path | None) -> Generator[_Record]:
    """The roster's lines as cells, the header first, each with the line it ends on."""
    if form.spreadsheet:
        with _Reading(source):
            yield from _sheet_records(opener, source)
        return
    with _Reading(source), opener() as handle:
        text = io.TextIOWrapper(handle, encoding=form.encoding, newline="")
        reader = csv.reader(_bounded(text, source), delimiter=form.delimiter)
        for cells in reader:
            yield reader.line_num, cells, None


def _survey(
    opener: Opener, form: _Form, source: Path | None, *, whole: bool
) -> tuple[list[str], int]:
    """The header and the number of patients' rows; with `whole=False`, 1 at most (the
    reading stops at the first)."""
    header: list[str] = []
    rows = 0
    records = _records(opener, form, source)
    try:
        for number, (_line, cells, _problem) in enumerate(records):
            if number == 0:
                header = _trimmed([cell.strip() for cell in cells], form)
            elif any(cell.strip() for cell in cells):
                rows += 1
                if not whole:
                    break
    finally:
        records.close()
    return header, rows


def _trimmed(header: list[str], form: _Form) -> list[str]:
    """A spreadsheet's header without the empty cells after its last name."""
    if form.spreadsheet:
        while header and not header[-1]:
            header.pop()
    return header


def _rows(opener: Opener, form: _Form, source: Path | None) -> Iterator[Row]:
    """The roster's rows with the line each one ends on, by column name."""
    records = _records(opener, form, source)
    header: list[str] = []
    spelled: dict[str, str] = {}
    for line, cells, problem in records:
        if not header:
            names = _trimmed([cell.strip() for cell in cells], form)
            header = [column_named(name) or name for name in names]
            pairs = zip(header, names, strict=True)
            spelled = {column: name for column, name in pairs if column != name}
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a spreadsheet's empty row
        values = dict(zip(header, cells, strict=False))
        values.update((name, "") for name in header[len(cells) :])
        past = cells[len(header) :]
        extra = tuple(cell for cell in past if cell) if form.spreadsheet else tuple(past)
        yield Row(line, values, extra, problem, spelled)


def _sheet_records(opener: Opener, source: Path | None) -> Generator[_Record]:
    """The first sheet's rows as text cells, numbered as the spreadsheet numbers them.

    The file is read where it lies (a zip is read by its directory): not into memory."""
    with opener() as handle, _workbook(handle) as book:
        sheet: ReadOnlyWorksheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers state a wrong size; read what is there
        formulas = _has_formulas(book, sheet)
        values = sheet.iter_rows(values_only=True)  # type: ignore[misc]
        if not formulas:
            for number, row in enumerate(values, start=1):
                yield number, _cells(row, number, source), None
            return
        with opener() as again, _workbook(again, data_only=False) as written:
            typed: ReadOnlyWorksheet = written.worksheets[0]
            typed.reset_dimensions()
            formula_rows = typed.iter_rows(values_only=True)  # type: ignore[misc]
            pairs = zip(values, formula_rows, strict=False)
            for number, (row, formula_row) in enumerate(pairs, start=1):
                yield number, _cells(row, number, source), _unsaved(row, formula_row, number)


def _has_formulas(book: Workbook, sheet: ReadOnlyWorksheet) -> bool:
    """Whether the sheet's XML holds a formula: read again, only then, to find the cells
    whose formula has no saved value."""
    archive: zipfile.ZipFile = book._archive  # type: ignore[attr-defined]
    with archive.open(sheet._worksheet_path) as xml:  # type: ignore[attr-defined]
        tail = b""
        while chunk := xml.read(1 << 20):
            if re.search(rb"<(\w+:)?f[ >/]", tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _cells(row: tuple[object, ...], number: int, source: Path | None) -> list[str]:
    cells = [_cell_text(value) for value in row]
    if sum(len(cell) for cell in cells) > LINE_LIMIT:
        _too_long(number, source)
    return cells


def _unsaved(row: tuple[object, ...], formulas: tuple[object, ...], number: int) -> str | None:
    """Why the row cannot be read when a formula in it has no saved value, naming the cell."""
    for index, written in enumerate(formulas):
        value = row[index] if index < len(row) else None
        if isinstance(written, str) and written.startswith("=") and value is None:
            from openpyxl.utils import get_column_letter

            cell = f"{get_column_letter(index + 1)}{number}"
            return _(
                "cell {cell} holds a formula whose result was not saved; "
                "save the file in a spreadsheet, or type the value"
            ).format(cell=cell)
    return None


def _cell_text(value: object) -> str:
    """A spreadsheet's value as a roster cell's text: a date as 2024-01-31, 5.0 as 5."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check(header: list[str], rows: int, source: Path | None) -> None:
    """The roster as a whole: a header with the required columns, known and once each; rows."""
    if not header or header == [""]:
        raise UnusableRoster(
            source, _("the file is empty; it needs a header with id and treatment_date")
        )
    seen: dict[str, str] = {}
    for name in header:
        column = column_named(name)
        if column is None:
            raise UnusableRoster(source, unknown_column(name))
        if column in seen:
            raise UnusableRoster(
                source, _("the column {column!r} appears twice").format(column=name)
            )
        seen[column] = name
    for column in REQUIRED:
        if column not in seen:
            raise UnusableRoster(
                source, _("the required column {column!r} is missing").format(column=column)
            )
    if rows == 0:
        raise UnusableRoster(source, _("the roster has a header but no patients"))
