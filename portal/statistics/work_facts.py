"""The shifts, booked time, dossiers and invitations the statistics count, read from the
database: times, kinds and team ids only (no resident's details)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from ..models import (
    Appointment,
    AppointmentStatus,
    Dossier,
    FollowUp,
    Shift,
    ShiftKind,
    StaffMember,
    Team,
)
from .capacity import BookedSpan, ShiftFact
from .dossier_figures import DossierFact, InvitationFact


def shift_facts(
    session: Session, start: datetime, end: datetime, team_ids: Sequence[int] | None
) -> list[ShiftFact]:
    """The shifts that start in ``[start, end)`` of the clerks of ``team_ids`` (None:
    every team), with their team's reserved share."""
    query = (
        select(Shift.staff_id, Shift.kind, Shift.starts_at, Shift.ends_at, Team.reserved_percent)
        .join(StaffMember, StaffMember.id == Shift.staff_id)
        .join(Team, Team.id == StaffMember.team_id)
        .where(Shift.starts_at >= start, Shift.starts_at < end)
    )
    if team_ids is not None:
        query = query.where(StaffMember.team_id.in_(list(team_ids)))
    return [
        ShiftFact(
            row.staff_id,
            row.kind == ShiftKind.COUNTER,
            row.starts_at,
            row.ends_at,
            row.reserved_percent,
        )
        for row in session.execute(query)
    ]


def booked_spans(
    session: Session, start: datetime, end: datetime, team_ids: Sequence[int] | None
) -> list[BookedSpan]:
    """The visits in ``[start, end)`` that were not cancelled, of the clerks of
    ``team_ids`` (None: every team)."""
    query = select(Appointment.staff_id, Appointment.starts_at, Appointment.ends_at).where(
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
        Appointment.status != AppointmentStatus.CANCELLED,
    )
    if team_ids is not None:
        query = query.where(Appointment.filter_teams(team_ids))
    return [BookedSpan(*row) for row in session.execute(query)]


def dossier_facts(
    session: Session, start: datetime, end: datetime, team_ids: Sequence[int] | None
) -> list[DossierFact]:
    """The dossiers of ``team_ids`` (None: every team) that were open at some moment of
    ``[start, end)``: opened before its end and not closed before its start."""
    query = select(Dossier.team_id, Dossier.created_at, Dossier.closed_at, Dossier.due_on).where(
        Dossier.created_at < end, (Dossier.closed_at.is_(None)) | (Dossier.closed_at >= start)
    )
    if team_ids is not None:
        query = query.where(Dossier.filter_teams(team_ids))
    return [DossierFact(*row) for row in session.execute(query)]


def invitation_facts(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    team_ids: Sequence[int] | None,
) -> list[InvitationFact]:
    """The invitations made in ``[start, end)`` for dossiers of ``team_ids``, with their
    state at ``now``."""
    query = (
        select(FollowUp, Dossier.team_id)
        .join(Dossier, Dossier.id == FollowUp.dossier_id)
        .options(
            load_only(FollowUp.used_at, FollowUp.revoked_at, FollowUp.expires_at, raiseload=True)
        )
        .where(FollowUp.invited.is_(True), FollowUp.created_at >= start, FollowUp.created_at < end)
    )
    if team_ids is not None:
        query = query.where(Dossier.filter_teams(team_ids))
    return [
        InvitationFact(team_id, follow_up.state(now))
        for follow_up, team_id in session.execute(query)
    ]
