"""What staff do with a visit: book it for a resident, move it, cancel it, and follow the
resident through the day (arrived → called → in service → done, or no-show).

Each operation changes the session, queues the resident's mail when there is an address,
and writes the audit row; it flushes, and the request commits once. Staff are not bound
by what limits residents online: the services' notice and horizon, the cutoff before a
visit, the cap per e-mail address, the captcha.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..availability import STAFF_HORIZON_DAYS, Availability, load_availability
from ..booking.access_code import issue_access_code
from ..booking.contact import ContactDetails
from ..booking.errors import BookingError
from ..booking.notify import notify, notify_booked
from ..booking.operations import book_hold, cancel, move, place_hold
from ..booking.queue_numbers import assign_queue_number
from ..booking.settings import BookingSettings
from ..i18n import _l
from ..models import Appointment, AppointmentStatus, AuditAction, Service, StaffMember
from ..timeutil import CITY_TZ, local_today, to_local
from .audit import record

# The steps of a visit's day, in the order they usually come.
PROGRESS_STEPS = ("arrive", "call", "start", "finish", "no_show", "undo")
# Which stages each step may start from.
_STEP_FROM = {
    "arrive": {"expected"},
    "call": {"waiting", "called"},
    "start": {"waiting", "called"},
    "finish": {"in_service"},
    "no_show": {"expected"},
    # Only before the end: a finished or missed visit's time may already be given away.
    "undo": {"waiting", "called", "in_service"},
}


class StepNotAllowed(BookingError):
    """The step does not fit where the visit is (called before arrival, a visit of
    another day, a no-show before its time)."""

    code = "step_not_allowed"
    text = _l("Deze stap past niet bij waar de afspraak nu staat.")


def bookable_days(now: datetime) -> tuple[date, date]:
    """The first and last day staff may book or move a visit to: today up to a year ahead."""
    today = local_today(now)
    return today, today + timedelta(days=STAFF_HORIZON_DAYS)


def staff_availability(
    session: Session,
    services: Sequence[Service],
    persons: int,
    first: date,
    last: date,
    now: datetime,
    *,
    ignore_appointment_id: int | None = None,
) -> Availability:
    """The free times of ``services`` for ``persons`` on ``first``..``last`` as staff see
    them (from now on, up to a year ahead); ``ignore_appointment_id`` counts the time of
    a visit being moved as free."""
    return load_availability(
        session,
        services,
        persons,
        first,
        last,
        now,
        grid_minutes=BookingSettings.current().grid_minutes,
        tz=CITY_TZ,
        ignore_appointment_id=ignore_appointment_id,
        for_staff=True,
    )


def _time_detail(visit: Appointment) -> dict:
    """The visit's time and clerk, for an audit row (no personal data of the resident)."""
    return {"starts_at": visit.starts_at.isoformat(), "staff_id": visit.staff_id}


def book_for_resident(
    session: Session,
    actor: StaffMember,
    services: Sequence[Service],
    persons: int,
    start: datetime,
    contact: ContactDetails,
    now: datetime,
    settings: BookingSettings,
    *,
    staff_id: int | None = None,
    request_key: str | None = None,
) -> Appointment:
    """Book a confirmed visit for a resident at the desk or on the phone, with any
    service (also those by invitation only), with a chosen clerk or the least busy one
    (one who speaks the resident's language first).
    The confirmation mail goes out when the resident gave an address; without one the
    visit gets a short code for "manage with a code" (on the printout). Raises
    :class:`SlotTaken` when the time is not free (any more).

    ``request_key`` is the form's one-time key: when a visit was already booked with it
    (the form sent twice), that visit is returned and nothing new is booked. Two sends at
    the same moment clash on the key's unique constraint (IntegrityError at the flush);
    the caller then finds the visit with :func:`visit_of_request`."""
    if request_key is not None:
        earlier = visit_of_request(session, request_key)
        if earlier is not None:
            return earlier
    hold, _token = place_hold(
        session,
        services,
        persons,
        start,
        now,
        settings,
        for_staff=True,
        staff_id=staff_id,
        prefer_language=contact.spoken_language,
    )
    visit = book_hold(
        session,
        hold,
        contact,
        now,
        settings,
        channel="staff",
        require_activation=False,
        enforce_cap=False,
    )
    visit.request_key = request_key
    if not visit.email:
        # No mailed manage link: the printout gives the reference and a short code.
        issue_access_code(visit, settings.secret_key)
    session.flush()
    if visit.email:
        notify_booked(session, visit, now)
    record(session, actor, AuditAction.CHANGE, "visit.book", visit=visit, now=now)
    return visit


def visit_of_request(session: Session, request_key: str) -> Appointment | None:
    """The visit a staff form with this one-time key booked, if any."""
    return session.scalar(select(Appointment).where(Appointment.request_key == request_key))


def move_for_resident(
    session: Session,
    actor: StaffMember,
    visit: Appointment,
    new_start: datetime,
    now: datetime,
    settings: BookingSettings,
    *,
    staff_id: int | None = None,
) -> Appointment:
    """Move a visit (also close to its time), optionally to another clerk; the server
    checks the new time is free. The resident gets the new time and an updated calendar
    file. Raises :class:`SlotTaken` or :class:`NotChangeable`; the visit is unchanged."""
    before = _time_detail(visit)
    move(session, visit, new_start, now, settings, for_staff=True, staff_id=staff_id)
    if visit.email:
        notify(session, visit, "moved", now)
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "visit.move",
        visit=visit,
        detail={"from": before, "to": _time_detail(visit)},
        now=now,
    )
    return visit


def cancel_for_resident(
    session: Session,
    actor: StaffMember,
    visit: Appointment,
    reason: str,
    now: datetime,
    settings: BookingSettings,
) -> None:
    """Cancel a visit with a reason the resident reads in the cancellation mail (with a
    cancelling calendar file). Raises :class:`NotChangeable` for a visit that is over."""
    cancel(session, visit, now, settings, enforce_cutoff=False)
    visit.cancel_reason = reason.strip()[:300] or None
    session.flush()
    if visit.email:
        notify(session, visit, "cancelled", now)
    record(session, actor, AuditAction.CHANGE, "visit.cancel", visit=visit, now=now)


def record_progress(
    session: Session,
    actor: StaffMember,
    visit: Appointment,
    step: str,
    now: datetime,
    *,
    counter_id: int | None = None,
) -> None:
    """Record one step of the visit's day, timestamped ``now``: ``arrive`` (checked in),
    ``call`` (to ``counter_id``, by default the visit's counter; calling again is
    allowed), ``start`` (in service), ``finish`` (done), ``no_show`` (after its start
    time), or ``undo`` (take the last step back before the end, for a wrong click). Only
    on the visit's own day. Raises :class:`StepNotAllowed`."""
    if step not in _STEP_FROM or visit.status != AppointmentStatus.CONFIRMED:
        raise StepNotAllowed()
    if to_local(visit.starts_at).date() != local_today(now):
        raise StepNotAllowed()
    if visit.stage not in _STEP_FROM[step]:
        raise StepNotAllowed()
    if step == "no_show" and now < visit.starts_at:
        raise StepNotAllowed()
    _apply_step(visit, step, now, counter_id)
    if step == "arrive":
        # A visit booked before queue numbers existed gets its number at check-in.
        assign_queue_number(session, visit)
    session.flush()
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "visit.progress",
        visit=visit,
        detail={"step": step},
        now=now,
    )


def _apply_step(visit: Appointment, step: str, now: datetime, counter_id: int | None) -> None:
    """Set the timestamp (and status) that ``step`` stands for."""
    if step == "arrive":
        visit.arrived_at = now
    elif step == "call":
        visit.called_at = now
        visit.called_counter_id = counter_id or visit.counter_id
    elif step == "start":
        visit.service_started_at = now
    elif step == "finish":
        visit.completed_at = now
        visit.status = AppointmentStatus.COMPLETED
    elif step == "no_show":
        visit.no_show_at = now
        visit.status = AppointmentStatus.NO_SHOW
    else:
        _undo_last_step(visit)


def _undo_last_step(visit: Appointment) -> None:
    """Clear the latest step's timestamp (in service, called, or arrived)."""
    if visit.service_started_at is not None:
        visit.service_started_at = None
    elif visit.called_at is not None:
        visit.called_at = None
        visit.called_counter_id = None
    else:
        visit.arrived_at = None
