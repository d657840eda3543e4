"""The README cannot drift: its Quick start shape is fixed and its examples run."""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from followup.cli import app

from .readme import README, console_commands, fenced, quick_start, section

ROOT = README.parent


def test_quick_start_has_exactly_two_commands() -> None:
    """One command sets up and runs the main job, one sets up and runs the tests."""
    first, second = quick_start()
    assert "\n" not in first
    assert "\n" not in second
    assert "followup plan" in first
    assert "-o followup.ics" in first
    assert second.endswith("pytest")


def test_concepts_name_the_code() -> None:
    """The Concepts section names the classes the code defines."""
    concepts = section("Concepts")
    for name in ("Protocol", "Stream", "Phase", "Schedule", "Visit", "Settings", "FollowupError"):
        assert f"**{name}**" in concepts or f"`{name}`" in concepts


@pytest.mark.parametrize("command", console_commands())
def test_readme_examples_run(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """Each `$ followup …` example in the README succeeds as written."""
    shutil.copytree(ROOT / "tests" / "examples", tmp_path / "tests" / "examples")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, shlex.split(command)[1:])
    assert result.exit_code == 0, result.output


def test_readme_has_examples() -> None:
    """Guard against the example block disappearing, which would skip the test above."""
    assert len(console_commands()) >= 5


def test_python_example_prints_what_its_comments_say(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's Python example runs, and each print gives the value its comment shows."""
    (block,) = fenced(section("Using followup from Python"), "python")
    exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own README, as a doctest would
    printed = capsys.readouterr().out.splitlines()
    lines = [line.strip() for line in block.splitlines()]
    promised = [line.split("  # ")[1] for line in lines if line.startswith("print(")]
    assert printed == promised


def test_package_docstring_example_runs() -> None:
    """The example in `followup`'s own docstring passes as a doctest."""
    import doctest

    import followup

    assert doctest.testmod(followup).failed == 0


def _docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs", ROOT / "tools" / "docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("table", ["plan-options", "settings"])
def test_the_readme_tables_say_what_help_and_the_declarations_say(table: str) -> None:
    """The README's option table is `followup plan --help`, its settings table the
    declarations: a change to either that the README does not follow fails here
    (`python tools/docs.py update` rewrites them)."""
    docs = _docs()
    assert docs.in_readme(table) == docs.TABLES[table]()


def test_a_stale_table_is_caught() -> None:
    """The negative control: a README whose table lost a row is stale."""
    docs = _docs()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = docs.in_readme("plan-options", text)
    stale = text.replace(shown, shown.replace("| `--years N` |", "| `--yrs N` |"))
    assert docs.in_readme("plan-options", stale) != docs.plan_options()


def _help_examples() -> list[str]:
    """Every `followup …` line of the help's examples, but push's and serve's, which need a
    calendar server or a browser."""
    from followup import _options as options
    from followup.cli import _new_app

    texts = [
        options.PLAN_EXAMPLES,
        options.NEXT_EXAMPLES,
        options.PROTOCOL_EXAMPLES,
        options.BATCH_EXAMPLES,
        options.WORKLIST_EXAMPLES,
        options.TEMPLATE_EXAMPLES,
        options.HOLIDAY_EXAMPLES,
        str(_new_app().info.epilog),
    ]
    lines = [line.strip() for text in texts for line in text.splitlines()]
    commands = [line.removeprefix("Example:").strip() for line in lines if "followup " in line]
    return [
        re.split(r"\s{2,}", command)[0] for command in commands if command.startswith("followup")
    ]


@pytest.mark.parametrize("command", _help_examples())
def test_every_help_example_runs(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """What the help shows works as shown: each example exits 0."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "tests" / "examples" / "ana.toml", tmp_path / "ana.toml")
    from tests.test_protocol_files import CENTRE

    (tmp_path / "our-centre.toml").write_text(CENTRE, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(
        "id,treatment_date,name\np1,2025-03-14,Ana\np2,2024-11-02,Luis\n", encoding="utf-8"
    )
    result = runner.invoke(app, shlex.split(command)[1:])
    assert result.exit_code == 0, (command, result.output)


def _curl_examples() -> list[str]:
    """Every `curl …` command of the README's shell blocks, continuation lines joined."""
    text = README.read_text(encoding="utf-8")
    blocks = [block.replace("\\\n", " ") for block in fenced(text, "sh")]
    return [line.strip() for block in blocks for line in block.splitlines() if "curl " in line]


@pytest.mark.parametrize("command", _curl_examples())
def test_every_curl_example_is_answered(command: str) -> None:
    """Each `curl` example of the README, sent to the app as curl would send it, gets a
    2xx answer (with `-f`, curl fails on any other, rather than save an error as the file);
    a file it saves is the kind its name says."""
    pytest.importorskip("fastapi", reason="the web extra: pip install -e '.[dev]'")
    from starlette.testclient import TestClient

    from followup.web import create_app

    words = shlex.split(command.partition("#")[0])
    assert words[0] == "curl"
    assert "-sf" in words or "-f" in words, "without -f, curl saves an error as the file"
    method, data, headers, url, output = "GET", None, {}, "", None
    rest = iter(words[1:])
    for word in rest:
        if word == "-X":
            method = next(rest)
        elif word == "-d":
            data = next(rest)
            method = "POST" if method == "GET" else method
        elif word == "-H":
            name, _colon, value = next(rest).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-o":
            output = next(rest)
        elif not word.startswith("-"):
            url = word
    path = "/" + url.partition("/")[2]
    # curl -d sends application/x-www-form-urlencoded unless told otherwise; the API reads
    # the body as JSON either way.
    answer = TestClient(create_app()).request(method, path, content=data, headers=headers)
    assert 200 <= answer.status_code < 300, (command, answer.text[:300])
    if output and output.endswith(".ics"):
        assert answer.content.startswith(b"BEGIN:VCALENDAR")
    elif output and output.endswith(".json"):
        assert answer.json()


def test_the_readme_has_curl_examples() -> None:
    """Guard against the curl block disappearing, which would skip the test above."""
    assert len(_curl_examples()) >= 5


@pytest.mark.parametrize("name", ["push", "serve"])
def test_the_examples_that_need_a_server_parse(name: str) -> None:
    """push's and serve's examples need a calendar server or start one: their words are
    at least options and values the command takes (parsed, not run)."""
    from followup import _options as options
    from followup.cli import _command

    text = {"push": options.PUSH_EXAMPLES, "serve": options.SERVE_EXAMPLES}[name]
    examples = [
        re.split(r"\s{2,}", line.strip())[0]
        for line in text.splitlines()
        if line.strip().startswith(f"followup {name}")
    ]
    assert examples
    command = _command(None).commands[name]
    for example in examples:
        context = command.make_context(name, shlex.split(example)[2:])
        assert context.params
