"""Settings: what one person's plan is made from, declared once as a schema of fields.

Every way in — the command line, a patient file, a roster row, a web form, the
JSON API — hands a mapping of raw values to `Settings.from_mapping`, which
converts and checks each one with the same field's converter. What cannot be
checked alone (an early interval against its protocol, scans done against the
treatment date) is checked while planning, and reported for the same field.

An `Origin` says where the values came from and spells the field in messages;
each front end brings its own (`--years` on the command line, key 'years' in a
patient file, column 'years' in a roster), and the core's problems name the
field only. `KEYS` is the core's own: a mapping from Python or JSON.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from followup._dates import FIRST_YEAR, LAST_YEAR, Weekends, check_date, parse_date
from followup._errors import InvalidDate, InvalidSetting, Origin, not_allowed
from followup._i18n import LANGUAGES, N_, _
from followup._protocols import DEFAULT_PROTOCOL, PRESETS, Stream
from followup._schedule import (
    DEFAULT_WEEKENDS,
    DEFAULT_YEARS,
    MAX_DONE,
    MAX_MONTHS,
    MAX_REMIND_DAYS,
    MAX_TRACKS,
    MAX_YEARS,
    NAME_LIMIT,
    Recorded,
    clean_name,
)

__all__ = [
    "DEFAULT_REMIND",
    "DEFAULT_WEEKENDS",
    "DEFAULT_YEARS",
    "FIELDS",
    "KEYS",
    "Field",
    "Keys",
    "ProtocolChoice",
    "Settings",
    "field_named",
]

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


@dataclass(frozen=True)
class Shape:
    """What a setting's value is: how raw text or JSON becomes it, and how every front end
    describes it. `schema` is its JSON Schema (types and limits, which `convert` keeps),
    `html` the attributes of its form input, which the browser checks before sending."""

    convert: Callable[[object], Any]
    schema: Mapping[str, Any]
    html: Mapping[str, str] = field(default_factory=dict)


def _whole_within(low: int, high: int, reason: str) -> Shape:
    """A whole number from `low` to `high`; `reason` (a message with {low} and {high})
    says so when a value is outside."""

    def convert(value: object) -> int:
        number = _whole(value)
        if not low <= number <= high:
            raise _Refused(not_allowed(number, _(reason).format(low=low, high=high)))
        return number

    html = {"type": "number", "inputmode": "numeric", "min": str(low), "max": str(high)}
    schema = {"type": "integer", "minimum": low, "maximum": high}
    return Shape(convert, schema, html)


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


_DATE_SCHEMA = {"type": "string", "format": "date", "example": "2025-03-14"}
_DATE_HTML = {"type": "date", "min": f"{FIRST_YEAR}-01-01", "max": f"{LAST_YEAR}-12-31"}
DATE = Shape(_date, _DATE_SCHEMA, _DATE_HTML)


def _recorded(value: object) -> Recorded:
    """A date recorded as done: `2024-06-03` for the lead stream, or `ct:2024-06-03` for
    the stream a protocol names `ct` (checked against the protocol when planning)."""
    if isinstance(value, Recorded):
        return value
    if isinstance(value, str) and ":" in value:
        stream, _colon, day = value.rpartition(":")
        if stream.strip() and len(stream) <= NAME_LIMIT:
            return Recorded(_date(day.strip()), stream.strip())
    return Recorded(_date(value))


def _dates(value: object) -> tuple[Recorded, ...]:
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
    return tuple(_recorded(item) for item in value)


_RECORDED_SCHEMA = {
    "type": "string",
    "maxLength": NAME_LIMIT + 11,
    "example": "2025-06-03",
    "description": "A date, or STREAM:DATE for a stream other than the protocol's first.",
}
DATES = Shape(
    _dates, {"type": "array", "items": _RECORDED_SCHEMA, "maxItems": MAX_DONE}, _DATE_HTML
)


def _choice(values: Callable[[], Iterable[str]], reason: str) -> Callable[[object], str]:
    """One of `values`; `reason`, a message with {choices}, lists them when another is given."""

    def convert(value: object) -> str:
        text = _text(value).strip()
        allowed = tuple(values())
        if text not in allowed:
            choices = ", ".join(allowed[:-1]) + _(" or ") + allowed[-1]
            raise _Refused(not_allowed(text, _(reason).format(choices=choices)))
        return text

    return convert


def _weekends(value: object) -> Weekends:
    return Weekends(_choice(lambda: (rule.value for rule in Weekends), _CHOOSE_RULE)(value))


_CHOOSE_RULE = N_("choose {choices}")
WEEKENDS = Shape(_weekends, {"type": "string", "enum": [rule.value for rule in Weekends]})
LANGUAGE = Shape(
    _choice(lambda: LANGUAGES, N_("choose {choices}")),
    {"type": "string", "enum": list(LANGUAGES)},
)


def _name(value: object) -> str | None:
    name = clean_name(_text(value))
    if name is not None and len(name) > NAME_LIMIT:
        raise _Refused(
            not_allowed(f"{name[:20]}…", _("at most {limit} characters").format(limit=NAME_LIMIT))
        )
    return name


NAME = Shape(
    _name,
    {"type": "string", "maxLength": NAME_LIMIT, "example": "Ana"},
    {"type": "text", "maxlength": str(NAME_LIMIT), "autocomplete": "off"},
)


def _protocol(value: object) -> ProtocolChoice:
    if isinstance(value, Path):
        return value
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


# A JSON request may name a preset only: a protocol file would be a file on the server.
PROTOCOL = Shape(_protocol, {"type": "string", "enum": list(PRESETS)})
_REGION_CODE = 10  # `ES-MD`, `BR-SP`: a country's two letters and a region's few


def _holidays(value: object) -> str:
    # Checked against the holiday data when it is loaded, which is costly.
    text = _text(value).strip().upper()
    if len(text) > _REGION_CODE:
        raise _Refused(not_allowed(f"{text[:20]}", _("give a code such as PT, ES-MD or BR-SP")))
    return text


HOLIDAYS = Shape(_holidays, {"type": "string", "maxLength": _REGION_CODE, "example": "ES-MD"})
_TRACK_SHAPE = N_(
    "{value} is not a list of tracks, each with an exam and every_months "
    '(e.g. the exam "Chest X-ray" every 12 months)'
)
_EVERY = _whole_within(1, MAX_MONTHS, N_("give a whole number of months from {low} to {high}"))


def _track(item: object) -> Stream:
    if isinstance(item, Stream):
        item = {"exam": item.exam, "every_months": item.every_months}
    if not isinstance(item, Mapping):
        raise _Refused(_(_TRACK_SHAPE).format(value=_shown(item)))
    # `every` is what patient files said before tracks took the protocol file's key.
    keys = set(item) - {"every"} | ({"every_months"} if "every" in item else set())
    if keys != {"exam", "every_months"} or {"every", "every_months"} <= set(item):
        raise _Refused(_(_TRACK_SHAPE).format(value=_shown(item)))
    try:
        exam = _name(item["exam"])  # one line, and as long as a name at most
    except _Refused as refused:
        raise _Refused(refused.problem, "exam") from None
    if exam is None:
        raise _Refused(_("a track needs the name of its exam"), "exam")
    try:
        every = _EVERY.convert(item.get("every_months", item.get("every")))
    except _Refused as refused:
        raise _Refused(refused.problem, "every_months") from None
    return Stream.every(exam, every)


def _tracks(value: object) -> tuple[Stream, ...]:
    if not isinstance(value, list | tuple):
        raise _Refused(_(_TRACK_SHAPE).format(value=_shown(value)))
    if len(value) > MAX_TRACKS:
        raise _Refused(_("give at most {most} tracks").format(most=MAX_TRACKS))
    return tuple(_track(item) for item in value)


TRACKS = Shape(
    _tracks,
    {
        "type": "array",
        "maxItems": MAX_TRACKS,
        "items": {
            "type": "object",
            "properties": {
                "exam": {"type": "string", "minLength": 1, "maxLength": NAME_LIMIT},
                "every_months": _EVERY.schema,
            },
            "required": ["exam", "every_months"],
            "additionalProperties": False,
        },
    },
    _EVERY.html,
)


@dataclass(frozen=True)
class Field:
    """One setting, declared once: its shape (conversion, checks and limits), default,
    spelling and help. Every front end is made from this: the command line's options,
    the web form's inputs and their limits, the API's JSON Schema, roster columns and
    patient-file keys.

    `help` and `label` are English messages marked for translation; `flag` is
    how the command line spells the field ('' for the positional date), and
    `default` what applies when nothing is said (None: see `help`). `column` says
    whether a roster row may give it.
    """

    flag: str
    metavar: str
    label: str
    help: str
    shape: Shape
    default: object = None
    column: bool = True
    name: str = ""  # the attribute of `Settings` it declares, filled in there

    def convert(self, value: object) -> Any:
        return self.shape.convert(value)

    def help_text(self, more: str = "") -> str:
        """The help line, with the limits and the default as declared here; `more` is a
        front end's own words (a command, a flag of its own), put before the default."""
        help = _(self.help).format(most=MAX_YEARS, default=DEFAULT_YEARS)
        help += f" {more}" if more else ""
        if self.default is None:
            return help
        return _("{help} [default: {default}]").format(help=help, default=self.plain_default)

    @property
    def plain_default(self) -> object:
        """The default as text or a number, as JSON and help show it (`next`, not the enum)."""
        return self.default.value if isinstance(self.default, Weekends) else self.default

    def json_schema(self) -> dict[str, Any]:
        """The value's JSON Schema, with the help as its description and the default."""
        schema = {**self.shape.schema, "description": self.help_text()}
        if self.default is not None:
            schema["default"] = self.plain_default
        return schema


def setting(
    flag: str,
    metavar: str,
    label: str,
    help: str,
    shape: Shape,
    default: object = None,
    *,
    column: bool = True,
) -> Any:
    """An attribute of `Settings`, declared with its `Field`: its type is the attribute's,
    everything else is here. Unset, it is None: nothing was said."""
    declared = Field(flag, metavar, label, help, shape, default, column)
    return field(default=None, metadata={"setting": declared})


DEFAULT_REMIND = 14


class Keys:
    """Settings given as a mapping from Python or JSON: `years: 40 is not allowed: …`."""

    def message(self, field: str, problem: str) -> str:
        return f"{field}: {problem}"


KEYS = Keys()


@dataclass(frozen=True)
class Settings:
    """What one person's plan is made from; None where nothing was said.

    `origins` remembers where each value came from, so that a problem found
    while planning names the field as the person gave it.
    """

    treatment_date: date | None = setting(
        "",
        "TREATMENT_DATE",
        N_("Treatment date"),
        N_(
            "Day of the treatment the plan counts from, as YYYY-MM-DD "
            "(usually the last liver surgery or ablation)."
        ),
        DATE,
    )
    name: str | None = setting(
        "--name",
        "TEXT",
        N_("Name or initials"),
        N_("Whose plan this is, shown in titles; never put in event IDs."),
        NAME,
    )
    protocol: ProtocolChoice | None = setting(
        "--protocol",
        "ID|FILE.toml",
        N_("Protocol"),
        N_("A preset protocol, by its id."),
        PROTOCOL,
        DEFAULT_PROTOCOL.id,
    )
    early_interval: int | None = setting(
        "--early-interval",
        "MONTHS",
        N_("Months between visits in the first phase"),
        N_(
            "Months between visits in the first phase (of the protocol's first stream), "
            "within the source's range (3 or 4 for the default protocol) [default: the "
            "shortest]."
        ),
        _whole_within(1, MAX_MONTHS, N_("choose from {low} to {high}")),
    )
    early_years: int | None = setting(
        "--early-years",
        "N",
        N_("Length of the first phase in years"),
        N_(
            "Length of the first phase in years, where the source gives a range "
            "(e.g. 2–3) [default: the longest]."
        ),
        _whole_within(1, MAX_YEARS, N_("choose from {low} to {high}")),
    )
    years: int | None = setting(
        "--years",
        "N",
        N_("Years of follow-up"),
        N_(
            "Length of follow-up in years, 1 to {most} [default: the end the source states, "
            "else {default}]; where the source sets no end, a choice, not a rule."
        ),
        _whole_within(1, MAX_YEARS, N_("choose from {low} to {high}")),
    )
    weekends: Weekends | None = setting(
        "--weekends",
        "next|previous|keep",
        N_("Dates on a weekend or public holiday"),
        N_(
            "Move a date on a weekend or public holiday to the next or previous open day, "
            "or keep it."
        ),
        WEEKENDS,
        DEFAULT_WEEKENDS,
    )
    remind: int | None = setting(
        "--remind",
        "DAYS",
        N_("Reminder, days before"),
        N_("Calendar reminder this many days before each visit, at 09:00; 0 for none."),
        _whole_within(0, MAX_REMIND_DAYS, N_("choose from {low} (none) to {high} days")),
        DEFAULT_REMIND,
        column=False,
    )
    holidays: str | None = setting(
        "--holidays",
        "CC[-SUB]",
        N_("Public holidays"),
        N_(
            "Treat the public holidays of a country or region as closed days, "
            "e.g. PT, ES-MD, BR-SP, US-CA."
        ),
        HOLIDAYS,
    )
    done: tuple[Recorded, ...] | None = setting(
        "--done",
        "[STREAM:]DATE",
        N_("Scans already done"),
        N_(
            "Dates of the scans already done; the plan continues from the last. For a "
            "protocol's other streams, put the stream's id first, e.g. visit:2025-06-20."
        ),
        DATES,
    )
    tracks: tuple[Stream, ...] | None = setting(
        "--track",
        "EXAM",
        N_("Extra track"),
        N_(
            'Add a separate stream of visits for another exam, e.g. "Chest X-ray", every so '
            "many months. Opt-in: discuss it with the care team."
        ),
        TRACKS,
        column=False,
    )
    lang: str | None = setting(
        "--lang",
        "|".join(LANGUAGES),
        N_("Language"),
        N_("Language of everything written [default: from the environment's locale, else en]."),
        LANGUAGE,
    )
    chart_lang: str | None = setting(
        "--chart-lang",
        "|".join(LANGUAGES),
        N_("Language of the chart page"),
        N_(
            "Add to the printed sheet, after the pages in the plan's language, one page "
            "for the clinic's chart in this language."
        ),
        LANGUAGE,
    )
    origins: Mapping[str, Origin] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Every value given is converted and checked by its field, however it was given:
        `Settings(weekends="next")` holds `Weekends.NEXT`, `Settings(years="40")` raises
        `InvalidSetting`, as the same values from a file or a form would."""
        for declared in FIELDS:
            value = getattr(self, declared.name)
            if value is None:
                continue
            try:
                converted = declared.convert(value)
            except _Refused as refused:
                where = f"{declared.name}.{refused.part}" if refused.part else declared.name
                origin = self.origins.get(declared.name, KEYS)
                raise InvalidSetting(where, value, refused.problem, origin) from None
            object.__setattr__(self, declared.name, converted)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object], origin: Origin = KEYS) -> Settings:
        """Checked settings from raw values (text, or TOML and JSON values); None says nothing.

        Raises `InvalidSetting` for an unknown key or a value its field refuses,
        spelled by `origin`.
        """
        for key, value in raw.items():
            if key not in _BY_NAME:
                known = ", ".join(_BY_NAME)
                problem = _("unknown key; the keys are {keys}").format(keys=known)
                raise InvalidSetting(key, value, problem, origin)
        given: dict[str, Any] = {key: value for key, value in raw.items() if value is not None}
        return cls(**given, origins=dict.fromkeys(given, origin))

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

    def value(self, name: str) -> Any:
        """The value of the field `name`: the one given, else its declared default."""
        given = getattr(self, name)
        return _BY_NAME[name].default if given is None else given

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


FIELDS: tuple[Field, ...] = tuple(
    replace(attribute.metadata["setting"], name=attribute.name)
    for attribute in fields(Settings)
    if "setting" in attribute.metadata
)
_BY_NAME = {declared.name: declared for declared in FIELDS}


def field_named(name: str) -> Field:
    return _BY_NAME[name]
