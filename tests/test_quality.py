"""The codebase stays linted, formatted and strictly typed: checked on every test run."""

from __future__ import annotations

import ast
import os
import shutil
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


def test_layers_point_down() -> None:
    """import-linter keeps the layers of pyproject.toml: front ends, exporters, core, ground."""
    done = _run("lint-imports", "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_a_front_end_importing_the_other_is_caught(tmp_path: Path) -> None:
    """The negative control of the front ends' independence: a copy of the package whose
    command line imports the web app breaks the contract."""
    package = tmp_path / "followup"
    shutil.copytree(ROOT / "src" / "followup", package, ignore=shutil.ignore_patterns("*.mo"))
    cli = package / "cli.py"
    cli.write_text(cli.read_text() + "\nimport followup.web.pages  # noqa\n", encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 1, done.stdout
    assert "followup.cli -> followup.web" in done.stdout


def test_an_arrow_pointing_up_is_caught(tmp_path: Path) -> None:
    """The same check fails for layers in the wrong order: the contract can fail."""
    config = tmp_path / "upside-down.ini"
    config.write_text(
        "[importlinter]\nroot_package = followup\n\n"
        "[importlinter:contract:upside-down]\nname = upside down\ntype = layers\n"
        "layers =\n    followup._schedule\n    followup.cli\n",
        encoding="utf-8",
    )
    done = _run("lint-imports", "--no-cache", str(config))
    assert done.returncode == 1
    assert "0 kept, 1 broken" in done.stdout


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_functions_are_short_and_the_command_line_thin() -> None:
    """No function in the package is longer than 60 lines; cli.py stays under 360 lines
    (nine commands, each parsing, calling the library and printing)."""
    long = []
    for path in sorted((ROOT / "src" / "followup").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for function in _functions(ast.parse(text)):
            length = (function.end_lineno or function.lineno) - function.lineno + 1
            if length > 60:
                long.append(f"{path.name}:{function.name} ({length} lines)")
    assert long == []
    assert len((ROOT / "src" / "followup" / "cli.py").read_text().splitlines()) < 360
