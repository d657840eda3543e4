"""Roster runs as a library: rows in memory in, each patient's files or the row's error out."""

from __future__ import annotations

import csv
import errno
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import followup
from followup import _batch as batch
from followup import _roster as roster
from followup._export import FORMATS, RenderOptions
from followup._roster import FilesInMemory, Outcome, RosterJob, run_roster
from followup._roster_file import Row, UnusableRoster, read_roster, read_roster_bytes
from followup._settings import Settings

TODAY = date(2026, 11, 26)
OPTIONS = RenderOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC), version="0.1.0")
FORMS = (FORMATS["ics"], FORMATS["json"])
JOB = RosterJob(FORMS, TODAY, options=OPTIONS)
ROSTER = b"""\
id,treatment_date,name,lang,holidays,done
p-001,2024-01-31,Ana,es,ES-MD,2024-05-02
p-002,2023-06-15,Bea,,PT,
p-003,2023-02-30,Caro,,,
-4,2025-03-14,=1+1,pt-BR,,
"""


def _table(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_rows_in_memory_give_each_patients_files_and_the_two_lists() -> None:
    """Rows made in Python: the good rows' files by name, summary.csv, errors.csv, the counts."""
    rows = [
        Row(2, {"id": "p-001", "treatment_date": "2024-01-31", "name": "Ana"}),
        Row(3, {"id": "p-002", "treatment_date": "2024-02-30"}),
        Row(4, {"id": "p-003", "treatment_date": "2023-06-15", "years": " 5 "}),
    ]
    files = FilesInMemory()
    seen: list[Outcome] = []
    report = run_roster(rows, JOB, files, on_row=lambda outcome, total: seen.append(outcome))
    assert (report.total, report.written, report.failed) == (3, 2, 1)
    assert sorted(files.files) == [
        "errors.csv",
        "p-001.ics",
        "p-001.json",
        "p-003.ics",
        "p-003.json",
        "summary.csv",
    ]
    assert files.files["p-001.ics"].startswith(b"BEGIN:VCALENDAR")
    summary = _table(files.files["summary.csv"])
    assert [(row["id"], row["visits"], row["files"]) for row in summary] == [
        ("p-001", "19", "p-001.ics p-001.json"),
        ("p-003", "14", "p-003.ics p-003.json"),  # 5 years: 8 visits, then 6
    ]
    assert _table(files.files["errors.csv"]) == [
        {
            "line": "3",
            "id": "p-002",
            "reason": "column 'treatment_date': '2024-02-30' is not a usable date: "
            "February 2024 has 29 days",
        }
    ]
    assert [outcome.id for outcome in seen] == ["p-001", "p-002", "p-003"]
    assert seen[0].files == {name: files.files[name] for name in ("p-001.ics", "p-001.json")}
    assert (seen[1].files, seen[1].summary) == ({}, None)


def test_rows_in_memory_and_a_file_into_a_folder_give_the_same_files(tmp_path: Path) -> None:
    """An upload's rows run into memory and the same file's rows run into a folder: the same
    bytes, every patient's files, the summary and the error list alike."""
    path = tmp_path / "roster.csv"
    path.write_bytes(ROSTER)
    out = tmp_path / "out"
    job = batch.Job(out, FORMS, Settings(), OPTIONS, TODAY)
    on_disk = batch.run(path, job)
    files = FilesInMemory()
    in_memory = run_roster(read_roster_bytes(ROSTER), JOB, files)
    assert (in_memory.total, in_memory.written, in_memory.failed) == (4, 3, 1)
    assert (on_disk.total, on_disk.written, on_disk.failed) == (4, 3, 1)
    assert files.files == {file.name: file.read_bytes() for file in out.iterdir()}


def test_workers_send_the_files_back_to_be_written() -> None:
    """With worker processes the files are still written by the running process, in order:
    a destination in memory gets every one, the same bytes as without workers."""
    rows = read_roster_bytes(ROSTER)
    alone, shared = FilesInMemory(), FilesInMemory()
    run_roster(rows, JOB, alone)
    order: list[str] = []
    report = run_roster(rows, JOB, shared, jobs=2, on_row=lambda o, _: order.append(o.id))
    assert report.written == 3
    assert order == ["p-001", "p-002", "p-003", "-4"]
    assert shared.files == alone.files


class _Counted:
    """Rows that count how many have been read, pass by pass."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.read: list[int] = []

    def __iter__(self) -> Iterator[Row]:
        self.read.append(0)
        for row in self.rows:
            self.read[-1] += 1
            yield row


def test_rows_are_gone_through_twice_and_planned_as_they_are_read() -> None:
    """Two passes, the second streaming: a row is planned before the next one is read,
    so a roster file's rows are never all in memory."""
    rows = _Counted([Row(n, {"id": f"p{n}", "treatment_date": "2024-01-31"}) for n in range(2, 6)])
    read_when_planned: list[int] = []
    run_roster(
        rows, JOB, FilesInMemory(), on_row=lambda o, _: read_when_planned.append(rows.read[-1])
    )
    assert len(rows.read) == 2
    assert read_when_planned == [1, 2, 3, 4]


def test_a_one_off_iterator_is_enough() -> None:
    """A generator can be gone through once only: it is kept, so ids used twice are still found."""
    cells = [("A1", "2024-01-31"), ("b", "2024-01-31"), ("a1", "2024-02-01")]
    rows = (Row(n, {"id": i, "treatment_date": d}) for n, (i, d) in enumerate(cells, start=2))
    files = FilesInMemory()
    report = run_roster(rows, JOB, files)
    assert (report.total, report.written, report.failed) == (3, 1, 2)
    assert [row["id"] for row in _table(files.files["errors.csv"])] == ["A1", "a1"]


def test_a_row_without_a_date_is_refused_as_an_empty_cell_is() -> None:
    """A mapping without `treatment_date` says the same as a roster whose cell is empty."""
    files = FilesInMemory()
    run_roster([Row(2, {"id": "a"}), Row(3, {"id": "b", "treatment_date": ""})], JOB, files)
    first, second = _table(files.files["errors.csv"])
    assert first["reason"] == second["reason"]
    assert first["reason"].startswith("column 'treatment_date': ")


def test_a_row_with_more_cells_than_columns_is_a_bad_row() -> None:
    """A cell past the header's last column, even an empty one, fails its row only."""
    rows = read_roster_bytes(b"id,treatment_date\na,2024-01-31,x\nb,2024-01-31\n")
    rows.append(Row(4, {"id": "c", "treatment_date": "2024-01-31"}, ("",)))
    files = FilesInMemory()
    report = run_roster(rows, JOB, files)
    assert (report.written, report.failed) == (1, 2)
    assert [(row["line"], row["reason"]) for row in _table(files.files["errors.csv"])] == [
        ("2", "it has more cells than the header has columns"),
        ("4", "it has more cells than the header has columns"),
    ]


class _Watched(FilesInMemory):
    """A destination that says whether a run opened it."""

    entered = False

    def __enter__(self) -> _Watched:
        self.entered = True
        return self


@pytest.mark.parametrize("column", ["remind", "tracks", "colour"])
def test_a_column_no_roster_has_stops_the_run_before_anything_is_written(column: str) -> None:
    """Rows from memory are held to a file's columns: the reminder and tracks are the run's."""
    destination = _Watched()
    rows = [Row(2, {"id": "a", "treatment_date": "2024-01-31", column: "7"})]
    with pytest.raises(UnusableRoster) as raised:
        run_roster(rows, JOB, destination)
    assert str(raised.value).startswith(f"unknown column {column!r}; the columns are id, ")
    assert raised.value.path is None
    assert not destination.entered


def test_bad_run_options_stop_the_run_before_anything_is_written() -> None:
    """A protocol no row could use is found before the destination is opened."""
    destination = _Watched()
    job = RosterJob(FORMS, TODAY, Settings.from_mapping({"early_interval": 9}))
    with pytest.raises(followup.InvalidSetting):
        run_roster([Row(2, {"id": "a", "treatment_date": "2024-01-31"})], job, destination)
    assert not destination.entered


class _FullDisk(FilesInMemory):
    def write(self, name: str, data: bytes) -> None:
        if name.startswith("a."):
            raise OSError(errno.ENOSPC, "No space left on device")
        super().write(name, data)


def test_a_file_the_destination_refuses_fails_its_row_only() -> None:
    """A write that fails makes its row a bad row, with the file and the reason; the run goes on."""
    files = _FullDisk()
    rows = [Row(n, {"id": i, "treatment_date": "2024-01-31"}) for n, i in [(2, "a"), (3, "b")]]
    report = run_roster(rows, RosterJob((FORMATS["ics"],), TODAY), files)
    assert (report.written, report.failed) == (1, 1)
    assert _table(files.files["errors.csv"]) == [
        {"line": "2", "id": "a", "reason": "cannot write a.ics: No space left on device"}
    ]
    assert "b.ics" in files.files


def test_an_upload_is_read_as_its_file_would_be(tmp_path: Path) -> None:
    """The same bytes give the same rows from memory as from a file, read again at each pass."""
    path = tmp_path / "roster.csv"
    path.write_bytes(b"\xef\xbb\xbf id ,treatment_date\r\np1,2024-01-31,extra\r\np2\r\n")
    from_file = read_roster(path)
    assert list(from_file) == list(from_file) == read_roster_bytes(path.read_bytes())
    assert read_roster_bytes(path.read_bytes()) == [
        Row(2, {"id": "p1", "treatment_date": "2024-01-31"}, ("extra",)),
        Row(3, {"id": "p2", "treatment_date": ""}),
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty; it needs a header with id and treatment_date"),
        (b"id,treatment_date\n", "the roster has a header but no patients"),
        (
            b"id,treatment_date\nJos\x81,2024-01-31\n",  # a byte Windows-1252 does not have
            "not a text file in UTF-8 or Windows-1252, nor an .xlsx workbook",
        ),
        (b"id,treatment_date\n" + b"," * 10_001 + b"\n", "line 2 is longer than 10000 characters"),
        (b"id,id,treatment_date\n", "the column 'id' appears twice"),
    ],
)
def test_an_unusable_upload_names_no_file(data: bytes, problem: str) -> None:
    """An upload's problems are a file's, told without a file name: there is none."""
    with pytest.raises(UnusableRoster) as raised:
        read_roster_bytes(data)
    assert (str(raised.value), raised.value.problem, raised.value.path) == (problem, problem, None)


def test_roster_runs_are_in_the_public_api_and_load_when_asked_for() -> None:
    """`followup.run_roster` and its types are the package's; importing followup alone
    does not load them, since a single plan does not need them."""
    assert followup.run_roster is roster.run_roster
    assert {"run_roster", "read_roster", "Row", "RosterJob", "FilesInMemory"} <= set(
        followup.__all__
    )
    assert {"run_roster", "Row"} <= set(dir(followup))
    with pytest.raises(AttributeError, match="no attribute 'run_rosters'"):
        followup.run_rosters  # type: ignore[attr-defined]  # noqa: B018
    script = (
        "import sys, followup\n"
        "print('followup._roster' in sys.modules)\n"
        "followup.run_roster\n"
        "print('followup._roster' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "True"], done.stderr


def test_a_workbook_that_unpacks_too_far_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A small workbook that would unpack to more than the limit (a zip bomb) is refused
    with one line, before openpyxl reads any of it."""
    import zipfile

    from followup._roster_file import UNPACKED_LIMIT, UnusableRoster, read_roster, read_roster_bytes

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml", '<workbook><sheets><sheet name="a"/></sheets></workbook>'
        )
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (UNPACKED_LIMIT + 1))
    assert bomb.stat().st_size < 200_000
    with pytest.raises(UnusableRoster, match="unpacks to more than 64 MB"):
        read_roster(bomb)
    with pytest.raises(UnusableRoster, match="unpacks to more than 64 MB"):
        read_roster_bytes(bomb.read_bytes())


def test_an_upload_is_read_no_further_than_a_row_past_the_limit() -> None:
    """`most` stops the reading one row past it, so a long upload costs no more than that."""
    from followup._roster_file import read_roster_bytes

    data = "id,treatment_date\n" + "".join(f"p{n},2024-01-31\n" for n in range(1000))
    assert len(read_roster_bytes(data.encode(), most=10)) == 11
    assert len(read_roster_bytes(data.encode())) == 1000
