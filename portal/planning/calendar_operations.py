"""What planners do with the city hall's calendar: save, change or delete an opening
schedule, add or delete a closure.

The hours and closures are the whole city hall's, so any planner (and any administrator)
may change them. A change that leaves booked visits outside the new hours, or on a closed
day, never cancels them: each gets the city's request to choose a new time
(:func:`portal.planning.reschedule.request_new_time`), after the change is flushed, so the
free times offered in the resident's mail already follow it. Every operation writes its
audit row and only flushes; the request commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import AuditAction, Closure, OpeningBlock, OpeningSchedule, StaffMember
from ..staff.audit import record
from .affected import AffectedVisits
from .calendar_forms import ClosureInput, ScheduleInput
from .reschedule import TimeSuggestions, request_new_time

# The reason residents read when new opening hours move their visit. Stored like a
# closure's Dutch reason: plain text, the mail around it speaks the resident's language.
HOURS_REASON = "De openingsuren van het stadhuis veranderen."


def ask_for_new_times(
    session: Session, affected: AffectedVisits, reason: str, now: datetime
) -> int:
    """Ask the resident of every affected visit to choose a new time; how many were asked."""
    suggestions = TimeSuggestions(session, now)
    for visit in affected.visits:
        request_new_time(session, visit, reason, now, suggestions)
    return affected.count


# ------------------------------------------------------------------------ opening hours


def schedule_problems(
    session: Session, schedule: OpeningSchedule | None, data: ScheduleInput
) -> list[str]:
    """Why ``data`` cannot replace ``schedule`` (None: be added), as messages: another
    schedule with exactly the same days (which one would count?), or no schedule left
    without an end date (the city hall would be closed after it)."""
    others = [
        other
        for other in session.scalars(select(OpeningSchedule))
        if schedule is None or other.id != schedule.id
    ]
    problems = []
    if any((o.valid_from, o.valid_until) == (data.valid_from, data.valid_until) for o in others):
        problems.append(
            _("Er bestaat al een schema voor precies dezelfde periode. Pas dat schema aan.")
        )
    if data.valid_until is not None and not any(o.valid_until is None for o in others):
        problems.append(_("Er moet altijd een schema zonder einddatum blijven."))
    return problems


def can_delete_schedule(session: Session, schedule: OpeningSchedule) -> bool:
    """Whether ``schedule`` may go: not the last one without an end date."""
    if schedule.valid_until is not None:
        return True
    return any(
        other.valid_until is None and other.id != schedule.id
        for other in session.scalars(select(OpeningSchedule))
    )


def save_schedule(
    session: Session,
    actor: StaffMember,
    schedule: OpeningSchedule | None,
    data: ScheduleInput,
    affected: AffectedVisits,
    now: datetime,
) -> OpeningSchedule:
    """Save ``data`` as ``schedule`` (None: a new one), then ask the residents of the
    ``affected`` visits to choose a new time; audit row "opening_hours.create|update"."""
    subject = "opening_hours.update" if schedule is not None else "opening_hours.create"
    if schedule is None:
        schedule = OpeningSchedule()
        session.add(schedule)
    schedule.name = data.name
    schedule.valid_from = data.valid_from
    schedule.valid_until = data.valid_until
    schedule.blocks = [
        OpeningBlock(weekday=block.weekday, opens=block.opens, closes=block.closes)
        for block in data.blocks
    ]
    session.flush()
    asked = ask_for_new_times(session, affected, HOURS_REASON, now)
    record(
        session,
        actor,
        AuditAction.CHANGE,
        subject,
        detail={"schedule_id": schedule.id, "name": schedule.name, "visits_asked": asked},
        now=now,
    )
    session.flush()
    return schedule


def delete_schedule(
    session: Session,
    actor: StaffMember,
    schedule: OpeningSchedule,
    affected: AffectedVisits,
    now: datetime,
) -> None:
    """Delete ``schedule`` (check :func:`can_delete_schedule` first), then ask the
    residents of the ``affected`` visits to choose a new time; audit "opening_hours.delete"."""
    detail = {"schedule_id": schedule.id, "name": schedule.name}
    session.delete(schedule)
    session.flush()
    detail["visits_asked"] = ask_for_new_times(session, affected, HOURS_REASON, now)
    record(session, actor, AuditAction.CHANGE, "opening_hours.delete", detail=detail, now=now)
    session.flush()


# ------------------------------------------------------------------------------ closures


def create_closure(
    session: Session,
    actor: StaffMember,
    data: ClosureInput,
    affected: AffectedVisits,
    now: datetime,
) -> Closure:
    """Add the closure, then ask the residents of the ``affected`` visits to choose a new
    time with the closure's Dutch reason; audit row "closure.create"."""
    closure = Closure(
        starts_on=data.starts_on, ends_on=data.ends_on, kind=data.kind, reasons=data.reasons
    )
    session.add(closure)
    session.flush()
    asked = ask_for_new_times(session, affected, data.reasons["nl"], now)
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "closure.create",
        detail={
            "closure_id": closure.id,
            "starts_on": closure.starts_on.isoformat(),
            "ends_on": closure.ends_on.isoformat(),
            "kind": closure.kind.value,
            "visits_asked": asked,
        },
        now=now,
    )
    session.flush()
    return closure


def delete_closure(session: Session, actor: StaffMember, closure: Closure, now: datetime) -> None:
    """Delete a closure: the city hall opens again those days (no visit is touched; the
    days simply become bookable); audit row "closure.delete"."""
    detail = {
        "closure_id": closure.id,
        "starts_on": closure.starts_on.isoformat(),
        "ends_on": closure.ends_on.isoformat(),
        "kind": closure.kind.value,
    }
    session.delete(closure)
    record(session, actor, AuditAction.CHANGE, "closure.delete", detail=detail, now=now)
    session.flush()
