"""The clinic's worklist: states at the window's edges, calling order, outreach columns,
every output, the command line and the Clinic page.

The edge cases are worked out by hand from the default protocol: treatment on
2024-01-31 and a scan recorded on 2024-05-02 put the next visit 3 months after
the scan, on 2024-08-02, and its window runs one month, to 2024-09-02.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from followup import _i18n as i18n
from followup._roster_file import Row, read_roster_bytes
from followup._worklist import CallOutcome, WorkState, worklist
from followup.cli import app

SCANNED = {"id": "a", "treatment_date": "2024-01-31", "done": "2024-05-02"}


def _states(today: date, within: int = 30, **cells: str) -> list[tuple[str, int, date, date, int]]:
    work = worklist([Row(2, {**SCANNED, **cells})], today, within=within)
    assert work.failed == ()
    return [
        (item.state.value, item.visit, item.opens, item.closes, item.days) for item in work.items
    ]


WINDOW = (2, date(2024, 8, 2), date(2024, 9, 2))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 7, 2), []),  # the window opens in 31 days: nothing to do yet
        (date(2024, 7, 3), [("due_soon", *WINDOW, 30)]),  # in 30 days: due soon
        (date(2024, 8, 1), [("due_soon", *WINDOW, 1)]),
        (date(2024, 8, 2), [("due_now", *WINDOW, 31)]),  # the day the window opens
        (date(2024, 9, 2), [("due_now", *WINDOW, 0)]),  # its last day
        (date(2024, 9, 3), [("overdue", *WINDOW, 1)]),  # the day after it closes
    ],
)
def test_states_at_the_window_edges(today: date, expected: list[object]) -> None:
    """Due soon from 30 days before the window opens, due now from the day it opens to the
    day it closes, overdue the day after, with the days each state counts."""
    assert _states(today) == expected


def test_due_soon_follows_within() -> None:
    """With --within 0, a window opening tomorrow is nothing to do yet."""
    assert _states(date(2024, 8, 1), within=0) == []
    assert _states(date(2024, 7, 2), within=31) == [("due_soon", *WINDOW, 31)]


def test_a_remind_on_of_today_is_a_call_to_make_today() -> None:
    """remind_on today: the state underneath (overdue); tomorrow: waiting."""
    assert _states(date(2024, 9, 3), remind_on="2024-09-03")[0][0] == "overdue"
    assert _states(date(2024, 9, 3), remind_on="2024-09-04")[0][0] == "waiting"


def test_a_window_closed_with_no_scan_recorded_is_not_recorded() -> None:
    """No scan recorded: the first window (2024-04-30 to 2024-05-31) closed yesterday and the
    next opens in two months, so the patient is listed to ask about that first visit."""
    work = worklist([Row(2, {"id": "b", "treatment_date": "2024-01-31"})], date(2024, 6, 1))
    (item,) = work.items
    assert (item.state, item.visit, item.opens, item.closes, item.days) == (
        WorkState.NOT_RECORDED,
        1,
        date(2024, 4, 30),
        date(2024, 5, 31),
        1,
    )
    assert item.unrecorded == 1


def test_an_ended_plan_is_not_listed() -> None:
    """After the end of follow-up, with no scan left open, there is nothing left to book."""
    ended = Row(2, {"id": "a", "treatment_date": "2014-01-31"})
    assert worklist([ended], date(2024, 9, 5)).items == ()


ROSTER = b"""id,treatment_date,done,phone,outcome,remind_on,contact_notes
soon-far,2024-01-31,2024-06-30,,,,
over-3,2024-01-31,2024-05-02,,,,
now-late,2024-01-31,2024-06-02,,,,
unrec,2024-01-31,,,,,
over-1,2024-01-31,2024-05-04,600 111 222,no answer,,left a message
wait,2024-01-31,2024-05-02,,call again,2024-09-10,
gone,2024-01-31,2024-05-02,,removed,,moved abroad
now-early,2024-01-31,2024-05-20,,,,
soon-near,2024-01-31,2024-06-20,,,,
ended,2014-01-31,,,,,
"""


def test_lines_come_in_calling_order_with_the_counts() -> None:
    """Overdue (fewest days past first), due now (closing first), due soon (opening first),
    not recorded, waiting, then the set-aside; an ended plan is left out.

    On 2024-09-05, each next visit is 3 months after the scan, its window one month long:
    over-1 (scan 05-04) closed 09-04; over-3 (05-02) closed 09-02; now-early (05-20) closes
    09-20, now-late (06-02) 10-02; soon-near (06-20) opens 09-20, soon-far (06-30) 09-30;
    unrec has no scan: its second window closed 08-31 and the third opens 10-31."""
    rows = read_roster_bytes(ROSTER)
    work = worklist(rows, date(2024, 9, 5))
    assert [(item.id, item.state.value, item.days) for item in work.items] == [
        ("over-1", "overdue", 1),
        ("over-3", "overdue", 3),
        ("now-early", "due_now", 15),
        ("now-late", "due_now", 27),
        ("soon-near", "due_soon", 15),
        ("soon-far", "due_soon", 25),
        ("unrec", "not_recorded", 5),
        ("wait", "waiting", 3),
        ("gone", "set_aside", 3),
    ]
    assert work.counts_line() == (
        "2 overdue, 2 due now, 2 due soon, 1 not recorded, 1 waiting, 1 set aside"
    )
    over = work.items[0]
    assert (over.phone, over.outcome, over.contact_notes) == (
        "600 111 222",
        CallOutcome.NO_ANSWER,
        "left a message",
    )


def test_outcomes_are_read_in_any_language_and_refused_otherwise() -> None:
    """`sin respuesta` is not an outcome, `no contesta` is (Spanish for no answer); the refusal
    lists the outcomes in the run's language; removed needs its reason."""
    roster = (
        "id,treatment_date,outcome,contact_notes\n"
        "a,2024-01-31,no contesta,\n"
        "b,2024-01-31,sin respuesta,\n"
        "c,2024-01-31,removed,\n"
        "d,2024-01-31,Reached – will book,\n"
    )
    with i18n.using("es"):
        work = worklist(read_roster_bytes(roster.encode()), date(2024, 6, 1))
    assert {item.id: item.outcome for item in work.items} == {
        "a": CallOutcome.NO_ANSWER,
        "d": CallOutcome.REACHED,
    }
    assert [(failure.line, failure.id) for failure in work.failed] == [(3, "b"), (4, "c")]
    assert "elija uno de estos: contactado – pedirá cita, citado," in work.failed[0].reason
    assert "contact_notes" in work.failed[1].reason


def test_an_id_on_two_rows_fails_both_and_the_rest_is_listed() -> None:
    """As in a batch: an id twice (in any case) fails every row it is on."""
    roster = b"id,treatment_date\nA,2024-01-31\nb,2024-01-31\na,2024-01-31\n"
    work = worklist(read_roster_bytes(roster), date(2024, 6, 1))
    assert [item.id for item in work.items] == ["b"]
    assert [(failure.line, failure.id) for failure in work.failed] == [(2, "A"), (4, "a")]


@pytest.fixture(scope="module")
def roster_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("worklist") / "roster.csv"
    path.write_bytes(ROSTER.replace(b"ended,2014-01-31", b"bad,2024-02-30") + b"x,2024-01-31\n")
    return path


def _run(runner: CliRunner, roster: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["worklist", str(roster), "--today", "2024-09-05", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_command_lists_on_the_terminal_and_the_bad_rows_on_standard_error(
    runner: CliRunner, roster_file: Path
) -> None:
    """Text by default: the counts, then one line per patient; a bad row's line and reason on
    standard error, and exit 1."""
    code, out, err = _run(runner, roster_file)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("Worklist on 2024-09-05: 2 overdue, 2 due now, 2 due soon, 2 not")
    assert lines[1].split()[:3] == ["overdue", "1", "over-1"]
    assert err.startswith("line 11 (bad): column 'treatment_date': '2024-02-30'")


def test_the_workbook_has_a_frozen_header_filters_and_a_fill_per_state(
    runner: CliRunner, roster_file: Path, tmp_path: Path
) -> None:
    """The .xlsx in Spanish: the title with the counts, the header frozen and filtered, each
    line filled with its state's colour, dates as date cells; the roster untouched."""
    from openpyxl import load_workbook

    before = hashlib.sha256(roster_file.read_bytes()).hexdigest()
    target = tmp_path / "worklist.xlsx"
    code, out, _err = _run(runner, roster_file, "--lang", "es", "-o", str(target))
    assert code == 1
    assert out.startswith("2 atrasado, 2 toca ahora, 2 toca pronto, 2 sin registrar,")
    assert hashlib.sha256(roster_file.read_bytes()).hexdigest() == before
    book = load_workbook(target)
    sheet = book.worksheets[0]
    assert sheet.title == "Lista de trabajo"
    assert sheet["A1"].value.startswith("Lista de trabajo del 2024-09-05: 2 atrasado")
    assert [cell.value for cell in sheet[2]][:4] == ["Estado", "Días", "Id", "Nombre"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:Q12"
    assert sheet["A3"].value == "atrasado"
    assert sheet["A3"].fill.start_color.rgb == "00F8CBAD"
    assert sheet["A5"].value == "toca ahora"
    assert sheet["A5"].fill.start_color.rgb == "00FFE699"
    assert sheet["H3"].value.date() == date(2024, 8, 5)  # 08-04 is a Sunday: the next day
    assert sheet["G3"].value == "TC/RM, tórax + abdomen"  # the exam of the visit to book
    failed = book.worksheets[1]
    assert [cell.value for cell in failed[1]] == ["Línea", "Id", "Motivo"]
    assert failed["A2"].value == 11


def test_csv_json_html_and_pdf(runner: CliRunner, roster_file: Path, tmp_path: Path) -> None:
    """The same lines as CSV (roster text inert), JSON (states by name), an HTML page and a
    PDF, both landscape."""
    for suffix in (".csv", ".json", ".html", ".pdf"):
        assert _run(runner, roster_file, "-o", str(tmp_path / f"w{suffix}"))[0] == 1
    rows = list(csv.reader(io.StringIO((tmp_path / "w.csv").read_text("utf-8-sig"))))
    assert rows[0][:3] == ["State", "Days", "Id"]
    assert len(rows) == 11
    document = json.loads((tmp_path / "w.json").read_text())
    assert document["counts"]["overdue"] == 2
    assert document["items"][0]["id"] == "over-1"
    assert document["failed"][0]["line"] == 11
    page = (tmp_path / "w.html").read_text()
    assert "size: landscape" in page
    assert '<tr class="overdue">' in page
    pdf = (tmp_path / "w.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [0 0 841.89 595.28]" in pdf


def test_an_unknown_ending_or_within_is_bad_input(runner: CliRunner, roster_file: Path) -> None:
    """-o worklist.docx and --within 400: exit 2 and one line, nothing written."""
    code, _out, err = _run(runner, roster_file, "-o", "worklist.docx")
    assert (code, err) == (
        2,
        "Error: -o '.docx' is not allowed: choose from .xlsx, .csv, .html, .pdf, .json\n",
    )
    code, _out, err = _run(runner, roster_file, "--within", "400")
    assert code == 2
    assert err.startswith("Error: --within 400 is not allowed: choose from 0 to 366")


def test_the_roster_template_reads_back_as_a_roster(runner: CliRunner, tmp_path: Path) -> None:
    """The Portuguese template: headers in Portuguese, date cells, drop-downs for the protocol
    and the outcome, a sheet that explains each column; read as a roster, its sample row
    plans."""
    from openpyxl import load_workbook

    target = tmp_path / "pacientes.xlsx"
    result = runner.invoke(app, ["roster-template", "--lang", "pt", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    sheet, about, hidden = book.worksheets
    assert [cell.value for cell in sheet[1]][:3] == ["id", "data do tratamento", "nome"]
    assert sheet["B2"].is_date
    assert hidden.sheet_state == "hidden"
    lists = [check.formula1 for check in sheet.data_validations.dataValidation]
    # Excel refuses a list typed into a check past 255 characters: the lists are ranges.
    assert all(len(formula or "") <= 255 for formula in lists)
    ranges = [formula for formula in lists if formula and "!" in formula]
    assert len(ranges) == 2
    listed = [[cell.value for cell in column if cell.value] for column in hidden.iter_cols()]
    assert "ibero-american-2025" in listed[0]
    assert "não atende" in listed[1]
    assert about.max_row > 15
    rows = read_roster_bytes(target.read_bytes())
    with i18n.using("pt"):
        work = worklist(rows, date(2025, 9, 1))
    assert work.failed == ()
    assert [item.outcome for item in work.items] == [CallOutcome.BOOKED]


def test_the_template_wants_a_file(runner: CliRunner) -> None:
    """Without -o, or with another ending than .xlsx: bad input."""
    assert runner.invoke(app, ["roster-template"]).exit_code == 2
    assert runner.invoke(app, ["roster-template", "-o", "r.csv"]).exit_code == 2


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    pytest.importorskip("fastapi", reason="the web extra: pip install -e '.[dev]'")
    from starlette.testclient import TestClient

    from followup.web import create_app
    from followup.web.limits import Limits

    with TestClient(create_app(limits=Limits(roster_rows=50))) as test_client:
        yield test_client


def test_the_clinic_page_makes_the_worklist_and_the_template(client: object) -> None:
    """/es/clinic: the template downloads; a roster gives the worklist on the page (its sample
    patient listed) or the file asked for; a bad within or no file shows the form again
    with the problem by its field."""
    from starlette.testclient import TestClient

    assert isinstance(client, TestClient)
    page = client.get("/es/clinic").text
    assert 'href="/es/clinic/roster-template.xlsx"' in page
    template = client.get("/es/clinic/roster-template.xlsx")
    assert template.status_code == 200
    assert template.content.startswith(b"PK")
    files = {"roster": ("pacientes.xlsx", template.content, "application/octet-stream")}
    answer = client.post("/es/clinic/worklist", files=files, data={"format": "json"})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="worklist.json"'
    assert json.loads(answer.content)["failed"] == []
    shown = client.post("/es/clinic/worklist", files=files, data={"within": "400"})
    assert shown.status_code == 400  # 400 days is more than the most, 366
    shown = client.post("/es/clinic/worklist", files=files, data={"within": "366"})
    assert shown.status_code == 200
    # Seen today, whatever day that is: the sample patient is listed, due or overdue.
    assert re.search(r'<tr class="state-\w+"><td class="keep">[^<]+</td>', shown.text)
    assert '<td class="keep">p-001</td>' in shown.text
    assert '<p class="counts">' in shown.text
    wrong = client.post("/es/clinic/worklist", files=files, data={"within": "1000"})
    assert wrong.status_code == 400
    assert re.search(r'id="e-w-within" role="alert">indique un número entero', wrong.text)
    missing = client.post("/es/clinic/worklist", data={"format": "xlsx"})
    assert missing.status_code == 400
    assert 'id="e-w-roster"' in missing.text


def test_the_failed_rows_table_keeps_ids_and_dates_whole(client: object) -> None:
    """The table of rows that failed: line and id cells never wrap, dates in reasons are whole."""
    from starlette.testclient import TestClient

    assert isinstance(client, TestClient)
    roster = b"id;treatment_date\np-001;2024-01-31\np-002;2025-02-30\n"
    page = client.post("/en/clinic", files={"roster": ("r.csv", roster, "text/csv")}).text
    assert '<td class="keep">3</td><td class="keep">p-002</td>' in page
    assert '<span class="nobr">2025-02-30</span>' in page or "2025-02-30" not in page
    assert 'class="clinic-table"' in page


def test_worker_processes_give_the_same_worklist() -> None:
    """With two worker processes, the same lines in the same order, and the same failures."""
    rows = read_roster_bytes(
        ROSTER + b"bad,2024-02-30,,,,,\nA,2024-01-31,,,,,\na,2024-01-31,,,,,\n"
    )
    alone = worklist(rows, date(2024, 9, 5))
    shared = worklist(rows, date(2024, 9, 5), jobs=2)
    assert shared == alone
    assert [failure.line for failure in shared.failed] == [12, 13, 14]


def test_outreach_cells_are_checked_by_their_column() -> None:
    """A remind_on that is not a date and a note longer than a note fail their row, by column;
    a protocol file is refused on a server."""
    roster = (
        "id,treatment_date,remind_on,contact_notes,protocol\n"
        "a,2024-01-31,31/08/2024,,\n"
        f"b,2024-01-31,,{'x' * 501},\n"
        "c,2024-01-31,,,our-centre.toml\n"
    )
    rows = read_roster_bytes(roster.encode())
    work = worklist(rows, date(2024, 6, 1), presets_only=True)
    reasons = [failure.reason for failure in work.failed]
    assert (
        reasons[0]
        == "column 'remind_on': '31/08/2024' is not a usable date: write it as YYYY-MM-DD: 2024-08-31"
    )
    assert reasons[1].startswith("column 'contact_notes': 'xxxxxxxxxxxxxxxxxxxx…' is not allowed")
    assert reasons[2].startswith("column 'protocol': 'our-centre.toml' is not allowed: choose one")


def test_each_line_names_the_exam_to_book() -> None:
    """With two streams, a line says which one's visit needs action: every CT and CEA visit
    recorded to February 2026, the CEA visit's fixed window has closed by mid-September
    while the CT's is open: the line is the overdue visit + CEA, so named."""
    from followup._protocols import preset
    from followup._schedule import make_schedule

    plain = make_schedule(date(2024, 2, 2), protocol=preset("nccn-colon-2022-stage-iv"))
    done = ";".join(
        v.date.isoformat() if v.stream.id == "ct" else f"visit:{v.date}"
        for v in plain.visits
        if v.date <= date(2026, 2, 2)
    )
    row = Row(
        2,
        {
            "id": "p1",
            "treatment_date": "2024-02-02",
            "protocol": "nccn-colon-2022-stage-iv",
            "done": done,
        },
    )
    (item,) = worklist([row], date(2026, 9, 15)).items
    assert (item.state.value, item.exam, item.visit) == ("overdue", "visit + CEA", 9)


class _Pipe(io.BytesIO):
    """What a pipe is to a writer: a file that cannot seek, nor say where it is."""

    def seekable(self) -> bool:
        return False

    def seek(self, *_args: object) -> int:
        raise io.UnsupportedOperation("seek")

    def tell(self) -> int:
        raise io.UnsupportedOperation("tell")


@pytest.mark.parametrize("name", ["xlsx", "csv", "json"])
def test_a_worklist_written_into_a_pipe_is_the_file_it_renders(name: str) -> None:
    """Into a file that cannot seek, the same bytes as rendered whole."""
    from datetime import datetime

    from followup._clinic_files import render_worklist, write_worklist

    work = worklist(read_roster_bytes(ROSTER), date(2024, 9, 5))
    stamp = datetime(2024, 9, 5, 8, 30)
    pipe = _Pipe()
    write_worklist(work, name, pipe, stamp=stamp, version="1")
    rendered = render_worklist(work, name, stamp=stamp, version="1")
    assert pipe.getvalue() == rendered
    # Made again later, the same bytes: the workbook's dates are the stamp's, not the clock's.
    assert render_worklist(work, name, stamp=stamp, version="1") == rendered
    assert len(pipe.getvalue()) > 500
