"""Half-open interval arithmetic for the scheduling core.

An interval is a tuple ``(start, end)`` meaning ``[start, end)``: ``start`` is included,
``end`` is not, so ``(9, 10)`` and ``(10, 11)`` touch but do not overlap.  The functions are
generic over any totally ordered values (aware datetimes in production, ints in tests).

An *interval set* is a list of intervals that is sorted, whose intervals are non-empty
(``start < end``) and neither overlap nor touch.  :func:`normalize` turns any list of
intervals into an interval set; :func:`union`, :func:`intersect` and :func:`subtract` take
interval sets and return interval sets in linear time (two-pointer sweeps).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any, Protocol, TypeVar

__all__ = [
    "Interval",
    "covers",
    "intersect",
    "normalize",
    "overlaps",
    "subtract",
    "union",
]


class _Ordered(Protocol):
    """Values with a total order (what interval bounds must support)."""

    def __lt__(self, other: Any, /) -> bool: ...

    def __le__(self, other: Any, /) -> bool: ...


T = TypeVar("T", bound=_Ordered)

#: A half-open interval ``[start, end)``.
Interval = tuple[T, T]

_start_of = itemgetter(0)


def normalize(intervals: Iterable[Interval[T]]) -> list[Interval[T]]:
    """Return the interval set covering exactly the same points as ``intervals``.

    Sorts, drops empty and inverted intervals (``start >= end``) and merges intervals that
    overlap *or touch*, so that the result is the canonical form the other functions expect.
    Inputs coming from storage (shifts, absences, appointments) are unordered and may overlap;
    normalizing them once makes every later operation a linear sweep.
    """
    merged: list[Interval[T]] = []
    for start, end in sorted((s, e) for s, e in intervals if s < e):
        if merged and start <= merged[-1][1]:
            if merged[-1][1] < end:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def union(a: Sequence[Interval[T]], b: Sequence[Interval[T]]) -> list[Interval[T]]:
    """Return the interval set of points in ``a`` or in ``b`` (both interval sets).

    Linear merge of the two sorted lists, coalescing overlapping and touching intervals, so
    combining e.g. two sources of closures stays O(len(a) + len(b)).
    """
    out: list[Interval[T]] = []
    i = j = 0
    len_a, len_b = len(a), len(b)
    while i < len_a or j < len_b:
        if j >= len_b or (i < len_a and a[i][0] <= b[j][0]):
            start, end = a[i]
            i += 1
        else:
            start, end = b[j]
            j += 1
        if out and start <= out[-1][1]:
            if out[-1][1] < end:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def intersect(a: Sequence[Interval[T]], b: Sequence[Interval[T]]) -> list[Interval[T]]:
    """Return the interval set of points in both ``a`` and ``b`` (both interval sets).

    Two-pointer sweep in O(len(a) + len(b)); used e.g. to restrict a staff member's shifts to
    the opening hours.
    """
    out: list[Interval[T]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        a_start, a_end = a[i]
        b_start, b_end = b[j]
        start = max(a_start, b_start)
        end = min(b_end, a_end)
        if start < end:
            out.append((start, end))
        if a_end < b_end:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Sequence[Interval[T]], b: Sequence[Interval[T]]) -> list[Interval[T]]:
    """Return the interval set of points in ``a`` but not in ``b`` (both interval sets).

    Sweep in O(len(a) + len(b)): for each interval of ``a`` only the intervals of ``b`` that
    overlap it are visited.  Used to remove closures from the opening hours and busy time
    from a staff member's presence.
    """
    out: list[Interval[T]] = []
    j = 0
    len_b = len(b)
    for start, end in a:
        while j < len_b and b[j][1] <= start:
            j += 1
        cursor = start
        k = j
        while k < len_b and b[k][0] < end:
            b_start, b_end = b[k]
            if cursor < b_start:
                out.append((cursor, b_start))
            cursor = max(cursor, b_end)
            if not cursor < end:
                break
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def covers(interval_set: Sequence[Interval[T]], start: T, end: T) -> bool:
    """Tell whether ``[start, end)`` lies inside a single interval of ``interval_set``.

    Binary search, O(log n).  ``interval_set`` must be normalized (otherwise two touching
    intervals would not be recognised as one).  An empty or inverted query (``start >= end``)
    returns False: a zero-length visit is never bookable.
    """
    if not start < end:
        return False
    index = bisect_right(interval_set, start, key=_start_of) - 1
    return index >= 0 and end <= interval_set[index][1]


def overlaps(a_start: T, a_end: T, b_start: T, b_end: T) -> bool:
    """Tell whether ``[a_start, a_end)`` and ``[b_start, b_end)`` share at least one point.

    This is the single definition of overlap in the project: intervals are half-open, so
    touching intervals (an appointment ending at 10:00 and one starting at 10:00) do not
    overlap, and an empty interval overlaps nothing.
    """
    return a_start < a_end and b_start < b_end and a_start < b_end and b_start < a_end
