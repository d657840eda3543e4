"""`followup serve`: its help, its defaults, and its one line when the web extra is missing.

The command line never loads the web stack unless `serve` runs: its start-up
stays what it was.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from followup._errors import install_command
from followup.cli import app


def test_serve_has_help(runner: CliRunner) -> None:
    """`followup serve --help` names its options, their defaults and the extra it needs."""
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for text in ("--host", "--port", "--open", "127.0.0.1", "8765", "followup[web]"):
        assert text in result.output


def test_serve_runs_uvicorn_on_loopback(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """By default the app listens on 127.0.0.1:8765, without uvicorn's access log, with the
    HTTP protocol that bounds each request's head; both are loaded by their names, and the
    app before anything is said."""
    pytest.importorskip("uvicorn")
    import uvicorn

    served: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: served.append(self.config))
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8765/" in result.output
    [config] = served
    from followup.web.connection import BoundedHttp

    assert (config.app, config.host, config.port) == ("followup.web:app", "127.0.0.1", 8765)
    assert config.http_protocol_class is BoundedHttp
    assert (config.access_log, config.server_header, config.log_level) == (False, False, "warning")


def test_a_bad_limit_is_said_before_serving(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A limit variable that cannot be read: exit 2 and one line, and no "running at"."""
    pytest.importorskip("uvicorn")
    import uvicorn

    import followup.web

    monkeypatch.delattr(followup.web, "app", raising=False)
    monkeypatch.setenv("FOLLOWUP_WEB_HEAD_TIMEOUT", "soon")
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: None)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "running" not in result.output
    assert "FOLLOWUP_WEB_HEAD_TIMEOUT 'soon' is not allowed" in result.stderr


def test_serve_without_the_extra_says_how_to_install_it(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 1 and one line naming the extra, as for the PDF."""
    from followup import _serving as server

    monkeypatch.setattr(server, "find_spec", lambda name: None if name == "uvicorn" else object())
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert result.output == (f"Error: the web app needs the web extra: {install_command('web')}\n")


def test_a_port_out_of_range_is_bad_input(runner: CliRunner) -> None:
    """--port 0 or 70000 is refused before anything starts, with exit 2."""
    assert runner.invoke(app, ["serve", "--port", "70000"]).exit_code == 2


def test_the_command_line_does_not_import_the_web_stack() -> None:
    """Importing the CLI, or running a plan, loads no FastAPI, Starlette or uvicorn."""
    code = (
        "import sys, followup.cli, followup.web, followup._serving\n"
        "web = {'fastapi', 'starlette', 'uvicorn', 'followup.web.application'}\n"
        "print(sorted(web & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_serve_open_says_so_when_no_browser_opens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve --open` on a machine with no browser says where to go instead of nothing."""
    import webbrowser

    from followup import _serving as server

    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    server._open("http://127.0.0.1:8765/")
    assert capsys.readouterr().out == (
        "No web browser could be opened here; open http://127.0.0.1:8765/ in one.\n"
    )

    def failing(url: str) -> bool:
        raise webbrowser.Error("no runnable browser")

    monkeypatch.setattr(webbrowser, "open", failing)
    server._open("http://127.0.0.1:8765/")
    assert "open http://127.0.0.1:8765/ in one" in capsys.readouterr().out
    monkeypatch.setattr(webbrowser, "open", lambda url: True)
    server._open("http://127.0.0.1:8765/")
    assert capsys.readouterr().out == ""
