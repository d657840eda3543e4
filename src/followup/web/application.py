"""The ASGI application: the pages, the JSON API, the static files, and the guard around them."""

from __future__ import annotations

import contextlib
import gc
import html
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response

from followup import _i18n as i18n
from followup._errors import not_allowed
from followup.web import clinic, json_api, pages, plan_links, protocol_pages
from followup.web.guard import Answer, Guard, Scope
from followup.web.languages import from_accept_language, from_path
from followup.web.limits import Limits, size_text
from followup.web.links import Keys
from followup.web.rendering import page, page_text
from followup.web.text import t

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"


def _language_of(scope: Scope) -> str:
    """The language of the page asked for: from its path, else the browser's."""
    found = from_path(scope.get("path", ""))
    if found is not None:
        return found
    headers = dict(scope.get("headers", []))
    return from_accept_language(headers.get(b"accept-language", b"").decode("latin-1"))


def _answer(limits: Limits, scope: Scope, status: int) -> Answer:
    """What the guard answers itself: a body over the limit (413) or too slow to arrive
    (408), or a failure (500)."""
    language = _language_of(scope)
    with i18n.using(language):
        if status == 413:
            size = limits.for_path(scope["path"])
            message = t("error.too_large", size=size_text(size))
        elif status == 408:
            message = t("error.too_slow")
        else:
            message = t("error.failed")
    if scope["path"].startswith("/api/"):
        body = json_api.problem(None, message, status).body
        return status, [(b"content-type", b"application/json")], bytes(body)
    try:
        text = page_text("error.html", language, scope["path"], message=message)
    except Exception:  # the page itself failed: plain words still reach the person
        text = f"<!DOCTYPE html><title>followup</title><p>{html.escape(message)}</p>"
    return status, [(b"content-type", b"text/html; charset=utf-8")], text.encode()


async def _http_error(request: Request, error: Exception) -> Response:
    """404, 405 and the like: a page for people, JSON for programs. A 405 says in `Allow`
    which methods the address takes."""
    status = error.status_code if isinstance(error, HTTPException) else 422
    headers = getattr(error, "headers", None) or None
    path = request.url.path
    language = _language_of(request.scope)
    field = None
    with i18n.using(language):
        if isinstance(error, RequestValidationError):
            field, message = _invalid(error)
        elif status == 404:
            message = t("error.not_found")
        elif status == 400:  # the form parser's own refusal, in its words: ours instead
            message = t("error.bad_form")
        else:
            message = str(getattr(error, "detail", ""))
    if path.startswith("/api/"):
        response = json_api.problem(field, message, status)
        response.headers.update(headers or {})
        return response
    return page("error.html", language, path, status, headers, message=message)


def _invalid(error: RequestValidationError) -> tuple[str | None, str]:
    """The field and the message of the first problem in a request's path or query."""
    for problem in error.errors():
        location = problem.get("loc", ())
        field = str(location[-1]) if location else None
        allowed = problem.get("ctx", {}).get("expected")
        value = problem.get("input")
        if allowed:
            return field, not_allowed(
                str(value), i18n._("choose {choices}").format(choices=allowed)
            )
        return field, str(problem.get("msg", ""))
    return None, ""


async def _failed(request: Request, error: Exception) -> Response:
    """The page for a failure; the guard logs it. Registered so that Starlette's own
    plain-text answer never goes out first."""
    status, headers, body = request.app.state.answer(request.scope, 500)
    return Response(body, status, headers={k.decode(): v.decode() for k, v in headers})


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, json_api.BadRequest)  # noqa: S101 - registered for this type only
    return json_api.problem(error.field, error.message)


def create_app(limits: Limits | None = None, keys: Keys | None = None) -> Guard:
    """The whole app; `limits` and the plan links' `keys` default to the environment's
    (see `Limits.from_environment` and `Keys.from_environment`)."""
    limits = limits or Limits.from_environment()
    keys = keys or Keys.from_environment()
    web = FastAPI(
        lifespan=_lifespan,
        # No telemetry, whatever the environment configures: FastAPI would otherwise trace
        # requests (their paths hold plan links) to any OpenTelemetry exporter set up.
        telemetry={
            "tracing": False,
            "metrics": False,
            "logs": False,
            "operation_spans": False,
            "auto_configure": False,
        },
        title="followup",
        summary="Imaging follow-up schedules after cancer treatment, from published guidelines.",
        description="Educational, not medical advice: the care team decides. "
        "Requests are the patient file's keys; nothing is stored.",
        version=_version(),
        docs_url=None,  # the interactive pages load scripts from elsewhere
        redoc_url=None,
    )
    web.state.limits = limits
    web.state.keys = keys
    web.include_router(json_api.router)
    web.include_router(protocol_pages.router)
    web.include_router(clinic.router)
    web.include_router(plan_links.router)
    web.include_router(pages.router)
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    web.add_exception_handler(HTTPException, _http_error)
    web.add_exception_handler(RequestValidationError, _http_error)
    web.add_exception_handler(json_api.BadRequest, _refused)
    web.add_exception_handler(Exception, _failed)

    def answer(scope: Scope, status: int) -> Answer:
        return _answer(limits, scope, status)

    web.state.answer = answer
    return Guard(web, limits.for_path, answer, limits.body_seconds)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On start: load what the first pages would load, then set it all aside from the
    garbage collector (`gc.freeze`). A full collection would otherwise go through every
    object of the libraries, about 40 ms in which no page is drawn, once every few hundred
    pages: the slowest hundredth of the answers."""
    _settle()
    yield


def _settle() -> None:
    import segno  # noqa: F401 # loaded by the first QR code otherwise

    from followup._export import ics, note, sheet  # noqa: F401 # the formats pages draw
    from followup._export.templates import environment

    for name in environment().list_templates():
        environment().get_template(name)
    gc.collect()
    gc.freeze()


def _version() -> str:
    from followup.web.planning import version

    return version()
