"""The FHIR R4 format: a Bundle holding one CarePlan, valid three ways (see fhircheck.py)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from icalendar import Calendar
from typer.testing import CliRunner

from followup import (
    Schedule,
    Standing,
    Stream,
    render,
)
from followup import _i18n as i18n
from followup._export import FORMATS, RenderOptions
from followup._export.fhir import STATUS_OF, to_fhir
from followup._export.ics import calendar_uid, to_ics, visit_uid
from followup._options import format_for
from followup._protocols import IBERO_AMERICAN_2025
from followup._schedule import make_schedule
from followup.cli import app

from .conftest import GOLDEN
from .fhircheck import care_plan, check_fhir, code_errors, round_trip, schema_errors
from .icscheck import written
from .test_interop import calendars

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _fhir(schedule: Schedule, calendar_id: str | None = None) -> dict[str, Any]:
    return check_fhir(to_fhir(schedule, stamp=STAMP, calendar_id=calendar_id).encode())


def _ana(**extra: Any) -> Schedule:
    """Ana's plan with two scans recorded, a brain MRI track and Madrid's holidays."""
    from followup._public_holidays import public_holidays

    values: dict[str, Any] = {
        "protocol": IBERO_AMERICAN_2025.with_tracks((Stream.every("Brain MRI", 12),)),
        "name": "Ana",
        "done": [date(2024, 6, 3), date(2024, 9, 30)],
        "today": date(2025, 1, 15),
        "holidays": public_holidays("ES-MD"),
    }
    return make_schedule(date(2024, 1, 31), **(values | extra))


def test_a_plan_is_a_bundle_holding_one_care_plan() -> None:
    """Bundle type collection, one CarePlan: active, intent plan, titled, over the follow-up
    period, instantiating the source, with the quoted rule and the notice."""
    document = _fhir(_ana())
    assert document["type"] == "collection"
    assert document["timestamp"] == "2026-01-01T00:00:00Z"
    plan_ = care_plan(document)
    assert plan_["status"] == "active"
    assert plan_["intent"] == "plan"
    assert plan_["title"] == "Follow-up plan for Ana"
    assert plan_["period"] == {"start": "2024-01-31", "end": "2034-01-31"}
    assert plan_["instantiatesUri"] == ["https://www.mdpi.com/2072-6694/17/8/1295"]
    assert plan_["description"].startswith("“CT or MRI of the chest and abdomen every 3–4 months")
    assert plan_["description"].endswith(
        "not medical advice: your care team decides which scans you need and when."
    )
    assert plan_["subject"] == {"display": "Ana"}
    assert plan_["language"] == "en"
    notes = [note["text"] for note in plan_["note"]]
    assert any(note.startswith("Choices: 3 months between visits in years 1–2") for note in notes)
    assert any("public holidays of ES-MD are moved the same way" in note for note in notes)
    assert any(note.startswith("Length: Planned for 10 years, to 2034-01-31.") for note in notes)
    assert "Follow-up as of 2025-01-15" in plan_["text"]["div"]


def test_each_visit_is_a_service_request_with_its_window() -> None:
    """One activity per visit, tracks included and in date order, then the dropped visits:
    kind ServiceRequest, the exam as code.text, the window as scheduledPeriod."""
    schedule = _ana()
    activities = care_plan(_fhir(schedule))["activity"]
    meant = written(schedule)
    assert len(activities) == len(meant)
    for activity, (visit, _cancelled) in zip(activities, meant, strict=True):
        detail = activity["detail"]
        opens, closes = visit.window
        assert detail["kind"] == "ServiceRequest"
        assert detail["scheduledPeriod"] == {"start": opens.isoformat(), "end": closes.isoformat()}
        exam = "Brain MRI" if visit.stream.by_choice else "CT or MRI of the chest and abdomen"
        assert detail["code"] == {"text": exam}


def test_descriptions_say_which_visit_and_its_dates() -> None:
    """`Visit 3 of 19, due 2025-12-14, shown 2025-12-15 (Monday).`: a moved date names both;
    a scan done names the day it was done; a track's visit says it is not from the source."""
    schedule = make_schedule(date(2024, 3, 14), name="AL", today=date(2024, 3, 14))
    described = {
        visit.number: activity["detail"]["description"]
        for visit, activity in zip(
            schedule.visits, care_plan(_fhir(schedule))["activity"], strict=True
        )
    }
    assert described[1] == "Visit 1 of 19, due 2024-06-14 (Friday)."
    assert described[3] == "Visit 3 of 19, due 2024-12-14, shown 2024-12-16 (Monday)."
    done = _fhir(_ana())
    texts = [activity["detail"]["description"] for activity in care_plan(done)["activity"]]
    assert texts[0] == "Visit 1 of 19, due 2024-04-30, done 2024-06-03 (Monday)."
    track = next(text for text in texts if text.startswith("Visit 1 of 10"))
    assert "An extra track added by choice" in track


def test_statuses_come_from_one_closed_mapping() -> None:
    """done → completed, due or upcoming → scheduled, overdue → not-started, not recorded
    (most likely done) → unknown, dropped → cancelled; a reason says why for the last three."""
    assert set(STATUS_OF) == set(Standing) - {Standing.ENDED}
    schedule = make_schedule(
        date(2024, 1, 31), name="Ana", done=[date(2024, 4, 30)], today=date(2025, 2, 10)
    )
    standings = [schedule.standing_of(visit) for visit in schedule.visits]
    assert {Standing.DONE, Standing.OVERDUE, Standing.NOT_RECORDED, Standing.DUE} <= set(standings)
    details = [activity["detail"] for activity in care_plan(_fhir(schedule))["activity"]]
    for standing, detail in zip(standings, details, strict=False):
        assert detail["status"] == STATUS_OF[standing]
        reason = detail.get("statusReason", {}).get("text")
        expected = {Standing.OVERDUE: "overdue", Standing.NOT_RECORDED: "not recorded"}
        assert reason == expected.get(standing)
    statuses = [detail["status"] for detail in details]
    assert statuses[:4] == ["completed", "not-started", "unknown", "scheduled"]


def test_visits_a_shortened_plan_dropped_are_cancelled() -> None:
    """Counting from a late scan drops the last visit: it stays in, cancelled, under its id."""
    unanchored = make_schedule(date(2024, 1, 31), name="Ana", today=date(2024, 5, 1))
    late = make_schedule(
        date(2024, 1, 31), name="Ana", done=[date(2024, 7, 31)], today=date(2024, 8, 1)
    )
    assert late.dropped
    activities = care_plan(_fhir(late))["activity"]
    gone = activities[len(late.visits) :]
    assert [a["detail"]["status"] for a in gone] == ["cancelled"] * len(late.dropped)
    assert all(a["detail"]["statusReason"] == {"text": "no longer in the plan"} for a in gone)
    before = {a["id"] for a in care_plan(_fhir(unanchored))["activity"]}
    assert {a["id"] for a in gone} <= before


def test_a_plan_that_has_ended_is_completed() -> None:
    """Seen after the end of follow-up, with no visit left, the CarePlan is completed."""
    schedule = make_schedule(date(2010, 1, 31), name="Ana", years=2, today=date(2025, 1, 1))
    assert care_plan(_fhir(schedule))["status"] == "completed"
    assert (
        care_plan(_fhir(make_schedule(date(2010, 1, 31), name="Ana", years=2)))["status"]
        == "active"
    )


def test_identifiers_are_the_calendar_uids_and_survive_a_re_plan() -> None:
    """The CarePlan's id is the calendar's UID, each activity's id its event's UID; recording
    a scan keeps every id; the name never appears in them."""
    first = make_schedule(date(2024, 1, 31), name="Ana Muñoz", today=date(2024, 2, 1))
    later = make_schedule(
        date(2024, 1, 31), name="ANA MUNOZ", done=[date(2024, 5, 2)], today=date(2024, 6, 1)
    )
    one, two = care_plan(_fhir(first)), care_plan(_fhir(later))
    namespace = calendar_uid(first)
    assert one["id"] == two["id"] == str(namespace)
    assert one["identifier"] == [{"system": "urn:ietf:rfc:3986", "value": namespace.urn}]
    assert [a["id"] for a in one["activity"]] == [
        visit_uid(first, visit, namespace) for visit in first.visits
    ]
    assert [a["id"] for a in one["activity"]] == [a["id"] for a in two["activity"]]
    text = to_fhir(first, stamp=STAMP)
    ids = [one["id"], *(a["id"] for a in one["activity"])]
    assert not any("ana" in each.lower() for each in ids)
    assert json.loads(text)["entry"][0]["fullUrl"] == namespace.urn


def test_a_roster_id_stands_in_for_a_name_and_no_identifier_is_invented() -> None:
    """Without a name, the roster's id makes the identifiers; the subject then says only that
    the person is not named here (data-absent-reason), never an invented identifier."""
    schedule = make_schedule(date(2024, 1, 31))
    plan_ = care_plan(_fhir(schedule, calendar_id="P-001"))
    assert plan_["id"] == str(calendar_uid(schedule, "P-001"))
    assert plan_["subject"] == {
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                "valueCode": "unknown",
            }
        ]
    }
    assert "P-001" not in json.dumps(plan_)


def test_without_a_name_or_an_id_the_plan_is_refused(runner: CliRunner) -> None:
    """As for a calendar: bad input, exit 2, one line that says why."""
    result = runner.invoke(app, ["plan", "2024-01-31", "--format", "fhir", "-o", "-"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: a name or initials is missing: a FHIR plan needs one (initials are enough), "
        "so that two people's plans with the same treatment date never share identifiers\n"
    )


def test_the_file_name_picks_fhir_and_plain_json_stays_json(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`-o plan.fhir.json` writes FHIR; `-o plan.json` still writes followup's JSON."""
    assert format_for("plan.fhir.json", None) is FORMATS["fhir"]
    assert format_for("PLAN.FHIR.JSON", None) is FORMATS["fhir"]
    assert format_for("plan.json", None) is FORMATS["json"]
    assert format_for(".fhir.json", "json") is FORMATS["json"]
    for name in ("plan.fhir.json", "plan.json"):
        result = runner.invoke(
            app, ["plan", "2024-01-31", "--name", "Ana", "-o", str(tmp_path / name), "-q"]
        )
        assert result.exit_code == 0, result.output
    check_fhir((tmp_path / "plan.fhir.json").read_bytes())
    assert "resourceType" not in json.loads((tmp_path / "plan.json").read_text())
    assert FORMATS["fhir"].media_type == "application/fhir+json; fhirVersion=4.0"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_language_writes_a_valid_plan_in_that_language(lang: str) -> None:
    """The exam, descriptions and notes speak the plan's language; the codes do not change."""
    document = check_fhir(render(_ana(), "fhir", RenderOptions(lang=lang, stamp=STAMP)))
    plan_ = care_plan(document)
    assert plan_["language"] == lang
    with i18n.using(lang):
        assert plan_["activity"][2]["detail"]["code"]["text"] == i18n._(
            IBERO_AMERICAN_2025.lead.exam
        )


@pytest.mark.parametrize("name", ["ana-2024-01-31.fhir.json", "ana-2024-01-31-es.fhir.json"])
def test_the_golden_files_are_valid(name: str) -> None:
    """The reviewed golden files pass the three checks too."""
    check_fhir((GOLDEN / name).read_bytes())


def test_the_checks_catch_what_is_wrong() -> None:
    """Negative control: a code outside its value set, a misspelt element and an R5-only
    shape are each caught, so a pass means something."""
    good = json.loads(to_fhir(_ana(), stamp=STAMP))
    wrong_kind = copy.deepcopy(good)
    care_plan(wrong_kind)["activity"][0]["detail"]["kind"] = "ImagingStudy"
    assert code_errors(wrong_kind) == ["activity.detail.kind 'ImagingStudy'"]
    assert schema_errors(wrong_kind) == []  # the schema leaves this code unchecked
    wrong_intent = copy.deepcopy(good)
    care_plan(wrong_intent)["intent"] = "intention"
    assert code_errors(wrong_intent) == ["CarePlan.intent 'intention'"]
    wrong_status = copy.deepcopy(good)
    care_plan(wrong_status)["activity"][0]["detail"]["status"] = "booked"
    assert schema_errors(wrong_status) != []
    assert code_errors(wrong_status) == ["activity.detail.status 'booked'"]
    misspelt = copy.deepcopy(good)
    care_plan(misspelt)["periode"] = care_plan(misspelt).pop("period")
    assert schema_errors(misspelt) != []
    r5 = copy.deepcopy(good)
    for activity in care_plan(r5)["activity"]:
        activity["plannedActivityDetail"] = activity.pop("detail")
    assert schema_errors(r5) != []
    with pytest.raises(ValueError, match="plannedActivityDetail"):
        round_trip(r5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars())
@pytest.mark.untraced
def test_fhir_and_the_calendar_agree_on_every_date_and_status(
    calendar: tuple[Schedule, int, str],
) -> None:
    """For random plans, the two files name the same visits by the same ids, in the same
    order: each event's day is its activity's date and lies in its window; an event is
    cancelled exactly when its activity is; a visit done is completed and has no reminder."""
    schedule, remind, language = calendar
    calendar_id = None if schedule.name else "p-001"
    options = RenderOptions(lang=language, remind=remind, stamp=STAMP, calendar_id=calendar_id)
    document = check_fhir(render(schedule, "fhir", options))
    events = Calendar.from_ical(render(schedule, "ics", options)).walk("VEVENT")
    activities = care_plan(document)["activity"]
    assert [str(event["UID"]) for event in events] == [a["id"] for a in activities]
    for event, activity, (visit, cancelled) in zip(
        events, activities, written(schedule), strict=True
    ):
        detail = activity["detail"]
        day = event.decoded("DTSTART")
        period = detail["scheduledPeriod"]
        assert day == visit.date
        assert period["start"] <= day.isoformat() <= period["end"]
        assert f" {day.isoformat()} (" in detail["description"]
        assert (str(event.get("STATUS", "")) == "CANCELLED") == (detail["status"] == "cancelled")
        assert cancelled == (detail["status"] == "cancelled")
        if not cancelled:
            assert detail["status"] == STATUS_OF[schedule.standing_of(visit)]
        if detail["status"] == "completed":
            assert visit.done
            assert not list(event.walk("VALARM"))


def test_fhir_ids_and_ics_uids_match_for_a_roster_row() -> None:
    """In a batch the roster's id names the person in both files alike."""
    schedule = make_schedule(date(2024, 1, 31))
    ics = Calendar.from_ical(to_ics(schedule, remind_days=0, stamp=STAMP, calendar_id="P-1"))
    uids = [str(event["UID"]) for event in ics.walk("VEVENT")]
    assert [a["id"] for a in care_plan(_fhir(schedule, "P-1"))["activity"]] == uids
