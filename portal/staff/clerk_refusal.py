"""Why a chosen clerk cannot take a visit at a chosen time, in words a caller can be told:
not qualified for the services, away, not at the counter (or in the back office) then,
or already busy. Staff booking on behalf of a resident (:mod:`portal.staff.on_behalf`)
shows it instead of a bare "not free"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..availability import is_counter_visit
from ..i18n import _
from ..models import Absence, Appointment, Hold, Service, Shift, ShiftKind, StaffMember


def clerk_refusal(
    session: Session,
    clerk: StaffMember,
    services: Sequence[Service],
    start: datetime,
    end: datetime,
    now: datetime,
) -> str | None:
    """The reason ``clerk`` cannot take ``services`` from ``start`` to ``end``, checked in
    the order a planner would ask; None when none of these applies (the time itself is
    not bookable, which the caller says)."""
    qualified = {service.id for service in clerk.services}
    if any(service.id not in qualified for service in services):
        return _("%(name)s is niet bevoegd voor deze dienst.", name=clerk.name)
    if session.scalar(
        select(
            exists().where(Absence.staff_id == clerk.id, Absence.filter_overlapping(start, end))
        )
    ):
        return _("%(name)s is op dat moment afwezig.", name=clerk.name)
    kind = ShiftKind.COUNTER if is_counter_visit(services) else ShiftKind.BACK_OFFICE
    on_duty = select(
        exists().where(
            Shift.staff_id == clerk.id,
            Shift.kind == kind,
            Shift.starts_at <= start,
            Shift.ends_at >= end,
        )
    )
    if not session.scalar(on_duty):
        if kind == ShiftKind.COUNTER:
            return _("%(name)s heeft op dat moment geen loketdienst.", name=clerk.name)
        return _("%(name)s werkt op dat moment niet in de backoffice.", name=clerk.name)
    busy = select(
        exists().where(
            Appointment.staff_id == clerk.id,
            Appointment.filter_overlapping(start, end),
            Appointment.filter_active(now),
        )
    )
    held = select(
        exists().where(
            Hold.staff_id == clerk.id, Hold.filter_overlapping(start, end), Hold.filter_live(now)
        )
    )
    if session.scalar(busy) or session.scalar(held):
        return _("%(name)s heeft op dat moment al een afspraak.", name=clerk.name)
    return None
