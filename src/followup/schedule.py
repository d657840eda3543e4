"""The pure core: a treatment date and a protocol in, a `Schedule` of `Visit`s out."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from followup.dates import Weekends, move
from followup.errors import InvalidOption
from followup.protocols import IBERO_AMERICAN_2025, Phase, Protocol

__all__ = [
    "MAX_REMIND_DAYS",
    "MAX_YEARS",
    "NAME_LIMIT",
    "Schedule",
    "Visit",
    "check_reminder",
    "clean_name",
    "plan",
]

MAX_YEARS = 30
MAX_REMIND_DAYS = 90
NAME_LIMIT = 100


@dataclass(frozen=True)
class Visit:
    """One planned scan.

    `due_date` is what the rule gives; `date` is the day shown, which differs
    when the due date fell on a weekend and was moved.
    """

    number: int
    months: int
    due_date: date
    date: date
    phase: Phase

    @property
    def moved(self) -> bool:
        return self.date != self.due_date


@dataclass(frozen=True)
class Schedule:
    """Every visit of one person's follow-up, with the choices that produced them."""

    treatment_date: date
    protocol: Protocol
    years: int
    weekends: Weekends
    name: str | None
    visits: tuple[Visit, ...]

    @property
    def end_date(self) -> date:
        """The last day of follow-up: nothing is planned after it."""
        return self.treatment_date + relativedelta(years=self.years)


def clean_name(name: str | None) -> str | None:
    """A person's name as one line of text, so it can never break a file's lines."""
    if name is None:
        return None
    # Cc covers CR, LF, tab and the rest; split() also breaks on U+2028/U+2029.
    # Format characters (Cf) stay: zero-width joiners belong to some scripts.
    printable = "".join(" " if unicodedata.category(c) == "Cc" else c for c in name)
    cleaned = " ".join(printable.split())
    if len(cleaned) > NAME_LIMIT:
        raise InvalidOption("--name", f"{cleaned[:20]}…", f"at most {NAME_LIMIT} characters")
    return cleaned or None


def check_reminder(days: int) -> int:
    """Days before a visit to remind the person to book it; 0 means no reminder."""
    if not 0 <= days <= MAX_REMIND_DAYS:
        raise InvalidOption("--remind", days, f"choose from 0 (none) to {MAX_REMIND_DAYS} days")
    return days


def plan(
    treatment_date: date,
    *,
    protocol: Protocol = IBERO_AMERICAN_2025,
    years: int = 10,
    weekends: Weekends = Weekends.NEXT,
    name: str | None = None,
) -> Schedule:
    """Plan the follow-up visits after `treatment_date`.

    The interval after a visit is that of the phase the visit falls in, and each
    date is counted in whole months from the treatment date itself, so month
    ends never drift: from 31 January, 3 months is 30 April and 6 is 31 July.
    """
    if not 1 <= years <= MAX_YEARS:
        raise InvalidOption("--years", years, f"choose from 1 to {MAX_YEARS}")
    last_month = 12 * years
    visits: list[Visit] = []
    month = 0
    while True:
        phase = protocol.phase_at(month)
        month += phase.every_months
        if month > last_month:
            break
        due = treatment_date + relativedelta(months=month)
        visits.append(Visit(len(visits) + 1, month, due, move(due, weekends), phase))
    return Schedule(
        treatment_date=treatment_date,
        protocol=protocol,
        years=years,
        weekends=weekends,
        name=clean_name(name),
        visits=tuple(visits),
    )
