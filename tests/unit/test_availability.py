"""Tests for portal.scheduling.availability, on real Europe/Brussels dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.scheduling.availability import (
    FreeSlot,
    OpeningBlock,
    OpeningSchedule,
    SlotRequest,
    StaffCalendar,
    day_interval,
    days_with_free_slot,
    free_slots,
    naive_free_slots,
    opening_intervals,
)
from portal.scheduling.intervals import covers, normalize, overlaps, subtract

BRU = ZoneInfo("Europe/Brussels")
MIN15 = timedelta(minutes=15)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def block(weekday: int, opens: str, closes: str) -> OpeningBlock:
    return OpeningBlock(weekday, time.fromisoformat(opens), time.fromisoformat(closes))


CITY_HOURS = OpeningSchedule(
    None,
    None,
    (
        block(MON, "09:00", "12:30"),
        block(MON, "16:00", "19:00"),
        block(TUE, "09:00", "12:30"),
        block(WED, "09:00", "16:00"),
        block(THU, "09:00", "12:30"),
        block(FRI, "09:00", "12:30"),
        block(SAT, "09:00", "12:30"),
    ),
)
SUMMER_HOURS = OpeningSchedule(
    date(2026, 7, 1),
    date(2026, 8, 31),
    tuple(block(day, "09:00", "12:00") for day in (MON, TUE, WED, THU, FRI)),
)

# A winter week: Monday 2 March .. Sunday 8 March 2026.
WEEK_FIRST, WEEK_LAST = date(2026, 3, 2), date(2026, 3, 8)


def local(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=BRU)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local_times(slots: list[FreeSlot], day: date) -> list[str]:
    """Local HH:MM start times of the slots starting on local ``day``."""
    starts = (slot.start.astimezone(BRU) for slot in slots)
    return [start.strftime("%H:%M") for start in starts if start.date() == day]


def quarter_hours(first: str, last: str) -> list[str]:
    """HH:MM from ``first`` to ``last`` inclusive, every 15 minutes."""
    minutes = [int(hhmm[:2]) * 60 + int(hhmm[3:]) for hhmm in (first, last)]
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(minutes[0], minutes[1] + 1, 15)]


def spans(day: date, *hours: tuple[str, str]) -> list[tuple[datetime, datetime]]:
    """Local ``(opens, closes)`` pairs on ``day`` as intervals."""
    return [(local(day, opens), local(day, closes)) for opens, closes in hours]


def whole_week(staff_id: int = 1, busy: tuple = ()) -> StaffCalendar:
    shift = (local(WEEK_FIRST, "00:00"), local(WEEK_LAST + timedelta(days=1), "00:00"))
    return StaffCalendar(staff_id, (shift,), busy)


def week_request(duration: timedelta = MIN15) -> SlotRequest:
    return SlotRequest(duration, MIN15, local(WEEK_FIRST, "00:00"), local(WEEK_LAST, "23:59"))


def week_window() -> list:
    return opening_intervals([CITY_HOURS], WEEK_FIRST, WEEK_LAST, BRU)


def day_of(day_offset: int) -> date:
    return WEEK_FIRST + timedelta(days=day_offset)


# ------------------------------------------------------------------------ opening hours


def test_week_of_slots_follows_city_hours() -> None:
    slots = free_slots(week_window(), [whole_week()], week_request())
    assert local_times(slots, day_of(MON)) == quarter_hours("09:00", "12:15") + quarter_hours(
        "16:00", "18:45"
    )
    for weekday in (TUE, THU, FRI, SAT):
        assert local_times(slots, day_of(weekday)) == quarter_hours("09:00", "12:15")
    assert local_times(slots, day_of(WED))[-1] == "15:45"
    assert local_times(slots, day_of(WED)) == quarter_hours("09:00", "15:45")
    assert local_times(slots, day_of(SUN)) == []
    assert all(slot.staff_ids == (1,) and slot.capacity == 1 for slot in slots)
    assert all(slot.start.tzinfo is UTC and slot.end - slot.start == MIN15 for slot in slots)


def test_days_with_free_slot_for_the_week_skips_sunday() -> None:
    days = days_with_free_slot(week_window(), [whole_week()], week_request(), BRU)
    assert days == [day_of(offset) for offset in (MON, TUE, WED, THU, FRI, SAT)]


def test_twenty_minute_service_on_quarter_grid_ends_before_closing() -> None:
    slots = free_slots(week_window(), [whole_week()], week_request(timedelta(minutes=20)))
    assert local_times(slots, day_of(TUE)) == quarter_hours("09:00", "12:00")
    assert local_times(slots, day_of(WED))[-1] == "15:30"
    assert all(slot.end.astimezone(BRU).time() <= time(19) for slot in slots)
    tuesday = [slot for slot in slots if slot.start.astimezone(BRU).date() == day_of(TUE)]
    assert tuesday[-1].end == local(day_of(TUE), "12:20")


def test_summer_schedule_overrides_default_entirely() -> None:
    for schedules in ([CITY_HOURS, SUMMER_HOURS], [SUMMER_HOURS, CITY_HOURS]):
        intervals = opening_intervals(schedules, date(2026, 6, 27), date(2026, 9, 5), BRU)

        def on(day: date, intervals: list = intervals) -> list:
            lo, hi = day_interval(day, BRU)
            return [iv for iv in intervals if lo <= iv[0] < hi]

        monday_june = date(2026, 6, 29)
        assert on(monday_june) == spans(monday_june, ("09:00", "12:30"), ("16:00", "19:00"))
        for summer_day in (date(2026, 7, 1), date(2026, 8, 31)):
            assert on(summer_day) == spans(summer_day, ("09:00", "12:00"))
        assert on(date(2026, 7, 4)) == []  # summer Saturday: closed although default opens
        assert on(date(2026, 8, 29)) == []
        for default_day in (date(2026, 6, 27), date(2026, 9, 1)):  # Sat before, Tue after
            assert on(default_day) == spans(default_day, ("09:00", "12:30"))


def test_schedule_ties_go_to_the_one_ending_first() -> None:
    old_hours = OpeningSchedule(None, date(2025, 12, 31), (block(WED, "13:00", "14:00"),))
    # Both start "unbounded"; old_hours is listed first but ends first, so it governs 2025.
    first, last = date(2025, 12, 31), date(2026, 1, 7)
    intervals = opening_intervals([old_hours, CITY_HOURS], first, last, BRU)
    assert intervals[0] == (local(first, "13:00"), local(first, "14:00"))
    assert intervals[-1] == (local(last, "09:00"), local(last, "16:00"))
    assert len(intervals) == 8  # Wed 31 old; Thu, Fri, Sat, Mon x2, Tue, Wed default
    assert opening_intervals([], date(2026, 1, 1), date(2026, 1, 31), BRU) == []


def test_closed_date_has_no_slots() -> None:
    closed = day_of(TUE)
    window = subtract(week_window(), [day_interval(closed, BRU)])
    slots = free_slots(window, [whole_week()], week_request())
    assert local_times(slots, closed) == []
    assert local_times(slots, day_of(MON)) and local_times(slots, day_of(WED))
    days = days_with_free_slot(window, [whole_week()], week_request(), BRU)
    assert closed not in days
    assert day_of(WED) in days


def test_days_with_free_slot_when_next_day_frees_up_earlier_in_the_day() -> None:
    # Monday only free in the evening, Tuesday only at opening: both days must be found.
    monday, tuesday = day_of(MON), day_of(TUE)
    busy = (
        (local(monday, "09:00"), local(monday, "18:30")),
        (local(tuesday, "09:15"), local(day_of(SUN), "00:00")),
    )
    staff = [whole_week(1, busy)]
    assert days_with_free_slot(week_window(), staff, week_request(), BRU) == [monday, tuesday]
    slots = free_slots(week_window(), staff, week_request())
    expected = [local(monday, "18:30"), local(monday, "18:45"), local(tuesday, "09:00")]
    assert [s.start for s in slots] == expected


# ------------------------------------------------------------------------------------- DST


def test_spring_forward_week_keeps_local_opening_times() -> None:
    intervals = opening_intervals([CITY_HOURS], date(2027, 3, 27), date(2027, 3, 29), BRU)
    assert intervals[0] == (utc(2027, 3, 27, 8), utc(2027, 3, 27, 11, 30))  # Sat, CET
    assert intervals[1] == (utc(2027, 3, 29, 7), utc(2027, 3, 29, 10, 30))  # Mon, CEST
    assert intervals[2] == (utc(2027, 3, 29, 14), utc(2027, 3, 29, 17))
    assert len(intervals) == 3  # Sunday closed
    slots = free_slots(
        intervals,
        [StaffCalendar(1, ((utc(2027, 3, 27, 0), utc(2027, 3, 30, 0)),), ())],
        SlotRequest(MIN15, MIN15, utc(2027, 3, 27, 0), utc(2027, 3, 30, 0)),
    )
    assert local_times(slots, date(2027, 3, 27))[0] == "09:00"
    assert local_times(slots, date(2027, 3, 29))[0] == "09:00"
    assert local_times(slots, date(2027, 3, 29))[-1] == "18:45"


def test_fall_back_week_keeps_local_opening_times() -> None:
    intervals = opening_intervals([CITY_HOURS], date(2026, 10, 24), date(2026, 10, 26), BRU)
    assert intervals[0] == (utc(2026, 10, 24, 7), utc(2026, 10, 24, 10, 30))  # Sat, CEST
    assert intervals[1] == (utc(2026, 10, 26, 8), utc(2026, 10, 26, 11, 30))  # Mon, CET
    assert intervals[2] == (utc(2026, 10, 26, 15), utc(2026, 10, 26, 18))
    assert len(intervals) == 3


def test_day_interval_lengths_on_dst_days() -> None:
    start, end = day_interval(date(2027, 3, 28), BRU)
    assert (start, end) == (utc(2027, 3, 27, 23), utc(2027, 3, 28, 22))
    assert end - start == timedelta(hours=23)
    start, end = day_interval(date(2026, 10, 25), BRU)
    assert (start, end) == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))
    assert end - start == timedelta(hours=25)
    start, end = day_interval(date(2026, 3, 3), BRU)
    assert end - start == timedelta(hours=24)


# -------------------------------------------------------------------------------- capacity


def test_two_staff_on_shift_give_capacity_two() -> None:
    slots = free_slots(week_window(), [whole_week(7), whole_week(3)], week_request())
    assert slots and all(slot.staff_ids == (3, 7) and slot.capacity == 2 for slot in slots)


def test_busy_staff_member_is_not_offered() -> None:
    monday = day_of(MON)
    busy = ((local(monday, "09:10"), local(monday, "09:30")),)
    slots = free_slots(week_window(), [whole_week(1), whole_week(2, busy)], week_request())
    by_time = {s.start.astimezone(BRU): s for s in slots}
    assert by_time[local(monday, "09:00")].staff_ids == (1,)
    assert by_time[local(monday, "09:15")].staff_ids == (1,)
    assert by_time[local(monday, "09:15")].capacity == 1
    assert by_time[local(monday, "09:30")].staff_ids == (1, 2)  # touching is not overlapping
    alone = free_slots(week_window(), [whole_week(2, busy)], week_request())
    assert local_times(alone, monday)[:2] == ["09:30", "09:45"]  # nobody free: no slot


def test_earliest_and_latest_start_are_honoured() -> None:
    monday = day_of(MON)
    request = SlotRequest(MIN15, MIN15, local(monday, "10:05"), local(monday, "16:30"))
    slots = free_slots(week_window(), [whole_week()], request)
    assert local_times(slots, monday) == quarter_hours("10:15", "12:15") + quarter_hours(
        "16:00", "16:30"
    )
    assert {slot.start.astimezone(BRU).date() for slot in slots} == {monday}
    exact = SlotRequest(MIN15, MIN15, local(monday, "10:00"), local(monday, "10:00"))
    assert local_times(free_slots(week_window(), [whole_week()], exact), monday) == ["10:00"]
    backwards = SlotRequest(MIN15, MIN15, local(monday, "11:00"), local(monday, "10:00"))
    assert free_slots(week_window(), [whole_week()], backwards) == []


def test_staff_off_shift_is_not_offered() -> None:
    monday = day_of(MON)
    afternoon = StaffCalendar(2, ((local(monday, "15:00"), local(monday, "17:00")),), ())
    slots = free_slots(week_window(), [whole_week(1), afternoon], week_request())
    with_two = [slot for slot in slots if 2 in slot.staff_ids]
    assert local_times(with_two, monday) == quarter_hours("16:00", "16:45")
    assert len(with_two) == 4
    only_afternoon = free_slots(week_window(), [afternoon], week_request())
    assert local_times(only_afternoon, monday) == quarter_hours("16:00", "16:45")
    assert free_slots(week_window(), [], week_request()) == []


def test_back_to_back_shifts_count_as_continuous_presence() -> None:
    monday = day_of(MON)
    shifts = tuple(spans(monday, ("10:00", "12:30"), ("09:00", "10:00")))
    request = SlotRequest(
        timedelta(minutes=30), MIN15, local(monday, "09:45"), local(monday, "09:45")
    )
    for finder in (free_slots, naive_free_slots):
        slots = finder(week_window(), [StaffCalendar(1, shifts, ())], request)
        assert [slot.start for slot in slots] == [local(monday, "09:45")]


def test_local_time_inputs_give_utc_outputs() -> None:
    monday = day_of(MON)
    window_local = [(local(monday, "09:00"), local(monday, "10:00"))]
    window_utc = [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in window_local]
    args = ([whole_week()], week_request())
    assert free_slots(window_local, *args) == free_slots(window_utc, *args)
    assert len(free_slots(window_local, *args)) == 4


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        SlotRequest(MIN15, MIN15, datetime(2026, 3, 2, 9), local(WEEK_LAST, "12:00"))
    with pytest.raises(ValueError, match="positive"):
        SlotRequest(timedelta(0), MIN15, local(WEEK_FIRST, "09:00"), local(WEEK_LAST, "12:00"))
    with pytest.raises(ValueError, match="duplicate"):
        free_slots(week_window(), [whole_week(1), whole_week(1)], week_request())
    with pytest.raises(ValueError):
        block(MON, "12:00", "09:00")
    with pytest.raises(ValueError):
        OpeningBlock(7, time(9), time(10))
    with pytest.raises(ValueError):
        OpeningSchedule(date(2026, 2, 1), date(2026, 1, 1), ())


# ------------------------------------------------------------------------------ properties

UNIT = timedelta(minutes=5)
BASE = datetime(2026, 10, 24, 0, 0, tzinfo=UTC)  # two days around the October DST change
SPAN = 2 * 24 * 12  # in units


def at(units: int) -> datetime:
    return BASE + units * UNIT


def intervals_of(
    max_len: int, max_size: int, min_size: int = 0, min_len: int = 1
) -> st.SearchStrategy:
    """Raw (unsorted, possibly overlapping; empty/inverted if min_len < 1) unit intervals."""
    one = st.builds(
        lambda start, length: (at(start), at(start + length)),
        st.integers(-12, SPAN),
        st.integers(min_len, max_len),
    )
    return st.lists(one, min_size=min_size, max_size=max_size).map(tuple)


full_shift = st.just(((at(-24), at(SPAN + 24)),))


@st.composite
def calendars(draw: st.DrawFn) -> list[StaffCalendar]:
    ids = draw(st.lists(st.integers(1, 9), unique=True, min_size=1, max_size=3))
    return [
        StaffCalendar(
            staff_id,
            draw(st.one_of(full_shift, intervals_of(240, 4, min_len=-2))),
            draw(intervals_of(24, 8, min_len=-1)),
        )
        for staff_id in ids
    ]


windows = intervals_of(150, 6, min_size=1).map(list)
requests = st.builds(
    lambda duration, grid, earliest, latest: SlotRequest(
        duration * UNIT, grid * UNIT, at(earliest).astimezone(BRU), at(latest)
    ),
    st.integers(1, 12),
    st.integers(1, 6),
    st.one_of(st.just(-20), st.integers(-20, SPAN)),
    st.one_of(st.just(SPAN + 20), st.integers(-20, SPAN + 20)),
)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


@PROPERTY_SETTINGS
@given(windows, calendars(), requests)
def test_slots_respect_window_shifts_and_busy(window, staff, request) -> None:
    window_set = normalize(window)
    by_id = {calendar.staff_id: calendar for calendar in staff}
    for slot in free_slots(window, staff, request):
        assert slot.staff_ids and list(slot.staff_ids) == sorted(set(slot.staff_ids))
        assert slot.end - slot.start == request.duration
        assert covers(window_set, slot.start, slot.end)
        for staff_id in slot.staff_ids:
            calendar = by_id[staff_id]
            assert covers(normalize(calendar.shifts), slot.start, slot.end)
            for busy_start, busy_end in calendar.busy:
                assert not overlaps(slot.start, slot.end, busy_start, busy_end)


@PROPERTY_SETTINGS
@given(windows, calendars(), requests)
def test_free_slots_equals_naive_reference(window, staff, request) -> None:
    assert free_slots(window, staff, request) == naive_free_slots(window, staff, request)


@PROPERTY_SETTINGS
@given(windows, calendars(), requests, st.data())
def test_adding_busy_time_never_adds_availability(window, staff, request, data) -> None:
    if not staff:
        return
    index = data.draw(st.integers(0, len(staff) - 1))
    extra = data.draw(intervals_of(24, 1))
    changed = list(staff)
    changed[index] = StaffCalendar(
        staff[index].staff_id, staff[index].shifts, staff[index].busy + extra
    )
    before = {
        (slot.start, slot.end): set(slot.staff_ids) for slot in free_slots(window, staff, request)
    }
    for slot in free_slots(window, changed, request):
        assert (slot.start, slot.end) in before
        assert set(slot.staff_ids) <= before[(slot.start, slot.end)]


@PROPERTY_SETTINGS
@given(windows, calendars(), requests, st.sampled_from([BRU, UTC, ZoneInfo("America/Sao_Paulo")]))
def test_days_with_free_slot_match_free_slots(window, staff, request, tz) -> None:
    expected = sorted(
        {slot.start.astimezone(tz).date() for slot in free_slots(window, staff, request)}
    )
    assert days_with_free_slot(window, staff, request, tz) == expected


@PROPERTY_SETTINGS
@given(windows, calendars(), requests)
def test_slot_starts_lie_on_the_grid_of_their_window_interval(window, staff, request) -> None:
    window_set = normalize(window)
    for slot in free_slots(window, staff, request):
        assert request.earliest <= slot.start <= request.latest_start
        assert any(
            start <= slot.start
            and slot.end <= end
            and (slot.start - start) % request.grid == timedelta(0)
            for start, end in window_set
        )
