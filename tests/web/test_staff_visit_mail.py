"""What the resident receives, over real SMTP, when staff move or cancel a visit from the
visit page: the new time with an updated invitation, or the reason with a cancelling
calendar file."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from portal.antibot import limiter
from portal.extensions import db
from portal.models import Appointment, StaffRole
from portal.notifications import deliver_due
from portal.staff.accounts import hash_password
from portal.timeutil import isoformat_local, local_datetime
from tests.builders import book, build_city
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.smtp import SmtpServer, calendar_part, use_server
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, sign_in

BRUSSELS = ZoneInfo("Europe/Brussels")
PASSWORD = "juist-wachtwoord-123"
TOMORROW = DEMO_TODAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Sign-ins of other tests (same address, frozen clock) must not count here."""
    limiter.reset()


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server the portal delivers to during the test (delivered by the test,
    not after the request, so that nothing races)."""
    with SmtpServer() as server:
        use_server(monkeypatch, app, server, MAIL_SEND_AFTER_REQUEST=False)
        yield server


@pytest.fixture
def visit_id(app, frozen_clock, smtp):
    """A confirmed visit tomorrow at 09:00 with clerk 0, who can sign in; its id."""
    city = build_city(db.session, DEMO_TODAY, TOMORROW)
    clerk = city.staff[0]
    clerk.email, clerk.role = "an@stad.example", StaffRole.CLERK
    clerk.password_hash = hash_password(PASSWORD)
    start = local_datetime(TOMORROW, time(9))
    visit = book(db.session, clerk, city.service, start, start + timedelta(minutes=15))
    visit.sequence = 2
    db.session.commit()
    return visit.id


def _staff_post(app, path: str, **data):
    """Sign clerk 0 in and post the form at ``path`` like a browser; the response."""
    client = new_client(app)
    assert sign_in(client, "an@stad.example", PASSWORD).status_code == 302
    token = csrf_of(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def _deliver(app, smtp):
    """Send what the outbox holds; the one mail received."""
    report = deliver_due(db.session, app.config, DEMO_NOW)
    assert report.sent == 1, report
    return smtp.wait_for(1)[-1]


def _event(message):
    ics = calendar_part(message)
    assert ics.get_filename() == "afspraak.ics"
    return ics, icalendar.Calendar.from_ical(ics.get_content()).events[0]


def test_staff_move_mails_the_new_time_with_a_newer_invitation(app, smtp, visit_id):
    new_start = local_datetime(TOMORROW, time(11, 30))
    path = f"/medewerkers/bezoek/{visit_id}/verplaatsen?day={TOMORROW.isoformat()}"
    response = _staff_post(app, path, start=isoformat_local(new_start))
    assert response.status_code == 302, response.get_data(as_text=True)

    message = _deliver(app, smtp)
    assert message["To"] == "bewoner@example.org"
    assert "verplaatst" in message["Subject"]
    ics, event = _event(message)
    assert ics.get_param("method") == "REQUEST"
    assert event.decoded("dtstart").astimezone(BRUSSELS) == new_start.astimezone(BRUSSELS)
    assert event["dtstart"].params.get("TZID") == "Europe/Brussels"
    assert event.decoded("dtstart").replace(tzinfo=None).time() == time(11, 30)
    assert int(event["sequence"]) > 2
    db.session.expire_all()
    assert db.session.get(Appointment, visit_id).sequence == int(event["sequence"])


def test_staff_cancel_mails_the_reason_and_cancels_the_event(app, smtp, visit_id):
    reason = "De dienst is morgen uitzonderlijk gesloten."
    response = _staff_post(app, f"/medewerkers/bezoek/{visit_id}/annuleren", reason=reason)
    assert response.status_code == 302, response.get_data(as_text=True)

    message = _deliver(app, smtp)
    assert "geannuleerd" in message["Subject"]
    assert reason in message.get_body(("plain",)).get_content()
    assert reason in message.get_body(("html",)).get_content()
    ics, event = _event(message)
    assert ics.get_param("method") == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) > 2
