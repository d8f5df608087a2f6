"""Writing the audit trail: one row per look at, change to or export of residents' data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..models import Appointment, AuditAction, AuditEvent, StaffMember
from ..timeutil import utcnow


def record(
    session: Session,
    actor: StaffMember | None,
    action: AuditAction,
    subject: str,
    *,
    visit: Appointment | None = None,
    team_id: int | None = None,
    detail: dict | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add an audit row: ``actor`` did ``action`` (``subject`` says what, e.g.
    "visit.view") to ``visit`` or to a team's list. ``detail`` holds small facts without
    residents' personal data. Added to the request's transaction, so a change and its
    audit row are committed together or not at all."""
    event = AuditEvent(
        at=now or utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject=subject,
        appointment_id=visit.id if visit is not None else None,
        reference=visit.reference if visit is not None else None,
        team_id=team_id if team_id is not None else (visit.staff.team_id if visit else None),
        detail=detail or {},
    )
    session.add(event)
    return event
