"""Who could take a stranded visit, read from the database for the pure check in
:mod:`portal.scheduling.stranded`: the visits as plain data, and the team's people with
their shifts, services, languages and what already keeps them busy.

Shared by publishing a plan and by recording an absence, so both propose the same way.
A visit of a dossier proposes the dossier's owner first, when the owner is on duty then,
free and may handle the visit's services: the clerk who knows the case keeps it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from ..booking.operations import move
from ..booking.settings import BookingSettings
from ..clerk_calendars import busy_spans_query
from ..models import Appointment, AppointmentStatus, Dossier, ShiftKind, StaffMember
from ..scheduling.stranded import BookedVisit, Colleague, stranded_visits
from .affected import is_counter_visit
from .reschedule import TimeSuggestions, request_new_time

# A planner's answer for one stranded visit: a colleague's id, or this.
ASK_RESIDENT = "ask"


def team_people(session: Session, team_id: int) -> list[StaffMember]:
    """The team's active people by name, with their services and languages: those an
    absence can be entered for, and the colleagues who could take over a visit."""
    return list(
        session.scalars(
            select(StaffMember)
            .where(StaffMember.team_id == team_id, StaffMember.filter_active())
            .options(selectinload(StaffMember.services), selectinload(StaffMember.spoken_languages))
            .order_by(StaffMember.name, StaffMember.id)
        )
    )


def booked_visit(visit: Appointment, owners: Mapping[int, int] | None = None) -> BookedVisit:
    """``visit`` as the stranded check sees it; ``owners`` maps a dossier's id to its
    owner's, who is then the colleague proposed first."""
    kind = ShiftKind.COUNTER if is_counter_visit(visit) else ShiftKind.BACK_OFFICE
    return BookedVisit(
        id=visit.id,
        staff_id=visit.staff_id,
        start=visit.starts_at,
        end=visit.ends_at,
        kind=kind.value,
        services=frozenset(entry.service_id for entry in visit.booked_services),
        language=visit.spoken_language or "",
        preferred=(owners or {}).get(visit.dossier_id),
    )


def dossier_owners(visits: Sequence[Appointment]) -> dict[int, int]:
    """Dossier id → owner id for the dossiers of ``visits`` (one query; none without)."""
    ids = {visit.dossier_id for visit in visits if visit.dossier_id is not None}
    session = object_session(visits[0]) if ids else None
    if session is None:
        return {}
    query = select(Dossier.id, Dossier.owner_id).where(Dossier.id.in_(ids))
    return {dossier_id: owner_id for dossier_id, owner_id in session.execute(query)}


def busy_spans(
    session: Session, ids: Sequence[int], start: datetime, end: datetime, now: datetime
) -> dict[int, list]:
    """What keeps the people ``ids`` busy in ``[start, end)``: absences, active visits and
    live holds, by person (one query)."""
    busy: dict[int, list] = defaultdict(list)
    for staff_id, span_start, span_end in session.execute(
        busy_spans_query(list(ids), start, end, now, None)
    ):
        busy[staff_id].append((span_start, span_end))
    return busy


def colleagues(
    people: Iterable[StaffMember], shifts: Mapping[int, Mapping[str, Sequence]], busy: Mapping
) -> list[Colleague]:
    """The people as candidates: ``shifts`` maps a person to their spans by shift kind
    ("counter", "back_office"), ``busy`` to the spans they are taken."""
    return [
        Colleague(
            id=person.id,
            shifts={kind: tuple(spans) for kind, spans in shifts.get(person.id, {}).items()},
            services=frozenset(service.id for service in person.services),
            languages=frozenset(person.languages),
            busy=tuple(busy.get(person.id, ())),
        )
        for person in people
    ]


def proposals(
    visits: Sequence[Appointment], people: Sequence[StaffMember], candidates: list[Colleague]
) -> list[tuple[Appointment, list[StaffMember]]]:
    """The stranded ones of ``visits``, each with the colleagues who could take it (best
    first: a dossier visit's owner when free, then who speaks the resident's language). A
    visit still awaiting activation cannot be moved, so it gets none: only its resident
    can be asked for a new time."""
    confirmed = [v for v in visits if v.status == AppointmentStatus.CONFIRMED]
    waiting = [v for v in visits if v.status != AppointmentStatus.CONFIRMED]
    by_person = {person.id: person for person in people}
    by_visit = {visit.id: visit for visit in visits}
    owners = dossier_owners(confirmed)
    found = [
        (by_visit[entry.visit_id], [by_person[i] for i in entry.candidates])
        for entry in stranded_visits([booked_visit(v, owners) for v in confirmed], candidates)
    ]
    found += [
        (by_visit[entry.visit_id], [])
        for entry in stranded_visits([booked_visit(v) for v in waiting], candidates)
    ]
    return sorted(found, key=lambda pair: (pair[0].starts_at, pair[0].id))


def carry_out(
    session: Session,
    decisions: Iterable[tuple[Appointment, str]],
    reason: str,
    now: datetime,
    settings: BookingSettings,
) -> tuple[int, int]:
    """Do what the planner chose for each stranded visit: keep its time with a colleague
    (the colleague's id) or ask the resident for a new time (:data:`ASK_RESIDENT`, with
    ``reason``); flushed. Returns (visits given to a colleague, residents asked). A
    colleague booked in the meantime raises the booking error: roll back, all or nothing."""
    moved = asked = 0
    suggestions = TimeSuggestions(session, now)
    for visit, choice in decisions:
        if choice == ASK_RESIDENT:
            request_new_time(session, visit, reason, now, suggestions)
            asked += 1
        else:
            move(
                session, visit, visit.starts_at, now, settings, for_staff=True, staff_id=int(choice)
            )
            moved += 1
    return moved, asked
