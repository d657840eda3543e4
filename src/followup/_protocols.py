"""Follow-up protocols as data: phases of intervals, the exam, extra tracks, the source.

A `Protocol` says how often to scan in each phase after treatment. Phases are
measured in whole months from the treatment date; the last phase has no end.
Where a source gives a range ("every 3–4 months", "for 2–3 years"), a phase
keeps both ends (`allowed`, `until_allowed`) beside the value in use, which is
the stricter end by default: the shorter interval, the longer phase.

The presets below use only wording quoted from their sources; everything else
about them (names, exam labels, hints) is our own description.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from followup._errors import InvalidSetting, not_allowed
from followup._i18n import N_, _

__all__ = [
    "DEFAULT_PROTOCOL",
    "IBERO_AMERICAN_2025",
    "PRESETS",
    "Phase",
    "Protocol",
    "Source",
    "Track",
    "preset",
]


@dataclass(frozen=True)
class Phase:
    """From `from_month` (inclusive) to `until_month` (exclusive; None: no end).

    `allowed` is the interval range the source gives; `until_allowed` the range
    for the end month when the source gives one. `lasting` marks a phase whose
    source gives a length ("for 2 years") rather than an end: it moves with the
    end of the phase before it.
    """

    from_month: int
    until_month: int | None
    every_months: int
    allowed: tuple[int, int]
    until_allowed: tuple[int, int] | None = None
    lasting: int | None = None

    def __post_init__(self) -> None:
        low, high = self.allowed
        if not 0 < low <= self.every_months <= high:
            raise ValueError(f"interval {self.every_months} outside {self.allowed}")
        if self.until_month is not None and self.until_month <= self.from_month:
            raise ValueError(f"phase ends at {self.until_month}, before it starts")


@dataclass(frozen=True)
class Source:
    """Where a protocol comes from, and how far we could check it."""

    citation: str
    short_citation: str
    year: int | None
    url: str | None
    quote: str
    quoted_from: str
    verification: str


@dataclass(frozen=True)
class Track:
    """A separate stream of visits for another exam, at its own fixed interval.

    Extra tracks are opt-in: the user (or a centre's protocol file) sets the
    cadence, and outputs label the track as something to discuss with the care
    team. The exam's name identifies the track, in event UIDs among others.
    """

    exam: str
    every_months: int

    def __post_init__(self) -> None:
        if self.every_months <= 0:
            raise ValueError(f"interval {self.every_months} is not positive")


# Questions worth bringing to the care team, in our own words, from the themes of
# the discussion sheet; the liver ones for the plan that sheet is about.
_QUESTIONS_LIVER = (
    N_(
        "Are my liver metastases few and confined enough to be called oligometastatic, "
        "and what would that change for me?"
    ),
    N_("Could surgery, or an ablation that destroys the metastases in place, help in my case?"),
    N_(
        "Has a team that treats many sarcomas, with liver surgeons or ablation specialists, "
        "reviewed my scans and my plan?"
    ),
    N_(
        "Which scans should I have from now on, how often and for how long, and is this "
        "plan the right one for me?"
    ),
    N_("Are there clinical trials or targeted treatments that I could take part in?"),
)
_QUESTIONS_GENERAL = (
    N_("Has a team that treats many sarcomas reviewed my case and my follow-up plan?"),
    N_(
        "Which scans or visits should I have from now on, how often and for how long, "
        "and is this plan the right one for me?"
    ),
    N_("Are there clinical trials or targeted treatments that I could take part in?"),
)


@dataclass(frozen=True)
class Protocol:
    """A follow-up scheme: phases, the exam they ask for, extra tracks, the source.

    `notes` and `questions` (for the care team, on the printed sheet) are
    messages marked for translation.
    """

    id: str
    name: str
    exam: str
    exam_short: str
    phases: tuple[Phase, ...]
    source: Source
    start_hint: str = N_("usually the day of the treatment the follow-up is for")
    tracks: tuple[Track, ...] = ()
    notes: tuple[str, ...] = ()
    questions: tuple[str, ...] = _QUESTIONS_GENERAL

    def choose(
        self, *, early_interval: int | None = None, early_years: int | None = None
    ) -> Protocol:
        """This protocol with other values chosen, within the source's ranges, for its first phase.

        `early_interval` is the months between visits in the first phase;
        `early_years` its length in years. Phases whose source gives a length
        rather than an end move with it.
        """
        first = self.phases[0]
        every = first.every_months if early_interval is None else early_interval
        low, high = first.allowed
        if not low <= every <= high:
            if low == high:
                allowed = _("{id} allows {low} months only in its first phase")
            elif high == low + 1:
                allowed = _("{id} allows {low} or {high} months in its first phase")
            else:
                allowed = _("{id} allows from {low} to {high} months in its first phase")
            reason = allowed.format(id=self.id, low=low, high=high)
            raise InvalidSetting("early_interval", every, not_allowed(every, reason))
        until = first.until_month
        if early_years is not None:
            months = 12 * early_years
            span = first.until_allowed
            if span is None or not span[0] <= months <= span[1]:
                if span is None:
                    fixed = _("{id} has a first phase of fixed length").format(id=self.id)
                else:
                    fixed = _("{id} has a first phase of {years} years").format(
                        id=self.id, years=_years(span)
                    )
                raise InvalidSetting("early_years", early_years, not_allowed(early_years, fixed))
            until = months
        phases = [replace(first, every_months=every, until_month=until)]
        for phase in self.phases[1:]:
            start = phases[-1].until_month
            if start is None:
                raise ValueError("only the last phase may be open-ended")
            end = start + phase.lasting if phase.lasting else phase.until_month
            phases.append(replace(phase, from_month=start, until_month=end))
        return replace(self, phases=tuple(phases))

    def with_tracks(self, tracks: tuple[Track, ...]) -> Protocol:
        """This protocol with more extra tracks; two tracks for one exam are refused."""
        combined = (*self.tracks, *tracks)
        seen: set[str] = set()
        for track in combined:
            if track.exam.casefold() in seen:
                reason = _("this exam has a track already")
                raise InvalidSetting("tracks", track.exam, not_allowed(track.exam, reason))
            seen.add(track.exam.casefold())
        return replace(self, tracks=combined)


def _years(span: tuple[int, int]) -> str:
    low, high = (months // 12 for months in span)
    return f"{low}–{high}" if low != high else str(low)


def _ranged(until: tuple[int, int], every: tuple[int, int]) -> Phase:
    """A first phase at the stricter end of its ranges: longest, with the shortest interval."""
    return Phase(0, until[1], every[0], every, until_allowed=until)


IBERO_AMERICAN_2025 = Protocol(
    id="ibero-american-2025",
    name=N_("Ibero-American consensus on liver metastases of soft tissue sarcoma (2025)"),
    exam=N_("CT or MRI of the chest and abdomen"),
    exam_short=N_("CT/MRI, chest + abdomen"),
    phases=(
        Phase(0, 24, 3, (3, 4)),
        Phase(24, 60, 6, (6, 6)),
        Phase(60, None, 12, (12, 12)),
    ),
    source=Source(
        citation=(
            "Lopes-Brás R, Muñoz P, Netto E, et al. Ibero-American Consensus for the "
            "Management of Liver Metastases of Soft Tissue Sarcoma: Updated Review and "
            "Clinical Recommendations. Cancers 2025;17(8):1295. "
            "PMID 40282472; PMCID PMC12025635."
        ),
        short_citation="Lopes-Brás R, et al. Cancers 2025;17(8):1295.",
        year=2025,
        url="https://www.mdpi.com/2072-6694/17/8/1295",
        quote=(
            "CT or MRI of the chest and abdomen every 3–4 months for 2 years, "
            "then every 6 months up to 5 years, then annually."
        ),
        quoted_from=N_(
            "Clear Cell Sarcoma Foundation's discussion sheet on liver metastases, "
            "summarising the consensus"
        ),
        verification=N_(
            "Taken from the foundation's summary of the consensus; "
            "the paper's follow-up section itself was not checked."
        ),
    ),
    start_hint=N_("the usual choice is the day of the last liver surgery or ablation"),
    notes=(
        N_(
            "The consensus leaves out gastrointestinal stromal tumours (GIST): "
            "this plan is not meant for them."
        ),
    ),
    questions=_QUESTIONS_LIVER,
)

_ESMO_CITATION = (
    "Casali PG, Blay JY. Ann Oncol 2010;21 Suppl 5 (ESMO guideline on soft tissue sarcoma)."
)
# The guideline's own text was not read: only the page that quotes it. The url
# field is for the source itself, for which we have no link we have opened, so
# it stays empty and the page that was read is named in the verification.
_ESMO_QUOTED_FROM = N_("ESMO guideline of 2010, as quoted by the Sarcoma FAQ of kicksarcoma.org.au")
_ESMO_VERIFICATION = N_(
    "Only the Sarcoma FAQ of kicksarcoma.org.au (https://kicksarcoma.org.au/sarcoma-faq/) "
    "was read, which quotes the 2010 guideline; not the guideline itself, nor whether the "
    "2021 ESMO–EURACAN–GENTURIS update kept it."
)
# How the guideline introduces its schedules, kept at the head of each quote.
_ESMO_FRAMING = "A practical approach in several institutions is as follows: … "
_ESMO_EXAM = N_(
    "Sarcoma follow-up visit with imaging: MRI for local relapse, CT for lung metastases"
)

ESMO_HIGH_GRADE = Protocol(
    id="esmo-2010-high-grade",
    name=N_("ESMO soft tissue sarcoma guideline (2010): intermediate or high grade, after surgery"),
    exam=_ESMO_EXAM,
    exam_short=N_("sarcoma follow-up (MRI/CT)"),
    phases=(
        _ranged((24, 36), (3, 4)),
        Phase(36, 60, 6, (6, 6)),
        Phase(60, None, 12, (12, 12)),
    ),
    source=Source(
        citation=_ESMO_CITATION,
        short_citation="Casali PG, Blay JY. Ann Oncol 2010;21 Suppl 5.",
        year=2010,
        url=None,
        quote=(
            _ESMO_FRAMING + "may be followed up every 3-4 months in the 2-3 years, then "
            "twice a year up to the fifth year and once a year thereafter."
        ),
        quoted_from=_ESMO_QUOTED_FROM,
        verification=_ESMO_VERIFICATION,
    ),
    start_hint=N_("the usual choice is the day of surgery"),
)

ESMO_LOW_GRADE = Protocol(
    id="esmo-2010-low-grade",
    name=N_("ESMO soft tissue sarcoma guideline (2010): low grade"),
    exam=N_("Sarcoma follow-up visit for local relapse"),
    exam_short=N_("sarcoma follow-up (local)"),
    phases=(
        _ranged((36, 60), (4, 6)),
        Phase(60, None, 12, (12, 12)),
    ),
    source=Source(
        citation=_ESMO_CITATION,
        short_citation="Casali PG, Blay JY. Ann Oncol 2010;21 Suppl 5.",
        year=2010,
        url=None,
        quote=(
            _ESMO_FRAMING + "may be followed for local relapse every 4-6 months, with chest "
            "X-rays or CT scan at more relaxed intervals in the first 3-5 years, then yearly."
        ),
        quoted_from=_ESMO_QUOTED_FROM,
        verification=_ESMO_VERIFICATION,
    ),
    start_hint=N_("the usual choice is the day of surgery"),
    notes=(
        N_(
            "The source also mentions chest X-rays or CT at more relaxed intervals, without "
            "a cadence: they are not planned here; agree them with the care team."
        ),
    ),
)

NCCN_STAGE_IV = Protocol(
    id="nccn-stage-iv-limited-metastases",
    name=N_(
        "NCCN soft tissue sarcoma of the limbs, outer trunk, head or neck, for patients "
        "(2014): stage IV after treatment of limited metastases"
    ),
    exam=N_("History, exam, chest imaging and imaging of the metastatic sites"),
    exam_short=N_("visit + chest and metastatic-site imaging"),
    phases=(
        _ranged((24, 36), (3, 6)),
        Phase(36, 60, 6, (6, 6), lasting=24),
        Phase(60, None, 12, (12, 12)),
    ),
    source=Source(
        citation=(
            "NCCN Guidelines for Patients: Soft Tissue Sarcoma, version 1.2014, chapter on "
            "sarcomas of the limbs, outer trunk, head or neck, Chart 2.3.2, p. 26."
        ),
        short_citation="NCCN Guidelines for Patients, STS v1.2014, Chart 2.3.2, p. 26.",
        year=2014,
        url=None,
        quote=(
            "every 3–6 months for 2–3 years … if good results, then repeat every 6 months "
            "for 2 years … if good results, then repeat every year … "
            "Consider imaging of tumor site"
        ),
        quoted_from=N_(
            "NCCN Guidelines for Patients, Soft Tissue Sarcoma (2014), Chart 2.3.2, in the "
            "chapter on sarcomas of the limbs, outer trunk, head or neck"
        ),
        verification=N_(
            "From Chart 2.3.2 of the 2014 patient edition, in its chapter on sarcomas of the "
            "limbs, outer trunk, head or neck, and from secondary summaries; the current "
            "professional guideline text was not read."
        ),
    ),
    start_hint=N_("the usual choice is the day the metastases were treated"),
    notes=(
        N_(
            "The source goes on to visits every 6 months, and then every year, only "
            "“if good results”: the care team decides what happens otherwise."
        ),
        N_(
            "The source says to consider imaging of the tumour site: whether a visit "
            "includes it is for the care team to decide."
        ),
    ),
)

UK_HIGH_GRADE = Protocol(
    id="uk-high-grade",
    name=N_("Cancer Research UK patient page: intermediate or high grade soft tissue sarcoma"),
    exam=N_("Sarcoma follow-up appointment"),
    exam_short=N_("sarcoma follow-up"),
    phases=(
        _ranged((24, 36), (3, 4)),
        Phase(36, 60, 6, (6, 6)),
        Phase(60, None, 12, (12, 12)),
    ),
    source=Source(
        citation="Cancer Research UK, patient information on follow-up after soft tissue sarcoma.",
        short_citation="Cancer Research UK patient information.",
        year=None,
        url=None,
        quote=(
            "3 to 4 monthly appointments for the first 2 to 3 years; 6 monthly "
            "appointments up to 5 years; then yearly"
        ),
        quoted_from=N_("Cancer Research UK patient page on follow-up after soft tissue sarcoma"),
        verification=N_(
            "Only Cancer Research UK's patient page was read; an older version of it said "
            "yearly up to 10 years. No guideline was read: the UK guideline of 2024 (Hayes AJ, "
            "et al. UK guidelines for the management of soft tissue sarcomas. Br J Cancer "
            "2024; doi:10.1038/s41416-024-02674-y) has not been read yet."
        ),
    ),
    start_hint=N_("the usual choice is the day of surgery"),
)

UK_LOW_GRADE = Protocol(
    id="uk-low-grade",
    name=N_("Cancer Research UK patient page: low grade soft tissue sarcoma"),
    exam=N_("Sarcoma follow-up appointment"),
    exam_short=N_("sarcoma follow-up"),
    phases=(
        _ranged((36, 60), (4, 6)),
        Phase(60, None, 12, (12, 12)),
    ),
    source=replace(
        UK_HIGH_GRADE.source,
        quote="4 to 6 monthly ... for the first 3 to 5 years; then yearly",
    ),
    start_hint=N_("the usual choice is the day of surgery"),
)

PRESETS: dict[str, Protocol] = {
    protocol.id: protocol
    for protocol in (
        IBERO_AMERICAN_2025,
        ESMO_HIGH_GRADE,
        ESMO_LOW_GRADE,
        NCCN_STAGE_IV,
        UK_HIGH_GRADE,
        UK_LOW_GRADE,
    )
}
DEFAULT_PROTOCOL = IBERO_AMERICAN_2025


def preset(protocol_id: str) -> Protocol:
    """The preset with this id, or an error that lists them."""
    if protocol_id not in PRESETS:
        reason = _("choose one of {ids}, or give a protocol file ending in .toml").format(
            ids=", ".join(PRESETS)
        )
        raise InvalidSetting("protocol", protocol_id, not_allowed(protocol_id, reason))
    return PRESETS[protocol_id]
