"""Random requests never make the web app fail: the API from its OpenAPI document, the form
from random bodies. A 4xx is a fine answer; a 5xx never is."""

from __future__ import annotations

import os
from typing import Any, cast
from urllib.parse import urlencode

import pytest

pytest.importorskip("schemathesis", reason="the dev extra: pip install -e '.[dev]'")

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CheckFunction, not_a_server_error
from starlette.testclient import TestClient

from followup.web import create_app
from followup.web.forms import SINGLE

pytestmark = pytest.mark.untraced

APP = create_app()
CLIENT = TestClient(APP)
EXAMPLES = 50 if os.environ.get("CI") else 30
FORM_TYPE = "application/x-www-form-urlencoded"

# The document as the app serves it. (Not from_asgi: before 4.32.4, schemathesis leaves
# its ASGI lifespan's streams open, and their ResourceWarning fails the suite.)
schema = schemathesis.openapi.from_dict(CLIENT.get("/openapi.json").json())
# Random requests, valid and not; the coverage phase adds hundreds of fixed cases per operation.
schema.config.phases.update(phases=["examples", "fuzzing"])


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_never_answers_a_server_error(case: schemathesis.Case[Any]) -> None:
    """schemathesis: requests made from /openapi.json, valid and not, never get a 5xx."""
    # Sent with the app's test client rather than schemathesis' own, which is built on
    # requests: the urllib3 fork that the CalDAV client brings along breaks that one.
    request = case.as_transport_kwargs(base_url="http://testserver")
    request.pop("cookies", None)  # the API uses none
    if "data" in request:
        request["content"] = request.pop("data")
    # Cast: before 4.29.1, schemathesis' @check decorator loses the function's type.
    check = cast("CheckFunction", not_a_server_error)
    case.validate_response(CLIENT.request(**request), checks=[check])


# Every input the form has, one that it does not, and the row buttons.
_INPUTS = st.sampled_from(
    [*SINGLE, "done", "tracks.exam", "tracks.every_months", "action", "unknown"]
)
_VALUES = st.one_of(
    st.text(max_size=30),
    st.dates().map(str),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(
        [
            "",
            "2025-03-14",
            "2024-02-29",
            "ES",
            "ES-MD",
            "pt-BR",
            "keep",
            "remove:0",
            "add",
            "x.toml",
        ]
    ),
)


@given(
    st.lists(st.tuples(_INPUTS, _VALUES), max_size=14),
    st.sampled_from(["/en/", "/es/", "/pt-BR/download/ics", "/pt/download/toml", "/en/open"]),
)
@settings(max_examples=EXAMPLES * 2, deadline=None)
def test_random_form_bodies_never_get_a_server_error(
    fields: list[tuple[str, str]], path: str
) -> None:
    """Any mix of the form's inputs, with any text, answers 200 or 400, never 5xx."""
    body = urlencode(fields)
    answer = CLIENT.post(path, content=body, headers={"content-type": FORM_TYPE})
    assert answer.status_code < 500, answer.text[:500]
    assert answer.status_code in (200, 400)
