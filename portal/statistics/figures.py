"""The statistics from visit facts: pure functions, no Flask and no database, so that a
test can check them against figures computed by hand.

Periods are local (Europe/Brussels) days, ISO weeks (from Monday) or calendar months, by
the visit's own date. Medians are of the visits that have the measure; a period or hour
without any has none (None), never a zero that would read as "no wait".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import median
from zoneinfo import ZoneInfo

# A resident counts as seen on time when called at most this long after their time.
ON_TIME = timedelta(minutes=10)


class Grouping(StrEnum):
    """How the visits are put together: per day, per week (Monday on) or per month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class VisitFact:
    """What the figures need of one visit: no name, no address, no number."""

    starts_at: datetime
    created_at: datetime
    status: str
    channel: str
    service_ids: tuple[int, ...]
    cancelled_at: datetime | None = None
    arrived_at: datetime | None = None
    called_at: datetime | None = None
    completed_at: datetime | None = None
    spoken_language: str | None = None
    interpreter_needed: bool = False


@dataclass(frozen=True)
class PeriodRow:
    """One period: its first day, visits booked for it and what became of them, the
    median notice of a cancellation (hours before the visit) and the median lead time
    (days from booking to visit)."""

    first_day: date
    booked: int
    attended: int
    no_show: int
    cancelled: int
    cancelled_hours_before: float | None
    lead_days: float | None


@dataclass(frozen=True)
class HourRow:
    """One hour of the day at the hall: residents called, the median wait from arriving
    to being called and the median service time from being called to done (minutes), and
    the share called at most ten minutes after their time."""

    hour: int
    called: int
    wait_minutes: float | None
    service_minutes: float | None
    on_time_share: float | None


@dataclass(frozen=True)
class CountRow:
    """A key (a language, a service id) with its visits and, for languages, how many
    asked for an interpreter."""

    key: str | int | None
    visits: int
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0
    interpreter: int = 0


def period_start(day: date, grouping: Grouping) -> date:
    """The first day of the period ``day`` belongs to."""
    if grouping == Grouping.WEEK:
        return day - timedelta(days=day.weekday())
    if grouping == Grouping.MONTH:
        return day.replace(day=1)
    return day


def _median(values: Sequence[float]) -> float | None:
    return round(median(values), 1) if values else None


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 60


def by_period(facts: Iterable[VisitFact], grouping: Grouping, tz: ZoneInfo) -> list[PeriodRow]:
    """The visits per period of their own date, in date order."""
    groups: dict[date, list[VisitFact]] = defaultdict(list)
    for fact in facts:
        groups[period_start(fact.starts_at.astimezone(tz).date(), grouping)].append(fact)
    rows = []
    for first_day in sorted(groups):
        visits = groups[first_day]
        cancelled = [fact for fact in visits if fact.status == "cancelled"]
        notice = [
            (fact.starts_at - fact.cancelled_at).total_seconds() / 3600
            for fact in cancelled
            if fact.cancelled_at is not None
        ]
        lead = [
            (fact.starts_at - fact.created_at).total_seconds() / 86400
            for fact in visits
            if fact.status != "cancelled"
        ]
        rows.append(
            PeriodRow(
                first_day,
                booked=len(visits),
                attended=sum(fact.status == "completed" for fact in visits),
                no_show=sum(fact.status == "no_show" for fact in visits),
                cancelled=len(cancelled),
                cancelled_hours_before=_median(notice),
                lead_days=_median(lead),
            )
        )
    return rows


def by_hour(facts: Iterable[VisitFact], tz: ZoneInfo) -> list[HourRow]:
    """The hall per hour of the visits' own time: only residents who were called."""
    groups: dict[int, list[VisitFact]] = defaultdict(list)
    for fact in facts:
        if fact.called_at is not None:
            groups[fact.starts_at.astimezone(tz).hour].append(fact)
    rows = []
    for hour in sorted(groups):
        called = groups[hour]
        waits = [m for m in (_minutes(f.arrived_at, f.called_at) for f in called) if m is not None]
        services = [
            m for m in (_minutes(f.called_at, f.completed_at) for f in called) if m is not None
        ]
        on_time = sum(fact.called_at <= fact.starts_at + ON_TIME for fact in called)
        rows.append(
            HourRow(
                hour,
                called=len(called),
                wait_minutes=_median(waits),
                service_minutes=_median(services),
                on_time_share=round(on_time / len(called), 3),
            )
        )
    return rows


def _counted(key, visits: list[VisitFact]) -> CountRow:
    return CountRow(
        key,
        visits=len(visits),
        attended=sum(fact.status == "completed" for fact in visits),
        no_show=sum(fact.status == "no_show" for fact in visits),
        cancelled=sum(fact.status == "cancelled" for fact in visits),
        interpreter=sum(fact.interpreter_needed for fact in visits),
    )


def by_language(facts: Iterable[VisitFact]) -> list[CountRow]:
    """The visits per spoken language (None: not given), most visits first."""
    groups: dict[str | None, list[VisitFact]] = defaultdict(list)
    for fact in facts:
        groups[fact.spoken_language].append(fact)
    rows = [_counted(key, visits) for key, visits in groups.items()]
    return sorted(rows, key=lambda row: (-row.visits, row.key or ""))


def by_service(facts: Iterable[VisitFact]) -> list[CountRow]:
    """The visits per service (a visit for two services counts for each), most first."""
    groups: dict[int, list[VisitFact]] = defaultdict(list)
    for fact in facts:
        for service_id in fact.service_ids:
            groups[service_id].append(fact)
    rows = [_counted(key, visits) for key, visits in groups.items()]
    return sorted(rows, key=lambda row: (-row.visits, row.key))
