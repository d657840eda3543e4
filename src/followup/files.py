"""Writing output files whole or not at all, readable by their owner only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from followup.errors import InvalidFile, UnusableOutput
from followup.i18n import _

__all__ = ["atomic_open", "make_private_folder", "read_text", "sync", "write_atomically"]


@contextlib.contextmanager
def atomic_open(path: Path, *, durable: bool = True) -> Iterator[IO[bytes]]:
    """A file to write `path` through: renamed into place only if the block succeeds.

    A reader never sees half a file, and a failure leaves any existing file as
    it was. The file is created readable by its owner only (0600): it may carry
    a person's name and medical dates. `durable` flushes it to disk before the
    rename; a caller writing many files can instead call `sync` once at the end.
    """
    folder = path.parent
    if not folder.is_dir():
        raise UnusableOutput(
            path, _("the folder {folder!r} does not exist").format(folder=str(folder))
        )
    if path.is_dir():
        raise UnusableOutput(path, _("that is a folder; give a file name"))
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` whole or not at all (see `atomic_open`)."""
    with atomic_open(path, durable=durable) as handle:
        handle.write(data)


def sync() -> None:
    """Flush every file written without `durable` to disk, at once."""
    os.sync()


def make_private_folder(path: Path) -> None:
    """Create `path` readable by its owner only (0700); an existing folder is kept as it is."""
    if path.exists() and not path.is_dir():
        raise UnusableOutput(path, _("that is a file, not a folder"))
    if not path.parent.is_dir():
        raise UnusableOutput(
            path, _("the folder {folder!r} does not exist").format(folder=str(path.parent))
        )
    if not path.exists():
        path.mkdir(mode=0o700)
        path.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened: make sure


def read_text(path: Path, what: str) -> str:
    """The text of an input file, or bad input that names the file and the problem.

    `what` says what the file should have been, for when it is a folder.
    """
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidFile(path, _("no such file")) from None
    except IsADirectoryError:
        raise InvalidFile(path, what) from None
    except UnicodeDecodeError:
        raise InvalidFile(path, _("not a text file in UTF-8")) from None
