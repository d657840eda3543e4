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
from followup._export.ics import calendar_uid
from followup._export.note import to_note
from followup._export.sheet import SheetContent, content
from followup._patient import parse_patient
from followup._protocols import DEFAULT_PROTOCOL, PRESETS
from followup._schedule import Schedule, Standing, Visit
from followup._settings import Settings
from followup.web import places
from followup.web.forms import FORM, OTHER, PlanForm
from followup.web.languages import from_accept_language
from followup.web.limits import Limits
from followup.web.links import Keys
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
from followup.web.take import PlanLink, Where, devices_for, google_event
from followup.web.text import t

__all__ = ["Result", "form_data", "language", "plan_page_for", "result_of", "router", "where"]

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
    """A plan as the page shows it: the sheet's content, the visit to book next, and the
    ways to take it away (its link, the link's QR code, the steps for each device)."""

    lang: str
    sheet: SheetContent
    next_row: int | None
    next_sentence: str
    form: PlanForm
    note: str  # the clinic note, to copy into a letter or a record
    link: PlanLink
    statuses: list[str]  # each row's standing, for visits whose day has come
    unrecorded: str  # what to do about earlier visits with no scan recorded, or ""
    google: str | None  # the next visit as a Google Calendar event, to add with one tap
    devices: list[str]  # the steps' devices, the visitor's first


def result_of(
    settings: Settings, schedule: Schedule, form: PlanForm, when: Moment, where: Where
) -> Result:
    """The result page's content for a plan, as seen `when`, for the visitor `where`."""
    lang = settings.lang or "en"
    link = where.link_of(form.raw() | {"lang": lang})
    with i18n.using(lang):
        sheet = content(schedule, generated=when.stamp, version=version())
        upcoming = schedule.next_from(when.today)
        sentence = wording.next_sentence(schedule, upcoming)
        note = to_note(schedule)
        visits = list(schedule.visits)
        statuses = [_past_status(schedule, visit, when) for visit in visits]
        unrecorded = (
            i18n.ngettext(
                "{count} earlier visit has no scan recorded. If it was done, add its date "
                "under Scans already done in Change the plan, and later visits will be "
                "counted from it.",
                "{count} earlier visits have no scan recorded. If they were done, add their "
                "dates under Scans already done in Change the plan, and later visits will be "
                "counted from the last one.",
                upcoming.unrecorded,
            ).format(count=upcoming.unrecorded)
            + (f" {t('plan.unrecorded_streams')}" if len(schedule.protocol.streams) > 1 else "")
            if upcoming.unrecorded
            else ""
        )
        google = google_event(schedule, upcoming.visit) if upcoming.visit else None
    row = visits.index(upcoming.visit) if upcoming.visit in visits else None
    return Result(
        lang,
        sheet,
        row,
        sentence,
        form,
        note,
        link,
        statuses,
        unrecorded,
        google,
        devices_for(where.user_agent),
    )


def _past_status(schedule: Schedule, visit: Visit, when: Moment) -> str:
    """`done`, `not recorded` or `overdue` for a visit whose day has come; "" for the rest."""
    standing = schedule.standing_of(visit, when.today)
    if standing in (Standing.DONE, Standing.NOT_RECORDED, Standing.OVERDUE):
        return wording.standing_label(standing)
    return ""


def _plan_page(
    lang: str, path: str, form: PlanForm, *, result: Result | None = None, **extra: Any
) -> HTMLResponse:
    status = 400 if form.errors or extra.get("open_error") else 200
    country = form.values.get("holidays", "").strip().upper()
    chosen = PRESETS.get(form.values.get("protocol", ""), DEFAULT_PROTOCOL)
    with i18n.using(lang):
        presets = [(key, i18n._(preset.name)) for key, preset in PRESETS.items()]
        weights = wording.choice_weights(chosen)
        weights_of = i18n._(chosen.name)
        done_lead = wording.stream_exam(chosen.lead, short=True)
        # A visit done may be recorded for any stream: the protocol's others and the tracks.
        done_streams = [(s.id, wording.stream_exam(s, short=True)) for s in chosen.streams[1:]]
    done_streams += [(exam, exam) for exam, _every in form.tracks if exam.strip()]
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
        weights=weights,
        weights_of=weights_of,
        weights_end=chosen.end_years,
        done_lead=done_lead,
        done_streams=done_streams,
        weekends=[rule.value for rule in Weekends],
        # Safe: names escaped, codes checked as two capital letters.
        country_options=Markup(places.country_options(lang, country)),  # noqa: S704
        regions=places.regions(country),
        other_fields=OTHER,
        open_error=extra.get("open_error"),
        language_paths=extra.get("language_paths"),
    )


def plan_page_for(
    settings: Settings, schedule: Schedule, form: PlanForm, when: Moment, where: Where
) -> HTMLResponse:
    """The page with a plan's result first, in the plan's language; its language links
    open the same plan in each other language."""
    result = result_of(settings, schedule, form, when, where)
    raw = form.raw()
    paths = {code: where.link_of(raw | {"lang": code}).path for code in i18n.LANGUAGES}
    paths[result.lang] = result.link.path
    path = f"/{result.lang}/"
    return _plan_page(result.lang, path, form, result=result, language_paths=paths)


def _planned(
    lang: str, path: str, form: PlanForm, limits: Limits, when: Moment, where: Where
) -> HTMLResponse:
    """The page with the form's plan, or with what to correct: CPU work, run off the loop.

    The page's language is the plan's: the form carries it from the page it was sent from.
    A plan is shown only when its calendar can be made, so that the calendar is never
    refused after the plan was shown (it needs a name or initials).
    """
    form.values["lang"] = lang
    try:
        settings = settings_from(form.raw(), FORM, lang)
        schedule = plan(settings, limits, when.today)
        with i18n.using(lang):
            calendar_uid(schedule)
    except FollowupError as error:
        with i18n.using(lang):
            form.refuse(error)
        return _plan_page(lang, path, form)
    return plan_page_for(settings, schedule, form, when, where)


def where(request: Request) -> Where:
    """The site's address and keys, and the visitor's browser, for the links a page gives."""
    keys: Keys = request.app.state.keys
    base = str(request.base_url).rstrip("/")
    return Where(keys, base, request.headers.get("user-agent", "")[:512])


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
    return await off_loop(
        _planned, chosen, request.url.path, form, _limits(request), when, where(request)
    )


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
    # The page follows the plan file's language, so that page and plan never mix languages.
    lang_of_file = settings.lang or chosen
    form = PlanForm.of(settings)
    return await off_loop(
        _planned, lang_of_file, f"/{lang_of_file}/", form, _limits(request), when, where(request)
    )


def _not_text(name: str) -> str:
    return f"{name}: " + i18n._("not a text file in UTF-8")


def _lists(data: FormData) -> dict[str, list[object]]:
    return {
        name: list(data.getlist(name))
        for name in ("done", "done_stream", "tracks.exam", "tracks.every_months")
    }
