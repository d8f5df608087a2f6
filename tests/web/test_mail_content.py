"""What the residents' mails say and how they are built, received over real SMTP."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from babel.dates import format_date, format_time
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.outbox import OutboxMail
from portal.notifications import (
    MailKind,
    book_again_url,
    deliver_due,
    manage_url,
    queue_appointment_mail,
    reference_qr_png,
    reference_qr_svg,
)
from portal.timeutil import local_datetime
from tests.smtp import SmtpServer, calendar_part, mail_visit, use_server

BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = date(2026, 12, 8)  # a Tuesday
NOW = local_datetime(DAY - timedelta(days=3), time(14))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server the portal delivers to during the test."""
    with SmtpServer() as server:
        use_server(monkeypatch, app, server)
        yield server


def _visit(**fields):
    start = local_datetime(DAY, time(9, 30))
    return mail_visit(db.session, start, start + timedelta(minutes=15), **fields)


def _send(app, smtp, visit, kind, *, count=1):
    """Queue a mail of ``kind``, commit, deliver it over SMTP; the received message."""
    mail = queue_appointment_mail(
        db.session, visit, kind, manage_url=manage_url(app.config, visit), now=NOW
    )
    db.session.commit()
    report = deliver_due(db.session, app.config, NOW)
    assert report.sent == 1, report
    return smtp.wait_for(count)[-1], mail


def test_confirmation_arrives_with_text_html_qr_and_calendar(app, smtp):
    _, visit = _visit(persons=2)
    message, mail = _send(app, smtp, visit, MailKind.CONFIRMATION)

    assert smtp.received[0].rcpt_tos == ["bewoner@example.org"]
    assert message["To"] == "bewoner@example.org"
    assert message["From"].addresses[0].addr_spec == "afspraken@demostad.example"
    assert message["Subject"] == mail.subject
    assert "8 december 2026" in message["Subject"] and "09:30" in message["Subject"]
    assert message["Message-ID"].startswith("<") and message["Date"].datetime == NOW
    assert message["Auto-Submitted"] == "auto-generated"

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert visit.reference in body
        assert "dinsdag 8 december 2026" in body
        assert "09:30" in body
        assert "Identiteitskaart aanvragen" in body
        assert "Grote Markt 1, 9999 Demostad" in body
        assert "Bevolking" in body and "Loket 1" in body
        assert "Een recente pasfoto" in body
        assert manage_url(app.config, visit) in body
        assert "2 personen" in body
    assert '<html lang="nl" dir="ltr">' in html

    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    image = next(p for p in related.iter_parts() if p.get_content_type() == "image/png")
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    assert image.get_content().startswith(PNG_SIGNATURE)
    assert image.get_content() == reference_qr_png(visit.reference)

    ics = calendar_part(message)
    assert ics.get_filename() == "afspraak.ics"
    assert ics.get_param("method") == "REQUEST"
    assert ics.get_content_charset() == "utf-8"
    event = icalendar.Calendar.from_ical(ics.get_content()).events[0]
    assert str(event["uid"]) == f"{visit.reference}@stadhuis-op-afspraak"
    assert event.decoded("dtstart") == datetime(2026, 12, 8, 9, 30, tzinfo=BRUSSELS)


def test_activation_mail_asks_to_confirm_and_has_no_calendar(app, smtp):
    expires = NOW + timedelta(minutes=30)
    _, visit = _visit(activation_expires_at=expires, status="pending")
    message, _ = _send(app, smtp, visit, MailKind.ACTIVATION)

    assert calendar_part(message) is None
    assert not [p for p in message.walk() if p.get_content_maintype() == "image"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert manage_url(app.config, visit) in body
        # Valid until 14:30 Brussels time (13:30 UTC), written as local time.
        assert "14:30" in body and "5 december 2026" in body
        assert "dinsdag 8 december 2026" in body


def test_moved_and_reminder_mails_carry_the_invitation(app, smtp):
    _, visit = _visit()
    moved, _ = _send(app, smtp, visit, MailKind.MOVED, count=1)
    reminder, _ = _send(app, smtp, visit, MailKind.REMINDER, count=2)
    for message in (moved, reminder):
        assert calendar_part(message).get_param("method") == "REQUEST"
        assert any(p.get_content_type() == "image/png" for p in message.walk())
    assert moved["Subject"] != reminder["Subject"]


def test_cancellation_links_to_booking_again_and_cancels_the_event(app, smtp):
    _, visit = _visit()
    visit.status = "cancelled"
    visit.sequence = 1
    message, _ = _send(app, smtp, visit, MailKind.CANCELLED)

    text = message.get_body(("plain",)).get_content()
    assert book_again_url(app.config) in text
    assert manage_url(app.config, visit) not in text
    assert not [p for p in message.walk() if p.get_content_maintype() == "image"]
    ics = calendar_part(message)
    assert ics.get_param("method") == "CANCEL"
    event = icalendar.Calendar.from_ical(ics.get_content()).events[0]
    assert str(event["status"]) == "CANCELLED"


def test_arabic_mail_is_right_to_left_with_arabic_dates(app, smtp):
    _, visit = _visit(language="ar")
    message, _ = _send(app, smtp, visit, MailKind.CONFIRMATION)

    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html
    assert message["Content-Language"] == "ar"
    local = datetime(2026, 12, 8, 9, 30, tzinfo=BRUSSELS)
    arabic_date = format_date(local.date(), format="full", locale="ar")
    arabic_time = format_time(local, format="short", locale="ar", tzinfo=BRUSSELS)
    assert arabic_date != format_date(local.date(), format="full", locale="nl")
    for body in (html, text, message["Subject"]):
        assert arabic_date in body
        assert arabic_time in body


def test_language_the_site_does_not_speak_falls_back_to_dutch(app, smtp):
    _, visit = _visit(language="inh")
    message, _ = _send(app, smtp, visit, MailKind.CONFIRMATION)
    assert '<html lang="nl" dir="ltr">' in message.get_body(("html",)).get_content()


def test_documents_fall_back_to_dutch(app, smtp):
    city, visit = _visit(language="en")
    city.service.texts["en"].documents = ""
    message, _ = _send(app, smtp, visit, MailKind.CONFIRMATION)
    text = message.get_body(("plain",)).get_content()
    assert "Apply for an identity card" in text
    assert "Een recente pasfoto" in text


def test_no_mail_without_an_address(app):
    _, visit = _visit(email=None)
    mail = queue_appointment_mail(
        db.session, visit, MailKind.CONFIRMATION, manage_url="https://x/", now=NOW
    )
    assert mail is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_stored_mail_is_ascii_with_crlf_free_text(app):
    _, visit = _visit(language="uk")
    mail = queue_appointment_mail(
        db.session, visit, MailKind.CONFIRMATION, manage_url="https://x/", now=NOW
    )
    assert mail.message.isascii()
    assert mail.kind == "confirmation" and mail.recipient == visit.email
    assert mail.created_at == NOW.astimezone(UTC) and mail.next_attempt_at == NOW


def test_qr_svg_is_embeddable_and_labelled():
    svg = reference_qr_svg("ABCD2345", aria_label="QR-code <ABCD2345>")
    assert svg.startswith("<svg") and "<?xml" not in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "QR-code <ABCD2345>"
    assert all("id" not in element.attrib for element in root.iter())
    assert reference_qr_svg("ABCD2345", "a") != reference_qr_svg("ABCD2346", "a")
