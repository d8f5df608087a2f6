"""Reminder mails, a fixed number of hours before each confirmed visit.

Run by ``flask --app portal send-reminders`` from cron or a systemd timer (an in-process
scheduler would run once per web worker). Each visit is claimed with one atomic
``UPDATE … SET reminder_sent_at = :now WHERE id = :id AND reminder_sent_at IS NULL``
in the same transaction that queues its mail, so two runs at once never remind twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..cache_days import NO_FREE_TIME_CHANGE
from ..models.appointments import Appointment, AppointmentService, AppointmentStatus
from ..timeutil import as_utc
from .mails import MailKind
from .outbox import queue_appointment_mail


def wants_reminder(appointment, hours_before: int) -> bool:
    """Whether the visit was booked long enough ahead to deserve a reminder.

    Someone who confirmed yesterday evening for this morning remembers it; only visits
    confirmed before ``starts_at - hours_before`` get one. Visits without a confirmation
    time (booked by staff) count from their creation.
    """
    confirmed = appointment.confirmed_at or appointment.created_at
    if confirmed is None:
        return True
    # In UTC: aware arithmetic in a local zone would add wall-clock hours across DST.
    return as_utc(confirmed) <= as_utc(appointment.starts_at) - timedelta(hours=hours_before)


def _claim(session, appointment_id: int, now: datetime) -> bool:
    """Mark the visit as reminded if nobody did yet; True when this run won it."""
    result = session.execute(
        update(Appointment)
        .where(
            Appointment.id == appointment_id,
            Appointment.reminder_sent_at.is_(None),
            Appointment.status == AppointmentStatus.CONFIRMED,
        )
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False, **NO_FREE_TIME_CHANGE)
    )
    return result.rowcount == 1


def send_reminders(
    session,
    now: datetime,
    *,
    hours_before: int,
    manage_url_for: Callable[[Appointment], str],
) -> int:
    """Queue a reminder for every confirmed visit starting in ``(now, now + hours_before]``.

    Real hours, in UTC: across a DST change "24 hours before" is still 24 hours. Visits
    without an e-mail address are marked as done too, so they are not looked at again.
    Returns the number of reminder mails queued. The caller commits.
    """
    now = as_utc(now)  # Brussels-aware "now + 48 h" would add wall-clock hours
    window_end = now + timedelta(hours=hours_before)
    candidates = session.scalars(
        select(Appointment)
        .where(
            Appointment.status == AppointmentStatus.CONFIRMED,
            Appointment.starts_at > now,
            Appointment.starts_at <= window_end,
            Appointment.reminder_sent_at.is_(None),
        )
        .options(
            selectinload(Appointment.booked_services).selectinload(AppointmentService.service),
            selectinload(Appointment.counter),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    queued = 0
    for appointment in candidates:
        if not wants_reminder(appointment, hours_before):
            continue
        if not _claim(session, appointment.id, now):
            continue  # another run reminded it meanwhile
        set_committed_value(appointment, "reminder_sent_at", now)
        if not appointment.email:
            continue
        mail = queue_appointment_mail(
            session,
            appointment,
            MailKind.REMINDER,
            manage_url=manage_url_for(appointment),
            now=now,
        )
        if mail is not None:
            queued += 1
    return queued
