"""Capacity offered against booked, hours per person and the dossier counts
(portal/statistics/capacity.py, dossier_figures.py), against figures worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from portal.models.dossiers import FollowUpState
from portal.statistics.capacity import (
    BookedSpan,
    ShiftFact,
    capacity_rows,
    per_clerk,
    per_day,
    person_hours,
    staff_days,
)
from portal.statistics.dossier_figures import DossierFact, InvitationFact, dossier_rows
from portal.statistics.figures import Grouping
from portal.timeutil import CITY_TZ, local_datetime

MONDAY = date(2026, 3, 23)
GRID = timedelta(minutes=15)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_datetime(day, time(hour, minute))


def _visit(staff_id: int, day: date, hour: int, minute: int, minutes: int) -> BookedSpan:
    start = _at(day, hour, minute)
    return BookedSpan(staff_id, start, start + timedelta(minutes=minutes))


def test_capacity_offered_reserved_and_booked_per_week():
    tuesday = MONDAY + timedelta(days=1)
    next_monday = MONDAY + timedelta(days=7)
    shifts = [
        # Clerk 1, 09:00-12:00 at the counter, 20 % reserved: the last 36 minutes,
        # rounded to the 15-minute grid: 30 minutes (11:30-12:00).
        ShiftFact(1, True, _at(MONDAY, 9), _at(MONDAY, 12), 20),
        # Back office is no capacity.
        ShiftFact(1, False, _at(MONDAY, 13), _at(MONDAY, 16), 20),
        # Clerk 2, Tuesday 09:00-11:00, nothing reserved.
        ShiftFact(2, True, _at(tuesday, 9), _at(tuesday, 11), 0),
        # Next week: one hour, nothing booked.
        ShiftFact(2, True, _at(next_monday, 9), _at(next_monday, 10), 0),
    ]
    booked = [
        _visit(1, MONDAY, 9, 0, 30),
        # 11:15-11:45: 15 minutes before the reserved tail, 15 inside it.
        _visit(1, MONDAY, 11, 15, 30),
        # During the back-office shift: not counter capacity.
        _visit(1, MONDAY, 14, 0, 30),
        _visit(2, tuesday, 10, 30, 45),  # 15 minutes run past the shift's end
    ]
    days = staff_days(shifts, booked, CITY_TZ, GRID)
    week, later = capacity_rows(per_day(days), Grouping.WEEK)
    assert week.first_day == MONDAY
    assert (week.offered_hours, week.reserved_hours) == (5.0, 0.5)
    # 30 + 30 + 30 (of 45) minutes = 1.5 hours; 15 of them in reserved time.
    assert (week.booked_hours, week.booked_reserved_hours) == (1.5, 0.2)
    assert week.booked_share == 0.3
    assert (later.first_day, later.offered_hours, later.booked_share) == (next_monday, 1.0, 0.0)
    daily = capacity_rows(per_day(days), Grouping.DAY)
    assert [row.first_day for row in daily] == [MONDAY, tuesday, next_monday]
    assert capacity_rows(per_day(staff_days([], booked, CITY_TZ, GRID)), Grouping.WEEK) == []


def test_a_shift_over_the_night_of_the_clock_change_counts_real_hours():
    # Sunday 29 March 2026: the clocks go forward at 02:00; 01:00-04:00 is two hours.
    sunday = date(2026, 3, 29)
    shifts = [ShiftFact(1, True, _at(sunday, 1), _at(sunday, 4), 0)]
    (row,) = capacity_rows(per_day(staff_days(shifts, [], CITY_TZ, GRID)), Grouping.DAY)
    assert row.offered_hours == 2.0


def test_hours_per_person():
    shifts = [
        ShiftFact(1, True, _at(MONDAY, 9), _at(MONDAY, 12)),
        ShiftFact(1, False, _at(MONDAY, 13), _at(MONDAY, 16)),
        ShiftFact(1, False, _at(MONDAY, 16), _at(MONDAY, 19)),
        ShiftFact(2, False, _at(MONDAY, 9), _at(MONDAY, 10, 30)),
    ]
    first, second = person_hours(per_clerk(staff_days(shifts, [], CITY_TZ, GRID)))
    assert (first.staff_id, first.counter_hours, first.back_office_hours) == (1, 3.0, 6.0)
    assert first.counter_share == 0.333
    assert (second.counter_hours, second.back_office_hours, second.counter_share) == (
        0.0,
        1.5,
        0.0,
    )


def test_dossiers_opened_closed_open_and_overdue_at_the_end():
    start, end = _at(MONDAY, 0), _at(MONDAY + timedelta(days=7), 0)
    end_day = MONDAY + timedelta(days=7)
    dossiers = [
        DossierFact(1, start + timedelta(days=1), None, end_day - timedelta(days=1)),  # overdue
        DossierFact(1, start - timedelta(days=30), start + timedelta(days=2), None),  # closed
        DossierFact(1, start - timedelta(days=30), None, end_day),  # open, due on the last day
        DossierFact(1, start + timedelta(days=2), end + timedelta(days=1), None),  # open at end
        DossierFact(2, start + timedelta(days=3), start + timedelta(days=4), None),
    ]
    invitations = [
        InvitationFact(1, FollowUpState.USED),
        InvitationFact(1, FollowUpState.USED),
        InvitationFact(1, FollowUpState.EXPIRED),
        InvitationFact(2, FollowUpState.REVOKED),
        InvitationFact(2, FollowUpState.OPEN),
    ]
    first, second = dossier_rows(dossiers, invitations, start, end, end_day)
    assert (first.opened, first.closed, first.open_at_end, first.overdue_at_end) == (2, 1, 3, 1)
    assert (first.invitations, first.used, first.expired, first.revoked) == (3, 2, 1, 0)
    assert (second.opened, second.closed, second.open_at_end) == (1, 1, 0)
    assert (second.invitations, second.revoked, second.still_open) == (2, 1, 1)
