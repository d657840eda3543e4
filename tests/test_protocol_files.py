"""A centre's protocol file, extra tracks, and the protocols command."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from followup.cli import app

CENTRE = """\
name = "Our centre, liver metastases"
[[phases]]
until_month = 24
every_months = 3
[[phases]]
until_month = 60
every_months = 6
[[phases]]
every_months = 12
[source]
citation = "Tumour board decision, 2026"
"""


def _json(runner: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    path = tmp_path / "centre.toml"
    path.write_text(CENTRE)
    return path


def test_protocol_file_has_the_semantics_of_the_seed(runner: CliRunner, centre: Path) -> None:
    """The README's example file gives the seed's dates, and every output names it."""
    mine = _json(runner, "plan", "2024-01-31", "--protocol", str(centre))
    seed = _json(runner, "plan", "2024-01-31")
    assert [v["date"] for v in mine["visits"]] == [v["date"] for v in seed["visits"]]
    assert mine["protocol"]["id"] == "file:centre.toml"
    assert mine["protocol"]["name"] == "Our centre, liver metastases"
    assert mine["protocol"]["source"]["citation"] == "Tumour board decision, 2026"
    for form in ("ics", "csv", "md", "table"):
        out = runner.invoke(
            app,
            [
                "plan",
                "2024-01-31",
                "--name",
                "AL",
                "--protocol",
                str(centre),
                "--format",
                form,
                "-o",
                "-",
            ],
        )
        text = out.stdout.replace("\r\n ", "")
        assert "Our centre" in text, form
        assert "Tumour board decision" in text, form


def test_ranges_in_a_protocol_file(runner: CliRunner, tmp_path: Path) -> None:
    """Ranges are scheduled at the stricter end, can be chosen within, and are shown."""
    path = tmp_path / "ranged.toml"
    path.write_text(
        'name = "Ranged"\n[[phases]]\nuntil_month = [24, 36]\nevery_months = [3, 6]\n'
        '[[phases]]\nevery_months = 12\n[source]\ncitation = "Board"\n'
    )
    strict = _json(runner, "plan", "2024-01-31", "--protocol", str(path))
    assert [v["counted_from"]["months"] for v in strict["visits"]][:13] == [*range(3, 37, 3), 48]
    assert strict["protocol"]["streams"][0]["phases"][0]["until_allowed"] == [24, 36]
    chosen = _json(
        runner,
        "plan",
        "2024-01-31",
        "--protocol",
        str(path),
        "--early-interval",
        "6",
        "--early-years",
        "2",
    )
    assert [v["counted_from"]["months"] for v in chosen["visits"]][:5] == [6, 12, 18, 24, 36]
    assert "the source gives months 24–36 for its end" in strict["notes"]["phases"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("this is not = = toml", "not a valid TOML file"),
        ("colour = 1\n" + CENTRE, "key 'colour': unknown key; the keys here are name, exam, phases, streams, tracks, end_years, source"),
        (CENTRE + "colour = 1\n", "key 'source.colour': unknown key; the keys here are citation, year, url, quote, verification"),
        (CENTRE.replace("every_months = 6", "every_months = 6\nevery = 2"), "key 'phases[2].every': unknown key; the keys here are until_month, every_months"),
        (CENTRE.replace("until_month = 60\nevery_months = 6", "until_month = 60"), "key 'phases[2].every_months': missing: every phase needs an interval"),
        (CENTRE.replace("until_month = 60", "until_month = 12"), "key 'phases[2].until_month': the phase ends at month 12, not after the phase before it (month 24)"),
        (CENTRE.replace("every_months = 3", "every_months = 0"), "key 'phases[1].every_months': must be at least 1 month, got 0"),
        (CENTRE.replace("every_months = 3", "every_months = -3"), "key 'phases[1].every_months': must be at least 1 month, got -3"),
        (CENTRE.replace("every_months = 3", "every_months = [4, 3]"), "key 'phases[1].every_months': the range [4, 3] runs backwards"),
        (CENTRE.replace("every_months = 3", 'every_months = "3"'), "key 'phases[1].every_months': expected whole months, or a range such as [3, 4]; got '3'"),
        (CENTRE.replace("until_month = 24\n", ""), "key 'phases[1].until_month': missing: only the last phase may have no end"),
        (CENTRE.replace("[[phases]]\nevery_months = 12", "[[phases]]\nuntil_month = 120\nevery_months = 12"), "key 'phases[3].until_month': the last phase has no end: the plan's length in years ends it"),
        (CENTRE.replace('name = "Our centre, liver metastases"\n', ""), "key 'name': missing"),
        (CENTRE.split("[source]")[0], "key 'source': missing: say where this protocol comes from (citation)"),
        (CENTRE.replace('citation = "Tumour board decision, 2026"', 'url = "https://example.org"'), "key 'source.citation': missing"),
        ('name = "x"\n[source]\ncitation = "y"\n', "key 'phases': missing: give at least one [[phases]] with every_months"),
        (CENTRE + '[[tracks]]\nexam = "Brain MRI"\n', "key 'tracks[1].every_months': missing: every track needs an interval"),
        (CENTRE + '[[tracks]]\nexam = "Brain MRI"\nevery_months = [6, 12]\n', "key 'tracks[1].every_months': a track takes one interval, not a range"),
        (CENTRE + "[source2]\n", "key 'source2': unknown key"),
    ],
)  # fmt: skip
def test_bad_protocol_files_name_file_key_and_problem(
    runner: CliRunner, tmp_path: Path, text: str, message: str
) -> None:
    """Every mistake in a protocol file is bad input: exit 2 and one line naming file and key."""
    path = tmp_path / "centre.toml"
    path.write_text(text)
    result = runner.invoke(app, ["plan", "2024-01-31", "--protocol", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}: {message}")
    assert result.stderr.count("\n") == 1


def test_missing_protocol_file_and_unknown_preset(runner: CliRunner, tmp_path: Path) -> None:
    """A .toml that does not exist, or an id that is not a preset, is bad input."""
    missing = runner.invoke(app, ["plan", "2024-01-31", "--protocol", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2
    assert missing.stderr == f"Error: {tmp_path / 'nope.toml'}: no such file\n"
    unknown = runner.invoke(app, ["plan", "2024-01-31", "--protocol", "esmo"])
    assert unknown.exit_code == 2
    assert "choose one of ibero-american-2025, esmo-2010-high-grade" in unknown.stderr


def test_extra_track_in_every_output(runner: CliRunner) -> None:
    """--track "Brain MRI" --every 12 adds its own stream, with its own UIDs, to every output."""
    args = ["plan", "2024-01-31", "--name", "Ana", "--track", "Brain MRI", "--every", "12"]
    document = _json(runner, *args)
    (lead, track) = document["protocol"]["streams"]
    assert (track["exam"], track["by_choice"], lead["by_choice"]) == ("Brain MRI", True, False)
    visits = [v for v in document["visits"] if v["stream"] == "Brain MRI"]
    assert [v["counted_from"]["months"] for v in visits] == list(range(12, 121, 12))
    assert "discuss it with the care team" in track["note"]
    assert len(document["visits"]) == 19 + 10  # the protocol's own visits are unchanged
    assert {v["of"] for v in document["visits"] if v["stream"] == lead["id"]} == {19}
    ics = runner.invoke(app, [*args, "--format", "ics", "-o", "-"]).stdout
    assert ics.count("BEGIN:VEVENT") == 29
    assert "SUMMARY:Brain MRI (1 of 10)\\, extra track" in ics
    uids = re.findall(r"^UID:(.+)\r$", ics, re.M)
    assert len(set(uids)) == len(uids)
    csv = runner.invoke(app, [*args, "--format", "csv", "-o", "-"]).stdout
    assert csv.count(",Brain MRI,") == 10
    for form in ("md", "table"):
        out = runner.invoke(app, [*args, "--format", form, "-o", "-"]).stdout
        assert "Brain MRI" in out
        assert "discuss it with the care team" in out.replace("\n", " ")


def test_tracks_from_a_protocol_file_and_a_patient_file(
    runner: CliRunner, tmp_path: Path, centre: Path
) -> None:
    """Tracks may come from a centre's protocol file or a patient file as well."""
    centre.write_text(CENTRE + '[[tracks]]\nexam = "Brain MRI"\nevery_months = 6\n')
    from_protocol = _json(runner, "plan", "2024-01-31", "--protocol", str(centre), "--years", "2")
    streams = from_protocol["protocol"]["streams"]
    assert [s["exam"] for s in streams if s["by_choice"]] == ["Brain MRI"]
    assert [v["stream"] for v in from_protocol["visits"]].count("Brain MRI") == 4
    patient = tmp_path / "ana.toml"
    patient.write_text(
        'treatment_date = 2024-01-31\nyears = 2\n[[tracks]]\nexam = "Bone scan"\nevery = 12\n'
    )
    from_patient = _json(runner, "plan", "--from", str(patient))
    assert [v["stream"] for v in from_patient["visits"]].count("Bone scan") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--track", "Brain MRI"], "Error: --track 'Brain MRI' is not allowed: add --every MONTHS after it: how often to plan this exam"),
        (["--every", "12"], "Error: --every '12' is not allowed: give a --track EXAM before it"),
        (["--track", "Brain MRI", "--every", "0"], "Error: --every 0 is not allowed: give a whole number of months from 1 to 360"),
        (["--track", "Brain MRI", "--every", "12", "--track", "brain mri", "--every", "6"], "Error: --track 'brain mri' is not allowed: this exam has a track already"),
    ],
)  # fmt: skip
def test_bad_tracks(runner: CliRunner, args: list[str], message: str) -> None:
    """A track without its interval, a zero interval, or the same exam twice is bad input."""
    result = runner.invoke(app, ["plan", "2024-01-31", *args])
    assert result.exit_code == 2
    assert result.stderr == message + "\n"


def test_protocols_lists_and_shows(runner: CliRunner, centre: Path) -> None:
    """`protocols` lists every preset with its source; `show` gives phases, ranges and the quote."""
    listing = runner.invoke(app, ["protocols"])
    assert listing.exit_code == 0
    for protocol_id in (
        "ibero-american-2025 (default)",
        "esmo-2010-high-grade",
        "esmo-2010-low-grade",
        "nccn-stage-iv-limited-metastases",
        "uk-high-grade",
        "uk-low-grade",
    ):
        assert protocol_id in listing.stdout
    shown = runner.invoke(app, ["protocols", "show", "esmo-2010-high-grade"]).stdout
    assert (
        "years 1–3: every 3–4 months (here 3); the source gives months 24–36 for its end (here 36)"
        in shown
    )
    assert (
        "Wording: “A practical approach in several institutions is as follows: … may be followed up every 3-4 months in the 2-3 years"
        in shown
    )
    assert "Checked: Read on the Sarcoma FAQ of kicksarcoma.org.au at its old address" in shown
    assert "--early-interval 3–4 months, --early-years 2–3 years" in shown
    local = runner.invoke(app, ["protocols", "show", str(centre)])
    assert local.exit_code == 0
    assert "Our centre, liver metastases [file:centre.toml]" in local.stdout
    unknown = runner.invoke(app, ["protocols", "show", "nope"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("Error: protocol 'nope' is not allowed")


def test_protocol_and_choices_in_the_patient_file(runner: CliRunner, tmp_path: Path) -> None:
    """A patient file can hold the protocol and its choices; the command line still wins."""
    patient = tmp_path / "ana.toml"
    patient.write_text(
        'treatment_date = 2024-01-31\nprotocol = "nccn-stage-iv-limited-metastases"\nearly_years = 2\n'
    )
    document = _json(runner, "plan", "--from", str(patient))
    assert document["protocol"]["id"] == "nccn-stage-iv-limited-metastases"
    assert document["choices"]["early_until_month"] == 24
    other = _json(runner, "plan", "--from", str(patient), "--protocol", "uk-high-grade")
    assert other["protocol"]["id"] == "uk-high-grade"


# The events' lines (UID, DTSTART, SUMMARY, STATUS, SEQUENCE; from the first event on, the
# calendar's own UID being gone since) that the model before streams wrote for these
# plans, as a SHA-256 of the lines in order: a plan with a track and scans
# done, and an old-format protocol file with a track.
BEFORE_STREAMS = {
    ("--track", "Brain MRI", "--every", "12", "--done", "2024-05-02", "--done", "2024-08-01"): "cfc08ac08f3edecf199b8277b75970d8c98c7cc22bed7ccce3f8edd495480d76",
    ("--protocol", "tests/examples/centre.toml", "--done", "2024-05-02", "--years", "4"): "9d0849e36dca156a18141842917d124be81fd892c077b6e8295902b8fa8149af",
}  # fmt: skip


@pytest.mark.parametrize("options", list(BEFORE_STREAMS))
def test_old_plans_keep_their_events(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    """Plans made before protocols had several streams keep every event: the same UIDs,
    dates, titles, statuses and sequence numbers."""
    monkeypatch.chdir(Path(__file__).parent.parent)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    argv = ["plan", "2024-01-31", "--name", "Ana", *options, "--today", "2025-06-01"]
    result = runner.invoke(app, [*argv, "--format", "ics", "-o", "-"])
    assert result.exit_code == 0, result.output
    events = result.stdout.replace("\r\n", "\n").split("BEGIN:VEVENT", 1)[1]
    lines = [
        line
        for line in events.splitlines()
        if line.startswith(("UID", "DTSTART", "SUMMARY", "STATUS", "SEQUENCE"))
    ]
    digest = hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()
    assert digest == BEFORE_STREAMS[options]


STREAMS = """\
name = "Our centre, colorectal liver metastases"
end_years = 5
[[streams]]
id = "ct"
exam = "CT chest, abdomen and pelvis"
quote = "CT every 3 months for 2 years, then every 6"
[[streams.phases]]
until_month = 24
every_months = [3, 6]
[[streams.phases]]
every_months = 6
[[streams]]
id = "visit"
exam = "Clinic visit with CEA"
[[streams.phases]]
every_months = 3
[source]
citation = "Tumour board decision, 2026"
"""


def test_a_protocol_file_with_several_streams_and_an_end(runner: CliRunner, tmp_path: Path) -> None:
    """`[[streams]]` each with its phases, `end_years` as the default length; a visit
    recorded for one stream (`--done visit:DATE`) moves that stream only."""
    path = tmp_path / "streams.toml"
    path.write_text(STREAMS)
    plan = _json(runner, "plan", "2024-01-31", "--protocol", str(path))
    assert plan["choices"]["years"] == 5
    streams = plan["protocol"]["streams"]
    assert [(s["id"], s["quote"]) for s in streams] == [
        ("ct", "CT every 3 months for 2 years, then every 6"),
        ("visit", None),
    ]
    ct = [v["counted_from"]["months"] for v in plan["visits"] if v["stream"] == "ct"]
    visit = [v["counted_from"]["months"] for v in plan["visits"] if v["stream"] == "visit"]
    assert ct == [*range(3, 25, 3), *range(30, 61, 6)]
    assert visit == list(range(3, 61, 3))
    moved = _json(
        runner, "plan", "2024-01-31", "--protocol", str(path), "--done", "visit:2024-05-10",
        "--today", "2024-06-01",
    )  # fmt: skip
    plain = _json(runner, "plan", "2024-01-31", "--protocol", str(path), "--today", "2024-06-01")
    assert [v for v in moved["visits"] if v["stream"] == "ct"] == [
        v for v in plain["visits"] if v["stream"] == "ct"
    ]
    first, second = [v for v in moved["visits"] if v["stream"] == "visit"][:2]
    assert (first["status"], first["date"], second["due_date"]) == (
        "done",
        "2024-05-10",
        "2024-08-10",
    )
    assert moved["choices"]["done"] == ["visit:2024-05-10"]
    longer = runner.invoke(
        app,
        [
            "plan",
            "2024-01-31",
            "--protocol",
            str(path),
            "--years",
            "7",
            "--format",
            "md",
            "-o",
            "-",
        ],
    )
    assert "past the end of follow-up the source sets, 5 years" in longer.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (STREAMS + 'exam = "x"\n', "key 'source.exam': unknown key"),
        ('exam = "x"\n' + STREAMS, "key 'exam': give it inside each [[streams]] table, not beside them"),
        (STREAMS.replace('id = "visit"', 'id = "ct"'), "key 'streams[2].id': another stream has this id or exam"),
        (STREAMS.replace("end_years = 5", "end_years = 0"), "key 'end_years': expected whole years from 1 to 30, got 0"),
        (STREAMS.replace("[[streams.phases]]\nevery_months = 3\n", ""), "key 'streams[2].phases': missing: give at least one [[phases]]"),
    ],
)  # fmt: skip
def test_bad_streams_name_the_key(
    runner: CliRunner, tmp_path: Path, text: str, message: str
) -> None:
    """A mistake in `[[streams]]` or `end_years` is bad input naming file and key."""
    path = tmp_path / "streams.toml"
    path.write_text(text)
    result = runner.invoke(app, ["plan", "2024-01-31", "--protocol", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {path}: {message}"), result.stderr
    unknown = runner.invoke(app, ["plan", "2024-01-31", "--protocol", str(tmp_path / "ok.toml")])
    assert unknown.exit_code == 2


def test_a_visit_recorded_for_a_stream_the_protocol_lacks_is_refused(runner: CliRunner) -> None:
    """`--done mri:DATE` with a protocol that has no stream `mri`: exit 2, naming the option
    and listing the streams."""
    result = runner.invoke(
        app, ["plan", "2024-01-31", "--done", "mri:2024-05-01", "--today", "2024-06-01"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --done 'mri:2024-05-01' is not allowed: this protocol has no stream mri; "
        "its streams are CT or MRI of the chest and abdomen\n"
    )


def test_the_note_on_unrecorded_visits_says_how_to_record_another_stream(runner: CliRunner) -> None:
    """With two streams, the note on visits with nothing recorded names the ids to put first."""
    result = runner.invoke(
        app,
        ["next", "2025-03-14", "--protocol", "nccn-colon-2022-stage-iv", "--today", "2025-12-01"],
    )
    assert result.exit_code == 0
    assert "put its id first: --done ID:DATE (ids: visit)." in result.stderr
