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
    "Stream",
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
    """Where a protocol comes from, and how far we could check it.

    `url` is the source's own address; `read_at` the address of the page where the
    quote was read, when that is another document (a summary, a page quoting it).
    `confirmed_by` names a secondary source that gives the same schedule.
    `translation` is our own translation of a quote in another language
    (`quote_language`), marked as ours wherever it is shown.
    """

    citation: str
    short_citation: str
    year: int | None
    url: str | None
    quote: str
    quoted_from: str
    verification: str
    read_at: str | None = None
    confirmed_by: str | None = None
    translation: str | None = None
    quote_language: str = "en"


@dataclass(frozen=True)
class Stream:
    """One stream of visits: an exam at intervals set by phases, counted from the treatment date.

    A protocol has one or more. Its first stream is its lead: the one its early-interval
    and early-years choices apply to, and whose visits keep the UIDs plans had before
    protocols had several streams. `id` names a stream in recorded scans
    (`--done ID:DATE`) and, for streams after the first, in event UIDs; it defaults to
    the exam. `quote` is this stream's own wording in the source, when the source gives
    each stream apart. A stream `by_choice` was added by the person or a centre's file at
    a fixed interval, not by the source: outputs label it as something to discuss with
    the care team.
    """

    exam: str
    exam_short: str
    phases: tuple[Phase, ...]
    id: str = ""
    quote: str | None = None
    by_choice: bool = False

    def __post_init__(self) -> None:
        if not self.phases or self.phases[-1].until_month is not None:
            raise ValueError("the last phase of a stream has no end")
        if not self.id:
            object.__setattr__(self, "id", self.exam)

    @classmethod
    def every(cls, exam: str, every_months: int) -> Stream:
        """A stream added by choice: `exam` every `every_months` months, for the whole plan."""
        if every_months <= 0:
            raise ValueError(f"interval {every_months} is not positive")
        phase = Phase(0, None, every_months, (every_months, every_months))
        return cls(exam, exam, (phase,), by_choice=True)

    @property
    def every_months(self) -> int:
        """The interval of the first phase: a stream added by choice has no other."""
        return self.phases[0].every_months

    def named(self, key: str) -> bool:
        """Whether `key` names this stream: its id or its exam, in any case."""
        key = key.casefold()
        return key in (self.id.casefold(), self.exam.casefold())


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
_QUESTIONS_COLORECTAL = (
    N_(
        "Has a team of specialists from several fields (a tumour board) reviewed my case "
        "and my follow-up plan?"
    ),
    N_(
        "Which scans, visits and blood tests should I have from now on, how often and for "
        "how long, and is this plan the right one for me?"
    ),
    N_("What would a rise in my CEA blood test mean, and what would happen next?"),
    N_("Are there clinical trials that I could take part in?"),
)


@dataclass(frozen=True)
class Protocol:
    """A follow-up scheme: its streams of visits, its source, and its end if it states one.

    `end_years` is the length the source gives to the whole follow-up (None: the
    source sets no end, and the plan's length is a choice). `notes` and `questions`
    (for the care team, on the printed sheet) are messages marked for translation.
    """

    id: str
    name: str
    streams: tuple[Stream, ...]
    source: Source
    start_hint: str = N_("usually the day of the treatment the follow-up is for")
    notes: tuple[str, ...] = ()
    questions: tuple[str, ...] = _QUESTIONS_GENERAL
    end_years: int | None = None

    def __post_init__(self) -> None:
        if not self.streams or self.streams[0].by_choice:
            raise ValueError("a protocol leads with a stream of its own")

    @property
    def lead(self) -> Stream:
        """The first stream: the one the source is chiefly about."""
        return self.streams[0]

    @property
    def own_streams(self) -> tuple[Stream, ...]:
        """The source's streams, the lead first; not those added by choice."""
        return tuple(stream for stream in self.streams if not stream.by_choice)

    @property
    def tracks(self) -> tuple[Stream, ...]:
        """The streams added by choice."""
        return tuple(stream for stream in self.streams if stream.by_choice)

    def choose(
        self, *, early_interval: int | None = None, early_years: int | None = None
    ) -> Protocol:
        """This protocol with other values chosen, within the source's ranges, for the first
        phase of its lead stream.

        `early_interval` is the months between visits in that phase; `early_years` its
        length in years. Phases whose source gives a length rather than an end move with it.
        """
        first = self.lead.phases[0]
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
        for phase in self.lead.phases[1:]:
            start = phases[-1].until_month
            if start is None:
                raise ValueError("only the last phase may be open-ended")
            end = start + phase.lasting if phase.lasting else phase.until_month
            phases.append(replace(phase, from_month=start, until_month=end))
        lead = replace(self.lead, phases=tuple(phases))
        return replace(self, streams=(lead, *self.streams[1:]))

    def with_tracks(self, tracks: tuple[Stream, ...]) -> Protocol:
        """This protocol with more streams added by choice; two streams for one exam are
        refused."""
        combined = (*self.streams, *tracks)
        seen: set[str] = set()
        for stream in combined:
            for key in {stream.exam.casefold(), stream.id.casefold()}:
                if key in seen:
                    reason = _("this exam has a track already")
                    raise InvalidSetting("tracks", stream.exam, not_allowed(stream.exam, reason))
                seen.add(key)
        return replace(self, streams=combined)

    def stream(self, key: str) -> Stream | None:
        """The stream that `key` names (its id or exam, in any case), or None."""
        return next((stream for stream in self.streams if stream.named(key)), None)


def _years(span: tuple[int, int]) -> str:
    low, high = (months // 12 for months in span)
    return f"{low}–{high}" if low != high else str(low)


def _ranged(until: tuple[int, int], every: tuple[int, int]) -> Phase:
    """A first phase at the stricter end of its ranges: longest, with the shortest interval."""
    return Phase(0, until[1], every[0], every, until_allowed=until)


IBERO_AMERICAN_2025 = Protocol(
    id="ibero-american-2025",
    name=N_("Ibero-American consensus on liver metastases of soft tissue sarcoma (2025)"),
    streams=(
        Stream(
            exam=N_("CT or MRI of the chest and abdomen"),
            exam_short=N_("CT/MRI, chest + abdomen"),
            phases=(
                Phase(0, 24, 3, (3, 4)),
                Phase(24, 60, 6, (6, 6)),
                Phase(60, None, 12, (12, 12)),
            ),
        ),
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
        read_at=(
            "https://www.clearcellsarcoma.org/_files/ugd/"
            "28eaf7_3da549293cda476584b52668da98c021.pdf"
        ),
        verification=N_(
            "Taken from the foundation's summary of the consensus; the paper's follow-up "
            "section itself was not checked (its text could be read up to the heading of "
            "§3.12)."
        ),
    ),
    start_hint=N_("the usual choice is the day of the last liver surgery or ablation"),
    notes=(
        N_(
            "Stated in the consensus abstract: the consensus leaves out gastrointestinal "
            "stromal tumours (GIST), so this plan is not meant for them."
        ),
        N_(
            "The foundation's sheet mentions brain MRI in its point on confirming that the "
            "disease is confined to the liver (the work-up before local treatment), not in "
            "its point on follow-up, and gives it no cadence: it is not planned here."
        ),
    ),
    questions=_QUESTIONS_LIVER,
)

_ESMO_CITATION = (
    "Casali PG, Blay JY. Ann Oncol 2010;21 Suppl 5 (ESMO guideline on soft tissue sarcoma)."
)
# The guideline's own text was not read: only a page that quotes it. The url field is
# for the source itself, for which we have no link we have opened, so it stays empty;
# `read_at` is the page that was read.
_ESMO_QUOTED_FROM = N_("Sarcoma FAQ of kicksarcoma.org.au, quoting the ESMO guideline of 2010")
_ESMO_READ_AT = (
    "http://www.kicksarcoma.org.au/AboutSarcoma/SarcomaFAQ/tabid/85/Default.aspx"
    "?QuestionID=5&AFMID=514"
)
_ESMO_VERIFICATION = N_(
    "Read on the Sarcoma FAQ of kicksarcoma.org.au at its old address, in a copy from 2017; "
    "its new address was not checked, nor the guideline itself. The FAQ's two references "
    "are garbled (both give the pages v198–v203). A 2024 summary of the current ESMO "
    "guideline by BC Cancer gives the same intervals."
)
_ESMO_CONFIRMED_BY = (
    "BC Cancer, Musculoskeletal sarcoma: follow-up (2024), "
    "http://www.bccancer.bc.ca/books/musculoskeletal-sarcoma/follow-up"
)
# How the guideline introduces its schedules, kept at the head of each quote.
_ESMO_FRAMING = "A practical approach in several institutions is as follows: … "
_ESMO_IMAGING = N_(
    "The FAQ says apart, as a general remark, that “MRI is generally use[d] to follow up "
    "local relapse and CT scan for lung metastases”; it does not say which exam each visit "
    "includes: the care team decides."
)

ESMO_HIGH_GRADE = Protocol(
    id="esmo-2010-high-grade",
    name=N_("ESMO soft tissue sarcoma guideline (2010): intermediate or high grade, after surgery"),
    streams=(
        Stream(
            exam=N_("Sarcoma follow-up visit"),
            exam_short=N_("visit"),
            phases=(
                _ranged((24, 36), (3, 4)),
                Phase(36, 60, 6, (6, 6)),
                Phase(60, None, 12, (12, 12)),
            ),
        ),
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
        read_at=_ESMO_READ_AT,
        verification=_ESMO_VERIFICATION,
        confirmed_by=_ESMO_CONFIRMED_BY,
    ),
    start_hint=N_("the usual choice is the day of surgery"),
    notes=(_ESMO_IMAGING,),
)

ESMO_LOW_GRADE = Protocol(
    id="esmo-2010-low-grade",
    name=N_("ESMO soft tissue sarcoma guideline (2010): low grade"),
    streams=(
        Stream(
            exam=N_("Sarcoma follow-up visit for local relapse"),
            exam_short=N_("visit"),
            phases=(
                _ranged((36, 60), (4, 6)),
                Phase(60, None, 12, (12, 12)),
            ),
        ),
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
        read_at=_ESMO_READ_AT,
        verification=_ESMO_VERIFICATION,
        confirmed_by=_ESMO_CONFIRMED_BY,
    ),
    start_hint=N_("the usual choice is the day of surgery"),
    notes=(
        N_(
            "The source also mentions chest X-rays or CT at more relaxed intervals, without "
            "a cadence: they are not planned here; agree them with the care team."
        ),
        _ESMO_IMAGING,
    ),
)

NCCN_STAGE_IV = Protocol(
    id="nccn-stage-iv-limited-metastases",
    name=N_(
        "NCCN soft tissue sarcoma of the limbs, outer trunk, head or neck, for patients "
        "(2014): stage IV after treatment of limited metastases (our reading)"
    ),
    streams=(
        Stream(
            exam=N_("History, exam, chest imaging and imaging of the metastatic sites"),
            exam_short=N_("visit + chest and metastatic-site imaging"),
            phases=(
                _ranged((24, 36), (3, 6)),
                Phase(36, 60, 6, (6, 6), lasting=24),
                Phase(60, None, 12, (12, 12)),
            ),
        ),
    ),
    source=Source(
        citation=(
            "NCCN Guidelines for Patients: Soft Tissue Sarcoma, version 1.2014, chapter on "
            "sarcomas of the limbs, outer trunk, head or neck, Chart 2.3.2, viewer page 26."
        ),
        short_citation="NCCN Guidelines for Patients, STS v1.2014, Chart 2.3.2, viewer page 26.",
        year=2014,
        url="https://www.nccn.org/patients/guidelines/sarcoma/files/assets/basic-html/page-26.html",
        quote=(
            "Every 3–6 months for 2–3 years … If good results, then repeat every 6 months "
            "for 2 years … If good results, then repeat every year … "
            "Consider imaging of tumor site | Right after surgery then at regular "
            "intervals of time"
        ),
        quoted_from=N_(
            "NCCN Guidelines for Patients, Soft Tissue Sarcoma (2014), Chart 2.3.2, in the "
            "chapter on sarcomas of the limbs, outer trunk, head or neck"
        ),
        verification=N_(
            "From Chart 2.3.2 of the 2014 patient edition (page 26 of the online viewer; the "
            "printed page is probably 24), whose heading is “Stage IV sarcoma”; “limited "
            "metastases” is our reading of the chart beside it (Chart 2.3.1, “Confined "
            "cancer spread”). The current professional guideline text was not read."
        ),
    ),
    start_hint=N_("the usual choice is the day the metastases were treated"),
    notes=(
        N_(
            "The source goes on to visits every 6 months, and then every year, only "
            "“If good results”: the care team decides what happens otherwise."
        ),
        N_(
            "The source says to consider imaging of the tumour site, right after surgery "
            "then at regular intervals: whether a visit includes it is for the care team "
            "to decide."
        ),
    ),
)

_UK_URL = "https://www.cancerresearchuk.org/about-cancer/soft-tissue-sarcoma/treatment/follow-up"
_UK_NOT_SCANS = N_(
    "These are appointments, not scans: the page says “You are only likely to have MRI "
    "scans or CT scans if you have symptoms that need to be checked out … most people "
    "don't need regular CT or MRI scans”."
)
_UK_STREAM = Stream(
    exam=N_("Follow-up appointment (not a scan)"),
    exam_short=N_("appointment"),
    phases=(
        _ranged((24, 36), (3, 4)),
        Phase(36, 60, 6, (6, 6)),
        Phase(60, None, 12, (12, 12)),
    ),
)

UK_HIGH_GRADE = Protocol(
    id="uk-high-grade",
    name=N_("Cancer Research UK patient page: intermediate or high grade soft tissue sarcoma"),
    streams=(_UK_STREAM,),
    source=Source(
        citation="Cancer Research UK, patient information on follow-up after soft tissue sarcoma.",
        short_citation="Cancer Research UK patient information.",
        year=None,
        url=_UK_URL,
        quote=(
            "3 to 4 monthly appointments for the first 2 to 3 years; 6 monthly "
            "appointments up to 5 years; then yearly"
        ),
        quoted_from=N_("Cancer Research UK patient page on follow-up after soft tissue sarcoma"),
        verification=N_(
            "Only Cancer Research UK's patient page was read; it names no guideline group. "
            "An older version of it said yearly up to 10 years."
        ),
    ),
    start_hint=N_("the usual choice is the day of surgery"),
    notes=(_UK_NOT_SCANS,),
)

UK_LOW_GRADE = Protocol(
    id="uk-low-grade",
    name=N_("Cancer Research UK patient page: low grade soft tissue sarcoma"),
    streams=(
        replace(_UK_STREAM, phases=(_ranged((36, 60), (4, 6)), Phase(60, None, 12, (12, 12)))),
    ),
    source=replace(
        UK_HIGH_GRADE.source,
        quote="4 to 6 monthly appointments for the first 3 to 5 years; then yearly",
    ),
    start_hint=N_("the usual choice is the day of surgery"),
    notes=(_UK_NOT_SCANS,),
)

CANADA_STS = Protocol(
    id="canadian-cancer-society-sts",
    name=N_("Canadian Cancer Society patient information: soft tissue sarcoma"),
    streams=(
        Stream(
            exam=N_("Follow-up visit (not a scan)"),
            exam_short=N_("visit"),
            phases=(
                Phase(0, 24, 3, (3, 6)),
                Phase(24, 60, 6, (6, 12)),
                Phase(60, None, 12, (12, 12)),
            ),
        ),
    ),
    source=Source(
        citation="Canadian Cancer Society, patient information: follow-up after treatment "
        "for soft tissue sarcoma.",
        short_citation="Canadian Cancer Society patient information.",
        year=None,
        url=(
            "http://www.cancer.ca/en/cancer-information/cancer-type/soft-tissue-sarcoma/"
            "treatment/follow-up/?region=on"
        ),
        quote=(
            "every 3–6 months for the first 2 years after treatment; every 6–12 months for "
            "the next 3 years; then once a year until 10 years"
        ),
        quoted_from=N_(
            "Canadian Cancer Society patient page on follow-up after soft tissue sarcoma"
        ),
        verification=N_(
            "Only the Canadian Cancer Society's patient page was read; it speaks of follow-up "
            "visits, not of scans."
        ),
    ),
    start_hint=N_("the usual choice is the day treatment ended"),
    end_years=10,
)

_ONCOSUR_QUOTE = (
    "En tumores de grado intermedio o alto, la radiografía de tórax se realizará cada 3 "
    "meses durante los primeros 2-3 años y, posteriormente, cada 6 meses hasta los 5 años "
    "y después de forma anual, mientras que en los tumores de grado bajo se realizarán "
    "cada 4-6 meses durante los primeros 2-3 años y, posteriormente, cada 12 meses"
)
_ONCOSUR_SOURCE = Source(
    citation=(
        "Medina Martínez J. Chapter 10 in: Guía OncoSur de sarcomas de partes blandas "
        "(sarcomas of the limbs and trunk), p. 134."
    ),
    short_citation="Medina Martínez J. Guía OncoSur de sarcomas, ch. 10, p. 134.",
    year=None,
    url="https://congresos.grupoaran.com/guia-oncosur-sarcomas/files/assets/basic-html/page-134.html",
    quote=_ONCOSUR_QUOTE,
    quote_language="es",
    translation=N_(
        "In intermediate- or high-grade tumours, a chest X-ray will be done every 3 months "
        "during the first 2–3 years, then every 6 months up to 5 years and yearly after "
        "that, while in low-grade tumours it will be done every 4–6 months during the first "
        "2–3 years, then every 12 months"
    ),
    quoted_from=N_("Guía OncoSur de sarcomas, chapter 10, page 134 of the online viewer"),
    verification=N_(
        "Read on page 134 of the guide's online viewer; the guide's year and editors were not seen."
    ),
)
_CHEST_X_RAY, _CHEST_X_RAY_SHORT = N_("Chest X-ray"), N_("chest X-ray")

ONCOSUR_HIGH_GRADE = Protocol(
    id="oncosur-high-grade",
    name=N_("Guía OncoSur, sarcomas of the limbs and trunk: intermediate or high grade"),
    streams=(
        Stream(
            _CHEST_X_RAY,
            _CHEST_X_RAY_SHORT,
            phases=(
                Phase(0, 36, 3, (3, 3), until_allowed=(24, 36)),
                Phase(36, 60, 6, (6, 6)),
                Phase(60, None, 12, (12, 12)),
            ),
        ),
    ),
    source=_ONCOSUR_SOURCE,
    start_hint=N_("the usual choice is the day of surgery"),
)

ONCOSUR_LOW_GRADE = Protocol(
    id="oncosur-low-grade",
    name=N_("Guía OncoSur, sarcomas of the limbs and trunk: low grade"),
    streams=(
        Stream(
            _CHEST_X_RAY,
            _CHEST_X_RAY_SHORT,
            phases=(_ranged((24, 36), (4, 6)), Phase(36, None, 12, (12, 12))),
        ),
    ),
    source=_ONCOSUR_SOURCE,
    start_hint=N_("the usual choice is the day of surgery"),
)

NCCN_COLON_STAGE_IV = Protocol(
    id="nccn-colon-2022-stage-iv",
    name=N_(
        "Colorectal cancer, stage IV, no evidence of disease after treatment of metastases "
        "(NCCN Colon Cancer V.1.2022, as reproduced in a review)"
    ),
    streams=(
        Stream(
            id="ct",
            exam=N_("CT of the chest, abdomen and pelvis"),
            exam_short=N_("CT, chest + abdomen + pelvis"),
            phases=(Phase(0, 24, 3, (3, 6)), Phase(24, None, 6, (6, 12))),
            quote=(
                "stage II–IV: every 6–12 months for 5 years (stage IV: every 3–6 months for "
                "the first 2 years)"
            ),
        ),
        Stream(
            id="visit",
            exam=N_("History and physical examination, with a CEA blood test"),
            exam_short=N_("visit + CEA"),
            phases=(Phase(0, 24, 3, (3, 6)), Phase(24, None, 6, (6, 6))),
            quote=(
                "every 3–6 months for 2 years, then every 6 months for a total of 5 years … "
                "CEA monitoring, as above"
            ),
        ),
    ),
    source=Source(
        citation=(
            "NCCN Clinical Practice Guidelines in Oncology: Colon Cancer, version 1.2022, "
            "as reproduced in Table 5 of a review in Cancers 2022;14:5255."
        ),
        short_citation="NCCN Colon Cancer V.1.2022, via Cancers 2022;14:5255, Table 5.",
        year=2022,
        url="https://pmc.ncbi.nlm.nih.gov/articles/PMC9657704/table/cancers-14-05255-t005/",
        quote=(
            "CT chest-abdomen-pelvis: stage II–IV: every 6–12 months for 5 years (stage IV: "
            "every 3–6 months for the first 2 years) … History and physical examination: "
            "every 3–6 months for 2 years, then every 6 months for a total of 5 years … "
            "CEA monitoring, as above"
        ),
        quoted_from=N_(
            "table of a 2022 review reproducing NCCN Colon Cancer V.1.2022 (its Table 5)"
        ),
        verification=N_(
            "Secondary: a table reproduced in a review; the NCCN document was not read."
        ),
    ),
    start_hint=N_("the usual choice is the day the metastases were treated"),
    questions=_QUESTIONS_COLORECTAL,
    end_years=5,
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
        CANADA_STS,
        ONCOSUR_HIGH_GRADE,
        ONCOSUR_LOW_GRADE,
        NCCN_COLON_STAGE_IV,
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
