"""The clerks' calendars as the scheduling core needs them: the shifts and busy spans
(absences, active visits, live holds) of the staff who may handle some services, read in
two queries, with when one of the spans stops counting by the clock alone, which is how
long a kept copy (:mod:`portal.availability_cache`) stays true
(:func:`staff_calendars_and_run_out`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from .models import (
    Absence,
    Appointment,
    AppointmentStatus,
    Hold,
    Shift,
    ShiftKind,
    StaffMember,
    staff_service,
)
from .models.base import UTCDateTime
from .scheduling import StaffCalendar


def _qualified_staff(service_ids: Sequence[int], only: frozenset[int] | None = None):
    """Subquery: active staff members who may handle every one of the services (and are
    among ``only``, when given)."""
    query = (
        select(staff_service.c.staff_id)
        .join(StaffMember, StaffMember.id == staff_service.c.staff_id)
        .where(staff_service.c.service_id.in_(service_ids), StaffMember.active.is_(True))
    )
    if only is not None:
        query = query.where(staff_service.c.staff_id.in_(sorted(only)))
    return query.group_by(staff_service.c.staff_id).having(func.count() == len(set(service_ids)))


def busy_spans_query(
    qualified,
    start: datetime,
    end: datetime,
    now: datetime,
    ignore_appointment_id: int | None,
    *,
    with_run_out: bool = False,
):
    """One query for everything that keeps staff busy: absences, active visits and live
    holds overlapping ``[start, end)`` of the people ``qualified`` (a subquery or a list
    of ids), leaving out the visit being moved. ``with_run_out`` adds a fourth column:
    when the span stops counting by the clock alone (a hold's expiry, a pending visit's
    activation deadline; NULL for the others)."""
    visits = Appointment.filter_active(now)
    if ignore_appointment_id is not None:
        visits = visits & (Appointment.id != ignore_appointment_id)
    pending_until = case(
        (Appointment.status == AppointmentStatus.PENDING, Appointment.activation_expires_at),
        else_=None,
    )
    parts = [
        select(
            model.staff_id,
            model.starts_at,
            model.ends_at,
            *([run_out] if with_run_out else []),
        ).where(model.staff_id.in_(qualified), model.filter_overlapping(start, end), criterion)
        for model, criterion, run_out in (
            (Absence, literal(True), cast(null(), UTCDateTime)),
            (Appointment, visits, pending_until),
            (Hold, Hold.filter_live(now), Hold.expires_at),
        )
    ]
    return union_all(*parts)


def staff_calendars_and_run_out(
    session: Session,
    service_ids: Sequence[int],
    kind: ShiftKind,
    start: datetime,
    end: datetime,
    now: datetime,
    ignore_appointment_id: int | None = None,
    only: frozenset[int] | None = None,
) -> tuple[list[StaffCalendar], datetime | None]:
    """Shifts and busy spans of the staff qualified for all ``service_ids`` (and among
    ``only``, when given), in two queries; and the first moment after ``now`` at which one
    of their busy spans stops counting by the clock alone (None: none will).

    ``ignore_appointment_id`` leaves one visit out of the busy spans: the one being moved,
    whose own time is free for it."""
    qualified = _qualified_staff(service_ids, only)
    shift_rows = session.execute(
        select(Shift.staff_id, Shift.starts_at, Shift.ends_at).where(
            Shift.staff_id.in_(qualified), Shift.kind == kind, Shift.filter_overlapping(start, end)
        )
    ).all()
    shifts: dict[int, list] = defaultdict(list)
    for staff_id, shift_start, shift_end in shift_rows:
        shifts[staff_id].append((shift_start, shift_end))
    if not shifts:
        return [], None
    busy: dict[int, list] = defaultdict(list)
    run_out = None
    query = busy_spans_query(qualified, start, end, now, ignore_appointment_id, with_run_out=True)
    for staff_id, busy_start, busy_end, until in session.execute(query).all():
        busy[staff_id].append((busy_start, busy_end))
        if until is not None and until > now and (run_out is None or until < run_out):
            run_out = until
    calendars = [
        StaffCalendar(staff_id, tuple(spans), tuple(busy.get(staff_id, ())))
        for staff_id, spans in sorted(shifts.items())
    ]
    return calendars, run_out
