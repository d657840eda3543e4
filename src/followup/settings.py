"""Settings: what one person's plan is made from, and turning them into a `Schedule`.

The command line, a patient file and a roster row each give a `Settings`; the
more specific one wins (`over`), and the defaults fill the rest. Loading a
protocol file or a country's holidays is cached, since a roster names the same
few again and again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from followup import i18n
from followup.dates import Holidays, Weekends
from followup.errors import InvalidFile, MissingValue
from followup.i18n import _
from followup.protocols import DEFAULT_PROTOCOL, Protocol, Track, preset
from followup.schedule import Schedule, plan

__all__ = ["Settings", "load_holidays", "load_protocol", "read_text", "schedule_for"]

DEFAULT_YEARS = 10


@dataclass(frozen=True)
class Settings:
    """What one person's plan is made from; None where nothing was said."""

    treatment_date: date | None = None
    name: str | None = None
    protocol: str | None = None
    early_interval: int | None = None
    early_years: int | None = None
    years: int | None = None
    weekends: Weekends | None = None
    remind: int | None = None
    holidays: str | None = None
    done: tuple[date, ...] | None = None
    tracks: tuple[Track, ...] | None = None
    lang: str | None = None

    def over(self, fallback: Settings) -> Settings:
        """These settings, with `fallback`'s values where these say nothing."""
        return Settings(
            **{
                field.name: getattr(fallback, field.name)
                if getattr(self, field.name) is None
                else getattr(self, field.name)
                for field in fields(self)
            }
        )


def read_text(path: Path, what: str) -> str:
    """The text of an input file, or an error that names the file and the problem.

    `what` says what the file should have been, for when it is a folder.
    """
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidFile(path, _("no such file")) from None
    except IsADirectoryError:
        raise InvalidFile(path, what) from None
    except UnicodeDecodeError:
        raise InvalidFile(path, _("not a text file in UTF-8")) from None


@functools.cache
def load_protocol(choice: str | None) -> Protocol:
    """A preset by id, or a protocol file when the choice ends in .toml."""
    if choice is None:
        return DEFAULT_PROTOCOL
    if not choice.lower().endswith(".toml"):
        return preset(choice)
    from followup.protocol_file import parse_protocol

    path = Path(choice)
    return parse_protocol(read_text(path, _("that is a folder, not a protocol file")), path)


@functools.cache
def load_holidays(code: str, language: str) -> Holidays:
    """A country's or region's public holidays, named in `language`; built once per run."""
    from followup.public_holidays import public_holidays

    return public_holidays(code, language)


def schedule_for(settings: Settings, today: date) -> Schedule:
    """The schedule the settings ask for, with the defaults where they say nothing."""
    if settings.treatment_date is None:
        raise MissingValue(
            "TREATMENT_DATE",
            _("give the treatment date as YYYY-MM-DD, or a patient file with --from"),
        )
    protocol = load_protocol(settings.protocol).choose(
        early_interval=settings.early_interval, early_years=settings.early_years
    )
    return plan(
        settings.treatment_date,
        protocol=protocol.with_tracks(settings.tracks or ()),
        years=DEFAULT_YEARS if settings.years is None else settings.years,
        weekends=Weekends.NEXT if settings.weekends is None else settings.weekends,
        name=settings.name,
        done=settings.done or (),
        today=today,
        holidays=load_holidays(settings.holidays, i18n.current()) if settings.holidays else None,
    )
