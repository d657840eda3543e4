"""The app's outer layer: privacy headers, body limits, an access log, and no stack traces.

It wraps the whole application, so that every response, an error page included,
carries the same headers, and nothing that fails inside ever reaches a person
as a trace. A body that takes longer than its time is answered 408; a client
that goes away before its body has arrived is logged in one line, not as a
failure. Every value the logs repeat is one line of printable text.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import anyio

__all__ = ["HEADERS", "Guard"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# A whole response, as the guard sends it itself: status, headers, body.
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"
HEADERS = {
    "content-security-policy": f"{CSP}; base-uri 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
# Style sheets, scripts and the like carry nothing personal; everything else may.
CACHEABLE = "public, max-age=3600"
NOT_STORED = "no-store"

access_log = logging.getLogger("followup.web.access")
error_log = logging.getLogger("followup.web.error")


class _TooLarge(Exception):
    """The body grew past its limit while it was being read."""


class _TooSlow(Exception):
    """The body did not arrive within its time."""


# Statuses the log shows for exchanges that end without an answer of the app's.
GONE = 499  # the client closed the connection before its body had arrived (nginx's code)


@dataclass
class _Exchange:
    """What the guard knows of one request while the app answers it."""

    limit: int
    deadline: float = math.inf  # when the body must have arrived, on the monotonic clock
    received: int = 0
    refused: int = 0  # 413 or 408: the guard answers instead of the app
    body_done: bool = False
    gone: bool = False
    started: bool = False
    status: int = 0


def loggable_path(path: str) -> str:
    """The path as the logs show it: a plan link's token, which is the plan sealed, is
    left out (`/p/….ics`), so that logs and the key together never give a plan back."""
    return loggable(re.sub(r"^/p/[^/.]+", "/p/…", path))


def loggable(text: str) -> str:
    """`text` as one line of printable characters: a control character, a newline or an
    escape sequence from a request is shown escaped, so no log line can be forged."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


class Guard:
    """ASGI middleware around the whole app.

    `limit_for(path)` bounds the body of a request; `answer(scope, status)`
    builds the page for a refused body (413) or a failure (500), in the
    request's language.
    """

    def __init__(
        self,
        app: ASGIApp,
        limit_for: Callable[[str], int],
        answer: Callable[[Scope, int], Answer],
        body_seconds: float = math.inf,
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.answer = answer
        self.body_seconds = body_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        exchange = _Exchange(
            self.limit_for(scope["path"]), deadline=time.monotonic() + self.body_seconds
        )
        try:
            await self._exchange(scope, receive, send, exchange)
        finally:
            # The path only: a query string or a body may carry personal data.
            access_log.info(
                "%s %s %d %.1f ms",
                loggable(scope["method"]),
                loggable_path(scope["path"]),
                exchange.status,
                1000 * (time.perf_counter() - started),
            )

    async def _exchange(
        self, scope: Scope, receive: Receive, send: Send, exchange: _Exchange
    ) -> None:
        cache = CACHEABLE if scope["path"].startswith("/static/") else NOT_STORED

        async def guarded_send(message: Message) -> None:
            if exchange.gone:  # nobody is left to read it
                return
            if exchange.refused:  # the app answered a body cut short: say why instead
                if message["type"] == "http.response.start":
                    await self._send(send, exchange, self.answer(scope, exchange.refused))
                return
            if message["type"] == "http.response.start":
                exchange.started = True
                exchange.status = message["status"]
                message["headers"] = _with_headers(message.get("headers", []), cache)
            await send(message)

        if _declared_length(scope) > exchange.limit:
            await self._send(send, exchange, self.answer(scope, 413))
            return
        try:
            await self.app(scope, _guarded_receive(receive, exchange), guarded_send)
        except (_TooLarge, _TooSlow):
            await self._send(send, exchange, self.answer(scope, exchange.refused))
        except Exception:
            if exchange.gone:  # not a failure of ours: the access log's 499 says it all
                exchange.status = GONE
                return
            error_log.exception(
                "%s %s failed", loggable(scope["method"]), loggable_path(scope["path"])
            )
            await self._send(send, exchange, self.answer(scope, 500))

    @staticmethod
    async def _send(send: Send, exchange: _Exchange, answer: Answer) -> None:
        if exchange.started:
            return
        exchange.started = True
        status, headers, body = answer
        exchange.status = status
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        if not exchange.body_done:  # what is left of the body is not read: end the connection
            headers.append((b"connection", b"close"))
        headers = _with_headers(headers, "")
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _guarded_receive(receive: Receive, exchange: _Exchange) -> Receive:
    """The app's `receive`, which counts the body against its limit and its time."""

    async def guarded_receive() -> Message:
        if exchange.body_done:  # the app listens for a disconnect: no deadline then
            return await receive()
        with anyio.move_on_after(exchange.deadline - time.monotonic()) as waited:
            message = await receive()
        if waited.cancelled_caught:
            exchange.refused = 408
            raise _TooSlow
        if message["type"] == "http.disconnect":
            exchange.gone = True
        elif message["type"] == "http.request":
            exchange.received += len(message.get("body", b""))
            exchange.body_done = not message.get("more_body", False)
            if exchange.received > exchange.limit:
                exchange.refused = 413
                raise _TooLarge
        return message

    return guarded_receive


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            if not (text.isascii() and text.isdigit()):
                return 0  # the server refuses such a header; the body is counted as it comes
            return int(text) if len(text) < 19 else 10**18
    return 0


def _with_headers(headers: list[tuple[bytes, bytes]], cache: str) -> list[tuple[bytes, bytes]]:
    """The response's headers with ours in place of any of the same name."""
    ours = {**HEADERS, "cache-control": cache or NOT_STORED}
    kept = [(name, value) for name, value in headers if name.decode().lower() not in ours]
    return kept + [(name.encode(), value.encode()) for name, value in ours.items()]
