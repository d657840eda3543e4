"""Languages: gettext catalogs for every sentence, Babel for dates in each locale's form.

The active language lives in a context variable: the command line sets it once
per run, a batch row for the time it is written. `_` looks the message up in the
active catalog; English is the language of the code, so it needs none.

English dates stay `Tuesday 2024-04-30`: the ISO form is never misread. The other
languages get Babel's long form ("martes, 30 de abril de 2024"), and Babel is
only imported when one of them is used.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Literal, NamedTuple

__all__ = [
    "LANGUAGES",
    "N_",
    "TONGUES",
    "Language",
    "Tongue",
    "_",
    "activate",
    "babel_locale",
    "closest",
    "column_weekday",
    "current",
    "from_environment",
    "long_date",
    "ngettext",
    "short_date",
    "tongue",
    "using",
    "weekday",
]


class Tongue(NamedTuple):
    """One language followup speaks: its code (a BCP 47 tag), its name in itself, its
    gettext catalog (None: the messages' own English), its Babel locale, the holidays
    package's names for it (best first), and whether table columns take the short
    weekday names."""

    code: str
    endonym: str
    catalog: str | None
    babel: str
    holiday_names: tuple[str, ...]
    short_weekdays: bool = False


# The one table of languages: adding a language is a line here and its catalog.
TONGUES = (
    Tongue("en", "English", None, "en", ("en_US",)),
    Tongue("es", "Español", "es", "es", ("es",)),
    Tongue("pt", "Português", "pt", "pt_PT", ("pt_PT", "pt_BR"), short_weekdays=True),
    Tongue("pt-BR", "Português (Brasil)", "pt_BR", "pt_BR", ("pt_BR", "pt_PT"), True),
)
LANGUAGES = tuple(tongue.code for tongue in TONGUES)
# The same codes for type checkers (a test keeps them equal).
Language = Literal["en", "es", "pt", "pt-BR"]
_TONGUE = {tongue.code: tongue for tongue in TONGUES}
LOCALES = Path(__file__).parent / "locales"


def tongue(code: str) -> Tongue:
    """The language `code` names, one of `LANGUAGES`."""
    return _TONGUE[code]


def closest(language: str, region: str = "") -> str | None:
    """The language we speak for a locale's language and region (`pt`, `BR` → `pt-BR`;
    `pt`, `AO` → `pt`; `fr` → None): the regional variant when there is one, else the base."""
    language, region = language.lower(), region.upper()
    regional = f"{language}-{region}"
    if region and regional in _TONGUE:
        return regional
    return language if language in _TONGUE else None


_language: ContextVar[str] = ContextVar("followup_language", default="en")


@functools.cache
def _translation(language: str) -> gettext.NullTranslations:
    catalog = _TONGUE[language].catalog
    if catalog is None:
        return gettext.NullTranslations()
    return gettext.translation("followup", LOCALES, languages=[catalog])


def _(message: str) -> str:
    """`message` in the active language."""
    return _translation(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the active language."""
    return _translation(_language.get()).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark a message for translation where it is defined; `_` translates it when shown."""
    return message


def current() -> str:
    return _language.get()


def check(language: str) -> str:
    """A language code followup speaks, or bad input naming the choices."""
    from followup._errors import InvalidSetting, not_allowed

    if language not in LANGUAGES:
        raise InvalidSetting(
            "lang", language, not_allowed(language, _("choose en, es, pt or pt-BR"))
        )
    return language


def activate(language: str) -> None:
    """Use `language` from now on in this context."""
    _language.set(check(language))


@contextlib.contextmanager
def using(language: str) -> Iterator[None]:
    """Use `language` inside the block only."""
    token = _language.set(check(language))
    try:
        yield
    finally:
        _language.reset(token)


def from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The language the environment's locale asks for, when followup speaks it; else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if not value:
            continue
        tag = value.split(".")[0].split("@")[0].replace("-", "_")
        language, _sep, region = tag.partition("_")
        return closest(language, region) or "en"
    return "en"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _babel(day: date, pattern: str) -> str:
    return _babel_in(day, pattern, _TONGUE[_language.get()].babel)


@functools.lru_cache(maxsize=4096)
def _babel_in(day: date, pattern: str, locale: str) -> str:
    """A date as Babel writes it: a plan's page writes each of its dates several times."""
    from babel.dates import format_date

    return format_date(day, pattern, locale=locale)


def babel_locale(language: str) -> str:
    """The Babel locale that writes `language`, one of `LANGUAGES`: `pt_PT` for `pt`."""
    return _TONGUE[language].babel


def weekday(day: date) -> str:
    """The day of the week, as the language writes it."""
    if _language.get() == "en":
        return _WEEKDAYS[day.weekday()]
    return _babel(day, "EEEE")


def column_weekday(day: date) -> str:
    """The day of the week for a table column: Portuguese names ("segunda-feira")
    are too long for one, so Portuguese gets the abbreviations its calendars print."""
    if _TONGUE[_language.get()].short_weekdays:
        return _babel(day, "EEE")
    return weekday(day)


def long_date(day: date) -> str:
    """`Tuesday 2024-04-30`; `martes, 30 de abril de 2024`; `terça-feira, 30 de abril de 2024`."""
    if _language.get() == "en":
        return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"
    return _babel(day, "full")


def short_date(day: date) -> str:
    """`Tue 2024-04-30`; `mar 30 abr 2024`: for narrow tables."""
    if _language.get() == "en":
        return f"{_WEEKDAYS[day.weekday()][:3]} {day.isoformat()}"
    return _babel(day, "EEE d MMM y")
