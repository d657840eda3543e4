"""One schema of settings: every front end accepts and refuses the same values, with the same words.

The command line, a patient file and a roster row each hand raw values to
`Settings.from_mapping`; only the way a message names the field differs.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from followup import (
    FIELDS,
    InvalidSetting,
    Settings,
    schedule_for,
)
from followup._clock import stamp as stamp_from_environment
from followup._options import COMMAND_LINE
from followup._patient import PatientFile
from followup._roster_file import RosterRow
from followup._settings import KEYS, field_named
from followup.cli import app

TREATMENT = "2024-01-31"
LONG_NAME = "x" * 101

# field, the value as typed (argv, CSV cell), the value in TOML, and the problem (None: accepted)
CASES = [
    ("years", "7", "7", None),
    ("years", "40", "40", "40 is not allowed: choose from 1 to 30"),
    ("years", "ten", '"ten"', "'ten' is not a whole number"),
    ("years", "٣", '"٣"', "'٣' is not a whole number"),
    ("weekends", "previous", '"previous"', None),
    ("weekends", "monday", '"monday"', "'monday' is not allowed: choose next, previous or keep"),
    ("early_interval", "4", "4", None),
    ("early_interval", "6", "6", "6 is not allowed: ibero-american-2025 allows 3 or 4 months in its first phase"),
    ("done", "2024-06-03", '["2024-06-03"]', None),
    ("done", "2024-06-31", '["2024-06-31"]', "'2024-06-31' is not a usable date: June 2024 has 30 days"),
    ("done", "2024-01-01", '["2024-01-01"]', "'2024-01-01' is not allowed: it is before the treatment date 2024-01-31"),
    ("lang", "pt-BR", '"pt-BR"', None),
    ("lang", "fr", '"fr"', "'fr' is not allowed: choose en, es, pt or pt-BR"),
    ("protocol", "uk-high-grade", '"uk-high-grade"', None),
    ("protocol", "nope", '"nope"', "'nope' is not allowed: choose one of ibero-american-2025, esmo-2010-high-grade, esmo-2010-low-grade, nccn-stage-iv-limited-metastases, uk-high-grade, uk-low-grade, canadian-cancer-society-sts, oncosur-high-grade, oncosur-low-grade, nccn-colon-2022-stage-iv, or give a protocol file ending in .toml"),
    ("holidays", "es-md", '"es-md"', None),
    ("holidays", "XX", '"XX"', "'XX' is not allowed: unknown country code; give one such as PT, ES or BR"),
    ("name", "Ana", '"Ana"', None),
    ("name", LONG_NAME, f'"{LONG_NAME}"', "'xxxxxxxxxxxxxxxxxxxx…' is not allowed: at most 100 characters"),
]  # fmt: skip
IDS = [f"{field}={typed[:12]}" for field, typed, _toml, _problem in CASES]


@pytest.mark.parametrize(("field", "typed", "toml", "problem"), CASES, ids=IDS)
def test_the_command_line_spells_the_flag(
    runner: CliRunner, field: str, typed: str, toml: str, problem: str | None
) -> None:
    """`--years 40 is not allowed: …`: the option, then the schema's problem."""
    flag = field_named(field).flag
    result = runner.invoke(app, ["plan", TREATMENT, flag, typed, "--format", "json", "-o", "-"])
    if problem is None:
        assert result.exit_code == 0, result.output
    else:
        # The command line adds where it lists the values a setting takes.
        listed = "; 'followup holidays' lists the codes" if field == "holidays" else ""
        assert (result.exit_code, result.stderr) == (2, f"Error: {flag} {problem}{listed}\n")


@pytest.mark.parametrize(("field", "typed", "toml", "problem"), CASES, ids=IDS)
def test_a_patient_file_spells_the_file_and_key(
    runner: CliRunner, tmp_path: Path, field: str, typed: str, toml: str, problem: str | None
) -> None:
    """`ana.toml: key 'years': 40 is not allowed: …`: the file and key, then the same problem."""
    patient = tmp_path / "ana.toml"
    patient.write_text(f"treatment_date = {TREATMENT}\n{field} = {toml}\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", "--from", str(patient), "--format", "json", "-o", "-"])
    if problem is None:
        assert result.exit_code == 0, result.output
    else:
        message = f"Error: {patient}: key '{field}': {problem}\n"
        assert (result.exit_code, result.stderr) == (2, message)


@pytest.mark.parametrize(("field", "typed", "toml", "problem"), CASES, ids=IDS)
def test_a_roster_spells_the_column(
    runner: CliRunner, tmp_path: Path, field: str, typed: str, toml: str, problem: str | None
) -> None:
    """errors.csv says `column 'years': 40 is not allowed: …`, with the line and id beside it."""
    roster = tmp_path / "roster.csv"
    out = io.StringIO()
    csv.writer(out).writerows([["id", "treatment_date", field], ["p1", TREATMENT, typed]])
    roster.write_text(out.getvalue(), encoding="utf-8")
    result = runner.invoke(
        app, ["batch", str(roster), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-26"]
    )
    errors = list(
        csv.DictReader(io.StringIO((tmp_path / "out" / "errors.csv").read_text("utf-8-sig")))
    )
    if problem is None:
        assert (result.exit_code, errors) == (0, [])
    else:
        assert result.exit_code == 1
        assert errors == [{"line": "2", "id": "p1", "reason": f"column '{field}': {problem}"}]


def test_from_python_a_mapping_names_the_key() -> None:
    """The Python API's mapping spells a field as its key; the error carries field and value."""
    with pytest.raises(InvalidSetting) as caught:
        schedule_for(Settings.from_mapping({"treatment_date": TREATMENT, "early_interval": 6}))
    assert (caught.value.field, caught.value.value) == ("early_interval", 6)
    assert str(caught.value).startswith("early_interval: 6 is not allowed")


def test_each_origin_spells_the_same_problem() -> None:
    """The four spellings of one problem, side by side."""
    problem = "40 is not allowed: choose from 1 to 30"
    assert COMMAND_LINE.message("years", problem) == f"--years {problem}"
    assert (
        PatientFile(Path("ana.toml")).message("years", problem)
        == f"ana.toml: key 'years': {problem}"
    )
    assert RosterRow().message("years", problem) == f"column 'years': {problem}"
    assert KEYS.message("years", problem) == f"years: {problem}"


def test_the_schema_declares_every_setting_once() -> None:
    """FIELDS and the Settings dataclass name the same settings in the same order."""
    from dataclasses import fields

    declared = [each.name for each in FIELDS]
    assert declared == [each.name for each in fields(Settings) if each.name != "origins"]
    assert len(set(declared)) == len(declared)


@pytest.mark.parametrize(
    ("name", "skipped"),
    [
        ("plan", set()),
        ("push", set()),
        ("next", {"remind", "tracks"}),
        ("batch", {"treatment_date", "name", "done", "tracks"}),
    ],
)
def test_the_command_line_options_come_from_the_schema(name: str, skipped: set[str]) -> None:
    """One option group for every command that plans: each setting has its option (or the
    date its argument), spelled and explained as its field says, and nothing else is typed
    twice; a command leaves out only the settings it has no use for."""
    import typer.main

    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    options = {opt: param for param in command.params for opt in getattr(param, "opts", [])}
    arguments = {
        param.name
        for param in command.params
        if not getattr(param, "opts", [None])[0].startswith("-")
    }
    for declared in FIELDS:
        if declared.name in skipped:
            assert declared.flag not in options
        elif not declared.flag:
            assert declared.name in arguments
        else:
            help = options[declared.flag].help
            assert help.startswith(declared.help_text().partition(" [default:")[0].rstrip(".")), (
                declared.name
            )
            if declared.default is not None:
                assert help.endswith(f"[default: {declared.json_schema()['default']}]")
    assert "[default: the end the source states, else 10]" in options["--years"].help


def test_a_later_origin_wins_and_is_remembered() -> None:
    """The command line over a patient file: its values win, and each keeps its origin."""
    file = Settings.from_mapping({"years": 5, "weekends": "keep"}, PatientFile(Path("a.toml")))
    typed = Settings.from_mapping({"years": "7"}, COMMAND_LINE)
    merged = typed.over(file)
    assert (merged.years, merged.weekends) == (7, "keep")
    assert merged.origin_of("years") is COMMAND_LINE
    assert merged.origin_of("weekends") == PatientFile(Path("a.toml"))
    assert merged.origin_of("name") is None


def test_dates_from_toml_are_bounded_like_typed_dates() -> None:
    """A TOML date outside 1900–2199 is refused as a typed one is: overflow cannot happen later."""
    with pytest.raises(InvalidSetting, match="the year must be between 1900 and 2199"):
        Settings.from_mapping({"treatment_date": date(9999, 1, 1)})
    assert stamp_from_environment().year >= 2026


def test_reasons_speak_the_language_of_the_run(runner: CliRunner) -> None:
    """A range's reason is worded when the problem is found, in the language asked for."""
    result = runner.invoke(app, ["plan", TREATMENT, "--years", "40", "--lang", "es"])
    assert result.stderr == "Error: --years 40 no es válido: elija de 1 a 30\n"


def test_an_unknown_preset_from_python_is_a_setting_error() -> None:
    """`load_protocol("nope")` and settings built without the schema say which field, not KeyError."""
    from followup import load_protocol

    with pytest.raises(InvalidSetting) as caught:
        load_protocol("nope")
    assert caught.value.field == "protocol"


def test_the_holidays_function_survives_its_module_being_imported() -> None:
    """`followup.holidays_of` stays a function once `followup._public_holidays` is imported."""
    import followup
    import followup._public_holidays

    assert callable(followup.holidays_of)
    assert followup.holidays_of("PT").code == "PT"
