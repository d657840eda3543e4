"""Servers the tests start on 127.0.0.1: a free port, waiting for one to listen, Radicale."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_listening(
    port: int, process: subprocess.Popen[bytes], what: str = "Radicale"
) -> None:
    """Back when `process` listens on `port`; the test fails if it stops or takes 20 s."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{what} stopped: {process.stderr.read().decode() if process.stderr else ''}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    pytest.fail(f"{what} did not start listening within 20 s")


@contextlib.contextmanager
def radicale(folder: Path, users: dict[str, str] | None = None) -> Iterator[int]:
    """A Radicale server for the block, storing in `folder`; its port. With `users` (name:
    password), each logs in and sees only their own calendars; without, anyone may."""
    port = free_port()
    if users is None:
        auth = "[auth]\ntype = none\n"
    else:
        logins = folder / "users"
        logins.write_text("".join(f"{user}:{word}\n" for user, word in users.items()))
        auth = (
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {logins}\n"
            "htpasswd_encryption = plain\ndelay = 0\n[rights]\ntype = owner_only\n"
        )
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n{auth}"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[web]\ntype = none\n[logging]\nlevel = error\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()
