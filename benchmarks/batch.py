"""Throughput and memory of `followup batch`, against a bare icalendar loop, side by side.

The baseline is the floor our code adds to: one loop that reads the same roster,
computes the same visit dates, builds the same events with icalendar directly —
the same summaries, descriptions and reminders, whose words it takes once from
a calendar we wrote, so both serialise the same amount of text — and writes one
plain file per patient. The mean file sizes are printed to show they match.
`followup batch` adds checking every row, the settings and protocol machinery,
explanations, atomic private files and the summary.

Each command runs --repeat times, in turn, and the median counts, since a shared
machine's speed drifts from one minute to the next. The single-job comparison is
given per CPU second (the work done, which that drift disturbs least) and per
wall-clock second; the two-job speed-up can only be wall-clock.

    python benchmarks/batch.py [--patients 1000] [--memory 1000,20000]

Prints patients per second for the baseline, `--jobs 1` and `--jobs 2`, the ratios
(goals: jobs 1 at least 0.9 x the baseline; jobs 2 at least 1.7 x jobs 1 on two
cores), and the peak resident memory of the whole process tree for each roster
size in --memory (goal: flat as the roster grows).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

BASELINE = r"""
import csv, json, sys, uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from dateutil.relativedelta import relativedelta
from icalendar import Alarm, Calendar, Event, vText, TRANSP

roster, texts, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
texts = json.loads(texts.read_text())  # the words of our own events, taken from one file
stamp = datetime(2026, 1, 1, tzinfo=timezone.utc)
root = uuid.UUID("5f0c3a52-8d1e-4c4b-9a57-6c2f51e0b7d3")
with roster.open(encoding="utf-8-sig", newline="") as handle:
    for row in csv.DictReader(handle):
        start = date.fromisoformat(row["treatment_date"])
        months, month = [], 0
        while True:
            month += 3 if month < 24 else 6 if month < 60 else 12
            if month > 120:
                break
            months.append(month)
        namespace = uuid.uuid5(root, row["name"] + "\x1f" + row["treatment_date"])
        calendar = Calendar.new(prodid="-//followup//followup//EN", uid=namespace)
        calendar["NAME"] = calendar["X-WR-CALNAME"] = vText(texts["name"])
        calendar["DESCRIPTION"] = calendar["X-WR-CALDESC"] = vText(texts["description"])
        for number, month in enumerate(months, 1):
            day = start + relativedelta(months=month)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            words = texts["events"][number - 1]
            event = Event.new(
                uid=str(uuid.uuid5(namespace, f"visit-{number}")),
                stamp=stamp,
                start=day,
                end=day + timedelta(days=1),
                summary=words["summary"],
                description=words["description"],
                transparency=TRANSP.TRANSPARENT,
            )
            alarm = Alarm.new(description=words["alarm"])
            alarm.add("ACTION", "DISPLAY")
            alarm.add("TRIGGER", -timedelta(days=13, hours=15))
            event.add_component(alarm)
            calendar.add_component(event)
        (out / (row["id"] + ".ics")).write_bytes(calendar.to_ical(sorted=False))
"""


def _roster(path: Path, patients: int) -> None:
    first = date(2021, 1, 4)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,treatment_date,name\n")
        for n in range(patients):
            day = first + timedelta(days=(n * 37) % 1500)
            handle.write(f"p{n:06d},{day.isoformat()},Patient {n}\n")


def _our_words(followup: str, roster: Path) -> dict[str, object]:
    """The texts of our calendar for the roster's first patient, for the baseline to reuse."""
    import icalendar

    with roster.open(encoding="utf-8") as handle:
        _, first = handle.readline(), handle.readline().strip().split(",")
    # Seen from the treatment date, so that every visit is ahead and has its reminder.
    seen = ["--today", first[1]]
    data = subprocess.run(
        [followup, "plan", first[1], "--name", first[2], *seen, "--format", "ics", "-o", "-"],
        capture_output=True,
        check=True,
    ).stdout
    calendar = icalendar.Calendar.from_ical(data)
    return {
        "name": str(calendar["NAME"]),
        "description": str(calendar["DESCRIPTION"]),
        "events": [
            {
                "summary": str(event["SUMMARY"]),
                "description": str(event["DESCRIPTION"]),
                "alarm": str(next(iter(event.walk("VALARM")))["DESCRIPTION"]),
            }
            for event in calendar.walk("VEVENT")
        ],
    }


def _mean_size(folder: Path) -> float:
    sizes = [path.stat().st_size for path in folder.glob("*.ics")]
    return sum(sizes) / len(sizes)


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def _measure(argv: list[str]) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds and peak resident memory (KiB) of the process tree."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_kib(process.pid))
            stop.wait(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    _, errors = process.communicate()
    elapsed = time.perf_counter() - started
    stop.set()
    watcher.join()
    if process.returncode != 0:
        sys.exit(f"{argv[0]} failed: {errors.decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--memory", default="1000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    followup = str(Path(sys.executable).with_name("followup"))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        roster = work / "roster.csv"
        _roster(roster, options.patients)
        script = work / "baseline.py"
        script.write_text(BASELINE)
        words = work / "words.json"
        words.write_text(json.dumps(_our_words(followup, roster)))
        commands = {
            "baseline": [sys.executable, str(script), str(roster), str(words)],
            "jobs 1": [followup, "batch", str(roster), "--jobs", "1", "--out-dir"],
            "jobs 2": [followup, "batch", str(roster), "--jobs", "2", "--out-dir"],
        }
        times: dict[str, list[float]] = {label: [] for label in commands}
        cpus: dict[str, list[float]] = {label: [] for label in commands}
        peaks: dict[str, int] = dict.fromkeys(commands, 0)
        for round_number in range(options.repeat):
            for label, argv in commands.items():
                out = work / f"{label.replace(' ', '-')}-{round_number}"
                if label == "baseline":
                    out.mkdir()
                seconds, cpu, peak = _measure([*argv, str(out)])
                times[label].append(seconds)
                cpus[label].append(cpu)
                peaks[label] = max(peaks[label], peak)
        rates, cpu_rates = {}, {}
        for label in commands:
            seconds = statistics.median(times[label])
            rates[label] = options.patients / seconds
            cpu_rates[label] = options.patients / statistics.median(cpus[label])
            print(
                f"{label:<9} {options.patients} patients in {seconds:6.2f} s (median of "
                f"{options.repeat}): {rates[label]:7.1f} patients/s "
                f"({cpu_rates[label]:7.1f} per CPU second), peak RSS "
                f"{peaks[label] / 1024:6.1f} MiB, mean file "
                f"{_mean_size(work / (label.replace(' ', '-') + '-0')) / 1024:5.1f} KiB"
            )
        print(
            f"jobs 1 / baseline = {cpu_rates['jobs 1'] / cpu_rates['baseline']:.2f} per CPU "
            f"second, {rates['jobs 1'] / rates['baseline']:.2f} per wall-clock second "
            "(goal at least 0.90); "
            f"jobs 2 / jobs 1 = {rates['jobs 2'] / rates['jobs 1']:.2f} per wall-clock second "
            "(goal at least 1.70)"
        )
        for size in (int(part) for part in options.memory.split(",")):
            big = work / f"roster-{size}.csv"
            _roster(big, size)
            out = work / f"memory-{size}"
            seconds, _, peak = _measure(
                [followup, "batch", str(big), "--jobs", "2", "--out-dir", str(out)]
            )
            print(
                f"memory   {size:6d} patients, --jobs 2: peak RSS {peak / 1024:6.1f} MiB "
                f"({size / seconds:.1f} patients/s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
