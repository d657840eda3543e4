"""Each preset against dates worked out by hand from its source's wording."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from followup import (
    InvalidSetting,
    Weekends,
)
from followup import _wording as wording
from followup._protocols import PRESETS, preset
from followup._schedule import Recorded, make_schedule

START = date(2024, 1, 15)


def _months(protocol_id: str, **choices: int) -> list[int]:
    """The months after treatment of the lead stream's visits, over the preset's length."""
    protocol = preset(protocol_id).choose(**choices)
    schedule = make_schedule(START, protocol=protocol, weekends=Weekends.KEEP)
    return [v.months for v in schedule.of(protocol.lead)]


def _steps(first: int, last: int, step: int) -> list[int]:
    return list(range(first, last + 1, step))


CASES = [
    # “every 3–4 months for 2 years, then every 6 months up to 5 years, then annually”
    ("ibero-american-2025", {}, _steps(3, 24, 3) + _steps(30, 60, 6) + _steps(72, 120, 12)),
    ("ibero-american-2025", {"early_interval": 4}, _steps(4, 24, 4) + _steps(30, 60, 6) + _steps(72, 120, 12)),
    # “A practical approach in several institutions is as follows: … every 3-4 months in the 2-3 years,
    # then twice a year up to the fifth year and once a year thereafter”
    ("esmo-2010-high-grade", {}, _steps(3, 36, 3) + _steps(42, 60, 6) + _steps(72, 120, 12)),
    ("esmo-2010-high-grade", {"early_interval": 4, "early_years": 2}, _steps(4, 24, 4) + _steps(30, 60, 6) + _steps(72, 120, 12)),
    # “A practical approach in several institutions is as follows: … for local relapse every 4-6 months
    # … in the first 3-5 years, then yearly”
    ("esmo-2010-low-grade", {}, _steps(4, 60, 4) + _steps(72, 120, 12)),
    ("esmo-2010-low-grade", {"early_interval": 6, "early_years": 3}, _steps(6, 36, 6) + _steps(48, 120, 12)),
    # “every 3–6 months for 2–3 years … if good results, then repeat every 6 months for 2 years …
    # if good results, then repeat every year”: the plan assumes good results
    ("nccn-stage-iv-limited-metastases", {}, _steps(3, 36, 3) + _steps(42, 60, 6) + _steps(72, 120, 12)),
    # a 2-year first phase moves the 2 years of 6-monthly visits to months 24–48
    ("nccn-stage-iv-limited-metastases", {"early_years": 2}, _steps(3, 24, 3) + _steps(30, 48, 6) + _steps(60, 120, 12)),
    ("nccn-stage-iv-limited-metastases", {"early_interval": 6}, _steps(6, 36, 6) + _steps(42, 60, 6) + _steps(72, 120, 12)),
    # “3 to 4 monthly appointments for the first 2 to 3 years; 6 monthly appointments up to 5 years; then yearly”
    ("uk-high-grade", {}, _steps(3, 36, 3) + _steps(42, 60, 6) + _steps(72, 120, 12)),
    ("uk-high-grade", {"early_years": 2}, _steps(3, 24, 3) + _steps(30, 60, 6) + _steps(72, 120, 12)),
    # “4 to 6 monthly ... for the first 3 to 5 years; then yearly”
    ("uk-low-grade", {}, _steps(4, 60, 4) + _steps(72, 120, 12)),
    # the visit at month 45 falls in the first phase, so the next is 5 months later (50);
    # 122 is kept: within half an interval (6 months) of the end at 120
    ("uk-low-grade", {"early_interval": 5, "early_years": 4}, _steps(5, 50, 5) + _steps(62, 122, 12)),
    # “every 3–6 months for the first 2 years after treatment; every 6–12 months for the next 3
    # years; then once a year until 10 years”: the source's end is the default length
    ("canadian-cancer-society-sts", {}, _steps(3, 24, 3) + _steps(30, 60, 6) + _steps(72, 120, 12)),
    ("canadian-cancer-society-sts", {"early_interval": 6}, _steps(6, 24, 6) + _steps(30, 60, 6) + _steps(72, 120, 12)),
    # “cada 3 meses durante los primeros 2-3 años y, posteriormente, cada 6 meses hasta los 5
    # años y después de forma anual”
    ("oncosur-high-grade", {}, _steps(3, 36, 3) + _steps(42, 60, 6) + _steps(72, 120, 12)),
    ("oncosur-high-grade", {"early_years": 2}, _steps(3, 24, 3) + _steps(30, 60, 6) + _steps(72, 120, 12)),
    # “cada 4-6 meses durante los primeros 2-3 años y, posteriormente, cada 12 meses”
    ("oncosur-low-grade", {}, _steps(4, 36, 4) + _steps(48, 120, 12)),
    ("oncosur-low-grade", {"early_interval": 6, "early_years": 2}, _steps(6, 24, 6) + _steps(36, 120, 12)),
    # CT “stage IV: every 3–6 months for the first 2 years”, then “every 6–12 months for 5
    # years”; the source ends at 5 years (the visit stream: see the test below)
    ("nccn-colon-2022-stage-iv", {}, _steps(3, 24, 3) + _steps(30, 60, 6)),
    ("nccn-colon-2022-stage-iv", {"early_interval": 6}, _steps(6, 24, 6) + _steps(30, 60, 6)),
]  # fmt: skip


def test_colorectal_streams_on_their_reference_dates() -> None:
    """Both streams of the colorectal preset, on the dates worked out by hand from the
    table's wording: CT and the visit with CEA every 3 months to 2 years, then every 6 to
    the source's end at 5 years; each counted from the treatment date."""
    protocol = preset("nccn-colon-2022-stage-iv")
    schedule = make_schedule(date(2025, 3, 14), protocol=protocol, weekends=Weekends.KEEP)
    assert schedule.years == 5
    ct, visit = protocol.streams
    expected = [
        "2025-06-14", "2025-09-14", "2025-12-14", "2026-03-14", "2026-06-14", "2026-09-14",
        "2026-12-14", "2027-03-14", "2027-09-14", "2028-03-14", "2028-09-14", "2029-03-14",
        "2029-09-14", "2030-03-14",
    ]  # fmt: skip
    assert [v.date.isoformat() for v in schedule.of(ct)] == expected
    assert [v.date.isoformat() for v in schedule.of(visit)] == expected
    assert (ct.id, visit.id) == ("ct", "visit")
    assert [v.stream for v in schedule.visits[:2]] == [ct, visit]  # one day: the lead first
    longer = make_schedule(date(2025, 3, 14), protocol=protocol, years=6)
    assert longer.past_source_end
    (length,) = [fact.text for fact in wording.about(longer) if fact.key == "length"]
    assert "past the end of follow-up the source sets, 5 years" in length


def test_a_visit_recorded_for_one_stream_moves_only_that_stream() -> None:
    """`visit:DATE` re-anchors the visit stream; the CT stream keeps its dates."""
    protocol = preset("nccn-colon-2022-stage-iv")
    plain = make_schedule(START, protocol=protocol, weekends=Weekends.KEEP)
    recorded = make_schedule(
        START,
        protocol=protocol,
        weekends=Weekends.KEEP,
        done=[Recorded(date(2024, 5, 1), "visit")],
        today=date(2024, 6, 1),
    )
    ct, visit = protocol.streams
    assert recorded.of(ct) == plain.of(ct)
    after = recorded.of(visit)
    assert (after[0].done, after[0].date, after[1].due_date) == (
        True,
        date(2024, 5, 1),
        date(2024, 8, 1),
    )
    with pytest.raises(InvalidSetting, match="has no stream mri; its streams are ct, visit"):
        make_schedule(START, protocol=protocol, done=[Recorded(date(2024, 5, 1), "mri")])


@pytest.mark.parametrize(("protocol_id", "choices", "months"), CASES)
def test_preset_months_match_the_wording(
    protocol_id: str, choices: dict[str, int], months: list[int]
) -> None:
    """The months after treatment, over 10 years, are those the quoted wording gives."""
    assert _months(protocol_id, **choices) == months


def test_every_preset_is_tested_and_sourced() -> None:
    """Each preset has a hand-worked case above, a quote, a citation and a verification note."""
    assert {case[0] for case in CASES} == set(PRESETS)
    for protocol in PRESETS.values():
        assert protocol.source.quote
        assert protocol.source.citation
        assert protocol.source.verification


def test_quotes_are_marked_as_quotes_in_every_output() -> None:
    """Each preset's wording is shown between quotation marks and attributed to where it was read."""
    for protocol in PRESETS.values():
        schedule = make_schedule(START, protocol=protocol)
        (rule,) = [fact.text for fact in wording.about(schedule) if fact.key == "rule"]
        assert rule.startswith(f"“{protocol.source.quote}” (wording of the ")
        assert protocol.source.quoted_from in rule


def test_ranges_default_to_the_stricter_end() -> None:
    """Without choices, the shortest interval and the longest first phase are used."""
    for protocol in PRESETS.values():
        first = protocol.lead.phases[0]
        assert first.every_months == first.allowed[0]
        if first.until_allowed:
            assert first.until_month == first.until_allowed[1]


@pytest.mark.parametrize(
    ("protocol_id", "choices", "message"),
    [
        ("ibero-american-2025", {"early_years": 3}, "3 is not allowed: ibero-american-2025 has a first phase of fixed length"),
        ("esmo-2010-high-grade", {"early_years": 4}, "4 is not allowed: esmo-2010-high-grade has a first phase of 2–3 years"),
        ("nccn-stage-iv-limited-metastases", {"early_interval": 7}, "7 is not allowed: nccn-stage-iv-limited-metastases allows from 3 to 6 months in its first phase"),
        ("uk-low-grade", {"early_interval": 3}, "3 is not allowed: uk-low-grade allows from 4 to 6 months in its first phase"),
    ],
)  # fmt: skip
def test_choices_outside_the_source_range_are_refused(
    protocol_id: str, choices: dict[str, int], message: str
) -> None:
    """A choice the source does not allow is bad input, and the message gives the range."""
    with pytest.raises(InvalidSetting) as caught:
        preset(protocol_id).choose(**choices)
    assert (caught.value.field, str(caught.value)) == (next(iter(choices)), message)


def test_unknown_preset_lists_the_known_ones() -> None:
    """An unknown id names every preset and the file alternative."""
    with pytest.raises(
        InvalidSetting, match="choose one of ibero-american-2025, esmo-2010-high-grade"
    ):
        preset("esmo")


def test_what_each_choice_weighs_before_a_plan_is_made() -> None:
    """The counts the form and `protocols show` give, worked out by hand for the default
    protocol: every 3 months, 8 visits to year 2, 6 to year 5, then one a year; every 4
    months, 6 to year 2."""
    weights = wording.choice_weights(preset("ibero-american-2025"))
    assert weights.years == [5, 10, 15]
    assert [(row.label, row.counts) for row in weights.rows] == [
        ("every 3 months in years 1–2", [8 + 6, 8 + 6 + 5, 8 + 6 + 10]),
        ("every 4 months in years 1–2", [6 + 6, 6 + 6 + 5, 6 + 6 + 10]),
    ]
    colorectal = wording.choice_weights(preset("nccn-colon-2022-stage-iv"))
    assert colorectal.years == [5, 10, 15]
    assert colorectal.others == [wording.Weighed("visit + CEA", [14, 24, 34])]


def test_an_overdue_visit_of_one_stream_comes_before_one_due_in_another() -> None:
    """Every CT and CEA visit recorded to February 2026, seen in mid-September: the CEA
    visit's window (6 months, fixed) has closed while the CT's (6–12 months) is open, so
    the visit to act on is the overdue CEA visit, not the CT due on the same day."""
    protocol = preset("nccn-colon-2022-stage-iv")
    plain = make_schedule(date(2024, 2, 2), protocol=protocol, weekends=Weekends.KEEP)
    done = [Recorded(v.date, v.stream.id) for v in plain.visits if v.date <= date(2026, 2, 2)]
    schedule = make_schedule(
        date(2024, 2, 2),
        protocol=protocol,
        weekends=Weekends.KEEP,
        done=done,
        today=date(2026, 9, 15),
    )
    upcoming = schedule.next_from(date(2026, 9, 15))
    assert upcoming.visit is not None
    assert (upcoming.visit.stream.id, upcoming.standing.value) == ("visit", "overdue")
    by_stream = schedule.next_by_stream(date(2026, 9, 15))
    assert [(n.visit.stream.id, n.standing.value) for n in by_stream if n.visit] == [
        ("ct", "due"),
        ("visit", "overdue"),
    ]


def test_the_last_visit_near_the_end_counts_from_the_treatment_date_once() -> None:
    """From 29 February 2024 over 10 years, a yearly scan recorded on 29 August 2033 keeps
    its successor on 29 August 2034: within half an interval of the end, counted in one
    go from the treatment date (twice would end on the 28th)."""
    schedule = make_schedule(
        date(2024, 2, 29),
        weekends=Weekends.KEEP,
        done=[
            *(date(2024, 2, 29) + timedelta(days=91 * k) for k in range(1, 9)),
            date(2033, 8, 29),
        ],
        today=date(2033, 9, 1),
    )
    assert schedule.visits[-1].date == date(2034, 8, 29)
