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

from followup import _clock as clock
from followup import _console as console
from followup import _i18n as i18n
from followup import _options as opt
from followup import _serving as serving  # light: the web stack loads in serve()
from followup._api import schedule_for
from followup._dates import parse_date
from followup._errors import InvalidOption, InvalidSetting, MissingValue
from followup._export import Paper, RenderOptions
from followup._files import output_file, read_text, write_output
from followup._i18n import _
from followup._options import COMMAND_LINE, Argument, format_for
from followup._settings import Settings

__all__ = ["app", "main"]

TABLE_WIDTH = 120  # for a table written to a file or a pipe, where no terminal sets it


def _new_app(**extra: Any) -> typer.Typer:
    return typer.Typer(
        cls=console.Commands,
        name="followup",
        help=opt.APP_HELP,
        epilog="Example:  followup plan 2025-03-14 --name AL -o scans.ics",
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


def _settings(raw: dict[str, Any], from_file: Path | None = None) -> Settings:
    """A command's settings over its patient file's (--from), in the language they ask for.

    `raw` is the settings given as options (see `opt.setting_options`). The
    language is made active for the rest of the run: --lang, else the patient
    file's, else the environment's.
    """
    asked = raw.get("lang")
    i18n.activate(asked if asked in i18n.LANGUAGES else i18n.from_environment())
    settings = Settings.from_mapping(raw, COMMAND_LINE)
    if from_file is not None:
        from followup._patient import parse_patient

        text = read_text(from_file, _("that is a folder, not a patient file"))
        settings = settings.over(parse_patient(text, from_file))
    i18n.activate(settings.lang or i18n.current())
    return replace(settings, lang=i18n.current())


def _today(given: str | None) -> date:
    """The day the run sees the plan from: --today, else the clock, read here only."""
    return parse_date(given) if given is not None else date.today()


def _dated(settings: Settings) -> Settings:
    """The settings, once they hold a treatment date: from the argument or the patient file."""
    if settings.treatment_date is None:
        raise MissingValue(
            "TREATMENT_DATE",
            _("give the treatment date as YYYY-MM-DD, or a patient file with --from"),
            "treatment_date",
        )
    return settings


def _text(lines: list[str]) -> None:
    write_output(None, ("\n".join(lines) + "\n").encode())


@app.command("plan", cls=console.Command, epilog=opt.PLAN_EXAMPLES)
@opt.setting_options()
def plan_(
    raw: dict[str, Any],
    from_file: opt.FromFile = None,
    format_: opt.PlanFormat = None,
    output: opt.Output = None,
    paper: opt.PaperSize = Paper.A4,
    today: opt.Today = None,
    quiet: opt.Quiet = False,
) -> None:
    """Plan follow-up visits from a treatment date.

    By default follows the Ibero-American consensus (2025) on liver metastases
    of soft tissue sarcoma: CT or MRI of the chest and abdomen every 3–4 months
    for 2 years, every 6 months to year 5, then yearly. Other protocols:
    'followup protocols'.
    """
    settings = _dated(_settings(raw, from_file))
    day = _today(today)
    schedule = schedule_for(settings, day)
    chosen = format_for(output, format_)
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    if chosen.binary and to_terminal:
        hint = _("it is not text: write it to a file, e.g. -o plan{suffix}")
        raise InvalidOption("--format", chosen.name, hint.format(suffix=chosen.suffix))
    options = RenderOptions.for_settings(
        settings,
        paper=paper,
        stamp=clock.stamp(),
        width=shutil.get_terminal_size((80, 24)).columns if output is None else TABLE_WIDTH,
        color=output is None and to_terminal,
    )
    write_output(output, chosen.render(schedule, options))
    if quiet:
        return
    console.tell_unrecorded(schedule, schedule.next_from(day))
    if output not in (None, "-"):
        console.tell_written(schedule, output)


@app.command("next", cls=console.Command, epilog=opt.NEXT_EXAMPLES)
@opt.setting_options(skip=("remind", "tracks"))
def next_(
    raw: dict[str, Any],
    from_file: opt.FromFile = None,
    today: opt.Today = None,
    format_: opt.NextFormat = "text",
) -> None:
    """Show the next visit to book: the first one not done yet, and how far away it is.

    When its date has passed, it is overdue and the days count is negative.
    """
    settings = _dated(_settings(raw, from_file))
    day = _today(today)
    if format_ not in ("text", "json"):
        raise InvalidOption("--format", format_, _("choose text or json"))
    schedule = schedule_for(settings, day)
    from followup import _wording as wording
    from followup._export.tables import next_json

    upcoming = schedule.next_from(day)
    if format_ == "json":
        write_output(None, next_json(schedule, day).encode())
    else:
        lines = [wording.next_sentence(schedule, upcoming), *wording.next_footer(schedule)]
        _text(console.fitted(lines, sys.stdout))
    console.tell_unrecorded(schedule, upcoming)


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
        from followup._export.protocol_text import protocol_list
        from followup._protocols import DEFAULT_PROTOCOL, PRESETS

        write_output(None, protocol_list(PRESETS, DEFAULT_PROTOCOL).encode())


@protocols_app.command("show", cls=console.Command, epilog=opt.PROTOCOL_EXAMPLES)
def protocols_show(protocol: opt.ProtocolArgument, lang: opt.Language = None) -> None:
    """Show a protocol: its phases with their ranges, its tracks, and its quoted source."""
    from followup._api import load_protocol
    from followup._export.protocol_text import protocol_details
    from followup._protocols import DEFAULT_PROTOCOL

    _settings({"lang": lang})
    chosen = Settings.from_mapping({"protocol": protocol}, Argument("protocol"))
    write_output(None, protocol_details(load_protocol(chosen.protocol), DEFAULT_PROTOCOL).encode())


@app.command("batch", cls=console.Command, epilog=opt.BATCH_EXAMPLES)
@opt.setting_options(skip=("treatment_date", "name", "done", "tracks"))
def batch_(
    roster: opt.Roster,
    out_dir: opt.OutDir,
    raw: dict[str, Any],
    formats: opt.BatchFormats = "ics",
    jobs: opt.Jobs = 1,
    today: opt.Today = None,
    paper: opt.PaperSize = Paper.A4,
) -> None:
    """Plan every patient of a roster: files per patient, a summary, and the rows that failed.

    Bad rows do not stop the run; they are listed with their line and reason on
    standard error and in DIR/errors.csv, and the exit code is then 1.
    """
    from followup import _batch as batch

    defaults = _settings(raw)
    forms = opt.file_formats(formats, jobs)
    day = _today(today)
    options = RenderOptions.for_settings(defaults, paper=paper, stamp=clock.stamp())
    job = batch.Job(out_dir, forms, replace(defaults, lang=None), options, day)
    with contextlib.ExitStack() as stack:
        # The bar goes to standard error, so that standard output keeps only the last line.
        screen = console.error_console() if sys.stderr.isatty() else None
        report = batch.run(roster, job, jobs=jobs, on_row=console.RowReporter(stack, screen))
    console.tell_batch(report, out_dir)
    if report.failed:
        raise typer.Exit(1)


@app.command("worklist", cls=console.Command, epilog=opt.WORKLIST_EXAMPLES)
@opt.setting_options(skip=opt.WORKLIST_SKIPS)
def worklist_(
    roster: opt.Roster,
    raw: dict[str, Any],
    within: opt.Within = 30,
    today: opt.Today = None,
    output: opt.WorklistOutput = None,
    paper: opt.PaperSize = Paper.A4,
    jobs: opt.Jobs = 1,
) -> None:
    """The clinic's worklist: who to call, about which scan, in calling order."""
    from followup import _clinic_files, _roster_file, _worklist

    defaults = replace(_settings(raw), lang=None)
    chosen = opt.worklist_format_for(output)
    rows = _roster_file.read_roster(roster, whole=False)  # read once, as it is listed
    with opt.spelled_as("--within", "--jobs"):
        work = _worklist.worklist(rows, _today(today), within=within, defaults=defaults, jobs=jobs)
    console.tell_worklist_problems(work)
    if chosen is None:
        _text(console.worklist_lines(work))
    else:
        with output_file(output) as out:  # written as it is read: memory stays flat
            _clinic_files.write_worklist(work, chosen, out, stamp=clock.stamp(), paper=paper)
        console.tell_worklist_written(work, str(output))
    if work.failed:
        raise typer.Exit(1)


@app.command("roster-template", cls=console.Command, epilog=opt.TEMPLATE_EXAMPLES)
def roster_template_(output: opt.Output = None, lang: opt.Language = None) -> None:
    """Write a roster to fill in (.xlsx), in your language, with a sheet explaining it."""
    from followup._clinic_files import roster_template

    _settings({"lang": lang})
    write_output(opt.template_output(output, sys.stdout.isatty()), roster_template(clock.stamp()))


@app.command("push", cls=console.Command, epilog=opt.PUSH_EXAMPLES)
@opt.setting_options()
def push_(
    raw: dict[str, Any],
    from_file: opt.FromFile = None,
    caldav: opt.CalDAV = None,
    user: opt.User = None,
    calendar: opt.CalendarName = None,
    dry_run: opt.DryRun = False,
    restore: opt.Restore = False,
    replace: opt.Replace = None,
    ca_file: opt.CaFile = None,
    today: opt.Today = None,
) -> None:
    """Put the plan in a calendar account (CalDAV), an event per visit, and keep it up to date."""
    from followup.push import Target, push

    settings = _dated(_settings(raw, from_file))
    target = Target.parse(caldav, user, calendar, ca_file=ca_file)
    options = RenderOptions.for_settings(settings, stamp=clock.stamp())
    report = push(
        schedule_for(settings, _today(today)),
        options,
        target,
        dry_run=dry_run,
        restore=restore,
        replace=None if replace is None else parse_date(replace),
    )
    _text(report.lines())


@app.command("serve", cls=console.Command, help=opt.SERVE_HELP, epilog=opt.SERVE_EXAMPLES)
def serve_(
    host: opt.Host = "127.0.0.1",
    port: opt.Port = 8765,
    browse: opt.Browse = False,
    lang: opt.Language = None,  # the pages choose their own; this is for the messages here
) -> None:
    serving.serve(host, port, open_browser=browse)


@app.command("holidays", cls=console.Command, epilog=opt.HOLIDAY_EXAMPLES)
def holidays_(country: opt.Country = None, lang: opt.Language = None) -> None:
    """List the codes that --holidays accepts: countries, or the regions of one."""
    _settings({"lang": lang})
    try:
        _text(console.holiday_lines(country))
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
