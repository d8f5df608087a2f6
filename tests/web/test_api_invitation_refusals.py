"""Invitation requests the API refuses, each naming its parameter; the invite right of
a key; existing dossiers; and the rate limit of the invitation writes."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from portal import create_app
from portal.booking.contact import ContactDetails
from portal.dossiers.operations import open_dossier, set_status
from portal.extensions import db
from portal.models import (
    Channel,
    Dossier,
    DossierStatus,
    DossierSubject,
    FollowUp,
    Service,
    ServiceText,
    StaffMember,
    Team,
)
from tests.web.api_booking_helpers import HEADERS, MONDAY, NOW, error_of
from tests.web.api_invitation_helpers import (
    CASE,
    CASE_KEY,
    RESIDENT,
    TUESDAY,
    at,
    case_client,
    invite,
    request_body,
    town,
)


@pytest.fixture
def clock():
    """Monday 7 December 2026, 07:30 in Brussels, standing still."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(app, monkeypatch, clock):
    """The case software's (and a form engine's) client of the empty portal, at NOW."""
    return case_client(app, monkeypatch)


def test_inviting_needs_a_key_with_the_right(api, app, monkeypatch):
    built = town()
    body = request_body(built)
    error_of(api.post("/api/v1/invitations", json=body), 401, "unauthorized")
    refused = api.post("/api/v1/invitations", json=body, headers=HEADERS)
    error_of(refused, 403, "not_allowed_to_invite")
    monkeypatch.setitem(app.config, "API_INVITE_CLIENTS", "formulieren, other")
    assert api.post("/api/v1/invitations", json=body, headers=HEADERS).status_code == 201
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 1


def _second_team(built) -> tuple[Service, StaffMember]:
    """Another team with a service and a clerk; also a clerk of Bevolking without services."""
    team = Team(code="burgerlijke-stand", names={"nl": "Burgerlijke Stand"})
    service = Service(code="huwelijk", team=team, topic="family", duration_minutes=30)
    service.texts["nl"] = ServiceText(language="nl", name="Huwelijk")
    clerk = StaffMember(team=team, name="Elders", email="elders@stad.example", services=[service])
    idle = StaffMember(team=built.team, name="Nieuw", email="nieuw@stad.example")
    db.session.add_all([team, service, clerk, idle])
    db.session.commit()
    return service, clerk


_LONG = (MONDAY + timedelta(days=400)).isoformat()
_REFUSALS = {
    "unknown service": ({"service_ids": [987654]}, 422, "unknown_service", "service_ids"),
    "several teams": ("two_teams", 422, "several_teams", "service_ids"),
    "no services": ({"service_ids": []}, 400, "invalid_type", "service_ids"),
    "unknown clerk": ({"staff_email": "niemand@stad.example"}, 422, "unknown_staff", "staff_email"),
    "clerk elsewhere": ({"staff_email": "elders@stad.example"}, 422, "other_team", "staff_email"),
    "unqualified": ({"staff_email": "nieuw@stad.example"}, 422, "not_qualified", "staff_email"),
    "no clerk": ({"staff_email": None}, 400, "missing_parameter", "staff_email"),
    "reversed": (
        {"earliest": "2026-12-11", "latest": "2026-12-08"},
        422,
        "reversed_window",
        "latest",
    ),
    "past": ({"earliest": "2026-11-01", "latest": "2026-11-30"}, 422, "past_window", "latest"),
    "too long": ({"latest": _LONG}, 422, "window_too_long", "latest"),
    "bad date": ({"earliest": "2026-13-01"}, 400, "invalid_date", "earliest"),
    "date as number": ({"latest": 20261211}, 400, "invalid_date", "latest"),
    "no window": ({"earliest": None}, 400, "missing_parameter", "earliest"),
    "persons": ({"persons": 9}, 400, "invalid_persons", "persons"),
    "no subject": ({"subject": None}, 400, "missing_parameter", "subject"),
    "unknown subject": ({"subject": "huwelijk"}, 422, "unknown_subject", "subject"),
    "unknown dossier": ({"dossier": "D-ABCDEFG"}, 422, "unknown_dossier", "dossier"),
    "no resident": ({"resident": None}, 400, "missing_parameter", "resident"),
    "resident text": ({"resident": "Amal"}, 400, "invalid_type", "resident"),
    "no name": (
        {"resident": {"email": "a@example.org"}},
        400,
        "missing_parameter",
        "resident.name",
    ),
    "bad language": (
        {"resident": {**RESIDENT, "language": "xx"}},
        400,
        "invalid_parameter",
        "resident.language",
    ),
    "bad email": (
        {"resident": {**RESIDENT, "email": "amal@"}},
        400,
        "invalid_email",
        "resident.email",
    ),
    "bad phone": (
        {"resident": {**RESIDENT, "phone": "call me"}},
        400,
        "invalid_phone",
        "resident.phone",
    ),
    "register number": (
        {"resident": {**RESIDENT, "national_number": "85.07.30-033.28"}},
        400,
        "unknown_parameter",
        "resident.national_number",
    ),
    "unknown member": ({"colour": "red"}, 400, "unknown_parameter", "colour"),
    "any colleague": ({"any_colleague": "yes"}, 400, "invalid_type", "any_colleague"),
}


@pytest.mark.parametrize("case", list(_REFUSALS), ids=list(_REFUSALS))
def test_a_bad_invitation_request_names_its_parameter(api, case):
    changes, status, code, parameter = _REFUSALS[case]
    built = town()
    other_service, _clerk = _second_team(built)
    if changes == "two_teams":
        changes = {"service_ids": [built.service.id, other_service.id]}
    response = api.post("/api/v1/invitations", json=request_body(built, **changes), headers=CASE)
    error_of(response, status, code, parameter)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


def _dossier_of(built, clerk_index: int = 1) -> Dossier:
    """A dossier of the test team owned by one of its clerks, opened with the operations."""
    subject = db.session.scalar(select(DossierSubject))
    contact = ContactDetails(name="Yusuf Demir", email="yusuf@example.org", language="tr")
    dossier = open_dossier(
        db.session, owner=built.staff[clerk_index], subject=subject, contact=contact, now=NOW
    )
    db.session.commit()
    return dossier


def test_an_existing_dossier_is_used_and_its_details_kept(api):
    built = town()
    dossier = _dossier_of(built)
    reference, owner_id = dossier.reference, dossier.owner_id
    body = request_body(built, dossier=reference.lower(), staff_email=None, subject=None)
    del body["resident"]
    made = api.post("/api/v1/invitations", json=body, headers=CASE)
    assert made.status_code == 201, made.json
    assert made.json["invitation"]["dossier"] == reference
    assert made.json["invitation"]["url"].endswith("?lang=tr")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 1
    assert db.session.scalar(select(FollowUp)).staff_id == owner_id  # the owner by default

    # Newer details from the case software replace the stored ones.
    newer = {"name": "Yusuf Demir", "email": "yusuf@new.example", "language": "en"}
    assert invite(api, built, dossier=reference, resident=newer)["url"].endswith("?lang=en")
    db.session.rollback()
    assert db.session.get(Dossier, dossier.id).email == "yusuf@new.example"
    # Members left out stay as they were: a name alone does not wipe the address.
    invite(api, built, dossier=reference, resident={"name": "Yusuf D."})
    db.session.rollback()
    kept = db.session.get(Dossier, dossier.id)
    assert (kept.resident_name, kept.email, kept.language) == (
        "Yusuf D.",
        "yusuf@new.example",
        "en",
    )

    mismatch = api.post(
        "/api/v1/invitations",
        json=request_body(built, dossier=reference, subject="x"),
        headers=CASE,
    )
    error_of(mismatch, 422, "subject_mismatch", "subject")
    set_status(db.session, db.session.get(Dossier, dossier.id), DossierStatus.CLOSED, NOW)
    db.session.commit()
    closed = api.post(
        "/api/v1/invitations", json=request_body(built, dossier=reference), headers=CASE
    )
    error_of(closed, 422, "dossier_closed", "dossier")


def test_a_dossier_of_another_team_is_refused(api):
    built = town()
    service, clerk = _second_team(built)
    subject = DossierSubject(team_id=service.team_id, code="huwelijk", names={"nl": "Huwelijk"})
    db.session.add(subject)
    db.session.flush()
    contact = ContactDetails(name="Lea Maes", email="lea@example.org")
    other = open_dossier(db.session, owner=clerk, subject=subject, contact=contact, now=NOW)
    db.session.commit()
    refused = api.post(
        "/api/v1/invitations", json=request_body(built, dossier=other.reference), headers=CASE
    )
    error_of(refused, 422, "other_team", "dossier")


def test_inviting_and_booking_are_rate_limited_like_the_other_api_writes(app, clock):
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret",
            "API_KEYS": {f"zaak-{secrets.token_hex(4)}": CASE_KEY},
            "API_INVITE_CLIENTS": "",
            "MAIL_SEND_AFTER_REQUEST": False,
            "RATELIMIT_API": "2 per minute",
        }
    )
    client = limited.test_client()
    try:
        for _attempt in range(2):
            refused = client.post("/api/v1/invitations", json={}, headers=CASE)
            error_of(refused, 403, "not_allowed_to_invite")
        error_of(client.post("/api/v1/invitations", json={}, headers=CASE), 429, "rate_limited")
        book = f"/api/v1/invitations/{'x' * 43}/book"
        for status in (404, 404, 429):  # without a key: counted per address
            assert client.post(book, json={"start": at(TUESDAY, 9)}).status_code == status
    finally:
        with limited.app_context():
            db.engine.dispose()


def test_a_call_back_is_never_an_invitation_and_odd_dates_are_answered(api):
    built = town()
    built.service.channel = Channel.BACK_OFFICE
    db.session.commit()
    refused = api.post("/api/v1/invitations", json=request_body(built), headers=CASE)
    error_of(refused, 422, "not_bookable", "service_ids")
    built.service.channel = Channel.COUNTER
    db.session.commit()
    token = invite(api, built)["token"]
    # Dates outside the years the portal reads (2000-2100) are not dates to it.
    error_of(api.get(f"/api/v1/invitations/{token}/days?from=9999-12-31"), 400, "invalid_date")
    far = api.get(f"/api/v1/invitations/{token}/days?from=2100-12-30&to=2100-12-31")
    assert far.status_code == 200 and far.json["days"] == []
