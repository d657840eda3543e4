"""Clinic batch: every good row written, every bad row reported, never a file outside DIR."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from followup import _batch as batch
from followup._console import RowReporter
from followup._errors import install_command
from followup._export import FILE_FORMATS, FORMATS, RenderOptions
from followup._settings import Settings
from followup.cli import app

from .fhircheck import check_fhir

TODAY = date(2026, 11, 26)

GOOD = """\
id,treatment_date,name,early_interval,years,weekends,holidays,done,protocol
p-001,2024-01-31,Ana,,,,ES-MD,2024-05-02,
p-002,2023-06-15,Bea,4,5,previous,,,
p-003,2022-03-01,Caro,,,,,2022-06-01;2022-09-05,esmo-2010-high-grade
"""


def _run(runner: CliRunner, tmp_path: Path, roster: str, *args: str) -> tuple[int, str, str, Path]:
    path = tmp_path / "roster.csv"
    path.write_text(roster, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["batch", str(path), "--out-dir", str(out), "--today", "2026-11-26", *args]
    )
    return result.exit_code, result.stdout, result.stderr, out


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_every_row_gets_its_files_and_a_summary_line(runner: CliRunner, tmp_path: Path) -> None:
    """Three good rows: three calendars, a summary sorted as the roster, an empty error list."""
    code, stdout, stderr, out = _run(runner, tmp_path, GOOD)
    assert code == 0, stderr
    assert stdout == f"3 of 3 patients planned in {out}.\n"
    assert sorted(p.name for p in out.iterdir()) == [
        "errors.csv",
        "p-001.ics",
        "p-002.ics",
        "p-003.ics",
        "summary.csv",
    ]
    summary = _csv(out / "summary.csv")
    assert [row["id"] for row in summary] == ["p-001", "p-002", "p-003"]
    assert summary[0] == {
        "id": "p-001", "name": "Ana", "protocol": "ibero-american-2025", "visits": "19",
        "visits_done": "1", "next_visit": "2", "next_date": "2024-08-02", "days_until": "-846",
        "status": "overdue", "files": "p-001.ics",
    }  # fmt: skip
    assert summary[2]["protocol"] == "esmo-2010-high-grade"
    assert summary[2]["visits_done"] == "2"
    assert _csv(out / "errors.csv") == []


def test_row_values_override_the_command_line(runner: CliRunner, tmp_path: Path) -> None:
    """--years 3 applies where the row is silent; the row's own years win where it speaks."""
    code, _, _, out = _run(runner, tmp_path, GOOD, "--years", "3")
    assert code == 0
    visits = {row["id"]: int(row["visits"]) for row in _csv(out / "summary.csv")}
    assert visits["p-001"] == 10  # 3 years: 8 + 2
    assert visits["p-002"] == 12  # the row says 5 years, early interval 4: 6 + 6


def test_bad_rows_do_not_stop_the_run(runner: CliRunner, tmp_path: Path) -> None:
    """A bad date among good rows: the others are written, the bad one reported with its line, exit 1."""
    roster = (
        GOOD
        + "p-004,2024-02-30,Dora,,,,,,\np-005,2024-01-31,Eva,,99,,,,\np-006,03/14/2025,,,,,,,\n"
    )
    code, stdout, stderr, out = _run(runner, tmp_path, roster)
    assert code == 1
    assert "3 of 6 patients planned" in stdout
    assert "see" in stdout
    assert stderr.splitlines() == [
        "Error: line 5 (id 'p-004'): column 'treatment_date': '2024-02-30' is not a usable date: February 2024 has 29 days",
        "Error: line 6 (id 'p-005'): column 'years': 99 is not allowed: choose from 1 to 30",
        "Error: line 7 (id 'p-006'): column 'treatment_date': '03/14/2025' is not a usable date: write it as YYYY-MM-DD: 2025-03-14",
    ]
    assert _csv(out / "errors.csv") == [
        {
            "line": "5",
            "id": "p-004",
            "reason": "column 'treatment_date': '2024-02-30' is not a usable date: February 2024 has 29 days",
        },
        {
            "line": "6",
            "id": "p-005",
            "reason": "column 'years': 99 is not allowed: choose from 1 to 30",
        },
        {
            "line": "7",
            "id": "p-006",
            "reason": "column 'treatment_date': '03/14/2025' is not a usable date: write it as YYYY-MM-DD: 2025-03-14",
        },
    ]
    assert not (out / "p-004.ics").exists()
    assert (out / "p-003.ics").exists()


def test_summary_cells_from_the_roster_never_run_as_formulas(
    runner: CliRunner, tmp_path: Path
) -> None:
    """An id `-1` makes the files cell start with `-` too: it is quoted like the id and the name,
    while a negative days count stays a number."""
    roster = "id,treatment_date,name,done\n-1,2024-01-31,=1+1,2024-05-02\n"  # overdue
    code, _, stderr, out = _run(runner, tmp_path, roster, "--format", "ics,csv")
    assert code == 0, stderr
    [row] = _csv(out / "summary.csv")
    assert (row["id"], row["name"], row["files"]) == ("'-1", "'=1+1", "'-1.ics -1.csv")
    assert int(row["days_until"]) < 0


@pytest.mark.parametrize(
    "bad_id",
    [
        "../evil",
        "..",
        ".",
        "a/b",
        "a\\b",
        "/etc/passwd",
        "",
        "name with space",
        "ç",
        "errors",
        "SUMMARY",
    ],
)
def test_ids_never_name_a_file_outside_dir(runner: CliRunner, tmp_path: Path, bad_id: str) -> None:
    """Path separators, dot names, empty ids and the batch's own names are bad rows."""
    cell = f'"{bad_id}"' if bad_id else ""
    code, _, stderr, out = _run(
        runner, tmp_path, f"id,treatment_date\n{cell},2024-01-31\nok,2024-01-31\n"
    )
    assert code == 1
    assert "line 2" in stderr
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "errors.csv",
        "ok.ics",
        "roster.csv",
        "summary.csv",
    ]
    assert sorted(p.name for p in out.iterdir()) == ["errors.csv", "ok.ics", "summary.csv"]


def test_duplicate_ids_are_bad_rows(runner: CliRunner, tmp_path: Path) -> None:
    """An id used twice (in any case, for case-insensitive disks) is reported on every row it is on."""
    code, _, _, out = _run(
        runner, tmp_path, "id,treatment_date\nA1,2024-01-31\nb,2024-01-31\na1,2024-02-01\n"
    )
    assert code == 1
    assert [(row["line"], row["id"]) for row in _csv(out / "errors.csv")] == [
        ("2", "A1"),
        ("4", "a1"),
    ]
    assert sorted(p.name for p in out.iterdir()) == ["b.ics", "errors.csv", "summary.csv"]


@pytest.mark.parametrize(
    ("roster", "problem"),
    [
        ("", "the file is empty; it needs a header with id and treatment_date"),
        ("id,treatment_date\n", "the roster has a header but no patients"),
        ("id,name\np1,Ana\n", "the required column 'treatment_date' is missing"),
        ("id,treatment_date,colour\np1,2024-01-31,red\n", "unknown column 'colour'; the columns are id, treatment_date, name, protocol, early_interval, early_years, years, weekends, holidays, done, lang, chart_lang, phone, contact_notes, last_contact, outcome, remind_on"),
        ("id,treatment_date,id\np1,2024-01-31,p2\n", "the column 'id' appears twice"),
    ],
)  # fmt: skip
def test_unusable_roster_writes_nothing(
    runner: CliRunner, tmp_path: Path, roster: str, problem: str
) -> None:
    """A roster that cannot be used as a whole: exit 2, one line, and no folder at all."""
    code, stdout, stderr, out = _run(runner, tmp_path, roster)
    assert code == 2
    assert stderr == f"Error: {tmp_path / 'roster.csv'}: {problem}\n"
    assert stdout == ""
    assert not out.exists()


def test_unreadable_rosters(runner: CliRunner, tmp_path: Path) -> None:
    """A missing file, a folder, or bytes that are neither UTF-8 nor Windows-1252 are unusable."""
    out = tmp_path / "out"
    for path, problem in [
        (tmp_path / "missing.csv", "no such file"),
        (tmp_path, "that is a folder, not a roster"),
    ]:
        result = runner.invoke(app, ["batch", str(path), "--out-dir", str(out)])
        assert result.exit_code == 2
        assert result.stderr == f"Error: {path}: {problem}\n"
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"id,treatment_date\nJos\x81,2024-01-31\n")  # not in Windows-1252
    result = runner.invoke(app, ["batch", str(binary), "--out-dir", str(out)])
    assert result.exit_code == 2
    problem = "not a text file in UTF-8 or Windows-1252, nor an .xlsx workbook"
    assert result.stderr == f"Error: {binary}: {problem}\n"
    assert not out.exists()


def test_bad_options_fail_before_anything_is_written(runner: CliRunner, tmp_path: Path) -> None:
    """An unknown format, protocol or holiday code, or a bad --jobs, is bad input: no folder."""
    for args, message in [
        (["--format", "ics,docx"], "--format 'docx' is not allowed"),
        (["--format", ""], "--format '' is not allowed"),
        (["--protocol", "nope"], "--protocol 'nope' is not allowed"),
        (["--holidays", "XX"], "--holidays 'XX' is not allowed"),
        (["--jobs", "0"], "--jobs 0 is not allowed"),
        (["--early-interval", "9"], "--early-interval 9 is not allowed"),
    ]:
        code, _, stderr, out = _run(runner, tmp_path, GOOD, *args)
        assert code == 2, args
        assert message in stderr
        assert not out.exists()


def test_files_are_private(runner: CliRunner, tmp_path: Path) -> None:
    """DIR is created 0700 and every file in it is 0600: they carry personal data."""
    code, _, _, out = _run(runner, tmp_path, GOOD, "--format", "ics,html,json")
    assert code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary left


def test_an_existing_folder_is_used_as_it_is(runner: CliRunner, tmp_path: Path) -> None:
    """An existing DIR keeps its permissions; a missing parent or a file in the way is bad input."""
    (tmp_path / "out").mkdir(mode=0o755)
    os.chmod(tmp_path / "out", 0o755)  # noqa: S103 - a folder the user made open on purpose
    code, _, _, out = _run(runner, tmp_path, GOOD)
    assert code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    code, _, stderr, _ = _run(runner, tmp_path, GOOD, "--out-dir", str(tmp_path / "no" / "where"))
    assert code == 2
    assert "does not exist" in stderr


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_roster_same_bytes_whatever_jobs(runner: CliRunner, tmp_path: Path) -> None:
    """With SOURCE_DATE_EPOCH set, --jobs 1 and --jobs 2 write byte-identical files in every format.

    Four rows in two languages and a bad one: small rosters go to the workers
    a row at a time, so both workers take part.
    """
    roster = GOOD + "p-004,2025-03-14,Dora,,,,,,\nbad,2024-13-01,,,,,,,\n"
    roster = roster.replace("id,treatment_date,", "id,lang,treatment_date,", 1)
    roster = "\n".join(
        line if n == 0 else line.replace(",", f",{'es' if n % 2 else ''},", 1)
        for n, line in enumerate(roster.splitlines())
    )
    formats = ",".join(FILE_FORMATS)
    outs = []
    for jobs in ("1", "2"):
        (tmp_path / jobs).mkdir()
        code, _, _, out = _run(runner, tmp_path / jobs, roster, "--format", formats, "--jobs", jobs)
        assert code == 1  # the bad row
        outs.append(_digests(out))
        fhir = sorted(out.glob("*.fhir.json"))
        assert len(fhir) == 4
        for path in fhir:
            check_fhir(path.read_bytes())
    assert len(outs[0]) == 4 * len(FILE_FORMATS) + 2
    assert outs[0] == outs[1]


def test_quiet_when_not_a_terminal(runner: CliRunner, tmp_path: Path) -> None:
    """Without a terminal there is no progress bar: the final line is all that is printed."""
    code, stdout, stderr, _ = _run(runner, tmp_path, GOOD)
    assert code == 0
    assert stdout.count("\n") == 1
    assert stderr == ""


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """The batch's row callback draws a progress bar on a terminal console, to completion."""
    roster = tmp_path / "roster.csv"
    roster.write_text(GOOD, encoding="utf-8")
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    job = batch.Job(tmp_path / "out", (FORMATS["ics"],), Settings(), RenderOptions(), TODAY)
    seen: list[tuple[str, int]] = []
    with contextlib.ExitStack() as stack:
        reporter = RowReporter(stack, console)

        def watch(outcome: batch.Outcome, total: int) -> None:
            seen.append((outcome.id, total))
            reporter(outcome, total)

        report = batch.run(roster, job, on_row=watch)
    assert seen == [("p-001", 3), ("p-002", 3), ("p-003", 3)]
    assert (report.total, report.written, report.failed) == (3, 3, 0)
    drawn = screen.getvalue()
    assert "Planning" in drawn
    assert "100%" in drawn


def test_pdf_without_the_extra_fails_before_any_row(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking for PDFs without fpdf2: one line naming the extra, exit 1, no folder made."""
    import builtins

    real_import = builtins.__import__

    def no_fpdf(name: str, *args: object, **kwargs: object) -> object:
        if name == "fpdf" or name.startswith("fpdf."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_fpdf)
    code, _, stderr, out = _run(runner, tmp_path, GOOD, "--format", "ics,pdf")
    assert code == 1
    assert stderr == f"Error: PDF output needs the pdf extra: {install_command('pdf')}\n"
    assert not out.exists()
