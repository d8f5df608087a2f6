"""A kept window of free times reads only the days a change touched
(portal/availability_cache.py, portal/cache_days.py), and answers exactly as if it had
read everything anew — after bookings, cancels, moves, shift and absence changes, and
plain SQL writes that name their days or do not."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, select, update

from portal import availability_cache
from portal.availability import load_availability
from portal.booking.contact import ContactDetails
from portal.booking.errors import BookingError
from portal.booking.operations import book_hold, cancel, move, place_hold
from portal.booking.retention import purge
from portal.booking.settings import BookingSettings
from portal.cache_days import CACHE_DAYS, NO_FREE_TIME_CHANGE
from portal.cache_generation import read_generations
from portal.extensions import db
from portal.models import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentStatus,
    CacheGeneration,
    Closure,
    ClosureKind,
    Hold,
    Service,
    Shift,
)
from portal.timeutil import CITY_TZ, local_today, to_local, utcnow
from tests.builders import build_city, open_weekday

DAYS = 10


@pytest.fixture
def kept_city(app):
    """A city of three clerks over ten days from a weekday two days on; (service id,
    first day, last day, the portal's booking settings)."""
    first = open_weekday(local_today(utcnow()) + timedelta(days=2))
    last = first + timedelta(days=DAYS - 1)
    city = build_city(db.session, first, last, staff_count=3, min_notice_minutes=0)
    db.session.commit()
    availability_cache.clear()
    return city.service.id, first, last, BookingSettings.from_config(app.config)


def _kept(service_id: int, first: date, last: date, now=None):
    """The public's free times of the window, from this process's memory when it can."""
    service = db.session.get(Service, service_id)
    return availability_cache.public_availability(
        db.session, [service], 1, first, last, now or utcnow(), grid_minutes=15, tz=CITY_TZ
    )


def _read_anew(service_id: int, first: date, last: date, now=None):
    """The same, read from the database and computed from scratch."""
    service = db.session.get(Service, service_id)
    return load_availability(
        db.session, [service], 1, first, last, now or utcnow(), grid_minutes=15, tz=CITY_TZ
    )


def _assert_same_as_read_anew(service_id: int, first: date, last: date) -> None:
    kept, fresh = _kept(service_id, first, last), _read_anew(service_id, first, last)
    assert kept.days() == fresh.days()
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        assert kept.on(day).slots() == fresh.on(day).slots(), day


def _book(service_id: int, start, settings, email="a@example.org") -> Appointment:
    service = db.session.get(Service, service_id)
    hold, _token = place_hold(db.session, [service], 1, start, utcnow(), settings)
    visit = book_hold(db.session, hold, ContactDetails(name="A", email=email), utcnow(), settings)
    db.session.commit()
    return visit


def test_a_booking_changes_its_days_generation_only(kept_city):
    service_id, first, last, settings = kept_city
    before = read_generations(db.session)
    start = _kept(service_id, first, last).on(first + timedelta(days=1)).slots()[0].start
    _book(service_id, start, settings)
    after = read_generations(db.session)
    day = to_local(start).date()
    assert (after.calendar, after.bookings) == (before.calendar, before.bookings)
    assert after.placed != before.placed
    assert dict(after.days)[day] != dict(before.days).get(day)
    assert {d: v for d, v in after.days if d != day} == {d: v for d, v in before.days if d != day}


def test_plain_sql_writes_name_their_days_or_change_everything(kept_city):
    service_id, first, last, settings = kept_city
    start = _kept(service_id, first, last).on(first).slots()[0].start
    visit = _book(service_id, start, settings)
    before = read_generations(db.session)

    db.session.execute(
        update(Appointment)
        .where(Appointment.id == visit.id)
        .values(reminder_sent_at=utcnow())
        .execution_options(**NO_FREE_TIME_CHANGE)
    )
    db.session.commit()
    assert read_generations(db.session) == before  # a reminder's mark frees nothing

    db.session.execute(
        update(Appointment)
        .where(Appointment.id == visit.id)
        .values(status=AppointmentStatus.CANCELLED)
        .execution_options(**{CACHE_DAYS: frozenset({first})})
    )
    db.session.commit()
    named = read_generations(db.session)
    assert named.bookings == before.bookings and named.placed != before.placed
    _assert_same_as_read_anew(service_id, first, last)

    db.session.execute(update(Appointment).values(status=AppointmentStatus.CONFIRMED))
    db.session.commit()
    assert read_generations(db.session).bookings != named.bookings  # no days: everything
    _assert_same_as_read_anew(service_id, first, last)


def test_after_a_booking_only_its_day_is_read_again(kept_city, app):
    service_id, first, last, settings = kept_city
    kept = _kept(service_id, first, last)
    other_day, booked_day = first, open_weekday(first + timedelta(days=3))
    other_slots = kept.table.slots(other_day)
    start = kept.on(booked_day).slots()[0].start
    visit = _book(service_id, start, settings)

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        again = _kept(service_id, first, last)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    (at_start,) = [slot for slot in again.on(booked_day).slots() if slot.start == start]
    assert visit.staff_id not in at_start.staff_ids
    assert again.table is not kept.table
    # The other days' work is carried over, not done again.
    assert again.table.slots(other_day) is other_slots
    # The generations, the service row, one day's availability (five or six queries),
    # when a hold runs out: never the whole window again.
    assert len(statements) <= 9, statements
    _assert_same_as_read_anew(service_id, first, last)


def test_a_clock_set_back_before_yesterday_reads_everything_again(kept_city):
    service_id, first, last, settings = kept_city
    back = utcnow() - timedelta(days=5)  # its "today" has no day generations read
    kept = _kept(service_id, first, last, back)
    start = kept.on(first).slots()[0].start
    visit = _book(service_id, start, settings)
    again = _kept(service_id, first, last, back)
    assert again.table is not kept.table
    (at_start,) = [slot for slot in again.on(first).slots() if slot.start == start]
    assert visit.staff_id not in at_start.staff_ids
    assert again.days() == _read_anew(service_id, first, last, back).days()


def _random_change(rng: random.Random, service_id, first, settings, number: int) -> None:
    """One committed change of a kind drawn by ``rng``."""
    day = first + timedelta(days=rng.randrange(DAYS))
    visits = db.session.query(Appointment).filter(Appointment.status == AppointmentStatus.CONFIRMED)
    kind = rng.choice(["book", "book", "cancel", "move", "shift", "absence", "hold", "sql"])
    free = _read_anew(service_id, first, first + timedelta(days=DAYS - 1)).on(day).slots()
    if kind == "book" and free:
        _book(service_id, rng.choice(free).start, settings, f"r{number}@example.org")
    elif kind == "cancel" and visits.count():
        cancel(db.session, rng.choice(visits.all()), utcnow(), settings, enforce_cutoff=False)
    elif kind == "move" and visits.count() and free:
        try:
            move(db.session, rng.choice(visits.all()), rng.choice(free).start, utcnow(), settings)
        except BookingError:
            db.session.rollback()
    elif kind == "shift":
        shifts = db.session.query(Shift).all()
        shift = rng.choice(shifts)
        if rng.random() < 0.5:
            db.session.delete(shift)
        else:
            shift.starts_at += timedelta(minutes=rng.choice([-60, 30, 90]))
    elif kind == "absence":
        staff_id = rng.choice(db.session.query(Shift.staff_id).distinct().all())[0]
        start = to_local(free[0].start) if free else None
        if start is not None:
            db.session.add(
                Absence(
                    staff_id=staff_id,
                    kind=AbsenceKind.TRAINING,
                    starts_at=start,
                    ends_at=start + timedelta(hours=rng.choice([1, 30])),
                )
            )
    elif kind == "hold" and free:
        service = db.session.get(Service, service_id)
        place_hold(db.session, [service], 1, rng.choice(free).start, utcnow(), settings)
    elif kind == "sql":
        holds = db.session.query(Hold).all()
        if holds:
            hold = rng.choice(holds)
            named = {CACHE_DAYS: frozenset({to_local(hold.starts_at).date()})}
            options = named if rng.random() < 0.5 else {}
            db.session.execute(delete(Hold).where(Hold.id == hold.id).execution_options(**options))
    db.session.commit()


@pytest.mark.parametrize("seed", [1, 2])
def test_a_kept_window_answers_as_if_read_anew_after_any_changes(kept_city, seed, monkeypatch):
    service_id, first, last, settings = kept_city
    refreshed = []
    original = availability_cache.FreeTable.refreshed

    def counted(table, *args, **kwargs):
        refreshed.append(args[1])
        return original(table, *args, **kwargs)

    monkeypatch.setattr(availability_cache.FreeTable, "refreshed", counted)
    rng = random.Random(seed)
    _assert_same_as_read_anew(service_id, first, last)
    for number in range(25):
        _random_change(rng, service_id, first, settings, number)
        _assert_same_as_read_anew(service_id, first, last)
    # Most changes were answered by reading their days again, not the whole window.
    assert len(refreshed) >= 12, refreshed


def test_a_visit_reaching_back_almost_a_day_still_keeps_its_clerk_busy(kept_city):
    service_id, first, last, _settings = kept_city
    fresh = _read_anew(service_id, first, last)
    slot = fresh.on(first + timedelta(days=1)).slots()[0]
    clerk = slot.staff_ids[0]
    # Staff's whole-day absence written as a visit: 23 hours, ending after the slot.
    long_visit = Appointment(
        staff_id=clerk,
        resident_name="Lang",
        starts_at=slot.end - timedelta(hours=23),
        ends_at=slot.end,
    )
    long_visit.claim_time()
    db.session.add(long_visit)
    db.session.commit()
    (again,) = [s for s in _read_anew(service_id, first, last).slots() if s.start == slot.start]
    assert clerk not in again.staff_ids
    _assert_same_as_read_anew(service_id, first, last)


def test_a_span_longer_than_a_day_claims_nothing(kept_city):
    service_id, first, _last, _settings = kept_city
    start = _read_anew(service_id, first, first).slots()[0].start
    visit = Appointment(
        staff_id=1, resident_name="X", starts_at=start, ends_at=start + timedelta(hours=25)
    )
    with pytest.raises(ValueError, match="at most a day"):
        visit.claim_time()


def test_the_purge_forgets_the_generations_of_past_dates(kept_city, app):
    service_id, first, last, settings = kept_city
    _book(service_id, _kept(service_id, first, last).on(first).slots()[0].start, settings)
    today = local_today(utcnow())
    for day in (today - timedelta(days=30), today - timedelta(days=2)):
        db.session.add(CacheGeneration(kind=f"day:{day.isoformat()}", shard=0, value=5))
    db.session.commit()
    before = read_generations(db.session)
    purge(db.session, utcnow(), retention=timedelta(days=365))
    db.session.commit()
    kinds = set(db.session.scalars(select(CacheGeneration.kind)))
    assert f"day:{first.isoformat()}" in kinds
    assert not any(
        kind.startswith("day:") and kind < f"day:{today - timedelta(days=1)}" for kind in kinds
    )
    # Nothing a reader reads changed: the purge frees no time.
    assert read_generations(db.session) == before


def test_a_flush_that_deletes_other_rows_is_not_placed_on_days(kept_city):
    service_id, first, last, _settings = kept_city
    closure = Closure(
        starts_on=last + timedelta(days=30),
        ends_on=last + timedelta(days=30),
        kind=ClosureKind.ONE_OFF,
        reasons={"nl": "Test"},
    )
    db.session.add(closure)
    db.session.commit()
    before = read_generations(db.session)
    slot = _kept(service_id, first, last).on(first).slots()[0]
    # One flush: the closure deleted and a hold added.
    db.session.delete(closure)
    db.session.add(
        Hold(
            staff_id=slot.staff_ids[0],
            service_ids=[service_id],
            persons=1,
            starts_at=slot.start,
            ends_at=slot.end,
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(minutes=10),
        )
    )
    db.session.commit()
    after = read_generations(db.session)
    # The hold went in with the deletion: everything counts as changed, to be safe.
    assert after.bookings != before.bookings and after.calendar != before.calendar
    _assert_same_as_read_anew(service_id, first, last)
