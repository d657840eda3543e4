"""The web app through its own test client: pages, downloads, the JSON API, limits, privacy.

Every request goes through the whole app, the guard around it included, so
these tests see the status, headers and body a browser or a program would.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra: pip install -e '.[dev]'")

from starlette.testclient import TestClient

from followup import (
    Settings,
    render,
    schedule_for,
)
from followup.web import create_app
from followup.web.guard import HEADERS
from followup.web.languages import from_accept_language, path_in
from followup.web.limits import Limits

EXAMPLES = Path(__file__).parent / "examples"
PLAN = {"treatment_date": "2025-03-14", "name": "Ana"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(limits=Limits(roster_rows=50))) as test_client:
        yield test_client


def _problems(page: str) -> dict[str, str]:
    """The messages shown next to inputs, by the id of the input they describe."""
    return dict(re.findall(r'<p class="problem" id="e-([\w.]+)">([^<]*)</p>', page))


def _has_privacy_headers(headers: object) -> None:
    for name, value in HEADERS.items():
        assert headers[name] == value  # type: ignore[index]


def test_every_response_carries_the_privacy_headers(client: TestClient) -> None:
    """Pages, the API, errors and downloads: CSP, nosniff, no referrer, and nothing stored."""
    answers = [
        client.get("/en/"),
        client.post("/en/", data=PLAN),
        client.post("/en/download/ics", data=PLAN),
        client.post("/api/plan", json=PLAN),
        client.post("/api/plan", json={"years": 40}),
        client.get("/no-such-page"),
        client.get("/openapi.json"),
    ]
    for answer in answers:
        _has_privacy_headers(answer.headers)
        assert answer.headers["cache-control"] == "no-store"
        assert "set-cookie" not in answer.headers
    csp = answers[0].headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    static = client.get("/static/web.css")
    _has_privacy_headers(static.headers)
    assert static.headers["cache-control"].startswith("public")


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    """The CSP forbids inline code, so no page may carry any: styles and scripts are files."""
    page = client.post("/en/", data=PLAN).text
    assert "<style" not in page
    assert " style=" not in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/web.js" defer>']
    assert client.get("/static/web.js").headers["content-type"].startswith("text/javascript")


def test_the_plan_page_shows_the_plan_with_the_next_visit(client: TestClient) -> None:
    """Submitting the form shows the sheet's table, source and notice, the next visit marked."""
    answer = client.post("/en/", data={**PLAN, "done": ["2025-06-20", ""]})
    assert answer.status_code == 200
    page = answer.text
    assert page.count('<td class="num">') == 19
    assert page.count('class="next"') == 1
    assert "Ibero-American" in page
    assert "For education only, not medical advice" in page
    # The downloads carry the same values as hidden inputs, and no personal data is in a URL.
    assert '<input type="hidden" name="done" value="2025-06-20">' in page
    assert "Ana" not in "".join(re.findall(r'(?:action|href)="([^"]*)"', page))


def test_bad_input_comes_back_with_the_values_and_a_message_tied_to_the_field(
    client: TestClient,
) -> None:
    """400, what was typed kept, the message next to the field and tied by aria-describedby."""
    answer = client.post("/en/", data={**PLAN, "years": "40", "name": "Zoë"})
    assert answer.status_code == 400
    page = answer.text
    assert _problems(page) == {"years": "40 is not allowed: choose from 1 to 30"}
    years = re.search(r'<input id="f-years"[^>]*>', page)
    assert years is not None
    assert 'aria-describedby="h-years e-years"' in years.group()
    assert 'aria-invalid="true"' in years.group()
    assert 'value="40"' in years.group()
    assert 'value="Zoë"' in page
    assert "Traceback" not in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "Ana"}, "treatment_date", "give the date of the treatment"),
        ({"treatment_date": "2025-02-30"}, "treatment_date", "February 2025 has 28 days"),
        ({**PLAN, "protocol": "/etc/passwd.toml"}, "protocol", "choose one of"),
        ({**PLAN, "early_interval": "9"}, "early_interval", "allows 3 or 4 months"),
        ({**PLAN, "done": ["2024-01-01"]}, "done", "before the treatment"),
        ({**PLAN, "tracks.exam": "Brain MRI", "tracks.every_months": "0"}, "tracks", "0"),
        ({**PLAN, "holidays": "ZZ"}, "holidays", "unknown country"),
    ],
)
def test_each_problem_is_shown_next_to_its_field(
    client: TestClient, values: dict[str, object], field: str, message: str
) -> None:
    """The schema's own check, or the planner's, names the input it concerns."""
    answer = client.post("/en/", data=values)
    assert answer.status_code == 400
    problems = _problems(answer.text)
    assert list(problems) == [field]
    assert message in problems[field]


def test_a_problem_speaks_the_page_language(client: TestClient) -> None:
    """The same mistake on the Spanish page is explained in Spanish."""
    answer = client.post("/es/", data={**PLAN, "years": "40"})
    assert answer.status_code == 400
    assert "elija" in _problems(answer.text)["years"].lower()


def test_rows_of_scans_are_added_and_removed_without_javascript(client: TestClient) -> None:
    """The add and remove buttons work by posting the form: the page comes back changed."""
    added = client.post("/en/", data={**PLAN, "done": ["2025-06-20"], "action": "add"}).text
    assert added.count('name="done" value=') == 2
    removed = client.post(
        "/en/", data={**PLAN, "done": ["2025-06-20", "2025-09-22"], "action": "remove:0"}
    ).text
    assert 'value="2025-09-22"' in removed
    assert 'value="2025-06-20"' not in removed


def test_the_calendar_download_is_the_plans_ics(client: TestClient) -> None:
    """Add to my calendar: text/calendar, named after the person, the same events as the CLI."""
    answer = client.post("/en/download/ics", data={**PLAN, "name": "João Ñúñez"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="followup-Joao-Nunez.ics"')
    assert "filename*=UTF-8''followup-Jo%C3%A3o-%C3%91%C3%BA%C3%B1ez.ics" in disposition
    assert answer.text.count("BEGIN:VEVENT") == 19


@pytest.mark.parametrize(
    ("kind", "media_type"),
    [
        ("pdf", "application/pdf"),
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
        ("toml", "application/toml; charset=utf-8"),
    ],
)
def test_every_download_has_its_media_type(client: TestClient, kind: str, media_type: str) -> None:
    """PDF, spreadsheet, JSON and the plan file, each with its type and suffix."""
    answer = client.post(f"/en/download/{kind}", data=PLAN)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == media_type
    assert f'filename="followup-Ana.{kind}"' in answer.headers["content-disposition"]


def test_a_saved_plan_file_opens_into_the_same_plan(client: TestClient) -> None:
    """Save my plan file, then open it: the form is refilled and the same plan comes back."""
    values = {
        **PLAN,
        "done": ["2025-06-20"],
        "holidays": "ES",
        "holidays_region": "ES-MD",
        "tracks.exam": "Brain MRI",
        "tracks.every_months": "12",
        "years": "7",
        "lang": "es",
    }
    first = client.post("/es/", data=values).text  # the page's language is the plan's
    saved = client.post("/es/download/toml", data=values).content
    assert b'holidays = "ES-MD"' in saved
    opened = client.post("/en/open", files={"plan_file": ("ana.toml", saved, "application/toml")})
    assert opened.status_code == 200

    def table(page: str) -> str:  # the heading, the next visit and the visits
        heading = page[page.index('<section class="result"') : page.index('<div class="ways">')]
        return heading + page[page.index('<div class="table">') : page.index("</table>")]

    assert table(opened.text) == table(first)
    assert 'value="Brain MRI"' in opened.text


def test_a_plan_file_with_a_mistake_is_explained(client: TestClient) -> None:
    """A file that is not TOML, or has a bad key, is named with the problem; status 400."""
    bad = client.post("/en/open", files={"plan_file": ("ana.toml", b"years = [", "text/plain")})
    assert bad.status_code == 400
    assert "ana.toml: not a valid TOML file" in bad.text
    wrong = client.post("/en/open", files={"plan_file": ("ana.toml", b"years = 40\n")})
    assert "ana.toml: key &#39;years&#39;: 40 is not allowed" in wrong.text
    assert client.post("/en/open", data={}).status_code == 400


def test_the_api_plan_is_the_command_lines_json(client: TestClient) -> None:
    """POST /api/plan answers what `--format json` writes for the same settings."""
    answer = client.post("/api/plan", json={**PLAN, "done": ["2025-06-20"], "lang": "es"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    settings = Settings.from_mapping({**PLAN, "done": ["2025-06-20"], "lang": "es"})
    from followup import RenderOptions

    expected = render(schedule_for(settings, date.today()), "json", RenderOptions(lang="es"))
    assert answer.json() == json.loads(expected)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"treatment_date": "2025-03-14", "years": 40}, "years", "years: 40 is not allowed"),
        ({"treatment_date": "2025-03-14", "colour": "red"}, "colour", "unknown key"),
        ({"treatment_date": "2025-03-14", "protocol": "x.toml"}, "protocol", "choose one of"),
        ({"name": "Ana"}, "treatment_date", "treatment_date is missing"),
        ({"treatment_date": "2025-03-14", "done": ["2020-01-01"]}, "done", "before the treatment"),
    ],
)
def test_a_bad_value_answers_422_with_the_field(
    client: TestClient, body: dict[str, object], field: str, message: str
) -> None:
    """`{"error": {"field": …, "message": …}}`, spelled as keys are for Python and JSON."""
    answer = client.post("/api/plan", json=body)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == field
    assert message in error["message"]


@pytest.mark.parametrize("body", [b"{", b"[1, 2]", b'"text"', b"\xff", b"[" * 5000])
def test_a_body_that_is_not_a_json_object_answers_422(client: TestClient, body: bytes) -> None:
    """Broken JSON, a list, invalid UTF-8 or deep nesting: 422 for the whole body, never 500."""
    answer = client.post("/api/plan", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] is None


def test_the_api_tells_the_next_visit(client: TestClient) -> None:
    """POST /api/next: the visit to book as seen on `today`, with the days until it."""
    answer = client.post("/api/next", json={**PLAN, "today": "2025-05-01"})
    assert answer.status_code == 200
    assert answer.json()["visit"]["number"] == 1
    assert answer.json()["days_until"] == 46
    bad = client.post("/api/next", json={**PLAN, "today": "01/05/2025"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "today"


def test_the_api_serves_any_file_format_and_the_plan_file(client: TestClient) -> None:
    """POST /api/plan/{format}: the registry's formats, the patient file, 422 for others."""
    ics = client.post("/api/plan/ics", json=PLAN)
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert client.post("/api/plan/xlsx", json=PLAN).content.startswith(b"PK")
    assert client.post("/api/plan/toml", json=PLAN).text.startswith("treatment_date = 2025-03-14")
    other = client.post("/api/plan/docx", json=PLAN)
    assert other.status_code == 422
    assert other.json()["error"]["field"] == "format"


def test_the_api_lists_protocols_and_regions(client: TestClient) -> None:
    """GET /api/protocols names every preset with its source; regions come with names."""
    listed = client.get("/api/protocols").json()
    assert listed[0]["id"] == "ibero-american-2025"
    assert listed[0]["default"] is True
    assert listed[0]["source"]["url"].startswith("https://")
    regions = client.get("/api/regions/es").json()
    assert {"code": "ES-MD", "name": "Madrid"} in regions
    assert client.get("/api/regions/ZZ").json() == []


def test_the_openapi_document_describes_the_api_only(client: TestClient) -> None:
    """/openapi.json lists the API with its request schema; pages and docs are not in it."""
    document = client.get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/api/plan",
        "/api/plan/{format}",
        "/api/next",
        "/api/protocols",
        "/api/regions/{country}",
    }
    request = document["paths"]["/api/plan"]["post"]["requestBody"]["content"]
    schema = request["application/json"]["schema"]
    assert schema["required"] == ["treatment_date"]
    assert schema["properties"]["years"]["maximum"] == 30
    assert client.get("/docs").status_code == 404


def test_a_body_over_the_limit_answers_413() -> None:
    """A form, a JSON body or a roster larger than its limit is refused before it is planned."""
    small = TestClient(create_app(limits=Limits(body_bytes=1000, upload_bytes=2000)))
    page = small.post("/en/", data={**PLAN, "name": "x" * 2000})
    assert page.status_code == 413
    assert "larger than this site accepts" in page.text
    _has_privacy_headers(page.headers)
    api = small.post("/api/plan", json={**PLAN, "name": "x" * 2000})
    assert api.status_code == 413
    assert api.json()["error"]["field"] is None

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        yield b'{"name": "'
        yield b"x" * 2000
        yield b'"}'

    streamed = small.post("/api/plan", content=chunks())
    assert streamed.status_code == 413
    roster = small.post("/en/clinic", files={"roster": ("r.csv", b"x" * 5000, "text/csv")})
    assert roster.status_code == 413


def test_pages_speak_the_language_of_the_url_or_the_browser(client: TestClient) -> None:
    """`<html lang>` follows the path; without one, Accept-Language; links switch by path."""
    for language in ("en", "es", "pt", "pt-BR"):
        for path in ("/", "/protocols", "/protocols/uk-low-grade", "/clinic"):
            page = client.get(path_in(language, path)).text
            assert page.startswith(f'<!DOCTYPE html>\n<html lang="{language}">')
    negotiated = client.get("/", headers={"accept-language": "pt-BR,pt;q=0.9,en;q=0.5"})
    assert '<html lang="pt-BR">' in negotiated.text
    assert negotiated.headers["vary"] == "Accept-Language"
    assert 'href="/es/clinic"' in client.get("/en/clinic").text
    assert client.get("/fr/").status_code == 404


@pytest.mark.parametrize(
    ("header", "country"),
    [
        ("es-ES,es;q=0.9", "ES"),
        ("pt-BR,pt;q=0.9,en;q=0.5", "BR"),
        ("en-GB", "GB"),
        ("zh-Hant-TW", "TW"),
        ("es", None),
        ("es,en-US;q=0.5", None),  # only the first language counts
        ("es-419", None),
        ("en-ZZ", None),  # no such country for the holidays package
        ("", None),
    ],
)
def test_the_empty_form_suggests_the_browsers_country(
    client: TestClient, header: str, country: str | None
) -> None:
    """The Plan page's holidays field pre-selects the region of the browser's first
    language, when the holidays package knows that country; otherwise none."""
    for path in ("/", "/en/"):
        page = client.get(path, headers={"accept-language": header})
        assert page.headers["vary"] == "Accept-Language"
        selected = re.findall(r'<option value="([A-Z]{2})" selected>', page.text)
        assert selected == ([country] if country else [])


def test_a_suggested_country_lists_its_regions(client: TestClient) -> None:
    """With Spain suggested, the region field offers Spain's regions."""
    page = client.get("/", headers={"accept-language": "es-ES"}).text
    assert '<option value="ES-MD"' in page


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("es-MX,es;q=0.9", "es"),
        ("de-DE,pt;q=0.4,es;q=0.3", "pt"),
        ("pt-br", "pt-BR"),
        ("fr, es;q=0", "en"),
        ("es;q=nonsense, pt;q=0.1", "pt"),
    ],
)
def test_the_browsers_language_is_understood(header: str | None, language: str) -> None:
    """Quality values rank the languages; one refused (q=0) or unreadable is never chosen."""
    assert from_accept_language(header) == language


def test_protocol_pages_say_what_the_command_line_says(client: TestClient) -> None:
    """Each preset's page: phases, choices, the source with its link, the quoted wording."""
    page = client.get("/en/protocols/esmo-2010-high-grade").text
    assert "Months between visits in the first phase: 3–4 months" in page
    assert "Length of the first phase in years: 2–3 years" in page
    assert "every 3-4 months in the 2-3 years" in page
    assert client.get("/en/protocols/nothing").status_code == 404
    listing = client.get("/es/protocols").text
    assert listing.count('<li>\n<h2><a href="/es/protocols/') == 10
    colorectal = client.get("/en/protocols/nccn-colon-2022-stage-iv").text
    assert "CEA monitoring, as above" in colorectal
    assert "The source ends follow-up at 5 years" in colorectal
    assert "cancers-14-05255-t005" in colorectal
    oncosur = client.get("/pt-BR/protocols/oncosur-high-grade").text
    assert '<blockquote lang="es">“En tumores de grado intermedio o alto' in oncosur


ROSTER = b"""id,treatment_date,name,holidays,done
p-001,2024-01-31,Ana,ES-MD,2024-05-02
p-002,2023-06-15,Bea,PT,
p-003,2023-02-30,Caro,,
"""


def test_a_roster_comes_back_as_a_zip_and_bad_rows_are_listed(client: TestClient) -> None:
    """Clinic: bad rows listed on the page first; asked for, the zip of the others' files."""
    files = {"roster": ("roster.csv", ROSTER, "text/csv")}
    listed = client.post("/en/clinic", files=files, data={"format": ["ics", "html"]})
    assert listed.status_code == 200
    assert "2 of 3 patients were planned" in listed.text
    assert "p-003" in listed.text
    answer = client.post(
        "/en/clinic", files=files, data={"format": ["ics", "html"], "partial": "yes"}
    )
    assert answer.headers["content-type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(answer.content)).namelist())
    assert names == {
        "plans/p-001.ics",
        "plans/p-001.html",
        "plans/p-002.ics",
        "plans/p-002.html",
        "plans/summary.csv",
        "plans/errors.csv",
    }


def test_a_good_roster_downloads_at_once(client: TestClient) -> None:
    """Every row planned: the zip comes back straight away."""
    roster = (EXAMPLES / "roster.csv").read_bytes()
    answer = client.post("/en/clinic", files={"roster": ("roster.csv", roster, "text/csv")})
    assert answer.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert "plans/p-001.ics" in archive.namelist()
    assert archive.read("plans/errors.csv").decode("utf-8-sig").strip() == "line,id,reason"


def test_the_zip_holds_private_files_under_plans(client: TestClient) -> None:
    """The zip's files are compressed, readable by their owner only once unpacked, and dated
    the clock's time, as the folder of `followup batch` would hold them; patients in roster
    order."""
    files = {"roster": ("roster.csv", ROSTER, "text/csv")}
    answer = client.post("/en/clinic", files=files, data={"format": "json", "partial": "yes"})
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    entries = archive.infolist()
    assert [entry.filename for entry in entries] == [
        "plans/p-001.json",
        "plans/p-002.json",
        "plans/errors.csv",
        "plans/summary.csv",
    ]
    for entry in entries:
        assert entry.compress_type == zipfile.ZIP_DEFLATED
        assert entry.external_attr >> 16 == 0o100600
        assert datetime(*entry.date_time) == datetime(2026, 1, 1)  # SOURCE_DATE_EPOCH here
    summary = archive.read("plans/summary.csv").decode("utf-8-sig").splitlines()
    assert (
        summary[0]
        == "id,name,protocol,visits,visits_done,next_visit,next_date,days_until,status,files"
    )
    assert [line.split(",")[0] for line in summary[1:]] == ["p-001", "p-002"]
    errors = archive.read("plans/errors.csv").decode("utf-8-sig").splitlines()
    assert errors[1].startswith("4,p-003,column 'treatment_date'")


def test_the_zip_holds_what_followup_batch_writes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """At the same moment, the roster's zip holds the very files, byte for byte, that
    `followup batch` writes into its folder: each patient's, the summary and the errors."""
    from followup import _batch as batch
    from followup._export import FORMATS, RenderOptions
    from followup.web.planning import version

    made = datetime(2026, 1, 1, tzinfo=UTC)  # the clock's stamp: SOURCE_DATE_EPOCH here
    chosen = ["ics", "csv", "json", "html"]
    files = {"roster": ("roster.csv", ROSTER, "text/csv")}
    answer = client.post("/en/clinic", files=files, data={"format": chosen, "partial": "yes"})
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    zipped = {name.removeprefix("plans/"): archive.read(name) for name in archive.namelist()}
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER)
    options = RenderOptions(lang="en", stamp=made, version=version())
    forms = tuple(FORMATS[name] for name in chosen)
    batch.run(roster, batch.Job(tmp_path / "out", forms, Settings(), options, date.today()))
    written = {file.name: file.read_bytes() for file in (tmp_path / "out").iterdir()}
    assert len(written) == 2 * len(chosen) + 2
    assert zipped == written


def test_a_roster_never_touches_the_servers_disk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Nothing is written to the server's disk for a roster, not even a large upload (which
    the form parser would keep in a temporary file over 1 MB): no file opened for writing,
    no folder made, the temporary folder left empty."""
    import builtins
    import os
    import tempfile

    app = create_app(limits=Limits(roster_rows=300))
    long_rows = b"".join(b"x%d,2024-01-31,%s\n" % (n, b"N" * 9000) for n in range(130))
    roster = b"id,treatment_date,name\np-001,2024-01-31,Ana\np-002,2023-06-15,Bea\n" + long_rows
    assert len(roster) > 1024 * 1024
    written: list[str] = []
    real_os_open, real_open, real_mkdir = os.open, io.open, os.mkdir

    def os_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            written.append(str(path))
        return real_os_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    def open_(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if set(mode) & set("wax+"):
            written.append(str(file))
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    def mkdir(path: object, *args: object, **kwargs: object) -> None:
        written.append(str(path))
        real_mkdir(path, *args, **kwargs)  # type: ignore[arg-type]

    with TestClient(app) as web:
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(os, "mkdir", mkdir)
        monkeypatch.setattr(io, "open", open_)
        monkeypatch.setattr(builtins, "open", open_)
        answer = web.post(
            "/en/clinic",
            files={"roster": ("roster.csv", roster, "text/csv")},
            data={"format": ["ics", "pdf"], "partial": "yes"},
        )
        monkeypatch.undo()
    assert answer.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert "plans/p-002.pdf" in names
    assert written == []
    assert list(tmp_path.iterdir()) == []


def test_a_form_that_is_not_one_is_refused(client: TestClient) -> None:
    """A multipart body without its boundary, or with two files, is a bad request."""
    broken = client.post(
        "/en/clinic", content=b"x", headers={"content-type": "multipart/form-data"}
    )
    assert broken.status_code == 400
    two = {"roster": ("a.csv", ROSTER, "text/csv"), "other": ("b.csv", ROSTER, "text/csv")}
    assert client.post("/en/clinic", files=two).status_code == 400


def test_a_roster_over_the_limits_is_refused_clearly(client: TestClient) -> None:
    """More rows than allowed, no file, or a file that is no roster: a message, status 400."""
    many = b"id,treatment_date\n" + b"".join(b"p%d,2024-01-31\n" % n for n in range(60))
    answer = client.post("/en/clinic", files={"roster": ("r.csv", many, "text/csv")})
    assert answer.status_code == 400
    assert "the roster has more than 50 patients, the most accepted here" in answer.text
    assert client.post("/en/clinic", data={"format": "ics"}).status_code == 400
    header = client.post("/en/clinic", files={"roster": ("r.csv", b"who,when\n", "text/csv")})
    assert "unknown column" in header.text


def test_the_access_log_has_no_query_strings_or_bodies(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """One line per request: method, path, status and time; never the query or the body."""
    with caplog.at_level(logging.INFO, logger="followup.web.access"):
        client.post("/en/?name=Secret", data={**PLAN, "name": "Secretname"})
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1
    assert lines[0].startswith("POST /en/ 200 ")
    assert "Secret" not in lines[0]


def test_a_failure_inside_answers_a_plain_page_not_a_trace(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever goes wrong inside is logged; the person gets a short page with the headers."""
    from followup.web import pages

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(pages, "plan", broken)
    with caplog.at_level(logging.ERROR, logger="followup.web.error"):
        answer = TestClient(create_app()).post("/es/", data=PLAN)
    assert answer.status_code == 500
    assert "secret detail" not in answer.text
    assert "Algo ha fallado" in answer.text or '<html lang="es">' in answer.text
    _has_privacy_headers(answer.headers)
    assert "secret detail" in caplog.text


def test_limits_come_from_the_environment() -> None:
    """Each limit has its variable; a value that is not a positive number stops the start."""
    limits = Limits.from_environment({"FOLLOWUP_WEB_MAX_ROSTER_ROWS": "10"})
    assert limits == Limits(roster_rows=10)
    with pytest.raises(ValueError, match="FOLLOWUP_WEB_MAX_UPLOAD_BYTES"):
        Limits.from_environment({"FOLLOWUP_WEB_MAX_UPLOAD_BYTES": "2MB"})


def test_a_roster_cannot_read_files_on_the_server(client: TestClient, tmp_path: Path) -> None:
    """A roster row naming a protocol file is refused: the server's disk is not the user's."""
    secret = tmp_path / "secret.toml"
    secret.write_text(
        'name = "Secret"\n[[phases]]\nevery_months = 3\n[source]\ncitation = "hidden"\n',
        encoding="utf-8",
    )
    roster = f"id,treatment_date,protocol\n-7,2024-01-31,{secret}\n".encode()
    listed = client.post("/en/clinic", files={"roster": ("r.csv", roster, "text/csv")})
    assert "hidden" not in listed.text
    assert "Secret" not in listed.text
    assert "choose one of ibero-american-2025" in listed.text
    assert "&#39;-7" not in listed.text  # the id as written, not quoted for spreadsheets
    assert ">-7<" in listed.text


def test_a_calendar_without_a_name_points_at_the_name(client: TestClient) -> None:
    """Asked for a calendar with no name, the answer names the field `name`, not the date."""
    answer = client.post("/api/plan/ics", json={"treatment_date": "2025-03-14"})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "name"


def test_the_form_and_a_protocol_page_show_what_each_choice_weighs(client: TestClient) -> None:
    """Before any plan: the form shows, for the protocol chosen, the visits each early
    interval gives over 5, 10 and 15 years; the protocol's page shows its own."""
    form = client.get("/en/").text
    assert "How many visits? What each choice gives" in form
    assert (
        '<th scope="row">every 3 months in years 1–2</th><td>14</td><td>19</td><td>24</td>' in form
    )
    assert (
        '<th scope="row">every 4 months in years 1–2</th><td>12</td><td>17</td><td>22</td>' in form
    )
    colorectal = client.get("/es/protocols/nccn-colon-2022-stage-iv").text
    assert '<th scope="row">control + CEA</th><td>14</td><td>24</td><td>34</td>' in colorectal
    assert "no da cifras de dosis de radiación ni de coste" in colorectal
    ended = client.post("/en/", data={"protocol": "nccn-colon-2022-stage-iv", "name": "Ana"}).text
    assert "Left empty: where the source ends follow-up." in ended
    assert '<th scope="row">visit + CEA</th>' in ended


def test_a_visit_recorded_for_another_stream_survives_changing_the_plan(client: TestClient) -> None:
    """`visit:DATE` (a stream other than the first) comes back in the form as its date and
    its stream chosen, so changing the plan never drops it; a row's stream chosen on the
    page records the date for that stream."""
    data = {
        "treatment_date": "2024-01-31",
        "name": "Ana",
        "protocol": "nccn-colon-2022-stage-iv",
        "done": ["2024-05-02", "visit:2024-05-10"],
    }
    page = client.post("/en/", data=data).text
    assert 'value="2024-05-10" type="date"' in page
    assert 'value="2024-05-02" type="date"' in page
    assert page.count('<option value="visit" selected>visit + CEA</option>') == 1
    chosen = client.post(
        "/en/",
        data={**data, "done": ["2024-05-02", "2024-05-10"], "done_stream": ["", "visit"]},
    ).text
    assert chosen.count('<option value="visit" selected>visit + CEA</option>') == 1
    assert "visit + CEA" in chosen
