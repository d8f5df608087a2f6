"""Queue numbers on a small city: given at booking per team and day in order, again when
a move changes the day, none for a call back; on the confirmation mail and the resident's
page; the check-in slip in the resident's language and Dutch."""

from __future__ import annotations

import email
from datetime import date, time, timedelta
from email import policy

import pytest
from sqlalchemy import select

from portal.booking.contact import ContactDetails
from portal.booking.operations import book_hold, move, place_hold
from portal.booking.queue_numbers import assign_queue_number
from portal.booking.selection import resolve_services
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Channel, OutboxMail, QueueCounter
from portal.models.appointments import queue_label
from portal.notifications import MailKind, manage_url, queue_appointment_mail
from portal.timeutil import local_datetime
from tests.builders import book, build_city

MONDAY = date(2026, 12, 7)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
NOW = local_datetime(MONDAY, time(7, 30))
SETTINGS = BookingSettings(secret_key="test-secret")


@pytest.fixture
def city(app):
    """Two clerks at the counter the week of 7 December 2026, team letter B."""
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=2)
    built.team.queue_letter = "B"
    db.session.commit()
    return built


def _book(city, start, language="nl"):
    services = resolve_services(db.session, [city.service.id], 1)
    hold, _token = place_hold(db.session, services, 1, start, NOW, SETTINGS)
    address = f"bewoner{start:%d%H%M}-{len(city.team.members)}-{id(hold)}@example.org"
    contact = ContactDetails(name="Anna Peeters", email=address, language=language)
    return book_hold(db.session, hold, contact, NOW, SETTINGS, require_activation=False)


def test_the_label_is_the_letter_and_three_digits():
    assert queue_label("B", 14) == "B-014"
    assert queue_label("BS", 7) == "BS-007"
    assert queue_label("B", 1234) == "B-1234"
    assert queue_label(None, 3) == "003"


def test_bookings_count_up_per_team_and_day(city):
    nine = local_datetime(TUESDAY, time(9))
    first = _book(city, nine + timedelta(minutes=30))
    second = _book(city, nine)
    third = _book(city, nine)
    other_day = _book(city, local_datetime(WEDNESDAY, time(9)))
    db.session.commit()
    assert [first.queue_label, second.queue_label, third.queue_label] == [
        "B-001",
        "B-002",
        "B-003",
    ]
    assert other_day.queue_label == "B-001" and other_day.queue_day == WEDNESDAY
    assert db.session.get(QueueCounter, (city.team.id, TUESDAY)).last_number == 3


def test_a_move_to_another_day_takes_a_new_number_and_the_same_day_keeps_it(city):
    visit = _book(city, local_datetime(TUESDAY, time(9)))
    _book(city, local_datetime(WEDNESDAY, time(9)))
    db.session.commit()
    move(db.session, visit, local_datetime(TUESDAY, time(10)), NOW, SETTINGS)
    assert (visit.queue_day, visit.queue_number) == (TUESDAY, 1)
    move(db.session, visit, local_datetime(WEDNESDAY, time(10)), NOW, SETTINGS)
    db.session.commit()
    assert (visit.queue_day, visit.queue_label) == (WEDNESDAY, "B-002")


def test_a_call_back_gets_no_number(city):
    visit = book(
        db.session,
        city.staff[0],
        city.service,
        local_datetime(TUESDAY, time(9)),
        local_datetime(TUESDAY, time(9, 15)),
    )
    city.service.channel = Channel.BACK_OFFICE
    assert assign_queue_number(db.session, visit) is False
    assert visit.queue_label is None
    city.service.channel = Channel.COUNTER
    assert assign_queue_number(db.session, visit) is True
    assert assign_queue_number(db.session, visit) is False  # one number per team and day
    assert visit.queue_label == "B-001"


@pytest.mark.parametrize(
    ("language", "label", "sentence"),
    [
        ("nl", "Uw volgnummer", "Het scherm in de wachtzaal roept u met dit nummer."),
        ("fr", "Votre numéro d'appel", None),
    ],
)
def test_the_confirmation_mail_carries_the_number(app, city, language, label, sentence):
    visit = _book(city, local_datetime(TUESDAY, time(9)), language=language)
    queue_appointment_mail(
        db.session, visit, MailKind.CONFIRMATION, manage_url=manage_url(app.config, visit), now=NOW
    )
    db.session.commit()
    stored = db.session.scalar(select(OutboxMail).where(OutboxMail.appointment_id == visit.id))
    message = email.message_from_string(stored.message, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"{label}: B-001" in text
    assert label in html and ">B-001</p>" in html
    if sentence:
        assert sentence in text


def test_the_residents_page_shows_the_number(app, city):
    visit = _book(city, local_datetime(TUESDAY, time(9)))
    db.session.commit()
    client = app.test_client()
    page = client.get(manage_url(app.config, visit).replace(app.config["BASE_URL"], ""))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<dt>Volgnummer</dt>" in body and "B-001" in body
