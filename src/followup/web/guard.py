"""The app's outer layer: privacy headers, body limits, an access log, and no stack traces.

It wraps the whole application, so that every response, an error page included,
carries the same headers, and nothing that fails inside ever reaches a person
as a trace.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

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


@dataclass
class _Exchange:
    """What the guard knows of one request while the app answers it."""

    limit: int
    received: int = 0
    too_large: bool = False
    started: bool = False
    status: int = 0


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
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        exchange = _Exchange(self.limit_for(scope["path"]))
        try:
            await self._exchange(scope, receive, send, exchange)
        finally:
            # The path only: a query string or a body may carry personal data.
            access_log.info(
                "%s %s %d %.1f ms",
                scope["method"],
                scope["path"],
                exchange.status,
                1000 * (time.perf_counter() - started),
            )

    async def _exchange(
        self, scope: Scope, receive: Receive, send: Send, exchange: _Exchange
    ) -> None:
        cache = CACHEABLE if scope["path"].startswith("/static/") else NOT_STORED

        async def guarded_send(message: Message) -> None:
            if exchange.too_large:  # the app answered a body cut short: say why instead
                if message["type"] == "http.response.start":
                    await self._send(send, exchange, self.answer(scope, 413))
                return
            if message["type"] == "http.response.start":
                exchange.started = True
                exchange.status = message["status"]
                message["headers"] = _with_headers(message.get("headers", []), cache)
            await send(message)

        async def guarded_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                exchange.received += len(message.get("body", b""))
                if exchange.received > exchange.limit:
                    exchange.too_large = True
                    raise _TooLarge
            return message

        if _declared_length(scope) > exchange.limit:
            await self._send(send, exchange, self.answer(scope, 413))
            return
        try:
            await self.app(scope, guarded_receive, guarded_send)
        except _TooLarge:
            if not exchange.started:
                await self._send(send, exchange, self.answer(scope, 413))
        except Exception:
            error_log.exception("%s %s failed", scope["method"], scope["path"])
            if not exchange.started:
                await self._send(send, exchange, self.answer(scope, 500))

    @staticmethod
    async def _send(send: Send, exchange: _Exchange, answer: Answer) -> None:
        if exchange.started:
            return
        exchange.started = True
        status, headers, body = answer
        exchange.status = status
        headers = _with_headers([*headers, (b"content-length", str(len(body)).encode())], "")
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


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
