"""What a resident (or a form engine) does with a visit: hold a time, book it, confirm,
move and cancel. Operations change the session and flush; the request commits once.

The database has the last word on "one staff member, one visit at a time": every hold
and visit claims its 5-minute units in ``slot_claim``, with a sweep of the claims that no
longer count first and a SAVEPOINT per candidate clerk (:mod:`.claims`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..cache_generation import wrote_in_transaction
from ..models import (
    Appointment,
    AppointmentService,
    AppointmentStatus,
    Hold,
    HoldKind,
    Service,
    ShiftKind,
)
from ..models.appointments import new_nonce
from ..scheduling import intervals
from ..scheduling.audience import Audience, AudienceKind
from ..timeutil import to_local
from .claims import claim_with_first_free, free_slot_with, pass_claims
from .clerk_choice import counter_of
from .contact import ContactDetails
from .errors import (
    ActivationExpired,
    HoldExpired,
    NotChangeable,
    OutsideWindow,
    SlotTaken,
    TooLate,
    TooManyVisits,
)
from .queue_numbers import assign_queue_number
from .selection import free_slot_at
from .settings import BookingSettings
from .tokens import manage_token, new_hold_token, token_hash


def place_hold(
    session: Session,
    services: Sequence[Service],
    persons: int,
    start: datetime,
    now: datetime,
    settings: BookingSettings,
    *,
    replacing: Hold | None = None,
    for_staff: bool = False,
    staff_id: int | None = None,
    audience: Audience | None = None,
    follow_up_id: int | None = None,
    prefer_language: str | None = None,
) -> tuple[Hold, str]:
    """Keep the free time starting at ``start`` for a few minutes; return the hold and
    the token that finds it again. A resident's earlier hold (``replacing``) is let go.
    A clerk who speaks ``prefer_language`` (the resident's at the counter) gets the
    hold when one is free then.

    Staff (``for_staff``) are not bound by the services' notice and horizon, and may ask
    for one clerk (``staff_id``). An invitation passes its ``audience`` (window, clerks,
    reserved time) and its ``follow_up_id``, which the hold remembers."""
    # The kept free times count what is committed: not with a hold let go just now.
    kept = replacing is None and not wrote_in_transaction(session)
    if replacing is not None:
        session.delete(replacing)
        session.flush()
    slot = free_slot_with(
        free_slot_at(
            session,
            services,
            persons,
            start,
            now,
            settings,
            for_staff=for_staff,
            audience=audience,
            kept=kept,
        ),
        staff_id,
    )
    token = new_hold_token()

    def make(staff_id: int) -> Hold:
        hold = Hold(
            kind=HoldKind.BOOKING,
            token_hash=token_hash(token),
            staff_id=staff_id,
            counter_id=counter_of(session, staff_id, slot.start),
            service_ids=[service.id for service in services],
            persons=persons,
            starts_at=slot.start,
            ends_at=slot.end,
            created_at=now,
            expires_at=now + settings.hold,
            follow_up_id=follow_up_id,
        )
        hold.claim_time()
        session.add(hold)
        return hold

    return claim_with_first_free(session, slot, now, make, prefer_language), token


def open_visits_of(session: Session, email: str, now: datetime) -> int:
    """How many visits still to come an e-mail address has (pending or confirmed)."""
    return session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(
            func.lower(Appointment.email) == email.lower(),
            Appointment.filter_active(now),
            Appointment.starts_at > now,
        )
    )


def book_hold(
    session: Session,
    hold: Hold,
    contact: ContactDetails,
    now: datetime,
    settings: BookingSettings,
    *,
    channel: str = "web",
    require_activation: bool | None = None,
    enforce_cap: bool = True,
) -> Appointment:
    """Turn a live hold into a visit: pending until the resident activates it by mail
    (or confirmed at once when the city switched activation off).

    The hold's claims pass to the visit in the same transaction. Raises
    :class:`HoldExpired` or :class:`TooManyVisits` (staff bookings skip that cap with
    ``enforce_cap=False``).
    """
    if hold.expires_at <= now:
        raise HoldExpired()
    if (
        enforce_cap
        and contact.email
        and open_visits_of(session, contact.email, now) >= (settings.max_active_per_email)
    ):
        raise TooManyVisits()
    activation = settings.activation_required if require_activation is None else require_activation
    nonce = new_nonce()
    appointment = Appointment(
        status=AppointmentStatus.PENDING if activation else AppointmentStatus.CONFIRMED,
        staff_id=hold.staff_id,
        counter_id=hold.counter_id,
        starts_at=hold.starts_at,
        ends_at=hold.ends_at,
        persons=hold.persons,
        **contact.columns(),
        remark=contact.remark,
        channel=channel,
        created_at=now,
        activation_expires_at=now + settings.activation if activation else None,
        confirmed_at=None if activation else now,
        manage_nonce=nonce,
        manage_token_hash=token_hash(manage_token(settings.secret_key, nonce)),
        booked_services=[
            AppointmentService(service_id=service_id, position=position)
            for position, service_id in enumerate(hold.service_ids)
        ],
    )
    session.add(appointment)
    session.flush()
    pass_claims(session, hold, appointment)
    assign_queue_number(session, appointment)
    return appointment


def find_appointment(session: Session, token: str | None) -> Appointment | None:
    """The visit a manage token opens, or None."""
    if not token:
        return None
    return session.scalar(
        select(Appointment).where(Appointment.manage_token_hash == token_hash(token))
    )


def confirm(session: Session, appointment: Appointment, now: datetime) -> bool:
    """Confirm a pending visit through its activation link. Returns False when it was
    already confirmed (a second click changes nothing); raises :class:`ActivationExpired`
    when the link ran out, or :class:`NotChangeable` for a cancelled visit."""
    if appointment.status == AppointmentStatus.CONFIRMED:
        return False
    if appointment.status != AppointmentStatus.PENDING:
        raise NotChangeable()
    if appointment.activation_expired(now):
        raise ActivationExpired()
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.confirmed_at = now
    session.flush()
    return True


def can_change(appointment: Appointment, now: datetime, settings: BookingSettings) -> bool:
    """Whether the visit can still be moved or cancelled online at ``now``: it takes up
    its time and is not closer than the cutoff."""
    return appointment.is_active(now) and appointment.starts_at - now >= settings.manage_cutoff


def _check_active(appointment: Appointment, now: datetime) -> None:
    """Refuse changes to visits that are over, cancelled or expired."""
    if not appointment.is_active(now):
        raise NotChangeable()


def _check_changeable(appointment: Appointment, now: datetime, settings: BookingSettings) -> None:
    """Refuse changes to visits that are over, expired, or too close to change online."""
    _check_active(appointment, now)
    if appointment.starts_at - now < settings.manage_cutoff:
        raise TooLate()


def _cool_down(
    session: Session,
    appointment: Appointment,
    staff_id: int,
    spans: Sequence[tuple[datetime, datetime]],
    now: datetime,
    settings: BookingSettings,
) -> None:
    """Keep the time a visit gave back closed for a while, so that nobody can cancel and
    grab it again in one breath (slot trading)."""
    if settings.reopen_after.total_seconds() <= 0:
        return
    for start, end in spans:
        hold = Hold(
            kind=HoldKind.COOLDOWN,
            staff_id=staff_id,
            service_ids=[service.id for service in appointment.services],
            persons=appointment.persons,
            starts_at=start,
            ends_at=end,
            created_at=now,
            expires_at=now + settings.reopen_after,
        )
        hold.claim_time()
        session.add(hold)
    session.flush()


def cancel(
    session: Session,
    appointment: Appointment,
    now: datetime,
    settings: BookingSettings,
    *,
    enforce_cutoff: bool = True,
) -> None:
    """Cancel a visit: its time goes back (after the reopening delay) and its calendar
    file's SEQUENCE rises so that calendars drop it."""
    if enforce_cutoff:
        _check_changeable(appointment, now, settings)
    else:
        _check_active(appointment, now)
    span = (appointment.starts_at, appointment.ends_at)
    was_confirmed = appointment.status == AppointmentStatus.CONFIRMED
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.sequence += 1
    appointment.release_time()
    session.flush()
    if was_confirmed:
        _cool_down(session, appointment, appointment.staff_id, [span], now, settings)


def _move_audience(appointment: Appointment, for_staff: bool) -> Audience | None:
    """Who may move a follow-up visit where. The resident: inside its window, with its
    clerk, unless the city itself asked for a new time (a closure or a rota change took
    the clerk or the day away; then any clerk's free time, reserved time included). Staff:
    anywhere, but back-office time stays in back-office shifts. None for any other visit."""
    follow_up = appointment.follow_up
    if follow_up is None:
        return None
    back_office = follow_up.shift_kind == ShiftKind.BACK_OFFICE
    if for_staff:
        return Audience(AudienceKind.STAFF, back_office=back_office)
    if appointment.reschedule_requested_at is not None:
        return Audience(AudienceKind.INVITATION, back_office=back_office)
    return follow_up.audience()


def move(
    session: Session,
    appointment: Appointment,
    new_start: datetime,
    now: datetime,
    settings: BookingSettings,
    *,
    for_staff: bool = False,
    staff_id: int | None = None,
) -> Appointment:
    """Move a confirmed visit to another free time for the same services and persons.

    Moving is all or nothing: if every clerk free at the new time was taken in the
    meantime, the visit keeps its old time and :class:`SlotTaken` is raised. Staff
    (``for_staff``) may move past the online cutoff and the services' notice, and may put
    the visit with one clerk (``staff_id``), also at the same time. A resident's
    follow-up visit stays inside its window and with its clerk (:class:`OutsideWindow`).
    """
    if for_staff:
        _check_active(appointment, now)
    else:
        _check_changeable(appointment, now, settings)
    if appointment.status != AppointmentStatus.CONFIRMED:
        raise NotChangeable()
    audience = _move_audience(appointment, for_staff)
    if audience is not None and not audience.allows_day(to_local(new_start).date()):
        raise OutsideWindow()
    slot = free_slot_with(
        free_slot_at(
            session,
            appointment.services,
            appointment.persons,
            new_start,
            now,
            settings,
            ignore_appointment_id=appointment.id,
            for_staff=for_staff,
            audience=audience,
        ),
        staff_id,
    )
    same_clerk = staff_id is None or staff_id == appointment.staff_id
    if slot.start == appointment.starts_at and same_clerk:
        raise SlotTaken()
    old_staff, old_start, old_end = appointment.staff_id, appointment.starts_at, appointment.ends_at

    def make(staff_id: int) -> Appointment:
        appointment.release_time()
        session.flush()
        appointment.staff_id = staff_id
        appointment.counter_id = counter_of(session, staff_id, slot.start)
        appointment.starts_at, appointment.ends_at = slot.start, slot.end
        appointment.claim_time()
        return appointment

    claim_with_first_free(session, slot, now, make, appointment.spoken_language)
    appointment.sequence += 1
    assign_queue_number(session, appointment)
    appointment.reminder_sent_at = None
    # A request to choose a new time is answered by moving.
    appointment.reschedule_requested_at = None
    session.flush()
    freed = [(old_start, old_end)]
    if appointment.staff_id == old_staff:
        freed = intervals.subtract(freed, [(appointment.starts_at, appointment.ends_at)])
    _cool_down(session, appointment, old_staff, freed, now, settings)
    return appointment
