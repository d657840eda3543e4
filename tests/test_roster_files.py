"""Rosters as nurses keep them: workbooks from three spreadsheet writers, CSV as Excel saves
it in Spain, Portugal and Brazil (`;`, Windows-1252), and headers in every language.

`examples/rosters/roster-libreoffice.xlsx` was made once by LibreOffice Calc
(`soffice --headless --convert-to xlsx`) from a workbook with Portuguese headers,
a date formula, a merged cell, a hidden row and a second sheet: LibreOffice saved
the formula's value with it, as Excel does. It is committed so that the tests
need no office suite.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from followup import _i18n as i18n
from followup._i18n import _
from followup._roster_file import (
    COLUMNS,
    SETTING_COLUMNS,
    TITLES,
    Row,
    UnusableRoster,
    _key,
    column_named,
    read_roster,
    read_roster_bytes,
)
from followup._settings import field_named
from followup.cli import app

ROSTERS = Path(__file__).parent / "examples" / "rosters"


def _openpyxl_roster(path: Path) -> Path:
    """A workbook as openpyxl writes it: Spanish headers, date cells, a whole number as an
    id, an empty row, a date typed as text the other way round, and a formula openpyxl
    cannot work out (so no value is saved with it), then a second sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Pacientes"
    sheet.append(["ID", "Fecha de tratamiento", "Nombre", "Festivos", "Pruebas hechas"])
    sheet.append(["p-001", date(2024, 1, 31), "Ana", "ES-MD", "2024-05-02"])
    sheet.append([1002, datetime(2023, 6, 15), "Bea", "PT", None])
    sheet.append([None] * 5)
    sheet.append(["p-003", "03/04/2025", "Caro", None, None])
    sheet.append(["p-004", "=DATE(2024,2,1)", "Dora", None, None])
    book.create_sheet("Notas")
    book.save(path)
    return path


def test_a_workbook_from_openpyxl_is_read_as_its_cells_say() -> None:
    """Date cells become dates, 1002 stays 1002, the empty row is skipped, the first sheet
    is read (and the notes say so), and a formula with no saved value fails its row by cell."""
    roster = read_roster_bytes(_bytes_of(_openpyxl_roster))
    assert [(row.line, row.cells["id"], row.cells["treatment_date"]) for row in roster] == [
        (2, "p-001", "2024-01-31"),
        (3, "1002", "2023-06-15"),
        (5, "p-003", "03/04/2025"),
        (6, "p-004", ""),
    ]
    assert roster[0].cells["holidays"] == "ES-MD"
    assert [row.problem for row in roster][:3] == [None, None, None]
    assert roster[3].problem is not None
    assert "cell B6 holds a formula" in roster[3].problem
    assert roster.notes() == ["The workbook has 2 sheets: only the first, 'Pacientes', was read."]


def _bytes_of(make: Callable[[Path], Path]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return make(Path(folder) / "roster.xlsx").read_bytes()


def test_a_workbook_from_xlsxwriter_gives_formulas_their_saved_values(tmp_path: Path) -> None:
    """XlsxWriter writes a formula with the value it is given: that value is read, and a
    whole number written as a float (5.0) reads as 5."""
    import xlsxwriter

    path = tmp_path / "roster.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Patients")
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    for column, header in enumerate(["id", "Treatment date", "name", "years"]):
        sheet.write(0, column, header)
    sheet.write(1, 0, "p-001")
    sheet.write_datetime(1, 1, datetime(2024, 1, 31), dated)
    sheet.write_number(1, 3, 5.0)
    sheet.write(2, 0, "p-002")
    sheet.write_formula(2, 1, "=DATE(2023,6,15)", dated, 45092)
    book.close()
    rows = list(read_roster(path))
    assert [row.cells for row in rows] == [
        {"id": "p-001", "treatment_date": "2024-01-31", "name": "", "years": "5"},
        {"id": "p-002", "treatment_date": "2023-06-15", "name": "", "years": ""},
    ]
    assert read_roster(path).notes() == []


def test_a_workbook_saved_by_libreoffice_is_read() -> None:
    """Portuguese headers, the formula's saved date, the merged cell's value in its first
    cell, the hidden row read like the others, and only the first of two sheets."""
    roster = read_roster(ROSTERS / "roster-libreoffice.xlsx")
    rows = list(roster)
    assert [(row.line, row.cells["id"], row.cells["treatment_date"]) for row in rows] == [
        (2, "p-001", "2024-01-31"),
        (3, "p-002", "2023-06-15"),
        (4, "p-003", "03/04/2025"),
        (5, "p-004", "2024-02-01"),
    ]
    assert rows[0].cells == {
        "id": "p-001",
        "treatment_date": "2024-01-31",
        "name": "Ana",
        "years": "5",
        "done": "2024-05-02",
        "phone": "912 000 000",
        "outcome": "sem resposta",
        "remind_on": "2025-05-10",
    }
    assert rows[3].cells["phone"] == "notas"
    assert rows[3].extra == ()
    assert len(roster.notes()) == 1


def test_a_sheet_that_claims_a_million_rows_is_read_for_the_rows_it_has(tmp_path: Path) -> None:
    """A workbook whose stated size is A1:E1048576 (Excel's last row) is read for its
    rows, not for a million empty ones: quickly, and with the same answer."""
    source = _bytes_of(_openpyxl_roster)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for entry in old.infolist():
            data = old.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:E1048576"', data)
            new.writestr(entry, data)
    assert len(read_roster_bytes(out.getvalue())) == 4


def test_a_spreadsheet_row_past_the_line_limit_makes_the_roster_unusable() -> None:
    """The same limit as a CSV line: 10,000 characters in a row's cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "treatment_date", "name"])
    sheet.append(["p1", "2024-01-31", "x" * 10_001])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(UnusableRoster, match="line 2 is longer than 10000 characters"):
        read_roster_bytes(data.getvalue())


def test_a_workbook_that_is_not_one_is_unusable() -> None:
    """A zip that is no workbook is refused whole, with why."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnusableRoster, match=r"^not a readable \.xlsx workbook"):
        read_roster_bytes(data.getvalue())


CSV_ROWS = [("p-001", "2024-01-31", "João"), ("p-002", "2023-06-15", "Zé Müller")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_every_separator_and_encoding_excel_writes(delimiter: str, encoding: str) -> None:
    """`,` `;` and tab; UTF-8 with or without a byte-order mark, and Windows-1252 — said so."""
    text = "\r\n".join(
        delimiter.join(cells) for cells in [("id", "treatment_date", "name"), *CSV_ROWS]
    )
    roster = read_roster_bytes(text.encode(encoding))
    assert [tuple(row.cells.values()) for row in roster] == CSV_ROWS
    windows = ["The roster is not in UTF-8: it was read as Windows-1252."]
    assert roster.notes() == (windows if encoding == "cp1252" else [])


def test_a_windows_1252_roster_file_is_read_through_twice_alike(tmp_path: Path) -> None:
    """A file read as Windows-1252 is read so on each pass, not only the first."""
    path = tmp_path / "roster.csv"
    path.write_bytes("id;data do tratamento;nome\r\np1;2024-01-31;João\r\n".encode("cp1252"))
    roster = read_roster(path)
    assert (
        list(roster)
        == list(roster)
        == [Row(2, {"id": "p1", "treatment_date": "2024-01-31", "name": "João"})]
    )


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("ID", "id"),
        ("Treatment date", "treatment_date"),
        (" TREATMENT_DATE ", "treatment_date"),
        ("fecha de tratamiento", "treatment_date"),
        ("Fecha del tratamiento", "treatment_date"),  # the setting's label, in Spanish
        ("Data do Tratamento", "treatment_date"),
        ("Nome", "name"),
        ("Años", "years"),
        ("anos", "years"),
        ("Exames feitos", "done"),
        ("Teléfono", "phone"),
        ("último contato", "last_contact"),
        ("Recordar el", "remind_on"),
        ("colour", None),
    ],
)
def test_headers_match_in_any_case_accent_or_language(header: str, column: str | None) -> None:
    """Case, accents, `_` and spaces aside, a column's name, title or label in any language."""
    assert column_named(header) == column


def test_no_two_columns_share_a_spelling() -> None:
    """Every spelling of every column, in every language, names that column only."""
    owners: dict[str, set[str]] = {}
    for column in COLUMNS:
        words = [column, TITLES[column]]
        if column in SETTING_COLUMNS:
            words.append(field_named(column).label)
        for language in i18n.LANGUAGES:
            with i18n.using(language):
                for word in words:
                    owners.setdefault(_key(_(word)), set()).add(column)
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}


def test_the_same_column_twice_in_two_languages_is_refused() -> None:
    """`name` and `Nombre` are one column given twice."""
    with pytest.raises(UnusableRoster, match="the column 'Nombre' appears twice"):
        read_roster_bytes(b"id,treatment_date,name,Nombre\np1,2024-01-31,A,B\n")


def test_a_spanish_workbook_plans_and_its_summary_speaks_spanish(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`batch --lang es` on a workbook: the good rows planned; the date written the other way
    round and the unsaved formula listed with their line, column (as the header names it)
    and reason, in Spanish;
    summary.csv's headers and statuses in Spanish."""
    roster = _openpyxl_roster(tmp_path / "pacientes.xlsx")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["batch", str(roster), "--out-dir", str(out), "--lang", "es", "--today", "2025-05-01"]
    )
    assert result.exit_code == 1
    errors = list(csv.reader(io.StringIO((out / "errors.csv").read_text("utf-8-sig"))))
    assert errors[0] == ["línea", "id", "motivo"]
    assert [row[:2] for row in errors[1:]] == [["5", "p-003"], ["6", "p-004"]]
    # The column as the header names it, and the reason the command line gives.
    assert errors[1][2].startswith(
        "columna 'Fecha de tratamiento': '03/04/2025' no es una fecha válida: el día y el mes"
    )
    assert errors[2][2].startswith("la celda B6 tiene una fórmula")
    summary = list(csv.reader(io.StringIO((out / "summary.csv").read_text("utf-8-sig"))))
    assert summary[0][:3] == ["id", "nombre", "protocolo"]
    assert [row[summary[0].index("estado")] for row in summary[1:]] == ["atrasado", "próximo"]
    assert "El libro tiene 2 hojas" in result.stderr


def test_the_summary_keeps_its_english_names_in_english(runner: CliRunner, tmp_path: Path) -> None:
    """In English, summary.csv's header and statuses stay the names scripts read."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id;treatment_date\np1;2024-01-31\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(roster), "--out-dir", str(out), "--lang", "en", "--today", "2025-05-01"]
    assert runner.invoke(app, args).exit_code == 0
    summary = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text("utf-8-sig"))))
    assert summary[0]["status"] == "due"
