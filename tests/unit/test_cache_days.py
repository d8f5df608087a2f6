"""Which local days a span touches (portal/cache_days.py), and replacing some days of a
kept availability (portal/availability_days.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from portal.availability import Availability
from portal.availability_days import replace_days
from portal.cache_days import MAX_DAYS, days_of
from portal.scheduling import SlotRequest, StaffCalendar
from portal.timeutil import CITY_TZ, local_datetime


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_datetime(day, datetime.min.time().replace(hour=hour, minute=minute))


def test_a_span_touches_the_local_dates_it_overlaps():
    monday = date(2026, 12, 7)
    assert days_of([(_at(monday, 9), _at(monday, 10))]) == {monday}
    # Ending at midnight does not touch the next day; crossing it does.
    assert days_of([(_at(monday, 23), _at(monday + timedelta(days=1), 0))]) == {monday}
    assert days_of([(_at(monday, 23), _at(monday + timedelta(days=1), 1))]) == {
        monday,
        monday + timedelta(days=1),
    }
    # 23:30 UTC on a winter Sunday is already Monday in Brussels.
    sunday_night = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert days_of([(sunday_night, sunday_night + timedelta(minutes=15))]) == {monday}
    # The night the clocks go back (a 25-hour day) is one date.
    change = date(2026, 10, 25)
    assert days_of([(_at(change, 0), _at(change, 23, 59))]) == {change}
    # An empty span still names its date; too many dates are "everything".
    assert days_of([(_at(monday, 9), _at(monday, 9))]) == {monday}
    assert days_of([(_at(monday, 0), _at(monday + timedelta(days=MAX_DAYS + 2), 0))]) is None


def test_replacing_days_takes_them_whole_from_the_fresh_availability():
    days = [date(2026, 12, 7) + timedelta(days=n) for n in range(3)]
    request = SlotRequest(
        timedelta(minutes=15), timedelta(minutes=15), _at(days[0], 0), _at(days[-1], 23)
    )
    window = [(_at(day, 9), _at(day, 12)) for day in days]

    def shift(day, start=9, end=12):
        return (_at(day, start), _at(day, end))

    kept = Availability(
        window,
        [
            StaffCalendar(1, tuple(shift(day) for day in days), (shift(days[1], 9, 10),)),
            StaffCalendar(2, (shift(days[1]),), ()),
        ],
        request,
        CITY_TZ,
    )
    # Day two anew: clerk 1 is no longer busy, clerk 2 has gone, clerk 3 has come.
    fresh = Availability(
        [window[1]],
        [StaffCalendar(1, (shift(days[1]),), ()), StaffCalendar(3, (shift(days[1], 10),), ())],
        request,
        CITY_TZ,
    )
    result = replace_days(kept, fresh, days[1], days[1])
    staff = {member.staff_id: member for member in result.staff}
    assert sorted(staff) == [1, 3]
    assert sorted(staff[1].shifts) == sorted(shift(day) for day in days)
    assert staff[1].busy == ()
    assert staff[3].shifts == (shift(days[1], 10),)
    assert result.window == window
    assert result.request is request
    # The other days answer as before, day two as the fresh one does.
    assert [slot for slot in result.slots() if slot.start.date() != days[1]] == [
        slot for slot in kept.slots() if slot.start.date() != days[1]
    ]
    assert result.on(days[1]).slots() == fresh.on(days[1]).slots()
