"""What clerks do with a dossier itself: open it (from a visit or on its own), link a
visit, add a note, change its status, hand it over, and tell its owner what residents
did. Operations change the session and flush; the request commits once. The follow-ups
and invitations have their own module (:mod:`portal.dossiers.follow_up_operations`).

A dossier erased after its retention period is a record of what happened: it changes no
more (:class:`DossierErased`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..booking.contact import ContactDetails
from ..models import (
    Appointment,
    Dossier,
    DossierNote,
    DossierStatus,
    DossierSubject,
    NotificationKind,
    StaffMember,
    StaffNotification,
)


class DossierErased(ValueError):
    """The dossier was erased after its retention period and changes no more."""


def _ensure_kept(dossier: Dossier) -> None:
    """Refuse a change to an erased dossier (:class:`DossierErased`)."""
    if dossier.erased_at is not None:
        raise DossierErased(dossier.reference)


def open_dossier(
    session: Session,
    *,
    owner: StaffMember,
    subject: DossierSubject,
    contact: ContactDetails,
    now: datetime,
    due_on: date | None = None,
    from_visit: Appointment | None = None,
) -> Dossier:
    """Open a dossier of the owner's team for a resident; with ``from_visit`` the visit
    in front of the clerk is its first visit."""
    dossier = Dossier(
        team_id=owner.team_id,
        owner_id=owner.id,
        subject_id=subject.id,
        **contact.columns(),
        due_on=due_on,
        created_at=now,
    )
    session.add(dossier)
    session.flush()
    if from_visit is not None:
        link_visit(session, dossier, from_visit)
    return dossier


def link_visit(session: Session, dossier: Dossier, visit: Appointment) -> None:
    """Make ``visit`` part of ``dossier``'s chain of visits."""
    _ensure_kept(dossier)
    visit.dossier_id = dossier.id
    session.flush()


def add_note(
    session: Session, dossier: Dossier, author: StaffMember, body: str, now: datetime
) -> DossierNote:
    """A staff-only note on the dossier, with its author and time."""
    _ensure_kept(dossier)
    note = DossierNote(dossier_id=dossier.id, author_id=author.id, body=body, created_at=now)
    session.add(note)
    session.flush()
    return note


def set_status(
    session: Session,
    dossier: Dossier,
    status: DossierStatus,
    now: datetime,
    *,
    waiting_for: str = "",
    outcome: str = "",
    due_on: date | None = None,
) -> None:
    """Change where the dossier stands; closing it records when (the retention period
    counts from then) and its outcome, reopening clears both."""
    _ensure_kept(dossier)
    dossier.status = status
    dossier.waiting_for = waiting_for if status == DossierStatus.WAITING_OTHER else ""
    dossier.outcome = outcome if status == DossierStatus.CLOSED else ""
    dossier.closed_at = now if status == DossierStatus.CLOSED else None
    dossier.due_on = due_on
    if status == DossierStatus.CLOSED:
        # A closed case invites nobody: its unused links stop working at once.
        for follow_up in dossier.follow_ups:
            if follow_up.used_at is None and follow_up.revoked_at is None:
                follow_up.revoked_at = now
    session.flush()


def hand_over(session: Session, dossier: Dossier, new_owner: StaffMember) -> None:
    """Give the dossier to a colleague of its team (they get its notifications)."""
    _ensure_kept(dossier)
    if new_owner.team_id != dossier.team_id:
        raise ValueError("a dossier stays in its team")
    # Unused follow-ups with the old owner go along (the old owner may be leaving).
    for follow_up in dossier.follow_ups:
        if follow_up.used_at is None and follow_up.staff_id == dossier.owner_id:
            follow_up.staff_id = new_owner.id
    dossier.owner_id = new_owner.id
    session.flush()


def tell_owner(
    session: Session,
    visit: Appointment,
    kind: NotificationKind,
    now: datetime,
    *,
    detail: dict | None = None,
) -> StaffNotification | None:
    """Put a line in the notification list of the clerk who owns the visit's dossier
    (nothing for a visit outside any dossier). The caller mails it when the clerk asked
    for mail (``StaffMember.notify_by_mail``)."""
    if visit.dossier_id is None:
        return None
    owner_id = session.scalar(select(Dossier.owner_id).where(Dossier.id == visit.dossier_id))
    notification = StaffNotification(
        staff_id=owner_id,
        kind=kind,
        dossier_id=visit.dossier_id,
        appointment_id=visit.id,
        created_at=now,
        detail=detail or {},
    )
    session.add(notification)
    session.flush()
    return notification
