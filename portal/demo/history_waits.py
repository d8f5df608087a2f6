"""The demo's past record of how long residents waited for a time (see
:mod:`portal.statistics.first_free`): for every day of the past year up to yesterday and
every service residents book themselves, the days to its first free time that ``flask
record-first-free`` would have written at six in the morning.

The distance drifts from day to day around a level of its own for each service: a few days
for the population team's everyday services and the reception's certificates, longer for
the newcomers' team and the civil status team, and longer again for services few clerks
handle (marriage, nationality, driving licences). Busy seasons push it out, quiet ones
bring it closer (:mod:`portal.demo.history_season`); now and then a service a few clerks
handle had nothing free within its horizon. A first free time falls on a day the city hall
is open.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..availability import closed_days
from ..models import FirstFreeRecord, Service, StaffMember, Team
from ..timeutil import local_datetime, local_today
from .bulk import insert_rows
from .history_season import season, service_weight

RECORDED_AT = time(6)
# The usual days to the first free time, by team; more where few clerks handle a service.
TEAM_DAYS = {
    "bevolking": 2.0,
    "burgerlijke_stand": 4.0,
    "andere_nationaliteiten": 6.0,
    "centraal_onthaal": 1.0,
}
FEW_CLERKS, FEW_CLERKS_DAYS = 4, 3.0
# How far a busy season pushes the distance out (and a quiet one brings it closer).
SEASON_PULL = 5
# How quickly the distance returns to its level, and how much it wanders a day.
RETURN, WANDER = 0.35, 0.6
NOTHING_FREE = 0.02


def add_first_free_records(
    session: Session,
    rng: random.Random,
    staff: Sequence[StaffMember],
    first: date,
    now: datetime,
    closed: set[date],
) -> int:
    """Write a record per day from ``first`` up to yesterday for every active service
    residents book themselves; how many were written."""
    yesterday = local_today(now) - timedelta(days=1)
    services = session.execute(
        select(Service.id, Service.code, Service.horizon_days, Team.code)
        .join(Team, Team.id == Service.team_id)
        .where(Service.filter_active(), Service.publicly_bookable.is_(True))
        .order_by(Service.position, Service.id)
    ).all()
    clerks: dict[int, int] = {}
    for member in staff:
        for service in member.services:
            clerks[service.id] = clerks.get(service.id, 0) + 1
    closed = closed | closed_days(session, first, yesterday + timedelta(days=90))
    rows = []
    for service_id, code, horizon, team_code in services:
        few = clerks.get(service_id, 0) <= FEW_CLERKS
        level = TEAM_DAYS.get(team_code, 3.0) + (FEW_CLERKS_DAYS if few else 0.0)
        distance = level
        day = first
        while day <= yesterday:
            busy = season(day)
            usual = level * (1 + SEASON_PULL * busy) * service_weight(code, 1, day.month) ** 0.5
            distance += RETURN * (usual - distance) + rng.gauss(0, WANDER + 0.1 * usual)
            distance = max(0.0, distance)
            days = _open_day(day + timedelta(days=round(distance)), closed) - day
            nothing = few and busy > 0 and rng.random() < NOTHING_FREE
            rows.append(
                {
                    "recorded_on": day,
                    "service_id": service_id,
                    "days": None if nothing or days.days > horizon else days.days,
                    "recorded_at": local_datetime(day, RECORDED_AT),
                }
            )
            day += timedelta(days=1)
    insert_rows(session, FirstFreeRecord.__table__, rows)
    return len(rows)


def _open_day(day: date, closed: set[date]) -> date:
    """``day``, or the next day the city hall is open (never on a Sunday)."""
    while day.weekday() == 6 or day in closed:
        day += timedelta(days=1)
    return day
