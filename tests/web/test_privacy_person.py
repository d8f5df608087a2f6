"""A person's data on request (portal/privacy): an administrator finds everything held
about an e-mail address or a phone number in the demo city, hands it over as JSON and as
a printable page in the person's language, and erases it — leaving no trace of the
address, the number or the notes anywhere in the database, and the visits' facts as
they were. The command does the same."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Dossier,
    DossierNote,
    OutboxMail,
)
from portal.privacy.person import PersonQuery, find_person, phone_digits
from tests.conftest import own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, signed_in

PAGE = "/medewerkers/persoonsgegevens/"


@pytest.fixture
def privacy_app(backend, tmp_path_factory, frozen_clock):
    """A copy of the demo city of this test's own."""
    yield from own_demo_app(backend, tmp_path_factory, "privacy")


def _person(app) -> tuple[str, str, int]:
    """(e-mail address, phone, dossier id) of a demo dossier with notes and visits."""
    with app.app_context():
        rows = db.session.execute(
            select(Dossier.email, Dossier.phone, Dossier.id)
            .join(DossierNote, DossierNote.dossier_id == Dossier.id)
            .join(Appointment, Appointment.dossier_id == Dossier.id)
            .where(Dossier.email.is_not(None), Dossier.phone.is_not(None))
            .order_by(Dossier.id)
        ).first()
        assert rows is not None
        return rows


def _post(client, path: str, data: dict):
    token = csrf_of(client.get(PAGE).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def _every_text(app) -> str:
    """Every string and JSON value of every row of every table, one per line."""
    parts = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if not columns:
                continue
            for row in db.session.execute(select(*columns)):
                parts.extend(json.dumps(value, ensure_ascii=False) for value in row if value)
    return "\n".join(parts)


def test_only_administrators_open_the_page(privacy_app):
    for role in ("clerk", "planner", "reception"):
        assert signed_in(privacy_app, role).get(PAGE).status_code == 403
    assert new_client(privacy_app).get(PAGE).status_code == 302
    admin = signed_in(privacy_app, "admin")
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Persoonsgegevens" in page and 'href="/medewerkers/persoonsgegevens/"' in page


def test_a_phone_number_is_known_by_its_digits():
    assert phone_digits("+32 470/12.34.56") == phone_digits("0032 (470) 12-34-56")
    query = PersonQuery("", "+32 470 12 34 56")
    assert query.usable and query.matches(None, "0032470123456")
    assert not query.matches(None, "0470 12 34 56")
    assert not PersonQuery("", "12 34").usable and not PersonQuery("no-at", "").usable
    assert PersonQuery(" Sara@Example.ORG ", "").matches("sara@example.org", None)


def test_bad_searches_are_answered_in_the_readers_language(privacy_app):
    admin = signed_in(privacy_app, "admin")
    for data in ({}, {"email": "not an address"}, {"phone": "12"}):
        page = _post(admin, PAGE, data).get_data(as_text=True)
        assert "Vul een volledig e-mailadres of een telefoonnummer" in page
    page = _post(admin, PAGE, {"email": "a@b.example\u2028x"}).get_data(as_text=True)
    assert 'class="error-summary"' in page
    with privacy_app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.subject == "person.find")
            )
            == 0
        )


def test_finding_a_person_shows_what_is_held_and_audits_counts_only(privacy_app):
    email, phone, _dossier = _person(privacy_app)
    admin = signed_in(privacy_app, "admin")
    page = _post(admin, PAGE, {"email": "  " + email.upper() + " "}).get_data(as_text=True)
    with privacy_app.app_context():
        data = find_person(db.session, PersonQuery(email, ""))
        counts = data.counts
        assert counts["visits"] >= 1 and counts["dossiers"] >= 1 and counts["notes"] >= 1
        assert {visit.email.lower() for visit in data.visits} == {email.lower()}
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject == "person.find")
        ).one()
        assert event.detail == counts
        assert email.lower() not in json.dumps(event.detail).lower()
    assert f"{counts['visits']} afspra" in page
    assert data.visits[0].reference in page
    # The same person by phone: the dossier (its visits may carry no phone).
    by_phone = _post(admin, PAGE, {"phone": phone}).get_data(as_text=True)
    with privacy_app.app_context():
        dossiers = find_person(db.session, PersonQuery("", phone)).counts["dossiers"]
    assert dossiers >= 1 and f"{dossiers} dossier" in by_phone


def test_the_export_and_the_printout_hand_everything_over(privacy_app):
    email, _phone, dossier_id = _person(privacy_app)
    admin = signed_in(privacy_app, "admin")
    answer = _post(admin, PAGE + "export", {"email": email})
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "no-store"
    document = answer.get_json(force=True)
    with privacy_app.app_context():
        data = find_person(db.session, PersonQuery(email, ""))
        notes = [note.body for dossier in data.dossiers for note in dossier.notes]
        language = data.language
    assert len(document["visits"]) == len(data.visits)
    assert {item["email"].lower() for item in document["visits"]} == {email.lower()}
    assert sorted(n["text"] for d in document["dossiers"] for n in d["notes"]) == sorted(notes)
    assert all(item["starts_at"].endswith(("+01:00", "+02:00")) for item in document["visits"])

    printout = _post(admin, PAGE + "afdruk", {"email": email})
    html = printout.get_data(as_text=True)
    assert printout.status_code == 200
    assert f'<html lang="{language}"' in html
    assert all(note in html for note in notes)
    with privacy_app.app_context():
        subjects = set(
            db.session.scalars(
                select(AuditEvent.subject).where(AuditEvent.subject.like("person.%"))
            )
        )
    assert subjects == {"person.export", "person.print"}
    assert dossier_id


def test_an_arabic_reader_gets_the_printout_right_to_left(privacy_app):
    with privacy_app.app_context():
        candidates = db.session.scalars(
            select(Appointment.email)
            .where(Appointment.language == "ar", Appointment.email.is_not(None))
            .distinct()
        ).all()
        email = next(
            address
            for address in candidates
            if find_person(db.session, PersonQuery(address, "")).language == "ar"
        )
    html = _post(signed_in(privacy_app, "admin"), PAGE + "afdruk", {"email": email})
    text = html.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in text and f'<bdi dir="ltr">{email}</bdi>' in text


def _facts(app) -> list[tuple]:
    """What the city's figures are made of: every visit's time, clerk, status, services."""
    with app.app_context():
        # The services in one more query, not one per visit: the demo holds a year of them.
        visits = db.session.scalars(
            select(Appointment)
            .options(selectinload(Appointment.booked_services))
            .order_by(Appointment.id)
        )
        return [
            (
                visit.id,
                visit.starts_at,
                visit.staff_id,
                visit.persons,
                tuple(entry.service_id for entry in visit.booked_services),
            )
            for visit in visits
        ]


def test_erasing_leaves_no_trace_and_keeps_the_figures(privacy_app):
    email, phone, dossier_id = _person(privacy_app)
    with privacy_app.app_context():
        data = find_person(db.session, PersonQuery(email, phone))
        mine = {visit.id for visit in data.visits}
        coming = {visit.id for visit in data.visits if visit.status == AppointmentStatus.CONFIRMED}
        notes = [note.body for dossier in data.dossiers for note in dossier.notes]
        before = db.session.scalar(select(func.count()).select_from(Appointment))
    facts = _facts(privacy_app)
    assert email in _every_text(privacy_app)

    admin = signed_in(privacy_app, "admin")
    refused = _post(admin, PAGE + "wissen", {"email": email, "phone": phone})
    assert "Vink aan dat u nagekeken hebt" in refused.get_data(as_text=True)
    assert email in _every_text(privacy_app)

    done = _post(admin, PAGE + "wissen", {"email": email, "phone": phone, "confirm": "y"})
    assert done.status_code == 302
    assert "Gewist." in admin.get(PAGE).get_data(as_text=True)

    everything = _every_text(privacy_app).lower()
    assert email.lower() not in everything
    digits = phone_digits(phone)
    assert not any(digits in re.sub(r"[\s./()+-]", "", line) for line in everything.splitlines())
    assert not any(note.lower() in everything for note in notes)
    # The figures' facts are the same rows, times and services; coming visits cancelled.
    assert _facts(privacy_app) == facts
    with privacy_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == before
        statuses = dict(
            db.session.execute(
                select(Appointment.id, Appointment.status).where(Appointment.id.in_(mine))
            ).all()
        )
        assert all(statuses[visit_id] == AppointmentStatus.CANCELLED for visit_id in coming)
        assert db.session.get(Dossier, dossier_id).erased_at is not None
        assert not db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == email)).all()
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject == "person.erase")
        ).one()
        assert event.detail["visits_anonymised"] == len(mine)
        assert event.detail["visits_cancelled"] == len(coming)


def test_the_command_erases_after_asking(privacy_app):
    email, _phone, _dossier = _person(privacy_app)
    runner = privacy_app.test_cli_runner()
    kept = runner.invoke(args=["erase-person", "--email", email], input="n\n")
    assert kept.exit_code == 0 and "Nothing erased." in kept.output
    assert email in _every_text(privacy_app)
    erased = runner.invoke(args=["erase-person", "--email", email, "--yes"])
    assert erased.exit_code == 0 and "Erased:" in erased.output
    assert email not in _every_text(privacy_app)
    again = runner.invoke(args=["erase-person", "--email", email, "--yes"])
    assert "Found: 0 visits" in again.output
    wrong = runner.invoke(args=["erase-person", "--phone", "12"])
    assert wrong.exit_code != 0
    with privacy_app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject == "person.erase")
        ).one()
        assert event.actor_id is None and event.detail["via"] == "command"
