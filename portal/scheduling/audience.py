"""Who is asking for free times, and what that changes: reserved capacity and windows.

Pure, like the rest of the core. Three audiences ask:

- **the public** (the booking pages and the public API): the services' notice and
  horizon, and not the reserved part of the counter turns;
- **staff** (booking on behalf, moving, a follow-up booked at the counter): no notice, a
  year ahead, reserved time included, optionally one clerk and a window of dates;
- **an invitation** (a follow-up the resident books or moves): the services' notice, only
  inside the invitation's window, only with its clerk (or the clerks it allows), reserved
  time included.

Reserved capacity works like Berlin's and Munich's "internal" desks, but in time rather
than in desks, so it also works with one clerk at the counter: the last ``percent`` of
each counter turn, on the grid, is not offered to the public. Reserved time still free on
the next ``release_days`` working days (today included) opens to everyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from .availability import local_to_utc
from .intervals import Interval

__all__ = [
    "Audience",
    "AudienceKind",
    "Reservation",
    "public_shifts",
    "release_end",
    "request_bounds",
    "reserved_tail",
]


class AudienceKind(StrEnum):
    """The three kinds of asker."""

    PUBLIC = "public"
    STAFF = "staff"
    INVITATION = "invitation"


@dataclass(frozen=True, slots=True)
class Audience:
    """Who asks: the kind, the clerks they may have (``None``: every qualified clerk),
    the window of local dates (``None``: unbounded on that side) and, for back-office
    time, the shift kind to book into (``None``: from the services)."""

    kind: AudienceKind = AudienceKind.PUBLIC
    staff_ids: frozenset[int] | None = None
    first_day: date | None = None
    last_day: date | None = None
    back_office: bool | None = None

    def __post_init__(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValueError("the window's last day is before its first day")

    @property
    def sees_reserved(self) -> bool:
        """Staff and invitations may book reserved time; the public may not."""
        return self.kind != AudienceKind.PUBLIC

    @property
    def bound_by_notice(self) -> bool:
        """Residents (the public and invitations) keep the services' minimum notice."""
        return self.kind != AudienceKind.STAFF

    def allows_day(self, day: date) -> bool:
        """Whether a visit may start on local ``day`` (inside the window)."""
        return self.days(day, day) is not None

    def days(self, first: date, last: date) -> tuple[date, date] | None:
        """``first``..``last`` narrowed to the window; None when nothing is left."""
        first = max(first, self.first_day or first)
        last = min(last, self.last_day or last)
        return (first, last) if first <= last else None


PUBLIC = Audience()
STAFF = Audience(AudienceKind.STAFF)


@dataclass(frozen=True, slots=True)
class Reservation:
    """A team's reserved capacity: ``percent`` of each counter turn (its tail, on the
    ``grid``), released on the next ``release_days`` working days."""

    percent: int
    release_days: int
    grid: timedelta

    def __post_init__(self) -> None:
        if not 0 <= self.percent <= 90:
            raise ValueError("reserved percent must be 0..90")
        if self.release_days < 0:
            raise ValueError("release days cannot be negative")
        if self.grid <= timedelta(0):
            raise ValueError("grid must be positive")


def reserved_tail(shift: Interval[datetime], percent: int, grid: timedelta) -> timedelta:
    """How much of the end of ``shift`` is reserved: ``percent`` of its length, rounded
    to the nearest whole ``grid`` step (so a 3.5-hour turn at 20% keeps 45 minutes)."""
    length = shift[1] - shift[0]
    if percent <= 0 or length <= timedelta(0):
        return timedelta(0)
    steps = round(length * percent / 100 / grid)
    return min(steps * grid, length)


def release_end(open_days: Iterable[date], today: date, release_days: int, tz: tzinfo) -> datetime:
    """The moment reserved time starts to count again: the end of the ``release_days``-th
    working day from ``today`` (today included when the city hall opens today). Reserved
    time before it is offered to everyone; with 0 days, from today's midnight."""
    ahead = sorted(day for day in set(open_days) if day >= today)
    if release_days <= 0 or not ahead:
        return local_to_utc(today, time(0), tz)
    last = ahead[min(release_days, len(ahead)) - 1]
    return local_to_utc(last + timedelta(days=1), time(0), tz)


def public_shifts(
    shifts: Sequence[Interval[datetime]], reservation: Reservation, released_until: datetime
) -> tuple[Interval[datetime], ...]:
    """The part of a clerk's counter ``shifts`` the public may book: each shift loses its
    reserved tail, unless it starts before ``released_until`` (its reserved time opened)."""
    kept: list[Interval[datetime]] = []
    for start, end in shifts:
        if start < released_until:
            kept.append((start, end))
            continue
        cut = end - reserved_tail((start, end), reservation.percent, reservation.grid)
        if start < cut:
            kept.append((start, cut))
    return tuple(kept)


def request_bounds(
    audience: Audience,
    now: datetime,
    notice: timedelta,
    horizon_last_day: date,
    staff_last_day: date,
    tz: tzinfo,
) -> tuple[datetime, datetime]:
    """(earliest start, latest start) for ``audience`` at ``now``.

    The public: now + notice up to the end of the services' horizon. Staff: from now, up
    to ``staff_last_day``. An invitation: now + notice, from the start of its first day up
    to the end of its last day (its window replaces the services' horizon, within the
    staff's year). A staff window narrows the staff bounds the same way."""
    if audience.kind == AudienceKind.PUBLIC:
        earliest, last_day = now + notice, horizon_last_day
    elif audience.kind == AudienceKind.STAFF:
        earliest, last_day = now, staff_last_day
    else:
        earliest, last_day = now + notice, staff_last_day
    if audience.first_day is not None:
        earliest = max(earliest, local_to_utc(audience.first_day, time(0), tz))
    if audience.last_day is not None:
        last_day = min(last_day, audience.last_day)
    return earliest, local_to_utc(last_day + timedelta(days=1), time(0), tz)
