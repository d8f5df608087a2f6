"""Invitations through the API: the city's case software invites, the invitation's token
shows only its clerk's free times inside its window and books once; a follow-up visit
moved through the API stays in its window, and its clerk is told."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import time_machine
from openapi_spec_validator import validate
from sqlalchemy import func, select

from portal.dossiers.follow_up_operations import revoke
from portal.extensions import db
from portal.models import (
    Appointment,
    Dossier,
    FollowUp,
    NotificationKind,
    OutboxMail,
    Service,
    StaffMember,
    StaffNotification,
)
from portal.timeutil import isoformat_local, local_datetime
from tests.builders import book as book_visit
from tests.web.api_booking_helpers import MONDAY, NOW, booked, error_of, mails, schema
from tests.web.api_invitation_helpers import (
    CASE,
    FRIDAY,
    TUESDAY,
    at,
    case_client,
    invite,
    request_body,
    starts,
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


def test_invite_read_days_slots_book_and_a_second_use(api):
    built = town()
    clerk_id = built.staff[0].id
    made = api.post("/api/v1/invitations", json=request_body(built), headers=CASE)
    assert made.status_code == 201, made.json
    assert made.headers["Cache-Control"] == "no-store"
    schema("InvitationCreated").validate(made.json)
    created = made.json["invitation"]
    token = created["token"]
    assert created["url"] == f"http://127.0.0.1:5000/afspraak/uitnodiging/{token}?lang=fr"
    assert (created["earliest"], created["latest"]) == ("2026-12-08", "2026-12-11")
    assert created["expires_at"] == "2026-12-12T00:00:00+01:00"
    db.session.rollback()
    dossier = db.session.scalar(select(Dossier))
    assert created["dossier"] == dossier.reference
    assert (dossier.owner_id, dossier.subject.code, dossier.language) == (clerk_id, "eid", "fr")
    assert (dossier.resident_name, dossier.email) == ("Amal Haddad", "amal@example.org")
    follow_up = db.session.scalar(select(FollowUp))
    assert (follow_up.created_via, follow_up.invited, follow_up.staff_id) == ("api", True, clerk_id)
    outbox = db.session.scalar(select(func.count()).select_from(OutboxMail))
    assert created["mailed"] is (outbox > 0)

    shown = api.get(f"/api/v1/invitations/{token}?lang=en")
    assert shown.status_code == 200
    schema("Invitation").validate(shown.json)
    invitation = shown.json["invitation"]
    assert (invitation["state"], invitation["dossier"]) == ("open", dossier.reference)
    assert invitation["services"] == [
        {"id": built.service.id, "name": "Apply for an identity card"}
    ]
    assert invitation["subject"] == {"code": "eid", "names": {"nl": "eID-aanvraag", "en": "eID"}}
    assert invitation["appointment"] is None

    days = api.get(f"/api/v1/invitations/{token}/days")
    assert days.status_code == 200
    schema("InvitationDays").validate(days.json)
    assert days.json["days"] == ["2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"]
    wide = api.get(f"/api/v1/invitations/{token}/days?from=2026-12-01&to=2026-12-20")
    assert wide.json["days"] == days.json["days"]  # never a date outside the window

    slots = api.get(f"/api/v1/invitations/{token}/slots?date=2026-12-08")
    schema("InvitationSlots").validate(slots.json)
    assert starts(slots)[0] == at(TUESDAY, 9)
    assert all(slot["capacity"] == 1 for slot in slots.json["slots"])

    booked = api.post(f"/api/v1/invitations/{token}/book", json={"start": at(TUESDAY, 9)})
    assert booked.status_code == 201, booked.json
    schema("BookedInvitation").validate(booked.json)
    visit = booked.json["appointment"]
    assert (visit["status"], visit["dossier"], visit["language"]) == (
        "confirmed",
        dossier.reference,
        "fr",
    )
    assert visit["token"] == booked.json["manage_token"]
    assert mails("confirmation") == 1
    stored = db.session.scalar(select(Appointment))
    assert (stored.staff_id, stored.dossier_id, stored.follow_up_id) == (
        clerk_id,
        dossier.id,
        follow_up.id,
    )
    told = db.session.scalar(select(StaffNotification))
    assert (told.staff_id, told.kind) == (clerk_id, NotificationKind.BOOKED)

    read = api.get(f"/api/v1/appointments/{visit['token']}")
    assert read.status_code == 200
    schema("Appointment").validate(read.json)
    assert read.json["appointment"]["dossier"] == dossier.reference

    used = api.get(f"/api/v1/invitations/{token}").json["invitation"]
    assert used["state"] == "used"
    assert used["appointment"]["reference"] == visit["reference"]
    again = api.post(f"/api/v1/invitations/{token}/book", json={"start": at(TUESDAY, 10)})
    error_of(again, 409, "invitation_used", "token")
    error_of(api.get(f"/api/v1/invitations/{token}/days"), 409, "invitation_used", "token")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_only_the_clerks_times_are_offered_with_reserved_time(api):
    built = town(reserved_percent=20)
    service_id = built.service.id
    busy = local_datetime(TUESDAY, time(9))
    book_visit(db.session, built.staff[0], built.service, busy, busy + timedelta(minutes=15))
    db.session.commit()
    token = invite(api, built)["token"]

    public = starts(api.get(f"/api/v1/services/{service_id}/slots?date=2026-12-08"))
    invited = starts(api.get(f"/api/v1/invitations/{token}/slots?date=2026-12-08"))
    assert at(TUESDAY, 9) in public  # the other clerk is free then
    assert at(TUESDAY, 9) not in invited  # the invitation's clerk is not
    # The last 45 minutes of the morning turn are reserved: the public never sees them,
    # the invitation does.
    assert public[-1] == at(TUESDAY, 11, 30)
    assert invited[-1] == at(TUESDAY, 12, 15)
    assert set(invited) - set(public) == {at(TUESDAY, 11, 45), at(TUESDAY, 12), invited[-1]}

    colleague = invite(api, built, any_colleague=True)["token"]
    anyone = starts(api.get(f"/api/v1/invitations/{colleague}/slots?date=2026-12-08"))
    assert at(TUESDAY, 9) in anyone
    booked = api.post(f"/api/v1/invitations/{token}/book", json={"start": at(TUESDAY, 12, 15)})
    assert booked.status_code == 201, booked.json


def test_a_service_by_invitation_only_is_bookable_through_an_invitation(api):
    built = town()
    built.service.publicly_bookable = False
    db.session.commit()
    public = api.get(f"/api/v1/services/{built.service.id}/slots?date=2026-12-08")
    error_of(public, 403, "invitation_only", "service_id")
    token = invite(api, built)["token"]
    assert starts(api.get(f"/api/v1/invitations/{token}/slots?date=2026-12-08"))
    booked = api.post(f"/api/v1/invitations/{token}/book", json={"start": at(TUESDAY, 9)})
    assert booked.status_code == 201, booked.json


def test_times_outside_the_window_or_taken_are_refused(api):
    built = town()
    token = invite(api, built)["token"]
    monday = f"/api/v1/invitations/{token}/slots?date=2026-12-07"
    error_of(api.get(monday), 422, "outside_window", "date")
    error_of(api.get(f"/api/v1/invitations/{token}/slots"), 400, "missing_parameter", "date")
    error_of(api.get(f"{monday[:-10]}2026-02-30"), 400, "invalid_date", "date")
    days = f"/api/v1/invitations/{token}/days"
    error_of(api.get(f"{days}?from=2026-12-10&to=2026-12-08"), 400, "reversed_range", "to")
    error_of(api.get(f"{days}?from=2026-01-01&to=2026-12-31"), 400, "range_too_long", "to")
    assert api.get(f"{days}?from=2027-01-01&to=2027-01-31").json["days"] == []

    book = f"/api/v1/invitations/{token}/book"
    saturday = local_datetime(FRIDAY + timedelta(days=1), time(9))
    error_of(api.post(book, json={"start": isoformat_local(saturday)}), 422, "outside_window")
    error_of(api.post(book, json={"start": "tomorrow"}), 400, "invalid_datetime", "start")
    error_of(api.post(book, json={"start": at(TUESDAY, 9), "x": 1}), 400, "unknown_parameter")

    other = invite(api, built)["token"]
    assert (
        api.post(f"/api/v1/invitations/{other}/book", json={"start": at(TUESDAY, 9)}).status_code
        == 201
    )
    taken = error_of(api.post(book, json={"start": at(TUESDAY, 9)}), 409, "slot_taken", "start")
    alternatives = [slot["start"] for slot in taken["alternatives"]]
    assert alternatives and at(TUESDAY, 9) not in alternatives
    assert all("2026-12-08" <= start[:10] <= "2026-12-11" for start in alternatives)


def test_revoked_and_expired_invitations_are_closed(api, clock):
    built = town()
    token = invite(api, built)["token"]
    later = invite(api, built)["token"]
    db.session.rollback()
    revoke(db.session, db.session.scalars(select(FollowUp).order_by(FollowUp.id)).first(), NOW)
    db.session.commit()
    assert api.get(f"/api/v1/invitations/{token}").json["invitation"]["state"] == "revoked"
    refused = api.post(f"/api/v1/invitations/{token}/book", json={"start": at(TUESDAY, 9)})
    error_of(refused, 410, "invitation_closed", "token")
    clock.move_to(local_datetime(FRIDAY + timedelta(days=1), time(8)))
    assert api.get(f"/api/v1/invitations/{later}").json["invitation"]["state"] == "expired"
    slots = api.get(f"/api/v1/invitations/{later}/slots?date=2026-12-11")
    error_of(slots, 410, "invitation_closed", "token")


@pytest.mark.parametrize("token", ["x" * 43, "short", "a" * 65, "bad%20token-0123456789abc"])
def test_unknown_invitation_tokens_are_404(api, token):
    for path in ("", "/days", "/slots?date=2026-12-08"):
        error_of(api.get(f"/api/v1/invitations/{token}{path}"), 404, "unknown_invitation", "token")
    refused = api.post(f"/api/v1/invitations/{token}/book", json={"start": at(TUESDAY, 9)})
    error_of(refused, 404, "unknown_invitation", "token")


def test_a_follow_up_moved_through_the_api_stays_in_its_window_and_tells_the_clerk(api):
    built = town()
    token = invite(api, built)["token"]
    booked = api.post(f"/api/v1/invitations/{token}/book", json={"start": at(TUESDAY, 9)})
    manage = booked.json["manage_token"]
    move = f"/api/v1/appointments/{manage}/move"

    outside = api.post(move, json={"start": at(MONDAY + timedelta(days=7), 9)})
    error_of(outside, 422, "outside_window", "start")
    moved = api.post(move, json={"start": at(TUESDAY + timedelta(days=1), 10)})
    assert moved.status_code == 200, moved.json
    assert moved.json["appointment"]["dossier"] == booked.json["appointment"]["dossier"]
    db.session.rollback()
    notes = db.session.scalars(select(StaffNotification).order_by(StaffNotification.id)).all()
    assert [note.kind for note in notes] == [NotificationKind.BOOKED, NotificationKind.MOVED]
    assert notes[1].detail == {"from": at(TUESDAY, 9), "to": at(TUESDAY + timedelta(days=1), 10)}
    assert notes[1].staff_id == built.staff[0].id

    # Only with its clerk: a time when only the other clerk is free is not offered.
    busy = local_datetime(TUESDAY, time(10))
    clerk = db.session.get(StaffMember, built.staff[0].id)
    service = db.session.get(Service, built.service.id)
    book_visit(db.session, clerk, service, busy, busy + timedelta(minutes=15))
    db.session.commit()
    taken = error_of(api.post(move, json={"start": at(TUESDAY, 10)}), 409, "slot_taken", "start")
    assert at(TUESDAY, 10) not in [slot["start"] for slot in taken["alternatives"]]

    cancelled = api.post(f"/api/v1/appointments/{manage}/cancel")
    assert cancelled.status_code == 200
    db.session.rollback()
    last = db.session.scalars(select(StaffNotification).order_by(StaffNotification.id)).all()[-1]
    assert last.kind == NotificationKind.CANCELLED


def test_a_visit_outside_any_dossier_has_no_dossier(api):
    built = town()
    manage = booked(api, built.service.id)
    assert api.get(f"/api/v1/appointments/{manage}").json["appointment"]["dossier"] is None
    api.post(f"/api/v1/appointments/{manage}/cancel")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(StaffNotification)) == 0


def test_the_openapi_document_describes_the_invitations(api):
    document = api.get("/api/v1/openapi.json").json
    validate(document)
    paths = document["paths"]
    assert {
        "/invitations",
        "/invitations/{token}",
        "/invitations/{token}/days",
        "/invitations/{token}/slots",
        "/invitations/{token}/book",
    } <= set(paths)
    assert paths["/invitations"]["post"]["security"] == [{"ApiKey": []}]
    assert "API_INVITE_CLIENTS" in paths["/invitations"]["post"]["description"]
    assert paths["/invitations/{token}/book"]["post"]["security"] == []
