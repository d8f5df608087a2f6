"""Writing mails into the outbox, and the worker that delivers them.

Queueing happens inside the caller's transaction: a booking and its mail commit together,
or neither does. Delivery happens outside any request transaction, from
``flask --app portal send-mail`` (cron or a systemd timer) and, soon after the response
that wrote the mail, from the process's background sender (:mod:`.background`) — never on
a request's thread; **the worker commits its own work**, mail by mail.

Each mail is leased before it is sent: one ``UPDATE … WHERE id = :id AND <still due and
not leased>`` whose row count tells whether this worker won it. That is atomic on SQLite
and PostgreSQL alike, so two workers never send the same mail. A mail server that is down
only postpones the mail (exponential back-off); after ``OUTBOX_MAX_ATTEMPTS`` the mail is
marked failed and kept for a person to look at.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, g, has_request_context
from sqlalchemy import select, update

from ..extensions import db
from ..models.outbox import MailStatus, OutboxMail
from ..timeutil import as_utc, utcnow
from .mails import MailKind, compose_appointment_mail
from .transport import send_message

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
ERROR_LENGTH = 2000
G_KEY = "outbox_mail_ids"


@dataclass
class DeliveryReport:
    """What one run of the worker did: delivered, postponed, given up."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4, 8 … minutes, at most 6 hours."""
    if attempts >= 20:  # 2**19 minutes is far beyond the cap; avoid huge numbers
        return MAX_BACKOFF
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def queue_appointment_mail(
    session, appointment, kind: MailKind, *, manage_url: str, now: datetime, suggestions=()
) -> OutboxMail | None:
    """Render the mail of ``kind`` about ``appointment`` and add it to the outbox; flushed.

    The mail commits with the caller's transaction (the caller commits). Returns ``None``
    and writes nothing when the visit has no e-mail address. Needs an app context, not a
    request. ``suggestions`` are free times offered in a request to choose a new time.
    Inside a request, the new id is also noted in ``g.outbox_mail_ids`` so that the
    background sender delivers it after the response (see :mod:`.background`).
    """
    if not appointment.email:
        return None
    kind = MailKind(kind)
    now = as_utc(now)
    if appointment.id is None:
        session.flush()  # the mail refers to the visit by id
    message = compose_appointment_mail(
        appointment, kind, manage_url=manage_url, now=now, suggestions=suggestions
    )
    return queue_message(session, message, kind.value, now, appointment_id=appointment.id)


def queue_message(
    session, message, kind: str, now: datetime, *, appointment_id: int | None = None
) -> OutboxMail:
    """Put a composed ``message`` (to its ``To`` address) in the outbox, flushed; inside a
    request its id is also noted so that it goes out soon after the response."""
    mail = OutboxMail(
        kind=kind,
        appointment_id=appointment_id,
        recipient=str(message["To"]),
        subject=str(message["Subject"])[:255],
        message=message.as_string(),
        status=MailStatus.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(mail)
    session.flush()
    if has_request_context():
        g.setdefault(G_KEY, []).append(mail.id)
    return mail


def pending_mail_ids() -> list[int]:
    """The ids of the mails the current request queued (empty outside a request)."""
    if not has_request_context():
        return []
    return list(g.get(G_KEY, ()))


def _lease(session, mail_id: int, at: datetime):
    """Take the mail for this worker if it is still due and free; commits the lease.
    Returns its (recipient, message, attempts) as leased, or None when another worker
    has it or it is no longer due (read in the same statement, no second query)."""
    row = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.filter_due(at))
        .values(locked_until=at + LEASE)
        .returning(OutboxMail.recipient, OutboxMail.message, OutboxMail.attempts)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    session.commit()
    return row


def _record_failure(session, mail_id: int, attempts: int, error: Exception, at, config):
    """Note a failed attempt: back off, or give up after ``OUTBOX_MAX_ATTEMPTS``."""
    attempts += 1
    gave_up = attempts >= int(config.get("OUTBOX_MAX_ATTEMPTS", 20))
    values = {
        "attempts": attempts,
        "last_error": f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
        "locked_until": None,
    }
    if gave_up:
        values["status"] = MailStatus.FAILED
    else:
        values["next_attempt_at"] = at + backoff(attempts)
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return gave_up


def deliver_due(
    session,
    config: Mapping,
    now: datetime,
    *,
    limit: int = 50,
    only_ids: Iterable[int] | None = None,
) -> DeliveryReport:
    """Send the mails that are due at ``now`` (at most ``limit``, oldest first).

    ``only_ids`` restricts the run to those mails (what the after-request delivery uses).
    Commits: call it with a session that holds no work of its own. A failing mail server
    never raises out of here and never loses a mail. Time inside the run advances from
    ``now`` by the real time spent, so leases stay honest during a long run.
    """
    report = DeliveryReport()
    now = as_utc(now)
    started = time.monotonic()

    def clock() -> datetime:
        """``now`` plus the real time this run has taken so far."""
        return now + timedelta(seconds=time.monotonic() - started)

    query = select(OutboxMail.id).where(OutboxMail.filter_due(now))
    if only_ids is not None:
        ids = list(only_ids)
        if not ids:
            return report
        query = query.where(OutboxMail.id.in_(ids))
    due = session.scalars(query.order_by(OutboxMail.id).limit(limit)).all()
    session.commit()
    for mail_id in due:
        row = _lease(session, mail_id, clock())
        if row is None:
            continue  # another worker took it, or it changed since
        try:
            send_message(config, row.recipient, row.message, mail_id=mail_id)
        except Exception as error:
            log.warning("mail %s not delivered (attempt %s): %s", mail_id, row.attempts + 1, error)
            if _record_failure(session, mail_id, row.attempts, error, clock(), config):
                report.failed += 1
            else:
                report.retried += 1
            continue
        session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id)
            .values(
                status=MailStatus.SENT,
                sent_at=clock(),
                attempts=row.attempts + 1,
                locked_until=None,
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
        report.sent += 1
    return report


def deliver_after_request(app: Flask, mail_ids: Iterable[int]) -> None:
    """Deliver the mails a request just queued, soon after its response went out.

    Run by the background sender (:mod:`.background`), never on a request's thread: in an
    app context of its own, swallowing every error, because ``send-mail`` catches up anyway.
    """
    ids = list(mail_ids)
    if not ids:
        return
    try:
        with app.app_context():
            deliver_due(db.session, app.config, utcnow(), limit=len(ids), only_ids=ids)
    except Exception:
        app.logger.exception("delivering mails %s after the request failed", ids)
