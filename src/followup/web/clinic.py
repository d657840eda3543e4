"""The Clinic page: a roster in, a zip of every patient's files out, through `followup.batch`.

The roster and the files are written to a temporary folder that is removed
before the answer leaves, so nothing stays on the server.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import HTMLResponse, Response

from followup import batch, i18n
from followup.errors import FollowupError
from followup.export import FILE_FORMATS, FORMATS, RenderOptions
from followup.settings import Settings
from followup.web.limits import Limits, size_text
from followup.web.pages import form_data, language
from followup.web.planning import version
from followup.web.rendering import page
from followup.web.text import TEXT, t

__all__ = ["Zipped", "plan_roster", "router"]

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Zipped:
    """A roster's run: the zip, and the rows that could not be planned."""

    data: bytes
    total: int
    written: int
    failed: list[tuple[str, str, str]]  # line, id, reason


def plan_roster(roster: bytes, formats: tuple[str, ...], lang: str, limits: Limits) -> Zipped:
    """Plan every row into a temporary folder and zip what was written."""
    with tempfile.TemporaryDirectory(prefix="followup-") as folder:
        path = Path(folder) / "roster.csv"
        path.write_bytes(roster)
        with i18n.using(lang):
            rows, _duplicates = batch.check_roster(path)
            if rows > limits.roster_rows:
                message = t("clinic.too_many", count=rows, rows=limits.roster_rows)
                raise batch.UnusableRoster(path, message)
            options = RenderOptions(
                lang=lang, stamp=datetime.now(UTC).replace(microsecond=0), version=version()
            )
            out = Path(folder) / "plans"
            forms = tuple(FORMATS[f] for f in formats)
            job = batch.Job(out, forms, Settings(), options, date.today(), presets_only=True)
            failed: list[tuple[str, str, str]] = []

            def note(outcome: batch.Outcome, total: int) -> None:
                if outcome.error is not None:
                    failed.append((str(outcome.line), outcome.id, outcome.error))

            # A temporary folder: no flush to disk, and the failures as they come, not as
            # errors.csv keeps them (quoted for spreadsheets).
            report = batch.run(path, job, on_row=note, durable=False)
        return Zipped(_zip(out), report.total, report.written, failed)


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, f"plans/{file.name}")
    return buffer.getvalue()


def _page(request: Request, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    limits: Limits = request.app.state.limits
    megabytes = size_text(limits.upload_bytes)
    context.setdefault("problem", None)
    context.setdefault("failed", None)
    context.setdefault("chosen", ("ics",))
    return page(
        "clinic.html",
        lang,
        request.url.path,
        status,
        section="clinic",
        formats=FILE_FORMATS,
        labels={name: _format_label(name) for name in FILE_FORMATS},
        size=megabytes,
        rows=limits.roster_rows,
        **context,
    )


def _format_label(name: str) -> str:
    """`.ics` for a format named by its suffix; `clinic note, plain text (.txt)` for the others."""
    suffix = FORMATS[name].suffix or ""
    key = f"clinic.format.{name}"
    return f"{t(key)} ({suffix})" if key in TEXT else suffix


@router.get("/clinic")
@router.get("/{lang}/clinic")
async def clinic_page(request: Request, lang: str | None = None) -> HTMLResponse:
    """The roster form."""
    response = _page(request, language(lang, request))
    if lang is None:
        response.headers["Vary"] = "Accept-Language"
    return response


def _formats(data: FormData) -> tuple[str, ...]:
    asked = [value for value in data.getlist("format") if isinstance(value, str)]
    return tuple(name for name in FILE_FORMATS if name in asked) or ("ics",)


@router.post("/{lang}/clinic", response_model=None)
async def clinic_run(request: Request, lang: str) -> Response:
    """The zip of the roster's files; the page with the rows that failed, unless asked."""
    chosen = language(lang, request)
    limits: Limits = request.app.state.limits
    async with form_data(request) as data:
        formats = _formats(data)
        partial = data.get("partial") == "yes"
        upload = data.get("roster")
        named = isinstance(upload, UploadFile) and bool(upload.filename)
        roster = (
            await upload.read(limits.upload_bytes + 1) if isinstance(upload, UploadFile) else b""
        )
    with i18n.using(chosen):
        if not named:
            return _page(request, chosen, 400, problem=t("clinic.no_file"), chosen=formats)
        if len(roster) > limits.upload_bytes:
            problem = t("clinic.too_large", size=size_text(limits.upload_bytes))
            return _page(request, chosen, 413, problem=problem, chosen=formats)
    try:
        zipped = await run_in_threadpool(plan_roster, roster, formats, chosen, limits)
    except batch.UnusableRoster as error:
        return _page(request, chosen, 400, problem=error.problem, chosen=formats)
    except FollowupError as error:
        return _page(request, chosen, 400, problem=str(error), chosen=formats)
    if zipped.failed and not partial:
        return _page(request, chosen, 200, failed=zipped, chosen=formats)
    headers = {"Content-Disposition": 'attachment; filename="followup-roster.zip"'}
    return Response(zipped.data, media_type="application/zip", headers=headers)
