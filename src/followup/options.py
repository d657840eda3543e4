"""The command line's options and choices, declared once and shared by its commands.

Defaults are None where a patient file (--from) or a roster row may fill in
what the command line leaves out; the help text then names the default.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from followup.dates import Weekends

__all__ = [
    "Done",
    "EarlyInterval",
    "EarlyYears",
    "Format",
    "FromFile",
    "HolidayCode",
    "Lang",
    "Language",
    "Name",
    "NextFormat",
    "Paper",
    "ProtocolChoice",
    "TrackEvery",
    "TrackExam",
    "TreatmentDate",
    "WeekendRule",
    "Years",
]


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    MD = "md"
    JSON = "json"
    ICS = "ics"
    HTML = "html"
    PDF = "pdf"


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


class Lang(StrEnum):
    EN = "en"
    ES = "es"
    PT = "pt"
    PT_BR = "pt-BR"


Language = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="Language of everything written: en, es, pt or pt-BR "
        "[default: from the environment's locale, else en].",
        show_default=False,
    ),
]

# Options shared by `plan` and `next`, declared once. Defaults are None so that a
# value from a patient file (--from) can fill what the command line leaves out.
TreatmentDate = Annotated[
    str | None,
    typer.Argument(
        help="Day of the treatment the plan counts from, as YYYY-MM-DD "
        "(usually the last liver surgery or ablation). May come from --from instead.",
        metavar="TREATMENT_DATE",
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
ProtocolChoice = Annotated[
    str | None,
    typer.Option(
        "--protocol",
        metavar="ID|FILE.toml",
        help="A preset ('followup protocols' lists them) or a centre's protocol file "
        "[default: ibero-american-2025].",
        show_default=False,
    ),
]
EarlyInterval = Annotated[
    int | None,
    typer.Option(
        metavar="MONTHS",
        help="Months between visits in the first phase, within the source's range "
        "(3 or 4 for the default protocol) [default: the shortest].",
    ),
]
EarlyYears = Annotated[
    int | None,
    typer.Option(
        metavar="N",
        help="Length of the first phase in years, where the source gives a range "
        "(e.g. 2–3) [default: the longest].",
    ),
]
Years = Annotated[
    int | None,
    typer.Option(
        metavar="N",
        help="Length of follow-up in years, 1 to 30: a choice, not a rule [default: 10].",
    ),
]
WeekendRule = Annotated[
    Weekends | None,
    typer.Option(
        help="Move a date on a weekend or public holiday to the next or previous open day, "
        "or keep it [default: next].",
        show_default=False,
    ),
]
HolidayCode = Annotated[
    str | None,
    typer.Option(
        "--holidays",
        metavar="CC[-SUB]",
        help="Treat the public holidays of a country or region as closed days, "
        "e.g. PT, ES-MD, BR-SP, US-CA; 'followup holidays' lists the codes.",
    ),
]
Name = Annotated[
    str | None,
    typer.Option(
        metavar="TEXT", help="Whose plan this is, shown in titles; never put in event IDs."
    ),
]
Done = Annotated[
    list[str] | None,
    typer.Option(
        "--done",
        metavar="DATE",
        help="Date of a visit already done, repeated for each one; the plan continues "
        "from the last. Replaces the list in --from.",
        show_default=False,
    ),
]
TrackExam = Annotated[
    list[str] | None,
    typer.Option(
        "--track",
        metavar="EXAM",
        help='Add a separate stream of visits for another exam, e.g. "Brain MRI", with '
        "--every; repeat both for more. Opt-in: discuss it with the care team.",
        show_default=False,
    ),
]
TrackEvery = Annotated[
    list[int] | None,
    typer.Option(
        "--every",
        metavar="MONTHS",
        help="Months between the visits of the --track given with it.",
        show_default=False,
    ),
]


class NextFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
