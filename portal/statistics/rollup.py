"""The nightly roll-up of the statistics, and the days' figures the page reads.

A day is rolled up once it has settled: :data:`SETTLE_DAYS` after it, when the reception
steps and no-shows have long been recorded. Its visits are summed up per team, channel
and set of services into :class:`~portal.models.StatisticsDay` rows (and once more per
team alone, channel ``*``: the rows the unfiltered page reads), its shifts and booked
time per clerk into :class:`~portal.models.StatisticsStaffDay` rows, and the day is marked
in :class:`~portal.models.StatisticsRolledDay`; from then on the page reads those few rows
instead of the day's visits and shifts. Days not rolled up (the recent and coming ones, or every day
when the command never ran) are summed up from the visits on the fly, by the same
function, so the figures are the same either way; only the speed differs.

A correction to a visit after its day was rolled up is not seen until
``flask roll-up-statistics --again FROM TO`` sums those days up anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ..models import (
    Appointment,
    Shift,
    StatisticsDay,
    StatisticsRolledDay,
    StatisticsStaffDay,
)
from ..models.organisation import staff_in_teams
from ..timeutil import CITY_TZ, end_of_local_day, local_today, start_of_local_day
from .capacity import StaffDay, StaffDays, per_clerk, per_day, staff_days
from .day_figures import ALL_CHANNELS, DayFigures, DayKey, sum_up
from .facts import visit_facts
from .work_facts import booked_spans, shift_facts

# How long after a day its figures are taken as final and rolled up.
SETTLE_DAYS = 7
# How many days one pass sums up from the visits at a time (bounds the memory).
CHUNK_DAYS = 31


def _service_ids_text(service_ids: tuple[int, ...]) -> str:
    return ",".join(str(service_id) for service_id in service_ids)


def _service_ids(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _write(
    session: Session,
    days: dict[DayKey, DayFigures],
    clerk_days: StaffDays,
    dates: list[date],
    now: datetime,
) -> None:
    """Store the figures of ``dates`` (summed up from their visits and shifts) and mark
    them rolled up."""
    if days:
        session.execute(
            insert(StatisticsDay),
            [
                {
                    "day": key.day,
                    "team_id": key.team_id,
                    "channel": key.channel,
                    "service_ids": _service_ids_text(key.service_ids),
                    "figures": figures.to_json(),
                }
                for key, figures in days.items()
            ],
        )
    if clerk_days:
        session.execute(
            insert(StatisticsStaffDay),
            [
                {
                    "day": day,
                    "staff_id": staff_id,
                    "counter_minutes": minutes.counter,
                    "back_office_minutes": minutes.back_office,
                    "reserved_minutes": minutes.reserved,
                    "booked_minutes": minutes.booked,
                    "booked_reserved_minutes": minutes.booked_reserved,
                }
                for (day, staff_id), minutes in clerk_days.items()
            ],
        )
    session.execute(insert(StatisticsRolledDay), [{"day": day, "rolled_at": now} for day in dates])


def _first_day(session: Session) -> date | None:
    """The local date of the first visit or shift, the first day there is to roll up."""
    firsts = [
        session.scalar(select(func.min(Appointment.starts_at))),
        session.scalar(select(func.min(Shift.starts_at))),
    ]
    known = [moment for moment in firsts if moment is not None]
    return min(known).astimezone(CITY_TZ).date() if known else None


def roll_up(session: Session, now: datetime, grid: timedelta) -> int:
    """Sum up every settled day not rolled up yet, from the first visit's or shift's day
    on (``grid``: the booking grid, which rounds the reserved tails); how many days.
    Flushes; the caller commits."""
    last = local_today(now) - timedelta(days=SETTLE_DAYS)
    first = _first_day(session)
    if first is None or first > last:
        return 0
    done = _rolled_days(session, first, last)
    missing = [day for day in _days(first, last) if day not in done]
    for start in range(0, len(missing), CHUNK_DAYS):
        chunk = missing[start : start + CHUNK_DAYS]
        wanted = set(chunk)
        figures = _summed_from_visits(session, chunk[0], chunk[-1], None, both=True)
        clerk_days = _summed_from_shifts(session, chunk[0], chunk[-1], None, grid)
        _write(
            session,
            {key: value for key, value in figures.items() if key.day in wanted},
            {key: value for key, value in clerk_days.items() if key[0] in wanted},
            chunk,
            now,
        )
    return len(missing)


def roll_up_again(session: Session, first: date, last: date, now: datetime, grid: timedelta) -> int:
    """Forget the roll-up of ``first``..``last`` and sum those days up anew (after a
    correction to their visits or shifts); only settled days are rolled up. How many
    days."""
    for table in (StatisticsDay, StatisticsStaffDay, StatisticsRolledDay):
        session.execute(delete(table).where(table.day.between(first, last)))
    return roll_up(session, now, grid)


def _summed_from_visits(
    session: Session,
    first: date,
    last: date,
    team_ids: Sequence[int] | None,
    *,
    every_channel: bool = False,
    both: bool = False,
) -> dict[DayKey, DayFigures]:
    """The visits of ``first``..``last`` summed up per channel and services, or per
    team and day only (``every_channel``), or both kinds of rows (``both``)."""
    facts = visit_facts(
        session, start_of_local_day(first), end_of_local_day(last), team_ids=team_ids
    )
    if both:
        return sum_up(facts, CITY_TZ) | sum_up(facts, CITY_TZ, every_channel=True)
    return sum_up(facts, CITY_TZ, every_channel=every_channel)


def _summed_from_shifts(
    session: Session,
    first: date,
    last: date,
    team_ids: Sequence[int] | None,
    grid: timedelta,
) -> StaffDays:
    start, end = start_of_local_day(first), end_of_local_day(last)
    return staff_days(
        shift_facts(session, start, end, team_ids),
        booked_spans(session, start, end, team_ids),
        CITY_TZ,
        grid,
    )


def _rolled_days(session: Session, first: date, last: date) -> set[date]:
    return set(
        session.scalars(
            select(StatisticsRolledDay.day).where(StatisticsRolledDay.day.between(first, last))
        )
    )


def _minute_sums():
    return (
        func.sum(StatisticsStaffDay.counter_minutes),
        func.sum(StatisticsStaffDay.back_office_minutes),
        func.sum(StatisticsStaffDay.reserved_minutes),
        func.sum(StatisticsStaffDay.booked_minutes),
        func.sum(StatisticsStaffDay.booked_reserved_minutes),
    )


def clerk_figures(
    session: Session,
    first: date,
    last: date,
    *,
    team_ids: Sequence[int] | None,
    grid: timedelta,
) -> tuple[dict[date, StaffDay], dict[int, StaffDay]]:
    """The shift and booked minutes of ``first``..``last`` of the clerks now in
    ``team_ids`` (None: all), summed per date and per clerk: the rolled-up days summed by
    the database, the shifts and visits of the other days summed up now."""
    rolled = _rolled_days(session, first, last)
    by_day: dict[date, StaffDay] = {}
    by_clerk: dict[int, StaffDay] = {}
    if rolled:
        criteria = [
            StatisticsStaffDay.day.between(first, last),
            StatisticsStaffDay.day.in_(select(StatisticsRolledDay.day)),
        ]
        if team_ids is not None:
            criteria.append(StatisticsStaffDay.staff_id.in_(staff_in_teams(team_ids)))
        for day, *minutes in session.execute(
            select(StatisticsStaffDay.day, *_minute_sums())
            .where(*criteria)
            .group_by(StatisticsStaffDay.day)
        ):
            by_day[day] = StaffDay(*minutes)
        for staff_id, *minutes in session.execute(
            select(StatisticsStaffDay.staff_id, *_minute_sums())
            .where(*criteria)
            .group_by(StatisticsStaffDay.staff_id)
        ):
            by_clerk[staff_id] = StaffDay(*minutes)
    for run_first, run_last in _runs([day for day in _days(first, last) if day not in rolled]):
        live = {
            key: minutes
            for key, minutes in _summed_from_shifts(
                session, run_first, run_last, team_ids, grid
            ).items()
            if key[0] not in rolled
        }
        for day, minutes in per_day(live).items():
            by_day.setdefault(day, StaffDay()).merge(minutes)
        for staff_id, minutes in per_clerk(live).items():
            by_clerk.setdefault(staff_id, StaffDay()).merge(minutes)
    return by_day, by_clerk


def day_figures(
    session: Session,
    first: date,
    last: date,
    *,
    team_ids: Sequence[int] | None,
    service_id: int | None = None,
    channel: str | None = None,
) -> dict[DayKey, DayFigures]:
    """The figures of the days ``first``..``last`` for the teams (None: all), the service
    and the channel: the rolled-up rows of the days that have them, the visits of the
    others summed up now."""
    rolled = _rolled_days(session, first, last)
    # Unfiltered, one row per team and day holds everything; filtered, the rows per
    # channel and set of services.
    every_channel = service_id is None and channel is None
    figures: dict[DayKey, DayFigures] = {}
    if rolled:
        query = select(
            StatisticsDay.day,
            StatisticsDay.team_id,
            StatisticsDay.channel,
            StatisticsDay.service_ids,
            StatisticsDay.figures,
        ).where(StatisticsDay.day.between(first, last))
        if team_ids is not None:
            query = query.where(StatisticsDay.team_id.in_(list(team_ids)))
        if every_channel:
            query = query.where(StatisticsDay.channel == ALL_CHANNELS)
        elif channel is not None:
            query = query.where(StatisticsDay.channel == channel)
        else:
            query = query.where(StatisticsDay.channel != ALL_CHANNELS)
        for row in session.execute(query):
            if row.day not in rolled:
                continue
            key = DayKey(row.day, row.team_id, row.channel, _service_ids(row.service_ids))
            if service_id is None or service_id in key.service_ids:
                figures[key] = DayFigures.from_json(row.figures)
    for run_first, run_last in _runs([day for day in _days(first, last) if day not in rolled]):
        summed = _summed_from_visits(
            session, run_first, run_last, team_ids, every_channel=every_channel
        )
        for key, day_sum in summed.items():
            if key.day in rolled:
                continue
            if channel is not None and key.channel != channel:
                continue
            if service_id is not None and service_id not in key.service_ids:
                continue
            figures[key] = day_sum
    return figures


# More runs of days not rolled up than this are read as one span (a few extra days).
MOST_RUNS = 4


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """``days`` (in order) as runs of consecutive days, first and last of each: the days
    before the first visit and the days not settled yet are two runs, each read apart."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    if len(runs) > MOST_RUNS:
        return [(runs[0][0], runs[-1][1])]
    return runs
