"""The patient file: one person's settings, kept in TOML.

    treatment_date = 2024-01-31
    name = "Ana"
    protocol = "ibero-american-2025"   # a preset id, or a protocol file
    early_interval = 4
    years = 10
    weekends = "next"
    holidays = "ES-MD"
    done = [2024-06-03, 2024-09-30]
    lang = "es"
    [[tracks]]
    exam = "Brain MRI"
    every = 12

Keys are the command-line option names with underscores. Dates may be TOML
dates or "YYYY-MM-DD" strings. Reading checks every key and type, so that a
mistake is reported with the file and key it is in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from followup.dates import Weekends, parse_date
from followup.errors import InvalidDate, InvalidFile
from followup.i18n import _
from followup.protocols import Track
from followup.settings import Settings

__all__ = ["KEYS", "parse_patient"]

T = TypeVar("T")

# The keys are the names of the settings: a new setting is a new key.
KEYS = tuple(field.name for field in fields(Settings))


def _date(value: object, path: Path, key: str) -> date:
    if isinstance(value, datetime):
        raise InvalidFile(path, _("give a date without a time, e.g. 2024-01-31"), key)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except InvalidDate as error:
            raise InvalidFile(path, str(error), key) from None
    raise InvalidFile(
        path, _("expected a date such as 2024-01-31, got {value!r}").format(value=value), key
    )


def _whole(value: object, path: Path, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidFile(
            path, _("expected a whole number, got {value!r}").format(value=value), key
        )
    return value


def _text(value: object, path: Path, key: str) -> str:
    if not isinstance(value, str):
        raise InvalidFile(
            path, _("expected text in quotes, got {value!r}").format(value=value), key
        )
    return value


def _weekends(value: object, path: Path, key: str) -> Weekends:
    choice = _text(value, path, key)
    if choice not in {rule.value for rule in Weekends}:
        raise InvalidFile(
            path, _("{choice!r} is not one of next, previous, keep").format(choice=choice), key
        )
    return Weekends(choice)


def _dates(value: object, path: Path, key: str) -> tuple[date, ...]:
    if not isinstance(value, list):
        raise InvalidFile(path, _("expected a list of dates, e.g. [2024-06-03, 2024-09-30]"), key)
    return tuple(_date(item, path, key) for item in value)


def _tracks(value: object, path: Path, key: str) -> tuple[Track, ...]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidFile(
            path, _('expected [[tracks]] tables with exam = "…" and every = months'), key
        )
    tracks = []
    for item in value:
        if set(item) != {"exam", "every"}:
            raise InvalidFile(path, _("each track needs exactly exam and every"), key)
        every = _whole(item["every"], path, key)
        if every <= 0:
            raise InvalidFile(
                path, _("every must be at least 1 month, got {every}").format(every=every), key
            )
        tracks.append(Track(_text(item["exam"], path, key), every))
    return tuple(tracks)


def _lang(value: object, path: Path, key: str) -> str:
    from followup.i18n import LANGUAGES

    text = _text(value, path, key)
    if text not in LANGUAGES:
        raise InvalidFile(path, _("choose en, es, pt or pt-BR"), key)
    return text


def parse_patient(text: str, path: Path) -> Settings:
    """Read the TOML text of the patient file at `path` (named in messages)."""
    import tomllib  # here, so that runs without a patient file never load it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidFile(path, _("not a valid TOML file ({error})").format(error=error)) from None
    for key in data:
        if key not in KEYS:
            raise InvalidFile(
                path, _("unknown key; the keys are {keys}").format(keys=", ".join(KEYS)), key
            )

    def read(key: str, convert: Callable[[object, Path, str], T]) -> T | None:
        return convert(data[key], path, key) if key in data else None

    return Settings(
        treatment_date=read("treatment_date", _date),
        name=read("name", _text),
        protocol=read("protocol", _text),
        early_interval=read("early_interval", _whole),
        early_years=read("early_years", _whole),
        years=read("years", _whole),
        weekends=read("weekends", _weekends),
        remind=read("remind", _whole),
        holidays=read("holidays", _text),
        done=read("done", _dates),
        tracks=read("tracks", _tracks),
        lang=read("lang", _lang),
    )
