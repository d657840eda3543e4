"""Shared fixtures: golden-file updating, a hypothesis profile for CI, a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from followup import _i18n as i18n

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

GOLDEN = Path(__file__).parent / "golden"
# The web app's plan-link key: a fixed one, so that no test writes a key file in the
# home folder (the key-file tests name their own).
os.environ.setdefault("FOLLOWUP_SECRET", "tests-only-plan-link-secret-0123456789")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Generated-input tests (fuzzers, hundreds of calendars) run without coverage's tracer.

    Tracing triples their time, and they reach no line that the example-based
    tests miss: coverage is measured on those. (pytest-cov's own `no_cover`
    leaves the tracer installed in xdist workers, so the tracer is set aside here.)
    """
    tracer = sys.gettrace()
    if item.get_closest_marker("untraced") is None or tracer is None:
        yield
        return
    sys.settrace(None)
    try:
        yield
    finally:
        sys.settrace(tracer)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files from the current output instead of comparing.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """typer's test runner, on the command line that `main` builds once per process.

    typer turns the app's signatures into options and converters on every
    invoke; a thousand invokes would pay for that a thousand times.
    """
    import typer.testing

    from followup import cli

    build = typer.testing._get_command  # type: ignore[attr-defined]
    monkeypatch.setattr(
        typer.testing,
        "_get_command",
        lambda app: cli._command(None) if app is cli.app else build(app),
    )
    return CliRunner()


@pytest.fixture(autouse=True)
def _stable_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in English with the same DTSTAMP, whatever the machine's locale.

    A test changes either itself; a language left active by an earlier test
    (the command line sets it for the rest of its context) is reset here.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    i18n.activate("en")


def missing(what: str, how: str) -> None:
    """A test needs something this machine lacks: skip, except under CI, where it fails."""
    message = f"missing {what} (install: {how})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run every check", pytrace=False)
    pytest.skip(message)


def need_tool(name: str, how: str) -> str:
    """The path of a command-line tool the test needs (see `missing`)."""
    path = shutil.which(name)
    if path is None:
        missing(name, how)
    assert path is not None
    return path


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per test process: Playwright's sync API
    allows a single instance per thread, so every browser test shares it."""
    chromium = need_tool("chromium", "Debian package chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python", "pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def loaded_by_a_calendar_run(folder: Path, packages: tuple[str, ...]) -> list[str]:
    """The modules of `packages` that `followup plan DATE -o x.ics` imports, in a fresh process.

    Start-up time is budgeted: a calendar must not load what only other outputs need.
    """
    script = (
        "import sys\n"
        "from followup.cli import main\n"
        f"sys.argv = ['followup', 'plan', '2025-03-14', '--name', 'AL', '-o', {str(folder / 'x.ics')!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        f"names = {packages!r}\n"
        "print([m for m in sorted(sys.modules) if any(m == n or m.startswith(n + '.') for n in names)])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (folder / "x.ics").is_file()
    loaded: list[str] = __import__("ast").literal_eval(done.stdout.strip())
    return loaded
