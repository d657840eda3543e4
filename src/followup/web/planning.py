"""From raw settings to a plan and its files: the path the pages and the API share.

Settings are made only by `Settings.from_mapping`, planned by `schedule_for`
and written by the format registry, like everywhere else. The web adds one
rule: a protocol is a preset. A protocol file named in a request would be a
file on the server, which nobody on the web may read.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from followup import _i18n as i18n
from followup._api import Loads, schedule_for
from followup._clock import Moment
from followup._errors import InvalidSetting, Origin, not_allowed
from followup._export import FILE_FORMATS, Format, RenderOptions, format_named
from followup._patient import to_toml
from followup._protocols import PRESETS
from followup._schedule import Schedule
from followup._settings import Settings
from followup.web.limits import Limits
from followup.web.text import t

T = TypeVar("T")

__all__ = [
    "DOWNLOADS",
    "Download",
    "download",
    "off_loop",
    "plan",
    "settings_from",
    "version",
]

# The plan file is not a format of a schedule but the settings themselves.
PLAN_FILE = "toml"
DOWNLOADS = (*FILE_FORMATS, PLAN_FILE)
TOML_TYPE = "application/toml; charset=utf-8"

# Preset protocols and holiday calendars never change while the app runs, so
# one process keeps them for every request; no request's data is kept.
_LOADS = Loads()


@cache
def version() -> str:
    from importlib.metadata import version as installed

    return installed("followup")


def settings_from(raw: dict[str, object], origin: Origin, language: str) -> Settings:
    """Checked settings from a request's raw values, spelled by `origin`, in `language`."""
    with i18n.using(language):
        settings = Settings.from_mapping(raw, origin)
        if isinstance(settings.protocol, Path):
            reason = t("plan.presets_only", ids=", ".join(PRESETS))
            value = str(settings.protocol)
            raise InvalidSetting("protocol", value, not_allowed(value, reason), origin)
    return settings if settings.lang else replace(settings, lang=language)


def plan(settings: Settings, limits: Limits, today: date) -> Schedule:
    """The settings' plan, as seen `today`; refused when it holds more visits than `limits`
    allow, so that no request asks for more work than a plan's worth."""
    schedule = schedule_for(settings, today, _LOADS)
    count = len(schedule.visits) + len(schedule.dropped)
    # A chart page lists every visit a second time: it counts twice toward the bound.
    most = limits.plan_visits // (2 if settings.chart_lang else 1)
    if count > most:
        field = "tracks" if settings.tracks else "years"
        with i18n.using(settings.lang or "en"):
            problem = t("plan.too_many_visits", count=count, most=most)
        raise InvalidSetting(field, getattr(settings, field), problem, settings.origin_of(field))
    return schedule


def render_options(settings: Settings, stamp: datetime, link: str | None = None) -> RenderOptions:
    return RenderOptions.for_settings(settings, stamp=stamp, version=version(), link=link)


Download = tuple[bytes, str, str]  # content, media type, file name


def download(settings: Settings, kind: str, limits: Limits, when: Moment) -> Download:
    """The plan as a file of the format `kind`, or the plan file; `format_named` refuses others.

    CPU work: callers on the event loop run it in a worker thread.
    """
    if kind == PLAN_FILE:
        return to_toml(settings).encode(), TOML_TYPE, file_name(settings, ".toml")
    chosen: Format = format_named(kind, "format", files_only=True)
    chosen.require()
    schedule = plan(settings, limits, when.today)
    data = chosen.render(schedule, render_options(settings, when.stamp))
    return data, chosen.media_type, file_name(settings, chosen.suffix or "")


def file_name(settings: Settings, suffix: str) -> str:
    """`followup-Ana.ics`: the person's name when one is given."""
    stem = f"followup-{settings.name}" if settings.name else "followup-plan"
    # Letters and digits of any script; anything else a file system or a header may choke on
    # becomes a dash.
    cleaned = re.sub(r"[^\w.-]+", "-", unicodedata.normalize("NFC", stem)).strip("-.")
    return (cleaned or "followup")[:80] + suffix


def disposition(name: str, *, inline: bool = False) -> str:
    """A Content-Disposition that names the file in ASCII and, for any other letter, in UTF-8;
    `inline` for a file the browser may show itself (a PDF)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name) or "followup"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# Threads that plan at once in one process. Planning holds the GIL, so more threads only
# take turns with each other and with the event loop; two keep a long plan (a 30-year PDF)
# from holding up a short one, and leave the loop free to accept and answer. The threads
# start with the first plan.
PLANNING_THREADS = 2
_PLANNERS = ThreadPoolExecutor(PLANNING_THREADS, thread_name_prefix="followup-planning")


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` in a worker thread, in the caller's context (its context variables):
    CPU work never runs on the event loop. The event loop's own executor hands work over
    in a quarter of the time anyio's threads take, a tenth of a cheap request's cost."""
    call = functools.partial(contextvars.copy_context().run, work, *args)
    return await asyncio.get_running_loop().run_in_executor(_PLANNERS, call)
