"""Calling the API's write half as a form engine does, for the API booking tests."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import select

from portal.api.openapi import openapi_document
from portal.extensions import db
from portal.models import OutboxMail
from portal.timeutil import isoformat_local, local_datetime
from tests.builders import build_city

KEY = "formulieren-test-key-0123456789"
HEADERS = {"X-API-Key": KEY}
MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
NINE = local_datetime(MONDAY + timedelta(days=1), time(9))
TEN = NINE + timedelta(hours=1)
ANNA = {"name": "Anna Peeters", "email": "anna@example.org", "language": "nl"}


class OwnContextClient(FlaskClient):
    """A test client whose every request runs in an app context (and a database session)
    of its own, as in production — not in the test's, which requests would otherwise share."""

    def open(self, *args, **kwargs):
        """Send the request inside a fresh app context."""
        with self.application.app_context():
            return super().open(*args, **kwargs)


def api_client(app, monkeypatch) -> OwnContextClient:
    """A client of ``app`` with a form engine's key configured; no mail leaves, no rate
    limit counts."""
    monkeypatch.setitem(app.config, "API_KEYS", {"formulieren": KEY})
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    return OwnContextClient(app, app.response_class, use_cookies=True)


def schema(name: str) -> Draft202012Validator:
    """A validator for one schema of the OpenAPI document."""
    document = openapi_document()
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    )


def city(staff_count: int = 2):
    """A city with ``staff_count`` clerks for two weeks from :data:`MONDAY`; committed."""
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=13), staff_count=staff_count)
    db.session.commit()
    return built


def hold(api, service_id: int, start=NINE, **extra):
    """POST /holds for one service at ``start``."""
    body = {"service_ids": [service_id], "start": isoformat_local(start), **extra}
    return api.post("/api/v1/holds", json=body, headers=HEADERS)


def book(api, hold_token: str, **details):
    """POST /appointments for Anna (``details`` override hers)."""
    return api.post(
        "/api/v1/appointments", json={"hold": hold_token, **ANNA, **details}, headers=HEADERS
    )


def booked(api, service_id: int, start=NINE, **details) -> str:
    """Hold and book a visit; its manage token."""
    held = hold(api, service_id, start)
    assert held.status_code == 201, held.json
    made = book(api, held.json["hold"]["token"], **details)
    assert made.status_code == 201, made.json
    return made.json["manage_token"]


def mails(kind: str) -> int:
    """How many mails of ``kind`` the requests committed to the outbox."""
    db.session.rollback()
    return len(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == kind)).all())


def error_of(response, status: int, code: str, parameter: str | None = None) -> dict:
    """Check an error answer (status, code, message, parameter, schema); its JSON."""
    assert response.status_code == status, response.json
    assert response.is_json
    schema("Error").validate(response.json)
    error = response.json["error"]
    assert error["code"] == code and error["message"]
    if parameter:
        assert error["parameter"] == parameter
    return response.json
