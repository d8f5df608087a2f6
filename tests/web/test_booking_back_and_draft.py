"""The back button after submitting, pages never cached, and what was typed surviving a
hold that ran out (kept in the session, only the contact draft, handed to the next hold)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.booking.flow_state import DONE_KEY, DRAFT_FIELDS, DRAFT_KEY, HOLD_KEY, keep_draft
from portal.extensions import db
from portal.models import Appointment
from tests.web.booking_helpers import (
    CONTACT,
    STARTS,
    book_through_pages,
    csrf_of,
    first_free_start,
    hold_time,
    manage_path,
    reach_review,
)

DETAILS = "/afspraak/gegevens"
REVIEW = "/afspraak/controle"
DONE = "/afspraak/klaar"
FULL_CONTACT = {
    **CONTACT,
    "phone": "+32 470 12 34 56",
    "language": "fr",
    "spoken_language": "other",
    "spoken_language_other": "Tsjetsjeens",
    "interpreter_needed": "y",
}


@pytest.fixture
def city(two_clerk_city):
    """Two clerks for two weeks, mail kept in the outbox, limits off, 07:30 on a Monday."""
    return two_clerk_city


def _visits() -> int:
    return db.session.scalar(select(func.count()).select_from(Appointment))


def test_back_after_submitting_shows_where_the_booking_stands(client, city):
    book_through_pages(client, city.service.id)
    for path in (DETAILS, REVIEW):
        back = client.get(path)
        assert back.status_code == 302 and back.location.endswith(DONE), path
    page = client.get(DONE).text
    assert "U hebt deze afspraak al aangevraagd." in page
    assert "Bijna klaar: bevestig uw afspraak" in page
    # A form sent again from a page the browser kept books nothing twice.
    again = client.post(REVIEW, data={"csrf_token": csrf_of(page)})
    assert again.status_code == 302 and again.location.endswith(DONE)
    assert _visits() == 1


def test_back_after_cancelling_says_it_is_cancelled(app, client, city, monkeypatch):
    monkeypatch.setitem(app.config, "MANAGE_CUTOFF_MINUTES", 0)
    book_through_pages(client, city.service.id)
    link = manage_path(app, db.session.scalars(select(Appointment)).one())
    client.post(link + "/bevestigen", data={"csrf_token": csrf_of(client.get(link).text)})
    asked = client.get(link + "/annuleren")
    client.post(link + "/annuleren", data={"csrf_token": csrf_of(asked.text)})
    back = client.get(REVIEW)
    assert back.status_code == 302 and back.location.endswith(DONE)
    page = client.get(DONE).text
    assert "<h1>Uw afspraak is geannuleerd</h1>" in page
    assert "Uw afspraak is geboekt" not in page


def test_without_a_booking_back_still_leads_to_step_one(client, city):
    for path in (DETAILS, REVIEW, DONE):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.location.endswith("/afspraak"), path


def test_the_step_pages_are_never_cached(client, city):
    _start, review = reach_review(client, city.service.id)
    assert review.headers["Cache-Control"] == "no-store"
    assert client.get(DETAILS).headers["Cache-Control"] == "no-store"
    client.post(REVIEW, data={"csrf_token": csrf_of(review.text)})
    assert client.get(DONE).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/afspraak").headers.get("Cache-Control", "")


def test_a_new_time_starts_a_new_booking(client, city):
    book_through_pages(client, city.service.id)
    token, start = first_free_start(client, city.service.id)
    assert hold_time(client, city.service.id, start, token).status_code == 302
    assert client.get(DETAILS).status_code == 200  # the new booking, not the old one
    with client.session_transaction() as session:
        assert DONE_KEY not in session and HOLD_KEY in session


def _value(page: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def test_what_was_typed_survives_a_hold_that_ran_out(client, city):
    _start, review = reach_review(client, city.service.id, FULL_CONTACT)
    city.clock.shift(timedelta(minutes=11))
    expired = client.get(REVIEW)
    assert expired.status_code == 410
    with client.session_transaction() as session:
        kept = session[DRAFT_KEY]
        assert HOLD_KEY not in session
    assert set(kept) <= set(DRAFT_FIELDS)  # the contact draft, nothing else
    assert kept["name"] == CONTACT["name"] and kept["remark"] == CONTACT["remark"]

    # One of the nearest times the expired page offers.
    start = html.unescape(STARTS.search(expired.text).group(1))
    chosen = client.post(
        "/afspraak/tijd",
        data={
            "dienst": str(city.service.id),
            "personen": "1",
            "start": start,
            "csrf_token": csrf_of(expired.text),
        },
    )
    assert chosen.status_code == 302 and chosen.location.endswith(DETAILS)
    page = client.get(DETAILS).text
    assert _value(page, "name") == CONTACT["name"]
    assert _value(page, "email") == CONTACT["email"]
    assert _value(page, "phone") == FULL_CONTACT["phone"]
    assert _value(page, "spoken_language_other") == "Tsjetsjeens"
    assert re.search(r'<input[^>]*checked[^>]*name="interpreter_needed"', page)
    assert html.escape(CONTACT["remark"], quote=False) in page
    assert re.search(r'<option[^>]*selected[^>]*value="fr"', page)
    with client.session_transaction() as session:
        assert DRAFT_KEY not in session  # handed over, not kept twice

    # And it books as typed.
    review = client.get(REVIEW)
    client.post(REVIEW, data={"csrf_token": csrf_of(review.text)})
    visit = db.session.scalars(select(Appointment)).one()
    assert (visit.phone, visit.spoken_language_other, visit.interpreter_needed) == (
        FULL_CONTACT["phone"],
        "Tsjetsjeens",
        True,
    )


def test_a_hold_that_ran_out_before_anything_was_typed_keeps_nothing(client, city):
    token, start = first_free_start(client, city.service.id)
    hold_time(client, city.service.id, start, token)
    city.clock.shift(timedelta(minutes=11))
    assert client.get(DETAILS).status_code == 410
    with client.session_transaction() as session:
        assert DRAFT_KEY not in session


def test_a_time_taken_meanwhile_keeps_the_draft_for_the_next_try(app, client, city):
    reach_review(client, city.service.id)
    city.clock.shift(timedelta(minutes=11))
    expired = client.get(DETAILS)
    start = html.unescape(STARTS.search(expired.text).group(1))
    # Someone else takes that time on both clerks first.
    for _ in city.staff:
        other = app.test_client()
        token, _first = first_free_start(other, city.service.id)
        assert hold_time(other, city.service.id, start, token).status_code == 302
    taken = client.post(
        "/afspraak/tijd",
        data={"dienst": str(city.service.id), "start": start, "csrf_token": csrf_of(expired.text)},
    )
    assert taken.status_code == 409
    with client.session_transaction() as session:
        assert session[DRAFT_KEY]["name"] == CONTACT["name"]


def test_a_draft_too_long_for_the_cookie_is_kept_without_its_remark(app):
    long_draft = {
        "name": "ع" * 120,
        "email": "anna@example.org",
        "phone": "0470 12 34 56",
        "language": "ar",
        "spoken_language": "other",
        "spoken_language_other": "ع" * 60,
        "interpreter_needed": True,
        "remark": "ملاحظة " * 140,
        "csrf_token": "not kept",
    }
    with app.test_request_context():
        from flask import session

        keep_draft(long_draft)
        kept = session[DRAFT_KEY]
        assert "remark" not in kept and "csrf_token" not in kept
        assert kept["name"] == long_draft["name"]
        keep_draft({**long_draft, "remark": "Ik kom met de rolstoel."})
        assert session[DRAFT_KEY]["remark"] == "Ik kom met de rolstoel."


def test_the_session_cookie_stays_small_with_the_longest_draft(client, city):
    longest = {
        **FULL_CONTACT,
        "name": "ع" * 120,
        "spoken_language_other": "ع" * 60,
        "remark": "ع" * 1000,
    }
    reach_review(client, city.service.id, longest)
    city.clock.shift(timedelta(minutes=11))
    expired = client.get(DETAILS)
    assert expired.status_code == 410
    cookie = next(
        value
        for key, value in expired.headers.items()
        if key == "Set-Cookie" and "session=" in value
    )
    assert len(cookie) < 4000
