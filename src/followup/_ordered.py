"""Items given back in order of a key, however many: memory stays flat as they grow.

`Ordered(key)` takes items one at a time (`add`) and gives them back sorted by
`key`, stably, as often as they are read. Up to `held` items stay in memory.
At `held`, the items held are sorted into a run and pickled, a block at a
time, to an anonymous temporary file (no name on disk; gone when closed, or
when the process ends), and reading merges the runs with the items still held,
holding one block of each run. A worklist of 20,000 lines then holds a block of
each of 4 runs and the last 3,616 lines, not 20,000 lines; a million lines hold
a block of each of 244 runs. `settled()` gives a tuple when nothing went to disk.

Only what the running process itself wrote is ever unpickled.
"""

from __future__ import annotations

import heapq
import itertools
import pickle
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, TypeVar, overload

__all__ = ["BLOCK", "HELD", "Ordered"]

HELD = 4096
BLOCK = 128

# Where each block of a run lies in the file: (offset, length).
_Run = list[tuple[int, int]]

T = TypeVar("T")


class Ordered(Sequence[T]):
    """Items in order of `key`: the first `held` (`HELD` unless given) in memory, the rest
    in sorted runs on disk."""

    def __init__(
        self, key: Callable[[T], Any], *, held: int | None = None, block: int | None = None
    ) -> None:
        self.key = key
        self.held = held or HELD
        self.block = block or BLOCK
        self._tail: list[T] = []
        self._sorted = True
        self._runs: list[_Run] = []
        self._count = 0
        self._file: IO[bytes] | None = None
        self._lock = threading.Lock()  # a read is a seek then a read: one at a time

    @classmethod
    def of(cls, items: Iterable[T], key: Callable[[T], Any], held: int | None = None) -> Ordered[T]:
        """`items` in order of `key`."""
        ordered = cls(key, held=held)
        for item in items:
            ordered.add(item)
        return ordered

    def add(self, item: T) -> None:
        """Take one more item; past `held` in memory, the held ones go to disk as a run."""
        self._tail.append(item)
        self._sorted = False
        self._count += 1
        if len(self._tail) >= self.held:
            self._spill()

    def close(self) -> None:
        """Let go of the temporary file (it is let go of when the process ends anyway)."""
        if self._file is not None:
            self._file.close()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[T]:
        tail = self._held()
        if not self._runs:
            return iter(tail)
        runs = [self._read(run) for run in self._runs]
        return heapq.merge(*runs, tail, key=self.key)  # ties: the earlier run first

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        """An item or items by position: at once while all are held, else read up to them."""
        if not self._runs:
            return self._held()[index]
        if isinstance(index, slice):
            return list(self)[index]
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        return next(itertools.islice(self, position, None))

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same items in the same order (a tuple, a list)."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment] # it still takes items

    def __repr__(self) -> str:
        return f"Ordered({self._count} items, {len(self._runs)} runs on disk)"

    def settled(self) -> Sequence[T]:
        """The items as a tuple when all are held in memory; else this, read from disk."""
        return tuple(self._held()) if not self._runs else self

    def _held(self) -> list[T]:
        with self._lock:  # two readers at once sort once
            if not self._sorted:
                self._tail.sort(key=self.key)
                self._sorted = True
        return self._tail

    def _disk(self) -> IO[bytes]:
        """The temporary file the runs are in, made with the first run."""
        if self._file is None:
            # Open across reads until close() or the finalizer below.
            self._file = tempfile.TemporaryFile(prefix="followup-")  # noqa: SIM115
            weakref.finalize(self, self._file.close)  # closed when the items are let go of
        return self._file

    def _spill(self) -> None:
        run: _Run = []
        items = self._held()
        file = self._disk()
        with self._lock:
            file.seek(0, 2)
            for start in range(0, len(items), self.block):
                data = pickle.dumps(items[start : start + self.block], pickle.HIGHEST_PROTOCOL)
                run.append((file.tell(), len(data)))
                file.write(data)
        self._runs.append(run)
        self._tail = []

    def _read(self, run: _Run) -> Iterator[T]:
        file = self._disk()
        for offset, length in run:
            with self._lock:
                file.seek(offset)
                data = file.read(length)
            block: list[T] = pickle.loads(data)  # noqa: S301 # written by this process, above
            yield from block
