"""Booking hands the hold's slot claims to the visit (one UPDATE, the units never free for
a moment); a hold whose claims were swept meanwhile has its visit claim them anew, and the
primary key still refuses a unit someone else took."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal.booking.contact import ContactDetails
from portal.booking.operations import book_hold, place_hold
from portal.booking.selection import resolve_services
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Hold, HoldKind, SlotClaim
from portal.timeutil import local_datetime
from tests.builders import build_city

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
NINE = local_datetime(MONDAY + timedelta(days=1), time(9))
SETTINGS = BookingSettings(secret_key="test-secret")
ANNA = ContactDetails(name="Anna Peeters", email="anna@example.org", language="nl")


@pytest.fixture
def held(app):
    """One clerk, and a hold of the 15 minutes from nine on Tuesday, committed."""
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=1)
    services = resolve_services(db.session, [city.service.id], 1)
    hold, _token = place_hold(db.session, services, 1, NINE, NOW, SETTINGS)
    db.session.commit()
    return hold


def _claims() -> list[tuple]:
    """Every slot claim as (staff, unit start, visit, hold), in unit order."""
    rows = db.session.execute(
        select(
            SlotClaim.staff_id, SlotClaim.unit_start, SlotClaim.appointment_id, SlotClaim.hold_id
        ).order_by(SlotClaim.unit_start)
    )
    return [tuple(row) for row in rows]


def test_the_visit_takes_over_the_units_of_its_hold(held):
    before = [(staff, unit) for staff, unit, _visit, _hold in _claims()]
    visit = book_hold(db.session, held, ANNA, NOW, SETTINGS)
    db.session.commit()
    assert [(staff, unit, visit_id, hold_id) for staff, unit, visit_id, hold_id in _claims()] == [
        (staff, unit, visit.id, None) for staff, unit in before
    ]
    assert len(visit.claims) == 3
    assert db.session.scalar(select(Hold).where(Hold.kind == HoldKind.BOOKING)) is None


def test_a_hold_whose_claims_were_swept_books_its_units_anew(held):
    db.session.execute(delete(SlotClaim))
    db.session.commit()
    visit = book_hold(db.session, held, ANNA, NOW, SETTINGS)
    db.session.commit()
    claims = _claims()
    assert len(claims) == 3
    assert {(visit_id, hold_id) for _staff, _unit, visit_id, hold_id in claims} == {
        (visit.id, None)
    }


def test_a_unit_taken_after_the_sweep_is_refused_by_the_primary_key(held):
    db.session.execute(delete(SlotClaim))
    other = Hold(
        kind=HoldKind.COOLDOWN,
        staff_id=held.staff_id,
        service_ids=list(held.service_ids),
        persons=1,
        starts_at=NINE + timedelta(minutes=5),
        ends_at=NINE + timedelta(minutes=10),
        created_at=NOW,
        expires_at=NOW + timedelta(hours=1),
    )
    other.claim_time()
    db.session.add(other)
    db.session.commit()
    with pytest.raises(IntegrityError):
        book_hold(db.session, held, ANNA, NOW, SETTINGS)
    db.session.rollback()
    assert [hold_id for *_rest, hold_id in _claims()] == [other.id]
