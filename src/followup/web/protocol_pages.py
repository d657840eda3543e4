"""The Protocols pages: the presets in brief, and each one in full, as `followup protocols` says."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import HTMLResponse

from followup import i18n, wording
from followup.protocols import DEFAULT_PROTOCOL, PRESETS, Protocol
from followup.settings import field_named
from followup.web.pages import language
from followup.web.rendering import page
from followup.web.text import t

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Described:
    """A protocol as its page shows it, in the page's language."""

    id: str
    default: bool
    name: str
    exam: str
    phases: list[str]
    tracks: list[str]
    choices: list[str]
    start: str
    citation: str
    url: str | None
    quote: str
    quoted_from: str
    checked: str
    notes: list[str]


def _choices(protocol: Protocol) -> list[str]:
    first = protocol.phases[0]
    choices = []
    if first.allowed[0] != first.allowed[1]:
        low, high = first.allowed
        span = t("protocols.months_range", low=low, high=high)
        choices.append(f"{i18n._(field_named('early_interval').label)}: {span}")
    if first.until_allowed is not None:
        low, high = (months // 12 for months in first.until_allowed)
        span = t("protocols.years_range", low=low, high=high)
        choices.append(f"{i18n._(field_named('early_years').label)}: {span}")
    return choices


def _described(protocol: Protocol) -> Described:
    _ = i18n._
    source = protocol.source
    return Described(
        id=protocol.id,
        default=protocol.id == DEFAULT_PROTOCOL.id,
        name=_(protocol.name),
        exam=_(protocol.exam),
        phases=[wording.phase_rule(phase) for phase in protocol.phases],
        tracks=[wording.track_rule(track) for track in protocol.tracks],
        choices=_choices(protocol),
        start=_(protocol.start_hint),
        citation=source.citation,
        url=source.url,
        quote=source.quote,
        quoted_from=_(source.quoted_from),
        checked=_(source.verification),
        notes=[_(note) for note in protocol.notes],
    )


@router.get("/protocols")
@router.get("/{lang}/protocols")
async def protocol_list(request: Request, lang: str | None = None) -> HTMLResponse:
    """Every preset: its name, source and how far it was checked."""
    chosen = language(lang, request)
    with i18n.using(chosen):
        described = [_described(protocol) for protocol in PRESETS.values()]
    response = page(
        "protocols.html", chosen, request.url.path, section="protocols", protocols=described
    )
    if lang is None:
        response.headers["Vary"] = "Accept-Language"
    return response


@router.get("/protocols/{key}")
@router.get("/{lang}/protocols/{key}")
async def protocol_page(request: Request, key: str, lang: str | None = None) -> HTMLResponse:
    """One preset in full: phases, choices, exam, start, source, quoted wording, notes."""
    chosen = language(lang, request)
    if key not in PRESETS:
        raise HTTPException(404)
    with i18n.using(chosen):
        described = _described(PRESETS[key])
    response = page(
        "protocol.html", chosen, request.url.path, section="protocols", protocol=described
    )
    if lang is None:
        response.headers["Vary"] = "Accept-Language"
    return response
