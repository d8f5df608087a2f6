"""Handing a stored mail to the world: an SMTP server, or a folder of ``.eml`` files.

``MAIL_BACKEND = "smtp"`` talks to ``MAIL_SERVER`` (plain, STARTTLS with ``MAIL_USE_TLS``
or TLS from the first byte with ``MAIL_USE_SSL``; login when ``MAIL_USERNAME`` is set).
``MAIL_BACKEND = "file"`` writes each mail to ``MAIL_DIRECTORY`` so that a developer can
open the mails of ``make run`` in any mail program. Both raise on failure; the outbox
worker catches that and tries again later.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

from ..timeutil import utcnow
from .mails import sender

_LINE_END = re.compile(r"\r\n|\r|\n")


class MailConfigurationError(RuntimeError):
    """The configuration names a mail backend the portal does not know."""


def send_message(config: Mapping, recipient: str, message_text: str, *, mail_id=None) -> None:
    """Deliver one complete RFC 5322 message to ``recipient`` by the configured backend.

    ``mail_id`` (the outbox id) only names the file of the file backend. Raises on any
    failure (connection refused, timeout, refused recipient, full disk…).
    """
    backend = config.get("MAIL_BACKEND", "smtp")
    if backend == "smtp":
        send_smtp(config, recipient, message_text)
    elif backend == "file":
        write_eml(config, message_text, mail_id=mail_id)
    else:
        raise MailConfigurationError(f"unknown MAIL_BACKEND {backend!r} (use 'smtp' or 'file')")


def send_smtp(config: Mapping, recipient: str, message_text: str) -> None:
    """Send one message through ``MAIL_SERVER``; the envelope sender is the From address.

    Lines are sent with CRLF endings, as SMTP requires, whatever the stored text uses.
    """
    host = config["MAIL_SERVER"]
    port = int(config["MAIL_PORT"])
    timeout = float(config.get("MAIL_TIMEOUT_SECONDS") or 10)
    data = _LINE_END.sub("\r\n", message_text).encode("utf-8")
    envelope_from = sender(config)[1]
    if config.get("MAIL_USE_SSL"):
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            client.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        refused = client.sendmail(envelope_from, [recipient], data)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


def write_eml(config: Mapping, message_text: str, *, mail_id=None) -> Path:
    """Write the message to ``MAIL_DIRECTORY/<UTC time>-<id>.eml`` (folder made if needed).

    The file appears at once and whole (written aside, then renamed), so a mail program
    watching the folder never opens half a mail.
    """
    directory = Path(config["MAIL_DIRECTORY"])
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{stamp}-{mail_id if mail_id is not None else uuid.uuid4().hex}.eml"
    descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(message_text.encode("utf-8"))
        target = directory / name
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
