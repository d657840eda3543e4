"""The command line's options, declared from the settings schema and shared by its commands.

A setting's flag, metavar and help come from its `Field` in `followup._settings`,
so a new setting is declared once. Every value arrives as text and is converted
and checked by `Settings.from_mapping`, the same as a patient file's or a
roster's. Defaults are None so that a patient file (--from) or a roster row can
fill what the command line leaves out; the help text names the default.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Annotated, Any, TypeVar

import typer

from followup._errors import InvalidOption, InvalidSetting, UnusableOutput
from followup._export import FILE_FORMATS, FORMATS, Format, Paper, format_named
from followup._i18n import N_, _
from followup._settings import FIELDS, field_named

Command = TypeVar("Command", bound=Callable[..., Any])

__all__ = [
    "APP_HELP",
    "BATCH_EXAMPLES",
    "COMMAND_LINE",
    "HOLIDAY_EXAMPLES",
    "NEXT_EXAMPLES",
    "PLAN_EXAMPLES",
    "PROTOCOL_EXAMPLES",
    "PUSH_EXAMPLES",
    "SERVE_EXAMPLES",
    "SERVE_HELP",
    "TEMPLATE_EXAMPLES",
    "WORKLIST_EXAMPLES",
    "WORKLIST_SKIPS",
    "Argument",
    "BatchFormats",
    "Browse",
    "CaFile",
    "CalDAV",
    "CalendarName",
    "CommandLine",
    "Country",
    "DryRun",
    "FromFile",
    "Host",
    "Jobs",
    "Language",
    "NextFormat",
    "OutDir",
    "Output",
    "PaperSize",
    "PlanFormat",
    "Port",
    "ProtocolArgument",
    "Quiet",
    "Replace",
    "Restore",
    "Roster",
    "Today",
    "User",
    "Version",
    "Within",
    "WorklistOutput",
    "file_formats",
    "format_for",
    "setting_options",
    "spelled_as",
    "template_output",
    "tracks",
    "worklist_format_for",
]


@dataclass(frozen=True)
class CommandLine:
    """Settings typed as options: `--years 40 is not allowed: …`."""

    # The parts of a composite setting that have options of their own.
    PART_FLAGS: typing.ClassVar[Mapping[str, str]] = {"tracks.every_months": "--every"}

    def message(self, field: str, problem: str) -> str:
        name = field.partition(".")[0]
        flag = self.PART_FLAGS.get(field) or (_flag_of(name, field))
        hint = _LISTS.get(name)
        problem = f"{problem}; {_(hint)}" if hint else problem
        return f"{flag} {problem}" if flag else problem


COMMAND_LINE = CommandLine()


@dataclass(frozen=True)
class Argument:
    """A setting given as a command's argument, such as `protocols show ID`."""

    metavar: str

    def message(self, field: str, problem: str) -> str:
        return f"{self.metavar} {problem}"


# Where the command line lists the values a setting takes, said after a refused one.
_LISTS = {"holidays": N_("'followup holidays' lists the codes")}


def _flag_of(name: str, field: str) -> str:
    try:
        return field_named(name).flag
    except KeyError:
        return field


# The command line's spelling of a composite setting: `tracks` is --track EXAM with
# --every MONTHS, paired in order.
_PARTS = {"tracks": ("track", "every")}


def setting_options(*, skip: tuple[str, ...] = ()) -> Callable[[Command], Command]:
    """Give a command one argument or option per setting, as each is declared, in place of
    its parameter `raw`: the command is called with `raw`, the settings given (by field
    name, --track and --every paired into `tracks`). One group for every command that
    plans; `skip` names the settings a command has no use for.
    """

    def give(command: Command) -> Command:
        hints = typing.get_type_hints(command, include_extras=True)
        signature = inspect.signature(command)
        signature = signature.replace(
            parameters=[
                p.replace(annotation=hints.get(p.name, p.annotation))
                for p in signature.parameters.values()
            ]
        )
        names = [declared.name for declared in FIELDS if declared.name not in skip]
        added = [
            inspect.Parameter(part, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind)
            for name in names
            for part, kind in _parameters(name)
        ]
        kept = list(signature.parameters.values())
        at = [parameter.name for parameter in kept].index("raw")
        positional = [p for p in added if p.name == "treatment_date"]
        options = [p for p in added if p.name != "treatment_date"]
        before = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in kept[:at]]
        after = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in kept[at + 1 :]]
        positional = [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in positional]

        @functools.wraps(command)
        def with_settings(*args: Any, **given: Any) -> Any:
            raw = {name: given.pop(name) for name in names if name not in _PARTS}
            for name, (exams, every) in _PARTS.items():
                if name in names:
                    raw[name] = tracks(given.pop(exams), given.pop(every))
            return command(*args, raw=raw, **given)

        parameters = [*positional, *before, *options, *after]
        with_settings.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        with_settings.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_settings  # type: ignore[return-value]

    return give


def _parameters(name: str) -> list[tuple[str, Any]]:
    if name in _PARTS:
        exams, every = _PARTS[name]
        return [(exams, _annotation(name)), (every, TrackEvery)]
    return [(name, _annotation(name))]


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


# What the command line adds to a setting's help: its own commands and flags.
_MORE_HELP = {
    "treatment_date": N_("May come from --from instead."),
    "protocol": N_(
        "Or a centre's protocol file (FILE.toml); 'followup protocols' lists the presets."
    ),
    "lang": N_("[default: from the environment's locale, else en]"),
    "holidays": N_("'followup holidays' lists the codes."),
    "done": N_("Repeat --done for each scan; replaces the list in --from."),
    "tracks": N_("Give its interval with --every MONTHS; repeat both for more."),
}


def _help(name: str) -> str:
    more = _MORE_HELP.get(name)
    return field_named(name).help_text(_(more) if more else "")


def _setting(name: str) -> Any:
    """The typer option of the setting `name`, spelled and explained as its field says."""
    declared = field_named(name)
    return typer.Option(
        declared.flag, metavar=declared.metavar, help=_help(name), show_default=False
    )


def _annotation(name: str) -> Any:
    """The typer parameter of the setting `name`: its argument or option, as declared."""
    declared = field_named(name)
    if not declared.flag:
        argument = typer.Argument(metavar=declared.metavar, help=_help(name), show_default=False)
        return Annotated[str | None, argument]
    repeated = declared.shape.schema.get("type") == "array"
    return Annotated[list[str] | None if repeated else str | None, _setting(name)]


Language = _annotation("lang")
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
        help=f"File to write ({' '.join(str(FORMATS[name].suffix) for name in FILE_FORMATS)}); "
        "- for standard output.",
    ),
]
PaperSize = Annotated[Paper, typer.Option(help="Paper size of a PDF sheet.")]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="No notes and no 'Wrote …' line on success; errors still show."
    ),
]
NextFormat = Annotated[
    str, typer.Option("--format", metavar="text|json", help="A sentence, or JSON.")
]
ProtocolArgument = Annotated[
    str, typer.Argument(metavar="ID|FILE.toml", help="A preset id or a protocol file.")
]
Roster = Annotated[
    Path,
    typer.Argument(metavar="ROSTER", help="The roster, .xlsx or .csv: one patient per row."),
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
Within = Annotated[
    int,
    typer.Option(
        metavar="DAYS", help="Due soon: a visit whose window opens within this many days."
    ),
]
WorklistOutput = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        metavar="PATH",
        help="File to write (.xlsx .csv .html .pdf .json); - for the list as text.",
    ),
]
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
Restore = Annotated[
    bool,
    typer.Option(
        "--restore",
        help="Put the plan's version back where a visit was moved, changed or deleted "
        "on the calendar (what push does not own, such as a LOCATION, stays).",
    ),
]
Replace = Annotated[
    str | None,
    typer.Option(
        "--replace",
        metavar="OLD_DATE",
        help="Remove the plan pushed for this person with the treatment date OLD_DATE "
        "(before that date was corrected). Only that plan's events are removed.",
    ),
]
CaFile = Annotated[
    Path | None,
    typer.Option(
        "--ca-file",
        metavar="FILE",
        help="Certificate authority (PEM) to trust for the account's address, "
        "for a server with a private certificate authority.",
        show_default=False,
        exists=True,
        dir_okay=False,
        readable=True,
    ),
]


# Examples at the end of each command's help.
PLAN_EXAMPLES = """\
Examples:

  followup plan 2025-03-14                     show the plan as a table

  followup plan 2025-03-14 --name AL -o visits.ics   calendar file for a phone

  followup plan 2025-03-14 --name "Ana" --early-interval 4 --years 7 -o ana.ics

  followup plan 2025-03-14 --name Ana --done 2025-06-20 --holidays ES-MD -o ana.ics

  followup plan 2025-03-14 --protocol esmo-2010-high-grade --early-years 2

  followup plan 2025-03-14 --name Ana --track "Brain MRI" --every 12 -o ana.ics

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

The roster is an .xlsx workbook (its first sheet) or CSV with a header: id and
treatment_date are required; name, protocol, early_interval, early_years, years,
weekends, holidays, done (dates separated by ';'), lang and chart_lang are optional
and override the options given here. Headers may be in any case or language
('Fecha de tratamiento'); 'followup roster-template' writes one to fill in.
"""

WORKLIST_EXAMPLES = """\
Examples:

  followup worklist roster.csv                      the list, on the terminal

  followup worklist roster.csv -o worklist.xlsx     a workbook with filters, a colour per state

  followup worklist roster.csv --within 14 --lang es -o worklist.pdf

States: overdue, due now, due soon (the window opens within --within days),
not recorded (a window closed with no scan recorded), waiting (remind_on is
ahead); outcome 'removed' or 'moved care' lists a patient apart, at the end.
The roster's phone, contact_notes, last_contact, outcome and remind_on columns
are carried over; the roster itself is never changed.
"""

# The settings a worklist has no use for: a row gives its own date, name and scans; the
# worklist makes no calendar or chart.
WORKLIST_SKIPS = ("treatment_date", "name", "done", "tracks", "remind", "chart_lang")


@contextlib.contextmanager
def spelled_as(*flags: str) -> Iterator[None]:
    """A value a library refuses inside the block is told as its option's (`--within 400 …`)."""
    try:
        yield
    except InvalidSetting as error:
        flag = next((flag for flag in flags if flag.lstrip("-") == error.field), None)
        if flag is None:
            raise
        raise error.at(Argument(flag)) from None


def worklist_format_for(output: str | None) -> str | None:
    """The worklist format `-o` asks for by its ending; None for the text on standard output."""
    if output in (None, "-"):
        return None
    from followup._clinic_files import worklist_format

    return worklist_format(Path(str(output)).suffix, "-o").name


def template_output(output: str | None, to_terminal: bool) -> str:
    """Where `roster-template` writes: a file ending in .xlsx, or - for a pipe."""
    if output is None or (output == "-" and to_terminal):
        hint = _("it is not text: write it to a file, e.g. -o roster.xlsx")
        raise InvalidOption("-o", output or "", hint)
    if output != "-" and Path(output).suffix.lower() != ".xlsx":
        raise InvalidOption("-o", output, _("give a file name ending in .xlsx"))
    return output


TEMPLATE_EXAMPLES = """\
Examples:

  followup roster-template -o roster.xlsx

  followup roster-template --lang pt-BR -o pacientes.xlsx
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

Needs the web extra: pip install 'followup[web]', or in a copy of followup's
source, pip install -e '.[web]'. For a server that others reach, run
followup.web:app with an ASGI server behind a proxy with TLS.
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


def format_for_path(path: str) -> Format | None:
    """The format a file name's suffix asks for, if any; the longest suffix wins, so that
    `plan.fhir.json` is FHIR and `plan.json` JSON."""
    name = PurePath(path).name.lower()
    found = [
        each
        for each in FORMATS.values()
        if each.suffix and name.endswith(each.suffix) and len(name) > len(each.suffix)
    ]
    return max(found, key=lambda each: len(each.suffix or ""), default=None)


def format_for(output: str | None, chosen: str | None) -> Format:
    """The command line's choice of format: the one `--format` names, else the one
    `output`'s suffix asks for; the table for none.

    `output` is a file name, or None or "-" for standard output.
    """
    if chosen is not None:
        return format_named(chosen, "--format")
    if output is None or output == "-":
        return FORMATS["table"]
    if output.endswith("/") or Path(output).is_dir():
        raise UnusableOutput(output, _("that is a folder; give a file name"))
    found = format_for_path(output)
    if found is None:
        known = ", ".join(each.suffix for each in FORMATS.values() if each.suffix)
        suffix = PurePath(output).suffix.lower()
        raise UnusableOutput(
            output,
            _("cannot tell the format from {suffix!r}; use {known} or --format").format(
                suffix=suffix or _("no suffix"), known=known
            ),
        )
    return found


def file_formats(text: str, jobs: int) -> tuple[Format, ...]:
    """`batch`'s formats from `--format ics,pdf`, its `--jobs` checked alongside."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    for name in names or ("",):
        if name not in FILE_FORMATS:
            allowed = _("choose from {formats}, separated by commas")
            raise InvalidOption("--format", name, allowed.format(formats=", ".join(FILE_FORMATS)))
    if not 1 <= jobs <= 64:
        raise InvalidOption("--jobs", jobs, _("choose from 1 to 64"))
    return tuple(FORMATS[name] for name in names)
