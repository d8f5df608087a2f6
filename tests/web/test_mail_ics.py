"""Calendar files: one event per visit across moves and cancellation, right across DST."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from portal.extensions import db
from portal.notifications import (
    MailKind,
    appointment_calendar,
    deliver_due,
    manage_url,
    queue_appointment_mail,
)
from portal.timeutil import local_datetime
from tests.smtp import SmtpServer, calendar_part, mail_visit, use_server

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server the portal delivers to during the test."""
    with SmtpServer() as server:
        use_server(monkeypatch, app, server)
        yield server


def _received_event(app, smtp, visit, kind, now):
    """Send a mail of ``kind`` over SMTP; the (calendar, event) of its attachment."""
    queue_appointment_mail(
        db.session, visit, kind, manage_url=manage_url(app.config, visit), now=now
    )
    db.session.commit()
    before = len(smtp.received)
    assert deliver_due(db.session, app.config, now).sent == 1
    message = smtp.wait_for(before + 1)[-1]
    part = calendar_part(message)
    assert part["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(part.get_content())
    return calendar, calendar.events[0]


@pytest.mark.parametrize(
    ("wall_clock", "utc_offset_hours"),
    [
        # Monday just after the last Sunday of March 2027 (summer time began at 02:00).
        (datetime(2027, 3, 29, 9, 0), 2),
        # Friday before it: still winter time.
        (datetime(2027, 3, 26, 9, 0), 1),
        # Saturday before the last Sunday of October 2026: still summer time.
        (datetime(2026, 10, 24, 10, 30), 2),
        # Monday after it: winter time again.
        (datetime(2026, 10, 26, 9, 0), 1),
    ],
)
def test_start_is_brussels_wall_clock_across_dst(app, smtp, wall_clock, utc_offset_hours):
    start = wall_clock.replace(tzinfo=BRUSSELS)
    _, visit = mail_visit(db.session, start, start + timedelta(minutes=20))
    now = start - timedelta(days=2)
    calendar, event = _received_event(app, smtp, visit, MailKind.CONFIRMATION, now)

    dtstart = event.decoded("dtstart")
    assert dtstart.replace(tzinfo=None) == wall_clock
    assert dtstart.utcoffset() == timedelta(hours=utc_offset_hours)
    assert event.decoded("dtend") - dtstart == timedelta(minutes=20)
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    stamp = wall_clock.strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=Europe/Brussels:{stamp}" in calendar.to_ical().decode()
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Brussels"
    offsets = {sub.decoded("tzoffsetto") for sub in zone.subcomponents}
    assert timedelta(hours=utc_offset_hours) in offsets
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) == visit.sequence == 0
    assert str(event["organizer"]) == "mailto:afspraken@demostad.example"
    assert str(event["attendee"]) == "mailto:bewoner@example.org"
    assert event["attendee"].params["RSVP"] == "FALSE"


def test_one_event_for_the_whole_life_of_a_visit(app, smtp):
    start = local_datetime(datetime(2026, 10, 23).date(), time(9))
    _, visit = mail_visit(db.session, start, start + timedelta(minutes=15))
    now = start - timedelta(days=5)
    _, first = _received_event(app, smtp, visit, MailKind.CONFIRMATION, now)

    # The booking code moves the visit across the DST change and raises the sequence.
    visit.release_time()
    db.session.flush()
    visit.starts_at = local_datetime(datetime(2026, 10, 26).date(), time(10))
    visit.ends_at = visit.starts_at + timedelta(minutes=15)
    visit.sequence += 1
    visit.claim_time()
    db.session.flush()
    _, moved = _received_event(app, smtp, visit, MailKind.MOVED, now)

    visit.status = "cancelled"
    visit.sequence += 1
    visit.release_time()
    db.session.flush()
    calendar, cancelled = _received_event(app, smtp, visit, MailKind.CANCELLED, now)

    assert str(first["uid"]) == str(moved["uid"]) == str(cancelled["uid"])
    assert [int(e["sequence"]) for e in (first, moved, cancelled)] == [0, 1, 2]
    assert moved.decoded("dtstart") == datetime(2026, 10, 26, 10, tzinfo=BRUSSELS)
    assert moved.decoded("dtstart").utcoffset() == timedelta(hours=1)
    assert str(calendar["method"]) == "CANCEL"
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("dtstart") == moved.decoded("dtstart")


def test_text_with_commas_semicolons_and_newlines_round_trips(app):
    start = local_datetime(datetime(2026, 12, 9).date(), time(9))
    city, visit = mail_visit(db.session, start, start + timedelta(minutes=15))
    awkward = "Rijbewijs, voorlopig; model 3\nof model 36"
    city.service.texts["nl"].name = awkward
    city.service.texts["nl"].documents = "Attest; rijschool, ingevuld\nPasfoto"
    raw = appointment_calendar(
        visit,
        cancelled=False,
        organizer_email="afspraken@demostad.example",
        language="nl",
        manage_url="https://stad.example/afspraak/beheer/abc;def,ghi",
    )
    text = raw.decode()
    assert "voorlopig\\; model 3\\nof" in text.replace("\r\n ", "")
    event = icalendar.Calendar.from_ical(raw).events[0]
    assert str(event["summary"]).endswith(awkward)
    description = str(event["description"])
    assert "Attest; rijschool, ingevuld" in description
    assert "https://stad.example/afspraak/beheer/abc;def,ghi" in description
    assert visit.reference in description
    assert "Grote Markt 1, 9999 Demostad" in str(event["location"])


def test_calendar_without_resident_address_has_no_attendee(app):
    start = local_datetime(datetime(2026, 12, 9).date(), time(9))
    _, visit = mail_visit(db.session, start, start + timedelta(minutes=15), email=None)
    raw = appointment_calendar(
        visit, cancelled=True, organizer_email="afspraken@demostad.example", language="fr"
    )
    event = icalendar.Calendar.from_ical(raw).events[0]
    assert "attendee" not in event
    assert str(event["status"]) == "CANCELLED"
