"""Asking a resident to choose a new time, when a rota change, a closure or new opening
hours leave their visit without its staff member.

The visit is not cancelled: it stays booked until the resident moves it with their
manage link (moving clears the request), so nothing booked is lost. The mail offers a few
times that are free now: for a visit of a dossier, the owning clerk's times first (and for
a follow-up, only times its window and clerk allow, the ones the resident can move to).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

from ..availability import load_availability
from ..models import Appointment, ShiftKind
from ..notifications import MailKind, queue_appointment_mail
from ..notifications.links import manage_url
from ..scheduling.audience import PUBLIC, Audience, AudienceKind
from ..timeutil import CITY_TZ, local_today

# How many free times the mail offers, and how far ahead they are looked for.
SUGGESTIONS = 3
SUGGESTION_DAYS = 21
REASON_LENGTH = 200


class TimeSuggestions:
    """Free times to offer residents asked for a new time, read once per combination of
    services and persons for a whole batch (a closure can touch a hundred visits)."""

    def __init__(self, session: Session, now: datetime):
        self.session = session
        self.now = now
        self._slots: dict[tuple, list[datetime]] = {}

    def _starts(self, visit: Appointment, audience: Audience = PUBLIC) -> list[datetime]:
        key = (tuple(sorted(service.id for service in visit.services)), visit.persons, audience)
        if key not in self._slots:
            first = local_today(self.now, CITY_TZ) + timedelta(days=1)
            availability = load_availability(
                self.session,
                visit.services,
                visit.persons,
                first,
                first + timedelta(days=SUGGESTION_DAYS),
                self.now,
                grid_minutes=int(current_app.config["SLOT_GRID_MINUTES"]),
                tz=CITY_TZ,
                audience=audience,
            )
            self._slots[key] = [slot.start for slot in availability.slots()]
        return self._slots[key]

    def _audiences(self, visit: Appointment) -> list[Audience]:
        """Whose times to offer, in order: a dossier visit's owner first, then everyone
        the visit may move to. A follow-up asked to move may go to any clerk and outside
        its window, reserved time included (see ``booking.operations._move_audience``)."""
        follow_up = visit.follow_up
        allowed = PUBLIC
        if follow_up is not None:
            back_office = follow_up.shift_kind == ShiftKind.BACK_OFFICE
            allowed = Audience(AudienceKind.INVITATION, back_office=back_office)
        if visit.dossier_id is None:
            return [allowed]
        owner_id = visit.dossier.owner_id
        owner = Audience(allowed.kind, frozenset({owner_id}), back_office=allowed.back_office)
        return [owner, allowed]

    def for_visit(self, visit: Appointment) -> list[datetime]:
        """A few free start times for the visit's services and persons, on days other
        than the visit's own, from tomorrow on (one per day, so there is a real choice);
        a dossier visit's owner's times first."""
        visit_day = local_today(visit.starts_at, CITY_TZ)
        found, days = [], set()
        starts = [
            start for audience in self._audiences(visit) for start in self._starts(visit, audience)
        ]
        for start in starts:
            day = local_today(start, CITY_TZ)
            if day != visit_day and day not in days:
                found.append(start)
                days.add(day)
            if len(found) == SUGGESTIONS:
                break
        return found


def clean_reason(text: str) -> str:
    """A reason as residents read it: one line, at most :data:`REASON_LENGTH` characters."""
    return " ".join(text.split())[:REASON_LENGTH]


def request_new_time(
    session: Session,
    visit: Appointment,
    reason: str,
    now: datetime,
    suggestions: TimeSuggestions | None = None,
) -> None:
    """Flag ``visit`` as waiting for a new time and queue the resident's mail with the
    manage link, ``reason`` (plain text, shown as typed) and a few free times; flushed.
    Pass one :class:`TimeSuggestions` to every call of a batch.

    A visit without an e-mail address is only flagged: staff see the flag and phone."""
    visit.reschedule_requested_at = now
    visit.reschedule_reason = clean_reason(reason)
    session.flush()
    if visit.email:
        queue_appointment_mail(
            session,
            visit,
            MailKind.RESCHEDULE,
            manage_url=manage_url(current_app.config, visit),
            now=now,
            suggestions=(suggestions or TimeSuggestions(session, now)).for_visit(visit),
        )
