"""The Protocols pages: the presets in brief, and each one in full, as `followup protocols` says."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import HTMLResponse, JSONResponse

from followup import _i18n as i18n
from followup import _wording as wording
from followup._protocols import DEFAULT_PROTOCOL, PRESETS, Protocol
from followup._settings import field_named
from followup.web.pages import language
from followup.web.rendering import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _described(protocol: Protocol) -> wording.ProtocolView:
    """The protocol's one description, its choices named by the settings' labels."""
    view = wording.protocol_view(protocol, DEFAULT_PROTOCOL.id)
    named = [
        wording.Choice(i18n._(field_named(choice.field).label), choice.range)
        for choice in view.choices
    ]
    return view._replace(choices=named)


def _json(protocol: Protocol) -> dict[str, Any]:
    """The same description for programs: each choice by its setting, with its label."""
    view = wording.protocol_view(protocol, DEFAULT_PROTOCOL.id)
    choices = [
        {**choice._asdict(), "label": i18n._(field_named(choice.field).label)}
        for choice in view.choices
    ]
    streams = [stream._asdict() for stream in view.streams]
    return {**view._asdict(), "streams": streams, "choices": choices}


@router.get("/{lang}/protocols.json")
async def protocol_list_json(request: Request, lang: str) -> JSONResponse:
    """The Protocols page as JSON: the same descriptions, in the path's language."""
    chosen = language(lang, request)
    with i18n.using(chosen):
        return JSONResponse([_json(protocol) for protocol in PRESETS.values()])


@router.get("/protocols")
@router.get("/{lang}/protocols")
async def protocol_list(request: Request, lang: str | None = None) -> HTMLResponse:
    """Every preset: its name, source and how far it was checked (`.json`: as JSON)."""
    chosen = language(lang, request)
    with i18n.using(chosen):
        described = [_described(protocol) for protocol in PRESETS.values()]
    response = page(
        "protocols.html", chosen, request.url.path, section="protocols", protocols=described
    )
    if lang is None:
        response.headers["Vary"] = "Accept-Language"
    return response


@router.get("/protocols/{key}", response_model=None)
@router.get("/{lang}/protocols/{key}", response_model=None)
async def protocol_page(
    request: Request, key: str, lang: str | None = None
) -> HTMLResponse | JSONResponse:
    """One preset in full: phases, choices, exam, start, source, quoted wording, notes;
    `ID.json`: the same description as JSON."""
    chosen = language(lang, request)
    as_json = key.endswith(".json")
    key = key.removesuffix(".json")
    if key not in PRESETS:
        raise HTTPException(404)
    with i18n.using(chosen):
        if as_json:
            return JSONResponse(_json(PRESETS[key]))
        described = _described(PRESETS[key])
        weights = wording.choice_weights(PRESETS[key])
    response = page(
        "protocol.html",
        chosen,
        request.url.path,
        section="protocols",
        protocol=described,
        weights=weights,
        weights_of=described.name,
    )
    if lang is None:
        response.headers["Vary"] = "Accept-Language"
    return response
