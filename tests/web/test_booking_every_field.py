"""Nothing the resident says is lost: every field of the details step, typed through the
pages (without JavaScript, going back and forth) or sent through the API, is what is
stored and what staff read on the visit page — in Dutch and in Arabic."""

from __future__ import annotations

import html
import re
from datetime import date, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, StaffRole
from portal.staff.accounts import hash_password
from portal.timeutil import local_datetime
from tests.builders import build_city
from tests.web.api_booking_helpers import api_client, booked
from tests.web.booking_helpers import csrf_of, first_free_start, hold_time
from tests.web.staff_helpers import new_client, sign_in

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
PASSWORD = "juist-wachtwoord-123"

# Every field of the details step filled, with what a person might really type.
EVERYTHING = {
    "name": "  Ängela O'Brien-Nguyễn ",
    "email": "angela.obrien@example.org",
    "phone": "+32 470 12 34 56",
    "language": "fr",
    "spoken_language": "other",
    "spoken_language_other": "Lingala",
    "interpreter_needed": "y",
    "remark": "Ik kom met een rolstoel & mijn dochter <vertaalt>.",
}
# What staff must read for it, label → value.
SHOWN = {
    "Naam": "Ängela O'Brien-Nguyễn",
    "E-mailadres": "angela.obrien@example.org",
    "Telefoonnummer": "+32 470 12 34 56",
    "Tolk nodig": "Ja",
    "Opmerking": "Ik kom met een rolstoel & mijn dochter <vertaalt>.",
}
TAGS = re.compile(r"<[^>]+>")
PAIR = re.compile(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", re.S)


@pytest.fixture
def city(app, monkeypatch):
    """Two clerks for two weeks; clerk 0 can sign in; limits off; the clock at 07:30."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=13), staff_count=2)
    for member in built.staff:
        member.role, member.password_hash = StaffRole.CLERK, hash_password(PASSWORD)
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        yield built


def _facts(page: str) -> dict[str, str]:
    """The visit page's label → value pairs, as a person reads them."""
    return {
        html.unescape(TAGS.sub("", label)).strip(): " ".join(
            html.unescape(TAGS.sub(" ", value)).split()
        )
        for label, value in PAIR.findall(page)
    }


def _staff_page(app, visit: Appointment) -> dict[str, str]:
    """What the clerk of the visit reads on its page (in Dutch)."""
    clerk = new_client(app)
    email = db.session.get(type(visit.staff), visit.staff_id).email
    assert sign_in(clerk, email, PASSWORD).status_code == 302
    page = clerk.get(f"/medewerkers/bezoek/{visit.id}?lang=nl")
    assert page.status_code == 200
    return _facts(page.get_data(as_text=True))


def _the_visit() -> Appointment:
    db.session.expire_all()
    return db.session.scalars(select(Appointment)).one()


def _assert_stored(visit: Appointment) -> None:
    assert visit.resident_name == "Ängela O'Brien-Nguyễn"
    assert visit.email == "angela.obrien@example.org"
    assert visit.phone == "+32 470 12 34 56"
    assert visit.language == "fr"
    assert visit.spoken_language == "other"
    assert visit.spoken_language_other == "Lingala"
    assert visit.interpreter_needed is True
    assert visit.remark == "Ik kom met een rolstoel & mijn dochter <vertaalt>."


def _assert_staff_read(app, visit: Appointment) -> None:
    facts = _staff_page(app, visit)
    for label, value in SHOWN.items():
        assert facts[label] == value, (label, facts[label])
    assert "Lingala" in facts["Taal aan de balie"]
    # Nobody can list "another language": the visit is flagged for an interpreter.
    assert facts["Tolk plannen"].startswith("Niemand van dienst spreekt deze taal.")
    assert "Frans" in facts["Taal van de e-mails"] or "Français" in facts["Taal van de e-mails"]


def _details_then_review(client, fields: dict):
    page = client.get("/afspraak/gegevens")
    assert page.status_code == 200
    sent = client.post("/afspraak/gegevens", data={**fields, "csrf_token": csrf_of(page.text)})
    assert sent.status_code == 302, sent.text
    review = client.get("/afspraak/controle")
    assert review.status_code == 200
    return review


@pytest.mark.parametrize("page_language", ["nl", "ar"])
def test_every_field_typed_on_the_pages_is_stored_and_shown_to_staff(
    app, client, city, page_language
):
    client.get(f"/afspraak?lang={page_language}")
    token, start = first_free_start(client, city.service.id)
    assert hold_time(client, city.service.id, start, token).status_code == 302

    # A first go with a typo, then back to the details page: what was typed is there.
    review = _details_then_review(client, {**EVERYTHING, "phone": "0470 00 00 00"})
    assert "0470 00 00 00" in review.text
    again = client.get("/afspraak/gegevens")
    assert 'value="0470 00 00 00"' in again.text
    box = re.search(r'<input[^>]*name="interpreter_needed"[^>]*>', again.text).group(0)
    assert " checked" in box
    assert 'value="Lingala"' in again.text
    assert "&lt;vertaalt&gt;" in again.text
    review = _details_then_review(client, EVERYTHING)
    assert f'<html lang="{page_language}"' in review.text
    assert "Lingala" in review.text and "+32 470 12 34 56" in review.text

    submitted = client.post("/afspraak/controle", data={"csrf_token": csrf_of(review.text)})
    assert submitted.status_code == 302, submitted.text
    visit = _the_visit()
    _assert_stored(visit)
    _assert_staff_read(app, visit)


def test_an_unticked_interpreter_box_stays_unticked(app, client, city):
    token, start = first_free_start(client, city.service.id)
    assert hold_time(client, city.service.id, start, token).status_code == 302
    fields = {key: value for key, value in EVERYTHING.items() if key != "interpreter_needed"}
    review = _details_then_review(client, fields)
    client.post("/afspraak/controle", data={"csrf_token": csrf_of(review.text)})
    visit = _the_visit()
    assert visit.interpreter_needed is False
    assert _staff_page(app, visit)["Tolk nodig"] == "Nee"


def test_every_field_sent_through_the_api_is_stored_and_shown_to_staff(app, city, monkeypatch):
    api = api_client(app, monkeypatch)
    nine = local_datetime(MONDAY + timedelta(days=1), time(9))
    fields = {key: value for key, value in EVERYTHING.items() if key != "interpreter_needed"}
    booked(api, city.service.id, nine, **fields, interpreter_needed=True)
    visit = _the_visit()
    _assert_stored(visit)
    _assert_staff_read(app, visit)


def test_today_flags_a_language_nobody_on_duty_speaks(app, city, monkeypatch):
    city.staff[0].languages = ["nl", "fr"]
    db.session.commit()
    api = api_client(app, monkeypatch)
    nine = local_datetime(MONDAY + timedelta(days=1), time(9))
    booked(api, city.service.id, nine, spoken_language="ce")
    booked(api, city.service.id, nine + timedelta(hours=1), spoken_language="fr")
    clerk = new_client(app)
    assert sign_in(clerk, city.staff[0].email, PASSWORD).status_code == 302
    page = clerk.get(
        f"/medewerkers/vandaag?wie=team&day={(MONDAY + timedelta(days=1)).isoformat()}"
    )
    assert page.status_code == 200
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page.get_data(as_text=True), re.S)
    flagged = [row for row in rows if "niemand van dienst spreekt deze taal" in row]
    assert len(flagged) == 1 and "Tsjetsjeens" in flagged[0]
    assert sum("Frans" in row for row in rows) == 1  # she speaks French: no flag
