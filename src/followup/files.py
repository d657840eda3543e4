"""Writing output files whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from followup.errors import UnusableOutput

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename.

    A reader never sees half a file, and a failure leaves any existing file as
    it was. The file is created readable by its owner only: it may carry a
    person's name and medical dates.
    """
    folder = path.parent
    if not folder.is_dir():
        raise UnusableOutput(path, f"the folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise UnusableOutput(path, "that is a folder; give a file name")
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
