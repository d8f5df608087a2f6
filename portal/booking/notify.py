"""Tell the resident: queue the mail that goes with a change, in the same transaction."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from ..models import Appointment
from ..notifications import MailKind, queue_appointment_mail
from ..notifications.links import manage_url

# ``Appointment.channel`` of the back-office time a clerk books for a dossier.
BACK_OFFICE_CHANNEL = "back_office"


def notify(session: Session, appointment: Appointment, kind: str, now: datetime) -> None:
    """Write the mail of ``kind`` (activation, confirmation, moved, cancelled) for the
    visit into the outbox; it is committed with the change and delivered afterwards.
    Back-office time a clerk booked for a dossier concerns no resident: never mailed."""
    if appointment.channel == BACK_OFFICE_CHANNEL:
        return
    queue_appointment_mail(
        session,
        appointment,
        MailKind(kind),
        manage_url=manage_url(current_app.config, appointment),
        now=now,
    )


def notify_booked(session: Session, appointment: Appointment, now: datetime) -> None:
    """The first mail of a new visit: the activation link, or the confirmation."""
    kind = "confirmation" if appointment.confirmed_at else "activation"
    notify(session, appointment, kind, now)
