"""The per-day summary (portal/scheduling/day_summary.py) against the free slots it
summarises, on the same random calendars as the core's own properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from portal.scheduling.availability import days_with_free_slot, free_slots
from portal.scheduling.day_summary import last_free_starts
from tests.unit.test_availability import (
    BRU,
    PROPERTY_SETTINGS,
    SPAN,
    at,
    calendars,
    requests,
    windows,
)

ZONES = st.sampled_from([BRU, UTC, ZoneInfo("America/Sao_Paulo")])


@PROPERTY_SETTINGS
@given(windows, calendars(), requests, ZONES)
def test_the_last_free_start_of_every_day(window, staff, request, tz) -> None:
    expected: dict = {}
    for slot in free_slots(window, staff, request):
        day = slot.start.astimezone(tz).date()
        expected[day] = max(expected.get(day, slot.start), slot.start)
    assert last_free_starts(window, staff, request, tz) == expected


@PROPERTY_SETTINGS
@given(windows, calendars(), requests, ZONES, st.integers(-20, SPAN + 20))
def test_a_later_earliest_start_keeps_the_days_whose_last_start_is_not_before_it(
    window, staff, request, tz, later
) -> None:
    summary = last_free_starts(window, staff, request, tz)
    earliest = max(request.earliest, at(later))
    asked = replace(request, earliest=earliest)
    kept = [day for day, last in sorted(summary.items()) if last >= earliest]
    assert kept == days_with_free_slot(window, staff, asked, tz)
