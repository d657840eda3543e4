"""Exporters: each turns a `Schedule` into the text or bytes of one output format.

`render` picks the exporter for a file format and imports only that one, so a
run that writes a calendar never loads the PDF library, and the other way round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from followup.schedule import Schedule

__all__ = ["FILE_FORMATS", "Paper", "render"]

FILE_FORMATS = ("ics", "csv", "md", "json", "html", "pdf")
Paper = Literal["a4", "letter"]


def render(
    schedule: Schedule,
    form: str,
    *,
    remind_days: int,
    paper: Paper,
    stamp: datetime,
    version: str,
) -> bytes:
    """The schedule in one of `FILE_FORMATS`; `stamp` dates the calendar and the sheet."""
    if form == "ics":
        from followup.export.ics import to_ics

        return to_ics(schedule, remind_days=remind_days, stamp=stamp)
    if form == "html":
        from followup.export.sheet import to_html

        return to_html(schedule, generated=stamp, version=version).encode()
    if form == "pdf":
        from followup.export.sheet import to_pdf

        return to_pdf(schedule, generated=stamp, version=version, paper=paper)
    from followup.export import tables

    exporters = {"csv": tables.to_csv, "md": tables.to_markdown, "json": tables.to_json}
    if form not in exporters:
        raise ValueError(f"unknown format {form!r}")
    return exporters[form](schedule).encode()
