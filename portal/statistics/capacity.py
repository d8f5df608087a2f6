"""Capacity offered against booked, and each person's counter and back-office hours:
pure functions over shifts and booked visits (no Flask, no database).

Counter shifts are the capacity offered. The reserved part of each is its tail, as the
booking rules keep it from the public (:func:`portal.scheduling.audience.reserved_tail`,
with the team's reserved share as it is set now). A visit counts as booked for the part of
it that lies inside a counter shift of its clerk, and as booked in reserved time for the
part inside that shift's tail. Periods go by the shift's own local date.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..scheduling.audience import reserved_tail
from .figures import Grouping, period_start

# No visit is longer than this (the booking path refuses longer claims).
LONGEST_VISIT = timedelta(days=1)


@dataclass(frozen=True)
class ShiftFact:
    """A shift of one clerk, and the share of a counter shift their team reserves."""

    staff_id: int
    counter: bool
    starts_at: datetime
    ends_at: datetime
    reserved_percent: int = 0


@dataclass(frozen=True)
class BookedSpan:
    """The time of one visit that was not cancelled."""

    staff_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class CapacityRow:
    """One period: counter hours offered and the reserved part of them, hours booked and
    the part booked in reserved time, and the share of the offered hours booked."""

    first_day: date
    offered_hours: float
    reserved_hours: float
    booked_hours: float
    booked_reserved_hours: float
    booked_share: float | None


@dataclass(frozen=True)
class PersonHours:
    """One person's hours in the period: at the counter, in the back office, and the
    counter's share of the two."""

    staff_id: int
    counter_hours: float
    back_office_hours: float
    counter_share: float | None


def _hours(span: timedelta) -> float:
    return span.total_seconds() / 3600


def _overlap(start: datetime, end: datetime, other_start: datetime, other_end: datetime):
    return max(timedelta(0), min(end, other_end) - max(start, other_start))


class _Visits:
    """One clerk's booked spans in start order, to find those inside a shift quickly."""

    def __init__(self, spans: Sequence[BookedSpan]) -> None:
        self.spans = sorted(spans, key=lambda span: span.starts_at)
        self.starts = [span.starts_at for span in self.spans]

    def booked(self, start: datetime, end: datetime, tail_from: datetime):
        """The time booked inside ``[start, end)``, and inside ``[tail_from, end)``."""
        booked = reserved = timedelta(0)
        index = bisect_left(self.starts, start - LONGEST_VISIT)
        while index < len(self.spans) and self.spans[index].starts_at < end:
            span = self.spans[index]
            booked += _overlap(span.starts_at, span.ends_at, start, end)
            reserved += _overlap(span.starts_at, span.ends_at, tail_from, end)
            index += 1
        return booked, reserved


def capacity_rows(
    shifts: Iterable[ShiftFact],
    booked: Iterable[BookedSpan],
    grouping: Grouping,
    tz: ZoneInfo,
    grid: timedelta,
) -> list[CapacityRow]:
    """Counter capacity offered, reserved and booked per period, in date order."""
    by_clerk: dict[int, list[BookedSpan]] = defaultdict(list)
    for span in booked:
        by_clerk[span.staff_id].append(span)
    visits = {staff_id: _Visits(spans) for staff_id, spans in by_clerk.items()}
    nobody = _Visits([])
    totals: dict[date, list[timedelta]] = {}
    for shift in shifts:
        if not shift.counter:
            continue
        period = period_start(shift.starts_at.astimezone(tz).date(), grouping)
        tail = reserved_tail((shift.starts_at, shift.ends_at), shift.reserved_percent, grid)
        booked_time, booked_reserved = visits.get(shift.staff_id, nobody).booked(
            shift.starts_at, shift.ends_at, shift.ends_at - tail
        )
        sums = totals.setdefault(period, [timedelta(0)] * 4)
        sums[0] += shift.ends_at - shift.starts_at
        sums[1] += tail
        sums[2] += booked_time
        sums[3] += booked_reserved
    return [
        CapacityRow(
            first_day,
            offered_hours=round(_hours(offered), 1),
            reserved_hours=round(_hours(reserved), 1),
            booked_hours=round(_hours(booked_time), 1),
            booked_reserved_hours=round(_hours(booked_reserved), 1),
            booked_share=round(booked_time / offered, 3) if offered else None,
        )
        for first_day, (offered, reserved, booked_time, booked_reserved) in sorted(totals.items())
    ]


def person_hours(shifts: Iterable[ShiftFact]) -> list[PersonHours]:
    """Each person's counter and back-office hours, in the order of the staff ids."""
    counter: dict[int, timedelta] = defaultdict(timedelta)
    office: dict[int, timedelta] = defaultdict(timedelta)
    for shift in shifts:
        (counter if shift.counter else office)[shift.staff_id] += shift.ends_at - shift.starts_at
    rows = []
    for staff_id in sorted(set(counter) | set(office)):
        total = counter[staff_id] + office[staff_id]
        rows.append(
            PersonHours(
                staff_id,
                counter_hours=round(_hours(counter[staff_id]), 1),
                back_office_hours=round(_hours(office[staff_id]), 1),
                counter_share=round(counter[staff_id] / total, 3) if total else None,
            )
        )
    return rows
