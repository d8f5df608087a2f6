"""How long residents wait for a time: every morning, for every service residents book
online, how many days ahead its first free time lies (for one person), recorded so that
the statistics can show it over months (``flask record-first-free``, daily from cron).

It is a point-in-time figure — what a resident saw that day — so it cannot be computed
afterwards from the visits; hence the record. The public's own free times are used
(notice, horizon and the team's reserved time as residents see them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..availability import load_availability
from ..models import FirstFreeRecord, Service
from ..timeutil import CITY_TZ, local_today

GRID_MINUTES = 15


def first_free_days(session: Session, service: Service, now: datetime) -> int | None:
    """How many days from today the first free time of ``service`` lies, for one person
    as a resident sees it at ``now``; None when nothing is free within its horizon."""
    today = local_today(now)
    last = today + timedelta(days=service.horizon_days)
    days = load_availability(
        session, [service], 1, today, last, now, grid_minutes=GRID_MINUTES, tz=CITY_TZ
    ).days()
    return (days[0] - today).days if days else None


def record_first_free(session: Session, now: datetime) -> int:
    """Record today's distance to the first free time of every active service residents
    book themselves; a second run the same day replaces the day's rows. Flush only; how
    many services were recorded."""
    today = local_today(now)
    services = session.scalars(Service.listed().where(Service.publicly_bookable.is_(True))).all()
    session.execute(delete(FirstFreeRecord).where(FirstFreeRecord.recorded_on == today))
    for service in services:
        session.add(
            FirstFreeRecord(
                recorded_on=today,
                service_id=service.id,
                days=first_free_days(session, service, now),
                recorded_at=now,
            )
        )
    session.flush()
    return len(services)


@dataclass(frozen=True)
class WaitRow:
    """One service over a period: the days recorded, the median and longest distance,
    the latest one, and on how many days nothing was free at all."""

    service_id: int
    recorded: int
    median_days: float | None
    longest_days: int | None
    latest_days: int | None
    latest_on: date
    none_free: int


def waits(
    session: Session, first: date, last: date, service_ids: Sequence[int] | None
) -> list[WaitRow]:
    """The records of ``first``..``last`` per service (of ``service_ids``, None: all)."""
    # Plain rows, not records: a year of thirty services is ten thousand of them.
    query = select(
        FirstFreeRecord.service_id, FirstFreeRecord.recorded_on, FirstFreeRecord.days
    ).where(FirstFreeRecord.recorded_on >= first, FirstFreeRecord.recorded_on <= last)
    if service_ids is not None:
        query = query.where(FirstFreeRecord.service_id.in_(service_ids))
    per_service: dict[int, list] = defaultdict(list)
    for record in session.execute(query.order_by(FirstFreeRecord.recorded_on)):
        per_service[record.service_id].append(record)
    rows = []
    for service_id, records in per_service.items():
        known = [record.days for record in records if record.days is not None]
        latest = records[-1]
        rows.append(
            WaitRow(
                service_id,
                recorded=len(records),
                median_days=round(median(known), 1) if known else None,
                longest_days=max(known) if known else None,
                latest_days=latest.days,
                latest_on=latest.recorded_on,
                none_free=len(records) - len(known),
            )
        )
    return sorted(rows, key=lambda row: (-(row.median_days or 0), row.service_id))
