"""Calling the invitation API as the city's case software and a resident's app do."""

from __future__ import annotations

from datetime import date, time, timedelta

from portal.extensions import db
from portal.models import DossierSubject
from portal.timeutil import isoformat_local, local_datetime
from tests.web.api_booking_helpers import KEY, MONDAY, api_client, city

CASE_KEY = "zaaksysteem-test-key-0123456789ab"
CASE = {"X-API-Key": CASE_KEY}
TUESDAY, FRIDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=4)
RESIDENT = {"name": "Amal Haddad", "email": "amal@example.org", "language": "fr"}


def case_client(app, monkeypatch):
    """A client of ``app`` with a form engine's key and the case software's key (only the
    latter may invite); no mail leaves, no rate limit counts."""
    client = api_client(app, monkeypatch)
    monkeypatch.setitem(app.config, "API_KEYS", {"formulieren": KEY, "zaaksysteem": CASE_KEY})
    monkeypatch.setitem(app.config, "API_INVITE_CLIENTS", ["zaaksysteem"])
    return client


def town(reserved_percent: int = 0):
    """The test city (two clerks of Bevolking, one service) with a dossier subject."""
    built = city()
    db.session.add(
        DossierSubject(team_id=built.team.id, code="eid", names={"nl": "eID-aanvraag", "en": "eID"})
    )
    built.team.reserved_percent = reserved_percent
    built.team.reserved_release_days = 0
    db.session.commit()
    return built


def request_body(built, **changes) -> dict:
    """An invitation for Tuesday to Friday with the first clerk, for Amal (``changes``
    replace members; a value None removes one)."""
    body = {
        "service_ids": [built.service.id],
        "persons": 1,
        "earliest": TUESDAY.isoformat(),
        "latest": FRIDAY.isoformat(),
        "staff_email": built.staff[0].email,
        "subject": "eid",
        "resident": dict(RESIDENT),
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not None}


def invite(api, built, **changes) -> dict:
    """POST /invitations; the created invitation."""
    made = api.post("/api/v1/invitations", json=request_body(built, **changes), headers=CASE)
    assert made.status_code == 201, made.json
    return made.json["invitation"]


def starts(response) -> list[str]:
    """The start times of a slots answer."""
    assert response.status_code == 200, response.json
    return [slot["start"] for slot in response.json["slots"]]


def at(day: date, hour: int, minute: int = 0) -> str:
    """A Brussels time as the API writes it."""
    return isoformat_local(local_datetime(day, time(hour, minute)))
