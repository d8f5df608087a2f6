"""A staff booking form sent several times at once (a double click, an impatient reload):
one visit, whatever the timing. Two clerks are free, so without the form's one-time key
each send would book one of them; the unique key in the database decides.

Real threads, each with its own connection, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.booking.contact import ContactDetails
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Appointment, Service, StaffMember
from portal.staff.operations import book_for_resident, visit_of_request
from tests.builders import build_city
from tests.load.conftest import MONDAY, NOW, START

SETTINGS = BookingSettings(secret_key="race")
SENDS = 8
KEY = "0123456789abcdef0123456789abcdef"


def test_one_form_sent_eight_times_at_once_books_one_visit(race_app):
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=2)
    db.session.commit()
    service_id, actor_id = city.service.id, city.staff[0].id
    barrier = threading.Barrier(SENDS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def send() -> None:
        with race_app.app_context():
            try:
                service = db.session.get(Service, service_id)
                actor = db.session.get(StaffMember, actor_id)
                db.session.commit()
            finally:
                barrier.wait(timeout=60)
            contact = ContactDetails(name="Aan de balie", email=None)
            try:
                visit = book_for_resident(
                    db.session,
                    actor,
                    [service],
                    1,
                    START,
                    contact,
                    NOW,
                    SETTINGS,
                    request_key=KEY,
                )
                db.session.commit()
                outcome: object = visit.id
            except IntegrityError:
                db.session.rollback()
                outcome = visit_of_request(db.session, KEY).id
            except Exception as error:  # any other outcome fails the test
                db.session.rollback()
                outcome = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=send) for _ in range(SENDS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == SENDS
    assert len(set(outcomes)) == 1 and isinstance(outcomes[0], int), outcomes
    db.session.expire_all()
    booked = db.session.scalar(
        select(func.count()).select_from(Appointment).where(Appointment.starts_at == START)
    )
    assert booked == 1
