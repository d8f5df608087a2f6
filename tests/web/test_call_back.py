"""The call-back service: a phone number is required (pages and API), and its confirmations
say when the city calls instead of sending the resident to the city hall."""

from __future__ import annotations

from datetime import date, time, timedelta

import icalendar
import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    Channel,
    Service,
    ServiceText,
    Shift,
    ShiftKind,
)
from portal.notifications import MailKind, compose_appointment_mail, manage_url
from portal.notifications.ics import appointment_calendar
from portal.timeutil import local_datetime, to_local
from tests.builders import build_city
from tests.web.api_booking_helpers import HEADERS, api_client, error_of
from tests.web.booking_helpers import (
    CONTACT,
    book_through_pages,
    csrf_of,
    first_free_start,
    hold_time,
    manage_path,
)

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
PHONE = "0470 12 34 56"
ADDRESS = "Grote Markt 1"


@pytest.fixture
def city(app, monkeypatch):
    """A counter service and a call back ("terugbellen", back office 13:00–16:00 on
    weekdays), two clerks, mail kept in the outbox, limits off, the clock at 07:30."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=13), staff_count=2)
    call_back = Service(
        code="terugbellen",
        team=built.team,
        topic="other",
        duration_minutes=15,
        min_notice_minutes=0,
        channel=Channel.BACK_OFFICE,
    )
    call_back.texts["nl"] = ServiceText(language="nl", name="Telefonische terugbelafspraak")
    for member in built.staff:
        member.services.append(call_back)
    db.session.add(call_back)
    db.session.flush()
    for offset in range(14):
        day = MONDAY + timedelta(days=offset)
        if day.weekday() < 5:
            db.session.add_all(
                Shift(
                    staff_id=member.id,
                    kind=ShiftKind.BACK_OFFICE,
                    starts_at=local_datetime(day, time(13)),
                    ends_at=local_datetime(day, time(16)),
                )
                for member in built.staff
            )
    db.session.commit()
    built.call_back = call_back
    with time_machine.travel(NOW, tick=False):
        yield built


def _only_visit() -> Appointment:
    db.session.expire_all()
    return db.session.scalars(select(Appointment)).one()


def _details_after_hold(client, service_id: int):
    token, start = first_free_start(client, service_id)
    assert hold_time(client, service_id, start, token).status_code == 302
    return client.get("/afspraak/gegevens")


def test_the_call_back_asks_for_a_phone_number_and_refuses_without(client, city):
    page = _details_after_hold(client, city.call_back.id)
    assert "Telefoonnummer (niet verplicht)" not in page.text
    assert "We bellen u op dit nummer" in page.text
    refused = client.post(
        "/afspraak/gegevens", data={**CONTACT, "phone": "", "csrf_token": csrf_of(page.text)}
    )
    assert refused.status_code == 400
    assert "Vul uw telefoonnummer in: we bellen u op dit nummer." in refused.text
    assert 'aria-invalid="true"' in refused.text
    # The review step refuses a draft without the number too (it sends back to the details).
    assert client.get("/afspraak/controle").headers["Location"].endswith("/afspraak/gegevens")
    assert db.session.scalars(select(Appointment)).first() is None


def test_a_counter_service_keeps_the_phone_number_optional(client, city):
    page = _details_after_hold(client, city.service.id)
    assert "Telefoonnummer (niet verplicht)" in page.text
    answer = client.post(
        "/afspraak/gegevens", data={**CONTACT, "phone": "", "csrf_token": csrf_of(page.text)}
    )
    assert answer.status_code == 302


def test_a_booked_call_back_keeps_the_number_and_says_we_call(app, client, city):
    book_through_pages(client, city.call_back.id, {**CONTACT, "phone": PHONE})
    visit = _only_visit()
    assert visit.phone == PHONE
    start, end = (to_local(moment).strftime("%H:%M") for moment in (visit.starts_at, visit.ends_at))
    said = f"We bellen u op {PHONE} tussen {start} en {end}."

    done = client.get("/afspraak/klaar").text
    assert said in done
    assert ADDRESS not in done and "loket" not in done.lower()

    link = manage_path(app, visit)
    page = client.get(link)
    client.post(link + "/bevestigen", data={"csrf_token": csrf_of(page.text)})
    shown = client.get(link).text
    assert _only_visit().status == AppointmentStatus.CONFIRMED
    assert said in shown
    assert ADDRESS not in shown
    assert "aan het onthaal" not in shown  # no QR code to show at a counter


@pytest.mark.parametrize("kind", list(MailKind))
def test_every_call_back_mail_says_we_call_and_never_sends_to_the_hall(app, client, city, kind):
    book_through_pages(client, city.call_back.id, {**CONTACT, "phone": PHONE})
    visit = _only_visit()
    message = compose_appointment_mail(
        visit, kind, manage_url=manage_url(app.config, visit), now=NOW
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert PHONE in body
        assert "We bellen u op" in body
        # The hall's address is the mail's signature, never the place to go.
        assert "Waar:" not in body and ">Waar<" not in body
        assert "in het stadhuis" not in body
        assert "langskomen" not in body
        assert "onthaal" not in body
    if kind is MailKind.CONFIRMATION:
        assert "U hoeft niet naar het stadhuis te komen." in text
    assert not any(part.get_content_type() == "image/png" for part in message.walk())


def test_the_call_back_calendar_file_is_the_phone_not_the_hall(app, client, city):
    book_through_pages(client, city.call_back.id, {**CONTACT, "phone": PHONE})
    visit = _only_visit()
    ics = appointment_calendar(visit, cancelled=False, organizer_email="a@b.example", language="nl")
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert PHONE in str(event["LOCATION"]) and ADDRESS not in str(event["LOCATION"])
    assert PHONE in str(event["DESCRIPTION"])


def test_in_arabic_the_number_and_times_are_isolated(app, client, city):
    book_through_pages(client, city.call_back.id, {**CONTACT, "phone": PHONE, "language": "ar"})
    with app.app_context():  # a request of its own: the language is not cached in ``g``
        done = client.get("/afspraak/klaar?lang=ar").text
    assert 'lang="ar" dir="rtl"' in done
    assert f'<bdi dir="ltr">{PHONE}</bdi>' in done
    visit = _only_visit()
    message = compose_appointment_mail(
        visit, MailKind.CONFIRMATION, manage_url=manage_url(app.config, visit), now=NOW
    )
    assert f"\u2068{PHONE}\u2069" in message.get_body(("plain",)).get_content()


def test_the_api_refuses_a_call_back_without_a_phone_number(app, city, monkeypatch):
    api = api_client(app, monkeypatch)
    slots = api.get(f"/api/v1/services/{city.call_back.id}/slots?date=2026-12-07").json
    first = slots["slots"][0]["start"]
    held = api.post(
        "/api/v1/holds", json={"service_ids": [city.call_back.id], "start": first}, headers=HEADERS
    )
    assert held.status_code == 201, held.json
    token = held.json["hold"]["token"]
    body = {"hold": token, "name": "Anna Peeters", "email": "anna@example.org"}
    refused = api.post("/api/v1/appointments", json=body, headers=HEADERS)
    error = error_of(refused, 422, "phone_required", "phone")["error"]
    assert "telefoonnummer" in error["message"]
    assert (
        api.post("/api/v1/appointments", json={**body, "phone": None}, headers=HEADERS).status_code
        == 422
    )
    made = api.post("/api/v1/appointments", json={**body, "phone": PHONE}, headers=HEADERS)
    assert made.status_code == 201, made.json
    assert _only_visit().phone == PHONE


def test_the_api_keeps_the_phone_optional_at_the_counter(app, city, monkeypatch):
    api = api_client(app, monkeypatch)
    slots = api.get(f"/api/v1/services/{city.service.id}/slots?date=2026-12-08").json
    held = api.post(
        "/api/v1/holds",
        json={"service_ids": [city.service.id], "start": slots["slots"][0]["start"]},
        headers=HEADERS,
    )
    body = {"hold": held.json["hold"]["token"], "name": "Anna Peeters", "email": "a@example.org"}
    assert api.post("/api/v1/appointments", json=body, headers=HEADERS).status_code == 201
