"""Start-up cost of `followup`, as ratios against a bare typer app, measured side by side.

The baseline is a one-command typer app that only imports icalendar and dateutil:
the floor any CLI of ours pays. Each round runs both commands once, in alternating
order, so that load on the machine falls on both alike; the medians are compared.

    python benchmarks/startup.py [--rounds 40]

Budgets (from the project's issue): plan -o x.ics ≤ 1.20 × baseline;
--help ≤ 1.15 × the baseline's --help. The script exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BASELINE = '''\
import typer
import icalendar  # noqa: F401
import dateutil.relativedelta  # noqa: F401

app = typer.Typer()


@app.command()
def main(treatment_date: str, output: str = typer.Option(None, "-o")) -> None:
    """Baseline: parse the arguments and do nothing."""


app()
'''

BUDGETS = {"plan -o x.ics": 1.20, "--help": 1.15}


def _seconds(argv: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _compare(ours: Sequence[str], theirs: Sequence[str], rounds: int) -> tuple[float, float]:
    mine: list[float] = []
    base: list[float] = []
    for round_number in range(rounds):
        pair = [(ours, mine), (theirs, base)]
        for argv, times in pair if round_number % 2 else reversed(pair):
            times.append(_seconds(argv))
    return statistics.median(mine), statistics.median(base)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    followup = str(Path(sys.executable).with_name("followup"))
    with tempfile.TemporaryDirectory() as folder:
        baseline = Path(folder, "baseline.py")
        baseline.write_text(BASELINE)
        ics = str(Path(folder, "x.ics"))
        cases = {
            "plan -o x.ics": (
                [followup, "plan", "2025-03-14", "-o", ics],
                [sys.executable, str(baseline), "2025-03-14", "-o", ics],
            ),
            "--help": ([followup, "--help"], [sys.executable, str(baseline), "--help"]),
        }
        for argv, _ in cases.values():  # warm the file cache and byte-code once
            _seconds(argv)
        missed = False
        for label, (ours, theirs) in cases.items():
            mine, base = _compare(ours, theirs, rounds)
            ratio = mine / base
            budget = BUDGETS[label]
            missed |= ratio > budget
            verdict = "ok" if ratio <= budget else "OVER BUDGET"
            print(
                f"{label:<14} followup {mine * 1000:6.1f} ms  baseline {base * 1000:6.1f} ms  "
                f"ratio {ratio:.3f}  (budget {budget:.2f}) {verdict}"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
