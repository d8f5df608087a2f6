"""Properties of who is asking (portal.scheduling.audience) and what it does to the free
times of the pure core: reserved capacity, its release over working days, the bounds of
each kind of asker, and an invitation's window and clerk.

The calendars here are built by hand, on Brussels dates around the change to summer time
(Sunday 29 March 2026), so a day of 23 hours is among them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.scheduling.audience import (
    Audience,
    AudienceKind,
    Reservation,
    public_shifts,
    release_end,
    request_bounds,
    reserved_tail,
)
from portal.scheduling.availability import (
    OpeningBlock,
    OpeningSchedule,
    SlotRequest,
    StaffCalendar,
    day_interval,
    free_slots,
    local_to_utc,
    opening_intervals,
)
from portal.scheduling.intervals import normalize, overlaps, subtract

BRU = ZoneInfo("Europe/Brussels")
GRID = timedelta(minutes=15)
# Monday 23 March .. Sunday 12 April 2026: three weeks, summer time from the 29th.
FIRST = date(2026, 3, 23)
DAYS = 21
LAST = FIRST + timedelta(days=DAYS - 1)
PROPERTY = settings(max_examples=150, deadline=None)

CITY_HOURS = OpeningSchedule(
    None,
    None,
    tuple(
        OpeningBlock(weekday, time.fromisoformat(opens), time.fromisoformat(closes))
        for weekday, opens, closes in (
            (0, "09:00", "12:30"),
            (0, "16:00", "19:00"),
            (1, "09:00", "12:30"),
            (2, "09:00", "16:00"),
            (3, "09:00", "12:30"),
            (4, "09:00", "12:30"),
            (5, "09:00", "12:30"),
        )
    ),
)


def at(day: date, minutes: int) -> datetime:
    """Local ``day`` at ``minutes`` after midnight, in UTC."""
    return local_to_utc(day, time(minutes // 60, minutes % 60), BRU)


def midnight(day: date) -> datetime:
    return local_to_utc(day, time(0), BRU)


# ------------------------------------------------------------------------ strategies

days = st.integers(0, DAYS - 1).map(lambda offset: FIRST + timedelta(days=offset))
percents = st.integers(0, 90)


@st.composite
def grid_shift(draw, day=None):
    """A counter turn on the quarter-hour grid: 15 minutes to 8 hours, 07:00..20:00."""
    day = day or draw(days)
    start = draw(st.integers(28, 68)) * 15
    steps = draw(st.integers(1, min(32, (20 * 60 - start) // 15)))
    return at(day, start), at(day, start + steps * 15)


@st.composite
def day_shifts(draw):
    """At most one turn a day (a clerk's turns never overlap), in day order."""
    chosen = draw(st.sets(st.integers(0, DAYS - 1), max_size=10))
    return tuple(draw(grid_shift(FIRST + timedelta(days=offset))) for offset in sorted(chosen))


@st.composite
def reservations(draw):
    return Reservation(draw(percents), draw(st.integers(0, 30)), GRID)


# ---------------------------------------------------------------------- reserved_tail


@PROPERTY
@given(grid_shift(), percents)
def test_the_reserved_tail_lies_inside_the_turn_and_on_its_grid(shift, percent):
    length = shift[1] - shift[0]
    tail = reserved_tail(shift, percent, GRID)
    assert timedelta(0) <= tail <= length
    # The cut falls on the turn's quarter-hour grid, so every public slot still fits.
    assert tail % GRID == timedelta(0)
    assert (length - tail) % GRID == timedelta(0)
    # The nearest whole step to the share asked for.
    assert abs(tail - length * percent / 100) <= GRID / 2
    assert (tail == timedelta(0)) == (round(length * percent / 100 / GRID) == 0)


@PROPERTY
@given(grid_shift(), percents, percents)
def test_a_larger_share_never_reserves_less(shift, low, high):
    low, high = sorted((low, high))
    assert reserved_tail(shift, low, GRID) <= reserved_tail(shift, high, GRID)


def test_reserved_tail_examples():
    monday = date(2026, 3, 23)
    morning = (at(monday, 9 * 60), at(monday, 12 * 60 + 30))
    assert reserved_tail(morning, 20, GRID) == timedelta(minutes=45)
    assert reserved_tail(morning, 0, GRID) == timedelta(0)
    assert reserved_tail(morning, 90, GRID) == timedelta(hours=3, minutes=15)
    assert reserved_tail((morning[0], morning[0]), 50, GRID) == timedelta(0)
    quarter = (morning[0], morning[0] + GRID)
    assert reserved_tail(quarter, 90, GRID) == GRID  # the whole turn, never more
    assert reserved_tail(quarter, 40, GRID) == timedelta(0)


@pytest.mark.parametrize(
    "reservation",
    [(91, 2), (-1, 2), (20, -1)],
    ids=["more-than-90", "negative-share", "negative-days"],
)
def test_a_reservation_out_of_range_is_refused(reservation):
    percent, release_days = reservation
    with pytest.raises(ValueError):
        Reservation(percent, release_days, GRID)
    with pytest.raises(ValueError):
        Reservation(20, 2, timedelta(0))


# ---------------------------------------------------------------------- public_shifts


@PROPERTY
@given(day_shifts(), reservations(), days, st.integers(0, 24 * 4 - 1).map(lambda q: q * 15))
def test_the_public_loses_exactly_the_reserved_tail_after_the_release(
    shifts, reservation, release_day, release_minutes
):
    released_until = at(release_day, release_minutes)
    kept = public_shifts(shifts, reservation, released_until)
    # Never time outside the original turns.
    for start, end in kept:
        assert start < end
        assert any(s <= start and end <= e for s, e in shifts)
    # Exactly the tails of the turns that start at or after the release are gone.
    removed = [
        (end - reserved_tail((start, end), reservation.percent, GRID), end)
        for start, end in shifts
        if start >= released_until
    ]
    expected = subtract(normalize(shifts), normalize(span for span in removed if span[0] < span[1]))
    assert normalize(kept) == expected
    # Turns that started before the release moment are whole.
    for start, end in shifts:
        if start < released_until:
            assert (start, end) in kept


@PROPERTY
@given(day_shifts(), days)
def test_nothing_reserved_keeps_every_turn(shifts, release_day):
    assert public_shifts(shifts, Reservation(0, 0, GRID), midnight(release_day)) == shifts


# ------------------------------------------------------------------------ release_end

open_day_sets = st.sets(days, max_size=DAYS)


@PROPERTY
@given(open_day_sets, days, st.integers(0, 30))
def test_the_release_ends_after_the_nth_working_day(open_days, today, release_days):
    end = release_end(open_days, today, release_days, BRU)
    local = end.astimezone(BRU)
    assert local.time() == time(0)  # always a local midnight
    ahead = sorted(day for day in open_days if day >= today)
    released = [day for day in ahead if midnight(day) < end]
    assert len(released) == (min(release_days, len(ahead)) if release_days else 0)
    # The days counted are the first ones ahead, and the release stops right after them.
    assert released == ahead[: len(released)]
    if released:
        assert local.date() == released[-1] + timedelta(days=1)
    else:
        assert end == midnight(today)


def test_release_end_examples():
    monday, tuesday, wednesday = FIRST, FIRST + timedelta(days=1), FIRST + timedelta(days=2)
    week = [FIRST + timedelta(days=n) for n in range(6)]  # Monday..Saturday
    # Zero days: reserved from today's midnight (nothing opens early).
    assert release_end(week, monday, 0, BRU) == midnight(monday)
    # Two days from Monday: Monday and Tuesday are open to everyone, Wednesday is not.
    assert release_end(week, monday, 2, BRU) == midnight(wednesday)
    # Today closed (Sunday 29 March): Monday 30 and Tuesday 31 count.
    sunday = date(2026, 3, 29)
    later = [date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1)]
    assert release_end(later, sunday, 2, BRU) == midnight(date(2026, 4, 1))
    # More days asked than there are open days: up to the end of the last one.
    assert release_end([monday, tuesday], monday, 10, BRU) == midnight(wednesday)
    # No open day ahead at all.
    assert release_end([monday], tuesday, 3, BRU) == midnight(tuesday)
    # Days given twice or out of order count once.
    assert release_end([tuesday, monday, monday], monday, 2, BRU) == midnight(wednesday)


# --------------------------------------------------------------------- request_bounds

moments = st.builds(lambda day, minutes: at(day, minutes), days, st.integers(0, 24 * 60 - 1))
# Mostly before the calendars' days, so the properties below have free times to check.
early_moments = st.builds(
    lambda offset, minutes: at(FIRST + timedelta(days=offset), minutes),
    st.integers(-3, 6),
    st.integers(0, 24 * 60 - 1),
)
notices = st.integers(0, 7 * 24 * 60).map(lambda m: timedelta(minutes=m))


@st.composite
def audiences(draw):
    kind = draw(st.sampled_from(list(AudienceKind)))
    first = draw(st.none() | days)
    last = draw(st.none() | days)
    if first and last and last < first:
        first, last = last, first
    return Audience(kind, staff_ids=None, first_day=first, last_day=last)


@PROPERTY
@given(audiences(), moments, notices, days, days)
def test_request_bounds_per_kind_of_asker(audience, now, notice, horizon_day, staff_day):
    earliest, latest = request_bounds(audience, now, notice, horizon_day, staff_day, BRU)
    if audience.kind == AudienceKind.STAFF:
        base_earliest, base_last = now, staff_day
    elif audience.kind == AudienceKind.PUBLIC:
        base_earliest, base_last = now + notice, horizon_day
    else:  # an invitation: the notice, but its window instead of the horizon
        base_earliest, base_last = now + notice, staff_day
    assert earliest >= base_earliest
    if audience.first_day is None:
        assert earliest == base_earliest
    else:
        assert earliest == max(base_earliest, midnight(audience.first_day))
    last = min(base_last, audience.last_day or base_last)
    assert latest == midnight(last + timedelta(days=1))
    # Residents never get less notice than the services ask.
    if audience.kind != AudienceKind.STAFF:
        assert earliest >= now + notice


def test_an_invitation_ignores_the_horizon_but_not_the_staff_year():
    now = at(FIRST, 7 * 60 + 30)
    horizon, year = FIRST + timedelta(days=7), FIRST + timedelta(days=366)
    window = Audience(
        AudienceKind.INVITATION,
        first_day=FIRST + timedelta(days=21),
        last_day=year + timedelta(days=30),
    )
    earliest, latest = request_bounds(window, now, timedelta(hours=2), horizon, year, BRU)
    assert earliest == midnight(FIRST + timedelta(days=21))
    assert latest == midnight(year + timedelta(days=1))
    public = request_bounds(Audience(), now, timedelta(hours=2), horizon, year, BRU)
    assert public == (now + timedelta(hours=2), midnight(horizon + timedelta(days=1)))


# -------------------------------------------------------------------- Audience.days


@PROPERTY
@given(audiences(), days, days)
def test_days_narrows_to_the_window(audience, first, last):
    narrowed = audience.days(first, last)
    wanted = {first + timedelta(days=n) for n in range((last - first).days + 1)}
    allowed = {day for day in wanted if audience.allows_day(day)}
    if narrowed is None:
        assert not allowed
    else:
        low, high = narrowed
        assert first <= low <= high <= last
        assert {low + timedelta(days=n) for n in range((high - low).days + 1)} == allowed
    for day in allowed:
        assert (audience.first_day or day) <= day <= (audience.last_day or day)


def test_a_reversed_window_is_refused_and_kinds_say_what_they_see():
    with pytest.raises(ValueError):
        Audience(AudienceKind.INVITATION, first_day=FIRST, last_day=FIRST - timedelta(days=1))
    assert not Audience().sees_reserved and Audience().bound_by_notice
    assert Audience(AudienceKind.STAFF).sees_reserved
    assert not Audience(AudienceKind.STAFF).bound_by_notice
    invitation = Audience(AudienceKind.INVITATION)
    assert invitation.sees_reserved and invitation.bound_by_notice


# ------------------------------------------------- the core, asked by an invitation


@st.composite
def clerks(draw):
    """Two to four clerks with turns and busy spans (visits, absences) on the grid."""
    calendars = []
    for staff_id in range(1, draw(st.integers(2, 4)) + 1):
        shifts = draw(day_shifts())
        busy = draw(st.lists(grid_shift(), max_size=6))
        calendars.append(StaffCalendar(staff_id, shifts, tuple(busy)))
    return calendars


def _slots_for(audience, calendars, closures, now, notice, reservation=None, released=None):
    """Free times as :func:`portal.availability.load_availability` composes them, from
    plain data: the clerks the audience allows, the public without reserved time, the
    window and the bounds of the asker."""
    narrowed = audience.days(FIRST, LAST)
    if narrowed is None:
        return []
    first, last = narrowed
    if audience.staff_ids is not None:
        calendars = [c for c in calendars if c.staff_id in audience.staff_ids]
    if reservation is not None and not audience.sees_reserved:
        calendars = [
            StaffCalendar(c.staff_id, public_shifts(c.shifts, reservation, released), c.busy)
            for c in calendars
        ]
    window = subtract(
        opening_intervals([CITY_HOURS], first, last, BRU),
        normalize(day_interval(day, BRU) for day in closures),
    )
    earliest, latest = request_bounds(audience, now, notice, LAST, LAST, BRU)
    request = SlotRequest(GRID, GRID, earliest, latest)
    return free_slots(window, calendars, request)


@PROPERTY
@given(
    clerks(),
    st.sets(days, max_size=4),
    days,
    days,
    early_moments,
    notices,
    st.booleans(),
)
def test_an_invitation_offers_only_its_window_its_clerk_and_real_turns(
    calendars, closures, window_first, window_last, now, notice, any_colleague
):
    window_first, window_last = sorted((window_first, window_last))
    clerk = calendars[0].staff_id
    audience = Audience(
        AudienceKind.INVITATION,
        staff_ids=None if any_colleague else frozenset({clerk}),
        first_day=window_first,
        last_day=window_last,
    )
    slots = _slots_for(audience, calendars, closures, now, notice)
    by_id = {c.staff_id: c for c in calendars}
    for slot in slots:
        day = slot.start.astimezone(BRU).date()
        assert window_first <= day <= window_last
        assert day not in closures
        assert slot.start >= now + notice
        if not any_colleague:
            assert slot.staff_ids == (clerk,)
        for staff_id in slot.staff_ids:
            member = by_id[staff_id]
            assert any(s <= slot.start and slot.end <= e for s, e in member.shifts)
            assert not any(overlaps(slot.start, slot.end, b, e) for b, e in member.busy)
    # Every offered time can be booked: taking it makes exactly that clerk busy then,
    # and the same time is never offered to them again.
    for slot in slots[:5]:
        taken = slot.staff_ids[0]
        after = [
            StaffCalendar(c.staff_id, c.shifts, (*c.busy, (slot.start, slot.end)))
            if c.staff_id == taken
            else c
            for c in calendars
        ]
        again = _slots_for(audience, after, closures, now, notice)
        same = next((s for s in again if s.start == slot.start), None)
        assert same is None or taken not in same.staff_ids


@PROPERTY
@given(clerks(), st.integers(1, 90), days, early_moments)
def test_reserved_time_is_offered_to_invitations_but_not_to_the_public(
    calendars, percent, release_day, now
):
    reservation = Reservation(percent, 2, GRID)
    released = midnight(release_day)
    public = _slots_for(Audience(), calendars, (), now, timedelta(0), reservation, released)
    invited = _slots_for(
        Audience(AudienceKind.INVITATION), calendars, (), now, timedelta(0), reservation, released
    )
    by_id = {c.staff_id: c for c in calendars}
    for slot in public:
        for staff_id in slot.staff_ids:
            for start, end in by_id[staff_id].shifts:
                if start >= released:
                    cut = end - reserved_tail((start, end), percent, GRID)
                    assert not overlaps(slot.start, slot.end, cut, end)
    # The invitation sees everything the public sees, and more where time is reserved.
    invited_at = {s.start: set(s.staff_ids) for s in invited}
    for slot in public:
        assert set(slot.staff_ids) <= invited_at[slot.start]


def test_utc_and_local_grid_agree_across_the_change_to_summer_time():
    # Saturday 28 March at 12:15 local (11:15 UTC) and Monday 30 March at 12:15 local
    # (10:15 UTC): the reserved tail is the same wall-clock stretch either side.
    for day in (date(2026, 3, 28), date(2026, 3, 30)):
        turn = (at(day, 9 * 60), at(day, 12 * 60 + 30))
        cut = turn[1] - reserved_tail(turn, 20, GRID)
        assert cut.astimezone(BRU).time() == time(11, 45)
        assert cut.tzinfo == UTC
