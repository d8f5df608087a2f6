"""Free-slot computation: which visits can be booked, when, and with whom.

Everything here is pure: plain data in, plain data out, no clock, no database.  All
datetimes must be timezone-aware; they are converted to UTC on the way in and every result
is in UTC.  Local wall-clock time only appears in :func:`opening_intervals`,
:func:`day_interval` and :func:`days_with_free_slot`, which take the timezone explicitly.

Typical flow (done by the caller)::

    window = subtract(opening_intervals(schedules, first, last, tz),
                      normalize(day_interval(d, tz) for d in closed_dates))
    slots = free_slots(window, calendars, SlotRequest(duration, grid, earliest, latest))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise

from .intervals import Interval, intersect, normalize, overlaps, subtract

__all__ = [
    "FreeSlot",
    "OpeningBlock",
    "OpeningSchedule",
    "SlotRequest",
    "StaffCalendar",
    "day_interval",
    "days_with_free_slot",
    "free_slots",
    "local_to_utc",
    "naive_free_slots",
    "opening_intervals",
    "schedule_for",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class OpeningBlock:
    """One opening period on a weekday, in local wall-clock time (``opens < closes``)."""

    weekday: int  # 0 = Monday ... 6 = Sunday
    opens: time
    closes: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opening times are local wall-clock times: pass naive times")
        if not self.opens < self.closes:
            raise ValueError(f"block must open before it closes: {self.opens}-{self.closes}")


@dataclass(frozen=True, slots=True)
class OpeningSchedule:
    """Weekly opening hours valid from ``valid_from`` to ``valid_until`` (inclusive).

    ``None`` means unbounded on that side.  A weekday without any block is closed.
    """

    valid_from: date | None
    valid_until: date | None
    blocks: tuple[OpeningBlock, ...]

    def __post_init__(self) -> None:
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        ):
            raise ValueError("valid_until is before valid_from")

    def applies_to(self, day: date) -> bool:
        """Tell whether ``day`` falls inside this schedule's validity period."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True, slots=True)
class StaffCalendar:
    """A staff member's presence (``shifts``) and unavailability (``busy``), aware datetimes.

    ``shifts`` are the shifts of the kind the service needs; ``busy`` gathers absences,
    appointments and live holds.  Both may be unsorted and overlapping.
    """

    staff_id: int
    shifts: tuple[Interval[datetime], ...]
    busy: tuple[Interval[datetime], ...]


@dataclass(frozen=True, slots=True)
class SlotRequest:
    """What is being booked: visit length, start grid, and the allowed range of starts.

    ``earliest`` is the first allowed start (now + minimum notice) and ``latest_start`` the
    last allowed start (end of the booking horizon); both inclusive and aware.
    """

    duration: timedelta
    grid: timedelta
    earliest: datetime
    latest_start: datetime

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.grid <= timedelta(0):
            raise ValueError("grid must be positive")
        _require_aware(self.earliest)
        _require_aware(self.latest_start)


@dataclass(frozen=True, slots=True)
class FreeSlot:
    """A bookable visit ``[start, end)`` (UTC) and the sorted ids of staff who can take it."""

    start: datetime
    end: datetime
    staff_ids: tuple[int, ...]

    @property
    def capacity(self) -> int:
        """How many visits can still be booked at this time (one per available staff)."""
        return len(self.staff_ids)


# --------------------------------------------------------------------------- opening hours


def schedule_for(schedules: Sequence[OpeningSchedule], day: date) -> OpeningSchedule | None:
    """Pick the schedule governing ``day``: latest ``valid_from`` wins (None = earliest).

    Ties go to the schedule ending first (the more specific one; None = latest), then to the
    one listed last.
    """
    best: OpeningSchedule | None = None
    best_key: tuple[int, int, int] | None = None
    for position, schedule in enumerate(schedules):
        # The validity test of OpeningSchedule.applies_to, written so that the database's
        # rows (portal.models.OpeningSchedule) can be picked from too.
        if not (schedule.valid_from or date.min) <= day <= (schedule.valid_until or date.max):
            continue
        key = (
            (schedule.valid_from or date.min).toordinal(),
            -(schedule.valid_until or date.max).toordinal(),
            position,
        )
        if best_key is None or best_key < key:
            best, best_key = schedule, key
    return best


def opening_intervals(
    schedules: Sequence[OpeningSchedule],
    first_day: date,
    last_day: date,
    tz: tzinfo,
) -> list[Interval[datetime]]:
    """Expand weekly schedules into concrete UTC intervals for local dates first..last day.

    Each block's times are local wall-clock times in ``tz``: they are combined with the date
    in ``tz`` and then converted to UTC, so 09:00 in Brussels is 08:00 UTC in winter and
    07:00 UTC in summer.  For each date only the governing schedule is used (see
    :class:`OpeningSchedule`; latest ``valid_from`` wins), so a seasonal schedule replaces
    the default one entirely, closed weekdays included.  The result is normalized.
    """
    found: list[Interval[datetime]] = []
    day = first_day
    while day <= last_day:
        schedule = schedule_for(schedules, day)
        if schedule is not None:
            weekday = day.weekday()
            for block in schedule.blocks:
                if block.weekday == weekday:
                    found.append(
                        (local_to_utc(day, block.opens, tz), local_to_utc(day, block.closes, tz))
                    )
        day += _ONE_DAY
    return normalize(found)


def day_interval(day: date, tz: tzinfo) -> Interval[datetime]:
    """Return local ``day`` (midnight to next midnight in ``tz``) as a UTC interval.

    Lasts 23 or 25 hours on DST-change days.  Used to turn closed dates (public holidays,
    exceptional closures) into intervals that can be subtracted from the opening hours.
    """
    return (local_to_utc(day, time(0), tz), local_to_utc(day + _ONE_DAY, time(0), tz))


def local_to_utc(day: date, at: time, tz: tzinfo) -> datetime:
    """Local wall-clock ``day at`` in ``tz`` as UTC (fold=0 for ambiguous/skipped times)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


# ------------------------------------------------------------------------------ free slots


def _require_aware(moment: datetime) -> None:
    """Raise ValueError for naive datetimes, which would silently mean "server local time"."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {moment!r}")


def _utc(moment: datetime) -> datetime:
    """Convert an aware datetime to UTC (so that timedelta arithmetic is absolute)."""
    _require_aware(moment)
    return moment.astimezone(UTC)


def _utc_intervals(intervals: Iterable[Interval[datetime]]) -> list[Interval[datetime]]:
    """Convert every bound of ``intervals`` to UTC, keeping order and duplicates."""
    return [(_utc(start), _utc(end)) for start, end in intervals]


def _sorted_calendars(staff: Iterable[StaffCalendar]) -> list[StaffCalendar]:
    """Sort calendars by staff id (so slot staff ids come out sorted); reject duplicates."""
    calendars = sorted(staff, key=lambda calendar: calendar.staff_id)
    for previous, current in pairwise(calendars):
        if previous.staff_id == current.staff_id:
            raise ValueError(f"duplicate staff_id {current.staff_id}")
    return calendars


def _candidate_starts(window: Sequence[Interval[datetime]], request: SlotRequest) -> list[datetime]:
    """All allowed starts, ascending: grid anchored at each window interval's start."""
    duration, grid = request.duration, request.grid
    earliest, latest = _utc(request.earliest), _utc(request.latest_start)
    starts: list[datetime] = []
    for window_start, window_end in window:
        if latest < window_start:
            break
        last = min(latest, window_end - duration)
        candidate = window_start
        if candidate < earliest:  # jump to the first grid point >= earliest
            candidate += -((window_start - earliest) // grid) * grid
        while candidate <= last:
            starts.append(candidate)
            candidate += grid
    return starts


def _free_set(
    window: Sequence[Interval[datetime]], calendar: StaffCalendar
) -> list[Interval[datetime]]:
    """A staff member's bookable time: (window ∩ shifts) − busy, as an interval set."""
    shifts = normalize(_utc_intervals(calendar.shifts))
    busy = normalize(_utc_intervals(calendar.busy))
    return subtract(intersect(window, shifts), busy)


def free_slots(
    window: Iterable[Interval[datetime]],
    staff: Iterable[StaffCalendar],
    request: SlotRequest,
) -> list[FreeSlot]:
    """Return every bookable slot in ``window`` with the staff who can take it, by start.

    ``window`` is where visits may take place (opening hours minus closures).  Candidate
    starts step by ``request.grid`` from the start of each window interval (grid steps are
    absolute time); a candidate must satisfy ``earliest <= start <= latest_start`` and fit
    in its window interval.  A staff member is offered when ``[start, start + duration)``
    lies inside one interval of (window ∩ shifts) − busy.  Slots nobody can take are left
    out.  Cost O(candidates × staff + intervals): each member's free set is computed once,
    then the ascending candidates are swept with a moving pointer.
    """
    window_set = normalize(_utc_intervals(window))
    calendars = _sorted_calendars(staff)
    starts = _candidate_starts(window_set, request)
    if not starts:
        return []
    duration = request.duration
    ends = [start + duration for start in starts]
    offered: list[list[int]] = [[] for _ in starts]
    for calendar in calendars:
        free = _free_set(window_set, calendar)
        pointer, count = 0, len(free)
        for index, end in enumerate(ends):
            # The only free interval that can contain [start, end) is the first one that
            # does not end before ``end``; ends ascend, so the pointer never moves back.
            while pointer < count and free[pointer][1] < end:
                pointer += 1
            if pointer == count:
                break
            if free[pointer][0] <= starts[index]:
                offered[index].append(calendar.staff_id)
    return [
        FreeSlot(start, end, tuple(ids))
        for start, end, ids in zip(starts, ends, offered, strict=True)
        if ids
    ]


def days_with_free_slot(
    window: Iterable[Interval[datetime]],
    staff: Iterable[StaffCalendar],
    request: SlotRequest,
    tz: tzinfo,
) -> list[date]:
    """Return the sorted local dates (in ``tz``) on which at least one slot is free.

    Same rules as :func:`free_slots` and always equal to the local dates of its slots' starts,
    but cheaper for the month calendar: once a day has a slot, its remaining candidates are
    skipped without checking any staff member.
    """
    window_set = normalize(_utc_intervals(window))
    calendars = _sorted_calendars(staff)
    starts = _candidate_starts(window_set, request)
    if not starts or not calendars:
        return []
    duration = request.duration
    free_sets = [_free_set(window_set, calendar) for calendar in calendars]
    pointers = [0] * len(free_sets)
    days: list[date] = []
    day = starts[0].astimezone(tz).date()
    day_end = day_interval(day, tz)[1]
    found_day: date | None = None
    for start in starts:
        if day_end <= start:
            day = start.astimezone(tz).date()
            day_end = day_interval(day, tz)[1]
        if day == found_day:
            continue
        end = start + duration
        for member, free in enumerate(free_sets):
            pointer, count = pointers[member], len(free)
            while pointer < count and free[pointer][1] < end:
                pointer += 1
            pointers[member] = pointer
            if pointer < count and free[pointer][0] <= start:
                days.append(day)
                found_day = day
                break
    return days


def naive_free_slots(
    window: Iterable[Interval[datetime]],
    staff: Iterable[StaffCalendar],
    request: SlotRequest,
) -> list[FreeSlot]:
    """Deliberately simple reference version of :func:`free_slots` (same contract).

    For each candidate start and each staff member it checks, by linear scans over the raw
    inputs, that the visit lies within the member's shifts (back-to-back or overlapping
    shifts count as continuous presence) and overlaps none of their busy intervals.  Kept
    public because the benchmark uses it as a performance floor and the tests use it as an
    oracle; do not use it in request handling.
    """
    window_set = normalize(_utc_intervals(window))  # defines where the grid is anchored
    calendars = [
        (calendar.staff_id, _utc_intervals(calendar.shifts), _utc_intervals(calendar.busy))
        for calendar in _sorted_calendars(staff)
    ]
    earliest, latest = _utc(request.earliest), _utc(request.latest_start)
    slots: list[FreeSlot] = []
    for window_start, window_end in window_set:
        start = window_start
        while start + request.duration <= window_end:
            end = start + request.duration
            if earliest <= start <= latest:
                ids = tuple(
                    staff_id
                    for staff_id, shifts, busy in calendars
                    if _within_union(shifts, start, end)
                    and not any(overlaps(start, end, b_start, b_end) for b_start, b_end in busy)
                )
                if ids:
                    slots.append(FreeSlot(start, end, ids))
            start += request.grid
    return slots


def _within_union(intervals: Sequence[Interval[datetime]], start: datetime, end: datetime) -> bool:
    """Naive check that [start, end) is covered by the union of (unsorted) ``intervals``."""
    reached = start
    progressed = True
    while reached < end and progressed:
        progressed = False
        for interval_start, interval_end in intervals:
            if interval_start <= reached < interval_end:
                reached = interval_end
                progressed = True
    return end <= reached
