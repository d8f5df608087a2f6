"""Which booked visits a change to the city hall's calendar touches: a new closure, or new,
changed or deleted opening hours.

Nothing booked is dropped: before such a change is saved, the planner sees these visits
(:mod:`portal.planning.opening_hours`, :mod:`portal.planning.closures`), and on saving each
of them gets the city's request to choose a new time. Only confirmed visits that have not
started yet count. The opening hours are checked by the pure scheduling core with the
*proposed* schedules, so the review shows what the change would do before it is saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..booking.notify import BACK_OFFICE_CHANNEL
from ..models import Appointment, AppointmentStatus, Channel, OpeningSchedule, Team
from ..scheduling import OpeningBlock as BlockData
from ..scheduling import OpeningSchedule as ScheduleData
from ..scheduling import covers, opening_intervals
from ..staff.access import visit_list_options
from ..timeutil import CITY_TZ, end_of_local_day, start_of_local_day, to_local


@dataclass(frozen=True)
class AffectedVisits:
    """The visits a change touches, in time order, with what the review page needs."""

    visits: tuple[Appointment, ...]

    @property
    def count(self) -> int:
        """How many visits get the request to choose a new time."""
        return len(self.visits)

    @property
    def fingerprint(self) -> str:
        """A short digest of the visits' ids: the review page sends it back, so a confirm
        after someone else booked or moved a visit shows the new list first."""
        ids = ",".join(str(visit.id) for visit in sorted(self.visits, key=lambda v: v.id))
        return hashlib.sha256(ids.encode()).hexdigest()[:32]

    def by_team(self) -> list[tuple[Team, list[Appointment]]]:
        """The visits grouped by the team of their staff member, teams in id order."""
        groups: dict[int, tuple[Team, list[Appointment]]] = {}
        for visit in self.visits:
            team = visit.staff.team
            groups.setdefault(team.id, (team, []))[1].append(visit)
        return [groups[team_id] for team_id in sorted(groups)]


def _affected(visits: Iterable[Appointment]) -> AffectedVisits:
    """Visits in time order (then by id, for a stable list)."""
    return AffectedVisits(tuple(sorted(visits, key=lambda visit: (visit.starts_at, visit.id))))


def upcoming_visits(
    session: Session, now: datetime, first: date | None = None, last: date | None = None
) -> list[Appointment]:
    """Confirmed visits that start after ``now``, on the local days ``first``..``last``
    (either end open when None), with services, staff member and team loaded."""
    query = (
        select(Appointment)
        .where(Appointment.status == AppointmentStatus.CONFIRMED, Appointment.starts_at > now)
        .options(*visit_list_options(staff_team=True))
    )
    if first is not None:
        query = query.where(Appointment.starts_at >= start_of_local_day(first, CITY_TZ))
    if last is not None:
        query = query.where(Appointment.starts_at < end_of_local_day(last, CITY_TZ))
    return list(session.scalars(query))


def visits_on_closed_days(
    session: Session, first: date, last: date, now: datetime
) -> AffectedVisits:
    """The visits a closure of ``first``..``last`` touches: every confirmed visit on those
    days that has not started yet (at the counter or in the back office: the city hall
    is closed)."""
    return _affected(upcoming_visits(session, now, first, last))


def saved_schedules(session: Session) -> dict[int, ScheduleData]:
    """Every saved opening schedule by id, as the scheduling core reads it."""
    schedules = session.scalars(
        select(OpeningSchedule).options(selectinload(OpeningSchedule.blocks))
    )
    return {
        schedule.id: ScheduleData(
            schedule.valid_from,
            schedule.valid_until,
            tuple(BlockData(block.weekday, block.opens, block.closes) for block in schedule.blocks),
        )
        for schedule in schedules
    }


def is_counter_visit(visit: Appointment) -> bool:
    """Whether the visit is held at a counter, so within the opening hours (a visit with
    a back-office service, such as a call back, or back-office time booked for a dossier,
    keeps the staff member's own hours)."""
    if visit.channel == BACK_OFFICE_CHANNEL:
        return False
    return all(service.channel == Channel.COUNTER for service in visit.services)


def visits_outside_new_hours(
    visits: Iterable[Appointment],
    current: Iterable[ScheduleData],
    proposed: Iterable[ScheduleData],
) -> AffectedVisits:
    """The counter visits that lie inside the opening hours of their day under the
    ``current`` schedules but not under the ``proposed`` ones (pure: no database)."""
    counter_visits = [visit for visit in visits if is_counter_visit(visit)]
    if not counter_visits:
        return AffectedVisits(())
    first = min(to_local(visit.starts_at, CITY_TZ).date() for visit in counter_visits)
    last = max(to_local(visit.ends_at, CITY_TZ).date() for visit in counter_visits)
    before = opening_intervals(list(current), first, last, CITY_TZ)
    after = opening_intervals(list(proposed), first, last, CITY_TZ)
    return _affected(
        visit
        for visit in counter_visits
        if covers(before, visit.starts_at, visit.ends_at)
        and not covers(after, visit.starts_at, visit.ends_at)
    )


def _span(*schedules: ScheduleData | None) -> tuple[date | None, date | None]:
    """The days on which any of ``schedules`` is valid, from its first to its last (None:
    open on that side)."""
    present = [schedule for schedule in schedules if schedule is not None]
    starts = [schedule.valid_from for schedule in present]
    ends = [schedule.valid_until for schedule in present]
    first = None if None in starts else min(starts, default=None)
    last = None if None in ends else max(ends, default=None)
    return first, last


def visits_affected_by_hours(
    session: Session,
    now: datetime,
    schedule_id: int | None,
    proposed: ScheduleData | None,
) -> AffectedVisits:
    """The visits that would fall outside the opening hours if schedule ``schedule_id``
    (None: a new one) became ``proposed`` (None: were deleted), the others unchanged.

    Only the days the old or the new version covers can change, so only the visits of
    those days are read."""
    current: Mapping[int | None, ScheduleData] = saved_schedules(session)
    changed = {**current}
    if proposed is None:
        changed.pop(schedule_id, None)
    else:
        changed[schedule_id] = proposed
    first, last = _span(current.get(schedule_id), proposed)
    visits = upcoming_visits(session, now, first, last)
    return visits_outside_new_hours(visits, current.values(), changed.values())
