"""The command line: parse, call the core and an exporter, write, report errors."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from followup import i18n
from followup.dates import parse_date
from followup.errors import (
    FollowupError,
    InvalidOption,
    MissingDependency,
    UnusableOutput,
)
from followup.files import atomic_open, make_private_folder, sync, write_atomically
from followup.i18n import _
from followup.options import (
    Done,
    EarlyInterval,
    EarlyYears,
    Format,
    FromFile,
    HolidayCode,
    Lang,
    Language,
    Name,
    NextFormat,
    Paper,
    ProtocolChoice,
    TrackEvery,
    TrackExam,
    TreatmentDate,
    WeekendRule,
    Years,
)
from followup.protocols import DEFAULT_PROTOCOL, PRESETS, Track
from followup.schedule import Schedule, check_reminder
from followup.settings import Settings, load_holidays, load_protocol, read_text, schedule_for

__all__ = ["app", "main"]


SUFFIXES = {
    ".ics": Format.ICS,
    ".csv": Format.CSV,
    ".md": Format.MD,
    ".json": Format.JSON,
    ".html": Format.HTML,
    ".pdf": Format.PDF,
}
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


def _new_app() -> typer.Typer:
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
    )


app = _new_app()


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"followup {_version()}")
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


def _format_for(output: str | None, chosen: Format | None) -> Format:
    if chosen is not None:
        return chosen
    if output is None or output == "-":
        return Format.TABLE
    suffix = Path(output).suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(SUFFIXES)
        raise UnusableOutput(
            output,
            _("cannot tell the format from {suffix!r}; use {known} or --format").format(
                suffix=suffix or _("no suffix"), known=known
            ),
        )
    return SUFFIXES[suffix]


def _version() -> str:
    from importlib.metadata import version

    return version("followup")


def _render(
    schedule: Schedule, form: Format, remind: int, paper: Paper, *, for_terminal: bool
) -> bytes:
    if form is not Format.TABLE:
        from followup.export import render

        return render(
            schedule,
            form.value,
            remind_days=remind,
            paper=paper.value,
            stamp=_stamp(),
            # Reading our own version costs a metadata lookup: only sheets print it.
            version=_version() if form in (Format.HTML, Format.PDF) else "",
        )
    from rich.console import Console

    from followup.export.tables import rich_table

    if for_terminal:
        Console().print(rich_table(schedule))
        return b""
    buffer = io.StringIO()
    Console(file=buffer, width=TABLE_WIDTH, color_system=None).print(rich_table(schedule))
    return buffer.getvalue().encode()


def _speak(lang: Lang | None, fallback: str | None = None) -> None:
    """Use the language asked for, else `fallback` (a patient file's), else the environment's."""
    i18n.activate(lang.value if lang else fallback or i18n.from_environment())


def _load_patient(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    from followup.patient import parse_patient

    return parse_patient(read_text(path, _("that is a folder, not a patient file")), path)


def _tracks(exams: list[str] | None, every: list[int] | None) -> tuple[Track, ...] | None:
    exams, every = exams or [], every or []
    if len(exams) != len(every):
        raise InvalidOption(
            "--track",
            len(exams),
            _("give one --every for each --track (got {count})").format(count=len(every)),
        )
    for months in every:
        if months <= 0:
            raise InvalidOption("--every", months, _("give a whole number of months above 0"))
    return tuple(Track(exam, months) for exam, months in zip(exams, every, strict=True)) or None


def _settings(
    treatment_date: str | None,
    from_file: Path | None,
    *,
    done: list[str] | None,
    track: list[str] | None = None,
    every: list[int] | None = None,
    **options: Any,
) -> Settings:
    """The command line's settings over the patient file's."""
    given = Settings(
        treatment_date=parse_date(treatment_date) if treatment_date is not None else None,
        done=tuple(parse_date(text) for text in done) if done is not None else None,
        tracks=_tracks(track, every),
        **options,
    )
    return given.over(_load_patient(from_file))


def _emit(data: bytes, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(Path(output), data)


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


@app.command(epilog=PLAN_EXAMPLES)
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
    remind: Annotated[
        int | None,
        typer.Option(
            metavar="DAYS",
            help="Calendar reminder this many days before each visit, at 09:00; 0 for none "
            "[default: 14].",
        ),
    ] = None,
    name: Name = None,
    form: Annotated[
        Format | None,
        typer.Option("--format", help="Output format; by default taken from the -o suffix."),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            metavar="PATH",
            help="File to write (.ics .csv .md .json .html .pdf); - for standard output.",
        ),
    ] = None,
    paper: Annotated[Paper, typer.Option(help="Paper size of a PDF sheet.")] = Paper.A4,
    lang: Language = None,
) -> None:
    """Plan follow-up visits from a treatment date.

    By default follows the Ibero-American consensus (2025) on liver metastases
    of soft tissue sarcoma: CT or MRI of the chest and abdomen every 3–4 months
    for 2 years, every 6 months to year 5, then yearly. Other protocols:
    'followup protocols'.
    """
    _speak(lang)
    settings = _settings(
        treatment_date,
        from_file,
        done=done,
        track=track,
        every=every,
        name=name,
        protocol=protocol,
        early_interval=early_interval,
        early_years=early_years,
        years=years,
        weekends=weekends,
        holidays=holidays,
        remind=remind,
    )
    _speak(lang, settings.lang)  # a patient file may name the person's language
    days = check_reminder(14 if settings.remind is None else settings.remind)
    schedule = schedule_for(settings, date.today())
    chosen = _format_for(output, form)
    _emit(_render(schedule, chosen, days, paper, for_terminal=output is None), output)


plan_.__name__ = "plan"


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
    today: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="The day to count from [default: the system date]."),
    ] = None,
    protocol: ProtocolChoice = None,
    early_interval: EarlyInterval = None,
    early_years: EarlyYears = None,
    years: Years = None,
    weekends: WeekendRule = None,
    holidays: HolidayCode = None,
    name: Name = None,
    form: Annotated[NextFormat, typer.Option("--format", help="A sentence, or JSON.")] = (
        NextFormat.TEXT
    ),
    lang: Language = None,
) -> None:
    """Show the next visit to book: the first one not done yet, and how far away it is.

    When its date has passed, it is overdue and the days count is negative.
    """
    _speak(lang)
    day = parse_date(today) if today is not None else date.today()
    settings = _settings(
        treatment_date,
        from_file,
        done=done,
        name=name,
        protocol=protocol,
        early_interval=early_interval,
        early_years=early_years,
        years=years,
        weekends=weekends,
        holidays=holidays,
    )
    _speak(lang, settings.lang)  # a patient file may name the person's language
    schedule = schedule_for(settings, day)
    from followup import wording

    if form is NextFormat.TEXT:
        lines = [wording.next_visit(schedule, day), *wording.next_footer(schedule)]
        _emit(("\n".join(lines) + "\n").encode(), None)
        return
    from followup.export.tables import next_json

    _emit(next_json(schedule, day).encode(), None)


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
    _speak(lang)
    if ctx.invoked_subcommand is None:
        from followup import wording

        _emit(wording.protocol_list(PRESETS, DEFAULT_PROTOCOL).encode(), None)


@protocols_app.command("show", epilog=PROTOCOL_EXAMPLES)
def protocols_show(
    protocol: Annotated[
        str, typer.Argument(metavar="ID|FILE.toml", help="A preset id or a protocol file.")
    ],
    lang: Language = None,
) -> None:
    """Show a protocol: its phases with their ranges, its tracks, and its quoted source."""
    _speak(lang)
    from followup import wording

    _emit(wording.protocol_details(load_protocol(protocol)).encode(), None)


BATCH_EXAMPLES = """\
Examples:

  followup batch roster.csv --out-dir plans             a calendar file per patient

  followup batch roster.csv --out-dir plans --format ics,html,pdf --jobs 2

  followup batch roster.csv --out-dir plans --holidays ES-MD --years 7

The roster is CSV with a header: id and treatment_date are required; name,
protocol, early_interval, early_years, years, weekends, holidays and done
(dates separated by ';') are optional and override the options given here.
"""


def _file_formats(text: str) -> tuple[str, ...]:
    from followup.export import FILE_FORMATS

    forms = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    for form in forms or ("",):
        if form not in FILE_FORMATS:
            raise InvalidOption(
                "--format",
                form,
                _("choose from {formats}, separated by commas").format(
                    formats=", ".join(FILE_FORMATS)
                ),
            )
    return forms


@contextlib.contextmanager
def _csv_file(path: Path, header: list[str]) -> Iterator[Any]:
    """A CSV writer whose file appears whole at the end, or not at all."""
    with atomic_open(path) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        yield writer
        text.flush()
        text.detach()


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
    today: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="The day the summary counts from [default: today]."),
    ] = None,
    protocol: ProtocolChoice = None,
    early_interval: EarlyInterval = None,
    early_years: EarlyYears = None,
    years: Years = None,
    weekends: WeekendRule = None,
    holidays: HolidayCode = None,
    remind: Annotated[
        int,
        typer.Option(metavar="DAYS", help="Calendar reminder this many days before, at 09:00."),
    ] = 14,
    paper: Annotated[Paper, typer.Option(help="Paper size of PDF sheets.")] = Paper.A4,
    lang: Language = None,
) -> None:
    """Plan every patient of a roster: files per patient, a summary, and the rows that failed.

    Bad rows do not stop the run; they are listed with their line and reason on
    standard error and in DIR/errors.csv, and the exit code is then 1.
    """
    _speak(lang)
    from followup import batch
    from followup.export.tables import inert

    forms = _file_formats(formats)
    if not 1 <= jobs <= 64:
        raise InvalidOption("--jobs", jobs, _("choose from 1 to 64"))
    day = parse_date(today) if today is not None else date.today()
    defaults = Settings(
        protocol=protocol,
        early_interval=early_interval,
        early_years=early_years,
        years=years,
        weekends=weekends,
        holidays=holidays,
    )
    # Options that would fail every row are bad input before anything is written.
    load_protocol(protocol).choose(early_interval=early_interval, early_years=early_years)
    if holidays:
        load_holidays(holidays, i18n.current())  # the rows reuse it
    check_reminder(remind)
    if "pdf" in forms:
        from followup.export.sheet import require_pdf

        require_pdf()
    total, duplicates = batch.check_roster(roster)
    make_private_folder(out_dir)
    job = batch.Job(
        out_dir=out_dir,
        formats=forms,
        defaults=defaults,
        remind=remind,
        paper=paper.value,
        stamp=_stamp(),
        version=_version(),
        today=day,
        lang=i18n.current(),
    )
    written = failed = 0
    with contextlib.ExitStack() as stack:
        summary = stack.enter_context(_csv_file(out_dir / "summary.csv", list(batch.SUMMARY)))
        errors = stack.enter_context(_csv_file(out_dir / "errors.csv", ["line", "id", "reason"]))
        advance = _progress(stack, total)
        for outcome in batch.run(roster, job, duplicates, jobs, advance):
            if outcome.summary is not None:
                written += 1
                # Only the text that came from the roster can start like a formula.
                row = outcome.summary | {key: inert(outcome.summary[key]) for key in ("id", "name")}
                summary.writerow([row[key] for key in batch.SUMMARY])
            else:
                failed += 1
                reason = outcome.error or ""
                errors.writerow([outcome.line, inert(outcome.id), inert(reason)])
                typer.echo(
                    _("Error: line {line} (id {id!r}): {reason}").format(
                        line=outcome.line, id=outcome.id, reason=reason
                    ),
                    err=True,
                )
    sync()
    if failed:
        result = _(
            "{written} of {total} patients planned in {folder}; {failed} rows failed, see {errors}"
        )
    else:
        result = _("{written} of {total} patients planned in {folder}.")
    typer.echo(
        result.format(
            written=written,
            total=total,
            folder=out_dir,
            failed=failed,
            errors=out_dir / "errors.csv",
        )
    )
    if failed:
        raise typer.Exit(1)


def _progress(stack: contextlib.ExitStack, total: int) -> Callable[[], None]:
    """A progress bar on a terminal; nothing at all when output goes elsewhere."""
    if not sys.stderr.isatty():
        return lambda: None
    from rich.console import Console
    from rich.progress import Progress

    # On standard error, so that standard output keeps only the final line.
    progress = stack.enter_context(Progress(console=Console(stderr=True), transient=True))
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
    _speak(lang)
    from followup.public_holidays import countries

    known = countries()
    if country is None:
        lines = [f"{code}  {label}" for code, (label, _) in sorted(known.items())]
    else:
        code = country.strip().upper()
        if code not in known:
            raise InvalidOption(
                "COUNTRY", country, _("unknown country code; run 'followup holidays'")
            )
        label, regions = known[code]
        lines = [
            f"{label} ({code}): " + (", ".join(f"{code}-{r}" for r in regions) or "no regions")
        ]
    _emit(("\n".join(lines) + "\n").encode(), None)


def _with_only(name: str) -> typer.Typer | None:
    """The app with just the command `name`, or None when there is no such command.

    Typer builds the options of every registered command before it runs one;
    the entry point registers only the command asked for, which keeps start-up
    short. The commands themselves are the same objects as in `app`.
    """
    single = _new_app()
    single.registered_callback = app.registered_callback
    for info in app.registered_commands:
        if (info.name or getattr(info.callback, "__name__", "")) == name:
            single.registered_commands.append(info)
    single.registered_groups = [group for group in app.registered_groups if group.name == name]
    return single if single.registered_commands or single.registered_groups else None


def main() -> None:
    """Entry point of the `followup` command."""
    asked = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    ((asked and _with_only(asked)) or app)()
