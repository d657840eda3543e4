"""One golden file per format: any change to what we write shows up as a diff.

Text formats are compared byte for byte. A spreadsheet is compared by what its
cells hold (value and number format, read back with openpyxl), a PDF by its text
(pdftotext -layout): what a person reads, not the bytes a library arranges.

Run `pytest tests/test_golden.py --update-golden` after a deliberate change,
then read the diff before committing it.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from followup.cli import app

from .conftest import GOLDEN, need_tool

CASES = {
    "ana-2024-01-31.ics": ["2024-01-31", "--name", "Ana", "--format", "ics"],
    "ana-2024-01-31.csv": ["2024-01-31", "--name", "Ana", "--format", "csv"],
    "ana-2024-01-31.md": ["2024-01-31", "--name", "Ana", "--format", "md"],
    "ana-2024-01-31.json": ["2024-01-31", "--name", "Ana", "--format", "json"],
    "ana-2024-01-31.txt": ["2024-01-31", "--name", "Ana", "--format", "table"],
    "ana-2024-01-31.html": ["2024-01-31", "--name", "Ana", "--format", "html"],
    "ana-2024-01-31.xlsx.txt": ["2024-01-31", "--name", "Ana", "--format", "xlsx"],
    "ana-2024-01-31.pdf.txt": ["2024-01-31", "--name", "Ana", "--format", "pdf"],
    "ana-es-2024-01-31.html": ["2024-01-31", "--name", "Ana", "--lang", "es", "--format", "html"],
    "ana-2024-01-31.fhir.json": ["2024-01-31", "--name", "Ana", "--format", "fhir"],
    "ana-2024-01-31-es.fhir.json": ["2024-01-31", "--name", "Ana", "--format", "fhir", "--lang", "es"],
    "ana-2024-01-31.note.txt": ["2024-01-31", "--name", "Ana", "--format", "note"],
    "ana-2024-01-31-es.note.txt": ["2024-01-31", "--name", "Ana", "--format", "note", "--lang", "es"],
    # One golden per new preset: the two-stream colorectal plan as a calendar and JSON,
    # the others as the text a reader sees.
    "colorectal-2024-01-31.ics": ["2024-01-31", "--name", "Ana", "--protocol", "nccn-colon-2022-stage-iv", "--format", "ics"],
    "colorectal-2024-01-31.json": ["2024-01-31", "--name", "Ana", "--protocol", "nccn-colon-2022-stage-iv", "--done", "visit:2024-01-31", "--format", "json"],
    "canadian-2024-01-31.md": ["2024-01-31", "--name", "Ana", "--protocol", "canadian-cancer-society-sts", "--format", "md"],
    "oncosur-high-2024-01-31-pt-BR.md": ["2024-01-31", "--name", "Ana", "--protocol", "oncosur-high-grade", "--lang", "pt-BR", "--format", "md"],
    "oncosur-low-2024-01-31-es.md": ["2024-01-31", "--name", "Ana", "--protocol", "oncosur-low-grade", "--lang", "es", "--format", "md"],
    "uk-high-2024-01-31.ics": ["2024-01-31", "--name", "AL", "--protocol", "uk-high-grade", "--format", "ics"],
    "early-4-keep-2025-03-14.ics": [
        "2025-03-14", "--name", "AL", "--early-interval", "4", "--years", "7", "--weekends", "keep",
        "--remind", "0", "--format", "ics",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden_file(runner: CliRunner, name: str, update_golden: bool) -> None:
    """The bytes written for a fixed plan equal the reviewed golden file."""
    # Statuses are as seen on a fixed day, so the files do not change with the calendar.
    result = runner.invoke(app, ["plan", *CASES[name], "--today", "2024-02-01", "-o", "-"])
    assert result.exit_code == 0, result.output
    path = GOLDEN / name
    reader = next((read for kind, read in READERS.items() if name.endswith(f"{kind}.txt")), bytes)
    written = reader(result.stdout_bytes)
    if update_golden:
        path.write_bytes(written)
    assert written == path.read_bytes()


def _cells(xlsx: bytes) -> bytes:
    """Every sheet's cells as text: the value's type and value, and its number format."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    lines = []
    for sheet in book.worksheets:
        lines.append(f"# {sheet.title} (frozen at {sheet.freeze_panes})")
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    kind = type(cell.value).__name__
                    shown = f"{cell.coordinate}\t{kind}\t{cell.value!r}\t{cell.number_format}"
                    lines.append(shown)
    return ("\n".join(lines) + "\n").encode()


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's text as pdftotext lays it out, pages marked."""
    tool = need_tool("pdftotext", "Debian package poppler-utils")
    done = subprocess.run([tool, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout


READERS: dict[str, Callable[[bytes], bytes]] = {".xlsx": _cells, ".pdf": _pdf_text}


def test_the_readers_see_a_change() -> None:
    """The negative control: a changed cell or a changed word gives other golden text."""
    from datetime import date

    import followup

    plan = followup.plan(date(2024, 1, 31), name="Ana", today=date(2024, 2, 1))
    other = followup.plan(date(2024, 1, 31), name="Ane", today=date(2024, 2, 1))
    assert _cells(plan.render("xlsx")) != _cells(other.render("xlsx"))
    assert _pdf_text(plan.render("pdf")) != _pdf_text(other.render("pdf"))
