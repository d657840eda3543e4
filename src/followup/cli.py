"""The command line: parse, call the core and an exporter, write, report errors."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from followup import i18n
from followup.api import schedule_for
from followup.dates import parse_date
from followup.errors import FollowupError, InvalidOption, MissingDependency, UnusableOutput
from followup.export import (
    FILE_FORMATS,
    FORMATS,
    Format,
    Paper,
    RenderOptions,
    format_for_path,
    format_named,
)
from followup.files import read_text, write_atomically
from followup.i18n import _
from followup.options import (
    Done,
    EarlyInterval,
    EarlyYears,
    FromFile,
    HolidayCode,
    Language,
    Name,
    Output,
    PaperSize,
    PlanFormat,
    ProtocolChoice,
    Remind,
    Today,
    TrackEvery,
    TrackExam,
    TreatmentDate,
    WeekendRule,
    Years,
)
from followup.settings import COMMAND_LINE, FIELDS, Settings

if TYPE_CHECKING:
    from followup.batch import Outcome

__all__ = ["app", "main"]

TABLE_WIDTH = 120  # for a table written to a file or a pipe, where no terminal sets it


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(_("Error: {message}").format(message=message), err=True)
    raise typer.Exit(code)


class _Commands(TyperGroup):
    """The one place where errors become a line on stderr and an exit code.

    2: bad input (a `FollowupError`, or a usage error found while parsing);
    1: a failure outside the input, such as a disk that refuses the file.
    """

    # `Any`: the parameter is typer's vendored click Context, which has no public name.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FollowupError as error:
            _fail(str(error), 2)
        except typer.TyperException as error:  # usage errors from the parser
            command = getattr(getattr(error, "ctx", None), "command_path", ctx.command_path)
            code = getattr(error, "exit_code", 2)
            _fail(
                _("{message} (see '{command} --help')").format(
                    message=error.format_message(), command=command
                ),
                code,
            )
        except MissingDependency as error:
            _fail(str(error), 1)
        except OSError as error:
            _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), 1)


def _new_app(**extra: Any) -> typer.Typer:
    return typer.Typer(
        cls=_Commands,
        name="followup",
        help=(
            "Turn the date of a cancer treatment into the imaging follow-up schedule "
            "a published guideline asks for: a calendar file, a table, explained.\n\n"
            "Educational, not medical advice: the care team decides."
        ),
        epilog="Example:  followup plan 2025-03-14 -o scans.ics",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        **extra,
    )


app = _new_app()


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"followup {version('followup')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Follow-up scan schedules after cancer treatment, from a published guideline."""


def _stamp() -> datetime:
    """DTSTAMP: from SOURCE_DATE_EPOCH when set, for byte-identical rebuilds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not epoch.isdigit():
        raise InvalidOption("SOURCE_DATE_EPOCH", epoch, _("use a whole number of seconds"))
    return datetime.fromtimestamp(int(epoch), UTC)


def _tracks(exams: list[str] | None, every: list[str] | None) -> list[dict[str, str]] | None:
    """--track and --every, paired in order, as the tracks setting takes them."""
    exams, every = exams or [], every or []
    if len(exams) != len(every):
        raise InvalidOption(
            "--track",
            len(exams),
            _("give one --every for each --track (got {count})").format(count=len(every)),
        )
    pairs = zip(exams, every, strict=True)
    return [{"exam": exam, "every_months": months} for exam, months in pairs] or None


def _settings(given: dict[str, Any]) -> Settings:
    """A command's settings over its patient file's (--from), in the language they ask for.

    `given` is the command's parameters: those named as a setting's field are
    that setting, --track and --every pair into tracks. The language is made
    active for the rest of the run: --lang, else the patient file's, else the
    environment's.
    """
    asked = given.get("lang")
    i18n.activate(asked if asked in i18n.LANGUAGES else i18n.from_environment())
    raw = {declared.name: given[declared.name] for declared in FIELDS if declared.name in given}
    if "track" in given:
        raw["tracks"] = _tracks(given["track"], given["every"])
    settings = Settings.from_mapping(raw, COMMAND_LINE)
    from_file = given.get("from_file")
    if from_file is not None:
        from followup.patient import parse_patient

        text = read_text(from_file, _("that is a folder, not a patient file"))
        settings = settings.over(parse_patient(text, from_file))
    i18n.activate(settings.lang or i18n.current())
    return replace(settings, lang=i18n.current())


def _format_for(output: str | None, chosen: str | None) -> Format:
    if chosen is not None:
        return format_named(chosen)
    if output is None or output == "-":
        return FORMATS["table"]
    found = format_for_path(output)
    if found is None:
        known = ", ".join(each.suffix for each in FORMATS.values() if each.suffix)
        suffix = Path(output).suffix.lower()
        raise UnusableOutput(
            output,
            _("cannot tell the format from {suffix!r}; use {known} or --format").format(
                suffix=suffix or _("no suffix"), known=known
            ),
        )
    return found


def _emit(data: bytes, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(Path(output), data)


def _text(lines: list[str]) -> None:
    _emit(("\n".join(lines) + "\n").encode(), None)


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


@app.command("plan", epilog=PLAN_EXAMPLES)
def plan_(
    treatment_date: TreatmentDate = None,
    from_file: FromFile = None,
    protocol: ProtocolChoice = None,
    early_interval: EarlyInterval = None,
    early_years: EarlyYears = None,
    years: Years = None,
    weekends: WeekendRule = None,
    holidays: HolidayCode = None,
    done: Done = None,
    track: TrackExam = None,
    every: TrackEvery = None,
    remind: Remind = None,
    name: Name = None,
    form: PlanFormat = None,
    output: Output = None,
    paper: PaperSize = Paper.A4,
    lang: Language = None,
) -> None:
    """Plan follow-up visits from a treatment date.

    By default follows the Ibero-American consensus (2025) on liver metastases
    of soft tissue sarcoma: CT or MRI of the chest and abdomen every 3–4 months
    for 2 years, every 6 months to year 5, then yearly. Other protocols:
    'followup protocols'.
    """
    settings = _settings(locals())
    schedule = schedule_for(settings, date.today())
    on_terminal = output is None and sys.stdout.isatty()
    options = RenderOptions.for_settings(
        settings,
        paper=paper,
        stamp=_stamp(),
        width=shutil.get_terminal_size((80, 24)).columns if output is None else TABLE_WIDTH,
        color=on_terminal,
    )
    _emit(_format_for(output, form).render(schedule, options), output)


NEXT_EXAMPLES = """\
Examples:

  followup next 2025-03-14 --done 2025-06-20   the visit to book now

  followup next --from ana.toml --format json  as JSON, for other tools

  followup next 2025-03-14 --today 2025-09-01  as seen on another day
"""


@app.command("next", epilog=NEXT_EXAMPLES)
def next_(
    treatment_date: TreatmentDate = None,
    from_file: FromFile = None,
    done: Done = None,
    today: Today = None,
    protocol: ProtocolChoice = None,
    early_interval: EarlyInterval = None,
    early_years: EarlyYears = None,
    years: Years = None,
    weekends: WeekendRule = None,
    holidays: HolidayCode = None,
    name: Name = None,
    form: Annotated[
        str, typer.Option("--format", metavar="text|json", help="A sentence, or JSON.")
    ] = "text",
    lang: Language = None,
) -> None:
    """Show the next visit to book: the first one not done yet, and how far away it is.

    When its date has passed, it is overdue and the days count is negative.
    """
    settings = _settings(locals())
    day = parse_date(today) if today is not None else date.today()
    if form not in ("text", "json"):
        raise InvalidOption("--format", form, _("choose text or json"))
    schedule = schedule_for(settings, day)
    from followup import wording
    from followup.export.tables import next_json

    if form == "json":
        _emit(next_json(schedule, day).encode(), None)
        return
    _text([wording.next_visit(schedule, schedule.next_from(day)), *wording.next_footer(schedule)])


PROTOCOL_EXAMPLES = """\
Examples:

  followup protocols                           the presets, one line each

  followup protocols show esmo-2010-low-grade  phases, exam and quoted source

  followup protocols show our-centre.toml      check a centre's protocol file
"""

protocols_app = typer.Typer(
    cls=_Commands,
    help="List the follow-up protocols followup knows, or show one in full.",
    epilog=PROTOCOL_EXAMPLES,
    invoke_without_command=True,
    add_completion=False,
)
app.add_typer(protocols_app, name="protocols")


@protocols_app.callback()
def protocols_(ctx: typer.Context, lang: Language = None) -> None:
    """List the follow-up protocols followup knows, or show one in full."""
    _settings({"lang": lang})
    if ctx.invoked_subcommand is None:
        from followup.export.protocol_text import protocol_list
        from followup.protocols import DEFAULT_PROTOCOL, PRESETS

        _emit(protocol_list(PRESETS, DEFAULT_PROTOCOL).encode(), None)


@protocols_app.command("show", epilog=PROTOCOL_EXAMPLES)
def protocols_show(
    protocol: Annotated[
        str, typer.Argument(metavar="ID|FILE.toml", help="A preset id or a protocol file.")
    ],
    lang: Language = None,
) -> None:
    """Show a protocol: its phases with their ranges, its tracks, and its quoted source."""
    from followup.api import load_protocol
    from followup.export.protocol_text import protocol_details
    from followup.settings import Argument

    _settings({"lang": lang})
    chosen = Settings.from_mapping({"protocol": protocol}, Argument("protocol"))
    _emit(protocol_details(load_protocol(chosen.protocol)).encode(), None)


BATCH_EXAMPLES = """\
Examples:

  followup batch roster.csv --out-dir plans             a calendar file per patient

  followup batch roster.csv --out-dir plans --format ics,html,pdf --jobs 2

  followup batch roster.csv --out-dir plans --holidays ES-MD --years 7

The roster is CSV with a header: id and treatment_date are required; name,
protocol, early_interval, early_years, years, weekends, holidays, done
(dates separated by ';') and lang are optional and override the options given here.
"""


def _file_formats(text: str) -> tuple[Format, ...]:
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    for name in names or ("",):
        if name not in FILE_FORMATS:
            allowed = _("choose from {formats}, separated by commas")
            raise InvalidOption("--format", name, allowed.format(formats=", ".join(FILE_FORMATS)))
    return tuple(FORMATS[name] for name in names)


@app.command("batch", epilog=BATCH_EXAMPLES)
def batch_(
    roster: Annotated[
        Path, typer.Argument(metavar="ROSTER.csv", help="The roster: one patient per row.")
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out-dir", metavar="DIR", help="Folder for the files; created readable by you only."
        ),
    ],
    formats: Annotated[
        str,
        typer.Option(
            "--format", metavar="FORMATS", help="Formats to write per patient, e.g. ics,html,pdf."
        ),
    ] = "ics",
    jobs: Annotated[int, typer.Option(metavar="N", help="Worker processes, 1 to 64.")] = 1,
    today: Today = None,
    protocol: ProtocolChoice = None,
    early_interval: EarlyInterval = None,
    early_years: EarlyYears = None,
    years: Years = None,
    weekends: WeekendRule = None,
    holidays: HolidayCode = None,
    remind: Remind = None,
    paper: PaperSize = Paper.A4,
    lang: Language = None,
) -> None:
    """Plan every patient of a roster: files per patient, a summary, and the rows that failed.

    Bad rows do not stop the run; they are listed with their line and reason on
    standard error and in DIR/errors.csv, and the exit code is then 1.
    """
    from followup import batch

    defaults = _settings(locals())
    forms = _file_formats(formats)
    if not 1 <= jobs <= 64:
        raise InvalidOption("--jobs", jobs, _("choose from 1 to 64"))
    day = parse_date(today) if today is not None else date.today()
    options = RenderOptions.for_settings(defaults, paper=paper, stamp=_stamp())
    job = batch.Job(out_dir, forms, replace(defaults, lang=None), options, day)
    with contextlib.ExitStack() as stack:
        reporter = _RowReporter(stack, terminal=sys.stderr.isatty())
        report = batch.run(roster, job, jobs=jobs, on_row=reporter)
    counts = {"written": report.written, "total": report.total, "failed": report.failed}
    if report.failed:
        failed = _(
            "{written} of {total} patients planned in {folder}; {failed} rows failed, see {errors}"
        )
        typer.echo(failed.format(**counts, folder=out_dir, errors=report.errors))
        raise typer.Exit(1)
    typer.echo(
        _("{written} of {total} patients planned in {folder}.").format(**counts, folder=out_dir)
    )


class _RowReporter:
    """Each refused row on standard error, as it comes; on a terminal, a progress bar too."""

    def __init__(self, stack: contextlib.ExitStack, terminal: bool) -> None:
        self.stack = stack
        self.terminal = terminal
        self.advance: Callable[[], None] | None = None

    def __call__(self, outcome: Outcome, total: int) -> None:
        if outcome.error is not None:
            line = _("Error: line {line} (id {id!r}): {reason}")
            typer.echo(
                line.format(line=outcome.line, id=outcome.id, reason=outcome.error), err=True
            )
        if self.terminal and self.advance is None:
            self.advance = self._bar(total)
        if self.advance is not None:
            self.advance()

    def _bar(self, total: int) -> Callable[[], None]:
        from rich.console import Console
        from rich.progress import Progress

        # On standard error, so that standard output keeps only the final line.
        progress = self.stack.enter_context(Progress(console=Console(stderr=True), transient=True))
        task = progress.add_task(_("Planning"), total=total)
        return lambda: progress.advance(task)


HOLIDAY_EXAMPLES = """\
Examples:

  followup holidays          every country code

  followup holidays ES       the regions of Spain, for --holidays ES-MD
"""


@app.command("holidays", epilog=HOLIDAY_EXAMPLES)
def holidays_(
    country: Annotated[
        str | None,
        typer.Argument(metavar="[COUNTRY]", help="A country code, to list its regions."),
    ] = None,
    lang: Language = None,
) -> None:
    """List the codes that --holidays accepts: countries, or the regions of one."""
    _settings({"lang": lang})
    from followup.public_holidays import countries

    known = countries()
    if country is None:
        _text([f"{code}  {label}" for code, (label, _regions) in sorted(known.items())])
        return
    code = country.strip().upper()
    if code not in known:
        raise InvalidOption("COUNTRY", country, _("unknown country code; run 'followup holidays'"))
    label, regions = known[code]
    listed = ", ".join(f"{code}-{region}" for region in regions) or "no regions"
    _text([f"{label} ({code}): {listed}"])


def _with_only(name: str) -> typer.Typer | None:
    """The app with just the command `name`, or None when there is no such command.

    Typer builds the options of every registered command before it runs one;
    the entry point registers only the command asked for, which keeps start-up
    short. The commands themselves are the same objects as in `app`.
    """
    single = _new_app()
    single.registered_callback = app.registered_callback
    single.registered_commands = [info for info in app.registered_commands if info.name == name]
    single.registered_groups = [group for group in app.registered_groups if group.name == name]
    return single if single.registered_commands or single.registered_groups else None


def main() -> None:
    """Entry point of the `followup` command."""
    asked = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    ((asked and _with_only(asked)) or app)()
