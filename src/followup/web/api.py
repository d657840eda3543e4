"""The JSON API: a plan, the next visit, a plan's files, the protocols, and holiday regions.

A request is a JSON object with the patient file's keys. It is read as it came
and handed to `Settings.from_mapping` with the `KEYS` origin, like a mapping
from Python; a value that cannot be used answers 422 with the field and the
message. The request schema in /openapi.json is written from the same schema.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from followup import i18n
from followup.dates import parse_date
from followup.errors import FollowupError, InvalidDate, InvalidOption, InvalidSetting, MissingValue
from followup.export import FILE_FORMATS
from followup.i18n import _
from followup.protocols import DEFAULT_PROTOCOL, PRESETS
from followup.settings import KEYS
from followup.web import places
from followup.web.planning import disposition, download, plan, settings_from
from followup.web.schema import ERROR, NEXT_REQUEST, PLAN_REQUEST, body

__all__ = ["BadRequest", "problem", "router"]

router = APIRouter(prefix="/api", tags=["api"])


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
        return BadRequest(error.field, str(error))
    return BadRequest("treatment_date", str(error))


RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "A value that cannot be used",
        "content": {"application/json": {"schema": ERROR}},
    }
}


@router.post("/plan", openapi_extra=body(PLAN_REQUEST), responses=RESPONSES)
async def plan_json(request: Request) -> Response:
    """The plan, as `followup plan --format json` writes it."""
    return await plan_file(request, "json")


@router.post("/plan/{form}", openapi_extra=body(PLAN_REQUEST), responses=RESPONSES)
async def plan_file(request: Request, form: str) -> Response:
    """The plan as a file of one format (ics, csv, xlsx, md, json, html, pdf), or `toml`,
    the patient file."""
    data = await _object(request)
    language = _language(data)
    try:
        settings = settings_from(data, KEYS, language)
        content, media_type, name = download(settings, form.strip().lower())
    except FollowupError as error:
        raise _refusal(error) from None
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": disposition(name)}
    )


@router.post("/next", openapi_extra=body(NEXT_REQUEST), responses=RESPONSES)
async def next_json(request: Request) -> Response:
    """The next visit to book, as `followup next --format json` writes it.

    `today` (YYYY-MM-DD) sets the day to count from; by default, the server's date.
    """
    from datetime import date

    from followup.export.tables import next_json as to_json

    data = await _object(request)
    language = _language(data)
    today_text = data.pop("today", None)
    try:
        with i18n.using(language):
            if today_text is not None and not isinstance(today_text, str):
                raise InvalidDate(repr(today_text), _("give the day as YYYY-MM-DD"))
            today = parse_date(today_text) if today_text else date.today()
        settings = settings_from(data, KEYS, language)
        schedule = plan(settings, today)
        with i18n.using(settings.lang or language):
            text = to_json(schedule, today)
    except FollowupError as error:
        raise _refusal(error) from None
    return Response(text, media_type="application/json")


@router.get("/protocols")
async def protocols(lang: str = "en") -> list[dict[str, Any]]:
    """The preset protocols: id, name, exam, phases and source."""
    language = lang if lang in i18n.LANGUAGES else "en"
    with i18n.using(language):
        return [_protocol(key) for key in PRESETS]


def _protocol(key: str) -> dict[str, Any]:
    from followup.export.tables import protocol_json

    return {"default": key == DEFAULT_PROTOCOL.id, **protocol_json(PRESETS[key])}


@router.get("/regions/{country}")
async def regions(country: str) -> list[dict[str, str]]:
    """The regions of a country, for the holidays setting: `ES-MD` and its name."""
    return [{"code": code, "name": name} for code, name in places.regions(country.upper()[:3])]


FORMATS = (*FILE_FORMATS, "toml")
