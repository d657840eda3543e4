"""Follow-up protocols as data: phases of intervals, the exam, and the source.

A `Protocol` says how often to scan in each phase after treatment. Phases are
measured in whole months from the treatment date; the last phase has no end.
Where a source gives a range ("every 3–4 months"), a phase keeps both ends in
`allowed` and the chosen interval in `every_months`, the shorter by default.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from followup.errors import InvalidOption

__all__ = ["IBERO_AMERICAN_2025", "Phase", "Protocol", "Source"]


@dataclass(frozen=True)
class Phase:
    """From `from_month` (inclusive) to `until_month` (exclusive; None: no end)."""

    from_month: int
    until_month: int | None
    every_months: int
    allowed: tuple[int, int]

    def __post_init__(self) -> None:
        low, high = self.allowed
        if not 0 < low <= self.every_months <= high:
            raise ValueError(f"interval {self.every_months} outside {self.allowed}")
        if self.until_month is not None and self.until_month <= self.from_month:
            raise ValueError(f"phase ends at {self.until_month}, before it starts")

    def holds(self, month: int) -> bool:
        """Whether a visit `month` months after treatment falls in this phase."""
        return self.from_month <= month and (self.until_month is None or month < self.until_month)


@dataclass(frozen=True)
class Source:
    """Where a protocol comes from, and how far we could check it."""

    citation: str
    short_citation: str
    url: str
    quote: str
    quoted_from: str
    verification: str


@dataclass(frozen=True)
class Protocol:
    """A published follow-up scheme: phases, the exam they ask for, the source."""

    id: str
    name: str
    exam: str
    exam_short: str
    phases: tuple[Phase, ...]
    source: Source

    def phase_at(self, month: int) -> Phase:
        """The phase a visit `month` months after treatment falls in."""
        return next(phase for phase in self.phases if phase.holds(month))

    def with_interval(self, phase_index: int, months: int, *, option: str) -> Protocol:
        """This protocol with another interval chosen, within the source's range, for a phase."""
        phase = self.phases[phase_index]
        low, high = phase.allowed
        if not low <= months <= high:
            valid = " or ".join(str(m) for m in range(low, high + 1))
            raise InvalidOption(option, months, f"the source allows {valid} months here")
        phases = list(self.phases)
        phases[phase_index] = replace(phase, every_months=months)
        return replace(self, phases=tuple(phases))


IBERO_AMERICAN_2025 = Protocol(
    id="ibero-american-2025",
    name="Ibero-American consensus on liver metastases of soft tissue sarcoma (2025)",
    exam="CT or MRI of the chest and abdomen",
    exam_short="CT/MRI, chest + abdomen",
    phases=(
        Phase(from_month=0, until_month=24, every_months=3, allowed=(3, 4)),
        Phase(from_month=24, until_month=60, every_months=6, allowed=(6, 6)),
        Phase(from_month=60, until_month=None, every_months=12, allowed=(12, 12)),
    ),
    source=Source(
        citation=(
            "Lopes-Brás R, Muñoz P, Netto E, et al. Ibero-American Consensus for the "
            "Management of Liver Metastases of Soft Tissue Sarcoma: Updated Review and "
            "Clinical Recommendations. Cancers 2025;17(8):1295."
        ),
        short_citation="Lopes-Brás R, et al. Cancers 2025;17(8):1295.",
        url="https://www.mdpi.com/2072-6694/17/8/1295",
        quote=(
            "CT or MRI of the chest and abdomen every 3–4 months for 2 years, "
            "then every 6 months up to 5 years, then annually."
        ),
        quoted_from="Clear Cell Sarcoma Foundation's discussion sheet on liver metastases",
        verification=(
            "Taken from the foundation's summary of the consensus; "
            "the paper's follow-up section itself was not checked."
        ),
    ),
)
