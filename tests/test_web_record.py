"""The web app's ways into the record: the clinic note to copy, FHIR and the chart page."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra: pip install -e '.[dev]'")

from starlette.testclient import TestClient

from followup.web import create_app

from .fhircheck import care_plan, check_fhir

PLAN = {"treatment_date": "2025-03-14", "name": "Ana"}
STATIC = Path(__file__).parent.parent / "src" / "followup" / "web" / "static"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def test_the_result_shows_the_clinic_note_ready_to_copy(client: TestClient) -> None:
    """Under the plan: the note in a read-only box anyone can select (no script needed), and
    a copy button that the page's script reveals; the note is the `note` format's."""
    page = client.post("/es/", data={**PLAN, "lang": "es"}).text
    box = re.search(
        r'<textarea id="clinic-note" readonly rows="(\d+)"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert box is not None
    shown = html.unescape(box[2])
    assert shown == client.post("/api/plan/note", json={**PLAN, "lang": "es"}).text
    assert int(box[1]) == shown.count("\n")
    assert shown.startswith("Seguimiento a fecha de ")
    assert '<label for="clinic-note">El plan en pocas líneas</label>' in page
    assert (
        '<button type="button" class="secondary copy" data-copy="clinic-note" hidden>Copiar para la nota clínica</button>'
        in page
    )
    script = (STATIC / "web.js").read_text(encoding="utf-8")
    assert "navigator.clipboard.writeText(box.value)" in script
    assert (
        ".clinic-note" in (STATIC / "web.css").read_text(encoding="utf-8").split("@media print")[1]
    )


def test_the_form_asks_for_a_chart_language(client: TestClient) -> None:
    """A select with no chart page by default; chosen, the sheet gets the chart's page; a
    language we do not speak is shown next to the field."""
    empty = client.get("/en/").text
    assert '<select id="f-chart_lang" name="chart_lang" aria-describedby="h-chart_lang">' in empty
    assert '<option value="">No chart page</option>' in empty
    sheet = client.post("/es/download/html", data={**PLAN, "lang": "es", "chart_lang": "en"})
    assert '<section class="chart" lang="en">' in sheet.text
    pdf = client.post("/es/download/pdf", data={**PLAN, "lang": "es", "chart_lang": "en"})
    plain = client.post("/es/download/pdf", data={**PLAN, "lang": "es"})
    pages = re.compile(rb"/Type\s*/Page\b(?!s)")
    assert len(pages.findall(pdf.content)) == len(pages.findall(plain.content)) + 1
    bad = client.post("/en/", data={**PLAN, "chart_lang": "de"})
    assert bad.status_code == 400
    assert '<p class="problem" id="e-chart_lang">' in bad.text
    kept = client.post("/en/", data={**PLAN, "chart_lang": "pt"}).text
    assert '<option value="pt" lang="pt" selected>' in kept


def test_the_api_writes_fhir_and_the_note(client: TestClient) -> None:
    """/api/plan/fhir: R4's media type and a Bundle that passes the three checks;
    /api/plan/note: plain text; chart_lang is described and checked like every setting."""
    answer = client.post("/api/plan/fhir", json={**PLAN, "lang": "pt"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/fhir+json; fhirVersion=4.0"
    assert 'filename="followup-Ana.fhir.json"' in answer.headers["content-disposition"]
    assert care_plan(check_fhir(answer.content))["language"] == "pt"
    note = client.post("/api/plan/note", json=PLAN)
    assert note.headers["content-type"] == "text/plain; charset=utf-8"
    assert note.text.endswith("educational, not medical advice.\n")
    unnamed = client.post("/api/plan/fhir", json={"treatment_date": "2025-03-14"})
    assert unnamed.status_code == 422
    assert unnamed.json()["error"]["field"] == "name"
    schema = client.get("/openapi.json").json()
    request = schema["paths"]["/api/plan"]["post"]["requestBody"]["content"]["application/json"]
    assert request["schema"]["properties"]["chart_lang"]["enum"] == ["en", "es", "pt", "pt-BR"]
    bad = client.post("/api/plan/html", json={**PLAN, "chart_lang": "fr"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "chart_lang"


def test_the_clinic_page_offers_fhir_and_the_note(client: TestClient) -> None:
    """The two formats are named for what they are; a roster's zip holds them per patient,
    the FHIR plan named by the roster's id, never carrying it."""
    page = client.get("/en/clinic").text
    assert 'value="fhir"> FHIR R4 CarePlan, for a health record (.fhir.json)</label>' in page
    assert 'value="note"> clinic note, plain text (.txt)</label>' in page
    assert 'value="ics" checked> .ics</label>' in page
    roster = b"id,treatment_date\nP-7,2024-01-31\n"
    answer = client.post(
        "/en/clinic",
        files={"roster": ("roster.csv", roster, "text/csv")},
        data={"format": ["fhir", "note"]},
    )
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert {"plans/P-7.fhir.json", "plans/P-7.txt"} <= set(archive.namelist())
    plan = care_plan(check_fhir(archive.read("plans/P-7.fhir.json")))
    assert "P-7" not in str(plan)
    assert archive.read("plans/P-7.txt").decode().startswith("Follow-up as of ")
