"""A plan link's pages: `/p/<token>` the result page, `.ics` the calendar (to download or
subscribe to), `.pdf` the sheet. The token carries the plan's settings sealed (see
`followup.web.links`); the server keeps nothing. A token that does not open is a 400 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from followup import _clock as clock
from followup import _i18n as i18n
from followup._clock import Moment
from followup._errors import FollowupError
from followup._export import format_named
from followup._settings import Settings
from followup.web.forms import FORM, PlanForm
from followup.web.languages import from_accept_language
from followup.web.limits import Limits
from followup.web.links import BadLink
from followup.web.pages import plan_page_for, where
from followup.web.planning import (
    disposition,
    file_name,
    off_loop,
    plan,
    render_options,
    settings_from,
)
from followup.web.rendering import page
from followup.web.take import Where
from followup.web.text import t

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CALENDAR_TYPE = "text/calendar; charset=utf-8"


class _Refused(Exception):
    """A link that opens to nothing usable: the 400 page, in `lang`, says `message`."""

    def __init__(self, lang: str, message: str) -> None:
        self.lang = lang
        self.message = message


def _opened(token: str, where_: Where, fallback: str) -> tuple[Settings, PlanForm]:
    """The settings sealed in `token`, checked again as a form's; `_Refused` otherwise."""
    try:
        raw = where_.keys.open(token)
    except BadLink:
        with i18n.using(fallback):
            raise _Refused(fallback, t("link.bad")) from None
    lang = raw.get("lang")
    lang = lang if isinstance(lang, str) and lang in i18n.LANGUAGES else fallback
    try:
        settings = settings_from(raw, FORM, lang)  # the web's rules, as when it was sealed
    except FollowupError as error:  # a link from a version that allowed what this one refuses
        with i18n.using(lang):
            raise _Refused(lang, f"{t('link.bad')} ({error})") from None
    return settings, PlanForm.of(settings)


def _refused(refusal: _Refused) -> HTMLResponse:
    return page("error.html", refusal.lang, "/", 400, message=refusal.message)


def _fallback(request: Request) -> str:
    return from_accept_language(request.headers.get("accept-language"))


@router.get("/p/{token}.ics", response_model=None)
async def link_calendar(request: Request, token: str) -> Response:
    """The plan's calendar, made today: subscribed to, it keeps statuses current."""
    return await off_loop(
        _file, token, "ics", where(request), _fallback(request), _limits(request), clock.now()
    )


@router.get("/p/{token}.pdf", response_model=None)
async def link_sheet(request: Request, token: str) -> Response:
    """The plan's sheet, with the link's QR code."""
    return await off_loop(
        _file, token, "pdf", where(request), _fallback(request), _limits(request), clock.now()
    )


@router.get("/p/{token}", response_model=None)
async def link_page(request: Request, token: str) -> Response:
    """The plan's result page, in the plan's language."""
    return await off_loop(
        _page, token, where(request), _fallback(request), _limits(request), clock.now()
    )


def _page(token: str, where_: Where, fallback: str, limits: Limits, when: Moment) -> Response:
    try:
        settings, form = _opened(token, where_, fallback)
        lang = settings.lang or fallback
        try:
            schedule = plan(settings, limits, when.today)
        except FollowupError as error:
            with i18n.using(lang):
                raise _Refused(lang, f"{t('link.bad')} ({error})") from None
    except _Refused as refusal:
        return _refused(refusal)
    form.values["lang"] = lang
    return plan_page_for(settings, schedule, form, when, where_)


def _file(
    token: str, kind: str, where_: Where, fallback: str, limits: Limits, when: Moment
) -> Response:
    try:
        settings, _form = _opened(token, where_, fallback)
        lang = settings.lang or fallback
        try:
            with i18n.using(lang):
                schedule = plan(settings, limits, when.today)
                chosen = format_named(kind, "format", files_only=True)
                chosen.require()
                link = where_.base.rstrip("/") + f"/p/{token}"
                own = f"{link}.ics" if kind == "ics" else link  # a calendar refreshes from itself
                options = render_options(settings, when.stamp, link=own)
                data = chosen.render(schedule, options)
        except FollowupError as error:
            with i18n.using(lang):
                raise _Refused(lang, f"{t('link.bad')} ({error})") from None
    except _Refused as refusal:
        return _refused(refusal)
    media = CALENDAR_TYPE if kind == "ics" else chosen.media_type
    # The guard adds `Cache-Control: no-store` and `Referrer-Policy: no-referrer`: the link
    # is the plan, and stays out of caches and other sites' logs.
    headers = {
        # The sheet opens in the browser, to read or print; the calendar is a file, which
        # a phone hands to its calendar (Safari offers "Add All").
        "Content-Disposition": disposition(file_name(settings, f".{kind}"), inline=kind == "pdf"),
    }
    return Response(data, media_type=media, headers=headers)


def _limits(request: Request) -> Limits:
    limits: Limits = request.app.state.limits
    return limits
