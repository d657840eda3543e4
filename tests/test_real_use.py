"""What people hit when they really used followup: an honest `next`, and calendars that update.

Each test guards one report; its docstring says which.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import pytest
import vobject
from typer.testing import CliRunner

from followup import Standing
from followup._export.ics import to_ics
from followup._schedule import make_schedule
from followup.cli import app

STAMP = __import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").UTC)


def _next(runner: CliRunner, *args: str) -> tuple[str, str, dict[str, object]]:
    text = runner.invoke(app, ["next", *args])
    data = runner.invoke(app, ["next", *args, "--format", "json"])
    assert text.exit_code == 0, text.output
    return text.stdout, text.stderr, json.loads(data.stdout)


def test_nothing_recorded_is_not_overdue(runner: CliRunner) -> None:
    """`next 2025-03-14` on 2026-11-27 with no --done: no "overdue by 529 days", one note on stderr."""
    stdout, stderr, data = _next(runner, "2025-03-14", "--today", "2026-11-27")
    assert "overdue" not in stdout
    assert data["status"] in ("due", "upcoming")
    assert data["visits_not_recorded"] == 6
    assert stderr == (
        "Note: 6 earlier visits have no scan recorded. If they were done, add their dates "
        "with --done DATE (once for each), and later visits will be counted from the last one.\n"
    )


def test_an_ended_plan_says_so(runner: CliRunner) -> None:
    """`next 2015-01-01`: follow-up ended on 2025-01-01, not "overdue by 4258 days"."""
    stdout, _, data = _next(runner, "2015-01-01", "--today", "2026-11-27")
    assert stdout.startswith("Follow-up ended on 2025-01-01: no visit is left in this plan.")
    assert data["status"] == "ended"
    assert data["visit"] is None


def test_inside_the_window_is_due_not_overdue(runner: CliRunner) -> None:
    """On 2025-06-17 visit 1 (3–4 months after 2025-03-14) is due: its window closes 2025-07-14."""
    stdout, stderr, data = _next(runner, "2025-03-14", "--today", "2025-06-17")
    assert data["status"] == "due"
    assert data["window"] == {"opens": "2025-06-14", "closes": "2025-07-14"}
    assert "is due now" in stdout
    assert "its window closes on 2025-07-14" in stdout
    assert stderr == ""


def test_overdue_counts_from_the_window_end(runner: CliRunner) -> None:
    """After a recorded scan, the next visit whose window closed is overdue, counted from its end."""
    stdout, _, data = _next(runner, "2025-03-14", "--done", "2025-06-20", "--today", "2025-11-01")
    # visit 2: 3 months after 2025-06-20, window 3–4 months: closes 2025-10-20
    assert data["status"] == "overdue"
    assert data["days_overdue"] == 12
    assert "its window closed on 2025-10-20, 12 days ago" in stdout


def test_every_visit_has_a_status_a_person_reads_right() -> None:
    """done, not recorded, overdue, due and upcoming, as seen on one day."""
    schedule = make_schedule(date(2025, 3, 14), done=[date(2025, 6, 20)], today=date(2025, 11, 1))
    standings = [schedule.standing_of(visit) for visit in schedule.visits[:3]]
    assert standings == [Standing.DONE, Standing.OVERDUE, Standing.UPCOMING]
    fresh = make_schedule(date(2025, 3, 14), today=date(2025, 10, 1))
    assert [fresh.standing_of(v) for v in fresh.visits[:3]] == [
        Standing.NOT_RECORDED,
        Standing.DUE,
        Standing.UPCOMING,
    ]


def test_json_and_summary_carry_the_statuses(runner: CliRunner, tmp_path: Path) -> None:
    """The plan's JSON gives each visit's status; the batch summary gives the plan's."""
    result = runner.invoke(
        app, ["plan", "2025-03-14", "--today", "2025-10-01", "--format", "json", "-o", "-"]
    )
    statuses = [visit["status"] for visit in json.loads(result.stdout)["visits"][:3]]
    assert statuses == ["not_recorded", "due", "upcoming"]
    roster = tmp_path / "roster.csv"
    roster.write_text("id,treatment_date\na,2025-03-14\nb,2015-01-01\n", encoding="utf-8")
    out = tmp_path / "out"
    runner.invoke(app, ["batch", str(roster), "--out-dir", str(out), "--today", "2025-10-01"])
    summary = (out / "summary.csv").read_text("utf-8-sig")
    assert ",due," in summary.splitlines()[1]
    assert ",ended," in summary.splitlines()[2]


def test_past_visits_get_no_reminder() -> None:
    """A reminder for a day already past would fire at once: past visits not done have none."""
    schedule = make_schedule(date(2025, 3, 14), name="Ana", today=date(2026, 11, 27))
    events = icalendar.Calendar.from_ical(to_ics(schedule, remind_days=14, stamp=STAMP)).walk(
        "VEVENT"
    )
    for event, visit in zip(events, schedule.visits, strict=True):
        assert bool(event.walk("VALARM")) == (visit.date >= date(2026, 11, 27))


def test_a_shorter_plan_cancels_the_visits_it_dropped(runner: CliRunner) -> None:
    """With --done 2025-09-30 the plan has 18 visits: visit 19 comes back cancelled, same UID."""
    args = ["plan", "2025-03-14", "--name", "Ana", "--today", "2026-01-01", "--format", "ics"]
    before = icalendar.Calendar.from_ical(runner.invoke(app, [*args, "-o", "-"]).stdout_bytes)
    after_bytes = runner.invoke(app, [*args, "--done", "2025-09-30", "-o", "-"]).stdout_bytes
    after = icalendar.Calendar.from_ical(after_bytes)
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}
    new = {str(e["UID"]): e for e in after.walk("VEVENT")}
    assert len(old) == 19
    assert set(new) == set(old)  # every identifier the calendar had is accounted for
    cancelled = [uid for uid, e in new.items() if str(e.get("STATUS")) == "CANCELLED"]
    assert len(cancelled) == 1
    assert new[cancelled[0]].decoded("SEQUENCE") > old[cancelled[0]].decoded("SEQUENCE")
    assert "(visit 19): no longer in the plan" in str(new[cancelled[0]]["SUMMARY"])
    # vobject, the parser the Radicale server uses, reads the cancellation too
    parsed = vobject.readOne(after_bytes.decode(), validate=True)
    assert [e.status.value for e in parsed.vevent_list if hasattr(e, "status")] == ["CANCELLED"]


def test_the_name_is_in_every_event(runner: CliRunner) -> None:
    """Imported into an existing calendar, each title still says whose plan it is."""
    result = runner.invoke(
        app, ["plan", "2025-03-14", "--name", "Ana", "--format", "ics", "-o", "-"]
    )
    events = icalendar.Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    assert all(str(e["SUMMARY"]).endswith(" – Ana") for e in events)
    assert all("Plan for: Ana" in str(e["DESCRIPTION"]) for e in events)


@pytest.mark.parametrize("args", [["-o", "plan.ics"], ["--format", "ics", "-o", "-"]])
def test_a_calendar_needs_a_name(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """Two nameless plans with one date would share identifiers: a calendar asks for a name."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["plan", "2025-03-14", *args])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: a name or initials is missing: a calendar needs one (initials are enough), so "
        "that two people's plans with the same treatment date never replace each other's events\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_batch_rows_without_a_name_use_their_id(runner: CliRunner, tmp_path: Path) -> None:
    """In a roster the id is unique: two nameless rows with one date get different identifiers."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,treatment_date\na,2025-03-14\nb,2025-03-14\n", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", str(roster), "--out-dir", str(out)]).exit_code == 0
    uids = [
        {str(e["UID"]) for e in icalendar.Calendar.from_ical((out / f).read_bytes()).walk("VEVENT")}
        for f in ("a.ics", "b.ics")
    ]
    assert uids[0].isdisjoint(uids[1])


def test_a_written_file_is_reported_and_quiet_is_quiet(runner: CliRunner, tmp_path: Path) -> None:
    """A successful -o run says what it wrote, on stderr; --quiet says nothing."""
    path = tmp_path / "ana.ics"
    result = runner.invoke(
        app, ["plan", "2025-03-14", "--name", "Ana", "--today", "2025-01-01", "-o", str(path)]
    )
    assert result.stderr == f"Wrote 19 visits to {path}\n"
    result = runner.invoke(
        app, ["plan", "2025-03-14", "--name", "Ana", "--today", "2025-01-01", "-o", str(path), "-q"]
    )
    assert result.stderr == ""


def test_one_year_and_one_patient_read_right(runner: CliRunner, tmp_path: Path) -> None:
    """Plurals come from the catalogs: "1 year", "1 of 1 patient planned"."""
    result = runner.invoke(app, ["plan", "2025-03-14", "--years", "1", "--format", "md", "-o", "-"])
    assert "Planned for 1 year, to 2026-03-14." in result.stdout
    roster = tmp_path / "roster.csv"
    roster.write_text("id,treatment_date\na,2025-03-14\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(roster), "--out-dir", str(out)])
    assert result.stdout == f"1 of 1 patient planned in {out}.\n"


def test_a_folder_as_output_is_named_as_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    """`-o somefolder/` says the path is a folder, not that it has no suffix."""
    result = runner.invoke(app, ["plan", "2025-03-14", "-o", f"{tmp_path}/"])
    assert (
        result.stderr == f"Error: cannot write '{tmp_path}/': that is a folder; give a file name\n"
    )


def test_binary_output_is_refused_on_a_terminal(tmp_path: Path) -> None:
    """A PDF or spreadsheet is never poured onto a terminal: exit 2 with a hint to use -o."""
    import os
    import pty
    import subprocess
    import sys

    controller, terminal = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "followup", "plan", "2025-03-14", "--format", "pdf"],
        stdout=terminal,
        stderr=subprocess.PIPE,
        check=False,
    )
    os.close(terminal)
    os.close(controller)
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "Error: --format 'pdf' is not allowed: it is not text: write it to a file, e.g. -o plan.pdf\n"
    )


def test_parser_messages_are_ours(runner: CliRunner) -> None:
    """An unknown option, a missing value: our words, not the option parser's."""
    result = runner.invoke(app, ["plan", "2025-03-14", "--colour"])
    assert result.stderr == "Error: there is no option --colour (see 'followup plan --help')\n"
    result = runner.invoke(app, ["batch", "roster.csv"])
    assert result.stderr == "Error: '--out-dir' is needed (see 'followup batch --help')\n"


def test_shell_completion_is_offered(runner: CliRunner) -> None:
    """`followup --install-completion` exists, as typer offers it."""
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout


def test_holiday_regions_have_names(runner: CliRunner) -> None:
    """`followup holidays PT` names each region beside its code."""
    lines = runner.invoke(app, ["holidays", "PT"]).stdout.splitlines()
    assert lines[0] == "Portugal (PT):"
    assert "  PT-13  Porto" in lines


def test_a_cancelled_visit_keeps_the_day_it_was_shown_on() -> None:
    """The dropped visit comes back on the day the plan without scans done showed it,
    holidays included, so the calendar finds the event where it is."""
    from followup import holidays_of

    madrid = holidays_of("ES-MD")
    before = make_schedule(date(2025, 12, 25), holidays=madrid, years=1)
    after = make_schedule(date(2025, 12, 25), holidays=madrid, years=1, done=[date(2026, 5, 20)])
    assert after.dropped
    for visit in after.dropped:
        assert visit.date == before.visits[visit.number - 1].date
