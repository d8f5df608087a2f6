"""Mails to residents: composition, calendar files, QR codes, the outbox and reminders.

The booking code calls :func:`queue_appointment_mail` inside its transaction; the mail is
delivered after the response by a background thread (:func:`register_after_request_delivery`,
never on the request's thread) and by the
``send-mail`` command; ``send-reminders`` queues the reminders.
"""

from __future__ import annotations

from .background import register_after_request_delivery, sender_of
from .ics import appointment_calendar, calendar_uid
from .links import book_again_url, manage_url
from .mails import MailKind, compose_appointment_mail
from .outbox import (
    DeliveryReport,
    deliver_after_request,
    deliver_due,
    pending_mail_ids,
    queue_appointment_mail,
)
from .qr import reference_qr_png, reference_qr_svg
from .reminders import send_reminders

__all__ = [
    "DeliveryReport",
    "MailKind",
    "appointment_calendar",
    "book_again_url",
    "calendar_uid",
    "compose_appointment_mail",
    "deliver_after_request",
    "deliver_due",
    "manage_url",
    "pending_mail_ids",
    "queue_appointment_mail",
    "reference_qr_png",
    "reference_qr_svg",
    "register_after_request_delivery",
    "send_reminders",
    "sender_of",
]
