"""The resident's language in the scheduling core: marks and the order of candidates,
as properties over random staff calendars (portal.scheduling.languages)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.scheduling.availability import SlotRequest, StaffCalendar, free_slots
from portal.scheduling.languages import (
    days_with_speaker,
    marks_language,
    speakers_first,
    starts_with_speaker,
)

BRU = ZoneInfo("Europe/Brussels")
FIRST = date(2026, 3, 23)  # a week across the change to summer time (Sunday 29 March)
DAYS = [FIRST + timedelta(days=offset) for offset in range(8)]
REQUEST = SlotRequest(
    duration=timedelta(minutes=15),
    grid=timedelta(minutes=15),
    earliest=datetime.combine(FIRST, time(0), tzinfo=BRU),
    latest_start=datetime.combine(FIRST + timedelta(days=9), time(0), tzinfo=BRU),
)
WINDOW = [
    (datetime.combine(day, time(9), tzinfo=BRU), datetime.combine(day, time(12, 30), tzinfo=BRU))
    for day in DAYS
    if day.weekday() != 6
]


def _span(day_index: int, start_quarter: int, quarters: int):
    start = datetime.combine(DAYS[day_index], time(9), tzinfo=BRU) + timedelta(
        minutes=15 * start_quarter
    )
    return (start, start + timedelta(minutes=15 * quarters))


spans = st.builds(_span, st.integers(0, len(DAYS) - 1), st.integers(0, 13), st.integers(1, 14))
calendars = st.lists(
    st.tuples(st.lists(spans, max_size=4), st.lists(spans, max_size=4)), min_size=1, max_size=5
).map(
    lambda members: [
        StaffCalendar(staff_id, tuple(shifts), tuple(busy))
        for staff_id, (shifts, busy) in enumerate(members, start=1)
    ]
)


@given(st.lists(st.integers(1, 20), unique=True), st.sets(st.integers(1, 20)))
def test_speakers_come_first_and_nobody_is_lost(candidates, speakers):
    ordered = speakers_first(candidates, speakers)
    assert sorted(ordered) == sorted(candidates)
    first_others = next((i for i, s in enumerate(ordered) if s not in speakers), len(ordered))
    assert all(staff_id in speakers for staff_id in ordered[:first_others])
    assert all(staff_id not in speakers for staff_id in ordered[first_others:])
    # Each group keeps the order it was given (least busy first).
    assert [s for s in ordered if s in speakers] == [s for s in candidates if s in speakers]
    assert [s for s in ordered if s not in speakers] == [s for s in candidates if s not in speakers]


@settings(max_examples=150, deadline=None)
@given(calendars, st.sets(st.integers(1, 5)))
def test_marks_never_hide_a_time_and_match_the_free_speakers(staff, speakers):
    slots = free_slots(WINDOW, staff, REQUEST)
    marked = starts_with_speaker(slots, speakers)
    # A mark is only on a time that is free anyway, and says a speaker is among its clerks.
    assert marked <= {slot.start for slot in slots}
    for slot in slots:
        assert (slot.start in marked) == bool(speakers & set(slot.staff_ids))
    # The marked days are exactly the local dates of the marked times.
    days = days_with_speaker(WINDOW, staff, REQUEST, BRU, speakers)
    assert days == sorted({start.astimezone(BRU).date() for start in marked})


def test_dutch_and_another_language_mark_nobody():
    assert not marks_language("nl")
    assert not marks_language("other")
    assert not marks_language(None)
    assert not marks_language("")
    assert marks_language("ar") and marks_language("inh")
