"""Fuzzers kept in the suite: command lines, patient files, protocol files and rosters.

Each target runs the real entry point (`followup.cli.main`) in-process on
generated input, valid and hostile mixed, and holds it to three promises:

- the exit code is 0, 1 or 2, and no exception escapes;
- exit 2 (bad input) prints exactly one line on standard error and writes no file;
- a batch that runs writes its summary and its error list, one line per row.

Under CI each target runs at least 2,000 cases (two shards of 1,000, so that
both cores share them); fewer locally.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from followup import _i18n as i18n
from followup._protocols import PRESETS
from followup.cli import main

pytestmark = pytest.mark.untraced

CASES = 1000 if os.environ.get("CI") else 60  # per shard; two shards per target
FUZZ = settings(
    max_examples=CASES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text a person or an attacker might type, bytes that are not UTF-8 and NUL included.
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\0",
        "\udcff",
        "a\nb",
        "a\rb",
        "\u2028",
        "=1+1",
        "'; DROP",
        "../x",
        "💥",
        "٣",
        "x" * 300,
    ]
)
TEXT = st.one_of(st.text(max_size=30), HOSTILE)
# Mostly values that pass, so that runs reach the exporters; hostile ones mixed in.
NUMBER = st.one_of(
    st.integers(0, 40).map(str),
    st.integers(0, 40).map(str),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["0", "1", "3", "4", "6", "30", "31", "90", "91", "9" * 40, "1e3", "0x10"]),
    TEXT,
)
GOOD_DATE = st.dates(
    min_value=__import__("datetime").date(1995, 1, 1),
    max_value=__import__("datetime").date(2030, 12, 31),
).map(lambda d: d.isoformat())
DATE = st.one_of(
    GOOD_DATE,
    st.dates(min_value=__import__("datetime").date(1890, 1, 1)).map(lambda d: d.isoformat()),
    st.sampled_from(
        ["2025-03-14", "2025-02-30", "03/04/2025", "1899-12-31", "2200-01-01", "٢٠٢٥-٠٣-١٤"]
    ),
    TEXT,
)


def _option(flag: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return values.map(lambda value: [flag, value])


# Built once per folder and kept: a strategy made anew on every draw is validated anew,
# which cost hypothesis more than running the case did.
@functools.cache
def _plan_options(folder: str) -> st.SearchStrategy[list[str]]:
    output = st.sampled_from([".ics", ".json", ".csv", ".md", ".html", ".txt", "", "/"]).map(
        lambda suffix: f"{folder}/out{suffix}"
    )
    return st.one_of(
        _option("--years", NUMBER),
        _option("--early-interval", NUMBER),
        _option("--early-years", NUMBER),
        _option("--remind", NUMBER),
        _option("--weekends", st.one_of(st.sampled_from(["next", "previous", "keep"]), TEXT)),
        _option("--holidays", st.one_of(st.sampled_from(["PT", "ES-MD", "BR-SP", "XX"]), TEXT)),
        _option("--done", DATE),
        _option("--name", TEXT),
        _option("--name", HOSTILE),
        _option("--lang", st.one_of(st.sampled_from([*i18n.LANGUAGES, "fr"]), TEXT)),
        _option("--protocol", st.one_of(st.sampled_from([*PRESETS, "nope", "x.toml"]), TEXT)),
        _option("--format", st.sampled_from(["table", "ics", "csv", "md", "json", "html", "x"])),
        _option("--paper", st.sampled_from(["a4", "letter", "x"])),
        _option("-o", st.one_of(output, st.just("-"))),
        st.tuples(TEXT, NUMBER).map(lambda pair: ["--track", pair[0], "--every", pair[1]]),
        st.tuples(HOSTILE, NUMBER).map(lambda pair: ["--track", pair[0], "--every", pair[1]]),
        _option("--track", TEXT),
        st.sampled_from([["--colour"], ["-x"], ["--help"], ["--years"], ["--done"]]),
        _option("--today", DATE),
    )


# Options whose value a probe replaces with anything at all.
PROBED = [
    "--name", "--track", "--holidays", "--protocol", "--done", "--years", "--remind", "--lang",
    "--weekends", "--early-interval", "--early-years", "--today", "--format", "--paper", "-o",
]  # fmt: skip


@functools.cache
def _usable_options(folder: str) -> st.SearchStrategy[list[str]]:
    """Options with values that pass, to carry a hostile one deep into the run."""
    suffixes = st.sampled_from([".ics", ".json", ".csv", ".md", ".html", ".xlsx"])
    return st.one_of(
        _option("--years", st.integers(1, 30).map(str)),
        _option("--early-interval", st.sampled_from(["3", "4"])),
        _option("--remind", st.integers(0, 90).map(str)),
        _option("--weekends", st.sampled_from(["next", "previous", "keep"])),
        _option("--holidays", st.sampled_from(["PT", "ES-MD", "BR-SP", "US-CA"])),
        _option("--lang", st.sampled_from(i18n.LANGUAGES)),
        _option("--protocol", st.sampled_from(list(PRESETS))),
        _option("-o", suffixes.map(lambda suffix: f"{folder}/out{suffix}")),
        _option("--name", st.text(max_size=20)),
        st.integers(1, 24).map(lambda months: ["--track", "Brain MRI", "--every", str(months)]),
    )


@st.composite
def command_lines(draw: st.DrawFn, folder: str) -> list[str]:
    command = draw(
        st.sampled_from(["plan", "plan", "plan", "next", "next", "protocols", "holidays"])
    )
    argv = [command]
    if command in ("plan", "next"):
        if draw(st.integers(0, 9)):
            argv.append(draw(GOOD_DATE if draw(st.integers(0, 2)) else DATE))
        # Most runs: usable options and one probe, so that a hostile value reaches the end.
        usable = draw(st.lists(_usable_options(folder), max_size=3))
        probe = [draw(st.sampled_from(PROBED)), draw(st.one_of(HOSTILE, TEXT, NUMBER, DATE))]
        extra = 0 if draw(st.integers(0, 3)) else 3
        anything = draw(st.lists(_plan_options(folder), max_size=extra))
        for option in draw(st.permutations([*usable, probe, *anything])):
            argv += option
    elif command == "protocols":
        argv += draw(st.sampled_from([[], ["show", "uk-low-grade"], ["show"], ["--lang", "es"]]))
        if len(argv) > 1 and argv[1] == "show" and len(argv) == 2:
            argv.append(draw(TEXT))
    else:
        argv += draw(st.sampled_from([[], ["PT"], ["es"], ["XX"]]))
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(TEXT))
    return argv


@contextmanager
def _folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _main(argv: list[str]) -> tuple[int, str]:
    """Run the entry point in-process: its exit code and what it wrote on standard error."""
    err = io.BytesIO()
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace")
    saved = sys.stdout, sys.stderr, sys.argv
    sys.stdout, sys.stderr, sys.argv = stdout, stderr, ["followup", *argv]
    code: Any = 0
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code
    finally:
        stderr.flush()
        sys.stdout, sys.stderr, sys.argv = saved
        i18n.activate("en")
    return (code if isinstance(code, int) else 1 if code else 0), err.getvalue().decode()


def _check(argv: list[str], folder: Path, before: set[str]) -> int:
    code, stderr = _main(argv)
    assert code in (0, 1, 2), (argv, code, stderr)
    if code == 2:
        assert stderr.count("\n") == 1, (argv, stderr)
        assert stderr.endswith("\n"), (argv, stderr)
        assert {p.name for p in folder.iterdir()} == before, (argv, stderr)
    return code


def _sharded(body: Callable[..., None], strategy: Any) -> tuple[Any, Any]:
    """Two tests of the same target, with different examples, that xdist runs side by side."""
    # Seeded apart: the CI profile derandomizes by the test's code, which both share.
    first = seed(1)(FUZZ(given(strategy, st.just(0))(body)))
    second = seed(2)(FUZZ(given(strategy, st.just(1))(body)))
    return first, second


# --- command lines ---------------------------------------------------------------------

FOLDER = "{folder}"


def _command_line(argv: list[str], shard: int) -> None:
    with _folder() as folder:
        argv = [arg.replace(FOLDER, str(folder)) for arg in argv]
        _check(argv, folder, set())


test_command_lines, test_command_lines_again = _sharded(_command_line, command_lines(FOLDER))


# --- patient files ---------------------------------------------------------------------

TOML_VALUE = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(
        ["2024-01-31", '"2024-01-31"', "9999-01-01", "1000-01-01", "2024-01-31T10:00:00", "true",
         '"next"', '"es"', '"ES-MD"', '"uk-high-grade"', '"x.toml"', "[2024-06-03]", '["soon"]',
         "[]", "{}", '"' + "x" * 500 + '"', "1" * 5000, "[" * 3000 + "]" * 3000, "nan", "inf"]
    ),
    TEXT.map(lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)  # fmt: skip
KEYS = st.sampled_from(
    ["treatment_date", "name", "protocol", "early_interval", "early_years", "years", "weekends",
     "remind", "holidays", "done", "lang", "year", "tracks"]
)  # fmt: skip


@st.composite
def patient_files(draw: st.DrawFn) -> bytes:
    lines = [f"{draw(KEYS)} = {draw(TOML_VALUE)}" for _ in range(draw(st.integers(0, 6)))]
    if draw(st.booleans()):
        lines.insert(0, f"treatment_date = {draw(st.sampled_from(['2024-01-31', '2023-06-15']))}")
    if draw(st.integers(0, 3)) == 0:
        lines.append('[[tracks]]\nexam = "Brain MRI"\nevery_months = ' + draw(TOML_VALUE))
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines) + "\n"
    data = text.encode("utf-8", "surrogatepass")
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00"]))
    return prefix + data if draw(st.integers(0, 9)) else draw(st.binary(max_size=200))


def _patient_file(data: bytes, shard: int) -> None:
    with _folder() as folder:
        path = folder / "patient.toml"
        path.write_bytes(data)
        _check(["plan", "--from", str(path), "--format", "json"], folder, {"patient.toml"})


test_patient_files, test_patient_files_again = _sharded(_patient_file, patient_files())


# --- protocol files --------------------------------------------------------------------

MONTHS = st.one_of(
    st.integers(-5, 400).map(str),
    st.sampled_from(["[3, 4]", "[4, 3]", "[24, 36]", "200000", '"3"', "[]", "[1, 2, 3]", "true"]),
)


@st.composite
def protocol_files(draw: st.DrawFn) -> bytes:
    lines = []
    if draw(st.integers(0, 5)):
        lines.append(f"name = {draw(TOML_VALUE)}")
    if draw(st.booleans()):
        lines.append(f"exam = {draw(TOML_VALUE)}")
    for _ in range(draw(st.integers(0, 4))):
        lines.append("[[phases]]")
        if draw(st.booleans()):
            lines.append(f"until_month = {draw(MONTHS)}")
        if draw(st.integers(0, 5)):
            lines.append(f"every_months = {draw(MONTHS)}")
    if draw(st.booleans()):
        lines += ["[[tracks]]", f"exam = {draw(TOML_VALUE)}", f"every_months = {draw(MONTHS)}"]
    if draw(st.integers(0, 5)):
        lines.append("[source]")
        lines.append(f"citation = {draw(TOML_VALUE)}")
        if draw(st.booleans()):
            url = draw(st.sampled_from(["https://x.org", "javascript:alert(1)", "http://a b", ""]))
            lines.append(f'url = "{url}"')
        if draw(st.booleans()):
            lines.append(f"{draw(st.sampled_from(['quote', 'year', 'verification', 'colour']))} = "
                         f"{draw(TOML_VALUE)}")  # fmt: skip
    text = "\n".join(lines) + "\n"
    data = text.encode("utf-8", "surrogatepass")
    return data if draw(st.integers(0, 9)) else draw(st.binary(max_size=200))


def _protocol_file(data: bytes, shard: int) -> None:
    with _folder() as folder:
        path = folder / "centre.toml"
        path.write_bytes(data)
        argv = ["plan", "2024-01-31", "--protocol", str(path), "--format", "md"]
        if shard:
            argv = ["protocols", "show", str(path)]
        _check(argv, folder, {"centre.toml"})


test_protocol_files, test_protocol_files_again = _sharded(_protocol_file, protocol_files())


# --- rosters ---------------------------------------------------------------------------

COLUMNS = st.sampled_from(
    ["id", "treatment_date", "name", "protocol", "early_interval", "early_years", "years",
     "weekends", "holidays", "done", "lang", " id ", "colour", ""]
)  # fmt: skip
CELL = st.one_of(
    st.sampled_from(["p1", "P1", " p1", "2024-01-31", "2024-02-30", "9999-01-01", "3", "40", "keep",
                     "ES-MD", "es", "fr", "CON", "..", "a/b", "x" * 150, "x" * 300,
                     "2024-06-03;2024-09-30", "x" * 300 + ".toml", "/etc/passwd/x.toml",
                     "missing.toml", "1000-01-01"]),
    TEXT,
)  # fmt: skip


# Mostly ids that name files, some that collide or must be refused.
ID = st.one_of(
    st.integers(1, 5).map(lambda n: f"p{n}"),
    st.integers(1, 5).map(lambda n: f"p{n}"),
    st.sampled_from([" p1", "P1", "p1 ", "CON", "..", "a/b", "", "x" * 300, "errors"]),
    TEXT,
)


@st.composite
def rosters(draw: st.DrawFn) -> bytes:
    header = ["id", "treatment_date"] if draw(st.integers(0, 4)) else []
    header += draw(st.lists(COLUMNS, max_size=3))
    cells = {"id": ID, "treatment_date": st.one_of(GOOD_DATE, GOOD_DATE, CELL)}
    rows = [
        [draw(cells.get(column, CELL)) for column in header]
        + [draw(CELL) for _ in range(draw(st.sampled_from([0, 0, 0, 1])))]
        for _ in range(draw(st.integers(0, 4)))
    ]
    out = io.StringIO()
    __import__("csv").writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
        [header, *rows]
    )
    data = out.getvalue().encode("utf-8", "surrogatepass")
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return prefix + data if draw(st.integers(0, 9)) else draw(st.binary(max_size=200))


def _roster(data: bytes, shard: int) -> None:
    with _folder() as folder:
        roster = folder / "roster.csv"
        roster.write_bytes(data)
        out = folder / "out"
        argv = ["batch", str(roster), "--out-dir", str(out), "--today", "2026-11-26"]
        code = _check([*argv, "--format", "json"], folder, {"roster.csv"})
        if code in (0, 1):
            summary = _rows(out / "summary.csv")
            errors = _rows(out / "errors.csv")
            assert (code == 1) == bool(errors)
            # every row is accounted for once, and no two rows wrote the same file
            assert len(summary) + len(errors) == len(_rows(roster)), (data, summary, errors)
            files = [row["files"] for row in summary]
            assert len(set(files)) == len(files), files
            assert all((out / name).is_file() for name in files)


def _rows(path: Path) -> list[dict[str, str]]:
    """The roster's patients' rows: a line of empty cells only (",," as a spreadsheet
    saves an empty row) is no patient, as a blank line is not."""
    import csv

    text = path.read_text("utf-8-sig", errors="replace")
    rows = csv.DictReader(io.StringIO(text, newline=""))

    def cells(row: dict[str, Any]) -> str:  # cells past the header come as a list
        return "".join(v if isinstance(v, str) else "".join(v or []) for v in row.values())

    return [row for row in rows if cells(row).strip()]


test_rosters, test_rosters_again = _sharded(_roster, rosters())
