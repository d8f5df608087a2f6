"""What the dossier pages read: one dossier behind the team boundary, a clerk's (or a
team's) dossiers grouped as the clerk works them, a dossier's chain of visits and
follow-ups, and the audit row of every look at a dossier.

The team boundary is the visits' one (:mod:`portal.staff.access`): a clerk or planner
sees only their own team's dossiers; reception and administrators see every team's. A
dossier outside it answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from ..i18n import _l
from ..models import (
    Appointment,
    AppointmentStatus,
    AuditAction,
    AuditEvent,
    Dossier,
    DossierNote,
    DossierStatus,
    DossierSubject,
    FollowUp,
    FollowUpState,
    StaffMember,
    StaffNotification,
)
from ..models.base import MAX_ID
from ..staff.access import team_scope, visit_list_options
from ..staff.audit import record

# An open invitation whose window closes within this many days is highlighted.
EXPIRING_DAYS = 3


def closing_by(today: date) -> date:
    """An open invitation whose last day is on or before this day is "closing soon"
    (in the list of invitations and on the dossier page alike)."""
    return today + timedelta(days=EXPIRING_DAYS)


# Unused invitations that ran out this long ago or less are still listed.
EXPIRED_SHOWN_DAYS = 30
# The notification list shows this many lines at most.
NOTIFICATION_LIMIT = 200

STATUS_LABELS = {
    DossierStatus.OPEN: _l("Lopend"),
    DossierStatus.WAITING_RESIDENT: _l("Wacht op de bewoner"),
    DossierStatus.WAITING_OTHER: _l("Wacht op een andere partij"),
    DossierStatus.CLOSED: _l("Afgesloten"),
}
# What happened to a visit of the chain.
VISIT_OUTCOME_LABELS = {
    "attended": _l("Gekomen"),
    "no_show": _l("Niet gekomen"),
    "cancelled": _l("Geannuleerd"),
    "lapsed": _l("Niet op tijd bevestigd"),
    "pending": _l("Nog niet bevestigd"),
    "today": _l("Vandaag bezig"),
    "expected": _l("Verwacht"),
}


def filter_visible_dossiers(member: StaffMember):
    """Criterion: the dossiers ``member`` may see (their team's, or all)."""
    scope = team_scope(member)
    return true() if scope is None else Dossier.filter_teams(scope)


def dossier_or_404(session: Session, member: StaffMember, dossier_id: int) -> Dossier:
    """Dossier ``dossier_id`` if ``member`` may see it; 404 otherwise (also for an id
    that does not exist or is out of range), so ids cannot be probed."""
    if not 0 < dossier_id <= MAX_ID:
        abort(404)
    dossier = session.scalar(
        select(Dossier)
        .where(Dossier.id == dossier_id, filter_visible_dossiers(member))
        .options(
            joinedload(Dossier.owner),
            joinedload(Dossier.subject),
            selectinload(Dossier.notes).joinedload(DossierNote.author),
        )
    )
    if dossier is None:
        abort(404)
    return dossier


def audit_dossier(
    session: Session,
    actor: StaffMember,
    action: AuditAction,
    subject: str,
    dossier: Dossier,
    *,
    visit: Appointment | None = None,
    detail: dict | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """An audit row about ``dossier``: its reference and id (never the resident's name),
    and the visit concerned by id when there is one."""
    event = record(
        session,
        actor,
        action,
        subject,
        team_id=dossier.team_id,
        detail={"dossier_id": dossier.id, **(detail or {})},
        now=now,
    )
    event.reference = dossier.reference
    if visit is not None:
        event.appointment_id = visit.id
    return event


# ------------------------------------------------------------------------ the lists


@dataclass(frozen=True)
class InvitationLine:
    """An invitation of the list: still open (maybe closing soon) or run out unused."""

    follow_up: FollowUp
    state: FollowUpState
    expiring: bool


@dataclass
class DossierOverview:
    """A clerk's (or a team's) dossiers as they work them: due or overdue first, then
    open, then waiting; the invitations still unused; closed ones only when asked."""

    due: list[Dossier] = field(default_factory=list)
    open: list[Dossier] = field(default_factory=list)
    waiting: list[Dossier] = field(default_factory=list)
    closed: list[Dossier] = field(default_factory=list)
    invitations: list[InvitationLine] = field(default_factory=list)

    def count(self) -> int:
        """How many dossiers the overview lists."""
        return len(self.due) + len(self.open) + len(self.waiting) + len(self.closed)


def _scope_criteria(owner_id: int | None, team_ids: list[int] | None) -> list:
    """Criteria of the list: one owner's dossiers and/or some teams' (None: every team)."""
    criteria = []
    if owner_id is not None:
        criteria.append(Dossier.owner_id == owner_id)
    if team_ids is not None:
        criteria.append(Dossier.filter_teams(team_ids))
    return criteria


def dossier_overview(
    session: Session,
    *,
    owner_id: int | None,
    team_ids: list[int] | None,
    now: datetime,
    today: date,
    with_closed: bool = False,
) -> DossierOverview:
    """The dossiers of ``owner_id`` (None: anybody's) in ``team_ids`` (None: every
    team), grouped; every dossier is in one group. Owners and subjects are loaded up
    front, so a table needs no query per row."""
    criteria = _scope_criteria(owner_id, team_ids)
    status_filter = true() if with_closed else Dossier.filter_open()
    dossiers = session.scalars(
        select(Dossier)
        .where(*criteria, status_filter)
        .options(joinedload(Dossier.owner), joinedload(Dossier.subject))
        .order_by(Dossier.due_on.is_(None), Dossier.due_on, Dossier.created_at, Dossier.id)
    ).all()
    overview = DossierOverview()
    for dossier in dossiers:
        if dossier.is_closed:
            overview.closed.append(dossier)
        elif dossier.due_on is not None and dossier.due_on <= today:
            overview.due.append(dossier)
        elif dossier.status == DossierStatus.OPEN:
            overview.open.append(dossier)
        else:
            overview.waiting.append(dossier)
    overview.invitations = unused_invitations(session, criteria, now, today)
    return overview


def unused_invitations(
    session: Session, criteria: list, now: datetime, today: date
) -> list[InvitationLine]:
    """The invitations of the listed dossiers (not closed) that were never used: open
    ones (closing within :data:`EXPIRING_DAYS` days marked) and those that ran out in
    the last :data:`EXPIRED_SHOWN_DAYS` days; the soonest to close first."""
    follow_ups = session.scalars(
        select(FollowUp)
        .join(Dossier, FollowUp.dossier_id == Dossier.id)
        .where(
            *criteria,
            Dossier.filter_open(),
            FollowUp.invited.is_(True),
            FollowUp.used_at.is_(None),
            FollowUp.revoked_at.is_(None),
            FollowUp.expires_at > now - timedelta(days=EXPIRED_SHOWN_DAYS),
        )
        .options(
            joinedload(FollowUp.dossier).joinedload(Dossier.owner),
            joinedload(FollowUp.dossier).joinedload(Dossier.subject),
            joinedload(FollowUp.staff),
        )
        .order_by(FollowUp.expires_at, FollowUp.id)
    ).all()
    closing = closing_by(today)
    lines = []
    for follow_up in follow_ups:
        state = follow_up.state(now)
        lines.append(
            InvitationLine(
                follow_up, state, state == FollowUpState.OPEN and follow_up.latest <= closing
            )
        )
    return lines


# ---------------------------------------------------------------------- one dossier


@dataclass(frozen=True)
class VisitLine:
    """A visit of the chain: what happened (a key of :data:`VISIT_OUTCOME_LABELS`) and
    whether it was moved."""

    visit: Appointment
    outcome: str
    moved: bool

    @property
    def label(self) -> str:
        """The outcome in words."""
        return str(VISIT_OUTCOME_LABELS[self.outcome])


def visit_outcome(visit: Appointment, now: datetime) -> str:
    """What happened to ``visit`` at ``now``: attended, no-show, cancelled, never
    confirmed, being dealt with today, or still expected."""
    if visit.completed_at is not None or visit.status == AppointmentStatus.COMPLETED:
        return "attended"
    if visit.no_show_at is not None or visit.status == AppointmentStatus.NO_SHOW:
        return "no_show"
    if visit.status == AppointmentStatus.CANCELLED:
        return "cancelled"
    if visit.status == AppointmentStatus.PENDING:
        return "lapsed" if visit.activation_expired(now) else "pending"
    if visit.arrived_at is not None:
        return "today"
    return "expected"


def visit_chain(session: Session, dossier: Dossier, now: datetime) -> list[VisitLine]:
    """The dossier's visits, oldest first, each with what happened to it."""
    visits = session.scalars(
        select(Appointment)
        .where(Appointment.dossier_id == dossier.id)
        .options(*visit_list_options())
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    lines = []
    for visit in visits:
        outcome = visit_outcome(visit, now)
        moved = (visit.sequence or 0) > 0 and outcome != "cancelled"
        lines.append(VisitLine(visit, outcome, moved))
    return lines


def dossier_follow_ups(session: Session, dossier: Dossier) -> list[FollowUp]:
    """The dossier's follow-ups and invitations, oldest first, with their clerk and
    booked visit loaded up front."""
    return list(
        session.scalars(
            select(FollowUp)
            .where(FollowUp.dossier_id == dossier.id)
            .options(joinedload(FollowUp.staff), joinedload(FollowUp.appointment))
            .order_by(FollowUp.created_at, FollowUp.id)
        )
    )


def team_colleagues(session: Session, team_id: int) -> list[StaffMember]:
    """The active people of a team, by name: who may own one of its dossiers."""
    return list(
        session.scalars(
            select(StaffMember)
            .where(StaffMember.team_id == team_id, StaffMember.active.is_(True))
            .order_by(StaffMember.name, StaffMember.id)
        )
    )


def team_subjects(session: Session, team_id: int) -> list[DossierSubject]:
    """The team's active kinds of dossier, in their order."""
    return list(
        session.scalars(
            select(DossierSubject)
            .where(DossierSubject.team_id == team_id, DossierSubject.active.is_(True))
            .order_by(DossierSubject.position, DossierSubject.id)
        )
    )


def visit_by_reference(session: Session, reference: str) -> Appointment | None:
    """The visit with this reference (as typed: spaces and case do not count), or None."""
    text = "".join(reference.split()).upper()
    if not text or len(text) > 16:
        return None
    return session.scalar(select(Appointment).where(Appointment.reference == text))


# ------------------------------------------------------------------- notifications


def notifications_of(session: Session, member: StaffMember) -> list[StaffNotification]:
    """``member``'s notifications, newest first, with their dossier and visit."""
    return list(
        session.scalars(
            select(StaffNotification)
            .where(StaffNotification.staff_id == member.id)
            .options(
                joinedload(StaffNotification.dossier),
                joinedload(StaffNotification.appointment),
                joinedload(StaffNotification.plan),
            )
            .order_by(StaffNotification.created_at.desc(), StaffNotification.id.desc())
            .limit(NOTIFICATION_LIMIT)
        )
    )
