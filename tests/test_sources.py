"""What was read for each preset's source is said exactly, in the data and in what followup prints."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from followup import _wording as wording
from followup._protocols import PRESETS, Protocol
from followup._schedule import make_schedule
from followup.cli import app

from .readme import README

ESMO = ("esmo-2010-high-grade", "esmo-2010-low-grade")
UK = ("uk-high-grade", "uk-low-grade")
NCCN = "nccn-stage-iv-limited-metastases"
IBERO = "ibero-american-2025"

FRAMING = "A practical approach in several institutions is as follows: … "
KICKSARCOMA = "https://kicksarcoma.org.au/sarcoma-faq/"
NCCN_SCOPE = "limbs, outer trunk, head or neck"
HAYES = "doi:10.1038/s41416-024-02674-y"

# For each preset, words that every output about it and `protocols show` must carry.
POINTS = {
    "esmo-2010-high-grade": [
        FRAMING + "may be followed up every 3-4 months in the 2-3 years",
        "Sarcoma FAQ of kicksarcoma.org.au",
        KICKSARCOMA,
        "not the guideline itself",
    ],
    "esmo-2010-low-grade": [
        FRAMING + "may be followed for local relapse every 4-6 months",
        "Sarcoma FAQ of kicksarcoma.org.au",
        KICKSARCOMA,
        "not the guideline itself",
    ],
    NCCN: [
        "Chart 2.3.2, p. 26",
        f"chapter on sarcomas of the {NCCN_SCOPE}",
        "… if good results, then repeat every year … Consider imaging of tumor site",
        "“if good results”",
        "consider imaging of the tumour site",
    ],
    "uk-high-grade": ["Only Cancer Research UK's patient page was read", "Hayes AJ", HAYES],
    "uk-low-grade": ["Only Cancer Research UK's patient page was read", "Hayes AJ", HAYES],
    IBERO: ["PMID 40282472", "PMCID PMC12025635", "gastrointestinal stromal tumours (GIST)"],
}


def _texts(protocol: Protocol) -> list[str]:
    """Every text a preset carries about itself."""
    source = protocol.source
    return [
        protocol.name,
        protocol.exam,
        *protocol.notes,
        source.citation,
        source.short_citation,
        source.url or "",
        source.quote,
        source.quoted_from,
        source.verification,
    ]


def test_every_preset_has_its_points() -> None:
    """Each preset is pinned below, so a new one must say what was read for it."""
    assert set(POINTS) == set(PRESETS)


@pytest.mark.parametrize("protocol_id", ESMO)
def test_esmo_quote_keeps_the_guideline_framing(protocol_id: str) -> None:
    """The quote starts with how the guideline frames its schedule, then an ellipsis."""
    source = PRESETS[protocol_id].source
    assert source.quote.startswith(FRAMING)
    assert source.quote.count("…") == 1


@pytest.mark.parametrize("protocol_id", ESMO)
def test_esmo_names_the_page_read_not_a_link_to_the_guideline(protocol_id: str) -> None:
    """No link for the 2010 guideline, which was not read; the FAQ page read is named with its address."""
    source = PRESETS[protocol_id].source
    assert source.url is None
    assert "Sarcoma FAQ of kicksarcoma.org.au" in source.quoted_from
    assert KICKSARCOMA in source.verification
    assert "not the guideline itself" in source.verification
    assert "nor whether the 2021 ESMO–EURACAN–GENTURIS update kept it" in source.verification


def test_nccn_names_the_chart_and_its_chapter() -> None:
    """The citation names Chart 2.3.2 on p. 26 and its chapter; the name and the origin give the scope."""
    protocol = PRESETS[NCCN]
    citation = protocol.source.citation
    assert "Chart 2.3.2" in citation
    assert "p. 26" in citation
    assert f"chapter on sarcomas of the {NCCN_SCOPE}" in citation
    assert "Chart 2.3.2" in protocol.source.short_citation
    assert NCCN_SCOPE in protocol.name
    assert NCCN_SCOPE in protocol.source.quoted_from
    assert NCCN_SCOPE in protocol.source.verification


def test_nccn_quote_keeps_both_conditions_and_the_tumour_site() -> None:
    """Both steps after the first are quoted as conditional, and imaging of the site as to consider."""
    protocol = PRESETS[NCCN]
    assert protocol.source.quote == (
        "every 3–6 months for 2–3 years … if good results, then repeat every 6 months for "
        "2 years … if good results, then repeat every year … Consider imaging of tumor site"
    )
    good_results, tumour_site = protocol.notes
    assert "every 6 months, and then every year, only “if good results”" in good_results
    assert "consider imaging of the tumour site" in tumour_site


@pytest.mark.parametrize("protocol_id", UK)
def test_uk_presets_do_not_claim_a_guideline(protocol_id: str) -> None:
    """Neither UK preset says the page follows the British Sarcoma Group; the 2024 guideline is named as unread."""
    protocol = PRESETS[protocol_id]
    for text in _texts(protocol):
        assert "British Sarcoma Group" not in text
        assert "UK practice" not in text
    verification = protocol.source.verification
    assert "Only Cancer Research UK's patient page was read" in verification
    assert "Hayes AJ, et al. UK guidelines for the management of soft tissue sarcomas" in (
        verification
    )
    assert "Br J Cancer 2024" in verification
    assert HAYES in verification
    assert "has not been read yet" in verification


def test_readme_does_not_claim_a_uk_guideline() -> None:
    """The README no longer says the Cancer Research UK page reflects British Sarcoma Group practice."""
    text = README.read_text(encoding="utf-8")
    assert "British Sarcoma Group" not in text
    assert "10.1038/s41416-024-02674-y" in text


def test_ibero_american_citation_and_scope() -> None:
    """The citation has the PMID and PMCID; a note says the consensus leaves GIST out."""
    protocol = PRESETS[IBERO]
    assert "PMID 40282472" in protocol.source.citation
    assert "PMCID PMC12025635" in protocol.source.citation
    (note,) = protocol.notes
    assert "leaves out gastrointestinal stromal tumours (GIST)" in note


@pytest.mark.parametrize("protocol_id", list(POINTS))
def test_every_output_carries_the_points(protocol_id: str) -> None:
    """The labelled facts that every output writes (calendar, tables, sheet, JSON) carry each point."""
    schedule = make_schedule(date(2025, 3, 14), protocol=PRESETS[protocol_id])
    about = "\n".join(fact.text for fact in wording.about(schedule))
    for point in POINTS[protocol_id]:
        assert point in about, point


@pytest.mark.parametrize("protocol_id", list(POINTS))
def test_protocols_show_prints_the_points(runner: CliRunner, protocol_id: str) -> None:
    """`followup protocols show ID` prints each point about the source."""
    result = runner.invoke(app, ["protocols", "show", protocol_id])
    assert result.exit_code == 0, result.output
    for point in POINTS[protocol_id]:
        assert point in result.stdout, point
    if protocol_id in UK:
        assert "British Sarcoma Group" not in result.stdout
