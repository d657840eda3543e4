"""The command line for scans done, `next`, public holidays and patient files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from followup.cli import app


def _json(runner: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _uids(ics: str) -> list[str]:
    return re.findall(r"^UID:(.+)\r$", ics, re.M)[1:]  # [0] is the calendar's own


def test_done_marks_visits_in_every_format(runner: CliRunner) -> None:
    """JSON says done/upcoming; the calendar marks done scans and gives them no reminder."""
    args = ["plan", "2024-01-31", "--done", "2024-06-03", "--done", "2024-09-30"]
    args += ["--today", "2024-10-01", "--name", "Ana"]
    document = _json(runner, *args, "--format", "json", "-o", "-")
    assert [v["status"] for v in document["visits"][:3]] == ["done", "done", "upcoming"]
    assert document["visits"][0]["date"] == "2024-06-03"
    assert document["choices"]["done"] == ["2024-06-03", "2024-09-30"]
    ics = runner.invoke(app, [*args, "--format", "ics", "-o", "-"]).stdout
    events = ics.split("BEGIN:VEVENT")[1:]
    assert "(1 of 19)\\, done" in events[0]
    assert "VALARM" not in events[0] + events[1]
    assert "VALARM" in events[2]
    table = runner.invoke(app, args).stdout
    assert "done" in table
    assert "visit 2 +3" in table


def test_visit_keeps_its_uid_when_its_date_moves(runner: CliRunner) -> None:
    """Recording a late scan changes dates but not the UIDs of visit 1, 2, 3…"""
    base = ["plan", "2024-01-31", "--name", "Ana", "--format", "ics", "-o", "-"]
    before = _uids(runner.invoke(app, base).stdout)
    after = _uids(runner.invoke(app, [*base, "--done", "2024-06-03"]).stdout)
    assert after[:10] == before[:10]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--done", "2024-06-03", "--done", "2024-06-03"], "this date is given twice"),
        (["--done", "2023-12-31"], "it is before the treatment date 2024-01-31"),
        (["--done", "2099-01-01"], "it is after today"),
        (["--done", "2024-06-31"], "'2024-06-31' is not a usable date: June 2024 has 30 days"),
    ],
)
def test_bad_scans_done_are_bad_input(runner: CliRunner, args: list[str], message: str) -> None:
    """Each reason is given on one line, with exit code 2."""
    result = runner.invoke(app, ["plan", "2024-01-31", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_next_says_how_far_away_the_next_scan_is(runner: CliRunner) -> None:
    """The first visit not done, its date, its window and the days until it."""
    result = runner.invoke(
        app, ["next", "2024-01-31", "--done", "2024-05-06", "--today", "2024-07-01"]
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Next: visit 2 of 19, CT or MRI of the chest and abdomen, on Tuesday 2024-08-06 "
        "(in 36 days). Window: 3–4 months after the previous visit."
    )
    assert "Cancers 2025;17(8):1295" in result.stdout
    assert "not medical advice" in lines[-1]


def test_next_when_overdue_counts_from_the_window_end(runner: CliRunner) -> None:
    """Past its date but inside its window a scan is due; once the window closes it is overdue."""
    args = ["next", "2024-01-31", "--done", "2024-05-06", "--today", "2024-09-01"]
    assert "is due now: planned for Tuesday 2024-08-06; its window closes on 2024-09-06." in (
        runner.invoke(app, args).stdout
    )
    document = _json(runner, *args, "--format", "json")
    assert (document["status"], document["days_until"], document["overdue"]) == ("due", -26, False)
    later = [*args[:-1], "2024-10-01"]
    assert "its window closed on 2024-09-06, 25 days ago" in runner.invoke(app, later).stdout
    document = _json(runner, *later, "--format", "json")
    assert (document["status"], document["days_overdue"], document["overdue"]) == (
        "overdue",
        25,
        True,
    )
    assert document["visit"]["number"] == 2
    assert document["visit"]["status"] == "overdue"
    assert document["today"] == "2024-10-01"
    assert document["source"]["url"] == "https://www.mdpi.com/2072-6694/17/8/1295"


def test_next_on_the_day_and_after_the_plan(runner: CliRunner) -> None:
    """On its day a visit is due now; with every scan done and the end passed, the plan has ended."""
    today = runner.invoke(app, ["next", "2024-01-31", "--today", "2024-04-30"]).stdout
    assert "is due now: planned for Tuesday 2024-04-30" in today
    done = [arg for k in range(12) for arg in ("--done", f"2024-{k + 1:02d}-28")]
    args = ["next", "2023-12-01", "--years", "1", *done, "--today", "2025-01-01"]
    assert runner.invoke(app, args).stdout.startswith("Follow-up ended on 2024-12-01")
    document = _json(runner, *args, "--format", "json")
    assert document["visit"] is None
    assert document["days_until"] is None


def test_next_defaults_to_the_system_date(runner: CliRunner) -> None:
    """Without --today, `next` answers for the system date (a plan long past is all overdue)."""
    document = _json(runner, "next", "2000-01-01", "--format", "json")
    assert document["visit"] is None or document["overdue"] in (True, False)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", document["today"])


def test_holidays_move_like_weekends(runner: CliRunner) -> None:
    """Christmas Day 2025 (a Thursday) is closed in Madrid: the scan moves to Friday 26th."""
    args = ["plan", "2025-09-25", "--years", "1", "--format", "json", "-o", "-"]
    plain = _json(runner, *args)["visits"][0]
    assert (plain["date"], plain["holiday"]) == ("2025-12-25", None)
    madrid = _json(runner, *args, "--holidays", "ES-MD")
    first = madrid["visits"][0]
    assert (first["due_date"], first["date"], first["holiday"]) == (
        "2025-12-25",
        "2025-12-26",
        "Christmas Day",
    )
    assert madrid["choices"]["holidays"] == "ES-MD"
    back = _json(runner, *args, "--holidays", "es-md", "--weekends", "previous")
    assert back["visits"][0]["date"] == "2025-12-24"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XX", "Error: --holidays 'XX' is not allowed: unknown country code; give one such as PT, ES or BR; 'followup holidays' lists the codes"),
        ("ES-ZZ", "Error: --holidays 'ES-ZZ' is not allowed: ES has no region 'ZZ'; 'followup holidays' lists the codes"),
    ],
)  # fmt: skip
def test_unknown_holiday_code_says_where_to_look(
    runner: CliRunner, code: str, message: str
) -> None:
    """An unknown country or region is bad input, and the message names the listing command."""
    result = runner.invoke(app, ["plan", "2025-09-25", "--holidays", code])
    assert result.exit_code == 2
    assert result.stderr == message + "\n"


def test_holidays_command_lists_codes(runner: CliRunner) -> None:
    """`followup holidays` lists countries; `followup holidays ES` the regions of Spain."""
    countries = runner.invoke(app, ["holidays"]).stdout.splitlines()
    assert "PT  Portugal" in countries
    assert all(re.fullmatch(r"[A-Z]{2}  .+", line) for line in countries)
    spain = runner.invoke(app, ["holidays", "es"]).stdout
    assert spain.startswith("Spain (ES):\n  ES-AN  Andalucía\n")
    assert "  ES-MD  Madrid" in spain
    unknown = runner.invoke(app, ["holidays", "XX"])
    assert unknown.exit_code == 2
    assert "unknown country code" in unknown.stderr


PATIENT = """\
treatment_date = 2024-01-31
name = "Ana"
early_interval = 4
years = 10
weekends = "next"
holidays = "ES-MD"
done = [2024-06-03, "2024-09-30"]
"""


def test_patient_file_reproduces_the_plan(runner: CliRunner, tmp_path: Path) -> None:
    """--from gives the same plan as the same options on the command line."""
    patient = tmp_path / "ana.toml"
    patient.write_text(PATIENT)
    from_file = _json(runner, "plan", "--from", str(patient), "--format", "json", "-o", "-")
    explicit = _json(
        runner,
        *("plan", "2024-01-31", "--name", "Ana", "--early-interval", "4", "--years", "10"),
        *("--holidays", "ES-MD", "--done", "2024-06-03", "--done", "2024-09-30"),
        *("--format", "json", "-o", "-"),
    )
    assert from_file == explicit
    assert from_file["name"] == "Ana"
    assert from_file["choices"]["early_interval"] == 4


def test_command_line_wins_over_the_patient_file(runner: CliRunner, tmp_path: Path) -> None:
    """An option given on the command line replaces the file's value, --done included."""
    patient = tmp_path / "ana.toml"
    patient.write_text(PATIENT)
    document = _json(
        runner,
        *("plan", "--from", str(patient), "--years", "3", "--early-interval", "3"),
        *("--done", "2024-05-01", "--format", "json", "-o", "-"),
    )
    assert document["choices"]["years"] == 3
    assert document["choices"]["early_interval"] == 3
    assert document["choices"]["done"] == ["2024-05-01"]
    assert document["name"] == "Ana"
    other_start = _json(
        runner, "plan", "2024-02-01", "--from", str(patient), "--format", "json", "-o", "-"
    )
    assert other_start["treatment_date"] == "2024-02-01"


def test_next_reads_the_patient_file(runner: CliRunner, tmp_path: Path) -> None:
    """`next --from` uses the file's scans done."""
    patient = tmp_path / "ana.toml"
    patient.write_text(PATIENT)
    document = _json(
        runner, "next", "--from", str(patient), "--today", "2024-10-01", "--format", "json"
    )
    assert document["visit"]["number"] == 3
    assert document["visit"]["counted_from"]["date"] == "2024-09-30"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("treatment_date = 2024-01-31\nyear = 5\n", "key 'year': unknown key; the keys are treatment_date, name, protocol, early_interval, early_years, years, weekends, remind, holidays, done, tracks, lang"),
        ("treatment_date = 2024-02-30\n", "not a valid TOML file"),
        ('treatment_date = "2024-02-30"\n', "key 'treatment_date': '2024-02-30' is not a usable date: February 2024 has 29 days"),
        ("treatment_date = 2024-01-31T10:00:00\n", "key 'treatment_date': 2024-01-31 10:00:00 has a time; give the day only, e.g. 2024-01-31"),
        ("treatment_date = 20240131\n", "key 'treatment_date': 20240131 is not a date such as 2024-01-31"),
        ('treatment_date = 2024-01-31\nyears = "ten"\n', "key 'years': 'ten' is not a whole number"),
        ("treatment_date = 2024-01-31\nyears = true\n", "key 'years': True is not a whole number"),
        ('treatment_date = 2024-01-31\nweekends = "monday"\n', "key 'weekends': 'monday' is not allowed: choose next, previous or keep"),
        ("treatment_date = 2024-01-31\nname = 5\n", "key 'name': 5 is not text; put it in quotes"),
        ("treatment_date = 2024-01-31\ndone = 2024-06-03\n", "key 'done': 2024-06-03 is not a list of dates, e.g. [2024-06-03, 2024-09-30]"),
        ('treatment_date = 2024-01-31\ndone = ["soon"]\n', "key 'done': 'soon' is not a usable date"),
        ('treatment_date = "03/14/2025"\n', "key 'treatment_date': '03/14/2025' is not a usable date: write it as YYYY-MM-DD: 2025-03-14"),
        ("this is not toml", "not a valid TOML file"),
    ],
)  # fmt: skip
def test_bad_patient_file_names_file_key_and_problem(
    runner: CliRunner, tmp_path: Path, text: str, message: str
) -> None:
    """A bad patient file is bad input: one line with the file, the key and the problem."""
    patient = tmp_path / "ana.toml"
    patient.write_text(text)
    result = runner.invoke(app, ["plan", "--from", str(patient)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {patient}: {message}")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "that is a folder, not a patient file"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00name"), "not a text file in UTF-8"),
    ],
)
def test_unreadable_patient_file(
    runner: CliRunner, tmp_path: Path, make: object, message: str
) -> None:
    """A missing, folder or binary patient file is reported by name."""
    patient = tmp_path / "ana.toml"
    make(patient)  # type: ignore[operator]
    result = runner.invoke(app, ["next", "--from", str(patient)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {patient}: {message}\n"


def test_treatment_date_is_needed_from_somewhere(runner: CliRunner, tmp_path: Path) -> None:
    """Neither an argument nor a patient file with the date: exit 2 with what to do."""
    patient = tmp_path / "ana.toml"
    patient.write_text('name = "Ana"\n')
    for args in (["plan"], ["plan", "--from", str(patient)], ["next"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert result.stderr == (
            "Error: TREATMENT_DATE is missing: give the treatment date as YYYY-MM-DD, "
            "or a patient file with --from\n"
        )
