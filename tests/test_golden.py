"""One golden file per format: any change to what we write shows up as a diff.

Run `pytest tests/test_golden.py --update-golden` after a deliberate change,
then read the diff before committing it.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from followup.cli import app

from .conftest import GOLDEN

CASES = {
    "ana-2024-01-31.ics": ["2024-01-31", "--name", "Ana", "--format", "ics"],
    "ana-2024-01-31.csv": ["2024-01-31", "--name", "Ana", "--format", "csv"],
    "ana-2024-01-31.md": ["2024-01-31", "--name", "Ana", "--format", "md"],
    "ana-2024-01-31.json": ["2024-01-31", "--name", "Ana", "--format", "json"],
    "ana-2024-01-31.txt": ["2024-01-31", "--name", "Ana", "--format", "table"],
    "ana-2024-01-31.fhir.json": ["2024-01-31", "--name", "Ana", "--format", "fhir"],
    "ana-2024-01-31-es.fhir.json": ["2024-01-31", "--name", "Ana", "--format", "fhir", "--lang", "es"],
    "ana-2024-01-31.note.txt": ["2024-01-31", "--name", "Ana", "--format", "note"],
    "ana-2024-01-31-es.note.txt": ["2024-01-31", "--name", "Ana", "--format", "note", "--lang", "es"],
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
    if update_golden:
        path.write_bytes(result.stdout_bytes)
    assert result.stdout_bytes == path.read_bytes()
