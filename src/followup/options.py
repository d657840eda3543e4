"""The command line's options, declared from the settings schema and shared by its commands.

A setting's flag, metavar and help come from its `Field` in `followup.settings`,
so a new setting is declared once. Every value arrives as text and is converted
and checked by `Settings.from_mapping`, the same as a patient file's or a
roster's. Defaults are None so that a patient file (--from) or a roster row can
fill what the command line leaves out; the help text names the default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from followup.export import FILE_FORMATS, Paper
from followup.settings import field_named

__all__ = [
    "Done",
    "EarlyInterval",
    "EarlyYears",
    "FromFile",
    "HolidayCode",
    "Language",
    "Name",
    "Output",
    "PaperSize",
    "PlanFormat",
    "ProtocolChoice",
    "Remind",
    "Today",
    "TrackEvery",
    "TrackExam",
    "TreatmentDate",
    "WeekendRule",
    "Years",
]


def _setting(name: str) -> Any:
    """The typer option of the setting `name`, spelled and explained as its field says."""
    declared = field_named(name)
    return typer.Option(
        declared.flag, metavar=declared.metavar, help=declared.help_text(), show_default=False
    )


TreatmentDate = Annotated[
    str | None,
    typer.Argument(
        metavar=field_named("treatment_date").metavar,
        help=field_named("treatment_date").help_text(),
        show_default=False,
    ),
]
ProtocolChoice = Annotated[str | None, _setting("protocol")]
EarlyInterval = Annotated[str | None, _setting("early_interval")]
EarlyYears = Annotated[str | None, _setting("early_years")]
Years = Annotated[str | None, _setting("years")]
WeekendRule = Annotated[str | None, _setting("weekends")]
HolidayCode = Annotated[str | None, _setting("holidays")]
Name = Annotated[str | None, _setting("name")]
Done = Annotated[list[str] | None, _setting("done")]
TrackExam = Annotated[list[str] | None, _setting("tracks")]
Remind = Annotated[str | None, _setting("remind")]
Language = Annotated[str | None, _setting("lang")]

TrackEvery = Annotated[
    list[str] | None,
    typer.Option(
        "--every",
        metavar="MONTHS",
        help="Months between the visits of the --track given with it.",
        show_default=False,
    ),
]
FromFile = Annotated[
    Path | None,
    typer.Option(
        "--from",
        metavar="FILE.toml",
        help="Patient file with the treatment date, options and visits done; "
        "options on the command line win.",
        show_default=False,
    ),
]
Today = Annotated[
    str | None,
    typer.Option(metavar="DATE", help="The day to count from [default: the system date]."),
]
PlanFormat = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="|".join(("table", *FILE_FORMATS)),
        help="Output format [default: from the -o suffix, else table].",
        show_default=False,
    ),
]
Output = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        metavar="PATH",
        help=f"File to write ({' '.join('.' + name for name in FILE_FORMATS)}); "
        "- for standard output.",
    ),
]
PaperSize = Annotated[Paper, typer.Option(help="Paper size of a PDF sheet.")]
