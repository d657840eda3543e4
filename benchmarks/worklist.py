"""Speed and memory of `followup worklist`: an .xlsx roster in, worklist.xlsx out, against
openpyxl alone reading that roster and writing the same cells.

The baseline is the floor our code adds to: one loop that reads every row of the
roster with openpyxl's read-only mode and writes, in write-only mode, as many rows
of as many cells as our worklist has — four dates, three numbers and nine texts a
row, each filled with a colour — with a bold frozen header and filters. Our
command adds checking every row, planning each patient's visits, the states and
their order, and the rows that failed.

Each command runs --repeat times, in turn, and the median counts.

    python benchmarks/worklist.py [--patients 10000] [--memory 2000,20000]

Prints the seconds of each, the ratio baseline / ours (goal: at least 0.5), and the
peak resident memory of `followup worklist` for each roster size in --memory (goal:
flat as the roster grows). The roster is streamed in (openpyxl's read-only mode), the
lines are sorted in runs on disk past 4,096 of them, and the workbook is streamed out
(write-only) through temporary files into the output file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batch import _measure

BASELINE = r"""
import sys
from datetime import date
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

roster, out, lines = sys.argv[1], sys.argv[2], int(sys.argv[3])
book = load_workbook(roster, read_only=True, data_only=True)
rows = [row for row in book.worksheets[0].iter_rows(values_only=True)][1:]
book.close()
written = Workbook(write_only=True)
sheet = written.create_sheet("Worklist")
sheet.freeze_panes = "A3"
sheet.auto_filter.ref = f"A2:P{lines + 2}"
bold, fill = Font(bold=True), PatternFill("solid", start_color="F8CBAD")

def cell(value, **style):
    made = WriteOnlyCell(sheet, value)
    if isinstance(value, date):
        made.number_format = "yyyy-mm-dd"
    for name, setting in style.items():
        setattr(made, name, setting)
    return made

sheet.append([cell("Worklist", font=bold)])
sheet.append([cell(f"Column {n}", font=bold) for n in range(16)])
for row in rows[:lines]:
    day = row[1] if isinstance(row[1], date) else date(2024, 1, 31)
    values = ["overdue", 3, str(row[0]), str(row[2]), str(row[4] or ""), 2, day, day, day,
              1, day, "no answer", "", "notes", "ibero-american-2025", 7]
    sheet.append([cell(value, fill=fill) for value in values])
written.save(out)
"""


def _roster(path: Path, patients: int) -> None:
    """A roster as a nurse keeps it: date cells, scans done, phones, some call outcomes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Patients")
    sheet.append(["id", "treatment_date", "name", "done", "phone", "outcome", "remind_on"])
    start = date(2021, 1, 4)
    for number in range(patients):
        treated = start + timedelta(days=(number * 7) % 1500)
        done = treated + timedelta(days=92) if number % 3 else None
        dated = WriteOnlyCell(sheet, treated)  # type: ignore[arg-type] # a date is taken
        dated.number_format = "yyyy-mm-dd"
        outcome = ("no answer", "booked", "", "call again")[number % 4]
        sheet.append(
            [
                f"p-{number:06d}",
                dated,
                f"Patient {number}",
                done.isoformat() if done else "",
                f"+34 600 {number:06d}",
                outcome,
                "2026-01-20" if outcome == "call again" else "",
            ]
        )
    book.save(path)


def _lines(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    count = sum(1 for _row in book.worksheets[0].iter_rows()) - 2
    book.close()
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--memory", default="2000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    followup = str(Path(sys.executable).with_name("followup"))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        roster = work / "roster.xlsx"
        _roster(roster, options.patients)
        ours_out = work / "worklist.xlsx"
        ours = [followup, "worklist", str(roster), "--today", "2026-01-01", "-o", str(ours_out)]
        _measure(ours)
        lines = _lines(ours_out)
        script = work / "baseline.py"
        script.write_text(BASELINE)
        baseline = [sys.executable, str(script), str(roster), str(work / "base.xlsx"), str(lines)]
        commands = {
            "openpyxl": baseline,
            "jobs 1": ours,
            "jobs 2": [*ours, "--jobs", "2"],
        }
        times: dict[str, list[float]] = {label: [] for label in commands}
        cpus: dict[str, list[float]] = {label: [] for label in commands}
        peaks: dict[str, int] = dict.fromkeys(commands, 0)
        for _round in range(options.repeat):
            for label, argv in commands.items():
                seconds, used, peak = _measure(argv)
                times[label].append(seconds)
                cpus[label].append(used)
                peaks[label] = max(peaks[label], peak)
        wall = {label: statistics.median(seconds) for label, seconds in times.items()}
        cpu = {label: statistics.median(seconds) for label, seconds in cpus.items()}
        for label in commands:
            print(
                f"{label:<9} {options.patients} patients, {lines} lines: {wall[label]:6.2f} s "
                f"wall-clock, {cpu[label]:6.2f} s CPU (medians of {options.repeat}), "
                f"peak RSS {peaks[label] / 1024:6.1f} MiB"
            )
        for label in ("jobs 1", "jobs 2"):
            print(
                f"openpyxl / {label} = {wall['openpyxl'] / wall[label]:.2f} per wall-clock second, "
                f"{cpu['openpyxl'] / cpu[label]:.2f} per CPU second (goal at least 0.5)"
            )
        for size in (int(part) for part in options.memory.split(",")):
            big = work / f"roster-{size}.xlsx"
            _roster(big, size)
            argv = [followup, "worklist", str(big), "--today", "2026-01-01", "-o"]
            seconds, _, peak = _measure([*argv, str(work / f"w-{size}.xlsx")])
            print(
                f"memory   {size:6d} patients: peak RSS {peak / 1024:6.1f} MiB "
                f"({size / seconds:.0f} patients/s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
