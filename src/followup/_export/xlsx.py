"""The plan as an Excel workbook (.xlsx): the CSV's columns, with real dates and text kept as text.

A CSV is read by guesswork: Excel in Spain, Portugal and Brazil splits it on
`;` and puts every row in one column, and spreadsheets turn names such as
`007`, `1/2` or `1E3` into numbers or dates. A workbook says what each cell is:
the visit number is a number, the two dates are dates, and every other cell is
text, stored as text with the text format, so that it is never read as a
number, a date or a formula, whatever it starts with.

The same schedule and stamp always give the same bytes: the workbook's dates
are the stamp, and the archive is packed again with the stamp as the time of
every entry (openpyxl writes the current time there).

openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from datetime import UTC, date, datetime
from typing import IO, TYPE_CHECKING

from followup import _wording as wording
from followup._export.tables import HEADERS, headers, rows
from followup._i18n import _
from followup._schedule import Schedule

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["to_xlsx", "workbook_bytes", "write_workbook"]

Value = str | int | date

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MAX_WIDTH = 50  # characters; a longer column wraps its text
SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names

# The columns of `tables.HEADERS` that hold the visit number and the two dates.
_NUMBER = HEADERS.index("#")
_DATE = HEADERS.index("Date")
_DUE = HEADERS.index("Due by the rule")

# What XML 1.0 cannot hold: control characters but tab and newlines (openpyxl
# refuses those), and U+FFFE and U+FFFF (openpyxl writes them, and no reader can
# open the file). Lone surrogates never get this far: settings refuse them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def to_xlsx(schedule: Schedule, *, stamp: datetime) -> bytes:
    """One sheet of visits, then a blank row and the labelled notes about the plan.

    `stamp` is when the file is made: the workbook's created and modified
    dates, and the time of every entry in the archive.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the untitled sheet every new workbook has
    title = _SHEET_TITLE_ILLEGAL.sub(" ", _("Follow-up visits"))[:SHEET_TITLE_LIMIT]
    sheet: Worksheet = workbook.create_sheet(title)
    visits = _visit_rows(schedule)
    _write_visits(sheet, visits)
    about = _about_rows(schedule)
    _write_about(sheet, about, first_row=len(visits) + 3)  # after the header and a blank row
    _size_columns(sheet, visits, labels=[label for label, _text in about])
    return workbook_bytes(workbook, stamp)


def workbook_bytes(workbook: Workbook, stamp: datetime) -> bytes:
    """The workbook's file, dated `stamp` throughout (see `write_workbook`), in memory."""
    out = io.BytesIO()
    write_workbook(workbook, out, stamp)
    return out.getvalue()


def write_workbook(workbook: Workbook, out: IO[bytes], stamp: datetime) -> None:
    """Write the workbook into `out`, dated `stamp` throughout: its created and modified
    dates, and the time of every entry in the archive. The same workbook and stamp give
    the same bytes, into a file, memory or a pipe.

    The archive is made in memory for memory (a server's answer), else through
    unnamed temporary files, so that memory does not grow with a large workbook.
    """
    from openpyxl.writer.excel import ExcelWriter

    utc = _utc(stamp).replace(tzinfo=None)  # the workbook's dates are UTC without a zone
    _set_properties(workbook, utc)
    in_memory = isinstance(out, io.BytesIO)
    with io.BytesIO() if in_memory else tempfile.TemporaryFile() as packed:
        # Not `Workbook.save`, which would date the workbook by the clock.
        ExcelWriter(workbook, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED)).save()
        if out.seekable():
            _with_fixed_times(packed, out, utc)
            return
        # A pipe cannot be sought: the archive is made whole first, the same bytes as a file's.
        with tempfile.TemporaryFile() as repacked:
            _with_fixed_times(packed, repacked, utc)
            repacked.seek(0)
            shutil.copyfileobj(repacked, out)


def _utc(stamp: datetime) -> datetime:
    """`stamp` in UTC; a stamp without a zone is taken to be UTC already."""
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _visit_rows(schedule: Schedule) -> list[list[Value]]:
    """The CSV's rows, with the visit number as a number and the two dates as dates."""
    table: list[list[Value]] = []
    for visit, row in zip(schedule.visits, rows(schedule), strict=True):
        cells: list[Value] = list(row)
        cells[_NUMBER] = visit.number
        cells[_DATE] = visit.date
        cells[_DUE] = visit.due_date
        table.append(cells)
    return table


def _about_rows(schedule: Schedule) -> list[tuple[str, str]]:
    """(label, text): whose plan it is, then what produced it and the notice."""
    about = [(_("Plan for"), schedule.name)] if schedule.name else []
    return about + [(fact.label, fact.text) for fact in wording.about(schedule)]


def _put(sheet: Worksheet, row: int, column: int, value: Value) -> None:
    """Write one cell: a number, a date with the date format, or text that stays text.

    openpyxl makes a formula of any text that starts with "=", and an error of
    "#N/A" and its kind; the cell is made text again after the value is set,
    whatever the value. Empty text leaves the cell empty.
    """
    if value == "":
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub(" ", value)
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value


def _write_visits(sheet: Worksheet, visits: list[list[Value]]) -> None:
    """The bold header row, frozen, then a row per visit."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for column, header in enumerate(headers(), start=1):
        _put(sheet, 1, column, header)
        sheet.cell(row=1, column=column).font = bold
    for row, cells in enumerate(visits, start=2):
        for column, value in enumerate(cells, start=1):
            _put(sheet, row, column, value)
    sheet.freeze_panes = "A2"


def _write_about(sheet: Worksheet, about: list[tuple[str, str]], *, first_row: int) -> None:
    """A bold label in column A and its text in column B, one row each."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for row, (label, text) in enumerate(about, start=first_row):
        _put(sheet, row, 1, label)
        sheet.cell(row=row, column=1).font = bold
        _put(sheet, row, 2, text)


def _shown_length(value: Value) -> int:
    return len(DATE_FORMAT) if isinstance(value, date) else len(str(value))


def _size_columns(sheet: Worksheet, visits: list[list[Value]], *, labels: list[str]) -> None:
    """Each column as wide as its header and visits need, up to `MAX_WIDTH`; longer text wraps.

    Column A also fits the labels of the notes below the visits; the notes'
    texts are long, and run on to the right over the empty cells beside them.
    """
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for index, header in enumerate(headers()):
        lengths = [len(header), *(_shown_length(cells[index]) for cells in visits)]
        if index == 0:
            lengths += [len(label) for label in labels]
        widest = max(lengths)
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = min(widest, MAX_WIDTH) + 2
        alignment = wrapped if widest > MAX_WIDTH else top
        for row in range(2, len(visits) + 2):
            sheet[f"{letter}{row}"].alignment = alignment


def _set_properties(workbook: Workbook, utc: datetime) -> None:
    """The workbook's dates are the stamp's, so the same stamp gives the same file."""
    workbook.properties.creator = "followup"
    workbook.properties.created = utc
    workbook.properties.modified = utc


def _with_fixed_times(source: IO[bytes], target: IO[bytes], utc: datetime) -> None:
    """The archive in `source` packed again into `target` (both files that can seek), entry by
    entry in the same order and compression, each entry dated `utc`.

    A zip archive cannot date an entry before 1980: an earlier stamp gives 1980-01-01.
    """
    moment = max(utc, datetime(1980, 1, 1))
    date_time = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    with zipfile.ZipFile(source) as unpacking, zipfile.ZipFile(target, "w") as packing:
        for entry in unpacking.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=date_time)
            info.compress_type = entry.compress_type
            info.create_system = 3  # Unix, wherever the file is made
            info.external_attr = 0o600 << 16  # as zipfile writes an entry given by name
            # Entry by entry, a stretch at a time: a sheet's XML unpacks to many times its size.
            with unpacking.open(entry) as unpacked, packing.open(info, "w") as packed:
                shutil.copyfileobj(unpacked, packed, 1 << 16)
