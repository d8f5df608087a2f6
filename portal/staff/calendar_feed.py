"""What the staff calendar shows over a range, as the JSON its calendar component reads.

A calendar has a *scope* (:mod:`portal.staff.calendar_scope`): a team (its members side by
side), one counter, the reader's counters side by side, or one staff member. Over a range
it shows the scope's visits (not the cancelled ones, nor pending ones whose activation ran
out) and, behind them, the counter shifts, back-office shifts and absences of its people
and the days the city hall is closed. Six queries whatever the range or the number of
visits: visits (with their services and texts), shifts, absences and closures.

Times go out as ISO 8601 with the Brussels offset; the component shows them in the
browser's local time (the staff's browsers run in Brussels).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..availability import public_holidays
from ..i18n import _, _l, ngettext
from ..models import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentStatus,
    Closure,
    Shift,
    ShiftKind,
    StaffMember,
)
from ..notifications.summary import local_time
from ..spoken_languages import spoken_language_text
from ..timeutil import isoformat_local
from .access import filter_visible_visits, visit_list_options
from .calendar_scope import CalendarScope, counter_title, scope_staff

# The CSS classes of the background events (static/css/staff-calendar.css colours them).
CLASS_COUNTER_SHIFT = "cal-counter-shift"
CLASS_BACK_OFFICE = "cal-back-office"
CLASS_ABSENCE = "cal-absence"
CLASS_CLOSED = "cal-closed-day"
ABSENCE_LABELS = {
    AbsenceKind.LEAVE: _l("Verlof"),
    AbsenceKind.TRAINING: _l("Opleiding"),
    AbsenceKind.SICK: _l("Ziek"),
    AbsenceKind.OTHER: _l("Afwezig"),
}


def load_visits(
    session: Session, viewer: StaffMember, scope: CalendarScope, start: datetime, end: datetime
) -> list[Appointment]:
    """The visits of ``scope`` starting in ``[start, end)`` that ``viewer`` may see, not
    cancelled, in time order; services (with their texts), clerk and counter loaded up
    front, so that no query runs per visit."""
    query = (
        select(Appointment)
        .where(
            filter_visible_visits(viewer),
            Appointment.filter_between(start, end),
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .options(*visit_list_options())
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if scope.kind == "team":
        query = query.where(Appointment.filter_teams([scope.team.id]))
    elif scope.by_counter:
        query = query.where(Appointment.counter_id.in_(scope.counter_ids))
    else:
        query = query.where(Appointment.staff_id == scope.member.id)
    return list(session.scalars(query))


def visits_to_show(visits: Iterable[Appointment], now: datetime) -> list[Appointment]:
    """Leave out the pending visits whose activation ran out: their time went back."""
    return [visit for visit in visits if not visit.activation_expired(now)]


def can_drag(visit: Appointment, now: datetime) -> bool:
    """Whether the calendar lets staff drag ``visit`` to another time: confirmed, nobody
    arrived yet and its time still to come (the server checks again when it is moved)."""
    return (
        visit.status == AppointmentStatus.CONFIRMED
        and visit.stage == "expected"
        and visit.starts_at > now
    )


def service_names(visit: Appointment, language: str) -> str:
    """The visit's services in one line, in ``language``."""
    return ", ".join(service.name(language) for service in visit.services)


def persons_text(persons: int) -> str:
    """ "1 persoon" / "3 personen"."""
    return ngettext("%(num)d persoon", "%(num)d personen", persons)


def visit_event(visit: Appointment, scope: CalendarScope, language: str, now: datetime) -> dict:
    """One visit as a calendar event, in the column of its clerk (or of its counter)."""
    resource = visit.counter_id if scope.by_counter else visit.staff_id
    editable = can_drag(visit, now)
    title = _(
        "%(time)s %(reference)s · %(services)s (%(persons)s)",
        time=local_time(visit.starts_at),
        reference=visit.reference,
        services=service_names(visit, language),
        persons=persons_text(visit.persons),
    )
    # The language at the counter, in the reader's language and in itself.
    spoken = spoken_language_text(visit.spoken_language, visit.spoken_language_other, language)
    return {
        "id": str(visit.id),
        "resourceIds": [str(resource)] if resource is not None else [],
        "start": isoformat_local(visit.starts_at),
        "end": isoformat_local(visit.ends_at),
        "title": f"{title} · {spoken}" if spoken else title,
        "url": url_for("staff.visit", visit_id=visit.id),
        "editable": editable,
        "startEditable": editable,
        "durationEditable": False,
        "classNames": ["cal-visit", f"cal-stage-{visit.stage}"],
        "extendedProps": {
            "reference": visit.reference,
            "services": service_names(visit, language),
            "persons": persons_text(visit.persons),
            "stage": visit.stage,
            "resident": visit.resident_name,
            "staff": visit.staff.name,
            "counter": visit.counter.number if visit.counter is not None else None,
            "language": spoken or None,
        },
    }


def _background(event_id: str, start: datetime, end: datetime, title: str, css: str, resource):
    """A timed background event (a shift, an absence) in one column."""
    return {
        "id": event_id,
        "resourceIds": [str(resource)],
        "start": isoformat_local(start),
        "end": isoformat_local(end),
        "title": title,
        "display": "background",
        "classNames": [css],
    }


def shift_events(
    session: Session, scope: CalendarScope, members: list[StaffMember], start, end
) -> list[dict]:
    """The counter shifts (per staff member, or of the counter) and the back-office
    shifts (per staff member) overlapping ``[start, end)``, as background events."""
    query = (
        select(Shift)
        .where(Shift.filter_overlapping(start, end))
        .options(joinedload(Shift.counter))
        .order_by(Shift.starts_at, Shift.id)
    )
    if scope.by_counter:
        query = query.where(Shift.counter_id.in_(scope.counter_ids))
    else:
        query = query.where(Shift.staff_id.in_([member.id for member in members]))
    events = []
    for shift in session.scalars(query):
        if shift.kind == ShiftKind.COUNTER:
            title = counter_title(shift.counter)
            css = CLASS_COUNTER_SHIFT
        else:
            title, css = _("Backoffice"), CLASS_BACK_OFFICE
        resource = shift.counter_id if scope.by_counter else shift.staff_id
        events.append(
            _background(f"shift-{shift.id}", shift.starts_at, shift.ends_at, title, css, resource)
        )
    return events


def absence_events(
    session: Session, members: list[StaffMember], start: datetime, end: datetime
) -> list[dict]:
    """The staff members' absences overlapping ``[start, end)`` (the kind only, never
    the note), as background events."""
    if not members:
        return []
    absences = session.scalars(
        select(Absence)
        .where(
            Absence.staff_id.in_([member.id for member in members]),
            Absence.filter_overlapping(start, end),
        )
        .order_by(Absence.starts_at, Absence.id)
    )
    return [
        _background(
            f"absence-{absence.id}",
            absence.starts_at,
            absence.ends_at,
            str(ABSENCE_LABELS.get(absence.kind, ABSENCE_LABELS[AbsenceKind.OTHER])),
            CLASS_ABSENCE,
            absence.staff_id,
        )
        for absence in absences
    ]


def closed_days_named(session: Session, first: date, last: date, language: str) -> dict:
    """The closed days in ``first``..``last`` with why: Belgian public holidays and the
    city's closures, the reason in ``language`` (Dutch where the holiday names lack it)."""
    named = public_holidays(first, last, language)
    dutch = public_holidays(first, last, "nl") if any(not n for n in named.values()) else {}
    reasons = {day: name or dutch.get(day, "") for day, name in named.items()}
    for closure in session.scalars(Closure.between(first, last)):
        day = max(closure.starts_on, first)
        while day <= min(closure.ends_on, last):
            reasons.setdefault(day, closure.reason(language))
            day += timedelta(days=1)
    return dict(sorted(reasons.items()))


def closed_day_events(closed: dict[date, str], resource_ids: list[str]) -> list[dict]:
    """Each closed day as an all-day background event in every column, with its reason."""
    return [
        {
            "id": f"closed-{day.isoformat()}",
            "resourceIds": resource_ids,
            "start": day.isoformat(),
            "end": (day + timedelta(days=1)).isoformat(),
            "allDay": True,
            "title": reason or _("Gesloten"),
            "display": "background",
            "classNames": [CLASS_CLOSED],
        }
        for day, reason in closed.items()
    ]


@dataclass
class CalendarFeed:
    """The events of a range, and how many of them are visits (for the audit trail)."""

    events: list[dict]
    visit_count: int


def calendar_feed(
    session: Session,
    viewer: StaffMember,
    scope: CalendarScope,
    start: datetime,
    end: datetime,
    local_days: tuple[date, date],
    now: datetime,
    language: str,
) -> CalendarFeed:
    """Everything the calendar shows for ``scope`` in ``[start, end)``: the visits, then
    the background of shifts, absences and closed days (``local_days``: first and last
    local date of the range)."""
    visits = visits_to_show(load_visits(session, viewer, scope, start, end), now)
    members = scope_staff(session, scope)
    if scope.by_counter:
        resource_ids = [str(counter_id) for counter_id in scope.counter_ids]
    else:
        resource_ids = [str(member.id) for member in members]
    events = [visit_event(visit, scope, language, now) for visit in visits]
    events += shift_events(session, scope, members, start, end)
    if not scope.by_counter:
        events += absence_events(session, members, start, end)
    closed = closed_days_named(session, *local_days, language)
    events += closed_day_events(closed, resource_ids)
    return CalendarFeed(events=events, visit_count=len(visits))
