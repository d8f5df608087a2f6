"""Reminders: once per visit even with runs at the same time, only for visits booked well
ahead, and a window of real hours across the DST changes."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Appointment
from portal.models.outbox import OutboxMail
from portal.notifications import manage_url, send_reminders
from portal.timeutil import local_datetime
from tests.builders import book
from tests.smtp import mail_visit, use_server

BRUSSELS = ZoneInfo("Europe/Brussels")
START = local_datetime(datetime(2026, 12, 10).date(), time(10))  # a Thursday
QUARTER = timedelta(minutes=15)


def _remind(app, now, hours_before=24) -> int:
    return send_reminders(
        db.session,
        now,
        hours_before=hours_before,
        manage_url_for=lambda visit: manage_url(app.config, visit),
    )


def _reminders() -> list[OutboxMail]:
    return db.session.scalars(
        select(OutboxMail).where(OutboxMail.kind == "reminder").order_by(OutboxMail.id)
    ).all()


def _visit(start=START, **fields):
    fields.setdefault("confirmed_at", start - timedelta(days=3))
    return mail_visit(db.session, start, start + QUARTER, **fields)


def test_reminder_is_queued_once_even_when_run_twice(app):
    _, visit = _visit()
    now = START - timedelta(hours=20)
    assert _remind(app, now) == 1
    db.session.commit()
    assert _remind(app, now) == 0
    assert _remind(app, now + timedelta(hours=1)) == 0
    db.session.commit()
    (mail,) = _reminders()
    assert mail.appointment_id == visit.id
    assert mail.subject == "Herinnering: uw afspraak morgen om 10:00"
    message = email.message_from_string(mail.message, policy=email.policy.default)
    assert manage_url(app.config, visit) in message.get_body(("plain",)).get_content()
    db.session.expire_all()
    assert db.session.get(Appointment, visit.id).reminder_sent_at == now


def test_runs_at_the_same_time_remind_each_visit_once(app):
    city, first = _visit()
    visits = [first]
    for n in range(1, 5):
        start = START + n * QUARTER
        visit = book(db.session, city.staff[n % 2], city.service, start, start + QUARTER)
        visit.confirmed_at = start - timedelta(days=3)
        visits.append(visit)
    db.session.commit()
    now = START - timedelta(hours=12)
    barrier = threading.Barrier(3)
    counts, errors = [], []

    def cron_run():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                counts.append(_remind(app, now))
                db.session.commit()
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=cron_run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(counts) == len(visits)
    mails = _reminders()
    assert sorted(mail.appointment_id for mail in mails) == sorted(v.id for v in visits)


def test_no_reminder_for_a_visit_confirmed_inside_the_window(app):
    city, late = _visit(confirmed_at=START - timedelta(hours=10))
    # Confirmed exactly 24 hours ahead: that one does get a reminder.
    start = START + QUARTER
    on_time = book(db.session, city.staff[1], city.service, start, start + QUARTER)
    on_time.confirmed_at = start - timedelta(hours=24)
    assert _remind(app, START - timedelta(hours=5)) == 1
    assert [mail.appointment_id for mail in _reminders()] == [on_time.id]
    assert late.reminder_sent_at is None


def test_no_reminder_for_cancelled_or_unconfirmed_visits(app):
    city, cancelled = _visit(status="cancelled")
    start = START + QUARTER
    pending = book(db.session, city.staff[1], city.service, start, start + QUARTER)
    pending.status = "pending"
    pending.activation_expires_at = START
    assert _remind(app, START - timedelta(hours=20)) == 0
    assert _reminders() == []
    assert cancelled.reminder_sent_at is None


def test_window_edges(app):
    _visit()
    assert _remind(app, START - timedelta(hours=24, seconds=1)) == 0  # not yet
    assert _remind(app, START) == 0  # already begun
    assert _remind(app, START - timedelta(hours=24)) == 1  # the edge counts


def test_visit_without_address_is_marked_but_not_mailed(app):
    _, visit = _visit(email=None)
    now = START - timedelta(hours=2)
    assert _remind(app, now) == 0
    assert visit.reminder_sent_at == now
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def _dst_case(app, now_local, inside_local, outside_local):
    """Visits at ``inside`` and ``outside`` (Brussels wall clock); run 48 hours ahead."""
    inside = inside_local.replace(tzinfo=BRUSSELS)
    outside = outside_local.replace(tzinfo=BRUSSELS)
    now = now_local.replace(tzinfo=BRUSSELS)
    city, first = _visit(start=inside, confirmed_at=now - timedelta(days=7))
    second = book(db.session, city.staff[1], city.service, outside, outside + QUARTER)
    second.confirmed_at = now - timedelta(days=7)
    assert _remind(app, now, hours_before=48) == 1
    (mail,) = _reminders()
    assert mail.appointment_id == first.id
    return mail


def test_window_is_real_hours_across_the_october_change(app):
    # 48 hours after Saturday 10:00 summer time is Monday 09:00 winter time (not 10:00).
    mail = _dst_case(
        app,
        datetime(2026, 10, 24, 10, 0),
        datetime(2026, 10, 26, 9, 0),
        datetime(2026, 10, 26, 9, 30),
    )
    text = email.message_from_string(mail.message, policy=email.policy.default)
    body = text.get_body(("plain",)).get_content()
    assert "maandag 26 oktober 2026" in body and "09:00" in body


def test_window_is_real_hours_across_the_march_change(app):
    # 48 hours after Saturday 10:00 winter time is Monday 11:00 summer time (not 10:00).
    mail = _dst_case(
        app,
        datetime(2027, 3, 27, 10, 0),
        datetime(2027, 3, 29, 10, 30),
        datetime(2027, 3, 29, 11, 15),
    )
    assert "10:30" in mail.subject


def test_send_reminders_command_queues_commits_and_delivers(app, runner, monkeypatch, tmp_path):
    use_server(monkeypatch, app, None, MAIL_BACKEND="file", MAIL_DIRECTORY=str(tmp_path))
    _, visit = _visit()
    db.session.commit()
    with time_machine.travel(START - timedelta(hours=23), tick=False):
        result = runner.invoke(args=["send-reminders"])
        again = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Reminders queued: 1." in result.output
    assert "Mails sent: 1," in result.output
    assert "Reminders queued: 0." in again.output
    (path,) = tmp_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == visit.email
    assert manage_url(app.config, visit) in message.get_body(("plain",)).get_content()
