"""Start-up cost of `followup`, as ratios against a bare typer app, measured side by side.

The baseline is a one-command typer app that only imports icalendar and dateutil:
the floor any CLI of ours pays. Each round runs both commands once, in alternating
order, so that load on the machine falls on both alike. The ratio compares the
median CPU time (user + system) of the two, which a busy shared machine disturbs
far less than wall-clock time; the wall-clock ratio is printed beside it.

Our package is byte-compiled first, as `pip install` does, so that an editable
install under PYTHONDONTWRITEBYTECODE does not pay for compiling on every run
while the libraries it is compared with load from their .pyc files.

    python benchmarks/startup.py [--rounds 40]

Budgets (from the project's issue): plan -o x.ics ≤ 1.20 × baseline;
--help ≤ 1.15 × the baseline's --help. The script exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import resource
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

Timing = tuple[float, float]  # wall-clock seconds, CPU seconds


def _run(argv: Sequence[str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _medians(timings: list[Timing]) -> Timing:
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


def _compare(ours: Sequence[str], theirs: Sequence[str], rounds: int) -> tuple[Timing, Timing]:
    mine: list[Timing] = []
    base: list[Timing] = []
    for round_number in range(rounds):
        pair = [(ours, mine), (theirs, base)]
        for argv, timings in pair if round_number % 2 else reversed(pair):
            timings.append(_run(argv))
    return _medians(mine), _medians(base)


def _compile_followup() -> None:
    spec = importlib.util.find_spec("followup")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("followup is not installed in this environment")
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    _compile_followup()
    followup = str(Path(sys.executable).with_name("followup"))
    missed = False
    with tempfile.TemporaryDirectory() as folder:
        baseline = Path(folder, "baseline.py")
        baseline.write_text(BASELINE)
        ics = str(Path(folder, "x.ics"))
        cases = {
            "plan -o x.ics": (
                [followup, "plan", "2025-03-14", "--name", "AL", "-q", "-o", ics],
                [sys.executable, str(baseline), "2025-03-14", "-o", ics],
            ),
            "--help": ([followup, "--help"], [sys.executable, str(baseline), "--help"]),
        }
        for ours, theirs in cases.values():  # warm the file cache once
            _run(ours)
            _run(theirs)
        for label, (ours, theirs) in cases.items():
            (mine_wall, mine_cpu), (base_wall, base_cpu) = _compare(ours, theirs, rounds)
            ratio = mine_cpu / base_cpu
            budget = BUDGETS[label]
            missed |= ratio > budget
            print(
                f"{label:<14} CPU: followup {mine_cpu * 1000:6.1f} ms, baseline "
                f"{base_cpu * 1000:6.1f} ms, ratio {ratio:.3f} (budget {budget:.2f}) "
                f"{'ok' if ratio <= budget else 'OVER BUDGET'}; "
                f"wall-clock ratio {mine_wall / base_wall:.3f}"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
