"""The schemathesis command against the app served for real, in the dev install that has caldav.

The caldav extra's niquests brings urllib3-future, which takes the place of urllib3;
the schemathesis command sends its requests with requests, so through that fork.
Here the command runs as a person would run it, on `followup serve` on 127.0.0.1,
so that an install in which it cannot send a request fails (see the schemathesis
range in pyproject.toml). test_web_fuzz.py fuzzes the same API in-process.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from .conftest import missing
from .servers import free_port

pytestmark = pytest.mark.untraced

EXAMPLES = 25
# Every check that the API is meant to pass. Left out: positive_data_acceptance (the
# document does not say which values the guideline allows, so a request that follows
# the document can be refused with 422) and unsupported_method (a 405 carries no Allow).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """`followup serve` on a free port of 127.0.0.1: its base URL and its OpenAPI document."""
    for module in ("schemathesis", "uvicorn", "fastapi"):
        if importlib.util.find_spec(module) is None:
            missing(module, "pip install -e '.[dev]'")
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "followup", "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        yield base, _document(base, server, log)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _document(base: str, server: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    """/openapi.json, once the server answers; a failure with its log if it never does."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"followup serve stopped: {log.read_text(errors='replace')}")
        # An http URL on this machine.
        address = f"{base}/openapi.json"
        with contextlib.suppress(OSError), urllib.request.urlopen(address, timeout=2) as answer:  # noqa: S310
            document: dict[str, Any] = json.load(answer)
            return document
        time.sleep(0.05)
    pytest.fail(f"followup serve did not answer within 20 s: {log.read_text(errors='replace')}")


def test_the_schemathesis_command_passes_on_every_operation(
    served: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    """`schemathesis run URL/openapi.json` exits 0 and tests each operation of the document:
    no answer is a 5xx, each matches the document, and bad input is refused."""
    base, document = served
    report = tmp_path / "junit.xml"
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json"),
        *("--checks", ",".join(CHECKS), "--max-examples", str(EXAMPLES)),
        # /api/regions/{country}'s pattern leaves few strings: a health check, not a fault.
        *("--suppress-health-check", "filter_too_much", "--generation-database", "none"),
        *("--request-timeout", "10", "--no-color"),
        *("--report", "junit", "--report-junit-path", str(report)),
        *(("--seed", "20250314") if os.environ.get("CI") else ()),
    ]
    # In a folder of its own: schemathesis reads a config file from, and writes to, its folder.
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    cases = list(ElementTree.parse(report).iter("testcase"))  # noqa: S314 (written just now)
    operations = {
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    }
    assert {case.get("name") for case in cases} == operations
    assert all(len(case) == 0 for case in cases), "a failed, errored or skipped operation"
