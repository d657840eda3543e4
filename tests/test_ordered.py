"""Items given back in order, held in memory up to a bound and past it in sorted runs on disk."""

from __future__ import annotations

import operator
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup import _ordered
from followup._ordered import Ordered
from followup._roster_file import read_roster_bytes
from followup._worklist import worklist


def _first(pair: tuple[int, int]) -> int:
    return pair[0]


@given(
    st.lists(st.integers(-5, 5), max_size=60),
    st.integers(1, 9),
    st.integers(1, 4),
)
def test_reads_back_a_stable_sort_however_it_was_held(
    keys: list[int], held: int, block: int
) -> None:
    """Whatever is held and whatever is on disk, reading gives sorted(): ties in the order added."""
    items = [(key, number) for number, key in enumerate(keys)]
    ordered = Ordered(_first, held=held, block=block)
    for item in items:
        ordered.add(item)
    expected = sorted(items, key=_first)
    assert list(ordered) == expected
    assert list(ordered) == expected  # and again: reading takes nothing away
    assert len(ordered) == len(items)
    assert ordered == expected
    if items:
        assert ordered[0] == expected[0]
        assert ordered[-1] == expected[-1]
        assert ordered[len(items) // 2] == expected[len(items) // 2]
        assert list(ordered[1:4]) == expected[1:4]
    ordered.close()


def test_past_the_bound_the_runs_go_to_disk() -> None:
    """Ten items held four at a time: two runs on disk, two items in memory."""
    ordered = Ordered(operator.neg, held=4, block=3)
    for number in range(10):
        ordered.add(number)
    assert repr(ordered) == "Ordered(10 items, 2 runs on disk)"
    assert list(ordered) == list(range(9, -1, -1))
    assert ordered[9] == 0
    with pytest.raises(IndexError):
        ordered[10]
    with pytest.raises(IndexError):
        ordered[-11]
    assert ordered != [9, 8]
    assert ordered != "not a list"
    ordered.close()


def test_of_takes_any_iterable() -> None:
    assert Ordered.of(iter([3, 1, 2]), operator.neg) == (3, 2, 1)


def test_a_long_worklist_is_the_same_from_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worklist held three lines at a time lists, orders and fails rows as one held whole,
    repeated ids included."""
    roster = ["id,treatment_date,done,outcome,remind_on,contact_notes"]
    for number in range(40):
        day = f"2024-{number % 12 + 1:02d}-{number % 27 + 1:02d}"
        done = "2024-09-01" if number % 3 == 0 else ""
        outcome = ("", "booked", "call again", "removed")[number % 4]
        remind = "2026-02-01" if outcome == "call again" else ""
        roster.append(f"p{number % 37},{day},{done},{outcome},{remind},gone {number}")
    roster.append("bad,2024-02-30,,,,")
    rows = read_roster_bytes(("\n".join(roster) + "\n").encode())
    held = worklist(rows, date.fromisoformat("2026-01-01"))
    monkeypatch.setattr(_ordered, "HELD", 3)
    monkeypatch.setattr(_ordered, "BLOCK", 2)
    spilled = worklist(rows, date.fromisoformat("2026-01-01"))
    assert "runs on disk" in repr(spilled.items)
    assert spilled == held
    # Three ids on two rows each, three scans before their treatment, the impossible date.
    lines = [failure.line for failure in spilled.failed]
    assert lines == [2, 3, 4, 11, 23, 35, 39, 40, 41, 42]
    assert [item.line for item in spilled.items] == [item.line for item in held.items]
    # A server, whose rosters are bounded, keeps every line in memory.
    kept = worklist(rows, date.fromisoformat("2026-01-01"), spill=False)
    assert isinstance(kept.items, tuple)
    assert kept == held


def test_a_repeated_id_drops_only_its_own_rows() -> None:
    """Rows made in memory may share a line number: a repeated id fails its own rows,
    and a patient on the same line with another id is still listed."""
    from followup._roster_file import Row

    cells = {"treatment_date": "2024-01-31"}
    rows = [
        Row(1, {"id": "a", **cells}),
        Row(1, {"id": "a", **cells}),
        Row(1, {"id": "b", **cells}),
    ]
    work = worklist(rows, date(2024, 9, 5))
    assert [item.id for item in work.items] == ["b"]
    assert [failure.id for failure in work.failed] == ["a", "a"]
