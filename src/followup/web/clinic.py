"""The Clinic page: a roster in, a zip of every patient's files out, through `run_roster`;
or the worklist of who to call, through `worklist`; and a roster template to start from.

The upload, its rows, the files and the zip are held in memory from the request
to the answer: nothing is written to the server's disk, not even by the form
parser, which would keep a large upload in a temporary file.
"""

from __future__ import annotations

import contextlib
import io
import stat
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from fastapi import APIRouter, HTTPException, Request
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.responses import HTMLResponse, Response

from followup import _clock as clock
from followup import _i18n as i18n
from followup._clock import Moment
from followup._errors import FollowupError
from followup._export import FILE_FORMATS, FORMATS, RenderOptions
from followup._roster import Outcome, RosterJob, run_roster
from followup._roster_file import RosterRows, UnusableRoster, read_roster_bytes
from followup._worklist import DEFAULT_WITHIN, MAX_WITHIN
from followup.web.limits import Limits, size_text
from followup.web.pages import MOST_FIELDS, form_data, language
from followup.web.planning import off_loop, version
from followup.web.rendering import page
from followup.web.text import TEXT, t

__all__ = ["Zipped", "plan_roster", "router", "worklist_file"]

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Zipped:
    """A roster's run: the zip, and the rows that could not be planned."""

    data: bytes
    total: int
    written: int
    failed: list[tuple[str, str, str]]  # line, id, reason


def _uploaded(roster: bytes, limits: Limits) -> RosterRows:
    """An upload's rows; refused past the row limit, read no further than one row past it."""
    rows = read_roster_bytes(roster, most=limits.roster_rows)
    if len(rows) > limits.roster_rows:
        raise UnusableRoster(None, t("clinic.too_many", rows=limits.roster_rows))
    return rows


def plan_roster(
    roster: bytes, formats: tuple[str, ...], lang: str, limits: Limits, when: Moment
) -> Zipped:
    """Plan every row and zip the files, all in memory, as seen `when`."""
    with i18n.using(lang):
        rows = _uploaded(roster, limits)
        options = RenderOptions(lang=lang, stamp=when.stamp, version=version())
        forms = tuple(FORMATS[f] for f in formats)
        job = RosterJob(forms, when.today, options=options, presets_only=True)
        failed: list[tuple[str, str, str]] = []

        def note(outcome: Outcome, total: int) -> None:
            if outcome.error is not None:
                failed.append((str(outcome.line), outcome.id, outcome.error))

        # The failures as they come, not as errors.csv keeps them (quoted for spreadsheets).
        archive = _Zip(when.stamp)
        report = run_roster(rows, job, archive, on_row=note)
    return Zipped(archive.buffer.getvalue(), report.total, report.written, failed)


class _Zip:
    """A `roster.Destination` that puts each file in a zip, under `plans/`, as it comes:
    compressed at once, rather than every file held until the end."""

    def __init__(self, made: datetime) -> None:
        self.buffer = io.BytesIO()
        self.archive = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED)
        self.moment = made.astimezone().timetuple()[:6]  # zip times are local

    def __enter__(self) -> _Zip:
        return self

    def __exit__(self, *exception: object) -> None:
        self.archive.close()

    def write(self, name: str, data: bytes) -> None:
        entry = zipfile.ZipInfo(f"plans/{name}", date_time=self.moment)
        entry.external_attr = (stat.S_IFREG | 0o600) << 16  # readable by its owner only
        self.archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)

    @contextlib.contextmanager
    def stream(self, name: str) -> Iterator[IO[bytes]]:
        buffer = io.BytesIO()
        yield buffer
        self.write(name, buffer.getvalue())


def _page(request: Request, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    limits: Limits = request.app.state.limits
    megabytes = size_text(limits.upload_bytes)
    context.setdefault("problem", None)
    context.setdefault("failed", None)
    context.setdefault("chosen", ("ics",))
    context.setdefault("work_problem", None)
    context.setdefault("within_problem", None)
    context.setdefault("within", DEFAULT_WITHIN)
    context.setdefault("work_format", "page")
    context.setdefault("work", None)
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
        work_formats=_WORK_FORMATS,
        most_within=MAX_WITHIN,
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


@contextlib.asynccontextmanager
async def _form(request: Request, limits: Limits) -> AsyncIterator[FormData]:
    """The request's form, an uploaded roster kept in memory whatever its size.

    Starlette keeps an upload over 1 MB in a temporary file on disk; here the
    bound is the largest body the page takes, which the guard holds requests to.
    """
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "multipart/form-data":
        async with form_data(request) as data:  # a form without a file
            yield data
        return
    async with contextlib.aclosing(request.stream()) as body:
        parser = MultiPartParser(request.headers, body, max_files=1, max_fields=MOST_FIELDS)
        parser.spool_max_size = limits.for_path(request.url.path)
        try:
            data = await parser.parse()
        except MultiPartException as error:
            raise HTTPException(400, error.message) from None
    try:
        yield data
    finally:
        await data.close()


@router.post("/{lang}/clinic", response_model=None)
async def clinic_run(request: Request, lang: str) -> Response:
    """The zip of the roster's files; the page with the rows that failed, unless asked."""
    chosen = language(lang, request)
    limits: Limits = request.app.state.limits
    async with _form(request, limits) as data:
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
        zipped = await off_loop(plan_roster, roster, formats, chosen, limits, clock.now())
    except UnusableRoster as error:
        return _page(request, chosen, 400, problem=error.problem, chosen=formats)
    except FollowupError as error:
        return _page(request, chosen, 400, problem=str(error), chosen=formats)
    if zipped.failed and not partial:
        return _page(request, chosen, 200, failed=zipped, chosen=formats)
    headers = {"Content-Disposition": 'attachment; filename="followup-roster.zip"'}
    return Response(zipped.data, media_type="application/zip", headers=headers)


# The worklist's files, as the form offers them: the page first.
# The worklist as the form offers it: on the page first, then as files.
_WORK_FORMATS = ("page", "html", "xlsx", "pdf", "csv", "json")


def worklist_file(
    roster: bytes, name: str, within: int, lang: str, limits: Limits, when: Moment
) -> tuple[bytes, str] | Any:
    """The roster's worklist as seen `when`: in the format `name` with its media type, or,
    for `page`, what the Clinic page shows of it."""
    from followup._clinic_files import WORKLIST_FORMATS, page_content, render_worklist
    from followup._worklist import worklist

    with i18n.using(lang):
        rows = _uploaded(roster, limits)
        # The roster is bounded (`Limits.roster_rows`): its lines stay in memory.
        work = worklist(rows, when.today, within=within, presets_only=True, spill=False)
        if name == "page":
            return page_content(work, when.stamp, version())
        data = render_worklist(work, name, stamp=when.stamp, version=version())
        return data, WORKLIST_FORMATS[name].media_type


@router.post("/{lang}/clinic/worklist", response_model=None)
async def worklist_run(request: Request, lang: str) -> Response:
    """The worklist as a file (a page to print, a spreadsheet…); the form again with the problem."""
    chosen = language(lang, request)
    limits: Limits = request.app.state.limits
    async with _form(request, limits) as data:
        asked = data.get("format")
        name = asked if isinstance(asked, str) and asked in _WORK_FORMATS else "page"
        within_text = data.get("within")
        upload = data.get("roster")
        named = isinstance(upload, UploadFile) and bool(upload.filename)
        roster = (
            await upload.read(limits.upload_bytes + 1) if isinstance(upload, UploadFile) else b""
        )
    context: dict[str, Any] = {"work_format": name}
    with i18n.using(chosen):
        text = within_text.strip() if isinstance(within_text, str) else ""
        if not text:
            within = DEFAULT_WITHIN
        elif text.isascii() and text.isdigit() and int(text) <= MAX_WITHIN:
            within = int(text)
        else:
            problem = t("clinic.within_range", high=MAX_WITHIN)
            return _page(request, chosen, 400, within_problem=problem, within=text[:10], **context)
        context["within"] = within
        if not named:
            return _page(request, chosen, 400, work_problem=t("clinic.no_file"), **context)
        if len(roster) > limits.upload_bytes:
            problem = t("clinic.too_large", size=size_text(limits.upload_bytes))
            return _page(request, chosen, 413, work_problem=problem, **context)
    try:
        made = await off_loop(worklist_file, roster, name, within, chosen, limits, clock.now())
    except UnusableRoster as error:
        return _page(request, chosen, 400, work_problem=error.problem, **context)
    except FollowupError as error:
        return _page(request, chosen, 400, work_problem=str(error), **context)
    if name == "page":
        return _page(request, chosen, 200, work=made, **context)
    data_out, media = made
    # The printable page too is a file: its own style is inline, which the site's policy forbids.
    headers = {"Content-Disposition": f'attachment; filename="worklist.{name}"'}
    return Response(data_out, media_type=media, headers=headers)


@router.get("/{lang}/clinic/roster-template.xlsx", response_model=None)
async def roster_template_file(request: Request, lang: str) -> Response:
    """A roster to fill in, in the page's language."""
    from followup._clinic_files import XLSX_TYPE, roster_template

    chosen = language(lang, request)

    def made() -> bytes:
        with i18n.using(chosen):
            return roster_template()

    data = await off_loop(made)
    headers = {"Content-Disposition": 'attachment; filename="roster.xlsx"'}
    return Response(data, media_type=XLSX_TYPE, headers=headers)
