"""The booking operations on a small city: holds, booking, activation, moving, cancelling."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.booking import errors
from portal.booking.contact import ContactDetails
from portal.booking.holds import can_extend, extend_hold, find_hold
from portal.booking.operations import book_hold, cancel, confirm, find_appointment, move, place_hold
from portal.booking.selection import free_slot_at, nearest_free_times, resolve_services
from portal.booking.settings import BookingSettings
from portal.booking.tokens import manage_token
from portal.extensions import db
from portal.models import AppointmentStatus, Hold, HoldKind, SlotClaim
from portal.timeutil import local_datetime
from tests.builders import build_city

MONDAY = date(2026, 12, 7)
TUESDAY = MONDAY + timedelta(days=1)
NOW = local_datetime(MONDAY, time(7, 30))
NINE = local_datetime(TUESDAY, time(9))
SETTINGS = BookingSettings(secret_key="test-secret")
ANNA = ContactDetails(name="Anna Peeters", email="anna@example.org", language="nl")
BERT = ContactDetails(name="Bert Claes", email="bert@example.org", language="fr")


@pytest.fixture
def city(app):
    """Two clerks at the counter the week of 7 December 2026."""
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=2)
    db.session.commit()
    return built


def _hold(city, start=NINE, now=NOW, **kwargs):
    services = resolve_services(db.session, [city.service.id], 1)
    return place_hold(db.session, services, 1, start, now, SETTINGS, **kwargs)


def _capacity(city, start=NINE, now=NOW) -> int:
    slot = free_slot_at(db.session, [city.service], 1, start, now, SETTINGS)
    return slot.capacity if slot else 0


def test_a_hold_keeps_the_time_and_books_a_pending_visit(city):
    hold, token = _hold(city)
    assert find_hold(db.session, token) is hold
    assert hold.counter_id is not None
    assert hold.expires_at == NOW + timedelta(minutes=10)
    assert _capacity(city) == 1

    visit = book_hold(db.session, hold, ANNA, NOW, SETTINGS)
    db.session.commit()
    assert visit.status == AppointmentStatus.PENDING
    assert visit.activation_expires_at == NOW + timedelta(minutes=30)
    assert db.session.get(Hold, hold.id) is None
    assert (
        db.session.scalar(
            select(func.count()).select_from(SlotClaim).where(SlotClaim.appointment_id == visit.id)
        )
        == 3
    )  # 15 minutes in 5-minute units
    token = manage_token(SETTINGS.secret_key, visit.manage_nonce)
    assert find_appointment(db.session, token) is visit
    assert find_appointment(db.session, token[:-1] + "x") is None

    assert confirm(db.session, visit, NOW + timedelta(minutes=5)) is True
    assert visit.status == AppointmentStatus.CONFIRMED
    assert confirm(db.session, visit, NOW + timedelta(minutes=6)) is False


def test_the_last_clerk_goes_to_the_first_and_the_second_sees_it_taken(city):
    _hold(city)
    _hold(city)
    assert _capacity(city) == 0
    with pytest.raises(errors.SlotTaken):
        _hold(city)


def test_an_expired_hold_frees_its_time_for_someone_else(city):
    first, _ = _hold(city)
    second, _ = _hold(city)
    later = NOW + timedelta(minutes=11)
    assert _capacity(city, now=later) == 2
    third, _ = _hold(city, now=later)
    assert third.staff_id in {first.staff_id, second.staff_id}
    with pytest.raises(errors.HoldExpired):
        book_hold(db.session, first, ANNA, later, SETTINGS)


def test_a_new_choice_lets_the_old_hold_go(city):
    hold, old_token = _hold(city)
    ten = NINE + timedelta(hours=1)
    new_hold, _ = _hold(city, start=ten, replacing=hold)
    assert find_hold(db.session, old_token) is None
    assert _capacity(city) == 2
    assert new_hold.starts_at == ten


def test_an_unactivated_visit_gives_its_time_back(city):
    visit = book_hold(db.session, _hold(city)[0], ANNA, NOW, SETTINGS)
    book_hold(db.session, _hold(city)[0], ANNA, NOW, SETTINGS)
    late = NOW + timedelta(minutes=31)
    assert _capacity(city, now=late) == 2
    _hold(city, now=late)
    with pytest.raises(errors.ActivationExpired):
        confirm(db.session, visit, late)


def test_one_address_may_hold_only_so_many_open_visits(city):
    settings = BookingSettings(secret_key="s", max_active_per_email=2)
    for hour in (9, 10):
        hold, _ = _hold(city, start=local_datetime(TUESDAY, time(hour)))
        book_hold(db.session, hold, ANNA, NOW, settings)
    hold, _ = _hold(city, start=local_datetime(TUESDAY, time(11)))
    shouting = ContactDetails(name="Anna", email="ANNA@example.org")
    with pytest.raises(errors.TooManyVisits):
        book_hold(db.session, hold, shouting, NOW, settings)


def test_a_cancelled_time_reopens_only_after_the_delay(city):
    settings = BookingSettings(secret_key="s", activation_required=False)
    visit = book_hold(db.session, _hold(city)[0], ANNA, NOW, settings)
    book_hold(db.session, _hold(city)[0], BERT, NOW, settings)
    assert _capacity(city) == 0
    cancel(db.session, visit, NOW, settings)
    assert visit.status == AppointmentStatus.CANCELLED
    assert visit.sequence == 1
    assert _capacity(city) == 0
    cooldown = db.session.scalar(select(Hold).where(Hold.kind == HoldKind.COOLDOWN))
    assert cooldown.staff_id == visit.staff_id
    assert _capacity(city, now=NOW + timedelta(minutes=15)) == 1
    _hold(city, now=NOW + timedelta(minutes=15))
    with pytest.raises(errors.NotChangeable):
        cancel(db.session, visit, NOW, settings)


def test_moving_takes_the_new_time_and_frees_the_old_one_after_the_delay(city):
    settings = BookingSettings(secret_key="s", activation_required=False)
    visit = book_hold(db.session, _hold(city)[0], ANNA, NOW, settings)
    quarter_past = NINE + timedelta(minutes=15)
    move(db.session, visit, NINE + timedelta(minutes=10) + timedelta(minutes=5), NOW, settings)
    db.session.commit()
    assert visit.starts_at == quarter_past
    assert visit.sequence == 1
    claimed = db.session.scalars(
        select(SlotClaim.unit_start).where(SlotClaim.appointment_id == visit.id)
    ).all()
    assert min(claimed) == quarter_past
    assert _capacity(city) == 1  # the old time is cooling down for its clerk
    assert _capacity(city, now=NOW + timedelta(minutes=15)) == 2


def test_moving_to_an_overlapping_time_with_the_same_clerk_works(city):
    settings = BookingSettings(secret_key="s", activation_required=False)
    visit = book_hold(db.session, _hold(city)[0], ANNA, NOW, settings)
    _hold(city)  # the other clerk is busy: only the same clerk can take 09:15
    move(db.session, visit, NINE + timedelta(minutes=15), NOW, settings)
    assert visit.starts_at == NINE + timedelta(minutes=15)


def test_a_move_that_loses_the_race_keeps_the_old_time(city):
    settings = BookingSettings(secret_key="s", activation_required=False)
    visit = book_hold(db.session, _hold(city)[0], ANNA, NOW, settings)
    db.session.commit()
    eleven = local_datetime(TUESDAY, time(11))
    _hold(city, start=eleven)
    _hold(city, start=eleven)
    with pytest.raises(errors.SlotTaken):
        move(db.session, visit, eleven, NOW, settings)
    assert visit.starts_at == NINE


def test_no_changes_online_close_to_the_visit(city):
    settings = BookingSettings(secret_key="s", activation_required=False)
    visit = book_hold(db.session, _hold(city)[0], ANNA, NOW, settings)
    almost = NINE - timedelta(minutes=90)
    with pytest.raises(errors.TooLate):
        cancel(db.session, visit, almost, settings)
    with pytest.raises(errors.TooLate):
        move(db.session, visit, NINE + timedelta(hours=1), almost, settings)


def test_services_that_cannot_be_one_visit_are_refused(city):
    for ids, persons in (([], 1), ([city.service.id], 0), ([city.service.id], 4), ([2**40], 1)):
        with pytest.raises(errors.NotBookable):
            resolve_services(db.session, ids, persons)
    city.service.publicly_bookable = False
    with pytest.raises(errors.NotBookable):
        resolve_services(db.session, [city.service.id], 1)
    assert resolve_services(db.session, [city.service.id], 1, public_only=False)


def test_nearest_free_times_surround_the_wish(city):
    for _ in range(2):
        _hold(city)
    offered = nearest_free_times(db.session, [city.service], 1, NINE, NOW, SETTINGS, limit=4)
    assert len(offered) == 4
    assert NINE not in [slot.start for slot in offered]
    assert offered == sorted(offered, key=lambda slot: slot.start)
    assert [slot.start - NINE for slot in offered] == [
        timedelta(minutes=m) for m in (15, 30, 45, 60)
    ]


def test_purge_forgets_old_contact_details_and_run_out_holds(city):
    from portal.booking.retention import purge

    settings = BookingSettings(secret_key="s", activation_required=False)
    visit = book_hold(db.session, _hold(city)[0], ANNA, NOW, settings)
    _hold(city, start=NINE + timedelta(hours=1))
    db.session.commit()
    soon = purge(db.session, NOW + timedelta(hours=2), retention=timedelta(days=90))
    assert (soon.holds, soon.visits) == (1, 0)
    assert visit.email == "anna@example.org"
    later = purge(db.session, NINE + timedelta(days=91), retention=timedelta(days=90))
    db.session.commit()
    db.session.refresh(visit)
    assert later.visits == 1
    assert (visit.email, visit.phone, visit.resident_name) == (None, None, "—")
    assert visit.status == AppointmentStatus.CONFIRMED


def test_a_hold_can_be_extended_once_before_it_runs_out(city):
    hold, _ = _hold(city)
    assert can_extend(hold, SETTINGS)
    later = NOW + timedelta(minutes=8)
    assert extend_hold(db.session, hold, later, SETTINGS) is True
    assert hold.expires_at == later + timedelta(minutes=10)
    assert not can_extend(hold, SETTINGS)
    assert extend_hold(db.session, hold, later, SETTINGS) is False
    with pytest.raises(errors.HoldExpired):
        extend_hold(db.session, hold, later + timedelta(minutes=11), SETTINGS)
