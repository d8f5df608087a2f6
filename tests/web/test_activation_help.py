"""The "almost done" page: the resident who booked sends the activation mail again or
corrects a mistyped address, a few times at most, from the browser that booked only,
while the visit waits for its activation; and the old address gets nothing more."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, OutboxMail
from portal.models.outbox import MailStatus
from portal.timeutil import local_datetime
from tests.web.booking_helpers import (
    CONTACT,
    book_through_pages,
    csrf_of,
    first_free_start,
    manage_path,
)
from tests.web.test_booking_flow import MONDAY

DONE = "/afspraak/klaar"
RESEND = "/afspraak/klaar/opnieuw-sturen"
CORRECT = "/afspraak/klaar/e-mailadres"
MISTYPED = CONTACT["email"]
RIGHT = "anna.peeters@example.org"
MANAGE_LINK = re.compile(r"https?://\S+?/afspraak/beheer/([A-Za-z0-9_-]+)")


@pytest.fixture
def city(two_clerk_city):
    """Two clerks for two weeks, mail kept in the outbox, limits off, 07:30 on a Monday."""
    return two_clerk_city


def _visit() -> Appointment:
    db.session.expire_all()
    return db.session.scalars(select(Appointment).order_by(Appointment.id)).first()


def _activations(visit_id: int) -> list[tuple[str, str]]:
    """(recipient, status) of the visit's activation mails, oldest first."""
    db.session.expire_all()
    rows = db.session.execute(
        select(OutboxMail.recipient, OutboxMail.status)
        .where(OutboxMail.appointment_id == visit_id, OutboxMail.kind == "activation")
        .order_by(OutboxMail.id)
    )
    return [(recipient, MailStatus(status).value) for recipient, status in rows]


def _booked(client, city) -> tuple[Appointment, str]:
    """Book through the pages; the visit and the CSRF token of the done page."""
    book_through_pages(client, city.service.id)
    page = client.get(DONE)
    assert page.status_code == 200
    return _visit(), csrf_of(page.text)


def test_the_done_page_offers_both_with_the_address_to_correct(client, city):
    _booked(client, city)
    page = client.get(DONE).text
    assert f'action="{RESEND}"' in page and f'action="{CORRECT}"' in page
    assert 'type="email"' in page and f'value="{MISTYPED}"' in page
    assert "U kunt de e-mail nog 3 keer laten sturen." in page
    assert "Geen e-mail gekregen?" in page


def test_the_mail_goes_again_three_times_at_most(client, city):
    visit, token = _booked(client, city)
    for left in (2, 1, 0):
        answer = client.post(RESEND, data={"csrf_token": token})
        assert answer.status_code == 302 and answer.location.endswith(DONE)
        page = client.get(DONE).text
        assert f"We stuurden de e-mail opnieuw naar {MISTYPED}." in page
        if left:
            assert f"U kunt de e-mail nog {left} keer laten sturen." in page
    assert _activations(visit.id) == [(MISTYPED, "pending")] * 4
    page = client.get(DONE).text
    assert f'action="{RESEND}"' not in page and f'action="{CORRECT}"' not in page
    assert "U kunt de e-mail niet nog eens laten sturen." in page

    refused = client.post(RESEND, data={"csrf_token": token})
    assert refused.status_code == 429
    assert "U kunt de e-mail niet nog eens laten sturen." in refused.text
    assert len(_activations(visit.id)) == 4


def _link_in(mail_id: int) -> str:
    """The manage token in the plain text of an outbox mail."""
    message = email.message_from_string(
        db.session.get(OutboxMail, mail_id).message, policy=email.policy.default
    )
    return MANAGE_LINK.search(message.get_body(("plain",)).get_content()).group(1)


def test_a_corrected_address_gets_a_new_mail_and_the_old_one_nothing_more(app, client, city):
    visit, token = _booked(client, city)
    old_link = manage_path(app, visit)
    assert client.get(old_link).status_code == 200

    answer = client.post(CORRECT, data={"csrf_token": token, "email": f"  {RIGHT} "})
    assert answer.status_code == 302 and answer.location.endswith(DONE)
    page = client.get(DONE).text
    assert f"Uw e-mailadres is verbeterd. We stuurden een nieuwe e-mail naar {RIGHT}." in page
    assert f"We stuurden een e-mail naar {RIGHT}." in page

    visit = _visit()
    assert visit.email == RIGHT and visit.status == AppointmentStatus.PENDING
    # The mail to the mistyped address, not yet delivered, is withdrawn.
    assert _activations(visit.id) == [(MISTYPED, "failed"), (RIGHT, "pending")]
    # The link that went to the mistyped address no longer opens the visit; the new one does.
    assert client.get(old_link).status_code == 404
    new_link = manage_path(app, visit)
    assert new_link != old_link
    newest = db.session.scalars(select(OutboxMail.id).order_by(OutboxMail.id.desc())).first()
    assert new_link.endswith(_link_in(newest))
    confirm_page = client.get(new_link)
    confirmed = client.post(
        new_link + "/bevestigen", data={"csrf_token": csrf_of(confirm_page.text)}
    )
    assert confirmed.status_code == 302
    assert _visit().status == AppointmentStatus.CONFIRMED


def test_resends_and_corrections_share_the_limit(client, city):
    visit, token = _booked(client, city)
    assert client.post(RESEND, data={"csrf_token": token}).status_code == 302
    for address in ("een@example.org", "twee@example.org"):
        answer = client.post(CORRECT, data={"csrf_token": token, "email": address})
        assert answer.status_code == 302
    refused = client.post(CORRECT, data={"csrf_token": token, "email": "drie@example.org"})
    assert refused.status_code == 429
    assert _visit().email == "twee@example.org"
    assert len(_activations(visit.id)) == 4


def test_the_same_address_again_only_resends(client, city):
    visit, token = _booked(client, city)
    answer = client.post(CORRECT, data={"csrf_token": token, "email": MISTYPED.upper()})
    assert answer.status_code == 302
    assert f"We stuurden de e-mail opnieuw naar {MISTYPED}." in client.get(DONE).text
    assert _activations(visit.id) == [(MISTYPED, "pending")] * 2


@pytest.mark.parametrize("typed", ["", "not-an-address", "a@" + "b" * 260 + ".be"])
def test_a_bad_address_is_refused_next_to_the_field(client, city, typed):
    visit, token = _booked(client, city)
    answer = client.post(CORRECT, data={"csrf_token": token, "email": typed})
    assert answer.status_code == 400
    assert 'class="error-summary"' in answer.text and 'href="#email"' in answer.text
    assert "<title>Fout:" in answer.text
    assert _visit().email == MISTYPED
    assert len(_activations(visit.id)) == 1


def test_only_the_browser_that_booked_can_ask(app, client, city):
    visit, _token = _booked(client, city)
    stranger = app.test_client()
    token, _start = first_free_start(stranger, city.service.id)
    for path, data in ((RESEND, {}), (CORRECT, {"email": "boef@example.org"})):
        with app.app_context():  # a context of its own: the stranger's own CSRF state
            answer = stranger.post(path, data={"csrf_token": token, **data})
        assert answer.status_code == 302 and answer.location.endswith("/afspraak")
    assert _visit().email == MISTYPED
    assert len(_activations(visit.id)) == 1


def test_no_help_once_the_visit_is_confirmed(app, client, city):
    visit, token = _booked(client, city)
    link = manage_path(app, visit)
    client.post(link + "/bevestigen", data={"csrf_token": csrf_of(client.get(link).text)})
    page = client.get(DONE).text
    assert "Uw afspraak is geboekt" in page and f'action="{RESEND}"' not in page
    refused = client.post(RESEND, data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Deze afspraak wacht niet meer op een bevestiging via e-mail." in refused.text
    assert len(_activations(visit.id)) == 1


def test_no_help_once_the_link_ran_out(client, city):
    visit, token = _booked(client, city)
    city.clock.shift(timedelta(minutes=31))
    page = client.get(DONE).text
    assert "De bevestigingslink is verlopen." in page and f'action="{RESEND}"' not in page
    refused = client.post(CORRECT, data={"csrf_token": token, "email": RIGHT})
    assert refused.status_code == 409
    assert _visit().email == MISTYPED
    assert len(_activations(visit.id)) == 1


def test_a_corrected_address_keeps_the_cap_of_open_visits(app, client, city, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ACTIVE_PER_EMAIL", 1)
    other = app.test_client()
    with app.app_context():
        book_through_pages(other, city.service.id, {**CONTACT, "email": RIGHT})
    visit_id = db.session.scalar(select(Appointment.id).where(Appointment.email == RIGHT))
    _booked(client, city)
    mine = db.session.scalar(select(Appointment).where(Appointment.email == MISTYPED))
    token = csrf_of(client.get(DONE).text)
    refused = client.post(CORRECT, data={"csrf_token": token, "email": RIGHT})
    assert refused.status_code == 409 and "maximum aantal afspraken" in refused.text
    db.session.expire_all()
    assert db.session.get(Appointment, mine.id).email == MISTYPED
    assert len(_activations(mine.id)) == 1 and len(_activations(visit_id)) == 1


def test_the_help_is_rate_limited_per_connection(app, client, city, monkeypatch):
    _visit_booked, token = _booked(client, city)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "RATELIMIT_ACTIVATION_HELP", "2 per minute")
    assert client.post(RESEND, data={"csrf_token": token}).status_code == 302
    assert client.post(CORRECT, data={"csrf_token": token, "email": RIGHT}).status_code == 302
    limited = client.post(RESEND, data={"csrf_token": token})
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert len(_activations(_visit().id)) == 3


def test_the_address_reads_left_to_right_in_arabic(app, client, city):
    _booked(client, city)
    with app.app_context():
        page = client.get(DONE + "?lang=ar").text
    assert f'<bdi dir="ltr">{MISTYPED}</bdi>' in page


def test_a_second_visit_has_its_own_three(client, city):
    """The limit counts per visit: the next booking of this browser starts afresh."""
    first, token = _booked(client, city)
    for _ in range(3):
        client.post(RESEND, data={"csrf_token": token})
    city.clock.move_to(local_datetime(MONDAY, time(7, 40)))
    book_through_pages(client, city.service.id, {**CONTACT, "email": "tweede@example.org"})
    page = client.get(DONE).text
    assert "U kunt de e-mail nog 3 keer laten sturen." in page
    assert len(_activations(first.id)) == 4
