"""Tests for portal.scheduling.intervals: examples plus properties against a point-set model."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.scheduling.intervals import (
    covers,
    intersect,
    normalize,
    overlaps,
    subtract,
    union,
)

LIMIT = 60

# Raw intervals over 0..60, deliberately including empty and inverted ones.
raw_interval = st.tuples(st.integers(0, LIMIT), st.integers(0, LIMIT))
raw_intervals = st.lists(raw_interval, max_size=12)
interval_sets = raw_intervals.map(normalize)


def points(intervals: list[tuple[int, int]]) -> set[int]:
    """The integer points covered by (possibly unnormalized) half-open intervals."""
    return {x for start, end in intervals for x in range(start, end)}


def assert_normalized(intervals: list[tuple[int, int]]) -> None:
    for start, end in intervals:
        assert start < end, f"empty or inverted interval in {intervals}"
    for (_, prev_end), (next_start, _) in itertools.pairwise(intervals):
        assert prev_end < next_start, f"overlapping or touching intervals in {intervals}"


# ------------------------------------------------------------------------------ examples


def test_normalize_sorts_merges_overlapping_and_touching_and_drops_empty() -> None:
    raw = [(10, 12), (1, 3), (3, 5), (4, 6), (8, 8), (9, 7), (12, 13), (20, 21)]
    assert normalize(raw) == [(1, 6), (10, 13), (20, 21)]


def test_normalize_keeps_contained_interval_inside_outer_one() -> None:
    assert normalize([(0, 10), (2, 3)]) == [(0, 10)]
    assert normalize([]) == []


def test_union_examples() -> None:
    assert union([(0, 2), (5, 7)], [(2, 3), (6, 9), (20, 21)]) == [(0, 3), (5, 9), (20, 21)]
    assert union([], [(1, 2)]) == [(1, 2)]
    assert union([(1, 2)], []) == [(1, 2)]


def test_intersect_examples() -> None:
    assert intersect([(0, 10)], [(2, 3), (5, 7), (9, 12)]) == [(2, 3), (5, 7), (9, 10)]
    assert intersect([(0, 5)], [(5, 9)]) == []  # touching is not overlapping
    assert intersect([], [(0, 1)]) == []


def test_subtract_examples() -> None:
    assert subtract([(0, 10)], [(2, 3), (5, 7)]) == [(0, 2), (3, 5), (7, 10)]
    assert subtract([(0, 10), (12, 20)], [(8, 14)]) == [(0, 8), (14, 20)]
    assert subtract([(0, 10)], [(0, 10)]) == []
    assert subtract([(0, 10)], [(10, 12)]) == [(0, 10)]
    assert subtract([(0, 3), (5, 8)], [(-5, 1), (7, 30)]) == [(1, 3), (5, 7)]


def test_covers_examples() -> None:
    intervals = [(0, 5), (10, 20)]
    assert covers(intervals, 0, 5)
    assert covers(intervals, 12, 20)
    assert not covers(intervals, 4, 6)
    assert not covers(intervals, 5, 10)
    assert not covers(intervals, -1, 2)
    assert not covers(intervals, 19, 21)
    assert not covers(intervals, 3, 3)  # empty query is never covered
    assert not covers([], 0, 1)


def test_overlaps_is_half_open() -> None:
    assert overlaps(0, 10, 9, 12)
    assert overlaps(0, 10, 2, 3)
    assert not overlaps(0, 10, 10, 12)  # touching
    assert not overlaps(10, 12, 0, 10)
    assert not overlaps(0, 10, 5, 5)  # empty interval overlaps nothing


def test_functions_work_on_datetimes() -> None:
    from datetime import UTC, datetime

    def at(hour: int) -> datetime:
        return datetime(2026, 3, 2, hour, tzinfo=UTC)

    opening = normalize([(at(8), at(11)), (at(15), at(18))])
    closed = [(at(10), at(16))]
    assert subtract(opening, closed) == [(at(8), at(10)), (at(16), at(18))]
    assert covers(opening, at(9), at(11))


# ---------------------------------------------------------------------------- properties


@settings(max_examples=300)
@given(raw_intervals)
def test_normalize_preserves_points_and_is_normalized(raw: list[tuple[int, int]]) -> None:
    result = normalize(raw)
    assert points(result) == points(raw)
    assert_normalized(result)
    assert normalize(result) == result


@settings(max_examples=300)
@given(interval_sets, interval_sets)
def test_union_is_set_union(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> None:
    result = union(a, b)
    assert points(result) == points(a) | points(b)
    assert_normalized(result)


@settings(max_examples=300)
@given(interval_sets, interval_sets)
def test_intersect_is_set_intersection(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> None:
    result = intersect(a, b)
    assert points(result) == points(a) & points(b)
    assert_normalized(result)


@settings(max_examples=300)
@given(interval_sets, interval_sets)
def test_subtract_is_set_difference(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> None:
    result = subtract(a, b)
    assert points(result) == points(a) - points(b)
    assert_normalized(result)


@settings(max_examples=300)
@given(interval_sets, st.integers(-2, LIMIT + 2), st.integers(-2, LIMIT + 2))
def test_covers_means_inside_one_interval(
    interval_set: list[tuple[int, int]], start: int, end: int
) -> None:
    # On integers a query is inside one interval of a normalized set iff all its points are
    # covered: two distinct intervals of a normalized set always have a gap point between them.
    expected = start < end and set(range(start, end)) <= points(interval_set)
    assert covers(interval_set, start, end) == expected
    assert covers(interval_set, start, end) == any(
        s <= start and end <= e for s, e in interval_set if start < end
    )


@settings(max_examples=300)
@given(raw_interval, raw_interval)
def test_overlaps_means_a_shared_point(a: tuple[int, int], b: tuple[int, int]) -> None:
    assert overlaps(*a, *b) == bool(points([a]) & points([b]))
    assert overlaps(*a, *b) == overlaps(*b, *a)
