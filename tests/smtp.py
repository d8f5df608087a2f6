"""A real SMTP server for mail tests: aiosmtpd on a free localhost port.

aiosmtpd is given a concrete port number (found by binding port 0 and closing the socket):
its controller connects to that port to check that the server is up, which port 0 would
defeat. Received mails are kept as ``email.message.EmailMessage`` objects.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from portal.timeutil import to_local
from tests.builders import book, build_city

HOST = "127.0.0.1"


def smtp_settings(port: int, *, timeout: int) -> dict:
    """The portal's settings for plain SMTP to ``port`` on this machine, its client
    waiting ``timeout`` seconds for the server."""
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": HOST,
        "MAIL_PORT": port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_TIMEOUT_SECONDS": timeout,
    }


def free_port() -> int:
    """A TCP port on localhost that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One mail as the server got it: envelope and parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope):
        """Keep the mail, parsed as the resident's mail program would see it."""
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.condition:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.content)
            )
            self.condition.notify_all()
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on ``HOST:port`` collecting every mail; a context manager."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._handler = _Handler()
        self._controller = Controller(self._handler, hostname=HOST, port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    @property
    def received(self) -> list[Received]:
        """Everything received so far (a copy)."""
        with self._handler.condition:
            return list(self._handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        """The received messages, parsed with ``email.policy.default``."""
        return [entry.message for entry in self.received]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """Wait until ``count`` mails arrived (or the timeout passed); the messages."""
        deadline = time.monotonic() + timeout
        with self._handler.condition:
            while len(self._handler.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._handler.condition.wait(left)
        return self.messages

    def config(self) -> dict:
        """The portal settings that deliver to this server."""
        return smtp_settings(self.port, timeout=5)


def use_server(monkeypatch, app, server: SmtpServer | None = None, **extra) -> None:
    """Point ``app`` at ``server`` (or only apply ``extra``) for this test; undone after."""
    settings = server.config() if server is not None else {}
    settings.update(extra)
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


def closed_port_config(port: int | None = None) -> dict:
    """Settings for a mail server that is down: a localhost port nobody listens on."""
    return smtp_settings(port or free_port(), timeout=2)


def calendar_part(message: EmailMessage):
    """The ``text/calendar`` attachment of a received mail, or None."""
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def mail_visit(session, start, end, *, language="nl", email="bewoner@example.org", **fields):
    """A confirmed visit of a fresh one-team city (its clerk, counter 1), flushed.

    ``start``/``end`` are aware datetimes; the service asks for two documents.
    """
    day = to_local(start).date()
    city = build_city(session, day, day)
    city.service.texts["nl"].documents = "Uw huidige identiteitskaart\nEen recente pasfoto"
    visit = book(session, city.staff[0], city.service, start, end)
    visit.language = language
    visit.email = email
    visit.counter = city.counters[0]
    for key, value in fields.items():
        setattr(visit, key, value)
    session.flush()
    return city, visit
