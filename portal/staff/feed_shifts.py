"""The published rota in a staff member's calendar feed: their shifts from published plans,
as events beside their visits.

A counter shift is busy time ("Balie 3"); a back-office shift is shown as free, so a
colleague planning a meeting still sees the person as available. Publishing a plan
replaces the shifts of its days with new rows, so the event of a replaced shift
disappears from the feed and the new one appears (the UID follows the row). Each event
says from which plan it comes and when that plan was published. No resident is named.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date
from icalendar import Event
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..i18n import _
from ..models import Shift, ShiftKind, StaffMember
from ..notifications.ics import UID_DOMAIN
from ..timeutil import end_of_local_day, start_of_local_day, to_local


def feed_shifts(session: Session, member: StaffMember, first: date, last: date) -> list[Shift]:
    """``member``'s shifts from published plans on the Brussels days ``first``..``last``."""
    return list(
        session.scalars(
            select(Shift)
            .where(
                Shift.staff_id == member.id,
                Shift.plan_id.is_not(None),
                Shift.filter_overlapping(start_of_local_day(first), end_of_local_day(last)),
            )
            .options(joinedload(Shift.counter), joinedload(Shift.plan))
            .order_by(Shift.starts_at, Shift.id)
        )
    )


def shift_title(shift: Shift) -> str:
    """The event's title: the counter's number, or back office."""
    if shift.kind == ShiftKind.COUNTER and shift.counter is not None:
        return _("Balie %(number)s (beurtrol)", number=shift.counter.number)
    return _("Backoffice (beurtrol)")


def shift_notes(shift: Shift) -> str:
    """Which published plan the shift comes from, and when it was published."""
    plan = shift.plan
    if plan is None:
        return ""
    period = {
        "first": format_date(plan.first_day, "long"),
        "last": format_date(plan.last_day, "long"),
    }
    if plan.published_at is None:
        return _("Uit de beurtrol van %(first)s tot en met %(last)s.", **period)
    return _(
        "Uit de beurtrol van %(first)s tot en met %(last)s, gepubliceerd op %(day)s.",
        day=format_date(to_local(plan.published_at).date(), "long"),
        **period,
    )


def shift_event(shift: Shift, stamp: datetime) -> Event:
    """One shift as an event, times in Europe/Brussels. Call inside ``force_locale``."""
    event = Event()
    event.add("uid", f"shift-{shift.id}-staff@{UID_DOMAIN}")
    event.add("sequence", 0)
    event.add("dtstamp", stamp)
    event.add("dtstart", to_local(shift.starts_at))
    event.add("dtend", to_local(shift.ends_at))
    event.add("summary", shift_title(shift))
    notes = shift_notes(shift)
    if notes:
        event.add("description", notes)
    event.add("categories", [_("Beurtrol")])
    event.add("status", "CONFIRMED")
    counter = shift.kind == ShiftKind.COUNTER
    event.add("transp", "OPAQUE" if counter else "TRANSPARENT")
    return event
