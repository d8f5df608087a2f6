"""Booking on behalf of a resident: the three steps, any service (also by invitation
only), no notice and no cap per address for staff, the team boundary, a time taken in
the meantime, the printout in the resident's language, bad input, the audit trail.

The demo database is shared: every visit a test books is deleted afterwards, with its
mails (the ``booked`` fixture)."""

from __future__ import annotations

import html
import re
from datetime import datetime, time
from urllib.parse import urlencode

import pytest
from sqlalchemy import delete, func, select

from portal.availability import load_availability
from portal.booking.selection import free_slot_at
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Appointment, AuditAction, AuditEvent, Service
from portal.models.outbox import OutboxMail
from portal.timeutil import CITY_TZ, to_local
from tests.conftest import DEMO_NOW, DEMO_TODAY, RUN_ID
from tests.web.booking_helpers import STARTS, csrf_of
from tests.web.staff_helpers import signed_in

START = "/medewerkers/afspraak-maken"
TIMES = "/medewerkers/afspraak-maken/tijd"
DETAILS = "/medewerkers/afspraak-maken/gegevens"
FIRST_DAY = re.compile(r'class="day-list">\s*<li><a href="[^"]*day=([0-9-]{10})"')
PRINTOUT = re.compile(r"/medewerkers/afspraak/(\d+)/afdruk$")
RESIDENT = {
    "name": "Test Bewoner",
    "email": "",
    "phone": "",
    "language": "nl",
    "spoken_language": "nl",
    "spoken_language_other": "",
    "remark": "",
}


@pytest.fixture(autouse=True)
def _no_delivery(demo_app, monkeypatch):
    """Mails stay in the outbox (nobody listens on the default SMTP port)."""
    monkeypatch.setitem(demo_app.config, "MAIL_SEND_AFTER_REQUEST", False)


# One signed-in client per demo portal and role for the whole module: sign-ins count
# against the per-address limit, whose window does not move while the clock is frozen.
_CLIENTS: dict[tuple[int, str], object] = {}


@pytest.fixture
def staff(demo_app, frozen_clock, monkeypatch):
    """``staff(role)``: a client signed in with the demo account of ``role`` (reused)."""
    monkeypatch.setitem(demo_app.config, "RATELIMIT_SIGN_IN", "1000 per minute")

    def client_for(role: str):
        key = (id(demo_app), role)
        if key not in _CLIENTS:
            _CLIENTS[key] = signed_in(demo_app, role)
        return _CLIENTS[key]

    return client_for


@pytest.fixture
def booked(demo_app):
    """The ids of the visits a test books; deleted afterwards with their mails, so the
    shared demo is as it was."""
    ids: list[int] = []
    yield ids
    with demo_app.app_context():
        for visit_id in ids:
            db.session.execute(delete(OutboxMail).where(OutboxMail.appointment_id == visit_id))
            visit = db.session.get(Appointment, visit_id)
            if visit is not None:
                db.session.delete(visit)
        db.session.commit()


def _parse(value: str) -> datetime:
    """A start time as step 2 writes it (aware ISO 8601)."""
    return datetime.fromisoformat(value)


def _service(demo_app, code: str) -> int:
    with demo_app.app_context():
        return db.session.scalar(select(Service.id).where(Service.code == code))


def _query(service_ids, persons=1, **extra) -> str:
    pairs = [("service", service_id) for service_id in service_ids]
    pairs += [("persons", persons), *extra.items()]
    return urlencode(pairs)


def _starts(client, service_ids, persons=1, **extra) -> list[str]:
    """The free start times step 2 offers (today unless ``day`` is given)."""
    response = client.get(f"{TIMES}?{_query(service_ids, persons, **extra)}")
    assert response.status_code == 200, response.status_code
    return [html.unescape(value) for value in STARTS.findall(response.get_data(as_text=True))]


def _first_free_starts(client, service_ids, persons=1) -> list[str]:
    """The free start times of the first day step 2 lists under "first days"."""
    page = client.get(f"{TIMES}?{_query(service_ids, persons)}").get_data(as_text=True)
    first_day = FIRST_DAY.search(page).group(1)
    return _starts(client, service_ids, persons, day=first_day)


def _book(client, service_ids, start, *, persons=1, staff_id="", **fields):
    """Open step 3 and submit it; the response of the POST."""
    url = f"{DETAILS}?{_query(service_ids, persons, start=start, staff_id=staff_id)}"
    token = csrf_of(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **RESIDENT, **fields})


def _booked_id(response, booked: list[int]) -> int:
    """The id of the visit a successful POST booked (it redirects to the printout)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    visit_id = int(PRINTOUT.search(response.headers["Location"]).group(1))
    booked.append(visit_id)
    return visit_id


def _audit(demo_app, visit_id: int, subject: str) -> list[AuditEvent]:
    """The audit rows of ``subject`` about the visit, found by id and reference (SQLite
    hands the ids of visits other tests deleted out again)."""
    with demo_app.app_context():
        reference = db.session.get(Appointment, visit_id).reference
        return list(
            db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.appointment_id == visit_id,
                    AuditEvent.reference == reference,
                    AuditEvent.subject == subject,
                )
            )
        )


def test_reception_books_a_service_by_invitation_without_email(staff, demo_app, booked):
    client = staff("reception")
    service_id = _service(demo_app, "verblijfskaart-afhalen")
    with demo_app.app_context():
        assert db.session.get(Service, service_id).publicly_bookable is False

    first = client.get(START).get_data(as_text=True)
    assert f'name="service" value="{service_id}"' in first
    assert "alleen op uitnodiging" in first

    page = client.get(f"{TIMES}?{_query([service_id])}").get_data(as_text=True)
    assert "Eerste dagen met vrije tijdstippen" in page
    assert 'name="staff_id"' in page
    start = _first_free_starts(client, [service_id])[0]
    step3 = client.get(f"{DETAILS}?{_query([service_id], start=start)}")
    assert step3.status_code == 200
    visit_id = _booked_id(_book(client, [service_id], start), booked)

    with demo_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        assert visit.status == "confirmed"
        assert visit.channel == "staff"
        assert visit.email is None
        assert visit.starts_at == _parse(start)
        mails = db.session.scalar(
            select(func.count())
            .select_from(OutboxMail)
            .where(OutboxMail.appointment_id == visit_id)
        )
        assert mails == 0
        reference = visit.reference

    printout = client.get(f"/medewerkers/afspraak/{visit_id}/afdruk")
    assert printout.status_code == 200
    text = printout.get_data(as_text=True)
    assert reference in text
    assert "<svg" in text and 'class="qr-code"' in text
    assert "De brief met uw pin- en pukcode" in text
    assert "geen bevestigingsmail" in text
    assert "/afspraak/beheer/" in text
    assert "data-print" in text and "js/print-button.js" in text  # no inline onclick

    assert len(_audit(demo_app, visit_id, "visit.book")) == 1
    views = _audit(demo_app, visit_id, "visit.printout")
    assert len(views) == 1 and views[0].action == AuditAction.VIEW
    client.get(f"/medewerkers/afspraak/{visit_id}/afdruk")
    assert len(_audit(demo_app, visit_id, "visit.printout")) == 2


def test_with_an_address_the_confirmation_mail_is_queued(staff, demo_app, booked):
    client = staff("reception")
    service_id = _service(demo_app, "attest-gezinssamenstelling")
    start = _first_free_starts(client, [service_id])[0]
    address = f"aan-de-balie-{RUN_ID}@example.org"
    visit_id = _booked_id(_book(client, [service_id], start, email=address, language="fr"), booked)
    with demo_app.app_context():
        mail = db.session.scalar(select(OutboxMail).where(OutboxMail.appointment_id == visit_id))
        assert mail.kind == "confirmation"
        assert mail.recipient == address
        starts_at = db.session.get(Appointment, visit_id).starts_at
        assert to_local(starts_at).strftime("%H:%M") in mail.subject
    text = client.get(f"/medewerkers/afspraak/{visit_id}/afdruk").get_data(as_text=True)
    assert f"De bevestigingsmail gaat naar {address}" in text
    assert 'lang="fr"' in text


def test_the_cap_per_address_does_not_bind_staff(staff, demo_app, booked):
    client = staff("reception")
    service_id = _service(demo_app, "terugbelafspraak")
    address = f"vaak-{RUN_ID}@example.org"
    starts = _starts(client, [service_id])
    assert len(starts) >= 4
    for start in starts[:4]:
        _booked_id(_book(client, [service_id], start, email=address, phone="0470 12 34 56"), booked)
    with demo_app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(Appointment).where(Appointment.email == address)
        )
    assert count == 4 > demo_app.config["MAX_ACTIVE_PER_EMAIL"]


def test_staff_book_closer_than_the_residents_notice(staff, demo_app, booked):
    client = staff("reception")
    service_id = _service(demo_app, "eid-afhalen")
    soon = [
        start
        for start in _starts(client, [service_id])
        if to_local(_parse(start)).time() < time(9, 30)
    ]
    assert soon, "the demo has a free time before 09:30 today"
    with demo_app.app_context():
        service = db.session.get(Service, service_id)
        residents = load_availability(
            db.session, [service], 1, DEMO_TODAY, DEMO_TODAY, DEMO_NOW, grid_minutes=15, tz=CITY_TZ
        ).slots()
    assert _parse(soon[0]) not in {slot.start for slot in residents}
    visit_id = _booked_id(_book(client, [service_id], soon[0]), booked)
    with demo_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        assert (visit.starts_at - DEMO_NOW).total_seconds() < 2 * 3600


def test_a_clerk_books_only_for_their_own_team(staff, demo_app, booked):
    clerk = staff("clerk")
    other = _service(demo_app, "verblijfskaart-afhalen")
    own = _service(demo_app, "eid-afhalen")
    page = clerk.get(START).get_data(as_text=True)
    assert f'name="service" value="{own}"' in page
    assert f'name="service" value="{other}"' not in page
    assert clerk.get(f"{TIMES}?{_query([other])}").status_code == 404
    start = "2026-12-08T09:00:00+01:00"
    assert clerk.get(f"{DETAILS}?{_query([other], start=start)}").status_code == 404
    assert clerk.get(f"{TIMES}?{_query([own])}").status_code == 200
    assert staff("reception").get(f"{TIMES}?{_query([other])}").status_code == 200

    reception = staff("reception")
    start = _first_free_starts(reception, [other])[0]
    visit_id = _booked_id(_book(reception, [other], start), booked)
    assert clerk.get(f"/medewerkers/afspraak/{visit_id}/afdruk").status_code == 404


def test_a_time_taken_in_the_meantime_gives_409(staff, demo_app, booked):
    client = staff("reception")
    service_id = _service(demo_app, "attest-van-leven")
    start = _first_free_starts(client, [service_id])[0]
    with demo_app.app_context():
        service = db.session.get(Service, service_id)
        slot = free_slot_at(
            db.session,
            [service],
            1,
            _parse(start),
            DEMO_NOW,
            BookingSettings.current(),
            for_staff=True,
        )
    clerk_id = slot.staff_ids[0]
    url = f"{DETAILS}?{_query([service_id], start=start, staff_id=clerk_id)}"
    token = csrf_of(client.get(url).get_data(as_text=True))
    _booked_id(client.post(url, data={"csrf_token": token, **RESIDENT}), booked)

    again = client.post(url, data={"csrf_token": token, **RESIDENT, "name": "Iemand Anders"})
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    assert "Dit tijdstip werd net door iemand anders gekozen." in text
    assert 'value="Iemand Anders"' in text
    assert f"{TIMES}?" in text
    assert client.get(url).status_code == 409


def test_the_printout_speaks_the_residents_language(staff, demo_app, booked):
    client = staff("reception")
    service_id = _service(demo_app, "inschrijving-nieuwkomer")
    start = _first_free_starts(client, [service_id], persons=2)[0]
    visit_id = _booked_id(
        _book(client, [service_id], start, persons=2, language="ar", spoken_language="ar"), booked
    )
    text = client.get(f"/medewerkers/afspraak/{visit_id}/afdruk").get_data(as_text=True)
    assert '<html lang="nl" dir="ltr">' in text
    assert re.search(r'<article class="printout" lang="ar" dir="rtl"', text)
    assert "Uw afspraak is bevestigd" not in text
    assert "?lang=ar" in text


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 422),
        ("service=abc", 422),
        ("service={own}&persons=99", 422),
        ("service={own}&persons=abc", 422),
        ("service=99999999999", 422),
        ("service=2147483648", 422),
        ("service=9999999", 422),
        ("service={own}&service={other}", 422),
        ("service={own}&day=garbage", 400),
        ("service={own}&day=9999-12-31", 400),
        ("service={own}&day=2020-01-01", 400),
    ],
)
def test_bad_choices_for_the_times_get_a_clear_answer(staff, demo_app, query, status):
    own = _service(demo_app, "eid-afhalen")
    other = _service(demo_app, "attest-van-leven")
    response = staff("reception").get(f"{TIMES}?{query.format(own=own, other=other)}")
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert 'role="alert"' in text
    assert ("Kies een dag tussen vandaag en" in text) == (status == 400)


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ("start=garbage", 400),
        ("start=2026-12-08T09:00", 400),
        ("start=0001-01-01T00:00:00%2B14:00", 400),
        ("start=9999-12-31T23:59:00-14:00", 400),
        ("start=2026-12-08T09:00:00%2B01:00&staff_id=abc", 400),
        ("start=2026-12-08T09:00:00%2B01:00&staff_id=99999999999", 400),
        ("start=2026-12-08T03:07:00%2B01:00", 409),
    ],
)
def test_bad_times_and_clerks_get_a_clear_answer(staff, demo_app, extra, status):
    own = _service(demo_app, "eid-afhalen")
    response = staff("reception").get(f"{DETAILS}?service={own}&persons=1&{extra}")
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert 'role="alert"' in text
    if status == 409:
        assert "Dit tijdstip is niet (meer) vrij." in text


def test_an_incomplete_form_books_nothing(staff, demo_app):
    client = staff("reception")
    service_id = _service(demo_app, "eid-afhalen")
    start = _first_free_starts(client, [service_id])[0]
    with demo_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Appointment))
    response = _book(client, [service_id], start, name="", email="geen-adres")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Vul de naam van de bewoner in." in text
    assert "Vul een geldig e-mailadres in" in text
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == before


def test_printout_of_an_unknown_visit_is_404(staff):
    client = staff("admin")
    assert client.get("/medewerkers/afspraak/99999999999/afdruk").status_code == 404
    assert client.get("/medewerkers/afspraak/0/afdruk").status_code == 404


def test_the_same_form_sent_twice_books_one_visit(staff, demo_app, booked):
    client = staff("reception")
    service_id = _service(demo_app, "verblijfskaart-afhalen")
    start = _first_free_starts(client, [service_id])[0]
    url = f"{DETAILS}?{_query([service_id], start=start)}"
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="request_key" type="hidden" value="([0-9a-f]{32})"', page)
    assert key is not None, "the form carries a one-time key"
    data = {"csrf_token": csrf_of(page), "request_key": key.group(1), **RESIDENT}
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    visit_id = _booked_id(first, booked)
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert len(_audit(demo_app, visit_id, "visit.book")) == 1


def test_a_busy_clerk_is_refused_with_the_reason(staff, demo_app):
    """A time some clerk is free at, asked with a clerk who has a visit then: the page
    says that clerk already has a visit, not a bare "not free"."""
    with demo_app.app_context():
        settings = BookingSettings.from_config(demo_app.config)
        visits = db.session.scalars(
            select(Appointment)
            .where(Appointment.status == "confirmed", Appointment.starts_at > DEMO_NOW)
            .order_by(Appointment.starts_at)
            .limit(200)
        ).all()
        for visit in visits:
            services = visit.services
            slot = free_slot_at(
                db.session, services, 1, visit.starts_at, DEMO_NOW, settings, for_staff=True
            )
            if slot is not None and visit.staff_id not in slot.staff_ids:
                chosen = ([service.id for service in services], visit.starts_at, visit.staff)
                break
        else:
            raise AssertionError("no demo visit whose time another clerk has free")
        service_ids, start, clerk = chosen
        name = clerk.name
    query = _query(service_ids, start=start.isoformat(), staff_id=clerk.id)
    response = staff("reception").get(f"{DETAILS}?{query}")
    assert response.status_code == 409
    assert f"{html.escape(name)} heeft op dat moment al een afspraak." in response.get_data(
        as_text=True
    )


def test_step_3_offers_only_the_clerks_free_at_that_time(staff, demo_app, booked):
    client = staff("reception")
    service_id = _service(demo_app, "attest-van-leven")
    start = _first_free_starts(client, [service_id])[0]
    with demo_app.app_context():
        slot = free_slot_at(
            db.session,
            [db.session.get(Service, service_id)],
            1,
            _parse(start),
            DEMO_NOW,
            BookingSettings.current(),
            for_staff=True,
        )
        free = set(slot.staff_ids)
    url = f"{DETAILS}?{_query([service_id], start=start)}"
    page = client.get(url).get_data(as_text=True)
    select = page[
        page.index('<select id="staff_id"') : page.index(
            "</select>", page.index('<select id="staff_id"')
        )
    ]
    offered = {int(value) for value in re.findall(r'<option value="(\d+)"', select)}
    assert offered == free
    # The clerk chosen on this page takes the visit.
    chosen = max(free)
    token = csrf_of(page)
    visit_id = _booked_id(
        client.post(url, data={"csrf_token": token, "staff_id": str(chosen), **RESIDENT}), booked
    )
    with demo_app.app_context():
        assert db.session.get(Appointment, visit_id).staff_id == chosen
