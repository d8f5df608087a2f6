"""Free times of services, read from the database in a bounded number of queries.

This is the seam between the database and the pure scheduling core: it fetches opening
schedules, closures, the shifts of the staff qualified for the services and everything
that keeps those people busy — five queries whatever the range or the team size — turns
them into plain intervals and lets :mod:`portal.scheduling` do the arithmetic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from .clerk_calendars import staff_calendars_and_run_out
from .models import (
    Channel,
    Closure,
    OpeningBlock,
    OpeningSchedule,
    Service,
    ShiftKind,
    StaffLanguage,
    Team,
)
from .scheduling import (
    FreeSlot,
    SlotRequest,
    StaffCalendar,
    day_interval,
    days_with_free_slot,
    free_slots,
    intervals,
    opening_intervals,
)
from .scheduling import (
    OpeningSchedule as ScheduleData,
)
from .scheduling.audience import (
    PUBLIC,
    STAFF,
    Audience,
    Reservation,
    public_shifts,
    release_end,
    request_bounds,
)
from .scheduling.availability import OpeningBlock as BlockData
from .scheduling.languages import days_with_speaker, marks_language
from .timeutil import end_of_local_day, local_today


@dataclass(frozen=True)
class BookingWindow:
    """What a resident may book for a set of services at a moment: the first possible
    start (minimum notice) and the last bookable day (horizon)."""

    earliest: datetime
    last_day: date

    @property
    def latest_start(self) -> datetime:
        """The end of the last bookable day: no visit may start after it."""
        return end_of_local_day(self.last_day)


def booking_window(services: Sequence[Service], now: datetime, tz: ZoneInfo) -> BookingWindow:
    """The strictest window of the services: the longest notice and the shortest horizon."""
    notice = max(service.min_notice_minutes for service in services)
    horizon = min(service.horizon_days for service in services)
    return BookingWindow(
        earliest=now + timedelta(minutes=notice),
        last_day=local_today(now, tz) + timedelta(days=horizon),
    )


# How far ahead staff may book: a year, whatever a service allows residents.
STAFF_HORIZON_DAYS = 366


def staff_window(now: datetime, tz: ZoneInfo) -> BookingWindow:
    """What staff may book: any time from now on (no notice, a resident at the desk can be
    seen at once), up to a year ahead."""
    return BookingWindow(
        earliest=now, last_day=local_today(now, tz) + timedelta(days=STAFF_HORIZON_DAYS)
    )


def visit_duration(services: Sequence[Service], persons: int) -> timedelta:
    """How long a visit for these services takes: each service's time for ``persons``."""
    return sum((service.duration_for(persons) for service in services), timedelta())


def public_holidays(first: date, last: date, language: str = "nl") -> dict[date, str]:
    """Belgian public holidays in ``first``..``last`` with their names in ``language``
    (empty names where the ``holidays`` package does not speak it)."""
    named = _belgian_holidays(first.year, last.year, language)
    return {day: name for day, name in named if first <= day <= last}


@lru_cache(maxsize=64)
def _belgian_holidays(first_year: int, last_year: int, language: str) -> tuple:
    """(date, name) of the Belgian public holidays of the years, named in ``language``:
    kept, since the ``holidays`` package computes them anew (milliseconds) on every call
    and they never change within a release of it."""
    named = holidays.country_holidays(
        "BE", years=range(first_year, last_year + 1), language=language
    )
    speaks = language in named.supported_languages
    return tuple(sorted((day, name if speaks else "") for day, name in named.items()))


def closed_days(session: Session, first: date, last: date) -> set[date]:
    """Dates in ``first``..``last`` the city hall is closed: Belgian public holidays and
    the city's own closures (one query)."""
    closed = set(public_holidays(first, last))
    for closure in session.scalars(Closure.between(first, last)):
        day = max(closure.starts_on, first)
        while day <= min(closure.ends_on, last):
            closed.add(day)
            day += timedelta(days=1)
    return closed


def opening_schedules(session: Session, first: date, last: date) -> list[ScheduleData]:
    """The opening schedules valid in ``first``..``last`` with their blocks, as the
    scheduling core's plain data, in one query."""
    rows = session.execute(
        select(
            OpeningSchedule.id,
            OpeningSchedule.valid_from,
            OpeningSchedule.valid_until,
            OpeningBlock.weekday,
            OpeningBlock.opens,
            OpeningBlock.closes,
        )
        .outerjoin(OpeningBlock, OpeningBlock.schedule_id == OpeningSchedule.id)
        .where(OpeningSchedule.filter_valid_between(first, last))
    )
    validity: dict[int, tuple] = {}
    blocks: dict[int, list[BlockData]] = defaultdict(list)
    for schedule_id, valid_from, valid_until, weekday, opens, closes in rows:
        validity[schedule_id] = (valid_from, valid_until)
        if weekday is not None:
            blocks[schedule_id].append(BlockData(weekday, opens, closes))
    return [
        ScheduleData(valid_from, valid_until, tuple(blocks[schedule_id]))
        for schedule_id, (valid_from, valid_until) in validity.items()
    ]


@dataclass(frozen=True)
class Availability:
    """Everything the scheduling core needs for some services over some days."""

    window: list
    staff: list[StaffCalendar]
    request: SlotRequest
    tz: ZoneInfo
    # When one of the busy spans read stops counting by the clock alone (a hold's
    # expiry, a pending visit's deadline), as read: what a kept copy is valid until.
    run_out: datetime | None = None

    @property
    def staff_ids(self) -> list[int]:
        """The qualified staff members (whom a language preference may mark)."""
        return [member.staff_id for member in self.staff]

    def slots(self) -> list[FreeSlot]:
        """The free start times, each with the staff members who could take it."""
        return free_slots(self.window, self.staff, self.request)

    def days(self) -> list[date]:
        """The local dates with at least one free start time."""
        return days_with_free_slot(self.window, self.staff, self.request, self.tz)

    def speaker_days(self, speakers: frozenset[int]) -> list[date]:
        """The local dates on which one of ``speakers`` is free for the visit."""
        return days_with_speaker(self.window, self.staff, self.request, self.tz, speakers)

    def on(self, day: date) -> Availability:
        """The same availability narrowed to one local date (no new queries)."""
        window = intervals.intersect(self.window, [day_interval(day, self.tz)])
        return Availability(window, self.staff, self.request, self.tz)


def speakers_among(session: Session, staff_ids, language: str | None) -> frozenset[int]:
    """Which of ``staff_ids`` speak ``language`` (one query; none for Dutch, "another
    language" or no language, which mark no clerk)."""
    staff_ids = sorted(set(staff_ids))
    if not marks_language(language) or not staff_ids:
        return frozenset()
    return frozenset(
        session.scalars(
            select(StaffLanguage.staff_id).where(
                StaffLanguage.staff_id.in_(staff_ids), StaffLanguage.language == language
            )
        )
    )


def open_days(session: Session, first: date, last: date, tz: ZoneInfo) -> list[date]:
    """The local dates in ``first``..``last`` on which the city hall opens (opening hours,
    less public holidays and closures): its working days, in two queries."""
    closed = closed_days(session, first, last)
    window = opening_intervals(opening_schedules(session, first, last), first, last, tz)
    return sorted({start.astimezone(tz).date() for start, _ in window} - closed)


def _reservation_release(
    session: Session, reservation: Reservation, now: datetime, tz: ZoneInfo
) -> datetime:
    """When the team's reserved time starts to count: after its release working days."""
    today = local_today(now, tz)
    horizon = today + timedelta(days=reservation.release_days * 3 + 14)
    return release_end(open_days(session, today, horizon, tz), today, reservation.release_days, tz)


def _without_reserved(
    session: Session,
    services: Sequence[Service],
    staff: list[StaffCalendar],
    now: datetime,
    grid_minutes: int,
    tz: ZoneInfo,
) -> list[StaffCalendar]:
    """The calendars with the team's reserved counter time taken out (what the public may
    book); unchanged when the team reserves nothing."""
    team = session.get(Team, services[0].team_id)
    if team is None or not team.reserved_percent or not staff:
        return staff
    reservation = Reservation(
        team.reserved_percent, team.reserved_release_days, timedelta(minutes=grid_minutes)
    )
    released_until = _reservation_release(session, reservation, now, tz)
    return [
        StaffCalendar(
            member.staff_id, public_shifts(member.shifts, reservation, released_until), member.busy
        )
        for member in staff
    ]


def is_counter_visit(services: Sequence[Service]) -> bool:
    """Whether a visit for ``services`` is at the counter (else a back-office call)."""
    return all(service.channel == Channel.COUNTER for service in services)


def public_counter_staff(
    session: Session,
    services: Sequence[Service],
    first: date,
    last: date,
    now: datetime,
    *,
    grid_minutes: int,
    tz: ZoneInfo,
) -> tuple[list[StaffCalendar], datetime | None]:
    """The calendars the public may book of the counter clerks for ``services`` on the
    local dates ``first``..``last``, as :func:`load_availability` reads them, without the
    opening hours and closures (which a kept window already has), and when one of their
    holds or pending visits runs out: two queries, one more for the team's reserved
    capacity when its team is not in the session yet, and two more when it reserves."""
    start, end = day_interval(first, tz)[0], day_interval(last, tz)[1]
    service_ids = [service.id for service in services]
    staff, run_out = staff_calendars_and_run_out(
        session, service_ids, ShiftKind.COUNTER, start, end, now
    )
    return _without_reserved(session, services, staff, now, grid_minutes, tz), run_out


def _empty(grid_minutes: int, now: datetime, tz: ZoneInfo) -> Availability:
    """An availability with nothing free (a window that lies outside the asked days)."""
    request = SlotRequest(timedelta(minutes=5), timedelta(minutes=grid_minutes), now, now)
    return Availability([], [], request, tz)


def load_availability(
    session: Session,
    services: Sequence[Service],
    persons: int,
    first: date,
    last: date,
    now: datetime,
    *,
    grid_minutes: int,
    tz: ZoneInfo,
    ignore_appointment_id: int | None = None,
    for_staff: bool = False,
    audience: Audience | None = None,
) -> Availability:
    """Read what decides the free times of ``services`` for ``persons`` people on the local
    dates ``first``..``last``, as seen at ``now`` by ``audience``: five queries; for the
    public one more (the team's reserved capacity), and two more when it reserves some.

    When a visit is being moved, ``ignore_appointment_id`` treats its own time as free.
    ``audience`` says who asks (see :mod:`portal.scheduling.audience`): the public by
    default, staff with ``for_staff``, or an invitation with its clerks and window."""
    audience = audience or (STAFF if for_staff else PUBLIC)
    days = audience.days(first, last)
    if days is None:
        return _empty(grid_minutes, now, tz)
    first, last = days
    start, end = day_interval(first, tz)[0], day_interval(last, tz)[1]
    service_ids = [service.id for service in services]
    if audience.back_office is None:
        counter_visit = is_counter_visit(services)
    else:
        counter_visit = not audience.back_office
    kind = ShiftKind.COUNTER if counter_visit else ShiftKind.BACK_OFFICE
    staff, run_out = staff_calendars_and_run_out(
        session, service_ids, kind, start, end, now, ignore_appointment_id, audience.staff_ids
    )
    if counter_visit and not audience.sees_reserved:
        staff = _without_reserved(session, services, staff, now, grid_minutes, tz)
    closures = [day_interval(day, tz) for day in closed_days(session, first, last)]
    if counter_visit:
        window = opening_intervals(opening_schedules(session, first, last), first, last, tz)
    else:
        window = intervals.normalize(span for member in staff for span in member.shifts)
    window = intervals.subtract(window, intervals.normalize(closures))
    public = booking_window(services, now, tz)
    earliest, latest_start = request_bounds(
        audience,
        now,
        public.earliest - now,
        public.last_day,
        staff_window(now, tz).last_day,
        tz,
    )
    request = SlotRequest(
        duration=visit_duration(services, persons),
        grid=timedelta(minutes=grid_minutes),
        earliest=earliest,
        latest_start=latest_start,
    )
    return Availability(window, staff, request, tz, run_out)
