"""CSV, Markdown and JSON: the same visits, safe in the tools people open them with."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from followup import Weekends
from followup._export.tables import HEADERS, to_csv, to_json, to_markdown
from followup._schedule import make_schedule


def test_csv_reads_back_with_one_row_per_visit() -> None:
    """A CSV reader sees the headers, then each visit's date and rule's date."""
    schedule = make_schedule(date(2024, 1, 31))
    text = to_csv(schedule)
    assert text.startswith("\ufeff")  # so that spreadsheets read UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(rows[0]) == HEADERS
    visits = rows[1 : 1 + len(schedule.visits)]
    assert [(r[1], r[4]) for r in visits] == [
        (v.date.isoformat(), v.due_date.isoformat()) for v in schedule.visits
    ]
    assert rows[1 + len(schedule.visits)] == []
    notes = dict(r for r in rows[2 + len(schedule.visits) :])
    assert "Cancers 2025" in notes["Source"]
    assert "not medical advice" in notes["Notice"]
    assert "choice" in notes["Length"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_neutralises_formulas(name: str) -> None:
    """A cell starting with =, +, -, @ or a tab is prefixed so no spreadsheet runs it."""
    rows = list(csv.reader(io.StringIO(to_csv(make_schedule(date(2024, 1, 31), name=name)))))
    (cell,) = [r[1] for r in rows if r and r[0] == "Plan for"]
    assert cell.startswith("'")
    assert cell[1:] == " ".join(name.split())


def test_markdown_escapes_user_text() -> None:
    """A name with HTML or table pipes shows as text, and the table keeps its shape."""
    text = to_markdown(make_schedule(date(2024, 1, 31), name="<script>x</script> | *Zoë* & co"))
    assert text.splitlines()[0] == (r"# Follow-up plan for \<script\>x\</script\> \| \*Zoë\* \& co")
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 19
    assert all(line.count(" | ") == len(HEADERS) - 1 for line in table if "---" not in line)
    assert "not medical advice" in text
    assert "Cancers 2025;17(8):1295" in text


def test_json_shape() -> None:
    """Top-level treatment date, choices, protocol with source, and one object per visit."""
    document = json.loads(
        to_json(make_schedule(date(2024, 1, 31), weekends=Weekends.NEXT, name="Ana"))
    )
    assert document["treatment_date"] == "2024-01-31"
    assert document["name"] == "Ana"
    assert document["choices"] == {
        "early_interval": 3,
        "early_until_month": 24,
        "years": 10,
        "weekends": "next",
        "holidays": None,
        "done": [],
    }
    assert document["protocol"]["id"] == "ibero-american-2025"
    assert document["protocol"]["source"]["url"] == "https://www.mdpi.com/2072-6694/17/8/1295"
    assert "not medical advice" in document["disclaimer"]
    visits = document["visits"]
    assert len(visits) == 19
    assert visits[7] | {"window": None} == {
        "stream": "CT or MRI of the chest and abdomen",
        "number": 8,
        "of": 19,
        "status": "upcoming",  # planned without a day to see it from: still ahead
        "date": "2026-02-02",
        "due_date": "2026-01-31",
        "weekday": "Monday",
        "moved": True,
        "holiday": None,
        "counted_from": {
            "anchor": "treatment",
            "scan_number": None,
            "date": "2024-01-31",
            "months": 24,
        },
        "window": None,
        "phase": "years 1–2",
        "exam": "CT or MRI of the chest and abdomen",
    }
    assert visits[8]["window"] == {
        "min_months": 6,
        "max_months": 6,
        "after": "previous_visit",
        "text": "6 months after the previous visit",
    }
