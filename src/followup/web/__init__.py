"""followup on the web: the Plan, Protocols and Clinic pages and a JSON API, as an ASGI app.

`app` is what an ASGI server runs (`uvicorn followup.web:app`); `followup
serve` runs it on this computer. The app stores nothing: every answer is made
from the request alone. It needs the `web` extra: pip install 'followup[web]'.

The app is built when `app` is first asked for, so that `followup serve` can
say what is missing before anything of the web stack is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followup.web.guard import Guard

__all__ = ["app", "create_app"]

app: Guard


def create_app(**options: Any) -> Guard:
    """A new app; see `followup.web.application.create_app`."""
    from followup.web.application import create_app as create

    return create(**options)


def __getattr__(name: str) -> Any:
    if name == "app":
        built = create_app()
        globals()["app"] = built
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
