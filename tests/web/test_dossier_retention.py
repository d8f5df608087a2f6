"""Privacy of dossiers: closed dossiers are erased after their retention period by
``flask purge``, the audit trail of the dossier pages keeps no personal data, and no
form anywhere asks for a national register number."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select
from wtforms import Form
from wtforms.fields.core import UnboundField

import portal
from portal.booking.contact import ContactDetails
from portal.booking.retention import ERASED_NAME, purge
from portal.booking.settings import BookingSettings
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentService,
    AppointmentStatus,
    AuditEvent,
    Dossier,
    DossierNote,
    DossierStatus,
    DossierSubject,
    FollowUp,
    StaffRole,
)
from portal.staff.accounts import hash_password
from portal.timeutil import local_datetime
from tests.builders import build_city
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, sign_in

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
DAY = timedelta(days=1)
SETTINGS = BookingSettings(secret_key="test-secret")
SARA = ContactDetails(
    name="Sara Haddad",
    email="sara.haddad@example.org",
    phone="+32 470 11 22 33",
    language="ar",
    spoken_language="other",
    spoken_language_other="Tamazight",
)
PERSONAL = (SARA.name, SARA.email, SARA.phone, SARA.spoken_language_other, "Haddad")
PASSWORD = "een-lang-wachtwoord-2026"
NATIONAL_NUMBER = re.compile(
    r"rijksregister|registre.?national|national.?(register|number|id)|nationalnummer"
    r"|register.?number|\b(insz|niss|nrn)\b",
    re.IGNORECASE,
)


@pytest.fixture
def city(app):
    """One team with two clerks, a dossier subject, and a clerk who can sign in."""
    built = build_city(db.session, MONDAY, MONDAY + 13 * DAY, staff_count=2)
    built.subject = DossierSubject(team_id=built.team.id, code="eid", names={"nl": "eID"})
    db.session.add(built.subject)
    clerk = built.staff[0]
    clerk.role, clerk.password_hash = StaffRole.CLERK, hash_password(PASSWORD)
    db.session.flush()
    return built


def _dossier(city, opened_days_ago: int, contact: ContactDetails = SARA) -> Dossier:
    dossier = ops.open_dossier(
        db.session,
        owner=city.staff[0],
        subject=city.subject,
        contact=contact,
        now=NOW - opened_days_ago * DAY,
    )
    ops.add_note(db.session, dossier, city.staff[0], "Sara belt terug", dossier.created_at)
    return dossier


def _close(dossier: Dossier, days_ago: int) -> None:
    ops.set_status(
        db.session, dossier, DossierStatus.CLOSED, NOW - days_ago * DAY, outcome="Kaart afgegeven"
    )


def _old_visit(city, dossier: Dossier, days_ago: int) -> Appointment:
    """A visit of the dossier booked with a phone number only, ``days_ago`` days ago."""
    start = NOW - days_ago * DAY
    visit = Appointment(
        status=AppointmentStatus.COMPLETED,
        staff_id=city.staff[0].id,
        resident_name=dossier.resident_name,
        email=None,
        phone=dossier.phone,
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        dossier_id=dossier.id,
        booked_services=[AppointmentService(service=city.service)],
    )
    db.session.add(visit)
    db.session.flush()
    return visit


def _purge():
    return purge(db.session, NOW, retention=90 * DAY, dossier_retention=365 * DAY)


def test_a_dossier_closed_longer_than_the_retention_period_is_erased(city):
    old = _dossier(city, 430)
    ops.set_status(db.session, old, DossierStatus.WAITING_OTHER, NOW - 420 * DAY, waiting_for="DVZ")
    _close(old, 400)
    follow_up, _ = follow_ops.plan_follow_up(
        db.session,
        old,
        follow_ops.FollowUpPlan(
            [city.service], 1, city.staff[0], MONDAY - 420 * DAY, MONDAY - 410 * DAY
        ),
        invited=True,
        now=NOW - 425 * DAY,
        settings=SETTINGS,
    )
    visit = _old_visit(city, old, 410)
    recent = _dossier(city, 200)
    _close(recent, 100)
    still_open = _dossier(city, 800)

    report = _purge()

    assert report.dossiers == 1
    db.session.expire_all()
    assert old.resident_name == ERASED_NAME
    assert (old.email, old.phone, old.spoken_language_other) == (None, None, None)
    assert (old.waiting_for, old.outcome) == ("", "")
    assert old.erased_at == NOW and old.closed_at == NOW - 400 * DAY
    assert (
        db.session.scalars(select(DossierNote).where(DossierNote.dossier_id == old.id)).all() == []
    )
    assert db.session.get(FollowUp, follow_up.id) is not None, "the chain stays, by id"
    assert (visit.resident_name, visit.phone) == (ERASED_NAME, None)
    for kept in (recent, still_open):
        assert kept.resident_name == SARA.name and kept.email == SARA.email
        assert kept.erased_at is None and len(kept.notes) == 1
    assert _purge().dossiers == 0, "an erased dossier is not counted again"


def test_a_recently_closed_dossier_keeps_its_details_until_the_period_ends(city):
    dossier = _dossier(city, 400)
    _close(dossier, 364)
    assert _purge().dossiers == 0
    assert (
        purge(db.session, NOW + 2 * DAY, retention=90 * DAY, dossier_retention=365 * DAY).dossiers
        == 1
    )


def test_the_purge_command_erases_closed_dossiers_after_a_year(app, city, runner, frozen_clock):
    assert app.config["DOSSIER_RETENTION_DAYS"] == 365
    _close(_dossier(city, 500), 366)
    _close(_dossier(city, 500), 300)
    db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "1 closed dossiers" in result.output
    names = db.session.scalars(select(Dossier.resident_name).order_by(Dossier.id)).all()
    assert names == [ERASED_NAME, SARA.name]


def _dossier_urls(app, dossier: Dossier, follow_up: FollowUp) -> list[str]:
    """Every page of the dossier blueprint that a GET can open, for this dossier."""
    values = {"dossier_id": dossier.id, "follow_up_id": follow_up.id}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if (
                rule.endpoint.startswith("staff.dossiers.")
                and "GET" in rule.methods
                and set(rule.arguments) <= set(values)
            ):
                urls.append(url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    return urls


def test_the_dossier_pages_write_audit_rows_without_personal_data(app, city, frozen_clock):
    dossier = _dossier(city, 3)
    follow_up, _ = follow_ops.plan_follow_up(
        db.session,
        dossier,
        follow_ops.FollowUpPlan(
            [city.service], 1, city.staff[0], MONDAY + 7 * DAY, MONDAY + 13 * DAY
        ),
        invited=True,
        now=NOW,
        settings=SETTINGS,
    )
    db.session.commit()
    client = new_client(app)
    assert sign_in(client, city.staff[0].email, PASSWORD).status_code == 302
    urls = _dossier_urls(app, dossier, follow_up)
    assert f"/medewerkers/dossiers/{dossier.id}" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
    page = client.get(f"/medewerkers/dossiers/{dossier.id}").get_data(as_text=True)
    assert SARA.name in page, "the page shows the dossier (so its read is audited)"

    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent)).all()
    about_dossier = [e for e in events if e.reference == dossier.reference]
    assert about_dossier, "reading a dossier is audited, with its reference"
    for event in events:
        written = json.dumps([event.subject, event.reference, event.detail], ensure_ascii=False)
        for value in PERSONAL:
            assert value not in written, (event.subject, written)


def test_an_erased_dossier_is_a_record_that_changes_no_more(app, city, frozen_clock):
    dossier = _dossier(city, 500)
    follow_up, _ = follow_ops.plan_follow_up(
        db.session,
        dossier,
        follow_ops.FollowUpPlan(
            [city.service], 1, city.staff[0], MONDAY - 480 * DAY, MONDAY - 470 * DAY
        ),
        invited=True,
        now=NOW - 490 * DAY,
        settings=SETTINGS,
    )
    _close(dossier, 400)
    assert _purge().dossiers == 1
    db.session.commit()
    with pytest.raises(ops.DossierErased):
        ops.add_note(db.session, dossier, city.staff[0], "nog iets", NOW)
    with pytest.raises(ops.DossierErased):
        ops.set_status(db.session, dossier, DossierStatus.OPEN, NOW)
    db.session.rollback()

    client = new_client(app)
    assert sign_in(client, city.staff[0].email, PASSWORD).status_code == 302
    url = f"/medewerkers/dossiers/{dossier.id}"
    page = client.get(url).get_data(as_text=True)
    assert "kan niet meer veranderen" in page
    for form in ("/notitie", "/stand", "/overdragen", "/koppelen", "/uitnodiging/"):
        assert f'action="{url}{form}' not in page, form
    assert f"uitnodiging/{follow_up.id}/" not in page, "no resend, extend or revoke"
    token = csrf_of(page)
    for path, field, value in (
        ("/notitie", "note-body", "Sara belde terug"),
        ("/stand", "status-status", "open"),
    ):
        refused = client.post(url + path, data={"csrf_token": token, field: value})
        assert refused.status_code == 302, path
        assert "kan niet meer veranderen" in client.get(refused.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).status == DossierStatus.CLOSED
    assert db.session.scalars(select(DossierNote)).all() == []


def _portal_modules():
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        yield importlib.import_module(module.name)


def _all_forms() -> set[type]:
    list(_portal_modules())
    found, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found and sub.__module__.startswith("portal"):
                found.add(sub)
                todo.append(sub)
            elif sub not in found:
                todo.append(sub)
    return found


def test_no_form_asks_for_a_national_register_number(app):
    forms = _all_forms()
    assert len(forms) > 10
    with app.test_request_context():
        for form in forms:
            for name in dir(form):
                field = getattr(form, name, None)
                if not isinstance(field, UnboundField):
                    continue
                label = field.args[0] if field.args else field.kwargs.get("label", "")
                text = f"{name} {label}"  # a description may say it is *not* needed
                assert not NATIONAL_NUMBER.search(text), (form.__name__, name, str(label))


def test_no_template_or_api_field_is_a_national_register_number(app):
    root = Path(portal.__file__).resolve().parent.parent / "templates"
    for template in root.rglob("*.html"):
        for match in re.finditer(r'(?:name|id|for)="([^"]+)"', template.read_text()):
            assert not NATIONAL_NUMBER.search(match.group(1)), (template, match.group(1))
    document = app.test_client().get("/api/v1/openapi.json").get_data(as_text=True)
    assert not NATIONAL_NUMBER.search(document)
