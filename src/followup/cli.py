"""The command line: parse, call the core and an exporter, write, report errors."""

from __future__ import annotations

import io
import os
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from followup.dates import Weekends, parse_date
from followup.errors import FollowupError, InvalidOption, UnusableOutput
from followup.files import write_atomically
from followup.protocols import IBERO_AMERICAN_2025
from followup.schedule import Schedule, check_reminder, plan

__all__ = ["app", "main"]


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    MD = "md"
    JSON = "json"
    ICS = "ics"


SUFFIXES = {".ics": Format.ICS, ".csv": Format.CSV, ".md": Format.MD, ".json": Format.JSON}
TABLE_WIDTH = 120  # for a table written to a file or a pipe, where no terminal sets it


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
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
            _fail(f"{error.format_message()} (see '{command} --help')", code)
        except OSError as error:
            _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), 1)


app = typer.Typer(
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


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"followup {version('followup')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Follow-up scan schedules after cancer treatment, from a published guideline."""


def _stamp() -> datetime:
    """DTSTAMP: from SOURCE_DATE_EPOCH when set, for byte-identical rebuilds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not epoch.isdigit():
        raise InvalidOption("SOURCE_DATE_EPOCH", epoch, "use a whole number of seconds")
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
            f"cannot tell the format from {suffix or 'no suffix'!r}; use {known} or --format",
        )
    return SUFFIXES[suffix]


def _render(schedule: Schedule, form: Format, remind: int, *, for_terminal: bool) -> bytes:
    # Exporters are imported here so that each run loads only the one it needs.
    if form is Format.ICS:
        from followup.export.ics import to_ics

        return to_ics(schedule, remind_days=remind, stamp=_stamp())
    from followup.export import tables

    if form is Format.CSV:
        return tables.to_csv(schedule).encode()
    if form is Format.MD:
        return tables.to_markdown(schedule).encode()
    if form is Format.JSON:
        return tables.to_json(schedule).encode()
    from rich.console import Console

    if for_terminal:
        Console().print(tables.rich_table(schedule))
        return b""
    buffer = io.StringIO()
    Console(file=buffer, width=TABLE_WIDTH, color_system=None).print(tables.rich_table(schedule))
    return buffer.getvalue().encode()


PLAN_EXAMPLES = """\
Examples:

  followup plan 2025-03-14                     show the plan as a table

  followup plan 2025-03-14 -o scans.ics        calendar file for a phone

  followup plan 2025-03-14 --name "Ana" --early-interval 4 --years 7 -o ana.ics

  followup plan 2025-03-14 --format json -o -  JSON on standard output
"""


@app.command(epilog=PLAN_EXAMPLES)
def plan_(
    treatment_date: Annotated[
        str,
        typer.Argument(
            help="Day of the treatment the plan counts from, as YYYY-MM-DD "
            "(usually the last liver surgery or ablation).",
            metavar="TREATMENT_DATE",
            show_default=False,
        ),
    ],
    early_interval: Annotated[
        int,
        typer.Option(metavar="MONTHS", help="Months between scans in the first 2 years: 3 or 4."),
    ] = 3,
    years: Annotated[
        int,
        typer.Option(
            metavar="N", help="Length of follow-up in years, 1 to 30: a choice, not a rule."
        ),
    ] = 10,
    weekends: Annotated[
        Weekends,
        typer.Option(
            help="Move a date on Saturday or Sunday to the next or previous weekday, or keep it."
        ),
    ] = Weekends.NEXT,
    remind: Annotated[
        int,
        typer.Option(
            metavar="DAYS",
            help="Calendar reminder this many days before each scan, at 09:00; 0 for none.",
        ),
    ] = 14,
    name: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT", help="Whose plan this is, shown in titles; never put in event IDs."
        ),
    ] = None,
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
            help="File to write (.ics .csv .md .json); - for standard output.",
        ),
    ] = None,
) -> None:
    """Plan follow-up scans from a treatment date.

    Follows the Ibero-American consensus (2025) on liver metastases of soft
    tissue sarcoma: CT or MRI of the chest and abdomen every 3–4 months for
    2 years, every 6 months to year 5, then yearly.
    """
    protocol = IBERO_AMERICAN_2025.with_interval(0, early_interval, option="--early-interval")
    check_reminder(remind)
    schedule = plan(
        parse_date(treatment_date), protocol=protocol, years=years, weekends=weekends, name=name
    )
    chosen = _format_for(output, form)
    data = _render(schedule, chosen, remind, for_terminal=output is None)
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(Path(output), data)


plan_.__name__ = "plan"


def main() -> None:
    """Entry point of the `followup` command."""
    app()
