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
from collections.abc import Iterable, Mapping, Sequence
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


@dataclass
class StaffDay:
    """One clerk's shift time on one local date, in minutes: at the counter, in the back
    office, the reserved tail of the counter time, and the time booked in counter time
    and in its reserved tail. What the nightly roll-up keeps per clerk and day."""

    counter: float = 0
    back_office: float = 0
    reserved: float = 0
    booked: float = 0
    booked_reserved: float = 0

    def merge(self, other: StaffDay) -> None:
        """Add ``other``'s minutes to these."""
        self.counter += other.counter
        self.back_office += other.back_office
        self.reserved += other.reserved
        self.booked += other.booked
        self.booked_reserved += other.booked_reserved


StaffDays = dict[tuple[date, int], StaffDay]


def _minutes(span: timedelta) -> float:
    return span.total_seconds() / 60


def staff_days(
    shifts: Iterable[ShiftFact], booked: Iterable[BookedSpan], tz: ZoneInfo, grid: timedelta
) -> StaffDays:
    """The shifts and booked time per (local date of the shift, clerk)."""
    by_clerk: dict[int, list[BookedSpan]] = defaultdict(list)
    for span in booked:
        by_clerk[span.staff_id].append(span)
    visits = {staff_id: _Visits(spans) for staff_id, spans in by_clerk.items()}
    nobody = _Visits([])
    days: StaffDays = {}
    for shift in shifts:
        day = days.setdefault((shift.starts_at.astimezone(tz).date(), shift.staff_id), StaffDay())
        length = _minutes(shift.ends_at - shift.starts_at)
        if not shift.counter:
            day.back_office += length
            continue
        tail = reserved_tail((shift.starts_at, shift.ends_at), shift.reserved_percent, grid)
        booked_time, booked_reserved = visits.get(shift.staff_id, nobody).booked(
            shift.starts_at, shift.ends_at, shift.ends_at - tail
        )
        day.counter += length
        day.reserved += _minutes(tail)
        day.booked += _minutes(booked_time)
        day.booked_reserved += _minutes(booked_reserved)
    return days


def _hours(minutes: float) -> float:
    return round(minutes / 60, 1)


def per_day(days: StaffDays) -> dict[date, StaffDay]:
    """The clerks' minutes summed per date."""
    summed: dict[date, StaffDay] = {}
    for (day, _staff_id), figures in days.items():
        summed.setdefault(day, StaffDay()).merge(figures)
    return summed


def per_clerk(days: StaffDays) -> dict[int, StaffDay]:
    """The days' minutes summed per clerk."""
    summed: dict[int, StaffDay] = {}
    for (_day, staff_id), figures in days.items():
        summed.setdefault(staff_id, StaffDay()).merge(figures)
    return summed


def capacity_rows(by_day: Mapping[date, StaffDay], grouping: Grouping) -> list[CapacityRow]:
    """Counter capacity offered, reserved and booked per period, in date order."""
    periods: dict[date, StaffDay] = {}
    for day, figures in by_day.items():
        periods.setdefault(period_start(day, grouping), StaffDay()).merge(figures)
    return [
        CapacityRow(
            first_day,
            offered_hours=_hours(figures.counter),
            reserved_hours=_hours(figures.reserved),
            booked_hours=_hours(figures.booked),
            booked_reserved_hours=_hours(figures.booked_reserved),
            booked_share=round(figures.booked / figures.counter, 3) if figures.counter else None,
        )
        for first_day, figures in sorted(periods.items())
        if figures.counter
    ]


def person_hours(by_clerk: Mapping[int, StaffDay]) -> list[PersonHours]:
    """Each person's counter and back-office hours, in the order of the staff ids."""
    rows = []
    for staff_id, figures in sorted(by_clerk.items()):
        total = figures.counter + figures.back_office
        rows.append(
            PersonHours(
                staff_id,
                counter_hours=_hours(figures.counter),
                back_office_hours=_hours(figures.back_office),
                counter_share=round(figures.counter / total, 3) if total else None,
            )
        )
    return rows
