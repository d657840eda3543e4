"""The command line: parse, call the core and an exporter, write, report errors."""

from __future__ import annotations

import contextlib
import functools
import shutil
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import typer
import typer.main

from followup import console, i18n
from followup import options as opt
from followup.api import schedule_for
from followup.dates import parse_date
from followup.errors import InvalidOption, InvalidSetting
from followup.export import FILE_FORMATS, FORMATS, Format, Paper, RenderOptions, format_for
from followup.files import read_text, write_output
from followup.i18n import _
from followup.settings import COMMAND_LINE, FIELDS, Argument, Settings
from followup.web import server as web_server  # light: the web stack loads in serve()

__all__ = ["app", "main"]

TABLE_WIDTH = 120  # for a table written to a file or a pipe, where no terminal sets it


def _new_app(**extra: Any) -> typer.Typer:
    return typer.Typer(
        cls=console.Commands,
        name="followup",
        help=opt.APP_HELP,
        epilog="Example:  followup plan 2025-03-14 -o scans.ics",
        invoke_without_command=True,
        pretty_exceptions_enable=False,
        # Help text is plain: "[default: 10]" is text, not a markup tag.
        rich_markup_mode=None,
        **extra,
    )


app = _new_app()


@app.callback()
def _main(ctx: typer.Context, version: opt.Version = False) -> None:
    """Follow-up scan schedules after cancer treatment, from a published guideline."""
    if ctx.invoked_subcommand is None:  # plain `followup`: what it does and how to ask
        typer.echo(ctx.get_help())


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
        raw["tracks"] = opt.tracks(given["track"], given["every"])
    settings = Settings.from_mapping(raw, COMMAND_LINE)
    from_file = given.get("from_file")
    if from_file is not None:
        from followup.patient import parse_patient

        text = read_text(from_file, _("that is a folder, not a patient file"))
        settings = settings.over(parse_patient(text, from_file))
    i18n.activate(settings.lang or i18n.current())
    return replace(settings, lang=i18n.current())


def _emit(data: bytes, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_output(Path(output), data)


def _text(lines: list[str]) -> None:
    _emit(("\n".join(lines) + "\n").encode(), None)


@app.command("plan", epilog=opt.PLAN_EXAMPLES)
def plan_(
    treatment_date: opt.TreatmentDate = None,
    from_file: opt.FromFile = None,
    protocol: opt.ProtocolChoice = None,
    early_interval: opt.EarlyInterval = None,
    early_years: opt.EarlyYears = None,
    years: opt.Years = None,
    weekends: opt.WeekendRule = None,
    holidays: opt.HolidayCode = None,
    done: opt.Done = None,
    track: opt.TrackExam = None,
    every: opt.TrackEvery = None,
    remind: opt.Remind = None,
    name: opt.Name = None,
    form: opt.PlanFormat = None,
    output: opt.Output = None,
    paper: opt.PaperSize = Paper.A4,
    today: opt.Today = None,
    quiet: opt.Quiet = False,
    lang: opt.Language = None,
    chart_lang: opt.ChartLanguage = None,
) -> None:
    """Plan follow-up visits from a treatment date.

    By default follows the Ibero-American consensus (2025) on liver metastases
    of soft tissue sarcoma: CT or MRI of the chest and abdomen every 3–4 months
    for 2 years, every 6 months to year 5, then yearly. Other protocols:
    'followup protocols'.
    """
    settings = _settings(locals())
    day = parse_date(today) if today is not None else date.today()
    schedule = schedule_for(settings, day)
    chosen = format_for(output, form)
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    if chosen.binary and to_terminal:
        hint = _("it is not text: write it to a file, e.g. -o plan{suffix}")
        raise InvalidOption("--format", chosen.name, hint.format(suffix=chosen.suffix))
    options = RenderOptions.for_settings(
        settings,
        paper=paper,
        stamp=opt.stamp_from_environment(),
        width=shutil.get_terminal_size((80, 24)).columns if output is None else TABLE_WIDTH,
        color=output is None and to_terminal,
    )
    _emit(chosen.render(schedule, options), output)
    console.tell_unrecorded(schedule.next_from(day))
    if output not in (None, "-") and not quiet:
        console.tell_written(schedule, output)


@app.command("next", epilog=opt.NEXT_EXAMPLES)
def next_(
    treatment_date: opt.TreatmentDate = None,
    from_file: opt.FromFile = None,
    done: opt.Done = None,
    today: opt.Today = None,
    protocol: opt.ProtocolChoice = None,
    early_interval: opt.EarlyInterval = None,
    early_years: opt.EarlyYears = None,
    years: opt.Years = None,
    weekends: opt.WeekendRule = None,
    holidays: opt.HolidayCode = None,
    name: opt.Name = None,
    form: opt.NextFormat = "text",
    lang: opt.Language = None,
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

    upcoming = schedule.next_from(day)
    if form == "json":
        _emit(next_json(schedule, day).encode(), None)
    else:
        _text([wording.next_visit(schedule, upcoming), *wording.next_footer(schedule)])
    console.tell_unrecorded(upcoming)


protocols_app = typer.Typer(
    cls=console.Commands,
    help="List the follow-up protocols followup knows, or show one in full.",
    epilog=opt.PROTOCOL_EXAMPLES,
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(protocols_app, name="protocols")


@protocols_app.callback()
def protocols_(ctx: typer.Context, lang: opt.Language = None) -> None:
    """List the follow-up protocols followup knows, or show one in full."""
    _settings({"lang": lang})
    if ctx.invoked_subcommand is None:
        from followup.export.protocol_text import protocol_list
        from followup.protocols import DEFAULT_PROTOCOL, PRESETS

        _emit(protocol_list(PRESETS, DEFAULT_PROTOCOL).encode(), None)


@protocols_app.command("show", epilog=opt.PROTOCOL_EXAMPLES)
def protocols_show(protocol: opt.ProtocolArgument, lang: opt.Language = None) -> None:
    """Show a protocol: its phases with their ranges, its tracks, and its quoted source."""
    from followup.api import load_protocol
    from followup.export.protocol_text import protocol_details

    _settings({"lang": lang})
    chosen = Settings.from_mapping({"protocol": protocol}, Argument("protocol"))
    _emit(protocol_details(load_protocol(chosen.protocol)).encode(), None)


def _file_formats(text: str) -> tuple[Format, ...]:
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    for name in names or ("",):
        if name not in FILE_FORMATS:
            allowed = _("choose from {formats}, separated by commas")
            raise InvalidOption("--format", name, allowed.format(formats=", ".join(FILE_FORMATS)))
    return tuple(FORMATS[name] for name in names)


@app.command("batch", epilog=opt.BATCH_EXAMPLES)
def batch_(
    roster: opt.Roster,
    out_dir: opt.OutDir,
    formats: opt.BatchFormats = "ics",
    jobs: opt.Jobs = 1,
    today: opt.Today = None,
    protocol: opt.ProtocolChoice = None,
    early_interval: opt.EarlyInterval = None,
    early_years: opt.EarlyYears = None,
    years: opt.Years = None,
    weekends: opt.WeekendRule = None,
    holidays: opt.HolidayCode = None,
    remind: opt.Remind = None,
    paper: opt.PaperSize = Paper.A4,
    lang: opt.Language = None,
    chart_lang: opt.ChartLanguage = None,
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
    options = RenderOptions.for_settings(defaults, paper=paper, stamp=opt.stamp_from_environment())
    job = batch.Job(out_dir, forms, replace(defaults, lang=None), options, day)
    with contextlib.ExitStack() as stack:
        # The bar goes to standard error, so that standard output keeps only the last line.
        screen = console.error_console() if sys.stderr.isatty() else None
        report = batch.run(roster, job, jobs=jobs, on_row=console.RowReporter(stack, screen))
    console.tell_batch(report, out_dir)
    if report.failed:
        raise typer.Exit(1)


@app.command("push", epilog=opt.PUSH_EXAMPLES)
def push_(
    treatment_date: opt.TreatmentDate = None,
    from_file: opt.FromFile = None,
    caldav: opt.CalDAV = None,
    user: opt.User = None,
    calendar: opt.CalendarName = None,
    dry_run: opt.DryRun = False,
    protocol: opt.ProtocolChoice = None,
    early_interval: opt.EarlyInterval = None,
    early_years: opt.EarlyYears = None,
    years: opt.Years = None,
    weekends: opt.WeekendRule = None,
    holidays: opt.HolidayCode = None,
    done: opt.Done = None,
    track: opt.TrackExam = None,
    every: opt.TrackEvery = None,
    remind: opt.Remind = None,
    name: opt.Name = None,
    lang: opt.Language = None,
) -> None:
    """Put the plan in a calendar account (CalDAV), an event per visit, and keep it up to date."""
    from followup.push import Target, push

    settings = _settings(locals())
    target = Target.parse(caldav, user, calendar)
    options = RenderOptions.for_settings(settings, stamp=opt.stamp_from_environment())
    _text(push(schedule_for(settings, date.today()), options, target, dry_run=dry_run).lines())


@app.command("serve", help=opt.SERVE_HELP, epilog=opt.SERVE_EXAMPLES)
def serve_(
    host: opt.Host = "127.0.0.1",
    port: opt.Port = 8765,
    browse: opt.Browse = False,
    lang: opt.Language = None,  # the pages choose their own; this is for the messages here
) -> None:
    web_server.serve(host, port, open_browser=browse)


@app.command("holidays", epilog=opt.HOLIDAY_EXAMPLES)
def holidays_(country: opt.Country = None, lang: opt.Language = None) -> None:
    """List the codes that --holidays accepts: countries, or the regions of one."""
    _settings({"lang": lang})
    from followup.public_holidays import listing

    try:
        _text(listing(country))
    except InvalidSetting as error:
        raise error.at(Argument("COUNTRY")) from None


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


@functools.cache
def _command(name: str | None) -> Any:
    """The command line for `name` (None: all of it), built once however often `main` runs."""
    return typer.main.get_command((name and _with_only(name)) or app)


def main() -> None:
    """Entry point of the `followup` command."""
    asked = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    known = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    _command(asked if asked in known else None)()
