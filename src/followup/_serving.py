"""`followup serve`: the web app on this computer, with uvicorn.

The command line and the web app never import each other: this module starts
the app by its ASGI name (`followup.web:app`) and uvicorn's HTTP protocol by
its import path. It imports nothing heavy itself: uvicorn and the app load only
when `serve` runs.
"""

from __future__ import annotations

from importlib.util import find_spec

from followup._errors import MissingDependency, install_command
from followup._i18n import _

__all__ = ["require_web", "serve"]

# The app and the HTTP protocol that bounds each request's head, by their names.
APP = "followup.web:app"
PROTOCOL = "followup.web.connection:BoundedHttp"
# The web extra's packages, by the names they are imported as.
WEB_PACKAGES = ("fastapi", "starlette", "uvicorn", "python_multipart", "jinja2")


def require_web() -> None:
    """Fail early, with how to fix it, when the web extra is not installed."""
    if any(find_spec(name) is None for name in WEB_PACKAGES):
        message = _("the web app needs the web extra: {command}")
        raise MissingDependency(message.format(command=install_command("web")))


def serve(host: str, port: int, *, open_browser: bool = False) -> None:
    """Serve the app at http://host:port/ until interrupted; open it in a browser if asked.

    Each request's head must arrive within the head timeout and fit the head size,
    and its body within the body timeout (see `Limits`), so a slow or hostile
    client cannot hold a connection.
    """
    require_web()
    import logging
    import threading

    import uvicorn

    config = uvicorn.Config(
        APP,
        host=host,
        port=port,
        http=PROTOCOL,
        access_log=False,
        server_header=False,
        log_level="warning",
    )
    # Loading the app reads its limits: one that cannot be read is bad input, said before
    # anything is served.
    config.load()
    # The app logs each request by method and path only; uvicorn's own access
    # log would add query strings.
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # A malformed form is answered 400 and logged as such; the parser need not add a line.
    logging.getLogger("python_multipart").setLevel(logging.ERROR)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(_("followup is running at {url}; press Ctrl+C to stop.").format(url=url), flush=True)
    if open_browser:
        threading.Timer(1.0, _open, [url]).start()
    uvicorn.Server(config).run()


def _open(url: str) -> None:
    """Open `url` in the browser, or say that none could be opened."""
    import webbrowser

    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        message = _("No web browser could be opened here; open {url} in one.")
        print(message.format(url=url), flush=True)
