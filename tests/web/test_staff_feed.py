"""The staff calendar feed: the settings page, renewing the secret address, the ICS itself
(own visits only, Brussels times, no resident's personal data) and its audit rows."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AppointmentStatus, AuditAction, AuditEvent, StaffMember, StaffRole
from portal.staff.accounts import hash_password
from portal.staff.feed import feed_token, renew_feed
from portal.timeutil import CITY_TZ, local_datetime
from tests.builders import book, build_city
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, sign_in

SETTINGS = "/medewerkers/agenda-abonnement"
RENEW = "/medewerkers/agenda-abonnement/vernieuwen"
PASSWORD = "juist-wachtwoord-123"
RESIDENT = {
    "resident_name": "Fatima Vertrouwelijk",
    "email": "fatima.geheim@example.org",
    "phone": "+32 470 12 34 56",
    "remark": "Komt met rolstoel, graag gelijkvloers",
}


def _city(session):
    """A clerk with an account and four visits (own, pending, cancelled, far away), a
    colleague with one; committed. Returns (clerk id, {name: reference})."""
    city = build_city(session, DEMO_TODAY, DEMO_TODAY)
    clerk, colleague = city.staff
    clerk.email, clerk.role = "an@stad.example", StaffRole.CLERK
    clerk.password_hash = hash_password(PASSWORD)
    service = city.service

    def visit(member, day_offset, hour, **fields):
        start = local_datetime(DEMO_TODAY + timedelta(days=day_offset), time(hour))
        booked = book(session, member, service, start, start + timedelta(minutes=20))
        for name, value in {**RESIDENT, **fields}.items():
            setattr(booked, name, value)
        return booked

    own = visit(
        clerk,
        0,
        9,
        counter_id=city.counters[0].id,
        persons=2,
        spoken_language="ar",
        interpreter_needed=True,
        sequence=3,
    )
    pending = visit(
        clerk,
        1,
        10,
        status=AppointmentStatus.PENDING,
        activation_expires_at=DEMO_NOW + timedelta(minutes=30),
    )
    cancelled = visit(clerk, 2, 11, status=AppointmentStatus.CANCELLED)
    far = visit(clerk, 120, 9)
    theirs = visit(colleague, 0, 10)
    session.commit()
    references = {
        "own": own.reference,
        "pending": pending.reference,
        "cancelled": cancelled.reference,
        "far": far.reference,
        "colleague": theirs.reference,
    }
    return clerk.id, references


def _feed_path(html: str) -> str:
    """The feed's path, from the address the settings page shows."""
    address = re.search(r'id="feed-address" value="([^"]+)"', html).group(1)
    assert address.startswith("http://127.0.0.1:5000/medewerkers/agenda/")
    return address.removeprefix("http://127.0.0.1:5000")


def _renew(client) -> str:
    """Press the renew button like a browser; the page it comes back to."""
    token = csrf_of(client.get(SETTINGS).get_data(as_text=True))
    response = client.post(RENEW, data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == SETTINGS
    return client.get(SETTINGS).get_data(as_text=True)


def _audit_count(member_id: int, subject: str) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.actor_id == member_id, AuditEvent.subject == subject
        )
    )


def test_the_clerk_makes_a_feed_of_their_own_visits_only(app, frozen_clock):
    clerk_id, refs = _city(db.session)
    client = new_client(app)
    assert sign_in(client, "an@stad.example", PASSWORD).status_code == 302
    before = client.get(SETTINGS).get_data(as_text=True)
    assert "U hebt nog geen adres" in before
    assert "Nieuw adres maken" in before
    assert "feed-address" not in before

    page = _renew(client)
    assert "Uw agenda-adres is klaar." in page
    assert "Adres vernieuwen" in page
    assert '<label for="feed-address">' in page
    assert 'value="webcal://127.0.0.1:5000/medewerkers/agenda/' in page
    path = _feed_path(page)

    response = new_client(app).get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    body = response.get_data(as_text=True)
    for personal in RESIDENT.values():
        assert personal not in body.replace("\r\n ", "")
    calendar = Calendar.from_ical(response.get_data())
    assert str(calendar["X-WR-CALNAME"]) == "Afspraken – Bediende 0"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"{refs['own']}-staff@stadhuis-op-afspraak",
        f"{refs['pending']}-staff@stadhuis-op-afspraak",
    }
    own = events[f"{refs['own']}-staff@stadhuis-op-afspraak"]
    assert own["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert own.decoded("DTSTART") == local_datetime(DEMO_TODAY, time(9)).astimezone(CITY_TZ)
    assert own.decoded("DTSTART").utcoffset() == timedelta(hours=1)
    assert own.decoded("DTEND") == local_datetime(DEMO_TODAY, time(9, 20))
    assert str(own["SUMMARY"]) == f"{refs['own']} · Identiteitskaart aanvragen (2 personen)"
    assert str(own["LOCATION"]) == "Balie 1"
    assert "Taal aan de balie: Arabisch" in str(own["DESCRIPTION"])
    assert "Tolk nodig" in str(own["DESCRIPTION"])
    assert own["SEQUENCE"] == 3
    if "staff.visit" in app.view_functions:  # where staff find the resident's details
        assert "/medewerkers/bezoek/" in str(own["DESCRIPTION"])
    assert str(own["STATUS"]) == "CONFIRMED"
    pending = events[f"{refs['pending']}-staff@stadhuis-op-afspraak"]
    assert str(pending["STATUS"]) == "TENTATIVE"
    assert "LOCATION" not in pending

    assert _audit_count(clerk_id, "feed.renew") == 1
    assert _audit_count(clerk_id, "feed.export") == 1
    new_client(app).get(path)
    assert _audit_count(clerk_id, "feed.export") == 2
    export = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject == "feed.export").order_by(AuditEvent.id)
    ).first()
    assert export.action is AuditAction.EXPORT
    assert export.detail == {"visits": 2, "shifts": 0}


def test_renewing_retires_the_old_address(app, frozen_clock):
    clerk_id, _refs = _city(db.session)
    client = new_client(app)
    sign_in(client, "an@stad.example", PASSWORD)
    old_path = _feed_path(_renew(client))
    page = _renew(client)
    assert "Het oude adres werkt niet meer." in page
    new_path = _feed_path(page)
    assert new_path != old_path

    outsider = new_client(app)
    gone = outsider.get(old_path)
    assert gone.status_code == 404
    assert gone.headers["Content-Type"].startswith("text/plain")
    assert outsider.get(new_path).status_code == 200
    assert _audit_count(clerk_id, "feed.renew") == 2
    assert _audit_count(clerk_id, "feed.export") == 1


@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,
        "x",
        "not a token",
        "-" * 64,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq" * 3,
    ],
)
def test_unknown_tokens_get_404(app, frozen_clock, token):
    _city(db.session)
    response = new_client(app).get(f"/medewerkers/agenda/{token}.ics")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_a_deactivated_member_feed_stops(app, frozen_clock):
    clerk_id, _refs = _city(db.session)
    member = db.session.get(StaffMember, clerk_id)
    token = renew_feed(member, app.config["SECRET_KEY"])
    assert token == feed_token(app.config["SECRET_KEY"], member.feed_nonce)
    db.session.commit()
    path = f"/medewerkers/agenda/{token}.ics"
    assert new_client(app).get(path).status_code == 200
    member.active = False
    db.session.commit()
    assert new_client(app).get(path).status_code == 404


def test_the_settings_page_needs_sign_in_and_explains_privacy(app, frozen_clock):
    _city(db.session)
    anonymous = new_client(app).get(SETTINGS)
    assert anonymous.status_code == 302
    assert "/medewerkers/aanmelden" in anonymous.headers["Location"]
    assert new_client(app).post(RENEW).status_code in (302, 400)
    client = new_client(app)
    sign_in(client, "an@stad.example", PASSWORD)
    page = client.get(SETTINGS).get_data(as_text=True)
    assert "Namen, e-mailadressen, telefoonnummers en opmerkingen" in page
    assert "het oude werkt dan meteen niet meer" in page
    assert client.post(RENEW, data={}).status_code == 400  # no CSRF token


def test_a_changed_secret_key_is_explained(app, frozen_clock):
    clerk_id, _refs = _city(db.session)
    member = db.session.get(StaffMember, clerk_id)
    renew_feed(member, "an-older-secret-key")
    db.session.commit()
    client = new_client(app)
    sign_in(client, "an@stad.example", PASSWORD)
    page = client.get(SETTINGS).get_data(as_text=True)
    assert "sleutel van het portaal veranderd" in page
    assert "feed-address" not in page
    assert "Adres vernieuwen" in page
