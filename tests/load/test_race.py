"""Fifty residents click the last free time at once: exactly one gets it.

Real threads, each with its own database connection, on SQLite and on PostgreSQL. The
winner is decided by the primary key of ``slot_claim``, not by a check in Python.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from portal.booking.contact import ContactDetails
from portal.booking.errors import SlotTaken
from portal.booking.operations import book_hold, place_hold
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus
from tests.load.conftest import NOW, RACERS, START

SETTINGS = BookingSettings(secret_key="race", activation_required=False, max_active_per_email=99)


def test_fifty_residents_one_time_one_visit(race_app, one_clerk):
    app, city = race_app, one_clerk
    service_id = city.service.id
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def resident(number: int) -> None:
        with app.app_context():
            try:
                service = db.session.get(type(city.service), service_id)
                db.session.commit()  # keep the object, give nothing away: all start equal
            finally:
                barrier.wait(timeout=60)  # a failing racer must not leave the others waiting
            try:
                hold, _ = place_hold(db.session, [service], 1, START, NOW, SETTINGS)
                contact = ContactDetails(name=f"Bewoner {number}", email=f"r{number}@example.org")
                book_hold(db.session, hold, contact, NOW, SETTINGS)
                db.session.commit()
                outcome = "won"
            except SlotTaken:
                db.session.rollback()
                outcome = "taken"
            except Exception as error:  # every other outcome is a failure of the test
                db.session.rollback()
                outcome = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=resident, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

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
