"""Dossiers and invitations per team in a period: pure counting (no Flask, no database).

A dossier counts as opened or closed in the period by its own dates, and as open or
overdue (open with its due date passed) at the period's end, or now when the period
ends later. Invitations are those sent in the period, by what became of them by now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from ..models.dossiers import FollowUpState


@dataclass(frozen=True)
class DossierFact:
    """When a dossier was opened, closed (None: not) and due."""

    team_id: int
    created_at: datetime
    closed_at: datetime | None
    due_on: date | None


@dataclass(frozen=True)
class InvitationFact:
    """An invitation of one of the team's dossiers and its state now."""

    team_id: int
    state: FollowUpState


@dataclass
class DossierRow:
    """One team's dossiers and invitations in the period."""

    team_id: int
    opened: int = 0
    closed: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0
    invitations: int = 0
    used: int = 0
    expired: int = 0
    revoked: int = 0
    still_open: int = 0


def dossier_rows(
    dossiers: Iterable[DossierFact],
    invitations: Iterable[InvitationFact],
    start: datetime,
    end: datetime,
    end_day: date,
) -> list[DossierRow]:
    """Per team (in id order): dossiers opened and closed in ``[start, end)``, open and
    overdue at ``end`` (``end_day`` is its local date: a due date before it is overdue),
    and the invitations with what became of them."""
    rows: dict[int, DossierRow] = {}
    for dossier in dossiers:
        row = rows.setdefault(dossier.team_id, DossierRow(dossier.team_id))
        row.opened += start <= dossier.created_at < end
        closed = dossier.closed_at is not None and dossier.closed_at < end
        row.closed += closed and dossier.closed_at >= start
        if dossier.created_at < end and not closed:
            row.open_at_end += 1
            row.overdue_at_end += dossier.due_on is not None and dossier.due_on < end_day
    for invitation in invitations:
        row = rows.setdefault(invitation.team_id, DossierRow(invitation.team_id))
        row.invitations += 1
        row.used += invitation.state == FollowUpState.USED
        row.expired += invitation.state == FollowUpState.EXPIRED
        row.revoked += invitation.state == FollowUpState.REVOKED
        row.still_open += invitation.state == FollowUpState.OPEN
    return [rows[team_id] for team_id in sorted(rows)]
