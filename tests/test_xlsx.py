"""The .xlsx workbook: the CSV's columns with real dates, text that stays text, the same bytes."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

import followup
from followup import _i18n as i18n
from followup import _wording as wording
from followup._export import FORMATS, RenderOptions
from followup._export.tables import headers, rows
from followup._export.xlsx import MAX_WIDTH, to_xlsx
from followup._options import format_for
from followup._protocols import IBERO_AMERICAN_2025, Stream
from followup.cli import app

from .conftest import loaded_by_a_calendar_run

STAMP = datetime(2026, 1, 1, tzinfo=UTC)
START = date(2025, 3, 14)

# Names that a spreadsheet would read as a number, a date, a formula or an error.
TRICKY = [
    "007",
    "1/2",
    "1E3",
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "＝1+1",
    "＋1",
    "－1",
    "＠cmd",
    " =cmd",
    "\u2028=cmd",
    "\t=cmd",
    '=HYPERLINK("http://x","y")',
    "#N/A",
    "TRUE",
]


def _sheet(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def _with_track(exam: str) -> followup.Schedule:
    protocol = IBERO_AMERICAN_2025.with_tracks((Stream.every(exam, 12),))
    return followup.make_schedule(START, protocol=protocol, name="Ana")


def _labelled(sheet: Worksheet) -> dict[str, object]:
    """The notes under the visits: label in column A, text in column B."""
    return {
        str(row[0].value): row[1].value
        for row in sheet.iter_rows(min_row=2)
        if isinstance(row[0].value, str)
    }


def test_columns_and_rows_are_those_of_the_csv() -> None:
    """The header is the CSV's, and there is one row per visit, the extra track's included."""
    schedule = _with_track("Brain MRI")
    sheet = _sheet(to_xlsx(schedule, stamp=STAMP))
    assert [cell.value for cell in sheet[1]] == headers()
    visits = schedule.visits
    assert (
        len(visits)
        == len(schedule.of(schedule.protocol.lead)) + len(schedule.of(schedule.protocol.tracks[0]))
        > 19
    )
    body = list(sheet.iter_rows(min_row=2, max_row=len(visits) + 1, values_only=True))
    text = rows(schedule)
    for cells, row in zip(body, text, strict=True):
        # Every text column holds the CSV's text; empty cells are left empty.
        for index in (2, 3, 5, 6, 7, 8, 9):
            assert (cells[index] or "") == row[index]
    blank = len(visits) + 2
    assert all(cell.value is None for cell in sheet[blank])
    assert sheet.max_column == len(headers())


def test_dates_are_dates_and_numbers_numbers() -> None:
    """The date and due-date columns hold date values equal to the plan's, shown yyyy-mm-dd."""
    schedule = followup.make_schedule(START, done=[date(2025, 6, 20)], today=date(2025, 7, 1))
    sheet = _sheet(to_xlsx(schedule, stamp=STAMP))
    for row, visit in enumerate(schedule.visits, start=2):
        number, shown, due = sheet.cell(row, 1), sheet.cell(row, 2), sheet.cell(row, 5)
        assert number.value == visit.number
        assert type(number.value) is int
        for cell, expected in ((shown, visit.date), (due, visit.due_date)):
            assert isinstance(cell.value, datetime)
            assert cell.value.date() == expected
            assert cell.is_date
            assert cell.number_format == "yyyy-mm-dd"
    assert sheet.cell(2, 2).value == datetime(2025, 6, 20)  # the scan done, not the rule's date


@pytest.mark.parametrize("text", TRICKY)
def test_a_name_stays_text_never_a_formula(text: str) -> None:
    """A name that looks like a number, a date, a formula or an error is stored as that text."""
    schedule = followup.make_schedule(START, name=text)
    data = to_xlsx(schedule, stamp=STAMP)
    cell = next(row[1] for row in _sheet(data).iter_rows() if row[0].value == "Plan for")
    assert cell.value == schedule.name
    assert cell.data_type == "s"
    assert cell.number_format == "@"
    xml = _sheet_xml(data)
    assert "<f>" not in xml
    assert "<f " not in xml


@pytest.mark.parametrize("text", TRICKY)
def test_a_track_exam_stays_text_never_a_formula(text: str) -> None:
    """An extra track's exam keeps its leading spaces, U+2028 or tab and is stored as text."""
    data = to_xlsx(_with_track(text), stamp=STAMP)
    sheet = _sheet(data)
    exams = [row[8] for row in sheet.iter_rows(min_row=2) if row[8].value == text]
    assert len(exams) == 10  # one a year for 10 years
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in exams)
    xml = _sheet_xml(data)
    assert "<f>" not in xml
    assert "<f " not in xml
    # Every cell but the numbers and dates is an inline string.
    kinds = re.findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?(?: t="(\w+)")?', xml)
    assert set(kinds) <= {"inlineStr", "n"}


def test_control_characters_in_a_citation_do_not_break_the_file() -> None:
    """A protocol file's text with characters XML cannot hold (controls, U+FFFE, U+FFFF) gets spaces."""
    source = replace(IBERO_AMERICAN_2025.source, citation="Tumour\x01board\x1f2026\uffff\ufffe.")
    protocol = replace(IBERO_AMERICAN_2025, source=source)
    sheet = _sheet(to_xlsx(followup.make_schedule(START, protocol=protocol), stamp=STAMP))
    assert str(_labelled(sheet)["Source"]).startswith("Tumour board 2026  . ")


def test_header_is_bold_and_frozen_and_columns_fit() -> None:
    """The header row is bold and frozen; columns fit their content up to a cap, longer text wraps."""
    schedule = followup.make_schedule(START)
    sheet = _sheet(to_xlsx(schedule, stamp=STAMP))
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJ"}
    assert widths["B"] == len("2025-06-16") + 2
    assert widths["I"] == len("CT or MRI of the chest and abdomen") + 2
    assert all(width <= MAX_WIDTH + 2 for width in widths.values())
    # The note on a moved date is longer than the cap: its column is capped and wraps.
    assert max(len(row[9]) for row in rows(schedule)) > MAX_WIDTH
    assert widths["J"] == MAX_WIDTH + 2
    assert sheet["J2"].alignment.wrap_text
    assert not sheet["I2"].alignment.wrap_text


def test_notes_carry_the_rule_the_source_and_the_notice() -> None:
    """After the visits: whose plan it is, then every fact every output carries, labelled."""
    schedule = _with_track("Brain MRI")
    sheet = _sheet(to_xlsx(schedule, stamp=STAMP))
    labelled = _labelled(sheet)
    assert labelled["Plan for"] == "Ana"
    for fact in wording.about(schedule):
        assert fact.label in labelled
    assert labelled["Notice"] == wording.disclaimer()
    assert "not medical advice" in str(labelled["Notice"])
    assert str(labelled["Rule"]).startswith("“CT or MRI of the chest and abdomen every 3–4 months")
    assert "https://www.mdpi.com/2072-6694/17/8/1295" in str(labelled["Source"])
    assert "Brain MRI, every 12 months" in str(labelled["Extra tracks"])
    assert sheet.cell(sheet.max_row, 1).value == "Notice"


def test_no_name_no_plan_for_row() -> None:
    """Without a name, the notes start with the protocol, right after the blank row."""
    schedule = followup.make_schedule(START)
    sheet = _sheet(to_xlsx(schedule, stamp=STAMP))
    assert "Plan for" not in _labelled(sheet)
    assert sheet.cell(len(schedule.visits) + 3, 1).value == "Protocol"


def test_same_schedule_and_stamp_same_bytes() -> None:
    """Two renders with one stamp are byte-identical; the workbook and its entries carry the stamp."""
    schedule = followup.make_schedule(START, name="Ana")
    first = to_xlsx(schedule, stamp=STAMP)
    assert to_xlsx(followup.make_schedule(START, name="Ana"), stamp=STAMP) == first
    later = to_xlsx(schedule, stamp=datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC))
    assert later != first
    with zipfile.ZipFile(io.BytesIO(later)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2026, 2, 3, 4, 5, 6)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-02-03T04:05:06Z") == 2  # created and modified
    workbook = load_workbook(io.BytesIO(later))
    assert workbook.properties.created == datetime(2026, 2, 3, 4, 5, 6)
    assert workbook.properties.modified == datetime(2026, 2, 3, 4, 5, 6)


def test_a_stamp_in_another_zone_or_before_1980() -> None:
    """A stamp is written in UTC; zip archives cannot date before 1980, so earlier is 1980-01-01."""
    schedule = followup.make_schedule(START)
    eastern = datetime.fromisoformat("2026-01-01T01:00:00+01:00")
    assert to_xlsx(schedule, stamp=eastern) == to_xlsx(schedule, stamp=STAMP)
    old = to_xlsx(schedule, stamp=datetime(1970, 1, 1, tzinfo=UTC))
    with zipfile.ZipFile(io.BytesIO(old)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_registry_entry() -> None:
    """The suffix and --format name find the xlsx format; it is binary, with the xlsx media type."""
    chosen = format_for("plan.XLSX", None)
    assert chosen is FORMATS["xlsx"] is format_for("-", "xlsx")
    assert chosen.binary
    assert chosen.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert list(FORMATS).index("xlsx") == list(FORMATS).index("csv") + 1
    data = followup.render(followup.make_schedule(START), "xlsx", RenderOptions(stamp=STAMP))
    assert data == to_xlsx(followup.make_schedule(START), stamp=STAMP)


def test_command_line_writes_the_workbook(runner: CliRunner, tmp_path: Path) -> None:
    """`-o plan.xlsx` writes a private workbook; `--format xlsx -o -` the same bytes to stdout."""
    path = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["plan", "2025-03-14", "--name", "007", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert _labelled(_sheet(data))["Plan for"] == "007"
    piped = runner.invoke(
        app, ["plan", "2025-03-14", "--name", "007", "--format", "xlsx", "-o", "-"]
    )
    assert piped.exit_code == 0, piped.output
    assert piped.stdout_bytes == data  # SOURCE_DATE_EPOCH is set for every test


def test_spanish_headers_and_notes(runner: CliRunner, tmp_path: Path) -> None:
    """With --lang es the headers, the sheet's name and the labels are Spanish."""
    path = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["plan", "2025-03-14", "--lang", "es", "-o", str(path)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    assert isinstance(sheet, Worksheet)
    with i18n.using("es"):
        expected = headers()
        notice = wording.disclaimer()
    assert [cell.value for cell in sheet[1]] == expected
    assert "Fecha" in expected
    assert workbook.sheetnames == ["Controles de seguimiento"]
    assert notice in _labelled(sheet).values()
    assert "Aviso" in _labelled(sheet)


def test_calendar_command_does_not_import_openpyxl(tmp_path: Path) -> None:
    """Writing a calendar file leaves openpyxl unimported: start-up time is budgeted."""
    assert loaded_by_a_calendar_run(tmp_path, ("openpyxl", "et_xmlfile")) == []


def test_batch_writes_workbooks_beside_calendars(runner: CliRunner, tmp_path: Path) -> None:
    """`followup batch --format ics,xlsx` writes both files for each patient, the workbook readable."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,treatment_date,name\np-001,2024-01-31,007\n", encoding="utf-8")
    out = tmp_path / "plans"
    result = runner.invoke(
        app, ["batch", str(roster), "--out-dir", str(out), "--format", "ics,xlsx"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "p-001.ics").is_file()
    workbook = out / "p-001.xlsx"
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o600
    assert _labelled(_sheet(workbook.read_bytes()))["Plan for"] == "007"
