"""The follow-ups of a dossier: what a clerk plans (a visit to book now, an invitation
or back-office time), what residents do with an invitation, and revoking, extending or
resending one. Operations change the session and flush; the request commits once. Mails
are queued by the callers (see :mod:`portal.dossiers.mail`).

Single use of an invitation is kept twice by the database: booking claims the follow-up
with one conditional UPDATE (``used_at IS NULL`` and still open), whose row count tells
whether this request won, and ``appointment.follow_up_id`` is unique.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..booking.contact import ContactDetails
from ..booking.errors import InvitationClosed, InvitationUsed, OutsideWindow
from ..booking.notify import BACK_OFFICE_CHANNEL
from ..booking.operations import book_hold, place_hold
from ..booking.settings import BookingSettings
from ..booking.tokens import keyed_token, token_hash
from ..models import (
    Appointment,
    Dossier,
    FollowUp,
    Hold,
    NotificationKind,
    Service,
    ShiftKind,
    StaffMember,
)
from ..scheduling.audience import AudienceKind
from ..timeutil import end_of_local_day, local_today, to_local
from .operations import tell_owner

# How long an invitation may run at most (the window's last day).
MAX_WINDOW_DAYS = 366
INVITATION_PURPOSE = "invitation"


def invitation_token(secret_key: str, follow_up: FollowUp) -> str:
    """The invitation link's token, written again from the stored nonce (for a resend)."""
    return keyed_token(secret_key, INVITATION_PURPOSE, follow_up.token_nonce)


def find_invitation(session: Session, token: str | None) -> FollowUp | None:
    """The invitation a token opens, or None."""
    if not token:
        return None
    return session.scalar(select(FollowUp).where(FollowUp.token_hash == token_hash(token)))


@dataclass(frozen=True)
class FollowUpPlan:
    """What a clerk asks for: services, persons, with whom, when, and where."""

    services: Sequence[Service]
    persons: int
    staff: StaffMember
    earliest: date
    latest: date
    any_colleague: bool = False
    back_office: bool = False


def plan_follow_up(
    session: Session,
    dossier: Dossier,
    plan: FollowUpPlan,
    *,
    invited: bool,
    now: datetime,
    settings: BookingSettings,
    created_by: StaffMember | None = None,
    created_via: str = "staff",
) -> tuple[FollowUp, str | None]:
    """Record the next step of ``dossier``; for an invitation also its link's token.

    The window must lie ahead (today or later) and be at most a year; an invitation runs
    until the end of its last day. Raises :class:`OutsideWindow` for a window that cannot
    be booked.
    """
    today = local_today(now)
    if plan.latest < plan.earliest or plan.latest < today:
        raise OutsideWindow()
    if (plan.latest - today).days > MAX_WINDOW_DAYS:
        raise OutsideWindow()
    follow_up = FollowUp(
        dossier_id=dossier.id,
        service_ids=[service.id for service in plan.services],
        persons=plan.persons,
        staff_id=plan.staff.id,
        any_colleague=plan.any_colleague,
        shift_kind=ShiftKind.BACK_OFFICE if plan.back_office else ShiftKind.COUNTER,
        earliest=max(plan.earliest, today),
        latest=plan.latest,
        invited=invited,
        created_by_id=created_by.id if created_by else None,
        created_via=created_via,
        created_at=now,
        expires_at=end_of_local_day(plan.latest),
        sent_at=now if invited else None,
    )
    session.add(follow_up)
    session.flush()
    token = None
    if invited:
        token = invitation_token(settings.secret_key, follow_up)
        follow_up.token_hash = token_hash(token)
        session.flush()
    return follow_up, token


def follow_up_services(session: Session, follow_up: FollowUp) -> list[Service]:
    """The follow-up's services in the order the clerk chose them."""
    found = {
        service.id: service
        for service in session.scalars(select(Service).where(Service.id.in_(follow_up.service_ids)))
    }
    return [found[service_id] for service_id in follow_up.service_ids if service_id in found]


def _claim_follow_up(session: Session, follow_up: FollowUp, now: datetime) -> None:
    """Mark the follow-up used, if and only if nobody did before (one conditional
    UPDATE): a second use raises :class:`InvitationUsed`, a closed one
    :class:`InvitationClosed`."""
    won = session.execute(
        update(FollowUp)
        .where(
            FollowUp.id == follow_up.id,
            FollowUp.used_at.is_(None),
            FollowUp.revoked_at.is_(None),
            FollowUp.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(follow_up)
    if won != 1:
        if follow_up.used_at is not None:
            raise InvitationUsed()
        raise InvitationClosed()


def check_open(follow_up: FollowUp, now: datetime) -> None:
    """Refuse an invitation that was used, revoked or ran out, or whose dossier was
    closed."""
    if follow_up.used_at is not None:
        raise InvitationUsed()
    if (
        follow_up.revoked_at is not None
        or follow_up.expires_at <= now
        or follow_up.dossier.is_closed
    ):
        raise InvitationClosed()


def open_services(session: Session, follow_up: FollowUp) -> list[Service]:
    """The follow-up's services, as long as the city still offers every one of them;
    :class:`InvitationClosed` when one was withdrawn."""
    services = follow_up_services(session, follow_up)
    if len(services) != len(follow_up.service_ids) or not all(s.active for s in services):
        raise InvitationClosed()
    return services


def _booked(
    session: Session, follow_up: FollowUp, hold: Hold, now: datetime, settings, channel: str
) -> Appointment:
    """Claim the follow-up and turn ``hold`` into its confirmed visit."""
    _claim_follow_up(session, follow_up, now)
    visit = book_hold(
        session,
        hold,
        ContactDetails.kept_by(follow_up.dossier),
        now,
        settings,
        channel=channel,
        require_activation=False,
        enforce_cap=False,
    )
    visit.dossier_id = follow_up.dossier_id
    visit.follow_up_id = follow_up.id
    # Other browsers' holds on this link can never be booked now: their times go back
    # to everyone at once (their slot claims go with them), not when the holds run out.
    session.execute(
        delete(Hold)
        .where(Hold.follow_up_id == follow_up.id)
        .execution_options(synchronize_session=False)
    )
    if follow_up.shift_kind == ShiftKind.BACK_OFFICE:
        # The clerk's work on the dossier without the resident: no address to mail (not
        # even a reminder after a colleague moves it); the dossier keeps the details.
        visit.channel = BACK_OFFICE_CHANNEL
        visit.email = None
        visit.reminder_sent_at = now
    session.flush()
    return visit


def book_follow_up_now(
    session: Session,
    follow_up: FollowUp,
    start: datetime,
    now: datetime,
    settings: BookingSettings,
    *,
    staff_id: int | None = None,
) -> Appointment:
    """The clerk books the follow-up at once (the resident is at the counter): a free
    time of the chosen clerk inside the window, reserved time included, confirmed."""
    if not follow_up.audience().allows_day(to_local(start).date()):
        raise OutsideWindow()
    hold, _ = place_hold(
        session,
        follow_up_services(session, follow_up),
        follow_up.persons,
        start,
        now,
        settings,
        staff_id=staff_id,
        audience=follow_up.audience(AudienceKind.STAFF),
        follow_up_id=follow_up.id,
    )
    return _booked(session, follow_up, hold, now, settings, "staff")


def hold_for_invitation(
    session: Session,
    follow_up: FollowUp,
    start: datetime,
    now: datetime,
    settings: BookingSettings,
    *,
    replacing: Hold | None = None,
) -> tuple[Hold, str]:
    """Keep a time of the invitation's window for the resident while they confirm."""
    check_open(follow_up, now)
    if not follow_up.audience().allows_day(to_local(start).date()):
        raise OutsideWindow()
    return place_hold(
        session,
        open_services(session, follow_up),
        follow_up.persons,
        start,
        now,
        settings,
        replacing=replacing,
        audience=follow_up.audience(),
        follow_up_id=follow_up.id,
    )


def book_invitation(
    session: Session,
    follow_up: FollowUp,
    hold: Hold,
    now: datetime,
    settings: BookingSettings,
    *,
    channel: str = "invitation",
) -> Appointment:
    """Book the held time of an invitation: confirmed at once (the link reached the
    resident's mailbox), with the dossier's details. The owner is told."""
    if hold.follow_up_id != follow_up.id:
        raise OutsideWindow()
    visit = _booked(session, follow_up, hold, now, settings, channel)
    tell_owner(session, visit, NotificationKind.BOOKED, now)
    return visit


def revoke(session: Session, follow_up: FollowUp, now: datetime) -> None:
    """Withdraw an unused invitation: its link stops working at once. Conditional, so a
    resident who just booked keeps their visit (:class:`InvitationUsed`)."""
    if follow_up.revoked_at is not None:
        return
    _change_unused(session, follow_up, revoked_at=now)


def extend(session: Session, follow_up: FollowUp, latest: date, now: datetime) -> None:
    """Give an unused invitation a later last day (it opens again if it had run out or
    was withdrawn). Refused for a used one (:class:`InvitationUsed`), a closed dossier
    (:class:`InvitationClosed`) or a window that cannot be booked (:class:`OutsideWindow`)."""
    if follow_up.dossier.is_closed:
        raise InvitationClosed()
    today = local_today(now)
    if latest < follow_up.earliest or latest < today or (latest - today).days > MAX_WINDOW_DAYS:
        raise OutsideWindow()
    _change_unused(
        session,
        follow_up,
        latest=latest,
        expires_at=end_of_local_day(latest),
        revoked_at=None,
        reminder_sent_at=None,
    )


def _change_unused(session: Session, follow_up: FollowUp, **values) -> None:
    """Change a follow-up only while nobody used it (one conditional UPDATE, so it cannot
    race a booking); :class:`InvitationUsed` when someone did."""
    changed = session.execute(
        update(FollowUp)
        .where(FollowUp.id == follow_up.id, FollowUp.used_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(follow_up)
    if changed != 1:
        raise InvitationUsed()


def mark_resent(session: Session, follow_up: FollowUp, now: datetime) -> None:
    """Note that the invitation was mailed again (its link does not change)."""
    follow_up.sent_at = now
    session.flush()
