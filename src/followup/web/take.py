"""Ways to take a plan away from the page: its link, the link's QR code, a Google Calendar
event for the next visit, and which device's steps to show first."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cached_property
from urllib.parse import urlencode, urlsplit

from markupsafe import Markup

from followup._export.ics import summary
from followup._schedule import Schedule, Visit
from followup._wording import disclaimer, visit_details
from followup.web.links import Keys

__all__ = ["DEVICES", "PlanLink", "Where", "devices_for", "google_event", "qr_svg"]

# The devices the page has steps for, in the order shown when the browser does not say.
DEVICES = ("ios", "samsung", "google", "computer")
GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render"


@dataclass(frozen=True)
class PlanLink:
    """A plan's addresses: its page, its calendar (to download or subscribe to), its sheet."""

    base: str  # scheme and host, without a slash at the end
    token: str

    @property
    def path(self) -> str:
        return f"/p/{self.token}"

    @property
    def page(self) -> str:
        return self.base + self.path

    @property
    def ics(self) -> str:
        return f"{self.page}.ics"

    @property
    def pdf(self) -> str:
        return f"{self.page}.pdf"

    @property
    def webcal(self) -> str:
        """The calendar's address for a subscription (`webcal://`), which calendars on
        iPhones, Macs and Outlook open as "subscribe"."""
        parts = urlsplit(self.ics)
        return f"webcal://{parts.netloc}{parts.path}"

    @cached_property
    def qr(self) -> Markup:
        return qr_svg(self.page)


@dataclass(frozen=True)
class Where:
    """The request a page answers: the site's address, the keys, the visitor's browser."""

    keys: Keys
    base: str
    user_agent: str = ""

    def link_of(self, raw: dict[str, object]) -> PlanLink:
        return PlanLink(self.base.rstrip("/"), self.keys.seal(raw))


def qr_svg(text: str) -> Markup:
    """`text` as a QR code in SVG, sized by the page (its viewBox), dark on light."""
    import segno  # the web's only: loaded with the first QR code

    # Error correction L (raised when the same size allows more) and a fixed mask: a page's
    # code is read from a screen, and trying all eight masks would cost the page twice its
    # time to draw; every mask is valid and decodes alike.
    code = segno.make(text, error="l", micro=False, mask=0)
    # segno encodes; the SVG is drawn here from its modules, a line per run of dark ones
    # (a third of segno's own writer's time): a module is 1 wide, the quiet zone 4.
    size = len(code.matrix) + 2 * _QUIET
    runs = (
        f"M{run.start() + _QUIET} {row + _QUIET}.5h{run.end() - run.start()}"
        for row, modules in enumerate(code.matrix)
        for run in _DARK_RUN.finditer(modules)
    )
    return Markup(  # noqa: S704 # numbers only: the text is in the modules' pattern
        f'<svg viewBox="0 0 {size} {size}"><path fill="#fff" d="M0 0h{size}v{size}H0z"/>'
        f'<path stroke="#000" d="{"".join(runs)}"/></svg>'
    )


_QUIET = 4  # modules of light margin a reader needs around the code
_DARK_RUN = re.compile(b"\x01+")


def google_event(schedule: Schedule, visit: Visit) -> str:
    """A Google Calendar link that adds `visit` as an all-day event, in the plan's language
    (the active one), with no time zone: the day is the same wherever it is opened.

    The link goes to Google when it is followed, so it carries neither the name nor the
    plan link (which opens the whole plan), nor the dates of the treatment or of scans
    done that the visit is counted from: the visit and its window only.
    """
    end = visit.date + timedelta(days=1)  # all-day events end (exclusive) the day after
    dates = f"{visit.date:%Y%m%d}/{end:%Y%m%d}"
    anonymous = replace(schedule, name=None)
    query = {
        "action": "TEMPLATE",
        "text": summary(anonymous, visit),
        "dates": dates,
        # The first line names the visit, the last gives its window (or a track's cadence);
        # the line between says what it is counted from, which would send dates to Google.
        "details": "\n".join([*visit_details(anonymous, visit)[::2], disclaimer()]),
    }
    return f"{GOOGLE_TEMPLATE}?{urlencode(query)}"


def devices_for(user_agent: str) -> list[str]:
    """The devices' steps in order, the visitor's own first, as its User-Agent tells."""
    agent = user_agent.casefold()
    if "iphone" in agent or "ipad" in agent or "ipod" in agent:
        first = ["ios"]
    elif "android" in agent and ("samsungbrowser" in agent or "sm-" in agent):
        first = ["samsung", "google"]
    elif "android" in agent:
        first = ["google", "samsung"]
    else:
        first = ["computer"]
    return first + [device for device in DEVICES if device not in first]
