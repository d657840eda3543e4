"""The JSON API: a plan, the next visit, a plan's files, the protocols, and holiday regions.

A request is a JSON object with the patient file's keys. It is read as it came
and handed to `Settings.from_mapping` with the `KEYS` origin, like a mapping
from Python; a value that cannot be used answers 422 with the field and the
message. The request schema in /openapi.json is written from the same schema.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from followup import _clock as clock
from followup import _i18n as i18n
from followup._dates import parse_date
from followup._errors import FollowupError, InvalidDate, InvalidOption, InvalidSetting, MissingValue
from followup._i18n import _
from followup._protocols import DEFAULT_PROTOCOL, PRESETS
from followup._settings import KEYS, Settings
from followup.web import places
from followup.web.limits import Limits
from followup.web.planning import DOWNLOADS, disposition, download, off_loop, plan, settings_from
from followup.web.schema import ERROR, NEXT_REQUEST, PLAN_REQUEST, body

__all__ = ["BadRequest", "problem", "router"]

router = APIRouter(prefix="/api", tags=["api"])

# The files a plan can be had as: every file format, and `toml`, the plan file.
FileKind = StrEnum("FileKind", [(kind, kind) for kind in DOWNLOADS])  # type: ignore[misc]


class BadRequest(Exception):
    """A request the API refuses: 422 with the field (None for the whole body) and why."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def problem(field: str | None, message: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": {"field": field, "message": message}}, status_code=status)


async def _object(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a refusal of the whole body."""
    # Before the body is read, its language is unknown: these two are told in English.
    with i18n.using("en"):
        try:
            data = json.loads(await request.body())
            # Text must be real Unicode: a lone surrogate can never be written to a file.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (ValueError, RecursionError, UnicodeError):
            raise BadRequest(None, _("the body is not JSON in UTF-8")) from None
        if not isinstance(data, dict):
            raise BadRequest(None, _("the body is not a JSON object"))
    return data


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "string": (str,),
    "array": (list,),
    "object": (dict,),
}


def _typed(data: dict[str, Any], properties: dict[str, Any], within: str = "") -> None:
    """Refuse a value whose JSON type is not the one the request schema states, such as
    `"years": "7"`: the API keeps the document's types, though the settings would read text."""
    for key, value in data.items():
        schema = properties.get(key)
        if schema is None or value is None:
            continue  # an unknown key is refused by the settings, with the keys there are
        field = f"{within}{key}"
        wanted = _JSON_TYPES[schema["type"]]
        if not isinstance(value, wanted) or isinstance(value, bool):
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
            kind = "quoted" if schema["type"] == "integer" and isinstance(value, str) else ""
            raise BadRequest(field, _TYPE_PROBLEMS[kind or schema["type"]]().format(value=shown))
        if isinstance(value, list) and schema["items"].get("type") == "object":
            for item in value:
                if isinstance(item, dict):
                    _typed(item, schema["items"]["properties"], f"{key}.")


_TYPE_PROBLEMS = {
    "integer": lambda: _("{value} is not a whole number"),
    "quoted": lambda: _("{value} is not a whole number; write it without quotes"),
    "string": lambda: _("{value} is not text; put it in quotes"),
    "array": lambda: _("{value} is not a list; write it in [ ]"),
    "object": lambda: _("{value} is not an object; write it in {{ }}"),
}


def _language(data: dict[str, Any]) -> str:
    """The language of the messages: the request's own, when it is one we speak."""
    asked = data.get("lang")
    return asked if isinstance(asked, str) and asked in i18n.LANGUAGES else "en"


def _refusal(error: FollowupError) -> BadRequest:
    if isinstance(error, InvalidSetting):
        return BadRequest(error.field, str(error))
    if isinstance(error, InvalidOption):
        return BadRequest(error.option, str(error))
    if isinstance(error, InvalidDate):
        return BadRequest("today", str(error))
    if isinstance(error, MissingValue) and error.field:
        # Named as the JSON key, as the settings' own messages name it.
        message = _("{what} is missing: {hint}").format(what=error.field, hint=error.hint)
        return BadRequest(error.field, message)
    return BadRequest("treatment_date", str(error))


RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "A value that cannot be used",
        "content": {"application/json": {"schema": ERROR}},
    }
}


@router.post("/plan", openapi_extra=body(PLAN_REQUEST), responses=RESPONSES)
async def plan_json(request: Request) -> Response:
    """The plan as JSON: every visit with its dates, window and status, and what made it."""
    return await _plan_file(request, "json")


def _file_responses() -> dict[int | str, dict[str, Any]]:
    """A 200 of every file's media type, then the API's refusals."""
    from followup._export import FORMATS
    from followup.web.planning import TOML_TYPE

    media = [FORMATS[kind].media_type for kind in DOWNLOADS if kind in FORMATS] + [TOML_TYPE]
    content = {
        kind: {"schema": {"type": "object"} if kind.endswith("json") else {"type": "string"}}
        for kind in (media_type.partition(";")[0] for media_type in media)
    }
    return {200: {"description": "The plan as a file", "content": content}, **RESPONSES}


@router.post(
    "/plan/{format}",
    openapi_extra=body(PLAN_REQUEST),
    responses=_file_responses(),
    response_class=Response,
)
async def plan_file(request: Request, format: FileKind) -> Response:
    """The plan as a file of one format (ics, csv, xlsx, md, json, html, pdf), or `toml`,
    the patient file."""
    return await _plan_file(request, format.value)


async def _plan_file(request: Request, kind: str) -> Response:
    data = await _object(request)
    language = _language(data)
    limits: Limits = request.app.state.limits
    with i18n.using(language):
        _typed(data, PLAN_REQUEST["properties"])
    try:
        settings = settings_from(data, KEYS, language)
        when = clock.now()
        content, media_type, name = await off_loop(download, settings, kind, limits, when)
    except FollowupError as error:
        raise _refusal(error) from None
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": disposition(name)}
    )


@router.post("/next", openapi_extra=body(NEXT_REQUEST), responses=RESPONSES)
async def next_json(request: Request) -> Response:
    """The next visit to book, with where the plan stands.

    `today` (YYYY-MM-DD) sets the day to count from; by default, the server's date.
    """
    data = await _object(request)
    language = _language(data)
    today_text = data.pop("today", None)
    limits: Limits = request.app.state.limits
    with i18n.using(language):
        _typed(data, PLAN_REQUEST["properties"])
    try:
        with i18n.using(language):
            if today_text is not None and not isinstance(today_text, str):
                raise InvalidDate(repr(today_text), _("give the day as YYYY-MM-DD"))
            today = parse_date(today_text) if today_text else clock.now().today
        settings = settings_from(data, KEYS, language)
        text = await off_loop(_next_text, settings, limits, today)
    except FollowupError as error:
        raise _refusal(error) from None
    return Response(text, media_type="application/json")


def _next_text(settings: Settings, limits: Limits, today: date) -> str:
    from followup._export.tables import next_json as to_json

    schedule = plan(settings, limits, today)
    with i18n.using(settings.lang or "en"):
        return to_json(schedule, today)


@router.get("/protocols")
async def protocols(lang: str = "en") -> list[dict[str, Any]]:
    """The preset protocols: id, name, exam, phases and source."""
    language = lang if lang in i18n.LANGUAGES else "en"
    with i18n.using(language):
        return [_protocol(key) for key in PRESETS]


def _protocol(key: str) -> dict[str, Any]:
    from followup._export.tables import protocol_json

    return {"default": key == DEFAULT_PROTOCOL.id, **protocol_json(PRESETS[key])}


@router.get("/regions/{country}")
async def regions(country: str) -> list[dict[str, str]]:
    """The regions of a country, for the holidays setting: `ES-MD` and its name."""
    return [{"code": code, "name": name} for code, name in places.regions(country.upper()[:3])]
