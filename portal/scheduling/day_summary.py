"""A per-day summary of free times: the last free start of each local date. Pure, like the
rest of the core.

Why the last one: a later first allowed start (``now`` + notice, which moves with the
clock) only removes starts from the front, so a day still has a free time at ``earliest``
exactly when its last free start is not before ``earliest``. A summary computed once from
the start of the first day therefore answers "which days are free" for any later
``earliest`` without computing again (see :mod:`portal.availability_cache`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from .availability import (
    SlotRequest,
    StaffCalendar,
    _candidate_starts,
    _free_set,
    _sorted_calendars,
    _utc_intervals,
    day_interval,
)
from .intervals import Interval, normalize

__all__ = ["last_free_starts"]


def last_free_starts(
    window: Iterable[Interval[datetime]],
    staff: Iterable[StaffCalendar],
    request: SlotRequest,
    tz: tzinfo,
) -> dict[date, datetime]:
    """The latest free start (UTC) of every local date (in ``tz``) with a free slot.

    Same rules as :func:`~portal.scheduling.availability.free_slots`: its keys are the
    dates of :func:`~portal.scheduling.availability.days_with_free_slot`, and each value
    is the start of that date's last free slot. Candidates are swept backwards, so once a
    date has its answer the rest of it is skipped without checking any staff member.
    """
    window_set = normalize(_utc_intervals(window))
    calendars = _sorted_calendars(staff)
    starts = _candidate_starts(window_set, request)
    if not starts or not calendars:
        return {}
    duration = request.duration
    free_sets = [_free_set(window_set, calendar) for calendar in calendars]
    # Per member, the last free interval that starts at or before the candidate: the only
    # one that can hold it. Starts descend, so the pointers only move back.
    pointers = [len(free) - 1 for free in free_sets]
    found: dict[date, datetime] = {}
    day: date | None = None
    day_start: datetime | None = None
    for start in reversed(starts):
        if day_start is None or start < day_start:
            day = start.astimezone(tz).date()
            day_start = day_interval(day, tz)[0]
        if day in found:
            continue
        end = start + duration
        for member, free in enumerate(free_sets):
            pointer = pointers[member]
            while pointer >= 0 and free[pointer][0] > start:
                pointer -= 1
            pointers[member] = pointer
            if pointer >= 0 and free[pointer][1] >= end:
                found[day] = start
                break
    return found
