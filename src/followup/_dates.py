"""Reading dates strictly, and moving a date off a weekend or public holiday."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from followup._errors import InvalidDate
from followup._i18n import N_, _

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "Holidays",
    "Weekends",
    "add_months",
    "check_date",
    "is_weekend",
    "move",
    "parse_date",
]

# Wide enough for any real treatment date, narrow enough that 30 years of
# follow-up never leaves the calendar Python can represent.
FIRST_YEAR, LAST_YEAR = 1900, 2199

_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ISO_DAY_AND_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d")
# 03/04/2025, 3.4.25, 03-04-2025: the day and month order depends on the country.
# Month names for messages, marked for translation (calendar.month_name follows
# the C locale, which is English).
_MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)  # fmt: skip
_LOCAL_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")
# 2025/03/14, 2025.3.14, 2025-3-14: the year first, the month before the day, as in ISO.
_YEAR_FIRST = re.compile(r"([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})")


class Weekends(StrEnum):
    """What to do with a due date that falls on a Saturday or Sunday."""

    NEXT = "next"
    PREVIOUS = "previous"
    KEEP = "keep"


def parse_date(text: str) -> date:
    """Read a calendar date written as YYYY-MM-DD, or explain why it is not one."""
    stripped = text.strip()
    if match := _ISO_DAY.fullmatch(stripped):
        year, month, day = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            raise InvalidDate(text, _("there is no month {month}").format(month=month))
        days_in_month = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days_in_month:
            raise InvalidDate(
                text,
                _("{month} {year} has {days} days").format(
                    month=_(_MONTHS[month - 1]), year=year, days=days_in_month
                ),
            )
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidDate(text, _year_reason())
        return date(year, month, day)
    if _ISO_DAY_AND_TIME.match(stripped):
        raise InvalidDate(text, _("give the day only, without a time, as YYYY-MM-DD"))
    if (only := _only_reading(stripped)) is not None:
        raise InvalidDate(text, _("write it as YYYY-MM-DD: {date}").format(date=only.isoformat()))
    if _LOCAL_DAY.fullmatch(stripped):
        raise InvalidDate(
            text,
            _(
                "day and month come in a different order in different countries; "
                "write it as YYYY-MM-DD, for example 2025-04-03 for 3 April 2025"
            ),
        )
    raise InvalidDate(text, _("write it as YYYY-MM-DD, for example 2025-04-03 for 3 April 2025"))


def _only_reading(text: str) -> date | None:
    """The date `text` means when it can be read one way only: 14/03/2025 and 03/14/2025 are
    14 March whichever comes first, the day or the month; 03/04/2025 is not, nor a year of two
    digits (1925 or 2025?)."""
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        readings = {(month, day)}
    elif (match := _LOCAL_DAY.fullmatch(text)) and text.isascii() and len(match[3]) == 4:
        first, second, year = (int(part) for part in match.groups())
        readings = {(first, second), (second, first)}
    else:
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    real = [
        date(year, month, day)
        for month, day in readings
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
    ]
    return real[0] if len(real) == 1 else None


def check_date(day: date, text: str | None = None) -> date:
    """`day`, when its year lies within the years followup plans; `text`: how it was written."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidDate(day.isoformat() if text is None else text, _year_reason())
    return day


def _year_reason() -> str:
    return _("the year must be between {first} and {last}").format(first=FIRST_YEAR, last=LAST_YEAR)


def add_months(day: date, months: int) -> date:
    """`day` plus whole `months`, on the same day of the month or, when that month is
    shorter, its last day: 31 January plus one month is 28 or 29 February. Always counted
    from `day` itself, so month ends never drift (as dateutil's relativedelta counts)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_weekend(day: date) -> bool:
    """Saturday or Sunday."""
    return day.weekday() >= 5


@dataclass(frozen=True)
class Holidays:
    """The public holidays of one country or region: its code, and a name lookup."""

    code: str
    name_of: Callable[[date], str | None]


def _new_year(day: date) -> bool:
    """1 January: a public holiday almost everywhere, so avoided even with no holidays chosen."""
    return day.month == 1 and day.day == 1


def move(day: date, rule: Weekends, holidays: Holidays | None = None) -> tuple[date, str | None]:
    """The day to show for a due date, and the public holiday on the due date if any.

    `next` finds the first day on or after `day` that is neither a weekend nor a
    public holiday, `previous` the last one on or before it; `keep` keeps it.
    1 January is always a holiday, named as `holidays` name it or "New Year's
    Day", and is never kept: under `keep` it moves as under `next`.
    """
    holiday = holidays.name_of(day) if holidays else None
    if _new_year(day):
        holiday = holiday or _("New Year's Day")
    elif rule == Weekends.KEEP:
        return day, holiday
    step = timedelta(days=-1 if rule == Weekends.PREVIOUS else 1)
    shown = day
    while (
        is_weekend(shown) or _new_year(shown) or (holidays is not None and holidays.name_of(shown))
    ):
        shown += step
    return shown, holiday
