"""Protocols as data: phases that hold together, and how they are described."""

from __future__ import annotations

import pytest

from followup import (
    IBERO_AMERICAN_2025,
    Phase,
)
from followup._wording import phase_label, phase_rule


def test_the_seed_rule_as_phases() -> None:
    """Every 3 (or 4) months to month 24, every 6 to month 60, then every 12."""
    phases = IBERO_AMERICAN_2025.lead.phases
    assert [(p.from_month, p.until_month, p.every_months, p.allowed) for p in phases] == [
        (0, 24, 3, (3, 4)),
        (24, 60, 6, (6, 6)),
        (60, None, 12, (12, 12)),
    ]


def test_choosing_within_the_range_keeps_the_source_range() -> None:
    """Choosing 4 months changes the interval, not the range the source gives."""
    chosen = IBERO_AMERICAN_2025.choose(early_interval=4)
    assert chosen.lead.phases[0].every_months == 4
    assert chosen.lead.phases[0].allowed == (3, 4)
    assert IBERO_AMERICAN_2025.lead.phases[0].every_months == 3  # the preset is unchanged


@pytest.mark.parametrize(
    ("phase", "problem"),
    [
        (Phase(0, 24, 3, (3, 4)).__dict__ | {"every_months": 5}, "outside"),
        (Phase(0, 24, 3, (3, 4)).__dict__ | {"every_months": 0, "allowed": (0, 4)}, "outside"),
        (Phase(0, 24, 3, (3, 4)).__dict__ | {"until_month": 0}, "before it starts"),
    ],
)
def test_inconsistent_phases_are_refused(phase: dict[str, object], problem: str) -> None:
    """A zero interval, an interval outside its range, or a phase ending before it starts."""
    with pytest.raises(ValueError, match=problem):
        Phase(**phase)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phase", "label", "rule"),
    [
        (Phase(0, 24, 3, (3, 4)), "years 1–2", "years 1–2: every 3–4 months (here 3)"),
        (Phase(24, 60, 6, (6, 6)), "years 3–5", "years 3–5: every 6 months"),
        (Phase(60, None, 12, (12, 12)), "from year 6", "from year 6: every 12 months"),
        (Phase(0, 12, 1, (1, 1)), "year 1", "year 1: every 1 month"),
        (Phase(0, 18, 3, (3, 3)), "months 0–18", "months 0–18: every 3 months"),
        (Phase(18, None, 6, (6, 6)), "from month 18", "from month 18: every 6 months"),
    ],
)
def test_phase_wording(phase: Phase, label: str, rule: str) -> None:
    """Phases read in years when they fall on whole years, in months otherwise."""
    assert phase_label(phase) == label
    assert phase_rule(phase) == rule
