"""The write half of the API, as a form engine uses it: hold, book, read, confirm, move,
cancel — with its refusals, its keys and its mails."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import time_machine
from openapi_spec_validator import validate
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import Appointment, Hold
from portal.timeutil import isoformat_local
from tests.web.api_booking_helpers import (
    HEADERS,
    KEY,
    NINE,
    NOW,
    TEN,
    api_client,
    book,
    booked,
    city,
    error_of,
    hold,
    mails,
    schema,
)


@pytest.fixture
def clock():
    """Monday 7 December 2026, 07:30 in Brussels, standing still."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(app, monkeypatch, clock):
    """A form engine's client of the empty portal, at :data:`NOW`."""
    return api_client(app, monkeypatch)


def test_hold_book_read_confirm_move_cancel(api):
    town = city()
    held = hold(api, town.service.id, persons=2)
    assert held.status_code == 201
    assert held.headers["Cache-Control"] == "no-store"
    schema("Hold").validate(held.json)
    kept = held.json["hold"]
    assert kept["start"] == "2026-12-08T09:00:00+01:00"
    assert kept["end"] == "2026-12-08T09:20:00+01:00"  # 15 minutes + 5 for the second person
    assert kept["expires_at"] == "2026-12-07T07:40:00+01:00"
    assert (kept["service_ids"], kept["persons"]) == ([town.service.id], 2)

    made = book(api, kept["token"], phone="+32 9 123 45 67", remark="Rolstoel.\nDank u.")
    assert made.status_code == 201
    schema("Appointment").validate(made.json)
    token = made.json["manage_token"]
    visit = made.json["appointment"]
    assert visit["status"] == "pending"
    assert visit["activation_expires_at"] == "2026-12-07T08:00:00+01:00"
    assert visit["services"] == [{"id": town.service.id, "name": "Identiteitskaart aanvragen"}]
    assert mails("activation") == 1
    stored = db.session.scalar(select(Appointment))
    assert (stored.channel, stored.persons, stored.phone) == ("api", 2, "+32 9 123 45 67")
    assert db.session.scalar(select(Hold)) is None

    read = api.get(f"/api/v1/appointments/{token}?lang=en")
    assert read.status_code == 200 and "manage_token" not in read.json
    assert read.json["appointment"]["services"][0]["name"] == "Apply for an identity card"
    assert read.json["appointment"]["reference"] == visit["reference"]
    assert read.json["appointment"]["queue_number"] == visit["queue_number"] == "001"
    assert read.json["appointment"]["can_change"] is True

    confirmed = api.post(f"/api/v1/appointments/{token}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json["appointment"]["status"] == "confirmed"
    assert mails("confirmation") == 1
    again = api.post(f"/api/v1/appointments/{token}/confirm", json={})
    assert again.status_code == 200 and mails("confirmation") == 1  # no second mail

    moved = api.post(f"/api/v1/appointments/{token}/move", json={"start": isoformat_local(TEN)})
    assert moved.status_code == 200, moved.json
    schema("Appointment").validate(moved.json)
    assert moved.json["appointment"]["start"] == "2026-12-08T10:00:00+01:00"
    assert moved.json["appointment"]["end"] == "2026-12-08T10:20:00+01:00"
    assert mails("moved") == 1

    cancelled = api.post(f"/api/v1/appointments/{token}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json["appointment"]["status"] == "cancelled"
    assert cancelled.json["appointment"]["can_change"] is False
    assert mails("cancelled") == 1
    error_of(api.post(f"/api/v1/appointments/{token}/cancel"), 409, "not_changeable")


def test_activation_off_books_confirmed_and_mails_the_confirmation(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "ACTIVATION_REQUIRED", False)
    town = city()
    token = booked(
        api,
        town.service.id,
        language="fr",
        interpreter_needed=True,
        spoken_language="ps",
        spoken_language_other=None,
    )
    visit = api.get(f"/api/v1/appointments/{token}").json["appointment"]
    assert (visit["status"], visit["language"], visit["activation_expires_at"]) == (
        "confirmed",
        "fr",
        None,
    )
    assert (visit["spoken_language"], visit["interpreter_needed"]) == ("ps", True)
    assert mails("confirmation") == 1 and mails("activation") == 0
    other = booked(
        api, town.service.id, TEN, spoken_language="other", spoken_language_other="Lingala"
    )
    visit = api.get(f"/api/v1/appointments/{other}").json["appointment"]
    assert (visit["spoken_language"], visit["spoken_language_other"]) == ("other", "Lingala")
    words_only = booked(api, town.service.id, TEN, spoken_language="fr", spoken_language_other="x")
    visit = api.get(f"/api/v1/appointments/{words_only}").json["appointment"]
    assert (visit["spoken_language"], visit["spoken_language_other"]) == ("fr", None)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-API-Key": ""},
        {"X-API-Key": "wrong"},
        {"X-API-Key": KEY + "x"},
        {"X-API-Key": "sleutel-é"},
    ],
)
def test_holding_and_booking_need_a_key(api, headers):
    for method, path in (
        ("post", "/api/v1/holds"),
        ("post", "/api/v1/appointments"),
        ("delete", "/api/v1/holds/" + "a" * 43),
    ):
        response = getattr(api, method)(path, json={}, headers=headers)
        error_of(response, 401, "unauthorized")


def test_no_configured_keys_lets_nobody_in(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_KEYS", {"leeg": ""})
    error_of(api.post("/api/v1/holds", json={}, headers={"X-API-Key": ""}), 401, "unauthorized")


def test_the_last_clerk_taken_offers_the_nearest_free_times(api, app, monkeypatch):
    town = city(staff_count=1)
    assert hold(api, town.service.id).status_code == 201
    other_engine = api_client(app, monkeypatch)
    body = error_of(hold(other_engine, town.service.id), 409, "slot_taken", "start")
    starts = [slot["start"] for slot in body["alternatives"]]
    assert starts and isoformat_local(NINE) not in starts
    assert starts == sorted(starts)
    assert "2026-12-08T09:15:00+01:00" in starts


@pytest.mark.parametrize(
    "start",
    [
        "2026-12-08T09:07:00+01:00",
        "2026-12-13T10:00:00+01:00",
        "2026-12-06T10:00:00+01:00",
        "2026-12-08T19:00:00+01:00",
    ],
)
def test_a_time_that_is_not_free_is_taken_with_alternatives(api, start):
    town = city()
    response = api.post(
        "/api/v1/holds", json={"service_ids": [town.service.id], "start": start}, headers=HEADERS
    )
    assert error_of(response, 409, "slot_taken", "start")["alternatives"]


@pytest.mark.parametrize(
    ("body", "code", "parameter"),
    [
        ({"start": "2026-12-08T09:00:00"}, "invalid_datetime", "start"),
        ({"start": "morgen om negen"}, "invalid_datetime", "start"),
        ({"start": "0001-01-01T00:00:00+01:00"}, "invalid_datetime", "start"),
        ({"start": "9999-12-31T23:59:59-12:00"}, "invalid_datetime", "start"),
        ({"start": 1765180800}, "invalid_datetime", "start"),
        ({"start": None}, "missing_parameter", "start"),
        ({"service_ids": []}, "invalid_type", "service_ids"),
        ({"service_ids": "1"}, "invalid_type", "service_ids"),
        ({"service_ids": [True]}, "invalid_type", "service_ids"),
        ({"service_ids": [1.0]}, "invalid_type", "service_ids"),
        ({"service_ids": [2**40]}, "invalid_parameter", "service_ids"),
        ({"service_ids": [0]}, "invalid_parameter", "service_ids"),
        ({"service_ids": [1, 2, 3, 4, 5]}, "invalid_parameter", "service_ids"),
        ({"persons": 0}, "invalid_persons", "persons"),
        ({"persons": 4}, "invalid_persons", "persons"),
        ({"persons": 2**70}, "invalid_persons", "persons"),
        ({"persons": "2"}, "invalid_persons", "persons"),
        ({"extra": 1}, "unknown_parameter", "extra"),
    ],
)
def test_bad_holds_say_what_is_wrong(api, body, code, parameter):
    town = city()
    full = {"service_ids": [town.service.id], "start": isoformat_local(NINE), **body}
    error_of(api.post("/api/v1/holds", json=full, headers=HEADERS), 400, code, parameter)


def test_services_that_cannot_be_booked_online_are_refused(api):
    town = city()
    town.service.publicly_bookable = False
    db.session.commit()
    error_of(hold(api, town.service.id), 422, "not_bookable", "service_ids")
    error_of(hold(api, 999_999), 422, "not_bookable", "service_ids")


def test_an_expired_hold_cannot_be_booked(api, clock):
    town = city(staff_count=1)
    token = hold(api, town.service.id).json["hold"]["token"]
    clock.shift(timedelta(minutes=11))
    body = error_of(book(api, token), 410, "hold_expired", "hold")
    assert isoformat_local(NINE) in [slot["start"] for slot in body["alternatives"]]
    assert mails("activation") == 0


def test_a_released_hold_frees_its_time(api):
    town = city(staff_count=1)
    token = hold(api, town.service.id).json["hold"]["token"]
    assert hold(api, town.service.id).status_code == 409
    released = api.delete(f"/api/v1/holds/{token}", headers=HEADERS)
    assert released.status_code == 204 and not released.data
    error_of(api.delete(f"/api/v1/holds/{token}", headers=HEADERS), 404, "unknown_hold")
    error_of(book(api, token), 404, "unknown_hold", "hold")
    assert hold(api, town.service.id).status_code == 201


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 200, "%00" * 30, "ä" * 40])
def test_unknown_tokens_are_404(api, token):
    city()
    made = book(api, token)
    if len(token) <= 64:
        error_of(made, 404, "unknown_hold", "hold")
    else:
        error_of(made, 400, "too_long", "hold")
    error_of(api.get(f"/api/v1/appointments/{token}"), 404, "unknown_appointment")
    for action in ("confirm", "cancel"):
        error_of(api.post(f"/api/v1/appointments/{token}/{action}"), 404, "unknown_appointment")
    move = api.post(f"/api/v1/appointments/{token}/move", json={"start": isoformat_local(TEN)})
    error_of(move, 404, "unknown_appointment")


@pytest.mark.parametrize(
    ("details", "code", "parameter"),
    [
        ({"name": ""}, "missing_parameter", "name"),
        ({"name": "   "}, "missing_parameter", "name"),
        ({"name": "x" * 121}, "too_long", "name"),
        ({"name": ["Anna"]}, "invalid_type", "name"),
        ({"name": "An\x00na"}, "invalid_parameter", "name"),
        ({"name": "Anna\nPeeters"}, "invalid_parameter", "name"),
        ({"name": "Anna \ud800"}, "invalid_parameter", "name"),
        ({"email": "anna@"}, "invalid_email", "email"),
        ({"email": "anna example.org"}, "invalid_email", "email"),
        ({"email": None}, "missing_parameter", "email"),
        ({"email": {"a": 1}}, "invalid_type", "email"),
        ({"phone": "bel me"}, "invalid_phone", "phone"),
        ({"phone": "1" * 41}, "too_long", "phone"),
        ({"phone": 32471}, "invalid_type", "phone"),
        ({"remark": "x" * 1001}, "too_long", "remark"),
        ({"language": "xx"}, "invalid_parameter", "language"),
        ({"language": "inh"}, "invalid_parameter", "language"),
        ({"spoken_language": "not a code"}, "invalid_parameter", "spoken_language"),
        ({"spoken_language": "sgn-BE"}, "invalid_parameter", "spoken_language"),
        ({"spoken_language": "other"}, "missing_parameter", "spoken_language_other"),
        ({"phone": "112"}, "invalid_phone", "phone"),
        ({"spoken_language_other": "y" * 61}, "too_long", "spoken_language_other"),
        ({"interpreter_needed": "yes"}, "invalid_type", "interpreter_needed"),
        ({"interpreter_needed": 1}, "invalid_type", "interpreter_needed"),
        ({"hold": 12345}, "invalid_type", "hold"),
        ({"hold": None}, "missing_parameter", "hold"),
        ({"persons": 2}, "unknown_parameter", "persons"),
    ],
)
def test_bad_details_say_what_is_wrong(api, details, code, parameter):
    town = city()
    token = hold(api, town.service.id).json["hold"]["token"]
    error_of(book(api, token, **details), 400, code, parameter)
    assert db.session.scalar(select(Appointment)) is None


def test_one_address_books_only_so_many_visits(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ACTIVE_PER_EMAIL", 1)
    town = city()
    booked(api, town.service.id)
    token = hold(api, town.service.id, TEN).json["hold"]["token"]
    error_of(book(api, token, email="ANNA@example.org"), 409, "too_many_visits")


def test_no_changes_online_close_to_the_visit(api, app, monkeypatch, clock):
    monkeypatch.setitem(app.config, "ACTIVATION_REQUIRED", False)
    town = city()
    token = booked(api, town.service.id)
    clock.move_to(NINE - timedelta(minutes=90))
    assert api.get(f"/api/v1/appointments/{token}").json["appointment"]["can_change"] is False
    moved = api.post(f"/api/v1/appointments/{token}/move", json={"start": isoformat_local(TEN)})
    error_of(moved, 409, "too_late")
    error_of(api.post(f"/api/v1/appointments/{token}/cancel"), 409, "too_late")
    assert mails("cancelled") == 0 and mails("moved") == 0


def test_a_pending_visit_cannot_move_and_a_late_activation_fails(api, clock):
    town = city()
    token = booked(api, town.service.id)
    moved = api.post(f"/api/v1/appointments/{token}/move", json={"start": isoformat_local(TEN)})
    error_of(moved, 409, "not_changeable")
    clock.shift(timedelta(minutes=31))
    error_of(api.post(f"/api/v1/appointments/{token}/confirm"), 410, "activation_expired")


def test_moving_onto_a_taken_time_keeps_the_old_one(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "ACTIVATION_REQUIRED", False)
    town = city(staff_count=1)
    token = booked(api, town.service.id)
    assert hold(api, town.service.id, TEN).status_code == 201
    moved = api.post(f"/api/v1/appointments/{token}/move", json={"start": isoformat_local(TEN)})
    body = error_of(moved, 409, "slot_taken", "start")
    assert isoformat_local(TEN) not in [slot["start"] for slot in body["alternatives"]]
    visit = api.get(f"/api/v1/appointments/{token}").json["appointment"]
    assert visit["start"] == isoformat_local(NINE)
    for bad in ({"start": "2026-12-08"}, {"when": "x"}, []):
        assert api.post(f"/api/v1/appointments/{token}/move", json=bad).status_code == 400


def test_holding_and_booking_are_rate_limited_per_form_engine(app, clock):
    engine = f"formulieren-{secrets.token_hex(4)}"  # its own counts in this run
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret",
            "API_KEYS": {engine: KEY, "other-engine": "another-key-of-32-characters-xx"},
            "MAIL_SEND_AFTER_REQUEST": False,
            "RATELIMIT_API": "3 per minute",
        }
    )
    client = limited.test_client()
    try:
        for status in (400, 400):
            assert client.post("/api/v1/holds", json={}, headers=HEADERS).status_code == status
        assert client.post("/api/v1/appointments", json={}, headers=HEADERS).status_code == 400
        refused = client.post("/api/v1/appointments", json={}, headers=HEADERS)
        error_of(refused, 429, "rate_limited")
        assert int(refused.headers["Retry-After"]) >= 1
        # The count belongs to the form engine's key, not to the shared server address.
        other = {"X-API-Key": "another-key-of-32-characters-xx"}
        assert client.post("/api/v1/holds", json={}, headers=other).status_code == 400
    finally:
        with limited.app_context():
            db.engine.dispose()


def test_the_openapi_document_describes_the_write_half(api):
    document = api.get("/api/v1/openapi.json").json
    validate(document)
    paths = document["paths"]
    assert {
        "/holds",
        "/holds/{token}",
        "/appointments",
        "/appointments/{token}",
        "/appointments/{token}/confirm",
        "/appointments/{token}/move",
        "/appointments/{token}/cancel",
    } <= set(paths)
    assert document["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"
    for path, method in (
        ("/holds", "post"),
        ("/holds/{token}", "delete"),
        ("/appointments", "post"),
    ):
        assert paths[path][method]["security"] == [{"ApiKey": []}]
    assert paths["/appointments/{token}"]["get"]["security"] == []
