"""What was read for each preset's source is said exactly, in the data and in what followup prints."""

from __future__ import annotations

import json
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
KICKSARCOMA = (
    "http://www.kicksarcoma.org.au/AboutSarcoma/SarcomaFAQ/tabid/85/Default.aspx"
    "?QuestionID=5&AFMID=514"
)
BC_CANCER = "http://www.bccancer.bc.ca/books/musculoskeletal-sarcoma/follow-up"
NCCN_SCOPE = "limbs, outer trunk, head or neck"
NCCN_PAGE = "https://www.nccn.org/patients/guidelines/sarcoma/files/assets/basic-html/page-26.html"
CRUK = "https://www.cancerresearchuk.org/about-cancer/soft-tissue-sarcoma/treatment/follow-up"
NOT_SCANS = "These are appointments, not scans"
SHEET = "https://www.clearcellsarcoma.org/_files/ugd/28eaf7_3da549293cda476584b52668da98c021.pdf"
ESMO_POINTS = [
    "Sarcoma FAQ of kicksarcoma.org.au",
    KICKSARCOMA,
    "a copy from 2017; its new address was not checked",
    "references are garbled (both give the pages v198–v203)",
    BC_CANCER,
    "“MRI is generally use[d] to follow up local relapse and CT scan for lung metastases”",
]

# For each preset, words that every output about it and `protocols show` must carry.
POINTS = {
    "esmo-2010-high-grade": [
        FRAMING + "may be followed up every 3-4 months in the 2-3 years",
        *ESMO_POINTS,
    ],
    "esmo-2010-low-grade": [
        FRAMING + "may be followed for local relapse every 4-6 months",
        *ESMO_POINTS,
    ],
    NCCN: [
        "Chart 2.3.2, viewer page 26",
        NCCN_PAGE,
        "the printed page is probably 24",
        f"chapter on sarcomas of the {NCCN_SCOPE}",
        "… If good results, then repeat every year … Consider imaging of tumor site | Right "
        "after surgery then at regular intervals of time",
        "“If good results”",
        "“Stage IV sarcoma”",
        "“limited metastases” is our reading of the chart beside it (Chart 2.3.1",
    ],
    "uk-high-grade": ["Only Cancer Research UK's patient page was read", CRUK, NOT_SCANS],
    "uk-low-grade": ["Only Cancer Research UK's patient page was read", CRUK, NOT_SCANS],
    IBERO: [
        "PMID 40282472",
        "PMCID PMC12025635",
        "Stated in the consensus abstract",
        "gastrointestinal stromal tumours (GIST)",
        SHEET,
        "could be read up to the heading of §3.12",
        "brain MRI in its point on confirming that the disease is confined to the liver",
    ],
    "canadian-cancer-society-sts": [
        "then once a year until 10 years",
        "cancer.ca/en/cancer-information/cancer-type/soft-tissue-sarcoma",
        "visits, not of scans",
        "the source ends follow-up at 10 years",
    ],
    "oncosur-high-grade": [
        "En tumores de grado intermedio o alto, la radiografía de tórax",
        "Our translation: “In intermediate- or high-grade tumours",
        "Medina Martínez J",
        "page-134.html",
        "the guide's year and editors were not seen",
    ],
    "oncosur-low-grade": [
        "en los tumores de grado bajo se realizarán cada 4-6 meses",
        "Our translation:",
        "the guide's year and editors were not seen",
    ],
    "nccn-colon-2022-stage-iv": [
        "Table 5 of a review in Cancers 2022;14:5255",
        "cancers-14-05255-t005",
        "Secondary: a table reproduced in a review; the NCCN document was not read.",
        "CEA monitoring, as above",
        "the source ends follow-up at 5 years",
    ],
}


def _texts(protocol: Protocol) -> list[str]:
    """Every text a preset carries about itself."""
    source = protocol.source
    return [
        protocol.name,
        *(stream.exam for stream in protocol.streams),
        *(stream.exam_short for stream in protocol.streams),
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
    """No link for the 2010 guideline, which was not read; the FAQ page read is named with
    its old address, and BC Cancer's summary as a secondary confirmation; the exam does not
    say MRI and CT at every visit."""
    protocol = PRESETS[protocol_id]
    source = protocol.source
    assert source.url is None
    assert "Sarcoma FAQ of kicksarcoma.org.au" in source.quoted_from
    assert source.read_at == KICKSARCOMA
    assert source.confirmed_by is not None
    assert BC_CANCER in source.confirmed_by
    assert "nor the guideline itself" in source.verification
    for stream in protocol.streams:
        assert "MRI" not in stream.exam + stream.exam_short
        assert "CT" not in stream.exam + stream.exam_short


def test_nccn_names_the_chart_its_page_and_its_reading() -> None:
    """The citation names Chart 2.3.2 on viewer page 26, its chapter and its address."""
    protocol = PRESETS[NCCN]
    citation = protocol.source.citation
    assert "Chart 2.3.2" in citation
    assert "viewer page 26" in citation
    assert f"chapter on sarcomas of the {NCCN_SCOPE}" in citation
    assert protocol.source.url == NCCN_PAGE
    assert NCCN_SCOPE in protocol.name
    assert "(our reading)" in protocol.name


def test_nccn_quote_keeps_both_conditions_and_the_whole_tumour_site_row() -> None:
    """Both steps after the first are quoted as the chart writes them, and the tumour-site
    row whole."""
    protocol = PRESETS[NCCN]
    assert protocol.source.quote == (
        "Every 3–6 months for 2–3 years … If good results, then repeat every 6 months for "
        "2 years … If good results, then repeat every year … Consider imaging of tumor site | "
        "Right after surgery then at regular intervals of time"
    )


@pytest.mark.parametrize("protocol_id", UK)
def test_uk_presets_are_appointments_and_claim_no_guideline(
    runner: CliRunner, protocol_id: str
) -> None:
    """Neither UK preset names a guideline group; both say, calendar titles included, that
    these are appointments, not scans."""
    protocol = PRESETS[protocol_id]
    for text in _texts(protocol):
        assert "British Sarcoma Group" not in text
        assert "Hayes" not in text
    ics = runner.invoke(
        app,
        [
            "plan",
            "2025-03-14",
            "--protocol",
            protocol_id,
            "--name",
            "AL",
            "--format",
            "ics",
            "-o",
            "-",
        ],
    ).stdout
    assert "SUMMARY:Follow-up appointment (1 of " in ics
    assert "follow-up follow-up" not in ics.lower()
    unfolded = ics.replace("\r\n", "\n").replace("\n ", "").replace("\\,", ",")
    assert NOT_SCANS in unfolded


def test_readme_does_not_claim_a_uk_guideline() -> None:
    """The README does not say the Cancer Research UK page reflects a guideline group, and
    describes the 867-patient cohort as its abstract does, naming no authors."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert "British Sarcoma Group" not in text
    assert "excised between 1978 and 2008" in text
    assert "Followup beyond 10 years does not yield a sufficient number" in text


def test_ibero_american_citation_and_scope() -> None:
    """The citation has the PMID and PMCID; a note says the consensus leaves GIST out."""
    protocol = PRESETS[IBERO]
    assert "PMID 40282472" in protocol.source.citation
    assert "PMCID PMC12025635" in protocol.source.citation
    gist, brain = protocol.notes
    assert gist.startswith("Stated in the consensus abstract")
    assert "not in its point on follow-up" in brain


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


@pytest.mark.parametrize("protocol_id", list(POINTS))
def test_the_web_protocol_page_and_json_carry_the_source(protocol_id: str) -> None:
    """The protocol's JSON (as the API and `--format json` give it) carries the quote, the
    address read and the status."""
    from followup._export.tables import protocol_json

    document = protocol_json(PRESETS[protocol_id])
    source = document["source"]
    text = json.dumps(document, ensure_ascii=False)
    assert source["quote"] == PRESETS[protocol_id].source.quote
    assert source["verification"]
    for point in POINTS[protocol_id]:
        if point not in {NOT_SCANS} and not point.startswith("the source ends"):
            if "brain MRI" in point or "MRI is generally" in point or "If good results”" in point:
                continue  # notes: carried as notes
            assert point in text or point in " ".join(document["notes"]), point
