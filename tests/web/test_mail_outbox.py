"""The outbox worker: retries without loss, no double delivery, the file backend, the
delivery after a request (by the background sender) and the ``send-mail`` command."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models.outbox import MailStatus, OutboxMail
from portal.notifications import (
    MailKind,
    deliver_due,
    queue_appointment_mail,
    register_after_request_delivery,
    sender_of,
)
from portal.notifications.outbox import LEASE, backoff
from portal.timeutil import local_datetime
from tests.conftest import make_app
from tests.smtp import SmtpServer, closed_port_config, free_port, mail_visit, use_server

START = local_datetime(datetime(2026, 12, 10).date(), time(10))
NOW = START - timedelta(days=2)
SLACK = timedelta(seconds=30)  # the worker's clock advances by the real time it spends
FLUSH_SECONDS = 30  # at most this long for the background sender to finish (a bound only)


def _queue(count: int = 1) -> list[int]:
    """``count`` confirmation mails of one visit, committed; their ids."""
    _, visit = mail_visit(db.session, START, START + timedelta(minutes=15))
    ids = [
        queue_appointment_mail(
            db.session, visit, MailKind.CONFIRMATION, manage_url="https://x/m", now=NOW
        ).id
        for _ in range(count)
    ]
    db.session.commit()
    return ids


def _mail(mail_id: int) -> OutboxMail:
    db.session.expire_all()
    return db.session.get(OutboxMail, mail_id)


def test_backoff_doubles_from_one_minute_up_to_six_hours():
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 12)]
    assert minutes[:9] == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert minutes[9:] == [360, 360]
    assert backoff(100) == timedelta(hours=6)


def test_server_down_loses_nothing_and_delivers_once_when_back(app, monkeypatch):
    port = free_port()
    use_server(monkeypatch, app, None, **closed_port_config(port))
    (mail_id,) = _queue()

    report = deliver_due(db.session, app.config, NOW)
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    mail = _mail(mail_id)
    assert mail.status == MailStatus.PENDING
    assert mail.attempts == 1
    assert mail.locked_until is None
    assert mail.last_error
    assert NOW + timedelta(minutes=1) <= mail.next_attempt_at < NOW + timedelta(minutes=1) + SLACK
    # Not due again before the back-off has passed.
    assert deliver_due(db.session, app.config, NOW + timedelta(seconds=50)).retried == 0

    with SmtpServer(port) as server:
        later = mail.next_attempt_at
        assert deliver_due(db.session, app.config, later).sent == 1
        assert deliver_due(db.session, app.config, later + timedelta(hours=1)).sent == 0
        assert len(server.wait_for(1)) == 1
        assert len(server.wait_for(2, timeout=0.3)) == 1
    mail = _mail(mail_id)
    assert mail.status == MailStatus.SENT
    assert mail.attempts == 2 and mail.last_error is None
    assert later <= mail.sent_at < later + SLACK


def test_gives_up_after_max_attempts_but_keeps_the_mail(app, monkeypatch):
    use_server(monkeypatch, app, None, OUTBOX_MAX_ATTEMPTS=2, **closed_port_config())
    (mail_id,) = _queue()
    assert deliver_due(db.session, app.config, NOW).retried == 1
    report = deliver_due(db.session, app.config, NOW + timedelta(minutes=2))
    assert (report.retried, report.failed) == (0, 1)
    mail = _mail(mail_id)
    assert mail.status == MailStatus.FAILED and mail.attempts == 2
    assert deliver_due(db.session, app.config, NOW + timedelta(days=2)).failed == 0


def test_a_leased_mail_is_left_to_its_worker(app, monkeypatch):
    with SmtpServer() as server:
        use_server(monkeypatch, app, server)
        first, second = _queue(2)
        db.session.get(OutboxMail, first).locked_until = NOW + LEASE
        db.session.commit()
        assert deliver_due(db.session, app.config, NOW).sent == 1
        assert _mail(first).status == MailStatus.PENDING
        # An abandoned lease (a worker that died) runs out and the mail goes after all.
        assert deliver_due(db.session, app.config, NOW + LEASE).sent == 1
        assert len(server.wait_for(2)) == 2
    assert _mail(second).status == MailStatus.SENT


def test_only_ids_and_limit(app, monkeypatch):
    with SmtpServer() as server:
        use_server(monkeypatch, app, server)
        ids = _queue(4)
        assert deliver_due(db.session, app.config, NOW, only_ids=[ids[2]]).sent == 1
        assert deliver_due(db.session, app.config, NOW, only_ids=[]).sent == 0
        assert deliver_due(db.session, app.config, NOW, limit=2).sent == 2
        assert [_mail(i).status for i in ids] == ["sent", "sent", "sent", "pending"]
        server.wait_for(3)


def test_two_workers_racing_deliver_each_mail_once(app, monkeypatch):
    with SmtpServer() as server:
        use_server(monkeypatch, app, server)
        ids = _queue(8)
        barrier = threading.Barrier(3)
        reports, errors = [], []

        def worker():
            try:
                with app.app_context():
                    barrier.wait(timeout=10)
                    reports.append(deliver_due(db.session, app.config, NOW))
            except Exception as error:  # surfaced below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
        assert sum(report.sent for report in reports) == len(ids)
        received = server.wait_for(len(ids))
        assert len(server.wait_for(len(ids) + 1, timeout=0.3)) == len(ids)
        assert len({message["Message-ID"] for message in received}) == len(ids)
    assert {_mail(i).status for i in ids} == {MailStatus.SENT}


def test_file_backend_writes_readable_eml(app, monkeypatch, tmp_path):
    folder = tmp_path / "mail" / "nested"
    use_server(monkeypatch, app, None, MAIL_BACKEND="file", MAIL_DIRECTORY=str(folder))
    (mail_id,) = _queue()
    assert deliver_due(db.session, app.config, NOW).sent == 1
    (path,) = folder.iterdir()
    assert path.name.endswith(f"-{mail_id}.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == _mail(mail_id).subject
    assert "Identiteitskaart aanvragen" in message.get_body(("plain",)).get_content()


def test_unknown_backend_is_retried_not_raised(app, monkeypatch):
    use_server(monkeypatch, app, None, MAIL_BACKEND="pigeon")
    (mail_id,) = _queue()
    assert deliver_due(db.session, app.config, NOW).retried == 1
    assert "pigeon" in _mail(mail_id).last_error


@pytest.fixture
def web_app(app):
    """A second portal on the same database whose routes queue a mail (tests may not add
    routes to the shared app once it served a request)."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])

    @other.get("/_test/queue/<int:visit_id>/<int:status>")
    def queue_route(visit_id: int, status: int):
        from portal.models import Appointment

        visit = db.session.get(Appointment, visit_id)
        queue_appointment_mail(
            db.session,
            visit,
            MailKind.CONFIRMATION,
            manage_url="https://x/m",
            now=datetime.now(UTC),
        )
        db.session.commit()
        return "queued", status

    register_after_request_delivery(other)
    register_after_request_delivery(other)  # a second call adds nothing
    yield other
    sender_of(other).stop()
    with other.app_context():
        db.engine.dispose()


def test_mail_goes_out_right_after_a_successful_response(app, web_app):
    _, visit = mail_visit(db.session, START, START + timedelta(minutes=15))
    db.session.commit()
    with SmtpServer() as server:
        web_app.config.update(server.config())
        client = web_app.test_client()
        response = client.get(f"/_test/queue/{visit.id}/200")
        assert response.status_code == 200
        response.close()  # what the WSGI server does once the body is sent
        assert sender_of(web_app).flush(FLUSH_SECONDS)  # the background sender delivered
        assert len(server.received) == 1

        failed = client.get(f"/_test/queue/{visit.id}/409")
        failed.close()
        assert sender_of(web_app).flush(FLUSH_SECONDS)
        assert len(server.received) == 1
    statuses = db.session.scalars(select(OutboxMail.status).order_by(OutboxMail.id)).all()
    assert statuses == [MailStatus.SENT, MailStatus.PENDING]


def test_delivery_after_response_swallows_a_dead_server(app, web_app):
    _, visit = mail_visit(db.session, START, START + timedelta(minutes=15))
    db.session.commit()
    web_app.config.update(closed_port_config())
    response = web_app.test_client().get(f"/_test/queue/{visit.id}/201")
    response.close()
    assert sender_of(web_app).flush(FLUSH_SECONDS)
    (mail,) = db.session.scalars(select(OutboxMail)).all()
    assert mail.status == MailStatus.PENDING and mail.attempts == 1


def test_send_mail_command(app, runner, monkeypatch, tmp_path):
    use_server(monkeypatch, app, None, MAIL_BACKEND="file", MAIL_DIRECTORY=str(tmp_path))
    mail_id = _queue(3)[0]
    db.session.get(OutboxMail, mail_id).next_attempt_at = datetime(2099, 1, 1, tzinfo=UTC)
    db.session.commit()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        result = runner.invoke(args=["send-mail", "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert "Mails sent: 2, to retry: 0, failed: 0." in result.output
    assert len(list(tmp_path.glob("*.eml"))) == 2
