"""A day's figures: the visit facts of one local date, team, channel and set of services
summed up, so that a year of statistics reads a few thousand rows instead of every visit.

Pure (no Flask, no database). Counts are added; the measures whose median the page shows
(lead time, cancellation notice, waiting and service time) are kept as histograms of
values rounded to a tenth (keyed by the value as text, as JSON keeps it), so the medians
of any set of days are those of the rounded values, exactly as if they had been computed
from the visits. The same summing serves the
nightly roll-up (:mod:`portal.statistics.rollup`) and the days not rolled up yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

# A histogram: how many visits had each value (the value to a tenth, as text).
Histogram = dict[str, int]
# The channel of the rows that hold every channel and service of a team's day: the
# figures the page shows unfiltered, read from one row per team and day.
ALL_CHANNELS = "*"

# A resident counts as seen on time when called at most this long after their time.
ON_TIME = timedelta(minutes=10)
# The outcomes a visit is counted under (its status when it is one of them).
OUTCOMES = ("completed", "no_show", "cancelled")


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
    team_id: int | None = None


class DayKey(NamedTuple):
    """What a day's figures are kept apart by: the filters the page offers."""

    day: date
    team_id: int | None
    channel: str
    service_ids: tuple[int, ...]


def _tenth(value: float) -> str:
    """A measure's histogram key: the value to a tenth, as text (as JSON keeps it)."""
    return f"{value:.1f}"


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 60


def histogram_median(histogram: Mapping[str, int]) -> float | None:
    """The median of the values a histogram counts (the mean of the two middle ones for
    an even count), to a tenth; None when it counts nothing."""
    total = sum(histogram.values())
    if not total:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2
    seen, low = 0, None
    for text in sorted(histogram, key=float):
        seen += histogram[text]
        value = float(text)
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            return round((low + value) / 2, 1)
    raise AssertionError("unreachable: the ranks lie inside the total")


@dataclass
class HourFigures:
    """The hall in one hour of the day: residents called, how many on time, and the
    histograms of their wait (arrived → called) and service time (called → done)."""

    called: int = 0
    on_time: int = 0
    waits: Histogram = field(default_factory=dict)
    service_times: Histogram = field(default_factory=dict)

    def merge(self, other: HourFigures) -> None:
        """Add ``other``'s residents to these."""
        self.called += other.called
        self.on_time += other.on_time
        add_counts(self.waits, other.waits)
        add_counts(self.service_times, other.service_times)


@dataclass
class LanguageFigures:
    """The visits in one spoken language: outcomes and interpreters asked."""

    visits: int = 0
    completed: int = 0
    no_show: int = 0
    cancelled: int = 0
    interpreter: int = 0

    def merge(self, other: LanguageFigures) -> None:
        """Add ``other``'s visits to these."""
        self.visits += other.visits
        self.completed += other.completed
        self.no_show += other.no_show
        self.cancelled += other.cancelled
        self.interpreter += other.interpreter


@dataclass
class DayFigures:
    """The figures of the visits under one :class:`DayKey`."""

    booked: int = 0
    completed: int = 0
    no_show: int = 0
    cancelled: int = 0
    lead_days: Histogram = field(default_factory=dict)
    notice_hours: Histogram = field(default_factory=dict)
    hours: dict[int, HourFigures] = field(default_factory=dict)
    languages: dict[str, LanguageFigures] = field(default_factory=dict)
    # Per service id: visits, came, did not come, cancelled, interpreter asked (only in
    # the rows of every channel and service).
    services: dict[int, list[int]] = field(default_factory=dict)

    def add(self, fact: VisitFact, tz: ZoneInfo) -> None:
        """Count one visit."""
        self.booked += 1
        if fact.status in OUTCOMES:
            setattr(self, fact.status, getattr(self, fact.status) + 1)
        if fact.status == "cancelled":
            if fact.cancelled_at is not None:
                notice = (fact.starts_at - fact.cancelled_at).total_seconds() / 3600
                _count(self.notice_hours, _tenth(notice))
        else:
            lead = (fact.starts_at - fact.created_at).total_seconds() / 86400
            _count(self.lead_days, _tenth(lead))
        if fact.called_at is not None:
            hour = self.hours.setdefault(fact.starts_at.astimezone(tz).hour, HourFigures())
            hour.called += 1
            hour.on_time += fact.called_at <= fact.starts_at + ON_TIME
            wait = _minutes(fact.arrived_at, fact.called_at)
            if wait is not None:
                _count(hour.waits, _tenth(wait))
            service_time = _minutes(fact.called_at, fact.completed_at)
            if service_time is not None:
                _count(hour.service_times, _tenth(service_time))
        language = self.languages.setdefault(fact.spoken_language or "", LanguageFigures())
        language.visits += 1
        if fact.status in OUTCOMES:
            setattr(language, fact.status, getattr(language, fact.status) + 1)
        language.interpreter += fact.interpreter_needed

    def merge_counts(self, other: DayFigures) -> None:
        """Add ``other``'s outcome counts and its lead-time and notice histograms to
        these (what a period's row needs; hours, languages and services are summed by
        their own tables)."""
        self.booked += other.booked
        self.completed += other.completed
        self.no_show += other.no_show
        self.cancelled += other.cancelled
        add_counts(self.lead_days, other.lead_days)
        add_counts(self.notice_hours, other.notice_hours)

    def count_services(self, fact: VisitFact) -> None:
        """Count one visit under each of its services (the rows of every channel and
        service, whose key names none)."""
        outcome = [
            1,
            fact.status == "completed",
            fact.status == "no_show",
            fact.status == "cancelled",
            fact.interpreter_needed,
        ]
        for service_id in fact.service_ids:
            add_service_counts(self.services, service_id, outcome)

    def to_json(self) -> dict:
        """The figures as JSON (histogram values as strings: JSON keys are strings)."""
        return {
            "booked": self.booked,
            "completed": self.completed,
            "no_show": self.no_show,
            "cancelled": self.cancelled,
            "lead_days": _histogram_json(self.lead_days),
            "notice_hours": _histogram_json(self.notice_hours),
            "hours": {
                str(hour): [
                    figures.called,
                    figures.on_time,
                    _histogram_json(figures.waits),
                    _histogram_json(figures.service_times),
                ]
                for hour, figures in self.hours.items()
            },
            "languages": {
                language: [
                    figures.visits,
                    figures.completed,
                    figures.no_show,
                    figures.cancelled,
                    figures.interpreter,
                ]
                for language, figures in self.languages.items()
            },
            "services": {str(service_id): counts for service_id, counts in self.services.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping) -> DayFigures:
        """The figures :meth:`to_json` wrote."""
        return cls(
            booked=data["booked"],
            completed=data["completed"],
            no_show=data["no_show"],
            cancelled=data["cancelled"],
            lead_days=data["lead_days"],
            notice_hours=data["notice_hours"],
            hours={
                int(hour): HourFigures(called, on_time, waits, times)
                for hour, (called, on_time, waits, times) in data["hours"].items()
            },
            languages={
                language: LanguageFigures(*counts) for language, counts in data["languages"].items()
            },
            services={int(service_id): counts for service_id, counts in data["services"].items()},
        )


def _histogram_json(histogram: Histogram) -> dict[str, int]:
    return dict(histogram)


def _count(histogram: Histogram, value: str) -> None:
    histogram[value] = histogram.get(value, 0) + 1


def add_counts(into: Histogram, other: Histogram) -> None:
    """Add ``other``'s counts to ``into``."""
    for value, count in other.items():
        into[value] = into.get(value, 0) + count


def add_service_counts(into: dict[int, list[int]], service_id: int, counts) -> None:
    """Add one service's visits, came, did not come, cancelled and interpreters asked to
    ``into``."""
    mine = into.setdefault(service_id, [0, 0, 0, 0, 0])
    for index, count in enumerate(counts):
        mine[index] += count


def sum_up(
    facts: Iterable[VisitFact], tz: ZoneInfo, *, every_channel: bool = False
) -> dict[DayKey, DayFigures]:
    """The facts summed up per local date of the visit, team, channel and services; with
    ``every_channel``, per date and team only (channel :data:`ALL_CHANNELS`, no services
    in the key, the visits per service counted inside)."""
    days: dict[DayKey, DayFigures] = {}
    for fact in facts:
        day = fact.starts_at.astimezone(tz).date()
        if every_channel:
            key = DayKey(day, fact.team_id, ALL_CHANNELS, ())
        else:
            key = DayKey(day, fact.team_id, fact.channel, fact.service_ids)
        figures = days.get(key)
        if figures is None:
            figures = days[key] = DayFigures()
        figures.add(fact, tz)
        if every_channel:
            figures.count_services(fact)
    return days
