"""The nightly roll-up of the statistics, and the days' figures the page reads.

A day is rolled up once it has settled: :data:`SETTLE_DAYS` after it, when the reception
steps and no-shows have long been recorded. Its visits are summed up per team, channel
and set of services into :class:`~portal.models.StatisticsDay` rows and the day is marked
in :class:`~portal.models.StatisticsRolledDay`; from then on the page reads those few rows
instead of the day's visits. Days not rolled up (the recent and coming ones, or every day
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

from ..models import Appointment, StatisticsDay, StatisticsRolledDay
from ..timeutil import CITY_TZ, end_of_local_day, local_today, start_of_local_day
from .day_figures import DayFigures, DayKey, sum_up
from .facts import visit_facts

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


def _write(session: Session, days: dict[DayKey, DayFigures], dates: list[date], now) -> None:
    """Store the figures of ``dates`` (summed up from their visits) and mark them rolled."""
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
    session.execute(insert(StatisticsRolledDay), [{"day": day, "rolled_at": now} for day in dates])


def roll_up(session: Session, now: datetime) -> int:
    """Sum up every settled day not rolled up yet, from the first visit's day on; how
    many days. Flushes; the caller commits."""
    last = local_today(now) - timedelta(days=SETTLE_DAYS)
    first_visit = session.scalar(select(func.min(Appointment.starts_at)))
    if first_visit is None:
        return 0
    first = first_visit.astimezone(CITY_TZ).date()
    if first > last:
        return 0
    done = set(
        session.scalars(
            select(StatisticsRolledDay.day).where(StatisticsRolledDay.day.between(first, last))
        )
    )
    missing = [day for day in _days(first, last) if day not in done]
    for start in range(0, len(missing), CHUNK_DAYS):
        chunk = missing[start : start + CHUNK_DAYS]
        figures = _summed_from_visits(session, chunk[0], chunk[-1], None)
        wanted = set(chunk)
        _write(session, {k: v for k, v in figures.items() if k.day in wanted}, chunk, now)
    return len(missing)


def roll_up_again(session: Session, first: date, last: date, now: datetime) -> int:
    """Forget the roll-up of ``first``..``last`` and sum those days up anew (after a
    correction to their visits); only settled days are rolled up. How many days."""
    session.execute(delete(StatisticsDay).where(StatisticsDay.day.between(first, last)))
    session.execute(delete(StatisticsRolledDay).where(StatisticsRolledDay.day.between(first, last)))
    return roll_up(session, now)


def _summed_from_visits(
    session: Session, first: date, last: date, team_ids: Sequence[int] | None
) -> dict[DayKey, DayFigures]:
    facts = visit_facts(
        session, start_of_local_day(first), end_of_local_day(last), team_ids=team_ids
    )
    return sum_up(facts, CITY_TZ)


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
    rolled = set(
        session.scalars(
            select(StatisticsRolledDay.day).where(StatisticsRolledDay.day.between(first, last))
        )
    )
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
        if channel is not None:
            query = query.where(StatisticsDay.channel == channel)
        for row in session.execute(query):
            if row.day not in rolled:
                continue
            key = DayKey(row.day, row.team_id, row.channel, _service_ids(row.service_ids))
            if service_id is None or service_id in key.service_ids:
                figures[key] = DayFigures.from_json(row.figures)
    open_days = [day for day in _days(first, last) if day not in rolled]
    if open_days:
        for key, summed in _summed_from_visits(
            session, open_days[0], open_days[-1], team_ids
        ).items():
            if key.day in rolled:
                continue
            if channel is not None and key.channel != channel:
                continue
            if service_id is not None and service_id not in key.service_ids:
                continue
            figures[key] = summed
    return figures
