"""Files for the clinic: the worklist in each format, and a roster template to start from.

A worklist is written as `.xlsx` (streamed with openpyxl's write-only mode: a
title row with the counts, a frozen header with filters, a fill per state, the
rows that failed on a second sheet), `.csv`, `.json`, or a printable page,
`.html` or `.pdf`, on A4 or Letter in landscape. Every header, state and
outcome is in the active language; dates are ISO dates (in a workbook, date
cells), and text from the roster can never run as a formula.

`roster_template()` is a workbook with the roster's columns named in the active
language, a sample row, date cells, drop-downs of the presets and of the call
outcomes, and a second sheet saying what each column is for.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, TYPE_CHECKING, Any

from followup import _i18n as i18n
from followup._errors import InvalidOption
from followup._export import Paper
from followup._export.tables import inert
from followup._export.xlsx import (
    _ILLEGAL,
    DATE_FORMAT,
    TEXT_FORMAT,
    workbook_bytes,
    write_workbook,
)
from followup._i18n import N_, _
from followup._protocols import DEFAULT_PROTOCOL, PRESETS
from followup._roster_file import COLUMNS, REQUIRED, column_title
from followup._settings import field_named
from followup._worklist import CallOutcome, WorkItem, Worklist, WorkState

if TYPE_CHECKING:
    from fpdf import FPDF
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FILLS",
    "WORKLIST_FORMATS",
    "WorklistFormat",
    "days_note",
    "page_content",
    "render_worklist",
    "roster_template",
    "to_csv",
    "to_html",
    "to_json",
    "to_pdf",
    "to_xlsx",
    "worklist_format",
    "write_worklist",
]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# One light fill per state, the same in the workbook and the printed page.
FILLS = {
    WorkState.OVERDUE: "F8CBAD",
    WorkState.DUE_NOW: "FFE699",
    WorkState.DUE_SOON: "C6E0B4",
    WorkState.NOT_RECORDED: "BDD7EE",
    WorkState.WAITING: "E7E6E6",
    WorkState.SET_ASIDE: "FFFFFF",
}
# The worklist's columns, in order, with their headers (English, marked for translation).
_HEADERS = (
    ("state", N_("State")),
    ("days", N_("Days")),
    ("id", N_("id")),
    ("name", N_("name")),
    ("phone", N_("phone")),
    ("visit", N_("Visit")),
    ("exam", N_("Exam")),
    ("date", N_("Date")),
    ("opens", N_("Window opens")),
    ("closes", N_("Window closes")),
    ("unrecorded", N_("Windows not recorded")),
    ("last_contact", N_("last contact")),
    ("outcome", N_("outcome")),
    ("remind_on", N_("remind on")),
    ("contact_notes", N_("contact notes")),
    ("protocol", N_("protocol")),
    ("line", N_("Line")),
)
_FROM_ROSTER = frozenset({"id", "name", "phone", "contact_notes", "protocol"})
Cell = str | int | date | None


def _headers() -> list[str]:
    """The columns' headers in the active language, each starting with a capital."""
    return [_capital(_(header)) for _key, header in _HEADERS]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cells(item: WorkItem) -> list[Cell]:
    values: dict[str, Cell] = {
        "state": item.state.label,
        "days": item.days,
        "id": item.id,
        "name": item.name,
        "phone": item.phone,
        "visit": item.visit,
        "exam": item.exam,
        "date": item.date,
        "opens": item.opens,
        "closes": item.closes,
        "unrecorded": item.unrecorded or None,
        "last_contact": item.last_contact,
        "outcome": item.outcome.label if item.outcome else "",
        "remind_on": item.remind_on,
        "contact_notes": item.contact_notes,
        "protocol": item.protocol,
        "line": item.line,
    }
    return [values[key] for key, _header in _HEADERS]


def days_note() -> str:
    """What the days column counts, for each state."""
    return _(
        "Days: past the window (overdue, not recorded), left in the window (due now), "
        "until the window opens (due soon)."
    )


def _title(work: Worklist) -> str:
    return _("Worklist on {date}: {counts}").format(
        date=work.today.isoformat(), counts=work.counts_line()
    )


def _text(value: Cell) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def to_csv(work: Worklist, out: IO[bytes]) -> None:
    """One row per line, with a byte-order mark; roster text made inert for spreadsheets."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(_headers())
        keys = [key for key, _header in _HEADERS]
        for item in work.items:
            cells = _cells(item)
            writer.writerow(
                inert(_text(cell)) if key in _FROM_ROSTER else _text(cell)
                for key, cell in zip(keys, cells, strict=True)
            )
    finally:
        text.detach()  # the file stays open, whatever happened: it is the caller's


def to_json(work: Worklist, out: IO[bytes]) -> None:
    """The worklist as data: states and outcomes by name, with their labels."""

    def iso(day: date | None) -> str | None:
        return None if day is None else day.isoformat()

    document = {
        "today": work.today.isoformat(),
        "within": work.within,
        "counts": {state.value: work.counts[state] for state in WorkState},
        "summary": work.counts_line(),
        "notes": list(work.notes),
        "items": [
            {
                "line": item.line,
                "id": item.id,
                "name": item.name,
                "state": item.state.value,
                "state_label": item.state.label,
                "underlying": item.underlying.value,
                "days": item.days,
                "visit": item.visit,
                "visits": item.visits,
                "exam": item.exam,
                "date": item.date.isoformat(),
                "window": [item.opens.isoformat(), item.closes.isoformat()],
                "unrecorded": item.unrecorded,
                "protocol": item.protocol,
                "phone": item.phone,
                "contact_notes": item.contact_notes,
                "last_contact": iso(item.last_contact),
                "outcome": item.outcome.value if item.outcome else None,
                "outcome_label": item.outcome.label if item.outcome else None,
                "remind_on": iso(item.remind_on),
            }
            for item in work.items
        ],
        "failed": [
            {"line": failure.line, "id": failure.id, "reason": failure.reason}
            for failure in work.failed
        ],
    }
    out.write((json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode())


class _Cells:
    """Write-only cells of one workbook. Setting a style makes openpyxl look it up by
    hashing it, a fifth of a worklist's time when done for every cell: each combination
    of styles (a font or fill, a date's format) is set once, then copied as openpyxl
    stores it. Kept per workbook, since what it stores indexes that workbook's styles."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.styled: dict[tuple[object, ...], Any] = {}

    def __call__(self, value: Cell, **style: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell: Any = WriteOnlyCell(self.sheet)  # `_style`: how openpyxl stores the styles
        dated = False
        if value is None or value == "":
            pass
        elif isinstance(value, str):
            cell.value = _ILLEGAL.sub(" ", value)
            cell.data_type = "s"  # never a formula, whatever it starts with
        elif isinstance(value, date):
            cell.value = value
            dated = True
        else:
            cell.value = value
        # The style objects live as long as the workbook: their ids name them.
        key = (dated, *((name, id(setting)) for name, setting in style.items()))
        known = self.styled.get(key)
        if known is None:
            if dated:
                cell.number_format = DATE_FORMAT
            for name, setting in style.items():
                setattr(cell, name, setting)
            self.styled[key] = copy.copy(cell._style)
        else:
            cell._style = copy.copy(known)
        return cell


def to_xlsx(work: Worklist, stamp: datetime, out: IO[bytes]) -> None:
    """The workbook, streamed row by row through temporary files: memory does not grow
    with the number of cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(_("Worklist")))
    widths = (14, 6, 12, 22, 16, 7, 20, 11, 11, 11, 8, 11, 18, 11, 36, 20, 6)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(_HEADERS))
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{last}{len(work.items) + 2}"
    bold = Font(bold=True)
    written = _Cells(sheet)
    sheet.append([written(_title(work), font=bold)])
    sheet.append([written(header, font=bold) for header in _headers()])
    fills = {state: PatternFill("solid", start_color=color) for state, color in FILLS.items()}
    for item in work.items:
        fill = fills[item.state]
        sheet.append([written(cell, fill=fill) for cell in _cells(item)])
    _failed_sheet(book, work)
    write_workbook(book, out, stamp)


def _failed_sheet(book: Any, work: Worklist) -> None:
    """The rows that could not be listed, and how the roster was read, on a sheet of their own."""
    from openpyxl.styles import Font

    if not work.failed and not work.notes:
        return
    sheet = book.create_sheet(_sheet_title(_("Rows not listed")))
    for letter, width in zip("ABC", (8, 16, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    written = _Cells(sheet)
    for note in work.notes:
        sheet.append([written(note)])
    headers = (_("Line"), _capital(_("id")), _("Reason"))
    sheet.append([written(header, font=bold) for header in headers])
    for failure in work.failed:
        sheet.append([written(failure.line), written(failure.id), written(failure.reason)])


def _sheet_title(title: str) -> str:
    from followup._export.xlsx import _SHEET_TITLE_ILLEGAL, SHEET_TITLE_LIMIT

    return _SHEET_TITLE_ILLEGAL.sub(" ", title)[:SHEET_TITLE_LIMIT]


@dataclass(frozen=True)
class _Page:
    """What the printed worklist says, in reading order."""

    lang: str
    title: str
    counts: str
    notes: tuple[str, ...]
    headers: list[str]
    rows: list[tuple[str, list[str]]]  # the state's name, for its colour, and the cells
    days_note: str
    failed_title: str
    failed_headers: tuple[str, str, str]
    failed: list[tuple[str, str, str]]
    generated: str


# The printed page leaves out the protocol and the line: a sheet of paper is narrow.
_PRINTED = tuple(key for key, _header in _HEADERS if key not in {"protocol", "line"})


def page_content(work: Worklist, stamp: datetime, version: str) -> _Page:
    """What the printed worklist says (a web page may show the same), in the active language."""
    return _page(work, stamp, version)


def _page(work: Worklist, stamp: datetime, version: str) -> _Page:
    keys = [key for key, _header in _HEADERS]
    shown = [keys.index(key) for key in _PRINTED]
    headers = _headers()
    return _Page(
        lang=i18n.current(),
        title=_("Worklist on {date}").format(date=work.today.isoformat()),
        counts=work.counts_line(),
        notes=work.notes,
        headers=[headers[index] for index in shown],
        rows=[
            (item.state.value, [_text(_cells(item)[index]) for index in shown])
            for item in work.items
        ],
        days_note=days_note(),
        failed_title=_("Rows not listed"),
        failed_headers=(_("Line"), _capital(_("id")), _("Reason")),
        failed=[(str(failure.line), failure.id, failure.reason) for failure in work.failed],
        generated=_("Made on {date} by followup {version}.").format(
            date=stamp.date().isoformat(), version=version
        ),
    )


def to_html(work: Worklist, stamp: datetime, version: str, paper: Paper, out: IO[bytes]) -> None:
    """One self-contained page, printable in landscape on A4 or Letter."""
    from followup._export.templates import environment

    template = environment().get_template("worklist.html")
    page = _page(work, stamp, version)
    out.write(template.render(page=page, fills=FILLS, version=version).encode())


def to_pdf(work: Worklist, stamp: datetime, version: str, paper: Paper, out: IO[bytes]) -> None:
    """The same page drawn with fpdf2, landscape, the header repeated on every page."""
    from fpdf.fonts import FontFace

    from followup._export.sheet import new_pdf, require_pdf

    require_pdf()
    page = _page(work, stamp, version)
    pdf: FPDF = new_pdf(
        paper, title=page.title, lang=page.lang, made=stamp, version=version, landscape=True
    )
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 7, page.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10.5)
    for line in (page.counts, *page.notes):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_font("DejaVu", "", 8.5)
    widths = _pdf_widths(pdf, page)
    with pdf.table(
        col_widths=widths,
        headings_style=FontFace(emphasis="BOLD", size_pt=8.5),
        line_height=4,
        padding=(0.6, 0.8),
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=1,
    ) as table:
        table.row(page.headers)
        for state, cells in page.rows:
            color = FILLS[WorkState(state)]
            fill = FontFace(fill_color=tuple(int(color[i : i + 2], 16) for i in (0, 2, 4)))
            row = table.row()
            for cell in cells:
                row.cell(cell, style=fill)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.ln(1)
    pdf.multi_cell(0, 4, page.days_note, new_x="LMARGIN", new_y="NEXT")
    if page.failed:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 6, page.failed_title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8.5)
        for line, patient_id, reason in page.failed:
            pdf.multi_cell(0, 4, f"{line}  {patient_id}  {reason}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 4, page.generated, new_x="LMARGIN", new_y="NEXT")
    out.write(bytes(pdf.output()))


def _pdf_widths(pdf: FPDF, page: _Page) -> tuple[float, ...]:
    """Each column as wide as its widest cell (dates and ids never wrap); notes take the rest."""
    notes = _PRINTED.index("contact_notes")
    widths = []
    for column, header in enumerate(page.headers):
        pdf.set_font("DejaVu", "", 8.5)
        texts = [cells[column] for _state, cells in page.rows]
        widest = max((pdf.get_string_width(text) for text in texts), default=0.0)
        pdf.set_font("DejaVu", "B", 8.5)
        header_width = max(pdf.get_string_width(word) for word in header.split())
        widths.append(min(max(widest, header_width) + 2.5, 40.0))
    widths[notes] = 0.0
    widths[notes] = max(pdf.epw - sum(widths), 30.0)
    return tuple(widths)


@dataclass(frozen=True)
class WorklistFormat:
    """A worklist's file: its name, suffix, media type and how it is written into a file
    (the worklist, when it is made, followup's version, the paper, the file)."""

    name: str
    suffix: str
    media_type: str
    write: Callable[[Worklist, datetime, str, Paper, IO[bytes]], None]


WORKLIST_FORMATS = {
    each.name: each
    for each in (
        WorklistFormat("xlsx", ".xlsx", XLSX_TYPE, lambda w, s, v, p, o: to_xlsx(w, s, o)),
        WorklistFormat(
            "csv", ".csv", "text/csv; charset=utf-8", lambda w, s, v, p, o: to_csv(w, o)
        ),
        WorklistFormat("html", ".html", "text/html; charset=utf-8", to_html),
        WorklistFormat("pdf", ".pdf", "application/pdf", to_pdf),
        WorklistFormat("json", ".json", "application/json", lambda w, s, v, p, o: to_json(w, o)),
    )
}


def render_worklist(
    work: Worklist,
    name: str,
    *,
    stamp: datetime | None = None,
    paper: Paper = Paper.A4,
    version: str | None = None,
) -> bytes:
    """The worklist as the file `name` (xlsx, csv, html, pdf or json), in the active language.

    `stamp`: when it is made (None: now); `paper`: for the PDF; `version`: followup's,
    printed on the page (None: the installed one). `write_worklist` writes it into a file.
    """
    out = io.BytesIO()
    write_worklist(work, name, out, stamp=stamp, paper=paper, version=version)
    return out.getvalue()


def write_worklist(
    work: Worklist,
    name: str,
    out: IO[bytes],
    *,
    stamp: datetime | None = None,
    paper: Paper = Paper.A4,
    version: str | None = None,
) -> None:
    """Write the worklist as the file `name` into `out`, as `render_worklist` makes it.

    A workbook or a CSV file is written as the lines are read: however long the worklist,
    memory stays flat. A page (HTML, PDF) and JSON are made whole, then written.
    """
    chosen = worklist_format(name)
    made = stamp or datetime.now(UTC).replace(microsecond=0)
    if version is None:
        from importlib.metadata import version as installed

        version = installed("followup")
    chosen.write(work, made, version, paper, out)


def worklist_format(name: str, option: str = "format") -> WorklistFormat:
    """The worklist format called `name` (or a file's suffix), or bad input naming the choices."""
    chosen = WORKLIST_FORMATS.get(name.strip().lower().lstrip("."))
    if chosen is None:
        choices = ", ".join(each.suffix for each in WORKLIST_FORMATS.values())
        raise InvalidOption(option, name, _("choose from {formats}").format(formats=choices))
    return chosen


# What each column of a roster is for, on the template's second sheet.
_EXPLAINED = {
    "id": N_("Your record number for the patient: letters, digits, '.', '_' and '-'. Required."),
    "treatment_date": N_(
        "Day of the treatment the plan counts from (a date cell, or text as 2024-01-31). Required."
    ),
    "phone": N_("The number to call; copied to the worklist."),
    "contact_notes": N_("Your notes about the calls; a removal needs its reason here."),
    "last_contact": N_("The day of your last call (a date)."),
    "outcome": N_("What the last call came to: choose from the list."),
    "remind_on": N_("Until this day the patient is listed as waiting, not to call."),
}


def _explained(column: str) -> str:
    if column in _EXPLAINED:
        return _(_EXPLAINED[column])
    declared = field_named(column)
    if column == "done":
        streams = ", ".join(
            f"{protocol.id}: {', '.join(stream.id for stream in protocol.streams[1:])}"
            for protocol in PRESETS.values()
            if len(protocol.streams) > 1
        )
        return _(
            "Dates of the scans already done, separated by ';' (e.g. 2024-06-03; "
            "2024-09-30). For a protocol's other streams, put the stream's id first "
            "(visit:2024-06-03); the ids: {streams}."
        ).format(streams=streams)
    return declared.help_text()


_DATED = ("treatment_date", "last_contact", "remind_on")
_TEMPLATE_ROWS = 500  # rows formatted and checked alike, room for a clinic's patients


def roster_template(stamp: datetime | None = None) -> bytes:
    """A roster to fill in, in the active language: its columns, a sample row, date cells,
    drop-downs for the protocol and the call outcome, and a sheet explaining each column."""
    from openpyxl import Workbook

    book = Workbook()
    sheet: Worksheet = book.active  # type: ignore[assignment]
    sheet.title = _sheet_title(_("Patients"))
    columns = [column for column in COLUMNS if column not in {"lang", "chart_lang"}]
    _template_patients(sheet, columns)
    about = book.create_sheet(_sheet_title(_("Columns")))
    _template_checks(sheet, columns, book.create_sheet(_sheet_title(_("Lists"))))
    _template_about(about, columns)
    return workbook_bytes(book, stamp or datetime.now(UTC).replace(microsecond=0))


def _template_patients(sheet: Worksheet, columns: list[str]) -> None:
    """The bold header, frozen, a sample row, and the rows below formatted as dates or text."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    sample: dict[str, str | date] = {
        "id": "p-001",
        "treatment_date": date(2025, 3, 14),
        "name": "A. L.",
        "protocol": DEFAULT_PROTOCOL.id,
        "done": "2025-06-16",
        "phone": "+34 600 000 000",
        "last_contact": date(2025, 6, 20),
        "outcome": CallOutcome.BOOKED.label,
    }
    for index, column in enumerate(columns, start=1):
        title = column_title(column)
        sheet.cell(row=1, column=index, value=title).font = bold
        sheet.column_dimensions[get_column_letter(index)].width = max(len(title), 12) + 2
        value = sample.get(column)
        cell = sheet.cell(row=2, column=index, value=value)
        cell.number_format = DATE_FORMAT if column in _DATED else TEXT_FORMAT
        if isinstance(value, str):
            cell.data_type = "s"
        for row in range(3, _TEMPLATE_ROWS + 1):
            sheet.cell(row=row, column=index).number_format = cell.number_format
    sheet.freeze_panes = "A2"


def _template_checks(sheet: Worksheet, columns: list[str], lists_sheet: Worksheet) -> None:
    """Drop-downs of the presets and of the call outcomes, whose choices are kept on a
    hidden sheet (a list typed into the check itself may hold 255 characters at most in
    Excel, which the presets alone come near); date cells that take dates only."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    def cells(column: str) -> str:
        letter = get_column_letter(columns.index(column) + 1)
        return f"{letter}2:{letter}{_TEMPLATE_ROWS}"

    lists = {
        "protocol": list(PRESETS),
        "outcome": [outcome.label for outcome in CallOutcome],
    }
    lists_sheet.sheet_state = "hidden"
    for number, (column, choices) in enumerate(lists.items(), start=1):
        letter = get_column_letter(number)
        for row, choice in enumerate(choices, start=1):
            lists_sheet.cell(row=row, column=number, value=choice).data_type = "s"
        where = f"'{lists_sheet.title}'!${letter}$1:${letter}${len(choices)}"
        check = DataValidation(type="list", formula1=where, allow_blank=True)
        check.add(cells(column))
        sheet.add_data_validation(check)
    for column in _DATED:
        check = DataValidation(type="date", operator="greaterThan", formula1="1")
        check.add(cells(column))
        check.error = _("Give a date, e.g. 2024-01-31.")
        sheet.add_data_validation(check)


def _template_about(about: Worksheet, columns: list[str]) -> None:
    """What each column is for, the required ones in bold; the outcomes; how to go on."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    about.append([_("Column"), _("What it is for")])
    for cell in about[1]:
        cell.font = bold
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 110
    for column in columns:
        about.append([column_title(column), _explained(column)])
        if column in REQUIRED:
            about.cell(row=about.max_row, column=1).font = bold
    about.append([])
    about.append([_("Outcomes"), ", ".join(outcome.label for outcome in CallOutcome)])
    about.append(
        [
            _("Worklist"),
            _(
                "Record scans in the scans-done column and calls in the last four columns, "
                "then make the worklist again: followup never changes this file."
            ),
        ]
    )
