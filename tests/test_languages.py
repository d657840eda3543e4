"""Spanish and Portuguese in every output, from gettext catalogs that match the code."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from followup import _i18n as i18n
from followup.cli import app

from .conftest import need_tool

ROOT = Path(__file__).resolve().parent.parent


def _catalogs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "tools" / "catalogs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogs = _catalogs()
PO_FILES = catalogs.po_files()


def test_every_language_has_a_catalog() -> None:
    """es, pt and pt-BR each have a .po and a compiled .mo."""
    assert [po.parent.parent.name for po in PO_FILES] == ["es", "pt", "pt_BR"]


@pytest.mark.parametrize("po", PO_FILES, ids=lambda po: po.parent.parent.name)
def test_catalog_matches_the_code(po: Path) -> None:
    """No message in the code lacks a translation, and no translation is left unused."""
    code = {message.id for message in catalogs.code_messages() if message.id}
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    translated = {message.id for message in catalog if message.id}
    assert sorted(map(str, code - translated)) == [], "messages without a translation"
    assert sorted(map(str, translated - code)) == [], "translations the code no longer uses"
    for message in catalog:
        if not message.id:
            continue
        strings = (
            [str(s) for s in message.string]
            if isinstance(message.string, tuple)
            else [str(message.string)]
        )
        ids = [str(i) for i in message.id] if isinstance(message.id, tuple) else [str(message.id)]
        assert all(strings), f"empty translation for {message.id!r}"
        placeholders = sorted(re.findall(r"\{[^}]*\}", ids[0]))
        for string in strings:
            assert sorted(re.findall(r"\{[^}]*\}", string)) == placeholders, message.id
        assert not message.fuzzy, message.id


@pytest.mark.parametrize("po", PO_FILES, ids=lambda po: po.parent.parent.name)
def test_committed_mo_is_the_compiled_po(po: Path) -> None:
    """The .mo shipped in the package is exactly what its .po compiles to."""
    assert po.with_suffix(".mo").read_bytes() == catalogs.compiled(po)


EXPECTED = {
    "es": {
        "exam": "TC o RM de tórax y abdomen",
        "date": "martes, 30 de abril de 2024",
        "calendar": "Controles de seguimiento – Ana",
        "summary": "Seguimiento: TC/RM, tórax + abdomen (1 de 19)",
        "csv": "#,Fecha,Día,Estado,Fecha según la regla",
        "notice": "Solo con fines educativos, no es un consejo médico",
        "next": "Siguiente: control 2 de 19, TC o RM de tórax y abdomen, el martes, 6 de agosto de 2024 (dentro de 36 días).",
        "error": "Error: '2025-02-30' no es una fecha válida: febrero de 2025 tiene 28 días",
        "sheet": "Preguntas para llevar al equipo médico",
    },
    "pt": {
        "exam": "TC ou RM do tórax e abdómen",
        "date": "terça-feira, 30 de abril de 2024",
        "calendar": "Consultas de seguimento – Ana",
        "summary": "Seguimento: TC/RM, tórax + abdómen (1 de 19)",
        "csv": "#,Data,Dia da semana,Estado,Data segundo a regra",
        "notice": "Apenas para fins educativos, não é aconselhamento médico",
        "next": "Seguinte: consulta 2 de 19, TC ou RM do tórax e abdómen — terça-feira, 6 de agosto de 2024 (daqui a 36 dias).",
        "error": "Erro: '2025-02-30' não é uma data válida: fevereiro de 2025 tem 28 dias",
        "sheet": "Perguntas para levar à equipa médica",
    },
    "pt-BR": {
        "exam": "TC ou RM de tórax e abdome",
        "date": "terça-feira, 30 de abril de 2024",
        "calendar": "Consultas de acompanhamento – Ana",
        "summary": "Acompanhamento: TC/RM, tórax + abdome (1 de 19)",
        "csv": "#,Data,Dia da semana,Situação,Data segundo a regra",
        "notice": "Apenas para fins educativos, não é orientação médica",
        "next": "Próxima: consulta 2 de 19, TC ou RM de tórax e abdome — terça-feira, 6 de agosto de 2024 (em 36 dias).",
        "error": "Erro: '2025-02-30' não é uma data válida: fevereiro de 2025 tem 28 dias",
        "sheet": "Perguntas para levar à equipe médica",
    },
}  # fmt: skip


def _out(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_every_output_speaks_the_language(runner: CliRunner, tmp_path: Path, lang: str) -> None:
    """Calendar, tables, JSON values, sheet, next and errors, with clinicians' own wording."""
    want = EXPECTED[lang]
    plan = [
        "plan",
        "2024-01-31",
        "--name",
        "Ana",
        "--lang",
        lang,
        "--today",
        "2024-02-01",
        "-o",
        "-",
    ]
    raw = runner.invoke(app, [*plan, "--format", "ics"]).stdout_bytes.decode()
    ics = raw.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")
    assert f"X-WR-CALNAME:{want['calendar']}" in ics
    assert f"SUMMARY:{want['summary']}" in ics
    assert want["exam"] in ics
    assert want["date"] in ics
    assert want["notice"] in ics
    assert _out(runner, *plan, "--format", "csv").lstrip("\ufeff").startswith(want["csv"])
    assert want["exam"] in _out(runner, *plan, "--format", "md")
    document = json.loads(_out(runner, *plan, "--format", "json"))
    assert document["protocol"]["streams"][0]["exam"] == want["exam"]
    assert set(document["visits"][0]) >= {
        "number",
        "date",
        "due_date",
        "status",
    }  # keys stay English
    assert document["visits"][0]["status"] == "upcoming"  # codes stay English, like keys
    assert document["visits"][0]["window"]["text"] != "3–4 months after the treatment"
    html = _out(runner, *plan, "--format", "html")
    assert f'<html lang="{lang}">' in html
    assert want["sheet"] in html
    table = _out(runner, "plan", "2024-01-31", "--lang", lang, "--format", "table", "-o", "-")
    assert want["notice"].split(":")[0] in table.replace("\n", " ")
    sentence = _out(
        runner,
        "next",
        "2024-01-31",
        "--done",
        "2024-05-06",
        "--today",
        "2024-07-01",
        "--lang",
        lang,
    )
    assert sentence.splitlines()[0].startswith(want["next"])
    error = runner.invoke(app, ["plan", "2025-02-30", "--lang", lang])
    assert error.exit_code == 2
    assert error.stderr == want["error"] + "\n"


@pytest.mark.parametrize("lang", ["es", "pt", "pt-BR"])
def test_pdf_speaks_the_language(runner: CliRunner, tmp_path: Path, lang: str) -> None:
    """The PDF sheet is written in the language too."""
    need_tool("pdftotext", "Debian package poppler-utils")
    target = tmp_path / "sheet.pdf"
    assert (
        runner.invoke(app, ["plan", "2024-01-31", "--lang", lang, "-o", str(target)]).exit_code == 0
    )
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert EXPECTED[lang]["sheet"] in text
    assert EXPECTED[lang]["exam"] in text


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LANG": "pt_PT.UTF-8"}, "pt"),
        ({"LANG": "pt_BR.UTF-8"}, "pt-BR"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "pt_BR.UTF-8"}, "pt-BR"),
        ({"LANG": "es_ES.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
    ],
)
def test_language_from_the_environment(environ: dict[str, str], language: str) -> None:
    """The locale picks the language when followup speaks it; otherwise English."""
    assert i18n.from_environment(environ) == language


def test_environment_sets_the_default_and_lang_wins(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LANG=es_ES gives Spanish; --lang en still gives English."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert "Plan de seguimiento" in _out(runner, "plan", "2024-01-31", "--format", "md", "-o", "-")
    assert "Follow-up plan" in _out(
        runner, "plan", "2024-01-31", "--format", "md", "-o", "-", "--lang", "en"
    )


def test_unknown_language_is_refused(runner: CliRunner) -> None:
    """--lang fr is bad input naming the choices."""
    result = runner.invoke(app, ["plan", "2024-01-31", "--lang", "fr"])
    assert result.exit_code == 2
    assert result.stderr == "Error: --lang 'fr' is not allowed: choose en, es, pt or pt-BR\n"


def test_every_command_takes_lang(runner: CliRunner) -> None:
    """plan, next, batch, protocols and holidays all accept --lang, offering every language."""
    import typer.main

    from followup._settings import field_named

    assert field_named("lang").metavar.split("|") == list(i18n.LANGUAGES)
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        assert "--lang" in options, name
    assert "Guía ESMO" in _out(runner, "protocols", "--lang", "es")
    assert "Fuente:" in _out(runner, "protocols", "show", "esmo-2010-low-grade", "--lang", "es")


def test_a_row_and_a_patient_file_choose_their_language(runner: CliRunner, tmp_path: Path) -> None:
    """The roster's lang column and the patient file's lang key set each person's language."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,treatment_date,lang\na,2024-01-31,es\nb,2024-01-31,\nc,2024-01-31,pt-BR\nd,2024-01-31,fr\n"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["batch", str(roster), "--out-dir", str(out), "--lang", "pt", "--format", "html"]
    )
    assert result.exit_code == 1
    assert '<html lang="es">' in (out / "a.html").read_text()
    assert '<html lang="pt">' in (out / "b.html").read_text()
    assert '<html lang="pt-BR">' in (out / "c.html").read_text()
    assert "coluna 'lang': 'fr' não é válido: escolha en, es, pt ou pt-BR" in result.stderr
    patient = tmp_path / "ana.toml"
    patient.write_text('treatment_date = 2024-01-31\nlang = "pt-BR"\n')
    assert "Plano de acompanhamento" in _out(
        runner, "plan", "--from", str(patient), "--format", "md", "-o", "-"
    )


def test_holiday_names_follow_the_language(runner: CliRunner) -> None:
    """Christmas in Madrid is named in Spanish for a Spanish plan, in English for an English one."""

    def first_holiday(*args: str) -> str:
        document = json.loads(
            _out(
                runner,
                "plan",
                "2025-09-25",
                "--years",
                "1",
                "--holidays",
                "ES-MD",
                "--format",
                "json",
                "-o",
                "-",
                *args,
            )
        )
        return str(document["visits"][0]["holiday"])

    assert first_holiday() == "Christmas Day"
    assert first_holiday("--lang", "es") == "Natividad del Señor"
