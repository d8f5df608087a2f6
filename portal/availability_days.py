"""Replace some days of a kept availability with the same days read anew: what a kept
month needs after a booking on one of its days (see :mod:`portal.availability_cache`).

Pure: it only combines two :class:`portal.availability.Availability` values. The days
``first``..``last`` are taken whole from the fresh one (every shift and busy span that
overlaps them, as the database has them now), the rest from the kept one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from .availability import Availability
from .scheduling import StaffCalendar, day_interval, intervals
from .scheduling.intervals import Interval


def days_span(first: date, last: date, tz) -> Interval[datetime]:
    """The UTC interval of the local dates ``first``..``last``."""
    return day_interval(first, tz)[0], day_interval(last, tz)[1]


def _apart(spans: Sequence[Interval[datetime]], span: Interval[datetime]):
    """The spans that do not overlap ``span``."""
    start, end = span
    return tuple([item for item in spans if item[1] <= start or item[0] >= end])


def _within(spans: Sequence[Interval[datetime]], span: Interval[datetime]):
    """The spans that overlap ``span``."""
    start, end = span
    return tuple([item for item in spans if item[0] < end and item[1] > start])


def narrowed(availability: Availability, span: Interval[datetime]) -> Availability:
    """The availability seen only within ``span``: its window cut to it and each clerk's
    spans that overlap it (what the core needs to answer for those days, smaller)."""
    staff = [
        StaffCalendar(member.staff_id, _within(member.shifts, span), _within(member.busy, span))
        for member in availability.staff
    ]
    window = intervals.intersect(intervals.normalize(availability.window), [span])
    return replace(availability, window=window, staff=[member for member in staff if member.shifts])


def replace_days(kept: Availability, fresh: Availability, first: date, last: date) -> Availability:
    """``kept`` with the local dates ``first``..``last`` as ``fresh`` has them."""
    span = days_span(first, last, kept.tz)
    fresh_staff = {member.staff_id: member for member in fresh.staff}
    kept_staff = {member.staff_id: member for member in kept.staff}
    staff = []
    for staff_id in sorted(kept_staff.keys() | fresh_staff.keys()):
        old, new = kept_staff.get(staff_id), fresh_staff.get(staff_id)
        shifts = (_apart(old.shifts, span) if old else ()) + (new.shifts if new else ())
        busy = (_apart(old.busy, span) if old else ()) + (new.busy if new else ())
        if shifts:
            staff.append(StaffCalendar(staff_id, shifts, busy))
    window = intervals.normalize(
        [
            *intervals.subtract(intervals.normalize(kept.window), [span]),
            *intervals.intersect(intervals.normalize(fresh.window), [span]),
        ]
    )
    return replace(kept, window=window, staff=staff)
