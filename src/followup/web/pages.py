"""The Plan page: the form, the plan under it, its files, and a plan file opened again."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from markupsafe import Markup
from starlette.datastructures import FormData, UploadFile
from starlette.responses import HTMLResponse, Response

from followup import _clock as clock
from followup import _i18n as i18n
from followup import _wording as wording
from followup._clock import Moment
from followup._dates import Weekends
from followup._errors import FollowupError
from followup._export.note import to_note
from followup._export.sheet import SheetContent, content
from followup._patient import parse_patient
from followup._protocols import DEFAULT_PROTOCOL, PRESETS
from followup._schedule import Schedule
from followup._settings import Settings
from followup.web import places
from followup.web.forms import FORM, OTHER, PlanForm
from followup.web.languages import from_accept_language
from followup.web.limits import Limits
from followup.web.planning import (
    DOWNLOADS,
    disposition,
    download,
    off_loop,
    plan,
    settings_from,
    version,
)
from followup.web.rendering import page
from followup.web.text import t

__all__ = ["form_data", "language", "router"]

router = APIRouter(include_in_schema=False)
# Form parts a request may carry: the inputs of the Plan page with many rows, and one file.
MOST_FIELDS = 600


def language(lang: str | None, request: Request) -> str:
    """The language the path names, else the browser's; an unknown one is no page at all."""
    if lang is None:
        return from_accept_language(request.headers.get("accept-language"))
    if lang not in i18n.LANGUAGES:
        raise HTTPException(404)
    return lang


def form_data(request: Request) -> AbstractAsyncContextManager[FormData]:
    """The request's form, its uploaded file closed (and deleted) when the block ends."""
    return request.form(max_files=1, max_fields=MOST_FIELDS)


@dataclass(frozen=True)
class Result:
    """A plan as the page shows it: the sheet's content and the visit to book next."""

    lang: str
    sheet: SheetContent
    next_row: int | None
    next_sentence: str
    form: PlanForm
    note: str  # the clinic note, to copy into a letter or a record


def _result(settings: Settings, schedule: Schedule, form: PlanForm, when: Moment) -> Result:
    with i18n.using(settings.lang or "en"):
        sheet = content(schedule, generated=when.stamp, version=version())
        upcoming = schedule.next_from(when.today)
        sentence = wording.next_sentence(schedule, upcoming)
        note = to_note(schedule)
    visits = list(schedule.visits)
    row = visits.index(upcoming.visit) if upcoming.visit in visits else None
    return Result(settings.lang or "en", sheet, row, sentence, form, note)


def _plan_page(
    lang: str, path: str, form: PlanForm, *, result: Result | None = None, **extra: Any
) -> HTMLResponse:
    status = 400 if form.errors or extra.get("open_error") else 200
    country = form.values.get("holidays", "").strip().upper()
    with i18n.using(lang):
        presets = [(key, i18n._(preset.name)) for key, preset in PRESETS.items()]
    return page(
        "plan.html",
        lang,
        path,
        status,
        section="plan",
        form=form,
        result=result,
        presets=presets,
        default_protocol=DEFAULT_PROTOCOL.id,
        weekends=[rule.value for rule in Weekends],
        # Safe: names escaped, codes checked as two capital letters.
        country_options=Markup(places.country_options(lang, country)),  # noqa: S704
        regions=places.regions(country),
        other_fields=OTHER,
        open_error=extra.get("open_error"),
    )


def _planned(lang: str, path: str, form: PlanForm, limits: Limits, when: Moment) -> HTMLResponse:
    """The page with the form's plan, or with what to correct: CPU work, run off the loop."""
    try:
        settings = settings_from(form.raw(), FORM, lang)
        schedule = plan(settings, limits, when.today)
    except FollowupError as error:
        with i18n.using(lang):
            form.refuse(error)
        return _plan_page(lang, path, form)
    return _plan_page(lang, path, form, result=_result(settings, schedule, form, when))


@router.get("/")
@router.get("/{lang}/")
async def plan_page(request: Request, lang: str | None = None) -> HTMLResponse:
    """The empty form; a protocol may be chosen in the query, from a protocol's page.

    The holidays field suggests the country of the browser's first language
    (`es-ES`, `pt-BR`), when the holidays package knows it.
    """
    chosen = language(lang, request)
    form = PlanForm({"lang": chosen})
    asked = request.query_params.get("protocol", "")
    if asked in PRESETS:
        form.values["protocol"] = asked
    first = request.headers.get("accept-language", "").split(",")[0].split(";")[0]
    region = next((tag for tag in first.strip().split("-")[1:] if len(tag) == 2), "").upper()
    if any(code == region for code, _name in places.countries(chosen)):
        form.values["holidays"] = region
    response = _plan_page(chosen, request.url.path, form)
    response.headers["Vary"] = "Accept-Language"  # the language, or the country suggested
    return response


@router.post("/{lang}/")
async def submit(request: Request, lang: str) -> HTMLResponse:
    """The plan for the form's values, or the form again with what to correct."""
    chosen = language(lang, request)
    async with form_data(request) as data:
        form = PlanForm.read(data, _lists(data))
        action = data.get("action")
    if isinstance(action, str) and action not in ("", "plan"):
        return _plan_page(chosen, request.url.path, form.with_rows(action))
    when = clock.now()
    return await off_loop(_planned, chosen, request.url.path, form, _limits(request), when)


@router.post("/{lang}/download/{kind}", response_model=None)
async def download_file(request: Request, lang: str, kind: str) -> Response:
    """One of the plan's files, from the values of the plan shown."""
    chosen = language(lang, request)
    if kind not in DOWNLOADS:
        raise HTTPException(404)
    async with form_data(request) as data:
        form = PlanForm.read(data, _lists(data))
    when = clock.now()
    return await off_loop(_download, chosen, form, kind, _limits(request), when)


def _download(lang: str, form: PlanForm, kind: str, limits: Limits, when: Moment) -> Response:
    """The file, or the form with what to correct: CPU work, run off the loop."""
    try:
        settings = settings_from(form.raw(), FORM, lang)
        content_bytes, media_type, name = download(settings, kind, limits, when)
    except FollowupError as error:
        with i18n.using(lang):
            form.refuse(error)
        return _plan_page(lang, f"/{lang}/", form)
    headers = {"Content-Disposition": disposition(name)}
    return Response(content_bytes, media_type=media_type, headers=headers)


def _limits(request: Request) -> Limits:
    limits: Limits = request.app.state.limits
    return limits


@router.post("/{lang}/open")
async def open_plan_file(request: Request, lang: str) -> HTMLResponse:
    """A plan file saved before: the form refilled from it, and its plan."""
    chosen = language(lang, request)
    path = f"/{chosen}/"
    empty = PlanForm({"lang": chosen})
    async with form_data(request) as data:
        upload = data.get("plan_file")
        content = await upload.read() if isinstance(upload, UploadFile) else b""
        name = Path(upload.filename or "").name[:100] if isinstance(upload, UploadFile) else ""
    if not name:
        with i18n.using(chosen):
            message = t("plan.no_file")
        return _plan_page(chosen, path, empty, open_error=message)
    with i18n.using(chosen):
        try:
            text = content.decode("utf-8-sig")
            settings = parse_patient(text, Path(name))
        except UnicodeDecodeError:
            return _plan_page(chosen, path, empty, open_error=_not_text(name))
        except FollowupError as error:
            return _plan_page(chosen, path, empty, open_error=str(error))
    when = clock.now()
    return await off_loop(_planned, chosen, path, PlanForm.of(settings), _limits(request), when)


def _not_text(name: str) -> str:
    return f"{name}: " + i18n._("not a text file in UTF-8")


def _lists(data: FormData) -> dict[str, list[object]]:
    return {
        name: list(data.getlist(name)) for name in ("done", "tracks.exam", "tracks.every_months")
    }
