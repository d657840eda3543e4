"""Reading input files within bounds; writing output files whole or not at all.

Output files are readable by their owner only. Temporary files are named
`.followup-<pid>-<random>.tmp`, short whatever the file's name, so that a
folder's own leftovers from a killed run can be told from anyone else's.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from followup._errors import InvalidFile, UnusableOutput
from followup._i18n import _

__all__ = [
    "INPUT_LIMIT",
    "atomic_open",
    "folder_lock",
    "make_private_folder",
    "output_file",
    "read_text",
    "remove_stale_temporaries",
    "sync",
    "write_atomically",
    "write_output",
]

# Patient and protocol files are a few hundred bytes; anything near this is a mistake.
INPUT_LIMIT = 1_000_000
_TEMPORARY = re.compile(r"\.followup-(\d+)-[0-9a-f]{8}\.tmp")


def _temporary_in(folder: Path) -> tuple[int, str]:
    """A new private file in `folder`, named so that our own leftovers can be recognised."""
    while True:
        name = folder / f".followup-{os.getpid()}-{os.urandom(4).hex()}.tmp"
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), str(name)
        except FileExistsError:  # pragma: no cover - 32 random bits collide
            continue


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
    descriptor, temporary = _temporary_in(folder)
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


def _is_stream(path: Path) -> bool:
    """A device, pipe or socket — or a name for one, such as /dev/stdout — rather than a file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as error:
        raise UnusableOutput(path, error.strerror or str(error)) from None
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return True
    # /dev/stdout redirected to a file: replacing it would replace the link, not write the file.
    real = os.path.realpath(path)
    return real.startswith(("/dev/", "/proc/")) or str(path).startswith(("/dev/", "/proc/"))


def write_output(path: Path | str | None, data: bytes) -> None:
    """Write a file the person named whole (see `output_file`)."""
    with output_file(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def output_file(output: Path | str | None) -> Iterator[IO[bytes]]:
    """A file the person named, to write through: standard output for none or `-`,
    atomically to a regular file or a new name (see `atomic_open`), straight to a
    device, a pipe or a stream such as /dev/stdout, which must never be replaced."""
    if output is None or output == "-":
        sys.stdout.flush()  # what was printed as text goes first
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(output)
    if not _is_stream(path):
        with atomic_open(path) as handle:
            yield handle
        return
    with open(path, "wb") as handle:
        yield handle


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

    `what` says what the file should have been, for when it is a folder. A
    file that cannot be read for any reason (missing, unreadable, a name too
    long, under a file) or larger than `INPUT_LIMIT` is bad input.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(INPUT_LIMIT + 1)
    except FileNotFoundError:
        raise InvalidFile(path, _("no such file")) from None
    except IsADirectoryError:
        raise InvalidFile(path, what) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise InvalidFile(path, _("cannot be read ({reason})").format(reason=reason)) from None
    if len(data) > INPUT_LIMIT:
        raise InvalidFile(
            path, _("larger than {size} bytes: not a file of this kind").format(size=INPUT_LIMIT)
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidFile(path, _("not a text file in UTF-8")) from None


def remove_stale_temporaries(folder: Path) -> None:
    """Remove our temporary files that a run killed midway left in `folder`.

    Only files named as ours, whose process is gone; another program's files,
    and those of a run still going, are left alone.
    """
    for entry in folder.iterdir():
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or _running(int(match.group(1))):
            continue
        with contextlib.suppress(FileNotFoundError):
            entry.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold `folder` for this run alone; bad input when another run holds it."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            raise UnusableOutput(
                folder, _("another run is writing to this folder; wait for it to finish")
            ) from None
        yield
    finally:
        os.close(descriptor)
