"""The visit facts the statistics are made of, read from the database: only the columns
that carry no personal data (times, status, channel, services, language code, whether an
interpreter was asked). The purge and an erasure on request leave exactly these, so the
figures of a period never change once it is over."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Appointment, AppointmentService, StaffMember
from .day_figures import VisitFact

# The channels a visit can be booked through, as the filter names them.
CHANNELS = ("web", "api", "staff", "invitation")


def channel_of(channel: str, follow_up_id: int | None) -> str:
    """The channel a visit came through: an invitation's, or the one it was booked by."""
    return "invitation" if follow_up_id is not None else channel


def visit_facts(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    team_ids: Sequence[int] | None,
    service_id: int | None = None,
    channel: str | None = None,
) -> list[VisitFact]:
    """The facts of the visits that start in ``[start, end)``, of the clerks of
    ``team_ids`` (None: every team), for ``service_id`` and through ``channel`` when
    given: two queries."""
    criteria = [Appointment.starts_at >= start, Appointment.starts_at < end]
    if team_ids is not None:
        criteria.append(
            Appointment.staff_id.in_(
                select(StaffMember.id).where(StaffMember.team_id.in_(team_ids))
            )
        )
    rows = session.execute(
        select(
            Appointment.id,
            Appointment.starts_at,
            Appointment.created_at,
            Appointment.status,
            Appointment.channel,
            Appointment.follow_up_id,
            Appointment.cancelled_at,
            Appointment.arrived_at,
            Appointment.called_at,
            Appointment.completed_at,
            Appointment.spoken_language,
            Appointment.interpreter_needed,
            StaffMember.team_id,
        )
        .outerjoin(StaffMember, StaffMember.id == Appointment.staff_id)
        .where(*criteria)
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    # The same visits' services, by the same criteria (never a list of ids: a year of a
    # large city has more visits than a statement may carry parameters).
    services: dict[int, list[int]] = defaultdict(list)
    for appointment_id, booked_service in session.execute(
        select(AppointmentService.appointment_id, AppointmentService.service_id)
        .join(Appointment, Appointment.id == AppointmentService.appointment_id)
        .where(*criteria)
        .order_by(AppointmentService.appointment_id, AppointmentService.position)
    ):
        services[appointment_id].append(booked_service)
    facts = []
    for row in rows:
        fact = VisitFact(
            starts_at=row.starts_at,
            created_at=row.created_at,
            status=str(row.status),
            channel=channel_of(row.channel, row.follow_up_id),
            service_ids=tuple(services.get(row.id, ())),
            cancelled_at=row.cancelled_at,
            arrived_at=row.arrived_at,
            called_at=row.called_at,
            completed_at=row.completed_at,
            spoken_language=row.spoken_language,
            interpreter_needed=bool(row.interpreter_needed),
            team_id=row.team_id,
        )
        if service_id is not None and service_id not in fact.service_ids:
            continue
        if channel is not None and fact.channel != channel:
            continue
        facts.append(fact)
    return facts
