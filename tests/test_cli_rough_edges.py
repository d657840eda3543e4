"""Rough edges of the command line that a newcomer hit (issue #17): what each one said,
and what it says now."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from followup import _errors as errors
from followup._errors import install_command
from followup.cli import app

DATE = "2024-01-31"


def test_quiet_quiets_the_notes_too(runner: CliRunner, tmp_path: Path) -> None:
    """-q said "Say nothing on success" but the not-recorded note still came: now it does not;
    the plan itself is still written."""
    args = ["plan", DATE, "--name", "Ana", "--today", "2024-12-01", "-o", str(tmp_path / "a.ics")]
    told = runner.invoke(app, args)
    assert told.exit_code == 0
    assert "Note: 3 earlier visits have no scan recorded." in told.stderr
    quiet = runner.invoke(app, [*args, "-q"])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    assert (tmp_path / "a.ics").read_bytes().count(b"BEGIN:VEVENT") == 19
    table = runner.invoke(app, ["plan", DATE, "--today", "2024-12-01", "--quiet"])
    assert "Mon 2026-02-02" in table.stdout
    assert table.stderr == ""


def test_quiet_help_says_what_it_quiets(runner: CliRunner) -> None:
    """The help of -q names the notes and the 'Wrote' line, and that errors still show."""
    result = runner.invoke(app, ["plan", "--help"])
    help_text = " ".join(result.stdout.split())
    assert "-q, --quiet No notes and no 'Wrote …' line on success; errors still show." in help_text


def _package_in(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setattr(errors, "_PACKAGE", folder / "followup")


def _installed(monkeypatch: pytest.MonkeyPatch, direct_url: object) -> None:
    """followup's distribution as pip recorded it: `direct_url` is its direct_url.json."""
    import importlib.metadata

    class Distribution:
        def read_text(self, name: str) -> str | None:
            assert name == "direct_url.json"
            return None if direct_url is None else json.dumps(direct_url)

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Distribution())


def test_run_from_a_copy_of_the_source_the_hint_installs_from_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`pip install 'followup[web]'` fails in a git checkout: the package is not on an index.
    Run from src/ next to pyproject.toml, the hint installs that folder, editable."""
    checkout = tmp_path / "my followup"
    (checkout / "src").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\n")
    _package_in(monkeypatch, checkout / "src")
    assert install_command("web") == f"pip install -e '{checkout}[web]'"
    assert install_command("pdf") == f"pip install -e '{checkout}[pdf]'"


def test_installed_from_a_folder_the_hint_installs_from_that_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`pip install .` in a checkout records the folder (direct_url.json): the hint names it."""
    checkout = tmp_path / "followup"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text("[project]\n")
    _package_in(monkeypatch, tmp_path / "site-packages")
    _installed(monkeypatch, {"url": checkout.as_uri(), "dir_info": {}})
    assert install_command("caldav") == f"pip install '{checkout}[caldav]'"


@pytest.mark.parametrize(
    "direct_url",
    [
        None,  # from the index
        ["not", "pip's"],
        {"url": "file:///wheels/followup-0.1.0-py3-none-any.whl", "archive_info": {}},
        {"url": "file:///gone", "dir_info": {}},  # a folder that is no longer there
    ],
)
def test_installed_from_an_index_the_hint_names_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, direct_url: object
) -> None:
    """Installed from the package index, a wheel, or a folder since removed: the package's name."""
    _package_in(monkeypatch, tmp_path / "site-packages")
    _installed(monkeypatch, direct_url)
    assert install_command("web") == "pip install 'followup[web]'"


def test_not_installed_at_all_the_hint_names_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No distribution metadata (a copied package folder): the package's name."""
    import importlib.metadata

    def missing(name: str) -> object:
        raise importlib.metadata.PackageNotFoundError(name)

    _package_in(monkeypatch, tmp_path / "lib")
    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    assert install_command("pdf") == "pip install 'followup[pdf]'"


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_next_and_its_note_wrap_between_words_on_a_narrow_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """On a 60-column terminal, `next` and its note were cut mid-word (`soft t` / `issue`) by the
    terminal: each line now fits, broken between words, and no word is lost."""
    from followup import _console as console

    args = ["next", "2025-03-14", "--today", "2025-12-01", "--lang", lang]
    wide = runner.invoke(app, args)
    monkeypatch.setattr(console, "terminal_width", lambda stream: 60)
    narrow = runner.invoke(app, args)
    assert narrow.exit_code == 0
    for stream in ("stdout", "stderr"):
        lines = getattr(narrow, stream).splitlines()
        assert len(lines) > len(getattr(wide, stream).splitlines())
        assert max(len(line) for line in lines) <= 60
        assert getattr(narrow, stream).split() == getattr(wide, stream).split()


def test_next_to_a_pipe_keeps_one_line_per_sentence(runner: CliRunner) -> None:
    """Written to a file or a pipe, `next` keeps its lines whole, whatever COLUMNS says: the
    reader's program lays them out."""
    result = runner.invoke(
        app, ["next", "2025-03-14", "--today", "2025-12-01"], env={"COLUMNS": "60"}
    )
    assert result.stdout.splitlines()[0] == (
        "Next: visit 3 of 19, CT or MRI of the chest and abdomen, on Monday 2025-12-15 "
        "(in 14 days). Window: 3–4 months after the previous visit."
    )
    assert result.stderr.count("\n") == 1


def test_the_width_is_the_terminals(monkeypatch: pytest.MonkeyPatch) -> None:
    """The width is the terminal's, or COLUMNS when set; a file or a pipe has none."""
    import fcntl
    import io
    import os
    import struct
    import termios

    from followup._console import terminal_width

    monkeypatch.delenv("COLUMNS", raising=False)
    leader, follower = os.openpty()
    fcntl.ioctl(leader, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 52, 0, 0))
    with os.fdopen(follower, "w") as terminal:
        assert terminal_width(terminal) == 52
        monkeypatch.setenv("COLUMNS", "61")
        assert terminal_width(terminal) == 61
        monkeypatch.setenv("COLUMNS", "wide")
        assert terminal_width(terminal) == 52
    os.close(leader)
    monkeypatch.setenv("COLUMNS", "61")
    assert terminal_width(io.StringIO()) is None

    class Detached(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert terminal_width(Detached()) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", DATE, "Ana", "-o", "ana.ics"], "Error: unexpected extra argument: 'Ana'; to give a name, write --name 'Ana' (see 'followup plan --help')"),
        (["plan", DATE, "Ana", "Lopes"], "Error: unexpected extra arguments: 'Ana', 'Lopes'; to give a name, write --name 'Ana Lopes' (see 'followup plan --help')"),
        (["plan", DATE, "--name", "Ana", "Lopes"], "Error: unexpected extra argument: 'Lopes'; to give a name, write --name 'Ana Lopes' (see 'followup plan --help')"),
        (["next", "Ana", DATE], "Error: unexpected extra argument: '2024-01-31'; to give a name, write --name 'Ana' (see 'followup next --help')"),
        (["next", DATE, "O'Neil"], """Error: unexpected extra argument: "O'Neil"; to give a name, write --name "O'Neil" (see 'followup next --help')"""),
        (["push", DATE, "Ana"], "Error: unexpected extra argument: 'Ana'; to give a name, write --name 'Ana' (see 'followup push --help')"),
        (["plan", DATE, "5"], "Error: unexpected extra argument: '5' (see 'followup plan --help')"),
        (["plan", DATE, "2024-02-01"], "Error: unexpected extra argument: '2024-02-01' (see 'followup plan --help')"),
        (["holidays", "ES", "MD"], "Error: unexpected extra argument: 'MD' (see 'followup holidays --help')"),
        (["protocols", "show", "a", "b"], "Error: unexpected extra argument: 'b' (see 'followup protocols show --help')"),
        (["plan", DATE, "Ana", "--lang", "es"], "Error: sobra un argumento: 'Ana'; para indicar un nombre, escriba --name 'Ana' (vea 'followup plan --help')"),
        (["plan", DATE, "Ana", "Lopes", "--lang", "pt-BR"], "Erro: argumentos extras inesperados: 'Ana', 'Lopes'; para informar um nome, escreva --name 'Ana Lopes' (veja 'followup plan --help')"),
    ],
)  # fmt: skip
def test_extra_arguments_are_named_with_a_hint_for_a_name(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    """`followup plan 2025-03-14 Ana -o ana.ics` said `unexpected extra arguments: s) (Ana`: now
    the extra arguments are named, and a word where a name fits gets the --name to write."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_a_name_is_quoted_as_a_shell_reads_it_back() -> None:
    """A name with both kinds of quote or a `$` is quoted so that the shell keeps it whole."""
    import shlex

    from followup._console import _quoted

    for name in ["Ana", "Ana María", "O'Neil", 'O\'Neil "Bo"', "Ana $HOME"]:
        assert shlex.split(f"--name {_quoted(name)}") == ["--name", name]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["plna"], {}, "Error: there is no command 'plna'; did you mean 'plan'? (see 'followup --help')"),
        (["xyzzy"], {}, "Error: there is no command 'xyzzy' (see 'followup --help')"),
        (["plna", "--lang", "es"], {}, "Error: no existe el comando 'plna'; ¿quería decir 'plan'? (vea 'followup --help')"),
        (["plna"], {"LANG": "es_ES.UTF-8"}, "Error: no existe el comando 'plna'; ¿quería decir 'plan'? (vea 'followup --help')"),
        (["protocols", "shwo", "--lang", "pt"], {}, "Erro: não existe o comando 'shwo'; queria dizer 'show'? (veja 'followup protocols --help')"),
        (["protocols", "--bad"], {}, "Error: there is no option --bad (see 'followup protocols --help')"),
    ],
)  # fmt: skip
def test_an_unknown_command_is_told_in_the_language_asked(
    runner: CliRunner, args: list[str], env: dict[str, str], message: str
) -> None:
    """`No such command 'plna'. Did you mean 'plan'?` came in English under --lang es: now in
    our words and the session's language, with the closest command when one is close."""
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--port", "abc", "--lang", "es"], "Error: --port 'abc' no es un número entero (vea 'followup serve --help')"),
        (["serve", "--port", "0"], "Error: --port 0 is not allowed: choose from 1 to 65535 (see 'followup serve --help')"),
        (["serve", "--port", "70000", "--lang", "pt-BR"], "Erro: --port 70000 não é válido: escolha de 1 a 65535 (veja 'followup serve --help')"),
        (["batch", "r.csv", "--out-dir", "x", "--jobs", "two"], "Error: --jobs 'two' is not a whole number (see 'followup batch --help')"),
        (["plan", DATE, "--paper", "foo", "--lang", "es"], "Error: --paper 'foo' no es válido: elija entre a4, letter (vea 'followup plan --help')"),
    ],
)  # fmt: skip
def test_a_value_the_parser_refuses_is_told_in_our_words(
    runner: CliRunner, args: list[str], message: str
) -> None:
    """`Invalid value for '--port': Input should be…` came in English: now the option, the
    value and what it takes, in the session's language, and nothing starts."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert result.stdout == ""


def test_a_refusal_we_cannot_tell_keeps_the_option_and_value() -> None:
    """A kind of refusal we do not know still names the option and the value, in our words;
    one without a value keeps the parser's text."""
    import typer
    import typer.main

    from followup._console import _usage_message

    serve = typer.main.get_command(app).commands["serve"]  # type: ignore[attr-defined]
    port = next(param for param in serve.params if param.name == "port")

    class Refusal(Exception):
        def errors(self) -> list[dict[str, object]]:
            return [{"type": "string_too_long", "input": "x" * 9}]

    error = typer.BadParameter("Input is too long", param=port)
    error.__cause__ = Refusal()
    assert _usage_message(error) == "--port 'xxxxxxxxx' is not allowed"
    plain = typer.BadParameter("Input is odd", param=port)
    assert _usage_message(plain) == "Invalid value for '--port': Input is odd"


def test_every_command_names_its_extra_arguments() -> None:
    """Every command, nested ones too, uses the command class that names extra arguments."""
    import typer.main

    from followup._console import Command

    def commands(group: object) -> list[object]:
        found: list[object] = []
        for command in group.commands.values():  # type: ignore[attr-defined]
            found += commands(command) if hasattr(command, "commands") else [command]
        return found

    every = commands(typer.main.get_command(app))
    assert len(every) >= 7
    assert all(isinstance(command, Command) for command in every)


def _listed(runner: CliRunner, *args: str) -> list[str]:
    result = runner.invoke(app, ["holidays", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("lang", ["en", "es", "pt", "pt-BR"])
def test_countries_are_listed_in_the_session_language_as_the_web_lists_them(
    runner: CliRunner, lang: str
) -> None:
    """`followup holidays --lang es` listed countries in English while the web named them in
    Spanish: both now take the names from one list, in the session's language."""
    from followup.web import places

    lines = _listed(runner, "--lang", lang)
    assert lines == [f"{code}  {name}" for code, name in places.countries(lang)]
    spain = {"en": "Spain", "es": "España", "pt": "Espanha", "pt-BR": "Espanha"}[lang]
    assert f"ES  {spain}" in lines


def test_each_country_is_listed_once_by_its_iso_code(runner: CliRunner) -> None:
    """`UK` and `United Kingdom` were both listed: an alias is not a second country."""
    lines = _listed(runner)
    codes = [line.split()[0] for line in lines]
    assert len(codes) == len(set(codes))
    assert "GB  United Kingdom" in lines
    assert "UK" not in codes
    assert _listed(runner, "UK")[0] == "United Kingdom (GB):"  # the alias still names it
    assert _listed(runner, "gbr")[0] == "United Kingdom (GB):"


@pytest.mark.parametrize("country", ["ES", "IT", "FR", "BR", "DE", "AU"])
def test_every_region_listed_has_a_name_and_a_usable_code(runner: CliRunner, country: str) -> None:
    """A nameless `ES-Barcelona` line was listed, a code --holidays then refused: each region
    line now has a name, and its code plans; the web offers the same regions."""
    from followup._options import COMMAND_LINE
    from followup._settings import Settings
    from followup.web import places

    heading, *lines = _listed(runner, country)
    assert heading.endswith(f"({country}):")
    assert lines
    regions = [tuple(line.strip().split("  ", 1)) for line in lines]
    assert all(len(region) == 2 and region[1].strip() for region in regions)
    assert regions == list(places.regions(country))
    for code, _name in regions:
        Settings.from_mapping({"holidays": code}, COMMAND_LINE)  # refused codes raise
    assert "Barcelona" not in "\n".join(lines)


def test_a_country_without_regions_says_so_in_the_session_language(runner: CliRunner) -> None:
    """A country with no regions is one line, in the language asked for."""
    assert _listed(runner, "MT", "--lang", "es") == ["Malta (MT): sin regiones"]
    assert _listed(runner, "MT") == ["Malta (MT): no regions"]
