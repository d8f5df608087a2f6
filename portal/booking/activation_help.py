"""Help on the "almost done" page for a visit still waiting for its activation: send the
activation mail again, or correct a mistyped e-mail address and send it there.

Both are limited so that the page cannot be used to send mail to anyone at will:

* only for the visit the browser session itself just booked (the views check that) and
  only while it is pending and its activation link still works;
* at most :data:`MAX_RESENDS` times per visit, counted from the activation mails the
  outbox holds for it (the database, not the browser, keeps the count);
* per client by a Flask-Limiter limit (``RATELIMIT_ACTIVATION_HELP``).

A corrected address gets a fresh activation mail with a new manage link: the link that
went to the mistyped address stops working, and a mail to it still waiting in the outbox
is never sent. The deadline to confirm stays as it was, so the help never keeps a time
longer than the booking itself did.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..i18n import _l
from ..models import Appointment, AppointmentStatus
from ..models.appointments import new_nonce
from ..models.outbox import MailStatus, OutboxMail
from .errors import BookingError, TooManyVisits
from .notify import notify
from .operations import open_visits_of
from .settings import BookingSettings
from .tokens import manage_token, token_hash

# Activation mails sent again (to the same or a corrected address) per visit.
MAX_RESENDS = 3
ACTIVATION = "activation"
# Why a mail to a mistyped address was never sent (for staff reading the outbox).
REPLACED = "not sent: the resident corrected the address"


class NoHelpNeeded(BookingError):
    """The visit no longer waits for its activation mail (confirmed, cancelled, or the
    link ran out)."""

    code = "not_pending"
    text = _l("Deze afspraak wacht niet meer op een bevestiging via e-mail.")


class ResendsUsed(BookingError):
    """The activation mail of this visit was sent again as often as allowed."""

    code = "resends_used"
    status = 429
    text = _l(
        "U kunt de e-mail niet nog eens laten sturen. Kijk bij ongewenste e-mail (spam), "
        "of maak een nieuwe afspraak met het juiste e-mailadres."
    )


def resends_left(session: Session, appointment: Appointment) -> int:
    """How many more times the activation mail of ``appointment`` may be sent: the first
    mail is the booking's own, every one after it counts."""
    sent = session.scalar(
        select(func.count())
        .select_from(OutboxMail)
        .where(OutboxMail.appointment_id == appointment.id, OutboxMail.kind == ACTIVATION)
    )
    return max(0, MAX_RESENDS - max(0, sent - 1))


def can_help(session: Session, appointment: Appointment, now: datetime) -> bool:
    """Whether the "almost done" page offers to resend or correct: the visit is pending,
    its link still works, and resends are left."""
    return waits_for_activation(appointment, now) and resends_left(session, appointment) > 0


def waits_for_activation(appointment: Appointment, now: datetime) -> bool:
    """Whether the visit is pending with an address and its activation link still works."""
    return (
        appointment.status == AppointmentStatus.PENDING
        and appointment.email is not None
        and not appointment.activation_expired(now)
    )


def _check(session: Session, appointment: Appointment, now: datetime) -> None:
    if not waits_for_activation(appointment, now):
        raise NoHelpNeeded()
    if resends_left(session, appointment) <= 0:
        raise ResendsUsed()


def resend_activation(session: Session, appointment: Appointment, now: datetime) -> None:
    """Queue the activation mail of a pending visit once more, to its address. Raises
    :class:`NoHelpNeeded` or :class:`ResendsUsed`."""
    _check(session, appointment, now)
    notify(session, appointment, ACTIVATION, now)


def correct_address(
    session: Session,
    appointment: Appointment,
    email: str,
    now: datetime,
    settings: BookingSettings,
) -> bool:
    """Send the activation mail of a pending visit to ``email`` instead of the address
    typed at booking. Returns False when ``email`` is that address already (then the mail
    only goes again). The old address gets nothing more: its unsent mails are withdrawn
    and the manage link it got stops working. Raises :class:`NoHelpNeeded`,
    :class:`ResendsUsed` or :class:`TooManyVisits` (the new address has its maximum)."""
    _check(session, appointment, now)
    if email.casefold() == (appointment.email or "").casefold():
        notify(session, appointment, ACTIVATION, now)
        return False
    if open_visits_of(session, email, now) >= settings.max_active_per_email:
        raise TooManyVisits()
    session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.appointment_id == appointment.id,
            OutboxMail.status == MailStatus.PENDING,
        )
        .values(status=MailStatus.FAILED, last_error=REPLACED, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    appointment.email = email
    appointment.manage_nonce = new_nonce()
    appointment.manage_token_hash = token_hash(
        manage_token(settings.secret_key, appointment.manage_nonce)
    )
    session.flush()
    notify(session, appointment, ACTIVATION, now)
    return True
