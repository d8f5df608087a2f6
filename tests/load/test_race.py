"""Fifty residents click the last free time at once: exactly one gets it.

Real threads, each with its own database connection, on SQLite and on PostgreSQL. The
winner is decided by the primary key of ``slot_claim``, not by a check in Python.
"""

from __future__ import annotations

from sqlalchemy import func, select

from portal.booking.contact import ContactDetails
from portal.booking.errors import SlotTaken
from portal.booking.operations import book_hold, place_hold
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, Service
from tests.load.conftest import NOW, RACERS, START, run_race

SETTINGS = BookingSettings(secret_key="race", activation_required=False, max_active_per_email=99)


def test_fifty_residents_one_time_one_visit(race_app, one_clerk):
    service_id = one_clerk.service.id

    def book(number: int, service: Service) -> None:
        hold, _ = place_hold(db.session, [service], 1, START, NOW, SETTINGS)
        contact = ContactDetails(name=f"Bewoner {number}", email=f"r{number}@example.org")
        book_hold(db.session, hold, contact, NOW, SETTINGS)
        db.session.commit()

    outcomes = run_race(
        race_app,
        range(RACERS),
        lambda _number: db.session.get(Service, service_id),
        book,
        {SlotTaken: "taken"},
    )

    assert sorted(set(outcomes)) == ["taken", "won"], outcomes
    assert outcomes.count("won") == 1
    assert len(outcomes) == RACERS
    db.session.expire_all()
    confirmed = db.session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(Appointment.status == AppointmentStatus.CONFIRMED, Appointment.starts_at == START)
    )
    assert confirmed == 1
