"""Exporters, and the one registry of output formats that every front end reads.

Each `Format` names itself, its file suffix, its media type, whether it is text
or bytes, and its renderer. The command line's `--format` and `-o` suffix, the
batch's format list and the web's downloads all look formats up here, so a new
format is one entry. A renderer imports its exporter only when called: a run
that writes a calendar never loads the PDF library, and the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from followup import _i18n as i18n
from followup._errors import InvalidOption
from followup._i18n import _
from followup._schedule import MAX_REMIND_DAYS, Schedule
from followup._settings import DEFAULT_REMIND, Settings

__all__ = [
    "FILE_FORMATS",
    "FORMATS",
    "Format",
    "FormatName",
    "Paper",
    "RenderOptions",
    "format_named",
]


# The registry's formats by name, for type checkers (a test keeps it equal to `FORMATS`).
FormatName = Literal["table", "ics", "csv", "xlsx", "md", "json", "fhir", "note", "html", "pdf"]


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


@dataclass(frozen=True)
class RenderOptions:
    """How to write a schedule, beside what it says: one value, built once per run.

    `remind`: days before each visit for a calendar reminder (0: none).
    `stamp`: when the file is made (DTSTAMP, the sheet's footer); None: now.
    `version`: followup's version, printed on sheets; None: read when needed.
    `width` and `color`: for the terminal table.
    `calendar_id`: who the plan is for, in calendar UIDs, when it has no name.
    `chart_lang`: adds to the sheet a page for the clinic's chart in that language.
    `link`: a web plan link: a calendar is refreshed from it daily (the calendar's own
    address), a PDF sheet prints it as a QR code (the plan page's address).
    """

    remind: int = DEFAULT_REMIND
    paper: Paper = Paper.A4
    lang: str = "en"
    stamp: datetime | None = None
    version: str | None = None
    width: int = 120
    color: bool = False
    calendar_id: str | None = None
    chart_lang: str | None = None
    link: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.remind <= MAX_REMIND_DAYS:
            raise ValueError(f"remind {self.remind} outside 0–{MAX_REMIND_DAYS}")
        i18n.check(self.lang)
        if self.chart_lang is not None:
            i18n.check(self.chart_lang)

    @classmethod
    def for_settings(cls, settings: Settings, **options: Any) -> RenderOptions:
        """Options for the settings' reminder and languages, and `options` for the rest."""
        lang = settings.lang or i18n.current()
        remind = settings.value("remind")
        return cls(remind=remind, lang=lang, chart_lang=settings.chart_lang, **options)

    @property
    def timestamp(self) -> datetime:
        return self.stamp or datetime.now(UTC).replace(microsecond=0)

    @property
    def version_text(self) -> str:
        if self.version is not None:
            return self.version
        from importlib.metadata import version

        return version("followup")


Renderer = Callable[[Schedule, RenderOptions], bytes]


@dataclass(frozen=True)
class Format:
    """One output format: how it is named, stored, served and drawn."""

    name: str
    suffix: str | None  # None: not written to files (the terminal table)
    media_type: str
    binary: bool
    renderer: Renderer
    needs: Callable[[], None] | None = None  # raises MissingDependency when a library is absent

    def require(self) -> None:
        """Fail early, with how to fix it, when this format's library is not installed."""
        if self.needs is not None:
            self.needs()

    def render(self, schedule: Schedule, options: RenderOptions) -> bytes:
        """The schedule in this format, in the options' language."""
        with i18n.using(options.lang):
            return self.renderer(schedule, options)


def _table(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.tables import terminal_table

    return terminal_table(schedule, width=options.width, color=options.color).encode()


def _csv(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.tables import to_csv

    return to_csv(schedule).encode()


def _xlsx(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.xlsx import to_xlsx

    return to_xlsx(schedule, stamp=options.timestamp)


def _markdown(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.tables import to_markdown

    return to_markdown(schedule).encode()


def _json(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.tables import to_json

    return to_json(schedule).encode()


def _ics(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.ics import to_ics

    return to_ics(
        schedule,
        remind_days=options.remind,
        stamp=options.timestamp,
        calendar_id=options.calendar_id,
        source=options.link,
    )


def _fhir(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.fhir import to_fhir

    return to_fhir(schedule, stamp=options.timestamp, calendar_id=options.calendar_id).encode()


def _note(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.note import to_note

    return to_note(schedule).encode()


def _html(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.sheet import to_html

    return to_html(
        schedule,
        generated=options.timestamp,
        version=options.version_text,
        chart_lang=options.chart_lang,
    ).encode()


def _pdf_library() -> None:
    from followup._export.sheet import require_pdf

    require_pdf()


def _pdf(schedule: Schedule, options: RenderOptions) -> bytes:
    from followup._export.sheet import to_pdf

    return to_pdf(
        schedule,
        generated=options.timestamp,
        version=options.version_text,
        paper=options.paper,
        chart_lang=options.chart_lang,
        link=options.link,
    )


FORMATS: dict[str, Format] = {
    each.name: each
    for each in (
        Format("table", None, "text/plain; charset=utf-8", False, _table),
        Format("ics", ".ics", "text/calendar; charset=utf-8", False, _ics),
        Format("csv", ".csv", "text/csv; charset=utf-8", False, _csv),
        Format(
            "xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            True,
            _xlsx,
        ),
        Format("md", ".md", "text/markdown; charset=utf-8", False, _markdown),
        Format("json", ".json", "application/json", False, _json),
        # R4's media type names its version; the double suffix keeps plan.json plain JSON.
        Format("fhir", ".fhir.json", "application/fhir+json; fhirVersion=4.0", False, _fhir),
        Format("note", ".txt", "text/plain; charset=utf-8", False, _note),
        Format("html", ".html", "text/html; charset=utf-8", False, _html),
        Format("pdf", ".pdf", "application/pdf", True, _pdf, _pdf_library),
    )
}
# The formats a file can hold, in the order help and messages list them.
FILE_FORMATS = tuple(name for name, each in FORMATS.items() if each.suffix)


def format_named(name: str, option: str = "format", *, files_only: bool = False) -> Format:
    """The format called `name`, or bad input that lists the choices."""
    known = FILE_FORMATS if files_only else tuple(FORMATS)
    chosen = FORMATS.get(name.strip().lower())
    if chosen is None or chosen.name not in known:
        choices = ", ".join(known)
        raise InvalidOption(option, name, _("choose from {formats}").format(formats=choices))
    return chosen
