"""The web app's bounds, each with the request that once got past it: work per request
linear and bounded, CPU work off the event loop, a body's time, a client gone away, log
lines that cannot be forged, and an OpenAPI document the server keeps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import pytest

pytest.importorskip("fastapi", reason="the web extra: pip install -e '.[dev]'")

from starlette.testclient import TestClient

from followup import Settings
from followup._api import schedule_for
from followup._errors import InvalidSetting
from followup._export import FORMATS, RenderOptions
from followup._protocols import Stream
from followup._settings import KEYS
from followup.web import create_app, json_api, pages
from followup.web.guard import Guard, loggable
from followup.web.limits import Limits

PLAN = {"treatment_date": "2025-03-14", "name": "Ana"}
FORM_TYPE = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(limits=Limits(plan_visits=100))) as test_client:
        yield test_client


def _tracks(count: int, every: int = 12) -> list[dict[str, object]]:
    return [{"exam": f"Exam {i}", "every_months": every} for i in range(count)]


def test_rendering_compares_tracks_a_number_of_times_linear_in_visits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`Schedule.count` once rescanned every track visit for each visit (155 M comparisons
    for 20 monthly tracks over 30 years): now a calendar of n visits compares streams
    fewer than 2n times, and doubling the visits doubles the comparisons at most."""
    compared = 0
    equal = Stream.__eq__

    def counting(self: Stream, other: object) -> bool:
        nonlocal compared
        compared += 1
        return equal(self, other)

    monkeypatch.setattr(Stream, "__eq__", counting)
    counts = []
    for years in (5, 10):
        raw = {**PLAN, "years": years, "tracks": _tracks(3, every=1)}
        settings = Settings.from_mapping(raw, KEYS)
        schedule = schedule_for(settings)
        compared = 0
        FORMATS["ics"].render(schedule, RenderOptions.for_settings(settings))
        visits = len(schedule.visits)
        assert compared < 2 * visits
        counts.append((visits, compared))
    assert counts[1][1] <= 2 * counts[0][1] + 10


def test_the_core_keeps_the_documented_maxima() -> None:
    """11 tracks and 101 scans are refused by every way in, the typed one included."""
    with pytest.raises(InvalidSetting, match="at most 10 tracks"):
        Settings.from_mapping({**PLAN, "tracks": _tracks(11)}, KEYS)
    days = [f"2025-{month:02}-{day:02}" for month in range(4, 9) for day in range(1, 22)]
    with pytest.raises(InvalidSetting, match="at most 100 dates"):
        Settings.from_mapping({**PLAN, "done": days}, KEYS)
    assert Settings.from_mapping({**PLAN, "tracks": _tracks(10)}, KEYS).tracks


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"tracks": _tracks(11)}, "tracks", "at most 10 tracks"),
        ({"tracks": _tracks(15)}, "tracks", "at most 10 tracks"),
        ({"years": "7"}, "years", "'7' is not a whole number; write it without quotes"),
        ({"remind": True}, "remind", "not a whole number"),
        ({"done": "2025-04-01"}, "done", "not a list"),
        ({"tracks": [{"exam": "MRI", "every_months": "6"}]}, "tracks.every_months", "not a whole"),
        ({"name": 7}, "name", "7 is not text"),
    ],
)
def test_the_api_keeps_its_documented_types_and_limits(
    client: TestClient, change: dict[str, object], field: str, words: str
) -> None:
    """What /openapi.json promises, the server keeps: 422 with the field otherwise."""
    answer = client.post("/api/plan", json={**PLAN, **change})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == field
    assert words in answer.json()["error"]["message"]


def test_a_plan_past_the_most_visits_is_refused_by_the_field(client: TestClient) -> None:
    """The work a request asks for is bounded: 422 by `tracks` from the API, the message
    next to the tracks on the page, in the page's language; one visit fewer is served."""
    over = {**PLAN, "years": 30, "tracks": _tracks(1, every=4)}  # 39 + 90 visits
    answer = client.post("/api/plan/ics", json=over)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "tracks"
    assert "this plan would hold 129 visits" in error["message"]
    assert client.post("/api/plan/ics", json={**over, "years": 20}).status_code == 200
    form = {**PLAN, "years": "30", "tracks.exam": "MRI", "tracks.every_months": "4"}
    page = client.post("/es/download/pdf", data=form)
    assert page.status_code == 400
    assert "129" in page.text
    assert "text/html" in page.headers["content-type"]


def test_plans_are_made_off_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planning and rendering run in a worker thread, so a heavy plan never holds up
    the other requests: every route that plans calls it where no event loop runs."""
    seen: list[bool] = []

    def on_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def recording(real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            seen.append(on_loop())
            return real(*args, **kwargs)

        return wrapper

    for module in (json_api, pages):
        for name in ("download", "plan"):
            monkeypatch.setattr(module, name, recording(getattr(module, name)))
    client.post("/api/plan/ics", json=PLAN)
    client.post("/api/next", json=PLAN)
    client.post("/en/", data=PLAN)
    client.post("/en/download/csv", data=PLAN)
    assert seen == [False, False, False, False]


def test_a_405_says_which_methods_the_address_takes(client: TestClient) -> None:
    """GET on a POST route: 405 with `Allow`, as HTTP asks, from the API and the pages."""
    answer = client.get("/api/plan")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert client.get("/en/open").headers["allow"] == "POST"


def test_the_format_in_the_path_is_an_enum_in_the_document(client: TestClient) -> None:
    """`{format}` lists its values in /openapi.json; another is 422 by `format`."""
    document = client.get("/openapi.json").json()
    parameter = document["paths"]["/api/plan/{format}"]["post"]["parameters"][0]
    assert parameter["name"] == "format"
    kinds = document["components"]["schemas"][parameter["schema"]["$ref"].rpartition("/")[2]]
    assert set(kinds["enum"]) >= {"ics", "pdf", "toml"}
    refused = client.post("/api/plan/docx", json=PLAN)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "format"
    assert "'docx' is not allowed" in refused.json()["error"]["message"]
    early = document["paths"]["/api/plan"]["post"]["requestBody"]["content"]
    described = early["application/json"]["schema"]["properties"]["early_interval"]
    assert "depend on the protocol" in described["description"]
    assert "{most}" not in str(document)


def test_log_values_are_one_printable_line() -> None:
    """Control characters, newlines and escape codes are shown escaped; text stays as it is."""
    assert loggable("/en/") == "/en/"
    assert loggable("/a\nGET / 200") == "/a\\nGET / 200"
    assert loggable("/\x1b[31mred\u2028") == "/\\x1b[31mred\\u2028"
    assert loggable("/Añá") == "/Añá"


async def _app_reading_the_body(scope: Any, receive: Any, send: Any) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _run(app: Any, *args: Any) -> None:
    """Run the ASGI `app` in a thread of its own: a browser test may have left an event
    loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(anyio.run, app, *args).result()


def _run_guard(messages: list[dict[str, Any]], pause: float) -> list[dict[str, Any]]:
    """The guard around an app that reads the whole body, fed `messages` `pause` apart."""
    sent: list[dict[str, Any]] = []

    def answer(scope: Any, status: int) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        return status, [], str(status).encode()

    guard = Guard(_app_reading_the_body, lambda path: 1000, answer, body_seconds=0.3)
    feed = iter(messages)

    async def receive() -> dict[str, Any]:
        await anyio.sleep(pause)
        return next(feed)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/plan", "headers": []}
    _run(guard, scope, receive, send)
    return sent


def test_a_body_past_its_time_is_answered_408_and_the_connection_closed() -> None:
    """A body dribbled slower than the body timeout: 408 with `connection: close`."""
    dribble = [{"type": "http.request", "body": b"x", "more_body": True}] * 10
    sent = _run_guard(dribble, pause=0.1)
    assert sent[0]["status"] == 408
    assert (b"connection", b"close") in sent[0]["headers"]
    quick = _run_guard([{"type": "http.request", "body": b"x", "more_body": False}], pause=0)
    assert quick[0]["status"] == 200


def test_a_client_gone_mid_body_is_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    """A phone losing signal mid-upload: no 500, no traceback, one access line with 499."""
    caplog.set_level(logging.INFO)
    gone: list[dict[str, Any]] = [
        {"type": "http.request", "body": b"x", "more_body": True},
        {"type": "http.disconnect"},
    ]
    client = TestClient(create_app())

    sent: list[dict[str, Any]] = []
    app = client.app
    feed = iter(gone)

    async def receive() -> dict[str, Any]:
        return next(feed)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/plan/ics",
        "raw_path": b"/api/plan/ics",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"900")],
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "http_version": "1.1",
    }
    _run(app, scope, receive, send)
    assert sent == []
    assert [
        record.getMessage() for record in caplog.records if "Traceback" in record.getMessage()
    ] == []
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1
    assert lines[0].startswith("POST /api/plan/ics 499 ")
    assert not any(record.exc_info for record in caplog.records)


def test_the_web_reads_the_clock_once_and_keeps_source_date_epoch(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file made on the web is stamped as the command line stamps it: SOURCE_DATE_EPOCH
    when set (the suite sets 2026-01-01), so two downloads of one plan are the same bytes."""
    first = client.post("/api/plan/ics", json=PLAN).content
    assert b"DTSTAMP:20260101T000000Z" in first
    assert client.post("/api/plan/ics", json=PLAN).content == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # a day later
    assert b"DTSTAMP:20260102T000000Z" in client.post("/api/plan/ics", json=PLAN).content


def test_a_protocol_page_is_one_description_as_html_or_json(client: TestClient) -> None:
    """The Protocols pages exist as JSON too (`.json`), made from the same description as
    the page and `followup protocols show`, in the path's language."""
    page = client.get("/es/protocols/uk-high-grade")
    twin = client.get("/es/protocols/uk-high-grade.json").json()
    assert twin["id"] == "uk-high-grade"
    assert twin["name"] in page.text
    assert all(phase in page.text for stream in twin["streams"] for phase in stream["phases"])
    assert twin["choices"][0]["field"] == "early_interval"
    listed = client.get("/pt-BR/protocols.json").json()
    assert listed[0]["id"] == "ibero-american-2025"
    assert client.get("/es/protocols/nope.json").status_code == 404


def test_a_form_the_parser_refuses_is_explained_in_the_page_language(client: TestClient) -> None:
    """Starlette's own words ("Too many fields…", "Missing boundary…") never reach a page:
    a 400 in the page's language says what to do."""
    many = "&".join(f"done=2025-01-{day % 28 + 1:02}" for day in range(700))
    for answer in (
        client.post("/es/", content=many, headers={"content-type": FORM_TYPE}),
        client.post("/es/clinic", content=b"x", headers={"content-type": "multipart/form-data"}),
    ):
        assert answer.status_code == 400
        assert "Too many" not in answer.text
        assert "boundary" not in answer.text
        assert "vuelva a enviarlo" in answer.text


def test_no_telemetry_whatever_the_environment_sets_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """FastAPI traces requests to any OpenTelemetry provider the environment configures,
    and a plan link's path is the plan: ours asks no provider for a tracer, even when one
    is set up (here one that records what it is asked)."""
    from opentelemetry import trace

    asked: list[str] = []

    class Recording(trace.TracerProvider):
        def get_tracer(
            self, instrumenting_module_name: str, *args: Any, **kwargs: Any
        ) -> trace.Tracer:
            asked.append(instrumenting_module_name)
            return trace.NoOpTracer()

    monkeypatch.setattr(trace, "get_tracer_provider", Recording)
    with TestClient(create_app()) as fresh:
        assert fresh.post("/api/plan", json=PLAN).status_code == 200
        assert fresh.get("/en/").status_code == 200
    assert asked == []


def test_on_start_the_libraries_are_set_aside_from_the_garbage_collector() -> None:
    """Started, the app has loaded what its pages draw with and frozen it (`gc.freeze`), so
    that no full collection goes through the libraries' objects while pages wait."""
    import gc

    gc.unfreeze()
    try:
        with TestClient(create_app()):
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_work_off_the_loop_sees_the_callers_context() -> None:
    """A worker thread runs in the context of the request that handed it the work."""
    import contextvars

    from followup.web.planning import off_loop

    request: contextvars.ContextVar[str] = contextvars.ContextVar("request", default="none")

    async def handler() -> str:
        request.set("this one")
        return await off_loop(request.get)

    with ThreadPoolExecutor(1) as alone:  # a thread of its own: no event loop runs there
        assert alone.submit(asyncio.run, handler()).result() == "this one"
    assert request.get() == "none"
