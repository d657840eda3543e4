"""Each setting is declared once, as an attribute of `Settings` with its `Field`, and every
front end is made from that declaration: a setting added there alone is an option of
every command that plans, a key of patient files, a column of rosters, an input of the
web form with its limits, and a property of the API's schema that the server keeps. And
no declared setting is dead: each one changes what a plan says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import followup
from followup._settings import FIELDS

ROOT = Path(__file__).resolve().parent.parent

# A setting a centre might add: declared in settings.py, and nowhere else.
NEW_SETTING = """
    fasting: int | None = setting(
        "--fasting-hours",
        "HOURS",
        N_("Hours of fasting"),
        N_("Hours without food before each scan."),
        _whole_within(0, 24, N_("choose from {low} to {high}")),
    )
"""

# What the front ends of the package with that one change show of it.
PROBE = r"""
import json, subprocess, sys
from starlette.testclient import TestClient
from followup._patient import parse_patient
from followup._settings import KEYS, Settings, InvalidSetting
from followup.web import create_app
from pathlib import Path

seen = {}
helps = {
    name: subprocess.run([sys.executable, "-m", "followup", name, "--help"],
                         capture_output=True, text=True).stdout
    for name in ("plan", "next", "push", "batch")
}
seen["options"] = {name: "--fasting-hours HOURS" in text and "Hours without food" in text
                   for name, text in helps.items()}
try:
    Settings.from_mapping({"fasting": "30"}, KEYS)
except InvalidSetting as error:
    seen["refused"] = str(error)
seen["patient_file"] = parse_patient(
    "treatment_date = 2025-03-14\nfasting = 8\n", Path("ana.toml")).fasting
roster = Path("roster.csv")
roster.write_text("id,treatment_date,name,fasting\np1,2025-03-14,Ana,8\np2,2025-03-14,Eva,99\n")
batch = subprocess.run([sys.executable, "-m", "followup", "batch", "roster.csv",
                        "--out-dir", "out"], capture_output=True, text=True)
seen["roster"] = [batch.returncode, "fasting" in batch.stderr, sorted(p.name for p in Path("out").iterdir())]
client = TestClient(create_app())
schema = client.get("/openapi.json").json()["paths"]["/api/plan"]["post"]["requestBody"]
seen["api_schema"] = schema["content"]["application/json"]["schema"]["properties"]["fasting"]
answer = client.post("/api/plan", json={"treatment_date": "2025-03-14", "fasting": 30})
seen["api_refusal"] = [answer.status_code, answer.json()["error"]["field"]]
page = client.get("/en/").text
seen["form_input"] = 'name="fasting"' in page and 'max="24"' in page and "Hours of fasting" in page
refused = client.post("/en/", data={"treatment_date": "2025-03-14", "name": "Ana", "fasting": "30"})
seen["form_refusal"] = [refused.status_code, 'id="e-fasting"' in refused.text]
print(json.dumps(seen))
"""


def test_a_setting_declared_once_reaches_every_front_end(tmp_path: Path) -> None:
    """One attribute added to `Settings` in a copy of the package, and nothing else: the
    command line, patient files, rosters, the web form and the API all take it, with its
    limits, and refuse a value outside them as they refuse any other."""
    package = tmp_path / "followup"
    shutil.copytree(ROOT / "src" / "followup", package)
    settings = package / "_settings.py"
    text = settings.read_text(encoding="utf-8")
    anchor = "    origins: Mapping[str, Origin]"
    assert anchor in text
    settings.write_text(text.replace(anchor, NEW_SETTING.lstrip("\n") + anchor), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("COV_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(tmp_path), "LANG": "C.UTF-8"},
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["options"] == {"plan": True, "next": True, "push": True, "batch": True}
    assert seen["refused"] == "fasting: 30 is not allowed: choose from 0 to 24"
    assert seen["patient_file"] == 8
    assert seen["roster"][0] == 1  # one row refused, for its fasting column
    assert seen["roster"][1]
    assert "p1.ics" in seen["roster"][2]
    assert (seen["api_schema"]["type"], seen["api_schema"]["maximum"]) == ("integer", 24)
    assert seen["api_refusal"] == [422, "fasting"]
    assert seen["form_input"]
    assert seen["form_refusal"] == [400, True]


TODAY = date(2024, 8, 1)
BASE = {"treatment_date": "2024-01-31", "name": "Ana"}
# Two values of each setting: a plan with one and a plan with the other must differ.
VARIANTS: dict[str, tuple[object, object]] = {
    "treatment_date": ("2024-01-31", "2024-02-29"),
    "name": ("Ana", "Eva"),
    "protocol": ("ibero-american-2025", "esmo-2010-high-grade"),
    "early_interval": (3, 4),
    "early_years": (2, 3),
    "years": (5, 6),
    "weekends": ("next", "keep"),
    "remind": (7, 14),
    "holidays": (None, "PT"),
    "done": (None, ["2024-05-02"]),
    "tracks": (None, [{"exam": "Brain MRI", "every_months": 12}]),
    "lang": ("en", "es"),
    "chart_lang": (None, "es"),
}


def _said(**settings: object) -> bytes:
    plan = followup.plan(**{**BASE, **settings}, today=TODAY)  # type: ignore[arg-type]
    stamp = datetime(2024, 8, 1, tzinfo=UTC)
    return b"".join(plan.render(kind, stamp=stamp) for kind in ("json", "ics", "csv", "html"))


def test_every_declared_setting_has_two_values_to_compare() -> None:
    """The table below names every declared setting: a new one must say how it shows."""
    assert set(VARIANTS) == {declared.name for declared in FIELDS}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_declared_setting_changes_what_a_plan_says(name: str) -> None:
    """Each setting reaches the core or an output: two values give two different plans."""
    first, second = VARIANTS[name]
    extra = {"protocol": "esmo-2010-high-grade"} if name == "early_years" else {}
    assert _said(**extra, **{name: first}) != _said(**extra, **{name: second})


def test_the_comparison_can_fail() -> None:
    """The negative control: the same value twice gives the same plan."""
    assert _said(years=5) == _said(years=5)


def test_the_closed_sets_of_the_api_are_the_registries() -> None:
    """`FormatName` names the format registry's formats, `Language` the catalogs' languages."""
    from typing import get_args

    from followup import _i18n as i18n
    from followup._export import FORMATS

    assert set(get_args(followup.FormatName)) == set(FORMATS)
    assert set(get_args(followup.Language)) == set(i18n.LANGUAGES)


def test_the_typed_way_in_checks_like_the_others() -> None:
    """`weekends="next"` moves Saturday 2026-01-31 to Monday, not Friday; `holidays="ES"` is
    a calendar, not an AttributeError; a bad value raises InvalidSetting; a Spanish plan
    renders in Spanish with its own reminders, without being told twice."""
    saturday = followup.plan("2025-10-31", name="Ana", weekends="next", years=1, today=TODAY)
    assert saturday.schedule.visits[0].due_date == date(2026, 1, 31)
    assert saturday.schedule.visits[0].date == date(2026, 2, 2)
    spain = followup.plan("2025-03-14", name="Ana", holidays="ES", today=TODAY)
    assert spain.schedule.holidays == "ES"
    with pytest.raises(followup.InvalidSetting, match="weekends"):
        followup.plan("2025-03-14", weekends="sometimes")
    with pytest.raises(followup.InvalidSetting, match="colour"):
        followup.plan("2025-03-14", colour="red")
    assert followup.Settings(weekends="next").weekends == followup.Weekends.NEXT  # type: ignore[arg-type]
    with pytest.raises(followup.InvalidSetting):
        followup.Settings(years="40")  # type: ignore[arg-type]
    spanish = followup.plan("2025-03-14", name="Ana", lang="es", remind=3, today=TODAY)
    calendar = followup.render(spanish, "ics")
    assert b"Controles de seguimiento" in calendar
    assert b"TRIGGER:-P2DT15H" in calendar
    assert b"Follow-up visits" not in calendar
    with pytest.raises(TypeError, match="does not know its language"):
        followup.render(spanish.schedule, "ics")  # a bare schedule: never English by default


def test_the_api_keeps_the_limits_it_documents() -> None:
    """150 scans and 15 tracks are refused by the typed way in too (years given as text,
    "7", are read as the command line reads them)."""
    days = [f"2025-{month:02}-{day:02}" for month in range(4, 10) for day in range(1, 26)]
    with pytest.raises(followup.InvalidSetting, match="at most 100 dates"):
        followup.plan("2025-03-14", done=days)
    tracks = [{"exam": f"E{i}", "every_months": 12} for i in range(15)]
    with pytest.raises(followup.InvalidSetting, match="at most 10 tracks"):
        followup.plan("2025-03-14", tracks=tracks)


def test_every_command_has_a_library_call() -> None:
    """What each command does, a Python program can do with one call of the package
    (sqlite-utils' rule): the command line only parses, calls and prints."""
    from typer.main import get_command

    import followup.push
    import followup.web
    from followup.cli import app

    calls = {
        "plan": followup.plan,
        "next": followup.Plan.next,
        "protocols": followup.protocol,
        "holidays": followup.holiday_places,
        "batch": followup.run_roster,
        "worklist": followup.worklist,
        "roster-template": followup.roster_template,
        "push": followup.push.push_to,
        "serve": followup.web.create_app,
    }
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert commands == set(calls)
    assert all(callable(call) for call in calls.values())
    assert followup.protocol("uk-high-grade").id == "uk-high-grade"
    assert ("ES-MD", "Madrid") in followup.holiday_places("es")
    with pytest.raises(followup.InvalidSetting):
        followup.protocol("nope")
