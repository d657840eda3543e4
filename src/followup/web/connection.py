"""The HTTP connection `followup serve` runs: uvicorn's, with bounds on each request's head.

uvicorn waits for a request's line and headers as long as a client cares to
dribble them, and takes headers of any size. Here a head must arrive within
`head_seconds` of the connection or of its first byte, and hold at most
`head_bytes`; otherwise the connection is answered 408 or 431 and closed. The
body's own time and size are the app's to bound (see `guard`), so that they
hold under any ASGI server.
"""

from __future__ import annotations

import asyncio
import functools
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from followup.web.limits import Limits

__all__ = ["BoundedHttp"]

_HEAD_END = b"\r\n\r\n"


@functools.cache
def _limits() -> Limits:
    return Limits.from_environment()


class BoundedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline and a size bound on every request's head,
    as the environment sets them (see `Limits`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_bytes = _limits().head_bytes
        self.head_seconds: float = _limits().head_seconds
        self._awaiting_head = True  # between requests, and until a head has ended
        self._head_size = 0
        self._tail = b""  # the head's last bytes so far: its end may span two reads
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()  # a connection that says nothing is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head and not self._read_head(data):
            return
        super().data_received(data)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next request's head is timed from its first byte; until then uvicorn's
        # keep-alive timeout closes an idle connection.
        self._awaiting_head, self._head_size, self._tail = True, 0, b""

    def _read_head(self, data: bytes) -> bool:
        """Count `data` into the head; False when the connection was refused for its size."""
        if self._head_timer is None:
            self._start_head_timer()
        seen = self._tail + data
        end = seen.find(_HEAD_END)
        size = self._head_size + (len(data) if end < 0 else end + len(_HEAD_END) - len(self._tail))
        if size > self.head_bytes:
            self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
            return False
        if end < 0:
            self._head_size, self._tail = size, seen[-(len(_HEAD_END) - 1) :]
        else:
            self._awaiting_head = False
            self._stop_head_timer()
        return True

    def _start_head_timer(self) -> None:
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(self.head_seconds, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._awaiting_head:
            self._refuse(HTTPStatus.REQUEST_TIMEOUT)

    def _refuse(self, status: HTTPStatus) -> None:
        """Answer `status` in plain words and close the connection."""
        self._stop_head_timer()
        if self.transport.is_closing():
            return
        body = f"{status.phrase}\n".encode()
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s"
            % (status.value, status.phrase.encode(), len(body), body)
        )
        self.transport.close()
