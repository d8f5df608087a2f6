"""Nothing waits on mail: a mail server that hangs holds no request, and every mail still
goes out exactly once — from the background sender or the ``send-mail`` command, whichever
leases it first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMail
from portal.models.outbox import MailStatus
from portal.notifications import background, outbox, sender_of
from portal.notifications.background import BackgroundSender
from tests.hanging_sockets import HangingServer
from tests.smtp import SmtpServer, use_server
from tests.web.api_booking_helpers import NINE, NOW, api_client, book, city, hold

FLUSH_SECONDS = 30  # an upper bound for the sender to finish, never a measurement


@pytest.fixture
def delivery_threads(monkeypatch):
    """The ids of the threads the outbox delivered on, in order."""
    threads: list[int] = []
    send = outbox.send_message

    def recording_send(config, recipient, message_text, *, mail_id=None):
        threads.append(threading.get_ident())
        return send(config, recipient, message_text, mail_id=mail_id)

    monkeypatch.setattr(outbox, "send_message", recording_send)
    return threads


def _outbox() -> list[OutboxMail]:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()


def test_a_hanging_mail_server_holds_no_request_and_each_mail_goes_once(
    app, monkeypatch, delivery_threads
):
    api = api_client(app, monkeypatch)
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", True)
    sender = sender_of(app)
    with time_machine.travel(NOW, tick=False) as clock, HangingServer() as hanging:
        town = city()
        use_server(monkeypatch, app, None, **hanging.config(timeout=120))
        for minutes in (0, 15, 30):  # three bookings, three activation mails
            held = hold(api, town.service.id, NINE + timedelta(minutes=minutes))
            made = book(api, held.json["hold"]["token"], email=f"r{minutes}@example.org")
            assert made.status_code == 201, made.json
            made.close()  # what the WSGI server does once the body is out
            assert threading.get_ident() not in delivery_threads  # never on this thread
        assert hanging.wait_for_connection()
        # The mail server holds a client that still waits for its greeting, while every
        # request already answered: the waiting happens on the sender's thread.
        assert hanging.waiting_clients() == 1
        assert delivery_threads and threading.get_ident() not in delivery_threads
        assert delivery_threads[0] == sender._thread.ident
        statuses = [mail.status for mail in _outbox()]
        assert statuses == [MailStatus.PENDING] * 3

        hanging.hang_up()  # the server gives up: each attempt fails, nothing is lost
        assert sender.flush(FLUSH_SECONDS)
        mails = _outbox()
        assert [(mail.status, mail.attempts) for mail in mails] == [(MailStatus.PENDING, 1)] * 3

        # The server works again. The sender (told again, as the next request would) and
        # the timer's send-mail run at the same moment; the lease gives each mail to one.
        clock.shift(timedelta(minutes=2))  # past the first back-off
        with SmtpServer() as server:
            use_server(monkeypatch, app, server)
            ids = [mail.id for mail in mails]
            start = threading.Barrier(2)
            results = []

            def timer_run():
                start.wait(timeout=10)
                results.append(app.test_cli_runner().invoke(args=["send-mail"]))

            cli = threading.Thread(target=timer_run)
            cli.start()
            start.wait(timeout=10)
            assert sender.notify(ids)
            cli.join(timeout=FLUSH_SECONDS)
            assert sender.flush(FLUSH_SECONDS)
            received = server.received
        (result,) = results
        assert result.exit_code == 0 and "Mails sent:" in result.output, result.output
    assert len(received) == 3
    assert sorted(entry.rcpt_tos[0] for entry in received) == [
        "r0@example.org",
        "r15@example.org",
        "r30@example.org",
    ]
    assert len({entry.message["Message-ID"] for entry in received}) == 3
    assert [(mail.status, mail.attempts) for mail in _outbox()] == [(MailStatus.SENT, 2)] * 3


class _Gate:
    """A stand-in for the delivery that blocks until opened, noting what it was given."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.batches: list[list[int]] = []

    def __call__(self, app, mail_ids) -> None:
        self.batches.append(list(mail_ids))
        self.entered.set()
        assert self.opened.wait(FLUSH_SECONDS)


def test_a_full_queue_drops_the_notification_instead_of_waiting(app, monkeypatch):
    gate = _Gate()
    monkeypatch.setattr(background, "deliver_after_request", gate)
    monkeypatch.setitem(app.config, "MAIL_QUEUE_SIZE", 1)
    sender = BackgroundSender(app)
    assert sender.notify([1])
    assert gate.entered.wait(FLUSH_SECONDS)  # the sender is stuck on mail 1
    assert sender.notify([2])  # waits in the queue (its one place)
    assert not sender.notify([3])  # full: dropped at once, mail 3 waits for send-mail
    assert not sender.flush(0)
    gate.opened.set()
    assert sender.flush(FLUSH_SECONDS)
    assert gate.batches == [[1], [2]]
    sender.stop()
    assert not sender._thread.is_alive()
    assert not sender.notify([4])  # a stopped sender takes nothing more


def test_a_forked_process_starts_a_sender_of_its_own(app, monkeypatch):
    """As gunicorn forks its workers: the child cannot use the parent's thread (it does
    not exist there) and starts its own on its first notification."""
    gate = _Gate()
    gate.opened.set()
    monkeypatch.setattr(background, "deliver_after_request", gate)
    sender = BackgroundSender(app)
    assert sender.notify([1]) and sender.flush(FLUSH_SECONDS)
    parents = sender._thread
    child = os.fork()
    if child == 0:  # the child: report by exit status, never return into pytest
        signal.alarm(FLUSH_SECONDS)
        ok = sender.notify([2]) and sender.flush(FLUSH_SECONDS)
        ok = ok and sender._thread is not parents and gate.batches == [[1], [2]]
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sender._thread is parents and gate.batches == [[1]]
    sender.stop()
    assert not parents.is_alive()


EXIT_SCRIPT = """
import threading
from flask import Flask
from portal.notifications import background

started = threading.Event()

def deliver(app, ids):
    started.set()
    sender._stopping.wait(30)  # until the exit tells the sender to stop
    print("delivered", ids, flush=True)

background.deliver_after_request = deliver
sender = background.BackgroundSender(Flask("exit-test"))
sender.notify([7])
started.wait(30)
print("exiting", flush=True)
"""


def test_at_exit_the_sender_is_stopped_and_its_mail_finished():
    """The interpreter's exit stops the sender and waits for the mail it is sending (a
    daemon thread alone would be cut off mid-mail)."""
    finished = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines() == ["exiting", "delivered [7]"]
