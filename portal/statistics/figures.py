"""The statistics' tables from the days' figures (:mod:`portal.statistics.day_figures`):
pure functions, no Flask and no database, so that a test can check them against figures
computed by hand.

Periods are local (Europe/Brussels) days, ISO weeks (from Monday) or calendar months, by
the visit's own date. Medians are of the visits that have the measure; a period or hour
without any has none (None), never a zero that would read as "no wait".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from ..timeutil import CITY_TZ
from .day_figures import (
    ALL_CHANNELS,
    DayFigures,
    DayKey,
    HourFigures,
    LanguageFigures,
    VisitFact,
    add_service_counts,
    histogram_median,
    sum_up,
)

Days = Mapping[DayKey, DayFigures]


class Grouping(StrEnum):
    """How the visits are put together: per day, per week (Monday on) or per month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


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


def period_rows(days: Days, grouping: Grouping) -> list[PeriodRow]:
    """The visits per period of their own date, in date order."""
    periods: dict[date, DayFigures] = {}
    for key, figures in days.items():
        periods.setdefault(period_start(key.day, grouping), DayFigures()).merge_counts(figures)
    return [
        PeriodRow(
            first_day,
            booked=period.booked,
            attended=period.completed,
            no_show=period.no_show,
            cancelled=period.cancelled,
            cancelled_hours_before=histogram_median(period.notice_hours),
            lead_days=histogram_median(period.lead_days),
        )
        for first_day, period in sorted(periods.items())
    ]


def hour_rows(days: Days) -> list[HourRow]:
    """The hall per hour of the visits' own time: only residents who were called."""
    hours: dict[int, HourFigures] = {}
    for figures in days.values():
        for hour, called in figures.hours.items():
            hours.setdefault(hour, HourFigures()).merge(called)
    return [
        HourRow(
            hour,
            called=figures.called,
            wait_minutes=histogram_median(figures.waits),
            service_minutes=histogram_median(figures.service_times),
            on_time_share=round(figures.on_time / figures.called, 3),
        )
        for hour, figures in sorted(hours.items())
        if figures.called
    ]


def service_rows(days: Days) -> list[CountRow]:
    """The visits per service (a visit for two services counts for each), most first."""
    services: dict[int, list[int]] = {}
    for key, figures in days.items():
        if key.channel == ALL_CHANNELS:
            for service_id, counted in figures.services.items():
                add_service_counts(services, service_id, counted)
            continue
        interpreter = sum(language.interpreter for language in figures.languages.values())
        counted = [
            figures.booked,
            figures.completed,
            figures.no_show,
            figures.cancelled,
            interpreter,
        ]
        for service_id in key.service_ids:
            add_service_counts(services, service_id, counted)
    rows = [CountRow(service_id, *counts) for service_id, counts in services.items()]
    return sorted(rows, key=lambda row: (-row.visits, row.key))


def language_rows(days: Days) -> list[CountRow]:
    """The visits per spoken language (None: not given), most visits first."""
    languages: dict[str, LanguageFigures] = {}
    for figures in days.values():
        for language, counts in figures.languages.items():
            languages.setdefault(language, LanguageFigures()).merge(counts)
    rows = [
        CountRow(
            language or None,
            visits=figures.visits,
            attended=figures.completed,
            no_show=figures.no_show,
            cancelled=figures.cancelled,
            interpreter=figures.interpreter,
        )
        for language, figures in languages.items()
    ]
    return sorted(rows, key=lambda row: (-row.visits, row.key or ""))


def by_period(facts: Iterable[VisitFact], grouping: Grouping, tz: ZoneInfo) -> list[PeriodRow]:
    """:func:`period_rows` straight from visit facts."""
    return period_rows(sum_up(facts, tz), grouping)


def by_hour(facts: Iterable[VisitFact], tz: ZoneInfo) -> list[HourRow]:
    """:func:`hour_rows` straight from visit facts."""
    return hour_rows(sum_up(facts, tz))


def by_service(facts: Iterable[VisitFact]) -> list[CountRow]:
    """:func:`service_rows` straight from visit facts."""
    return service_rows(sum_up(facts, CITY_TZ))


def by_language(facts: Iterable[VisitFact]) -> list[CountRow]:
    """:func:`language_rows` straight from visit facts."""
    return language_rows(sum_up(facts, CITY_TZ))
