"""The command line's terminal: the one place errors become a line and an exit code,
and what it shows while a batch runs."""

from __future__ import annotations

import contextlib
import difflib
import enum
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import typer
from typer.core import TyperCommand, TyperGroup

from followup import _i18n as i18n
from followup._errors import (
    FollowupError,
    InvalidOption,
    InvalidSetting,
    MissingDependency,
    PushFailed,
    not_allowed,
)
from followup._i18n import _, ngettext

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from followup._batch import Outcome, Report
    from followup._schedule import Next, Schedule
    from followup._worklist import Worklist

__all__ = [
    "Command",
    "Commands",
    "ExtraArguments",
    "RowReporter",
    "UnknownCommand",
    "error_console",
    "fitted",
    "holiday_lines",
    "tell_batch",
    "tell_unrecorded",
    "tell_written",
    "terminal_width",
]


def _fail(message: str, code: int) -> NoReturn:
    # One line, whatever the message echoes: control characters are shown escaped.
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in message)
    typer.echo(_("Error: {message}").format(message=shown), err=True)
    raise typer.Exit(code)


def _usage_failure(error: typer.TyperException, command: str) -> NoReturn:
    message = _("{message} (see '{command} --help')")
    _fail(message.format(message=_usage_message(error), command=command), error.exit_code)


def _usage_message(error: typer.TyperException) -> str:
    """The parser's complaint in our words and the person's language, where we know its kind."""
    kind, text = type(error).__name__, error.format_message()
    option = getattr(error, "option_name", None)
    if kind == "NoSuchOption" and option:
        return _("there is no option {option}").format(option=option)
    if kind == "BadOptionUsage" and option:
        return _("{option} needs a value after it").format(option=option)
    if kind == "MissingParameter" and getattr(error, "param", None) is not None:
        return _("{what} is needed").format(what=error.param.get_error_hint())  # type: ignore[attr-defined]
    if isinstance(error, ExtraArguments):
        return error.message_in_words()
    if isinstance(error, UnknownCommand):
        if error.suggestion is None:
            return _("there is no command {name!r}").format(name=error.name)
        told = _("there is no command {name!r}; did you mean {suggestion!r}?")
        return told.format(name=error.name, suggestion=error.suggestion)
    if isinstance(error, typer.BadParameter):
        return _bad_value(error) or text
    return text


def _bad_value(error: typer.BadParameter) -> str | None:
    """An option's value the parser refused, in our words: None when we cannot tell why.

    The parser converts with pydantic, whose error names the kind of problem and the value.
    """
    param, found = getattr(error, "param", None), getattr(error.__cause__, "errors", None)
    if param is None or not param.opts or not callable(found) or not found():
        return None
    problem: dict[str, Any] = found()[0]
    kind, value = str(problem.get("type", "")), problem.get("input", "")
    option = max(param.opts, key=len)  # --port, not -p
    choices = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if kind.startswith("int_"):
        return _("{value} is not a whole number").format(value=f"{option} {value!r}")
    least, most = getattr(param, "min", None), getattr(param, "max", None)
    if kind in _OUT_OF_RANGE and least is not None and most is not None:
        allowed = _("choose from {least} to {most}").format(least=least, most=most)
        shown = int(value) if str(value).lstrip("-").isdecimal() else value
        return str(InvalidOption(option, shown, allowed))
    if isinstance(choices, type) and issubclass(choices, enum.Enum):
        allowed = _("choose from {formats}").format(formats=", ".join(c.value for c in choices))
        return str(InvalidOption(option, value, allowed))
    return _("{option} {value!r} is not allowed").format(option=option, value=value)


_OUT_OF_RANGE = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


class _Misused(typer.TyperException):
    """A usage error our parsing finds, carrying what it found: exit code 2, as the parser's."""

    exit_code = 2

    def __init__(self, ctx: Any) -> None:
        super().__init__(type(self).__name__)
        self.ctx = ctx


class ExtraArguments(_Misused):
    """Arguments after those the command takes: `followup plan 2025-03-14 Ana`."""

    def __init__(self, extra: list[str], ctx: Any) -> None:
        super().__init__(ctx)
        self.extra = extra

    def message_in_words(self) -> str:
        """What was extra; and, when the command takes --name and words were given, how to."""
        told = ngettext(
            "unexpected extra argument: {arguments}",
            "unexpected extra arguments: {arguments}",
            len(self.extra),
        ).format(arguments=", ".join(repr(arg) for arg in self.extra))
        given = [self.ctx.params.get("treatment_date"), *self.extra]
        words = [arg for arg in given if isinstance(arg, str) and _looks_like_a_name(arg)]
        if not words or not any(param.name == "name" for param in self.ctx.command.params):
            return told
        named = self.ctx.params.get("name")  # --name Ana Lopes, without quotes
        name = " ".join([named, *words] if isinstance(named, str) else words)
        hint = _("to give a name, write --name {name}").format(name=_quoted(name))
        return f"{told}; {hint}"


def _looks_like_a_name(text: str) -> bool:
    """Words, not a date, a number or an option."""
    letters, digits = any(c.isalpha() for c in text), any(c.isdigit() for c in text)
    return letters and not digits and not text.startswith("-")


def _quoted(text: str) -> str:
    """`text` as a shell reads it back as one argument: 'Ana Lopes', "O'Neil"."""
    if "'" not in text:
        return f"'{text}'"
    if not any(c in text for c in '"$`\\!'):
        return f'"{text}"'
    import shlex

    return shlex.quote(text)


class UnknownCommand(_Misused):
    """A command name followup does not have; `suggestion` is the closest one, if any is close."""

    def __init__(self, name: str, suggestion: str | None, ctx: Any) -> None:
        super().__init__(ctx)
        self.name = name
        self.suggestion = suggestion


def _speak_as_asked(args: list[str]) -> None:
    """Messages speak from the first moment --lang if given and known, else the locale's."""
    asked = next(
        (
            value
            for index, arg in enumerate(args)
            for value in ([args[index + 1]] if arg == "--lang" and index + 1 < len(args) else [])
            + ([arg.partition("=")[2]] if arg.startswith("--lang=") else [])
        ),
        None,
    )
    i18n.activate(asked if asked in i18n.LANGUAGES else i18n.from_environment())


def _check_arguments(args: list[str]) -> None:
    """Arguments that are not text (bytes that are not UTF-8, a NUL) are bad input, named."""
    for index, arg in enumerate(args):
        if "\0" in arg or any("\udc80" <= c <= "\udcff" for c in arg):
            before = args[index - 1] if index else ""
            option = arg.partition("=")[0] if arg.startswith("--") and "=" in arg else before
            where = option if option.startswith("-") else _("an argument")
            raise InvalidOption(where, arg, _("not valid text (UTF-8, without NUL characters)"))


class Commands(TyperGroup):
    """The one place where errors become a line on stderr and an exit code.

    2: bad input (a `FollowupError`, or a usage error found while parsing);
    1: a failure outside the input, such as a disk that refuses the file or a calendar
    server that cannot be reached.
    """

    # `Any`: typer's vendored click Context, which has no public name.
    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            if parent is None:
                _speak_as_asked(args)
            _check_arguments(args)
            return super().make_context(info_name, args, parent, **extra)
        except FollowupError as error:
            _fail(str(error), 2)
        except typer.TyperException as error:  # usage errors before the command's name
            above = [parent.command_path] if parent is not None else []
            _usage_failure(error, " ".join([*above, info_name or "followup"]))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as error:
            name = args[0] if args else ""
            if type(error).__name__ != "UsageError" or self.get_command(ctx, name) is not None:
                raise  # an option's error, not the command's name
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            raise UnknownCommand(name, close[0] if close else None, ctx) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FollowupError as error:
            _fail(str(error), 2)
        except typer.TyperException as error:  # usage errors from the parser
            command = getattr(getattr(error, "ctx", None), "command_path", ctx.command_path)
            _usage_failure(error, command)
        except (MissingDependency, PushFailed) as error:
            _fail(str(error), 1)
        except OSError as error:
            _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), 1)


class Command(TyperCommand):
    """A command that names the arguments it did not expect (the parser only words them)."""

    # `Any`: typer's vendored click Context, which has no public name.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        strict, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            extra: list[str] = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = strict
        if extra and not strict and not ctx.resilient_parsing:
            raise ExtraArguments(extra, ctx)
        return extra


class RowReporter:
    """Each refused row on standard error, as it comes; a progress bar too on `console`.

    Given to `batch.run` as its `on_row` callback; `console` is None when
    standard error is not a terminal.
    """

    def __init__(self, stack: contextlib.ExitStack, console: Console | None) -> None:
        self.stack = stack
        self.console = console
        self.advance: Callable[[], None] | None = None

    def __call__(self, outcome: Outcome, total: int) -> None:
        if outcome.error is not None:
            line = _("Error: line {line} (id {id!r}): {reason}")
            typer.echo(
                line.format(line=outcome.line, id=outcome.id, reason=outcome.error), err=True
            )
        if self.console is not None and self.advance is None:
            self.advance = self._bar(self.console, total)
        if self.advance is not None:
            self.advance()

    def _bar(self, console: Console, total: int) -> Callable[[], None]:
        from rich.progress import Progress

        progress = self.stack.enter_context(Progress(console=console, transient=True))
        task = progress.add_task(_("Planning"), total=total)
        return lambda: progress.advance(task)


def error_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def terminal_width(stream: TextIO) -> int | None:
    """The columns of the terminal `stream` shows on (COLUMNS, when set, overrides the measure);
    None for a file or a pipe, where the reader's program lays the lines out."""
    try:
        if not stream.isatty():
            return None
        measured = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):  # a stream without a file descriptor
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isascii() and columns.isdigit() and int(columns) else measured


def fitted(texts: Iterable[str], stream: TextIO) -> list[str]:
    """Each of `texts` in lines that fit the terminal `stream` shows on, broken between
    words as the plan's table breaks its cells; as they are for a file or a pipe."""
    width = terminal_width(stream)
    if width is None:
        return list(texts)
    from followup._export.tables import wrap_words  # the terminal's only: not for a pipe

    return [line for text in texts for line in wrap_words(text, width) or [""]]


def tell_unrecorded(schedule: Schedule, upcoming: Next) -> None:
    """Once, on standard error: earlier visits that have no scan recorded, and what to do."""
    if upcoming.unrecorded:
        note = ngettext(
            "Note: {count} earlier visit has no scan recorded. If it was done, add its date "
            "with --done DATE, and later visits will be counted from it.",
            "Note: {count} earlier visits have no scan recorded. If they were done, add "
            "their dates with --done DATE (once for each), and later visits will be "
            "counted from the last one.",
            upcoming.unrecorded,
        )
        note = note.format(count=upcoming.unrecorded)
        streams = [stream.id for stream in schedule.protocol.streams[1:]]
        if streams:
            note += " " + _(
                "For a stream other than the first, put its id first: --done ID:DATE (ids: {ids})."
            ).format(ids=", ".join(streams))
        typer.echo("\n".join(fitted([note], sys.stderr)), err=True)


def tell_written(schedule: Schedule, output: str) -> None:
    """One line on standard error after a file is written, so a silent success is not a mystery."""
    count = len(schedule.visits)
    line = ngettext("Wrote {count} visit to {file}", "Wrote {count} visits to {file}", count)
    typer.echo(line.format(count=count, file=output), err=True)


def tell_batch(report: Report, folder: Path) -> None:
    """The batch's last line, on standard output: how many were planned, and what failed."""
    for note in report.notes:
        typer.echo(note, err=True)
    counts = {"written": report.written, "total": report.total, "failed": report.failed}
    planned = ngettext(
        "{written} of {total} patient planned in {folder}",
        "{written} of {total} patients planned in {folder}",
        report.total,
    ).format(**counts, folder=folder)
    if not report.failed:
        typer.echo(f"{planned}.")
        return
    failed = ngettext(
        "{failed} row failed, see {errors}", "{failed} rows failed, see {errors}", report.failed
    )
    typer.echo(f"{planned}; {failed.format(**counts, errors=report.errors)}")


def tell_worklist_written(work: Worklist, output: str) -> None:
    """The counts, and where the worklist went."""
    typer.echo(_("{counts}; written to {file}").format(counts=work.counts_line(), file=output))


def tell_worklist_problems(work: Worklist) -> None:
    """On standard error: how the roster was read, then each row not listed and why."""
    for note in work.notes:
        typer.echo(note, err=True)
    for failure in work.failed:
        line = _("line {line} ({id}): {reason}")
        typer.echo(
            line.format(line=failure.line, id=failure.id or "-", reason=failure.reason), err=True
        )


def worklist_lines(work: Worklist) -> list[str]:
    """The worklist as text: the counts, then a line per patient, in calling order."""
    from followup._clinic_files import days_note

    lines = [
        _("Worklist on {date}: {counts}").format(
            date=work.today.isoformat(), counts=work.counts_line()
        )
    ]
    table = [
        [
            item.state.label,
            str(item.days),
            item.id,
            item.name,
            item.phone,
            f"#{item.visit} {item.exam}",
            f"{item.opens.isoformat()} – {item.closes.isoformat()}",
            item.outcome.label if item.outcome else "",
            item.remind_on.isoformat() if item.remind_on else "",
        ]
        for item in work.items
    ]
    widths = [max((len(row[column]) for row in table), default=0) for column in range(9)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    if table:
        lines.append(days_note())
    return lines


def holiday_lines(country: str | None) -> list[str]:
    """`followup holidays`: every country code and its name; or, for one country, the codes
    of its regions. Names are in the active language; an alias (`UK`) lists the country it
    stands for (`GB`)."""
    import holidays

    from followup import _public_holidays as public_holidays

    named = public_holidays.countries(i18n.current())
    if country is None:
        return [f"{code}  {name}" for code, name in named]
    code = country.strip().upper()
    if code not in holidays.list_supported_countries():
        reason = _("unknown country code; 'followup holidays' lists the codes")
        raise InvalidSetting("holidays", country, not_allowed(country, reason))
    code = str(getattr(holidays.country_holidays(code), "country", code))
    label = f"{dict(named).get(code, code)} ({code})"
    found = public_holidays.regions(code)
    if not found:
        return [_("{country}: no regions").format(country=label)]
    return [f"{label}:"] + [f"  {region}  {name}" for region, name in found]
