"""The command line's options, declared from the settings schema and shared by its commands.

A setting's flag, metavar and help come from its `Field` in `followup.settings`,
so a new setting is declared once. Every value arrives as text and is converted
and checked by `Settings.from_mapping`, the same as a patient file's or a
roster's. Defaults are None so that a patient file (--from) or a roster row can
fill what the command line leaves out; the help text names the default.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from followup.errors import InvalidOption
from followup.export import FILE_FORMATS, Paper
from followup.i18n import _
from followup.settings import field_named

__all__ = [
    "APP_HELP",
    "BATCH_EXAMPLES",
    "HOLIDAY_EXAMPLES",
    "NEXT_EXAMPLES",
    "PLAN_EXAMPLES",
    "PROTOCOL_EXAMPLES",
    "PUSH_EXAMPLES",
    "SERVE_EXAMPLES",
    "SERVE_HELP",
    "BatchFormats",
    "Browse",
    "CalDAV",
    "CalendarName",
    "ChartLanguage",
    "Country",
    "Done",
    "DryRun",
    "EarlyInterval",
    "EarlyYears",
    "FromFile",
    "HolidayCode",
    "Host",
    "Jobs",
    "Language",
    "Name",
    "NextFormat",
    "OutDir",
    "Output",
    "PaperSize",
    "PlanFormat",
    "Port",
    "ProtocolArgument",
    "ProtocolChoice",
    "Quiet",
    "Remind",
    "Roster",
    "Today",
    "TrackEvery",
    "TrackExam",
    "TreatmentDate",
    "User",
    "Version",
    "WeekendRule",
    "Years",
    "stamp_from_environment",
    "tracks",
]


def stamp_from_environment() -> datetime:
    """DTSTAMP: from SOURCE_DATE_EPOCH when set, for byte-identical rebuilds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC).replace(microsecond=0)
    # Refused rather than ignored: a build that asked for a fixed time must not get another.
    if not (epoch.isascii() and epoch.isdigit()) or int(epoch) >= _YEAR_10000:
        reason = _("use a whole number of seconds since 1970, before the year 10000")
        raise InvalidOption("SOURCE_DATE_EPOCH", epoch, reason)
    return datetime.fromtimestamp(int(epoch), UTC)


_YEAR_10000 = 253402300800  # 10000-01-01T00:00:00Z, the end of what datetime represents


def tracks(exams: list[str] | None, every: list[str] | None) -> list[dict[str, str]] | None:
    """--track and --every, paired in order, as the tracks setting takes them."""
    exams, every = exams or [], every or []
    if len(exams) > len(every):
        hint = _("add --every MONTHS after it: how often to plan this exam")
        raise InvalidOption("--track", exams[len(every)], hint)
    if len(every) > len(exams):
        raise InvalidOption("--every", every[len(exams)], _("give a --track EXAM before it"))
    pairs = zip(exams, every, strict=True)
    return [{"exam": exam, "every_months": months} for exam, months in pairs] or None


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
ChartLanguage = Annotated[str | None, _setting("chart_lang")]

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
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="Say nothing on success (no 'Wrote …' line).")
]
NextFormat = Annotated[
    str, typer.Option("--format", metavar="text|json", help="A sentence, or JSON.")
]
ProtocolArgument = Annotated[
    str, typer.Argument(metavar="ID|FILE.toml", help="A preset id or a protocol file.")
]
Roster = Annotated[
    Path, typer.Argument(metavar="ROSTER.csv", help="The roster: one patient per row.")
]
OutDir = Annotated[
    Path,
    typer.Option(
        "--out-dir", metavar="DIR", help="Folder for the files; created readable by you only."
    ),
]
BatchFormats = Annotated[
    str,
    typer.Option(
        "--format", metavar="FORMATS", help="Formats to write per patient, e.g. ics,html,pdf."
    ),
]
Jobs = Annotated[int, typer.Option(metavar="N", help="Worker processes, 1 to 64.")]
Country = Annotated[
    str | None,
    typer.Argument(metavar="[COUNTRY]", help="A country code, to list its regions."),
]
CalDAV = Annotated[
    str | None,
    typer.Option(
        "--caldav",
        metavar="URL",
        help="Address of the calendar account (https://caldav.icloud.com, …) or of one calendar.",
        show_default=False,
    ),
]
User = Annotated[
    str | None,
    typer.Option(
        metavar="NAME",
        help="User name of the account. The password comes from FOLLOWUP_CALDAV_PASSWORD, "
        "the system keyring, or is asked for.",
        show_default=False,
    ),
]
CalendarName = Annotated[
    str | None,
    typer.Option(
        "--calendar",
        metavar="NAME",
        help="Calendar to push to, created when missing [default: the plan's calendar name].",
        show_default=False,
    ),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change, and change nothing.")
]


# Examples at the end of each command's help.
PLAN_EXAMPLES = """\
Examples:

  followup plan 2025-03-14                     show the plan as a table

  followup plan 2025-03-14 -o visits.ics       calendar file for a phone

  followup plan 2025-03-14 --name "Ana" --early-interval 4 --years 7 -o ana.ics

  followup plan 2025-03-14 --done 2025-06-20 --holidays ES-MD -o ana.ics

  followup plan 2025-03-14 --protocol esmo-2010-high-grade --early-years 2

  followup plan 2025-03-14 --track "Brain MRI" --every 12 -o ana.ics

  followup plan --from ana.toml -o ana.ics     everything from a patient file

  followup plan 2025-03-14 --name "Ana" -o ana.html   printable sheet

  followup plan 2025-03-14 -o ana.pdf --paper letter  PDF sheet

  followup plan 2025-03-14 --format json -o -  JSON on standard output
"""

NEXT_EXAMPLES = """\
Examples:

  followup next 2025-03-14 --done 2025-06-20   the visit to book now

  followup next --from ana.toml --format json  as JSON, for other tools

  followup next 2025-03-14 --today 2025-09-01  as seen on another day
"""

PROTOCOL_EXAMPLES = """\
Examples:

  followup protocols                           the presets, one line each

  followup protocols show esmo-2010-low-grade  phases, exam and quoted source

  followup protocols show our-centre.toml      check a centre's protocol file
"""

BATCH_EXAMPLES = """\
Examples:

  followup batch roster.csv --out-dir plans             a calendar file per patient

  followup batch roster.csv --out-dir plans --format ics,html,pdf --jobs 2

  followup batch roster.csv --out-dir plans --holidays ES-MD --years 7

The roster is CSV with a header: id and treatment_date are required; name,
protocol, early_interval, early_years, years, weekends, holidays, done
(dates separated by ';'), lang and chart_lang are optional and override the options
given here.
"""

HOLIDAY_EXAMPLES = """\
Examples:

  followup holidays          every country code

  followup holidays ES       the regions of Spain, for --holidays ES-MD
"""

PUSH_EXAMPLES = """\
Examples:

  followup push 2025-03-14 --name "Ana" --caldav https://caldav.icloud.com --user ana@icloud.com

  followup push --from ana.toml --caldav https://caldav.fastmail.com/dav/ --user ana@fastmail.com

  followup push --from ana.toml --caldav https://cloud.example.org/remote.php/dav --user ana

  followup push --from ana.toml --caldav http://localhost:5232/ --user ana --dry-run

Each visit is an event of its own. Pushing again after a scan adds, updates and
removes this plan's events only, and leaves the rest of the calendar alone.
"""

Host = Annotated[
    str,
    typer.Option(
        metavar="ADDRESS",
        help="Address to listen on; 127.0.0.1 keeps the app to this computer.",
    ),
]
Port = Annotated[int, typer.Option(metavar="PORT", min=1, max=65535, help="Port to listen on.")]
Browse = Annotated[
    bool, typer.Option("--open", help="Open the app in the web browser once it runs.")
]

SERVE_HELP = "Run followup on the web here: the Plan, Protocols and Clinic pages, and a JSON API."
SERVE_EXAMPLES = """\
Examples:

  followup serve                     the app at http://127.0.0.1:8765/

  followup serve --port 9000 --open  on another port, opened in the browser

Needs the web extra: pip install 'followup[web]'. For a server that others
reach, run followup.web:app with an ASGI server behind a proxy with TLS.
"""


APP_HELP = (
    "Turn the date of a cancer treatment into the imaging follow-up schedule "
    "a published guideline asks for: a calendar file, a table, explained.\n\n"
    "Educational, not medical advice: the care team decides."
)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"followup {version('followup')}")
        raise typer.Exit()


Version = Annotated[
    bool,
    typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
]
