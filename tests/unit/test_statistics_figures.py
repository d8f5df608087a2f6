"""The statistics' figures (portal/statistics/figures.py) against figures worked out by
hand on a handful of visits, across a week boundary and the October DST change."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from portal.statistics.day_figures import DayFigures, histogram_median, sum_up
from portal.statistics.figures import (
    Grouping,
    VisitFact,
    by_hour,
    by_language,
    by_period,
    by_service,
    hour_rows,
    language_rows,
    period_rows,
    period_start,
    service_rows,
)
from portal.timeutil import CITY_TZ, local_datetime


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_datetime(day, datetime.min.time().replace(hour=hour, minute=minute))


FRIDAY, MONDAY = date(2026, 10, 23), date(2026, 10, 26)  # clocks go back on the 25th
MIN = timedelta(minutes=1)


def _visit(start, status, *, booked_days=2, services=(1,), **times) -> VisitFact:
    return VisitFact(
        starts_at=start,
        created_at=start - timedelta(days=booked_days),
        status=status,
        channel="web",
        service_ids=services,
        **times,
    )


FACTS = [
    # Friday 09:00 and 09:15: both came; waits 5 and 15 minutes; service 10 and 20.
    _visit(
        _at(FRIDAY, 9),
        "completed",
        arrived_at=_at(FRIDAY, 8, 58),
        called_at=_at(FRIDAY, 9, 3),
        completed_at=_at(FRIDAY, 9, 13),
        spoken_language="ar",
        interpreter_needed=True,
    ),
    _visit(
        _at(FRIDAY, 9, 15),
        "completed",
        booked_days=4,
        services=(1, 2),
        arrived_at=_at(FRIDAY, 9, 15),
        called_at=_at(FRIDAY, 9, 30),
        completed_at=_at(FRIDAY, 9, 50),
        spoken_language="ar",
    ),
    # Friday 10:00: did not come. Monday 10:00: cancelled 48 hours before.
    _visit(_at(FRIDAY, 10), "no_show", booked_days=6, spoken_language="fr"),
    _visit(_at(MONDAY, 10), "cancelled", cancelled_at=_at(MONDAY, 10) - timedelta(hours=48)),
]


def test_the_outcomes_per_week_and_per_day():
    weeks = by_period(FACTS, Grouping.WEEK, CITY_TZ)
    assert [row.first_day for row in weeks] == [date(2026, 10, 19), MONDAY]
    first, second = weeks
    assert (first.booked, first.attended, first.no_show, first.cancelled) == (3, 2, 1, 0)
    assert first.lead_days == 4.0  # 2, 4 and 6 days: the median
    assert first.cancelled_hours_before is None
    assert (second.booked, second.cancelled, second.cancelled_hours_before) == (1, 1, 48.0)
    assert second.lead_days is None  # a cancelled visit has no lead time
    days = by_period(FACTS, Grouping.DAY, CITY_TZ)
    assert [(row.first_day, row.booked) for row in days] == [(FRIDAY, 3), (MONDAY, 1)]
    months = by_period(FACTS, Grouping.MONTH, CITY_TZ)
    assert [(row.first_day, row.booked) for row in months] == [(date(2026, 10, 1), 4)]


def test_the_hall_per_hour():
    (nine,) = by_hour(FACTS, CITY_TZ)
    assert nine.hour == 9 and nine.called == 2
    assert nine.wait_minutes == 10.0  # 5 and 15
    assert nine.service_minutes == 15.0  # 10 and 20
    assert nine.on_time_share == 0.5  # called 3 and 15 minutes after the time


def test_the_local_hour_and_date_follow_the_clock_change():
    late_sunday = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # Monday 00:30 in Brussels
    fact = _visit(late_sunday, "completed", called_at=late_sunday + MIN)
    assert by_hour([fact], CITY_TZ)[0].hour == 0
    assert by_period([fact], Grouping.DAY, CITY_TZ)[0].first_day == MONDAY
    assert period_start(date(2026, 10, 25), Grouping.WEEK) == date(2026, 10, 19)


def test_languages_and_services():
    languages = by_language(FACTS)
    assert [(row.key, row.visits, row.interpreter) for row in languages] == [
        ("ar", 2, 1),
        (None, 1, 0),
        ("fr", 1, 0),
    ]
    services = by_service(FACTS)
    assert [
        (row.key, row.visits, row.attended, row.no_show, row.cancelled) for row in services
    ] == [
        (1, 4, 2, 1, 1),
        (2, 1, 1, 0, 0),
    ]


def test_nothing_gives_no_rows_and_no_zero_medians():
    assert by_period([], Grouping.WEEK, CITY_TZ) == []
    uncalled = _visit(_at(FRIDAY, 9), "completed", arrived_at=_at(FRIDAY, 9))
    assert by_hour([uncalled], CITY_TZ) == []


def test_medians_from_histograms_and_the_days_figures_kept_as_json():
    assert histogram_median({}) is None
    assert histogram_median({"5.0": 3}) == 5.0
    # 1, 2, 10, 10: the mean of the two middle values; keys sort as numbers, not text.
    assert histogram_median({"10.0": 2, "2.0": 1, "1.0": 1}) == 6.0
    assert histogram_median({"0.3": 1, "0.4": 1}) == 0.3  # 0.35 to a tenth (half to even)
    days = sum_up(FACTS, CITY_TZ)
    again = {
        key: DayFigures.from_json(json.loads(json.dumps(f.to_json()))) for key, f in days.items()
    }
    assert again == days
    # Kept apart by day, channel and set of services: Friday's (1,) and (1, 2) visits.
    assert {(key.day, key.service_ids) for key in days} >= {(FRIDAY, (1,)), (FRIDAY, (1, 2))}
    assert by_period(FACTS, Grouping.WEEK, CITY_TZ) == period_rows(again, Grouping.WEEK)


def test_the_rows_of_every_channel_give_the_same_tables():
    every = sum_up(FACTS, CITY_TZ, every_channel=True)
    assert all(key.channel == "*" and key.service_ids == () for key in every)
    stored = {
        key: DayFigures.from_json(json.loads(json.dumps(figures.to_json())))
        for key, figures in every.items()
    }
    assert service_rows(stored) == by_service(FACTS)
    assert language_rows(stored) == by_language(FACTS)
    assert hour_rows(stored) == by_hour(FACTS, CITY_TZ)
    assert period_rows(stored, Grouping.DAY) == by_period(FACTS, Grouping.DAY, CITY_TZ)
