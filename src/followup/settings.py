"""Settings: what one person's plan is made from, declared once as a schema of fields.

Every way in — the command line, a patient file, a roster row, a web form, the
JSON API — hands a mapping of raw values to `Settings.from_mapping`, which
converts and checks each one with the same field's converter. What cannot be
checked alone (an early interval against its protocol, scans done against the
treatment date) is checked while planning, and reported for the same field.

An `Origin` says where the values came from and spells the field in messages:
`--years` on the command line, key 'years' in a patient file, column 'years'
in a roster.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from followup.dates import Weekends, check_date, parse_date
from followup.errors import InvalidDate, InvalidSetting, Origin, not_allowed
from followup.i18n import LANGUAGES, N_, _
from followup.protocols import DEFAULT_PROTOCOL, PRESETS, Track
from followup.schedule import (
    MAX_DONE,
    MAX_MONTHS,
    MAX_REMIND_DAYS,
    MAX_TRACKS,
    MAX_YEARS,
    NAME_LIMIT,
    clean_name,
)

__all__ = [
    "COMMAND_LINE",
    "DEFAULT_REMIND",
    "DEFAULT_WEEKENDS",
    "DEFAULT_YEARS",
    "FIELDS",
    "KEYS",
    "Argument",
    "CommandLine",
    "Field",
    "Form",
    "Keys",
    "PatientFile",
    "ProtocolChoice",
    "RosterRow",
    "Settings",
    "field_named",
]

DEFAULT_YEARS = 10
DEFAULT_REMIND = 14
DEFAULT_WEEKENDS = Weekends.NEXT
# Enough for any interval in months or years; longer digit strings are refused
# before int() has to read them.
_WHOLE = re.compile(r"[+-]?[0-9]{1,9}")

# A preset's id, or the path of a centre's protocol file.
ProtocolChoice = str | Path


class _Refused(Exception):
    """A converter's refusal; `from_mapping` adds the field and the origin.

    `part` names the part of a composite value at fault (a track's every_months).
    """

    def __init__(self, problem: str, part: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.part = part


def _shown(value: object) -> str:
    """A value as a message quotes it: dates in ISO form, the rest as Python writes them."""
    return value.isoformat() if isinstance(value, date) else repr(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Refused(_("{value} is not text; put it in quotes").format(value=_shown(value)))
    return value


def _whole(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value)
    raise _Refused(_("{value} is not a whole number").format(value=_shown(value)))


def _within(low: int, high: int, reason: Callable[[], str]) -> Callable[[object], int]:
    """A whole number from `low` to `high`; `reason()` says so in the active language."""

    def convert(value: object) -> int:
        number = _whole(value)
        if not low <= number <= high:
            raise _Refused(not_allowed(number, reason()))
        return number

    return convert


def _date(value: object) -> date:
    try:
        if isinstance(value, datetime):
            raise _Refused(
                _("{value} has a time; give the day only, e.g. 2024-01-31").format(value=value)
            )
        if isinstance(value, date):
            return check_date(value)
        if isinstance(value, str):
            return parse_date(value)
    except InvalidDate as error:
        raise _Refused(str(error)) from None
    raise _Refused(_("{value} is not a date such as 2024-01-31").format(value=_shown(value)))


def _dates(value: object) -> tuple[date, ...]:
    """A list of dates; in a single text (a roster cell), separated by ';'."""
    if isinstance(value, str):
        value = [part for part in value.split(";") if part.strip()]
    if not isinstance(value, list | tuple):
        raise _Refused(
            _("{value} is not a list of dates, e.g. [2024-06-03, 2024-09-30]").format(
                value=_shown(value)
            )
        )
    if len(value) > MAX_DONE:
        raise _Refused(_("give at most {most} dates").format(most=MAX_DONE))
    return tuple(_date(item) for item in value)


def _weekends(value: object) -> Weekends:
    text = _text(value).strip()
    if text not in {rule.value for rule in Weekends}:
        raise _Refused(not_allowed(text, _("choose next, previous or keep")))
    return Weekends(text)


def _name(value: object) -> str | None:
    name = clean_name(_text(value))
    if name is not None and len(name) > NAME_LIMIT:
        raise _Refused(
            not_allowed(f"{name[:20]}…", _("at most {limit} characters").format(limit=NAME_LIMIT))
        )
    return name


def _protocol(value: object) -> ProtocolChoice:
    text = _text(value).strip()
    if text.lower().endswith(".toml"):
        return Path(text)
    if text not in PRESETS:
        raise _Refused(
            not_allowed(
                text,
                _("choose one of {ids}, or give a protocol file ending in .toml").format(
                    ids=", ".join(PRESETS)
                ),
            )
        )
    return text


def _holidays(value: object) -> str:
    # Checked against the holiday data when it is loaded, which is costly.
    return _text(value).strip().upper()


def _tracks(value: object) -> tuple[Track, ...]:
    shape = _(
        "{value} is not a list of tracks, each with an exam and every_months, "
        'e.g. [{{exam = "Brain MRI", every_months = 12}}]'
    )
    if not isinstance(value, list | tuple) or not all(isinstance(i, Mapping) for i in value):
        raise _Refused(shape.format(value=_shown(value)))
    if len(value) > MAX_TRACKS:
        raise _Refused(_("give at most {most} tracks").format(most=MAX_TRACKS))
    tracks = []
    for item in value:
        # `every` is what patient files said before tracks took the protocol file's key.
        keys = set(item) - {"every"} | ({"every_months"} if "every" in item else set())
        if keys != {"exam", "every_months"} or {"every", "every_months"} <= set(item):
            raise _Refused(shape.format(value=_shown(item)))
        try:
            exam = _name(item["exam"])  # one line, and as long as a name at most
        except _Refused as refused:
            raise _Refused(refused.problem, "exam") from None
        if exam is None:
            raise _Refused(_("a track needs the name of its exam"), "exam")
        try:
            every = _whole(item.get("every_months", item.get("every")))
        except _Refused as refused:
            raise _Refused(refused.problem, "every_months") from None
        if not 0 < every <= MAX_MONTHS:
            reason = _("give a whole number of months from 1 to {most}").format(most=MAX_MONTHS)
            raise _Refused(not_allowed(every, reason), "every_months")
        tracks.append(Track(exam, every))
    return tuple(tracks)


def _lang(value: object) -> str:
    text = _text(value).strip()
    if text not in LANGUAGES:
        raise _Refused(not_allowed(text, _("choose en, es, pt or pt-BR")))
    return text


@dataclass(frozen=True)
class Field:
    """One setting, declared once: its converter and check, default, spelling and help.

    `help` and `label` are English messages marked for translation; `flag` is
    how the command line spells the field ('' for the positional date), and
    `default` what applies when nothing is said (None: see `help`).
    """

    name: str
    flag: str
    metavar: str
    label: str
    help: str
    convert: Callable[[object], Any]
    default: object = None

    def help_text(self) -> str:
        """The help line, with the limits and the default as declared here."""
        help = _(self.help).format(most=MAX_YEARS)
        if self.default is None:
            return help
        shown = self.default.value if isinstance(self.default, Weekends) else self.default
        return _("{help} [default: {default}]").format(help=help, default=shown)


FIELDS: tuple[Field, ...] = (
    Field(
        "treatment_date",
        "",
        "TREATMENT_DATE",
        N_("Treatment date"),
        N_(
            "Day of the treatment the plan counts from, as YYYY-MM-DD "
            "(usually the last liver surgery or ablation). May come from --from instead."
        ),
        _date,
    ),
    Field(
        "name",
        "--name",
        "TEXT",
        N_("Name or initials"),
        N_("Whose plan this is, shown in titles; never put in event IDs."),
        _name,
    ),
    Field(
        "protocol",
        "--protocol",
        "ID|FILE.toml",
        N_("Protocol"),
        N_("A preset ('followup protocols' lists them) or a centre's protocol file."),
        _protocol,
        DEFAULT_PROTOCOL.id,
    ),
    Field(
        "early_interval",
        "--early-interval",
        "MONTHS",
        N_("Months between visits in the first phase"),
        N_(
            "Months between visits in the first phase, within the source's range "
            "(3 or 4 for the default protocol) [default: the shortest]."
        ),
        _whole,
    ),
    Field(
        "early_years",
        "--early-years",
        "N",
        N_("Length of the first phase in years"),
        N_(
            "Length of the first phase in years, where the source gives a range "
            "(e.g. 2–3) [default: the longest]."
        ),
        _whole,
    ),
    Field(
        "years",
        "--years",
        "N",
        N_("Years of follow-up"),
        N_("Length of follow-up in years, 1 to {most}: a choice, not a rule."),
        _within(1, MAX_YEARS, lambda: _("choose from 1 to {most}").format(most=MAX_YEARS)),
        DEFAULT_YEARS,
    ),
    Field(
        "weekends",
        "--weekends",
        "next|previous|keep",
        N_("Dates on a weekend or public holiday"),
        N_(
            "Move a date on a weekend or public holiday to the next or previous open day, "
            "or keep it."
        ),
        _weekends,
        DEFAULT_WEEKENDS,
    ),
    Field(
        "remind",
        "--remind",
        "DAYS",
        N_("Reminder, days before"),
        N_("Calendar reminder this many days before each visit, at 09:00; 0 for none."),
        _within(
            0,
            MAX_REMIND_DAYS,
            lambda: _("choose from 0 (none) to {days} days").format(days=MAX_REMIND_DAYS),
        ),
        DEFAULT_REMIND,
    ),
    Field(
        "holidays",
        "--holidays",
        "CC[-SUB]",
        N_("Public holidays"),
        N_(
            "Treat the public holidays of a country or region as closed days, "
            "e.g. PT, ES-MD, BR-SP, US-CA; 'followup holidays' lists the codes."
        ),
        _holidays,
    ),
    Field(
        "done",
        "--done",
        "DATE",
        N_("Scans already done"),
        N_(
            "Date of a visit already done, repeated for each one; the plan continues "
            "from the last. Replaces the list in --from."
        ),
        _dates,
    ),
    Field(
        "tracks",
        "--track",
        "EXAM",
        N_("Extra track"),
        N_(
            'Add a separate stream of visits for another exam, e.g. "Brain MRI", with '
            "--every; repeat both for more. Opt-in: discuss it with the care team."
        ),
        _tracks,
    ),
    Field(
        "lang",
        "--lang",
        "en|es|pt|pt-BR",
        N_("Language"),
        N_(
            "Language of everything written: en, es, pt or pt-BR "
            "[default: from the environment's locale, else en]."
        ),
        _lang,
    ),
    Field(
        "chart_lang",
        "--chart-lang",
        "en|es|pt|pt-BR",
        N_("Language of the chart page"),
        N_(
            "Add to the printed sheet, after the pages in the plan's language, one page "
            "for the clinic's chart in this language: en, es, pt or pt-BR."
        ),
        _lang,
    ),
)
_BY_NAME = {declared.name: declared for declared in FIELDS}


def field_named(name: str) -> Field:
    return _BY_NAME[name]


class CommandLine:
    """Settings typed as options: `--years 40 is not allowed: …`."""

    # The parts of a composite setting that have options of their own.
    PART_FLAGS: Mapping[str, str] = {"tracks.every_months": "--every"}

    def message(self, field: str, problem: str) -> str:
        name = field.partition(".")[0]
        flag = self.PART_FLAGS.get(field) or (_BY_NAME[name].flag if name in _BY_NAME else field)
        return f"{flag} {problem}" if flag else problem


COMMAND_LINE = CommandLine()


class Keys:
    """Settings given as a mapping from Python or JSON: `years: 40 is not allowed: …`."""

    def message(self, field: str, problem: str) -> str:
        return f"{field}: {problem}"


KEYS = Keys()


@dataclass(frozen=True)
class Argument:
    """A setting given as a command's argument, such as `protocols show ID`."""

    metavar: str

    def message(self, field: str, problem: str) -> str:
        return f"{self.metavar} {problem}"


@dataclass(frozen=True)
class PatientFile:
    """Settings kept in a patient file: `ana.toml: key 'years': …`."""

    path: Path

    def message(self, field: str, problem: str) -> str:
        return _("{path}: key {key!r}: {problem}").format(
            path=self.path, key=field, problem=problem
        )


@dataclass(frozen=True)
class RosterRow:
    """Settings in a roster row: `column 'years': …` (the run names the line and id)."""

    def message(self, field: str, problem: str) -> str:
        return _("column {column!r}: {problem}").format(column=field, problem=problem)


@dataclass(frozen=True)
class Form:
    """Settings typed into a web form: the page shows the problem next to its field."""

    def message(self, field: str, problem: str) -> str:
        return problem


@dataclass(frozen=True)
class Settings:
    """What one person's plan is made from; None where nothing was said.

    `origins` remembers where each value came from, so that a problem found
    while planning names the field as the person gave it.
    """

    treatment_date: date | None = None
    name: str | None = None
    protocol: ProtocolChoice | None = None
    early_interval: int | None = None
    early_years: int | None = None
    years: int | None = None
    weekends: Weekends | None = None
    remind: int | None = None
    holidays: str | None = None
    done: tuple[date, ...] | None = None
    tracks: tuple[Track, ...] | None = None
    lang: str | None = None
    chart_lang: str | None = None
    origins: Mapping[str, Origin] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object], origin: Origin = KEYS) -> Settings:
        """Checked settings from raw values (text, or TOML and JSON values); None says nothing.

        Raises `InvalidSetting` for an unknown key or a value its field refuses,
        spelled by `origin`.
        """
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in _BY_NAME:
                known = ", ".join(_BY_NAME)
                problem = _("unknown key; the keys are {keys}").format(keys=known)
                raise InvalidSetting(key, value, problem, origin)
            if value is None:
                continue
            try:
                values[key] = _BY_NAME[key].convert(value)
            except _Refused as refused:
                field = f"{key}.{refused.part}" if refused.part else key
                raise InvalidSetting(field, value, refused.problem, origin) from None
        return cls(**values, origins=dict.fromkeys(values, origin))

    def over(self, fallback: Settings) -> Settings:
        """These settings, with `fallback`'s values where these say nothing."""
        values = {
            name: getattr(self, name)
            if getattr(self, name) is not None
            else getattr(fallback, name)
            for name in _BY_NAME
        }
        origins = {**fallback.origins, **self.origins}
        return Settings(**values, origins=origins)

    def origin_of(self, name: str) -> Origin | None:
        """Where the value of the field `name` came from; None for a default."""
        return self.origins.get(name)

    @contextlib.contextmanager
    def reported(self) -> Iterator[None]:
        """A problem found inside the block for a field is told as that field's origin tells it."""
        try:
            yield
        except InvalidSetting as error:
            origin = self.origin_of(error.field.partition(".")[0])
            if error.origin is None and origin is not None:
                raise error.at(origin) from None
            raise
