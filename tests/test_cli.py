"""The command line: formats, files, exit codes and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from followup.cli import app

DATE = "2024-01-31"


def test_default_is_a_table_on_the_terminal(runner: CliRunner) -> None:
    """Without -o the plan prints as a table with its rule, source and notice."""
    result = runner.invoke(app, ["plan", DATE, "--name", "Ana"])
    assert result.exit_code == 0, result.output
    assert "Follow-up plan for Ana" in result.stdout
    assert "Mon 2026-02-02" in result.stdout
    assert "Sat 2026-01-31" in result.stdout  # the rule's date, moved off a Saturday
    assert "Cancers 2025;17(8):1295" in result.stdout
    assert "not medical advice" in result.stdout


@pytest.mark.parametrize(
    ("suffix", "marker"),
    [(".ics", "BEGIN:VCALENDAR"), (".csv", "\ufeff#,Date"), (".md", "# Follow-up"), (".json", "{")],
)
def test_suffix_picks_the_format(
    runner: CliRunner, tmp_path: Path, suffix: str, marker: str
) -> None:
    """-o x.ics|.csv|.md|.json writes that format, and says so in one line on stderr."""
    target = tmp_path / f"plan{suffix}"
    result = runner.invoke(app, ["plan", DATE, "--name", "AL", "--today", DATE, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"Wrote 19 visits to {target}\n"
    assert target.read_text(encoding="utf-8").startswith(marker)


def test_format_wins_over_suffix(runner: CliRunner, tmp_path: Path) -> None:
    """--format json with -o x.txt writes JSON."""
    target = tmp_path / "plan.txt"
    assert runner.invoke(app, ["plan", DATE, "--format", "json", "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text())["treatment_date"] == DATE


def test_dash_writes_to_stdout(runner: CliRunner) -> None:
    """-o - sends the chosen format to standard output."""
    result = runner.invoke(app, ["plan", DATE, "--name", "AL", "--format", "ics", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("BEGIN:VCALENDAR")


def test_table_to_a_file_is_plain_text(runner: CliRunner, tmp_path: Path) -> None:
    """--format table -o FILE writes the table without terminal colour codes."""
    target = tmp_path / "plan.txt"
    assert runner.invoke(app, ["plan", DATE, "--format", "table", "-o", str(target)]).exit_code == 0
    text = target.read_text()
    assert "Tue 2024-04-30" in text
    assert "\x1b[" not in text


def test_options_reach_the_plan(runner: CliRunner) -> None:
    """--early-interval, --years and --weekends shape the visits."""
    result = runner.invoke(
        app,
        [
            *("plan", DATE, "--early-interval", "4", "--years", "3"),
            *("--weekends", "previous", "--format", "json", "-o", "-"),
        ],
    )
    document = json.loads(result.stdout)
    months = [v["counted_from"]["months"] for v in document["visits"]]
    assert months == [4, 8, 12, 16, 20, 24, 30, 36]
    assert document["visits"][5]["date"] == "2026-01-30"


def test_remind_sets_the_alarm(runner: CliRunner) -> None:
    """--remind 3 writes a trigger three days before at 09:00; 0 writes none."""
    three = runner.invoke(
        app, ["plan", DATE, "--name", "AL", "--remind", "3", "--format", "ics", "-o", "-"]
    )
    assert "TRIGGER:-P2DT15H" in three.stdout
    none = runner.invoke(
        app, ["plan", DATE, "--name", "AL", "--remind", "0", "--format", "ics", "-o", "-"]
    )
    assert "VALARM" not in none.stdout


def test_source_date_epoch_makes_output_reproducible(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SOURCE_DATE_EPOCH the file is byte-identical run after run; without, DTSTAMP is now."""
    args = ["plan", DATE, "--name", "AL", "--format", "ics", "-o", "-"]
    first, second = runner.invoke(app, args).stdout, runner.invoke(app, args).stdout
    assert first == second
    assert "DTSTAMP:20260101T000000Z" in first
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert "DTSTAMP:20260101T000000Z" not in runner.invoke(app, args).stdout


BAD_INPUT = [
    (["2025-02-30"], "Error: '2025-02-30' is not a usable date: February 2025 has 28 days"),
    (
        ["03/04/2025"],
        "Error: '03/04/2025' is not a usable date: day and month come in a "
        "different order in different countries; write it as YYYY-MM-DD, for example "
        "2025-04-03 for 3 April 2025",
    ),
    (
        ["03/14/2025"],
        "Error: '03/14/2025' is not a usable date: write it as YYYY-MM-DD: 2025-03-14",
    ),
    (
        ["2025-01-01T09:00"],
        "Error: '2025-01-01T09:00' is not a usable date: give the day only, "
        "without a time, as YYYY-MM-DD",
    ),
    (
        ["next week"],
        "Error: 'next week' is not a usable date: write it as YYYY-MM-DD, for "
        "example 2025-04-03 for 3 April 2025",
    ),
    ([DATE, "--years", "0"], "Error: --years 0 is not allowed: choose from 1 to 30"),
    ([DATE, "--years", "31"], "Error: --years 31 is not allowed: choose from 1 to 30"),
    (
        [DATE, "--early-interval", "6"],
        "Error: --early-interval 6 is not allowed: ibero-american-2025 allows 3 or 4 months in its first phase",
    ),
    (
        [DATE, "--remind", "-1"],
        "Error: --remind -1 is not allowed: choose from 0 (none) to 90 days",
    ),
    (
        [DATE, "--remind", "91"],
        "Error: --remind 91 is not allowed: choose from 0 (none) to 90 days",
    ),
    (
        [DATE, "-o", "plan.docx"],
        "Error: cannot write 'plan.docx': cannot tell the format from "
        "'.docx'; use .ics, .csv, .xlsx, .md, .json, .fhir.json, .txt, .html, .pdf or --format",
    ),
    (
        [DATE, "--name", "AL", "-o", "missing/plan.ics"],
        "Error: cannot write 'missing/plan.ics': the folder 'missing' does not exist",
    ),
    (
        [DATE, "--name", "AL", "--format", "ics", "-o", "."],
        "Error: cannot write '.': that is a folder; give a file name",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_2(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    """Bad input: exactly one line on stderr, exit code 2, nothing on stdout, no file."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["plan", *args])
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([DATE, "--weekends", "sometimes"], "--weekends 'sometimes' is not allowed: choose next, previous or keep"),
        ([DATE, "--format", "docx"], "--format 'docx' is not allowed: choose from table, ics, csv, xlsx, md, json, fhir, note, html, pdf"),
        ([DATE, "--years", "ten"], "--years 'ten' is not a whole number"),
        ([DATE, "--years", "٣"], "--years '٣' is not a whole number"),
    ],
)  # fmt: skip
def test_values_are_checked_by_the_settings_schema(
    runner: CliRunner, args: list[str], message: str
) -> None:
    """Option values are text checked by the schema's converters: our message, naming the flag."""
    result = runner.invoke(app, ["plan", *args])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"


@pytest.mark.parametrize(
    ("args", "start"),
    [
        ([DATE, "--colour"], "Error: there is no option --colour"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    runner: CliRunner, args: list[str], start: str
) -> None:
    """Errors the parser finds also come as one line, pointing to the help."""
    result = runner.invoke(app, ["plan", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(start)
    assert result.stderr.endswith("(see 'followup plan --help')\n")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("epoch", ["yesterday", "²", "99999999999999", "-1", "1.5"])
def test_bad_source_date_epoch_is_bad_input(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, epoch: str
) -> None:
    """A SOURCE_DATE_EPOCH that is not whole seconds datetime can hold is refused, not a traceback."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = runner.invoke(app, ["plan", DATE, "--name", "AL", "--format", "ics", "-o", "-"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: SOURCE_DATE_EPOCH {epoch!r} is not allowed: use a whole number of seconds "
        "since 1970, before the year 10000\n"
    )


def test_failed_run_leaves_the_existing_file(runner: CliRunner, tmp_path: Path) -> None:
    """Bad input after a good run: the earlier file stays exactly as it was."""
    target = tmp_path / "plan.ics"
    assert runner.invoke(app, ["plan", DATE, "--name", "AL", "-o", str(target)]).exit_code == 0
    before = target.read_bytes()
    assert runner.invoke(app, ["plan", "2024-02-30", "-o", str(target)]).exit_code == 2
    assert runner.invoke(app, ["plan", DATE, "--years", "99", "-o", str(target)]).exit_code == 2
    assert runner.invoke(app, ["plan", DATE, "-o", str(target)]).exit_code == 2  # no name
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]


def test_interrupted_write_keeps_the_old_file_and_no_temporary(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the old file is intact, no temporary remains, exit 1."""
    target = tmp_path / "plan.ics"
    target.write_bytes(b"old")

    def refuse(source: str, destination: str) -> None:
        raise PermissionError(13, "Permission denied", destination)

    monkeypatch.setattr(os, "replace", refuse)
    result = runner.invoke(app, ["plan", DATE, "--name", "AL", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: Permission denied: {target}\n"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]


def test_written_files_are_private(runner: CliRunner, tmp_path: Path) -> None:
    """A file that may carry a name and medical dates is readable by its owner only."""
    target = tmp_path / "plan.ics"
    runner.invoke(app, ["plan", DATE, "--name", "Ana", "-o", str(target)])
    assert target.stat().st_mode & 0o777 == 0o600


def test_version(runner: CliRunner) -> None:
    """--version prints the installed package version."""
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"followup {version('followup')}\n"


@pytest.mark.parametrize("command", [[], ["plan"]])
def test_help_has_examples(runner: CliRunner, command: list[str]) -> None:
    """Every command's help ends with at least one runnable example."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert "followup plan 2025-03-14" in result.stdout


def test_every_command_has_examples_in_its_help() -> None:
    """A new command cannot be added without examples in its help."""
    import typer.main

    group = typer.main.get_command(app)
    assert group.commands  # type: ignore[attr-defined]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"followup {name}" in (command.epilog or ""), name


def test_installed_entry_point_and_module(tmp_path: Path) -> None:
    """The installed `followup` script and `python -m followup` both run end to end."""
    script = Path(sys.executable).with_name("followup")
    target = tmp_path / "plan.ics"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    done = subprocess.run(
        [str(script), "plan", DATE, "--name", "AL", "-o", str(target)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().count(b"BEGIN:VEVENT") == 19
    module = subprocess.run(
        [sys.executable, "-m", "followup", "plan", "2025-02-30"], capture_output=True, text=True
    )
    assert module.returncode == 2
    assert module.stderr == "Error: '2025-02-30' is not a usable date: February 2025 has 28 days\n"
    assert "Traceback" not in module.stderr


def test_entry_point_builds_only_the_command_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """`followup plan …` registers just `plan` (faster start); other words fall back to the full app."""
    from followup import cli

    for name in ("plan", "next", "batch", "holidays", "protocols"):
        single = cli._with_only(name)
        assert single is not None, name
        assert len(single.registered_commands) + len(single.registered_groups) == 1
    assert cli._with_only("nope") is None
    assert set(cli._command("plan").commands) == {"plan"}
    assert set(cli._command(None).commands) >= {"plan", "next", "batch", "holidays", "protocols"}
    seen: list[str | None] = []
    monkeypatch.setattr(cli, "_command", lambda name: lambda: seen.append(name))
    for argv in (["--version"], ["plan", "2024-01-31"], ["nope", "plan"]):
        monkeypatch.setattr(sys, "argv", ["followup", *argv])
        cli.main()
    assert seen == [None, "plan", None]
