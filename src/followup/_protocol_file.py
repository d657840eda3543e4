"""A centre's own protocol, read from a small TOML file.

    name = "Our centre, liver metastases"
    exam = "CT or MRI of the chest and abdomen"   # optional
    [[phases]]
    until_month = 24          # or a range from the source: [24, 36]
    every_months = 3          # or a range: [3, 4]
    [[phases]]
    until_month = 60
    every_months = 6
    [[phases]]                # the last phase has no end
    every_months = 12
    [[tracks]]                # optional: streams added by choice, at one interval
    exam = "Chest X-ray"
    every_months = 12
    [source]
    citation = "Tumour board decision, 2026"
    url = "https://…"         # optional, as are year, quote and verification

A protocol with several streams of its own gives each as `[[streams]]`, with
an `id` (how `--done ID:DATE` names it), an `exam`, its `[[streams.phases]]`
and optionally a `quote`, instead of the top-level `exam` and `[[phases]]`.
`end_years = 5` says the source ends follow-up there; it becomes the plan's
default length.

It has the semantics of the presets: the interval after a visit is that of the
phase the visit falls in, and a range is scheduled at its stricter end.
"""

from __future__ import annotations

from pathlib import Path

from followup._errors import InvalidFile, InvalidSetting
from followup._i18n import _
from followup._protocols import Phase, Protocol, Source, Stream
from followup._schedule import MAX_MONTHS, MAX_TRACKS, MAX_YEARS, clean_name

__all__ = ["parse_protocol"]

_TOP = ("name", "exam", "phases", "streams", "tracks", "end_years", "source")
_STREAM = ("id", "exam", "phases", "quote")
_PHASE = ("until_month", "every_months")
_TRACK = ("exam", "every_months")
_SOURCE = ("citation", "year", "url", "quote", "verification")
# Enough for any citation or quoted passage; a longer text would swell every file written.
_TEXT_LIMIT = {"name": 200, "exam": 200, "url": 500}
_LONG_TEXT_LIMIT = 2000


class _Reader:
    """Checks one file's values, naming the file and the key in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str | None, problem: str) -> InvalidFile:
        return InvalidFile(self.path, problem, key)

    def table(self, value: object, key: str | None, keys: tuple[str, ...]) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(key, _("expected a table of keys and values"))
        for name in value:
            if name not in keys:
                where = f"{key}.{name}" if key else name
                raise self.fail(
                    where, _("unknown key; the keys here are {keys}").format(keys=", ".join(keys))
                )
        return value

    def text(self, table: dict[str, object], key: str, where: str) -> str | None:
        """Optional text within its limit, on one line (breaks become spaces); None when absent."""
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, _("expected text in quotes, got {value!r}").format(value=value))
        limit = _TEXT_LIMIT.get(key, _LONG_TEXT_LIMIT)
        if len(value) > limit:
            raise self.fail(where, _("at most {limit} characters").format(limit=limit))
        return clean_name(value) or ""

    def required_text(self, table: dict[str, object], key: str, where: str) -> str:
        text = self.text(table, key, where)
        if text is None:
            raise self.fail(where, _("missing"))
        return text

    def months(self, value: object, where: str) -> tuple[int, int]:
        """A whole number of months above 0, or a range [low, high] of them."""
        items = value if isinstance(value, list) else [value]
        numbers = [n for n in items if isinstance(n, int) and not isinstance(n, bool)]
        if len(items) not in (1, 2) or len(numbers) != len(items):
            raise self.fail(
                where,
                _("expected whole months, or a range such as [3, 4]; got {value!r}").format(
                    value=value
                ),
            )
        low, high = numbers[0], numbers[-1]
        if low <= 0:
            raise self.fail(where, _("must be at least 1 month, got {low}").format(low=low))
        if high > MAX_MONTHS:
            problem = _("at most {most} months (30 years), got {high}")
            raise self.fail(where, problem.format(most=MAX_MONTHS, high=high))
        if high < low:
            raise self.fail(
                where, _("the range [{low}, {high}] runs backwards").format(low=low, high=high)
            )
        return low, high


def parse_protocol(text: str, path: Path) -> Protocol:
    """Read the TOML text of the protocol file at `path` (named in messages)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError) as error:  # TOMLDecodeError is a ValueError
        raise InvalidFile(path, _("not a valid TOML file ({error})").format(error=error)) from None
    read = _Reader(path)
    read.table(data, None, _TOP)
    name = read.required_text(data, "name", "name")
    streams = _streams(read, data)
    tracks = _tracks(read, data.get("tracks", []))
    source = read.table(data.get("source"), "source", _SOURCE) if "source" in data else None
    if source is None:
        raise read.fail("source", _("missing: say where this protocol comes from (citation)"))
    citation = read.required_text(source, "citation", "source.citation")
    year = source.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise read.fail(
            "source.year", _("expected a year such as 2026, got {year!r}").format(year=year)
        )
    protocol = Protocol(
        id=f"file:{path.name}",
        name=name,
        streams=streams,
        end_years=_end_years(read, data.get("end_years")),
        source=Source(
            citation=citation,
            short_citation=citation,
            year=year,
            url=_web_link(read, read.text(source, "url", "source.url")),
            quote=read.text(source, "quote", "source.quote") or "",
            quoted_from=_("protocol file {name}").format(name=path.name),
            verification=read.text(source, "verification", "source.verification")
            or _("A local protocol file: followup has not checked it against any publication."),
        ),
        start_hint=_("use the date the protocol counts from"),
    )
    try:
        return protocol.with_tracks(tracks)
    except InvalidSetting as error:
        raise read.fail("tracks", error.problem) from None


def _streams(read: _Reader, data: dict[str, object]) -> tuple[Stream, ...]:
    """The file's own streams: `[[streams]]`, or the older top-level exam and phases."""
    if "streams" not in data:
        exam = read.text(data, "exam", "exam") or _("Follow-up scan")
        return (Stream(exam, exam, _phases(read, data.get("phases"), "phases")),)
    for key in ("exam", "phases"):
        if key in data:
            raise read.fail(key, _("give it inside each [[streams]] table, not beside them"))
    value = data["streams"]
    if not isinstance(value, list) or not value:
        raise read.fail("streams", _("expected [[streams]] tables with exam and phases"))
    if len(value) > MAX_TRACKS:
        raise read.fail("streams", _("at most {most} streams").format(most=MAX_TRACKS))
    streams: list[Stream] = []
    for index, item in enumerate(value, start=1):
        where = f"streams[{index}]"
        table = read.table(item, where, _STREAM)
        exam = read.required_text(table, "exam", f"{where}.exam")
        key = read.text(table, "id", f"{where}.id") or exam
        if any(stream.named(key) or stream.named(exam) for stream in streams):
            raise read.fail(f"{where}.id", _("another stream has this id or exam"))
        phases = _phases(read, table.get("phases"), f"{where}.phases")
        quote = read.text(table, "quote", f"{where}.quote")
        streams.append(Stream(exam, exam, phases, id=key, quote=quote))
    return tuple(streams)


def _end_years(read: _Reader, value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_YEARS:
        problem = _("expected whole years from 1 to {most}, got {value!r}")
        raise read.fail("end_years", problem.format(most=MAX_YEARS, value=value))
    return value


def _web_link(read: _Reader, url: str | None) -> str | None:
    """A source's link: http or https only, since it becomes a link on the sheet."""
    if url is not None and not url.lower().startswith(("https://", "http://")):
        raise read.fail("source.url", _("give a web address starting with https:// or http://"))
    return url


def _phases(read: _Reader, value: object, key: str) -> tuple[Phase, ...]:
    if not isinstance(value, list) or not value:
        raise read.fail(key, _("missing: give at least one [[phases]] with every_months"))
    phases: list[Phase] = []
    start = 0
    for index, item in enumerate(value, start=1):
        where = f"{key}[{index}]"
        table = read.table(item, where, _PHASE)
        if "every_months" not in table:
            raise read.fail(f"{where}.every_months", _("missing: every phase needs an interval"))
        every = read.months(table["every_months"], f"{where}.every_months")
        last = index == len(value)
        if last:
            if "until_month" in table:
                raise read.fail(
                    f"{where}.until_month",
                    _("the last phase has no end: the plan's length in years ends it"),
                )
            phases.append(Phase(start, None, every[0], every))
            break
        if "until_month" not in table:
            raise read.fail(
                f"{where}.until_month", _("missing: only the last phase may have no end")
            )
        until = read.months(table["until_month"], f"{where}.until_month")
        if until[0] <= start:
            raise read.fail(
                f"{where}.until_month",
                _(
                    "the phase ends at month {end}, not after the phase before it (month {start})"
                ).format(end=until[0], start=start),
            )
        ranged = until if until[0] != until[1] else None
        phases.append(Phase(start, until[1], every[0], every, until_allowed=ranged))
        start = until[1]
    return tuple(phases)


def _tracks(read: _Reader, value: object) -> tuple[Stream, ...]:
    if not isinstance(value, list):
        raise read.fail("tracks", _("expected [[tracks]] tables with exam and every_months"))
    tracks: list[Stream] = []
    for index, item in enumerate(value, start=1):
        where = f"tracks[{index}]"
        table = read.table(item, where, _TRACK)
        exam = read.required_text(table, "exam", f"{where}.exam")
        if "every_months" not in table:
            raise read.fail(f"{where}.every_months", _("missing: every track needs an interval"))
        low, high = read.months(table["every_months"], f"{where}.every_months")
        if low != high:
            raise read.fail(f"{where}.every_months", _("a track takes one interval, not a range"))
        tracks.append(Stream.every(exam, low))
    return tuple(tracks)
