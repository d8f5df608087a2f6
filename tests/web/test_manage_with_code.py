"""Phone-first residents: a visit booked by staff without an e-mail address gets a printout
with its reference, a short code and the city's phone number; with reference and code the
resident opens the same manage page as a mailed link, to move or cancel. Wrong pairs get
one message, a visit locks after a few wrong codes, and no input gives a 500.

The demo database is shared: every visit a test books is deleted afterwards (``booked``).
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from flask import url_for
from sqlalchemy import delete, select

from portal.booking.access_code import (
    CODE_ALPHABET,
    CODE_LENGTH,
    access_code,
    code_of,
    grouped,
    normalised_code,
    normalised_reference,
)
from portal.booking.tokens import manage_token
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, Service
from portal.models.outbox import OutboxMail
from portal.notifications.links import CODE_PATH
from tests.conftest import DEMO_TODAY, RUN_ID
from tests.web.booking_helpers import STARTS, csrf_of
from tests.web.staff_helpers import new_client, signed_in

CODE_PAGE = "/afspraak/code"
TIMES = "/medewerkers/afspraak-maken/tijd"
DETAILS = "/medewerkers/afspraak-maken/gegevens"
PRINTOUT = re.compile(r"/medewerkers/afspraak/(\d+)/afdruk$")
REFUSED = "We vinden geen afspraak met deze referentie en code."
RESIDENT = {
    "name": "Telefoon Bewoner",
    "email": "",
    "phone": "0470 12 34 56",
    "language": "nl",
    "spoken_language": "nl",
    "spoken_language_other": "",
    "remark": "",
}


@pytest.fixture(autouse=True)
def _quiet(demo_app, monkeypatch):
    """Mails stay in the outbox; sign-ins and code attempts are not what these tests
    count (the rate limit has a test of its own)."""
    monkeypatch.setitem(demo_app.config, "MAIL_SEND_AFTER_REQUEST", False)
    monkeypatch.setitem(demo_app.config, "RATELIMIT_SIGN_IN", "1000 per minute")
    monkeypatch.setitem(demo_app.config, "RATELIMIT_MANAGE_CODE", "1000 per minute")


@pytest.fixture
def booked(demo_app):
    """The ids of the visits a test books; deleted afterwards with their mails."""
    ids: list[int] = []
    yield ids
    with demo_app.app_context():
        for visit_id in ids:
            db.session.execute(delete(OutboxMail).where(OutboxMail.appointment_id == visit_id))
            visit = db.session.get(Appointment, visit_id)
            if visit is not None:
                db.session.delete(visit)
        db.session.commit()


@pytest.fixture
def reception(demo_app, frozen_clock):
    """The demo's reception desk, signed in."""
    return signed_in(demo_app, "reception")


def _service_id(demo_app, code: str) -> int:
    with demo_app.app_context():
        return db.session.scalar(select(Service.id).where(Service.code == code))


def _staff_book(client, booked, service_code: str, **fields) -> int:
    """Reception books ``service_code`` two days ahead (movable online) for the resident;
    the new visit's id."""
    service_id = _service_id(client.application, service_code)
    day = (DEMO_TODAY + timedelta(days=2)).isoformat()
    times = client.get(f"{TIMES}?{urlencode({'service': service_id, 'day': day})}").text
    start = html.unescape(STARTS.findall(times)[0])
    url = f"{DETAILS}?{urlencode({'service': service_id, 'persons': 1, 'start': start})}"
    token = csrf_of(client.get(url).text)
    answer = client.post(url, data={"csrf_token": token, **RESIDENT, **fields})
    assert answer.status_code == 302, answer.text
    visit_id = int(PRINTOUT.search(answer.headers["Location"]).group(1))
    booked.append(visit_id)
    return visit_id


def _visit(demo_app, visit_id: int) -> Appointment:
    with demo_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        db.session.expunge(visit)
        return visit


def _try(client, reference: str, code: str):
    """Send reference and code from the code page (its own CSRF token)."""
    token = csrf_of(client.get(CODE_PAGE).text)
    return client.post(CODE_PAGE, data={"csrf_token": token, "reference": reference, "code": code})


def test_a_visit_without_email_gets_a_printout_with_reference_code_and_phone(
    demo_app, reception, booked
):
    visit_id = _staff_book(reception, booked, "attest-gezinssamenstelling")
    visit = _visit(demo_app, visit_id)
    assert visit.email is None and visit.access_code_hash
    code = code_of(visit, demo_app.config["SECRET_KEY"])
    assert code not in visit.access_code_hash  # only a keyed hash is kept

    sheet = reception.get(f"/medewerkers/afspraak/{visit_id}/afdruk").text
    assert visit.reference in sheet
    assert grouped(code) in sheet and re.fullmatch(r"[A-Z0-9]{3} [A-Z0-9]{3}", grouped(code))
    assert demo_app.config["CITY_HALL_PHONE"] in sheet
    assert demo_app.config["BASE_URL"] + CODE_PATH in sheet
    assert "Lees de referentie en de code voor" in sheet
    # Later on the phone: the visit's page leads back to the printout and its code.
    visit_page = reception.get(f"/medewerkers/bezoek/{visit_id}").text
    assert f'href="/medewerkers/afspraak/{visit_id}/afdruk"' in visit_page


def test_a_visit_with_email_gets_no_code(demo_app, reception, booked):
    address = f"met-mail-{RUN_ID}@example.org"
    visit_id = _staff_book(reception, booked, "attest-gezinssamenstelling", email=address)
    visit = _visit(demo_app, visit_id)
    assert visit.access_code_hash is None
    assert code_of(visit, demo_app.config["SECRET_KEY"]) is None
    sheet = reception.get(f"/medewerkers/afspraak/{visit_id}/afdruk").text
    assert CODE_PATH not in sheet

    resident = new_client(demo_app)
    code = access_code(demo_app.config["SECRET_KEY"], visit.manage_nonce)
    refused = _try(resident, visit.reference, code)
    assert refused.status_code == 400 and REFUSED in refused.text


def test_reference_and_code_open_the_manage_page_to_move_and_cancel(demo_app, reception, booked):
    visit_id = _staff_book(reception, booked, "attest-gezinssamenstelling")
    visit = _visit(demo_app, visit_id)
    code = code_of(visit, demo_app.config["SECRET_KEY"])
    resident = new_client(demo_app)

    page = resident.get(CODE_PAGE)
    assert page.status_code == 200
    assert 'name="reference"' in page.text and 'name="code"' in page.text
    assert "<script" not in page.text.split("<main", 1)[1]  # a plain form, no JavaScript
    # Typed as people type: small letters, spaces and a dash.
    opened = _try(
        resident,
        " " + visit.reference.lower()[:4] + " " + visit.reference[4:],
        grouped(code).replace(" ", "-").lower(),
    )
    assert opened.status_code == 302
    assert opened.headers["Cache-Control"] == "no-store"
    link = "/afspraak/beheer/" + manage_token(demo_app.config["SECRET_KEY"], visit.manage_nonce)
    assert opened.headers["Location"].endswith(link)

    shown = resident.get(link).text
    assert visit.reference in shown
    assert "Afspraak verplaatsen" in shown and "Afspraak annuleren" in shown
    assert 'href="/afspraak/code"' in shown  # the way back to this page

    moving = resident.get(link + "/verplaatsen?dag=" + (DEMO_TODAY + timedelta(days=3)).isoformat())
    new_start = html.unescape(STARTS.findall(moving.text)[0])
    asked = resident.get(link + "/verplaatsen/bevestigen", query_string={"start": new_start})
    moved = resident.post(
        link + "/verplaatsen/bevestigen",
        data={"start": new_start, "csrf_token": csrf_of(asked.text)},
    )
    assert moved.status_code == 302
    assert _visit(demo_app, visit_id).starts_at.isoformat() != visit.starts_at.isoformat()
    after_move = resident.get(link).text
    assert "Uw afspraak is verplaatst." in after_move
    assert "e-mail met het nieuwe tijdstip" not in after_move  # there is no address

    asking = resident.get(link + "/annuleren")
    cancelled = resident.post(link + "/annuleren", data={"csrf_token": csrf_of(asking.text)})
    assert cancelled.status_code == 302
    assert _visit(demo_app, visit_id).status == AppointmentStatus.CANCELLED
    after_cancel = resident.get(link).text
    assert "Uw afspraak is geannuleerd." in after_cancel
    assert "bevestiging per e-mail" not in after_cancel
    with demo_app.app_context():  # no address, so no mail about either change
        mails = db.session.scalars(select(OutboxMail).where(OutboxMail.appointment_id == visit_id))
        assert list(mails) == []


def test_wrong_codes_lock_the_visit_even_for_the_right_code(
    demo_app, reception, booked, frozen_clock
):
    visit_id = _staff_book(reception, booked, "attest-gezinssamenstelling")
    visit = _visit(demo_app, visit_id)
    code = code_of(visit, demo_app.config["SECRET_KEY"])
    wrong = next(candidate for candidate in ("AAAAAA", "BBBBBB", "CCCCCC") if candidate != code)
    resident = new_client(demo_app)
    limit = demo_app.config["ACCESS_CODE_MAX_FAILURES"]
    for attempt in range(limit):
        refused = _try(resident, visit.reference, wrong)
        assert refused.status_code == 400, attempt
        assert REFUSED in refused.text
    locked = _visit(demo_app, visit_id)
    assert locked.access_code_locked_until is not None

    still = _try(resident, visit.reference, code)
    assert still.status_code == 400 and REFUSED in still.text  # same words as a wrong code

    frozen_clock.shift(timedelta(minutes=demo_app.config["ACCESS_CODE_LOCK_MINUTES"] + 1))
    assert _try(new_client(demo_app), visit.reference, code).status_code == 302
    assert _visit(demo_app, visit_id).access_code_failures == 0


def test_a_right_code_resets_the_count_of_wrong_ones(demo_app, reception, booked):
    visit_id = _staff_book(reception, booked, "attest-gezinssamenstelling")
    visit = _visit(demo_app, visit_id)
    code = code_of(visit, demo_app.config["SECRET_KEY"])
    wrong = "AAAAAA" if code != "AAAAAA" else "BBBBBB"
    resident = new_client(demo_app)
    for _ in range(demo_app.config["ACCESS_CODE_MAX_FAILURES"] - 1):
        _try(resident, visit.reference, wrong)
    assert _visit(demo_app, visit_id).access_code_failures == 4
    assert _try(resident, visit.reference, code).status_code == 302
    assert _try(resident, visit.reference, wrong).status_code == 400
    assert _visit(demo_app, visit_id).access_code_locked_until is None


def test_an_unknown_reference_is_refused_like_a_wrong_code(demo_app, reception, booked):
    visit_id = _staff_book(reception, booked, "attest-gezinssamenstelling")
    visit = _visit(demo_app, visit_id)
    code = code_of(visit, demo_app.config["SECRET_KEY"])
    resident = new_client(demo_app)
    wrong_code = _try(resident, visit.reference, "AAAAAA" if code != "AAAAAA" else "BBBBBB")
    unknown = _try(resident, "ZZZZ9999", code)

    def message(page):
        return re.search(r'<div class="error-summary".*?</div>', page.text, re.S).group(0)

    assert unknown.status_code == wrong_code.status_code == 400
    assert message(unknown) == message(wrong_code)


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        ("", ""),
        ("   ", "   "),
        ("A" * 10_000, "B" * 10_000),
        ("ÄBCD2345", "ÄBC234"),
        ("مرجع٣٤٥", "رمز١٢٣"),
        ("АБВГ2345", "ЖКМ234"),
        ("ABCD\x002345", "ABC\x00234"),
        ("ABCD2345", "ABC23"),
        ("ABCD2345", "ABC2345"),
        ("ABCD2345", "OIL000"),  # look-alikes are not in the alphabet
        ("'; DROP TABLE appointment; --", "<script>"),
        ("😀😀😀😀", "😀😀😀😀😀😀"),
    ],
)
def test_odd_input_gets_a_clear_message_not_an_error(demo_app, frozen_clock, reference, code):
    resident = new_client(demo_app)
    answer = _try(resident, reference, code)
    assert answer.status_code == 400
    assert 'class="error-summary"' in answer.text
    assert "<script>" not in answer.text  # what was typed comes back escaped


def test_the_code_page_is_rate_limited(demo_app, frozen_clock, monkeypatch):
    monkeypatch.setitem(demo_app.config, "RATELIMIT_MANAGE_CODE", "2 per minute")
    resident = new_client(demo_app)
    assert _try(resident, "ZZZZ9999", "ABC234").status_code == 400
    assert _try(resident, "ZZZZ9999", "ABC234").status_code == 400
    limited = _try(resident, "ZZZZ9999", "ABC234")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"]


def test_the_code_page_speaks_arabic_and_isolates_the_phone(demo_app, frozen_clock):
    page = new_client(demo_app).get(CODE_PAGE + "?lang=ar")
    assert 'lang="ar" dir="rtl"' in page.text
    phone = demo_app.config["CITY_HALL_PHONE"]
    assert f'<bdi dir="ltr">{phone}</bdi>' in page.text
    assert 'dir="ltr"' in page.text.split('name="reference"')[0].rsplit("<input", 1)[1]


def test_the_start_page_links_to_the_code_page_with_the_citys_phone(demo_app, frozen_clock):
    page = new_client(demo_app).get("/").text
    assert f'href="{CODE_PAGE}"' in page
    assert demo_app.config["CITY_HALL_PHONE"] in page


def test_the_printed_address_is_the_code_page(demo_app):
    with demo_app.test_request_context():
        assert url_for("booking.code_access") == CODE_PATH


def test_codes_are_six_unambiguous_characters_read_in_two_groups():
    codes = {access_code("a-secret", f"{n:032x}") for n in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
        assert normalised_code(grouped(code).lower()) == code
        assert normalised_code(grouped(code).replace(" ", "-")) == code
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert access_code("a-secret", "00") != access_code("another-secret", "00")
    assert normalised_code("ABC23") is None and normalised_code("ABC 0O1") is None
    assert normalised_reference(" abcd-2345 ") == "ABCD2345"
    assert normalised_reference("Ä" * 3) is None and normalised_reference("") is None


def test_staff_booking_a_call_back_needs_the_residents_number(demo_app, reception, booked):
    service_id = _service_id(demo_app, "terugbelafspraak")
    day = (DEMO_TODAY + timedelta(days=2)).isoformat()
    times = reception.get(f"{TIMES}?{urlencode({'service': service_id, 'day': day})}").text
    start = html.unescape(STARTS.findall(times)[0])
    url = f"{DETAILS}?{urlencode({'service': service_id, 'persons': 1, 'start': start})}"
    form = reception.get(url).text
    assert "Telefoonnummer van de bewoner" in form
    refused = reception.post(url, data={"csrf_token": csrf_of(form), **RESIDENT, "phone": ""})
    assert refused.status_code == 400
    assert "Vul het telefoonnummer van de bewoner in" in refused.text

    visit_id = _staff_book(reception, booked, "terugbelafspraak")
    visit = _visit(demo_app, visit_id)
    assert visit.phone == RESIDENT["phone"]
    sheet = reception.get(f"/medewerkers/afspraak/{visit_id}/afdruk").text
    article = sheet.split('<article class="printout"', 1)[1]
    assert f"We bellen u op {RESIDENT['phone']} tussen" in article
    assert ">Waar<" not in article and "aan het onthaal" not in article
    assert grouped(code_of(visit, demo_app.config["SECRET_KEY"])) in article
