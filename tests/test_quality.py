"""The codebase stays linted, formatted and strictly typed: checked on every test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint_is_clean() -> None:
    """`ruff check` finds nothing, with the rules configured in pyproject.toml."""
    done = _run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_clean() -> None:
    """Every file is formatted as `ruff format` would write it."""
    done = _run("ruff", "format", "--check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean() -> None:
    """mypy in strict mode, over the package, the tests and the benchmarks."""
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr
