"""Regression tests from a fuzzing and fault-injection pass: nothing lost, nothing crashes.

Each test is named after what it guards.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from followup import _batch as batch
from followup._export import FORMATS, RenderOptions
from followup._export.tables import inert
from followup._files import folder_lock
from followup._settings import Settings
from followup.cli import app

DATE = "2025-03-14"


def _errors(folder: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / "errors.csv").read_text("utf-8-sig"))))


def _batch(runner: CliRunner, tmp_path: Path, roster: str, *args: str) -> tuple[int, str, Path]:
    path = tmp_path / "roster.csv"
    path.write_text(roster, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["batch", str(path), "--out-dir", str(out), "--today", "2026-11-26", *args]
    )
    return result.exit_code, result.stderr, out


def test_ids_differing_by_spaces_are_duplicates(runner: CliRunner, tmp_path: Path) -> None:
    """`p1` and ` p1` would write the same file: both rows are refused as duplicates, exit 1."""
    code, _, out = _batch(runner, tmp_path, 'id,treatment_date\np1,2024-01-31\n" p1",2024-02-01\n')
    assert code == 1
    assert [row["line"] for row in _errors(out)] == ["2", "3"]
    assert not (out / "p1.ics").exists()


def test_overlong_id_is_a_bad_row(runner: CliRunner, tmp_path: Path) -> None:
    """An id of 300 characters is refused with its reason; the run goes on and writes its summary."""
    roster = f"id,treatment_date\n{'a' * 300},2024-01-31\nok,2024-01-31\n"
    code, _, out = _batch(runner, tmp_path, roster)
    assert code == 1
    assert "at most 100 characters" in _errors(out)[0]["reason"]
    assert (out / "ok.ics").exists()
    assert (out / "summary.csv").exists()


@pytest.mark.parametrize(
    "protocol", ["{long}.toml", "{tmp}/unreadable.toml", "{tmp}/roster.csv/x.toml"]
)
def test_unusable_protocol_in_a_row_is_a_bad_row(
    runner: CliRunner, tmp_path: Path, protocol: str
) -> None:
    """A row's protocol file that is too long a name, unreadable or under a file: a bad row, not an abort."""
    unreadable = tmp_path / "unreadable.toml"
    unreadable.write_text("name = 1\n", encoding="utf-8")
    unreadable.chmod(0)
    cell = protocol.format(long="x" * 300, tmp=tmp_path)
    roster = f"id,treatment_date,protocol\np1,2024-01-31,{cell}\nok,2024-01-31,\n"
    code, _, out = _batch(runner, tmp_path, roster)
    if os.geteuid() == 0 and "unreadable" in protocol:
        assert code == 1  # root reads anything: the file is read and refused for its content
    assert code == 1
    assert [row["id"] for row in _errors(out)] == ["p1"]
    assert (out / "ok.ics").exists()


@pytest.mark.parametrize("protocol", ["{long}.toml", "{tmp}/roster.csv/x.toml", "{tmp}"])
def test_unusable_protocol_file_is_bad_input(
    runner: CliRunner, tmp_path: Path, protocol: str
) -> None:
    """`--protocol FILE` that cannot be read exits 2 with one line, like `--from`."""
    (tmp_path / "roster.csv").write_text("x", encoding="utf-8")
    path = protocol.format(long="x" * 300, tmp=tmp_path)
    path = path if path.endswith(".toml") else path + "/"
    result = runner.invoke(
        app, ["plan", DATE, "--protocol", path if path.endswith(".toml") else path + "p.toml"]
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1


def test_out_of_range_dates_and_huge_intervals_from_files_are_bad_input(
    runner: CliRunner, tmp_path: Path
) -> None:
    """TOML dates before 1900 or after 2199, and intervals of 200000 months: exit 2, one line."""
    for text in ("treatment_date = 9999-01-01\n", "treatment_date = 1000-01-01\n"):
        patient = tmp_path / "p.toml"
        patient.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["plan", "--from", str(patient)])
        assert (result.exit_code, result.stderr.count("\n")) == (2, 1), result.output
        assert "the year must be between 1900 and 2199" in result.stderr
    protocol = tmp_path / "huge.toml"
    protocol.write_text(
        'name = "x"\n[[phases]]\nevery_months = 200000\n[source]\ncitation = "y"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", DATE, "--protocol", str(protocol)])
    assert (result.exit_code, result.stderr.count("\n")) == (2, 1), result.output
    assert "at most 360" in result.stderr
    result = runner.invoke(app, ["plan", DATE, "--track", "MRI", "--every", "200000"])
    assert (result.exit_code, result.stderr.count("\n")) == (2, 1), result.output


def test_out_of_range_row_date_is_a_bad_row(runner: CliRunner, tmp_path: Path) -> None:
    """A roster date in the year 9999 is a bad row; the others are planned."""
    code, _, out = _batch(runner, tmp_path, "id,treatment_date\na,9999-01-01\nb,2024-01-31\n")
    assert code == 1
    assert [row["id"] for row in _errors(out)] == ["a"]


def test_a_second_batch_into_the_same_folder_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    """While one run holds the folder, another exits 2 with one line and writes nothing."""
    out = tmp_path / "out"
    out.mkdir()
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with folder_lock(out):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    try:
        code, stderr, _ = _batch(runner, tmp_path, "id,treatment_date\na,2024-01-31\n")
    finally:
        release.set()
        thread.join()
    assert code == 2
    assert (
        stderr
        == f"Error: cannot write {str(out)!r}: another run is writing to this folder; wait for it to finish\n"
    )
    assert list(out.iterdir()) == []


def test_output_to_a_fifo_or_device_is_written_not_replaced(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`-o` to a FIFO, or to a copy of /dev/null, writes through it; neither becomes a regular file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = runner.invoke(app, ["plan", DATE, "--format", "json", "-o", str(fifo)])
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert b'"treatment_date": "2025-03-14"' in received[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    if os.geteuid() == 0:
        null = tmp_path / "null"
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        result = runner.invoke(
            app, ["plan", DATE, "--name", "AL", "--format", "ics", "-o", str(null)]
        )
        assert result.exit_code == 0, result.output
        assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) in (["null", "pipe"], ["pipe"])


def test_dev_stdout_is_written_through(tmp_path: Path) -> None:
    """`-o /dev/stdout` with standard output redirected to a file writes that file, no temporary in /dev."""
    target = tmp_path / "out.json"
    with target.open("wb") as handle:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "followup",
                "plan",
                DATE,
                "--format",
                "json",
                "-o",
                "/dev/stdout",
            ],
            stdout=handle,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert b'"treatment_date": "2025-03-14"' in target.read_bytes()


def test_stale_temporaries_are_removed_and_others_kept(runner: CliRunner, tmp_path: Path) -> None:
    """Our temporaries from a killed run go on the next run; a stranger's `.x.tmp` stays."""
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    ours = out / f".followup-{dead.stdout.strip()}-0123abcd.tmp"
    ours.write_text("half")
    theirs = out / ".summary.csv.x.tmp"
    theirs.write_text("not ours")
    code, _, _ = _batch(runner, tmp_path, "id,treatment_date\na,2024-01-31\n")
    assert code == 0
    assert not ours.exists()
    assert theirs.exists()


@pytest.mark.parametrize("text", ["1" * 5000, "[" * 5000 + "]" * 5000])
def test_huge_numbers_and_deep_nesting_in_toml_are_bad_input(
    runner: CliRunner, tmp_path: Path, text: str
) -> None:
    """An integer of 5,000 digits or arrays nested 5,000 deep: 'not a valid TOML file', exit 2."""
    for option in ("--from", "--protocol"):
        path = tmp_path / "x.toml"
        path.write_text(f"years = {text}\n", encoding="utf-8")
        args = (
            ["plan", "--from", str(path)]
            if option == "--from"
            else ["plan", DATE, option, str(path)]
        )
        result = runner.invoke(app, args)
        assert (result.exit_code, result.stderr.count("\n")) == (2, 1), result.output
        assert "not a valid TOML file" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["plan", DATE, "--name", "\udcff"],
        ["plan", DATE, "--track", "\udcff", "--every", "12"],
        ["plan", DATE, "--name=\udcffx"],
        ["batch", "r.csv", "--out-dir", "d\udcff"],
        ["plan", DATE, "--name", "a\0b"],
        ["plan", "2025\0-03-14"],
    ],
)
def test_arguments_that_are_not_text_are_bad_input(runner: CliRunner, args: list[str]) -> None:
    """Bytes that are not UTF-8, or a NUL, in argv: exit 2 and one line naming the option."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "not valid text" in result.stderr
    bad = next(i for i, a in enumerate(args) if "\0" in a or "\udcff" in a)
    option = args[bad].partition("=")[0] if "=" in args[bad] else args[bad - 1]
    if option.startswith("--"):
        assert result.stderr.startswith(f"Error: {option} ")


def test_top_level_usage_errors_are_one_line(runner: CliRunner) -> None:
    """`followup --lang es plan …` (an option before the command): one line, exit 2, in Spanish."""
    result = runner.invoke(app, ["--colour", "plan", DATE])
    assert result.exit_code == 2
    assert result.stderr == "Error: there is no option --colour (see 'followup --help')\n"
    result = runner.invoke(app, ["--lang", "es", "plan", DATE])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--lang" in result.stderr
    assert "(vea 'followup --help')" in result.stderr


def test_no_arguments_show_the_help(runner: CliRunner) -> None:
    """`followup` alone shows what it does and its commands, and exits 0."""
    result = runner.invoke(app, [])
    assert result.exit_code == 0
    assert "Commands:" in result.stdout
    assert "plan" in result.stdout


def test_control_characters_in_messages_are_escaped(runner: CliRunner) -> None:
    """A file name with a newline is echoed escaped: the error stays one line."""
    result = runner.invoke(app, ["plan", DATE, "--name", "AL", "-o", "a\nb/c.ics"])
    assert result.exit_code == 2
    assert result.stderr == "Error: cannot write 'a\\nb/c.ics': the folder 'a\\nb' does not exist\n"


def test_roster_header_with_spaces_is_read(runner: CliRunner, tmp_path: Path) -> None:
    """`id , treatment_date` is the same header as `id,treatment_date`."""
    code, stderr, out = _batch(runner, tmp_path, "id , treatment_date \np1,2024-01-31\n")
    assert (code, stderr) == (0, "")
    assert (out / "p1.ics").exists()


def test_long_texts_and_lines_are_bounded(runner: CliRunner, tmp_path: Path) -> None:
    """A 2 MB quote in a protocol file, and a 50,000-character roster line, are refused at once."""
    protocol = tmp_path / "big.toml"
    quote = "x" * 2_000_000
    protocol.write_text(
        f'name = "x"\n[[phases]]\nevery_months = 3\n[source]\ncitation = "y"\nquote = "{quote}"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", DATE, "--protocol", str(protocol)])
    assert (result.exit_code, result.stderr.count("\n")) == (2, 1)
    assert "larger than" in result.stderr
    protocol.write_text(
        f'name = "x"\n[[phases]]\nevery_months = 3\n[source]\ncitation = "y"\nquote = "{"q" * 5000}"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", DATE, "--protocol", str(protocol)])
    assert (result.exit_code, result.stderr.count("\n")) == (2, 1)
    assert "at most" in result.stderr
    code, stderr, out = _batch(runner, tmp_path, "id,treatment_date\n" + "," * 50_000 + "\n")
    assert code == 2
    assert "longer than 10000 characters" in stderr
    assert not out.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x", "//x.org"])
def test_only_web_links_in_protocol_files(runner: CliRunner, tmp_path: Path, url: str) -> None:
    """A protocol file's source.url must be http or https: anything else is bad input."""
    protocol = tmp_path / "p.toml"
    protocol.write_text(
        f'name = "x"\n[[phases]]\nevery_months = 3\n[source]\ncitation = "y"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["plan", DATE, "--protocol", str(protocol), "-o", str(tmp_path / "s.html")]
    )
    assert result.exit_code == 2
    assert "source.url" in result.stderr
    assert not (tmp_path / "s.html").exists()


def test_line_breaks_in_texts_do_not_break_markdown(runner: CliRunner, tmp_path: Path) -> None:
    """A CR or LF in a track's exam or a protocol file's text becomes a space in every output."""
    protocol = tmp_path / "p.toml"
    protocol.write_text(
        'name = "Our\\ncentre"\nexam = "CT\\r\\nchest"\n[[phases]]\nevery_months = 3\n'
        '[source]\ncitation = "y\\nz"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "plan",
            DATE,
            "--protocol",
            str(protocol),
            "--track",
            "Brain\nMRI",
            "--every",
            "12",
            "--format",
            "md",
            "-o",
            "-",
        ],
    )
    assert result.exit_code == 0, result.output
    table = [line for line in result.stdout.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 40 + 10
    assert all(line.endswith("|") for line in table)
    assert "Brain MRI" in result.stdout
    assert "CT chest" in result.stdout


@pytest.mark.parametrize(
    "cell", ["=1+1", "＝1+1", "＋1", "－1", "＠x", " =1+1", "\u2028=1+1", "\t=1", "\u00a0@x"]
)
def test_cells_that_spreadsheets_would_run_are_neutralised(cell: str) -> None:
    """Full-width signs, and whitespace before a sign, start a formula too: they are quoted."""
    assert inert(cell).startswith("'")
    assert inert("Ana") == "Ana"


def test_arabic_indic_digits_are_not_a_date(runner: CliRunner) -> None:
    """Only ASCII digits make a date: `٢٠٢٥-٠٣-١٤` is refused."""
    result = runner.invoke(app, ["plan", "٢٠٢٥-٠٣-١٤"])
    assert result.exit_code == 2
    assert "is not a usable date" in result.stderr


@pytest.mark.parametrize("patient_id", ["CON", "nul", "Aux.1", "COM1", "lpt9"])
def test_windows_device_names_are_refused_as_ids(
    runner: CliRunner, tmp_path: Path, patient_id: str
) -> None:
    """Ids Windows keeps for devices would name unusable files there: bad rows."""
    code, _, out = _batch(
        runner, tmp_path, f"id,treatment_date\n{patient_id},2024-01-31\nok,2024-01-31\n"
    )
    assert code == 1
    assert [row["id"] for row in _errors(out)] == [patient_id]


def test_a_row_that_cannot_be_written_is_a_bad_row(tmp_path: Path) -> None:
    """A disk that refuses one row's file makes that row fail; the run reports it and goes on."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,treatment_date\na,2024-01-31\nb,2024-01-31\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.ics").mkdir()  # a folder where the file should go
    job = batch.Job(
        out,
        (FORMATS["ics"],),
        Settings(),
        RenderOptions(),
        __import__("datetime").date(2026, 11, 26),
    )
    report = batch.run(roster, job)
    assert (report.written, report.failed) == (1, 1)
    assert (out / "b.ics").is_file()


def test_a_roster_from_a_pipe_is_refused_plainly(runner: CliRunner, tmp_path: Path) -> None:
    """A roster is read twice, so a pipe is refused with why, not called empty."""
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["batch", str(fifo), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {fifo}: give the roster as a file, not a pipe or a device\n"
