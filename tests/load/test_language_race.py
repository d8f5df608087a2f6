"""Thirty residents who all speak Arabic click the same time at once, with one Arabic
speaker among three clerks: the preference sends every racer to her first, and still
exactly three visits are made, one per clerk — the database decides, not Python."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.booking.contact import ContactDetails
from portal.booking.errors import SlotTaken
from portal.booking.operations import book_hold, place_hold
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, Service
from tests.builders import build_city
from tests.load.conftest import MONDAY, NOW, START, run_race

SETTINGS = BookingSettings(secret_key="race", activation_required=False, max_active_per_email=99)
RACERS = 30


def test_thirty_arabic_speakers_three_clerks_three_visits(race_app):
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=3)
    city.staff[1].languages = ["nl", "ar"]
    db.session.commit()
    service_id, speaker_id = city.service.id, city.staff[1].id

    def book(number: int, service: Service) -> None:
        hold, _ = place_hold(db.session, [service], 1, START, NOW, SETTINGS, prefer_language="ar")
        contact = ContactDetails(
            name=f"Bewoner {number}", email=f"r{number}@example.org", spoken_language="ar"
        )
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
    assert outcomes.count("won") == 3
    db.session.expire_all()
    visits = db.session.scalars(
        select(Appointment).where(
            Appointment.status == AppointmentStatus.CONFIRMED, Appointment.starts_at == START
        )
    ).all()
    assert len({visit.staff_id for visit in visits}) == 3
    assert speaker_id in {visit.staff_id for visit in visits}
