"""What planners do with absences (leave, training, illness): see which booked visits an
absence would leave without their staff member, with a proposal for each, then save the
absence and carry out the planner's decisions, or delete an absence.

Nothing booked is dropped. The published rota stays as it is, but the absent person's
visits in the absence are stranded by definition: each goes to a qualified colleague who
is on duty then and free (the pure :func:`portal.scheduling.stranded.stranded_visits`
proposes them, one speaking the resident's language first), or the resident is asked to
choose a new time (:func:`portal.planning.reschedule.request_new_time`); no visit is
cancelled. Operations write their audit row and only flush; the request commits once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..booking.errors import BookingError
from ..booking.settings import BookingSettings
from ..i18n import _l
from ..models import (
    Absence,
    Appointment,
    AppointmentStatus,
    AuditAction,
    Shift,
    StaffMember,
)
from ..scheduling import intervals
from ..scheduling.stranded import Colleague
from ..staff.access import visit_list_options
from ..staff.audit import record
from .absence_forms import AbsenceInput
from .affected import AffectedVisits
from .colleagues import ASK_RESIDENT, busy_spans, carry_out, colleagues, proposals, team_people

# The reason the resident reads in the mail that asks for a new time. Stored like a
# closure's Dutch reason (plain text, the mail around it speaks the resident's
# language); it says nothing about the staff member or why they are away.
ABSENCE_REASON = "De medewerker van uw afspraak is op dat moment afwezig."


class AbsenceRefused(BookingError):
    """The absence cannot be saved as asked (see ``text``); nothing was changed."""

    code = "absence_refused"
    text = _l("Deze afwezigheid kan niet bewaard worden.")

    def __init__(self, text=None):
        super().__init__()
        if text is not None:
            self.text = text


@dataclass(frozen=True)
class ReviewEntry:
    """A visit the absence leaves without its staff member, and who could take it (best
    first). A visit the resident has not confirmed yet cannot be moved by staff: only a
    new time can be asked for it."""

    visit: Appointment
    candidates: list[StaffMember]

    @property
    def movable(self) -> bool:
        """Whether the visit can go to a colleague (confirmed visits only)."""
        return self.visit.status == AppointmentStatus.CONFIRMED

    @property
    def proposal(self) -> str:
        """The choice the review preselects: the first candidate, else a new time."""
        return str(self.candidates[0].id) if self.candidates else ASK_RESIDENT


@dataclass(frozen=True)
class AbsenceReview:
    """The visits an absence touches, each with its candidates, in time order."""

    entries: list[ReviewEntry]

    @property
    def fingerprint(self) -> str:
        """A digest of the visits' ids: the review page sends it back, so a confirmation
        after a new booking shows the new list first instead of saving."""
        return AffectedVisits(tuple(entry.visit for entry in self.entries)).fingerprint


def overlapping_absence(session: Session, data: AbsenceInput) -> Absence | None:
    """An absence of the same person that overlaps ``data`` (one is enough)."""
    return session.scalar(
        select(Absence)
        .where(
            Absence.staff_id == data.staff_id,
            Absence.filter_overlapping(data.starts_at, data.ends_at),
        )
        .order_by(Absence.starts_at)
        .limit(1)
    )


def touched_visits(
    session: Session, staff_id: int, start: datetime, end: datetime, now: datetime
) -> list[Appointment]:
    """The person's booked, active visits that overlap ``[start, end)`` and have not
    started yet, in time order, with services, staff member and counter loaded."""
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.staff_id == staff_id,
                Appointment.filter_active(now),
                Appointment.filter_overlapping(start, end),
                Appointment.starts_at >= now,
            )
            .options(*visit_list_options())
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def team_colleagues(
    session: Session, data: AbsenceInput, people: list[StaffMember], now: datetime
) -> list[Colleague]:
    """The team's people as the stranded check sees them over the absence's span: their
    published shifts by kind (the absent person's with the absence taken out), services,
    languages and busy spans (absences, active visits, live holds)."""
    start, end = data.starts_at, data.ends_at
    ids = [person.id for person in people]
    shifts = defaultdict(lambda: defaultdict(list))
    for staff_id, kind, shift_start, shift_end in session.execute(
        select(Shift.staff_id, Shift.kind, Shift.starts_at, Shift.ends_at).where(
            Shift.staff_id.in_(ids), Shift.filter_overlapping(start, end)
        )
    ):
        shifts[staff_id][kind.value].append((shift_start, shift_end))
    for kind, spans in shifts[data.staff_id].items():
        shifts[data.staff_id][kind] = intervals.subtract(intervals.normalize(spans), [(start, end)])
    return colleagues(people, shifts, busy_spans(session, ids, start, end, now))


def review_absence(
    session: Session, data: AbsenceInput, team_id: int, now: datetime
) -> AbsenceReview:
    """The visits the absence ``data`` would leave without their staff member, each with
    the team's colleagues who could take it (confirmed visits only; see
    :class:`ReviewEntry`)."""
    visits = touched_visits(session, data.staff_id, data.starts_at, data.ends_at, now)
    if not visits:
        return AbsenceReview([])
    people = team_people(session, team_id)
    found = proposals(visits, people, team_colleagues(session, data, people, now))
    return AbsenceReview([ReviewEntry(visit, candidates) for visit, candidates in found])


def check_decisions(review: AbsenceReview, decisions: dict[int, str]) -> None:
    """Every visit of the review has a choice it allows: one of its candidates (only for
    a confirmed visit) or a new time; :class:`AbsenceRefused` otherwise."""
    if set(decisions) != {entry.visit.id for entry in review.entries}:
        raise AbsenceRefused(
            _l("De lijst van afspraken is intussen veranderd. Bekijk ze opnieuw en beslis.")
        )
    for entry in review.entries:
        choice = decisions[entry.visit.id]
        allowed = {str(person.id) for person in entry.candidates} if entry.movable else set()
        if choice != ASK_RESIDENT and choice not in allowed:
            raise AbsenceRefused(
                _l("Kies voor elke afspraak een collega of een nieuw tijdstip voor de bewoner.")
            )


def create_absence(
    session: Session,
    actor: StaffMember,
    data: AbsenceInput,
    team_id: int,
    review: AbsenceReview,
    decisions: dict[int, str],
    now: datetime,
    settings: BookingSettings,
) -> tuple[Absence, int, int]:
    """Save the absence and carry out the planner's ``decisions`` for the ``review``'s
    visits (visit id → colleague id or :data:`ASK_RESIDENT`): each visit keeps its time
    and goes to that colleague, or its resident is asked for a new time; flushed, audit
    row "absence.create". Returns (absence, visits given to a colleague, residents
    asked). Raises :class:`AbsenceRefused` for a choice the review does not allow, or the
    booking error when a colleague was booked in the meantime (roll back: all or nothing)."""
    check_decisions(review, decisions)
    absence = Absence(
        staff_id=data.staff_id,
        kind=data.kind,
        note=data.note,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )
    session.add(absence)
    session.flush()
    moved, asked = carry_out(
        session,
        [(entry.visit, decisions[entry.visit.id]) for entry in review.entries],
        ABSENCE_REASON,
        now,
        settings,
    )
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "absence.create",
        team_id=team_id,
        detail={
            "absence_id": absence.id,
            "staff_id": data.staff_id,
            "to_colleague": moved,
            "asked_new_time": asked,
        },
        now=now,
    )
    session.flush()
    return absence, moved, asked


def absence_of_team(session: Session, absence_id: int, team_ids: list[int] | None):
    """Absence ``absence_id`` with its person, if that person is in ``team_ids`` (None:
    any team); None otherwise."""
    query = select(Absence).where(Absence.id == absence_id).options(joinedload(Absence.staff))
    if team_ids is not None:
        query = query.where(Absence.filter_teams(team_ids))
    return session.scalar(query)


def delete_absence(session: Session, actor: StaffMember, absence: Absence, now: datetime) -> None:
    """Delete an absence: the person's time counts again for booking (visits already
    moved or asked for a new time stay as they are); audit row "absence.delete"."""
    detail = {"absence_id": absence.id, "staff_id": absence.staff_id}
    team_id = absence.staff.team_id
    session.delete(absence)
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "absence.delete",
        team_id=team_id,
        detail=detail,
        now=now,
    )
    session.flush()
