"""Periodic jobs run once at a time across servers: ``send-mail``, ``send-reminders`` and
``purge`` take a PostgreSQL advisory lock; a run that finds it taken skips with a line,
and the next run after the first ends does the work. On SQLite the lock is always given."""

from __future__ import annotations

import os
import threading
from email.message import EmailMessage

import pytest
from sqlalchemy import create_engine, select

from portal.extensions import db
from portal.models import OutboxMail
from portal.models.outbox import MailStatus
from portal.notifications.outbox import queue_message
from portal.ops.job_lock import job_lock, lock_key
from portal.timeutil import utcnow
from tests.conftest import _database, make_app

needs_postgres = pytest.mark.skipif(
    not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="needs PORTAL_TEST_DATABASE_URL"
)


@pytest.fixture
def postgres_app(tmp_path_factory, tmp_path):
    """The portal on a PostgreSQL schema of its own, mails written to files."""
    url, cleanup = _database("postgres", "jobs", tmp_path_factory)
    app = make_app(url, MAIL_BACKEND="file", MAIL_DIRECTORY=str(tmp_path / "mail"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    cleanup()


def _queue_one_mail(app) -> int:
    with app.app_context():
        message = EmailMessage()
        message["To"] = "bewoner@example.org"
        message["From"] = "afspraken@stad.example"
        message["Subject"] = "Test"
        message.set_content("Hallo")
        mail_id = queue_message(db.session, message, "test", utcnow()).id
        db.session.commit()
        return mail_id


def _status(app, mail_id: int) -> MailStatus:
    with app.app_context():
        status = db.session.scalar(select(OutboxMail.status).where(OutboxMail.id == mail_id))
        db.session.remove()
        return status


def test_lock_keys_are_stable_and_distinct_per_job():
    assert lock_key("send-mail") == lock_key("send-mail")
    assert len({lock_key(job) for job in ("send-mail", "send-reminders", "purge")}) == 3
    assert all(-(2**63) <= lock_key(job) < 2**63 for job in ("send-mail", "purge"))


def test_sqlite_always_grants_the_lock():
    engine = create_engine("sqlite://")
    with job_lock(engine, "send-mail") as first, job_lock(engine, "send-mail") as second:
        assert first and second
    engine.dispose()


@pytest.mark.postgres
@needs_postgres
def test_a_run_while_another_server_runs_the_job_skips(postgres_app):
    app = postgres_app
    mail_id = _queue_one_mail(app)
    runner = app.test_cli_runner()  # `flask` itself pushes an app context; the runner not
    with app.app_context(), job_lock(db.engine, "send-mail") as granted:
        # Another server is sending right now.
        assert granted
        result = runner.invoke(args=["send-mail"])
        assert result.exit_code == 0, result.output
        assert "already running on another server or process; skipped" in result.output
        assert _status(app, mail_id) == MailStatus.PENDING
        # Another job is not held up by this one.
        purged = runner.invoke(args=["purge"])
        assert purged.exit_code == 0 and "Removed" in purged.output, purged.output
    with app.app_context():  # the next minute: the first run has ended
        result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Mails sent: 1" in result.output
    assert _status(app, mail_id) == MailStatus.SENT


@pytest.mark.postgres
@needs_postgres
def test_two_runs_at_the_same_moment_one_does_the_work(postgres_app):
    """Two processes' timers fire at once: exactly one gets the lock, whatever the order."""
    with postgres_app.app_context():
        engine = db.engine
    tried = threading.Barrier(2)
    outcomes: list[bool] = []
    lock = threading.Lock()

    def timer_run() -> None:
        with job_lock(engine, "send-reminders") as granted:
            with lock:
                outcomes.append(granted)
            tried.wait(timeout=30)  # the winner keeps the lock until both have tried

    for _ in range(5):
        outcomes.clear()
        runs = [threading.Thread(target=timer_run) for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join(timeout=60)
        assert sorted(outcomes) == [False, True]
    with job_lock(engine, "send-reminders") as granted:  # released after both runs
        assert granted
