"""Which local days a write to the bookings' tables touches, so that the public's free
times kept in memory (:mod:`portal.availability_cache`) recompute only those days after a
hold, a booking, a cancel or a shift change, instead of the whole window.

A visit, hold, shift or absence touches the local dates its span overlaps, before and
after the change (a visit moved from Monday to Friday touches both). The ORM flush knows
every object it writes (:func:`flush_days`); a plain SQL write (``update()``, ``delete()``)
may say which days it changes with the execution option :data:`CACHE_DAYS` (an empty set:
it changes no free time, such as a reminder's "sent" mark). A write that cannot be placed
on days counts as changing them all (the ``bookings`` generation of
:mod:`portal.cache_generation`), which is always correct, only slower.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.orm.util import identity_key

from .models import Absence, Appointment, AppointmentService, Hold, Shift
from .timeutil import CITY_TZ

# Execution option of a plain SQL write: the local dates whose free times it changes.
CACHE_DAYS = "portal_cache_days"
# The execution options of a plain SQL write to the bookings' tables that changes no
# free time (a reminder's "sent" mark, a count of wrong codes).
NO_FREE_TIME_CHANGE = {CACHE_DAYS: frozenset()}
# A change that spans more days than this is simply "everything".
MAX_DAYS = 400
_SPAN_ATTRIBUTES = ("starts_at", "ends_at")
# The rows whose span keeps a clerk present or busy.
_TRACKED = (Appointment, Hold, Shift, Absence)


def days_of(
    spans: Iterable[tuple[datetime, datetime]], tz: ZoneInfo = CITY_TZ
) -> frozenset[date] | None:
    """The local dates ``spans`` overlap; None when they are too many to name."""
    days: set[date] = set()
    for start, end in spans:
        first = start.astimezone(tz).date()
        last = (
            (max(end, start + timedelta(microseconds=1)) - timedelta(microseconds=1))
            .astimezone(tz)
            .date()
        )
        if (last - first).days > MAX_DAYS:
            return None
        days.update(first + timedelta(days=offset) for offset in range((last - first).days + 1))
        if len(days) > MAX_DAYS:
            return None
    return frozenset(days)


def _span_versions(obj) -> list[tuple[datetime, datetime]] | None:
    """The object's span now and, if the flush changes it, before; None when unknown."""
    state = inspect(obj)
    now: dict[str, datetime] = {}
    before: dict[str, datetime] = {}
    for name in _SPAN_ATTRIBUTES:
        history = state.attrs[name].history
        current = state.dict.get(name, NO_VALUE)
        if history.deleted:
            before[name] = history.deleted[0]
        elif history.has_changes() and not state.has_identity:
            pass  # a new object has no earlier span
        elif history.has_changes():
            return None  # changed, and what it was is not known
        if current is NO_VALUE or current is None:
            return None  # not loaded (or not set yet): the flush may write anything
        now[name] = current
    spans = [(now["starts_at"], now["ends_at"])]
    if before:
        spans.append(
            (before.get("starts_at", now["starts_at"]), before.get("ends_at", now["ends_at"]))
        )
    return spans


def flush_days(session: Session) -> frozenset[date] | None:
    """The local dates the coming flush of ``session`` touches through visits, their
    services, holds, shifts and absences; None when one of them cannot be placed on days.

    A visit's service row takes its visit's days: a new one is flushed through its
    visit's collection (so the visit is in the flush too), an old one finds its visit in
    the session. A flush that deletes rows of other tables is not placed (None)."""
    # Deleting anything else may change rows of these tables the flush does not list
    # beforehand (a foreign key set to NULL on loaded children): not placed, then.
    if any(not isinstance(obj, (*_TRACKED, AppointmentService)) for obj in session.deleted):
        return None
    spans: list[tuple[datetime, datetime]] = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AppointmentService):
            if obj.appointment_id is None:
                continue
            obj = session.identity_map.get(identity_key(Appointment, (obj.appointment_id,)))
            if obj is None:
                return None
        if not isinstance(obj, _TRACKED):
            continue
        versions = _span_versions(obj)
        if versions is None:
            return None
        spans.extend(versions)
    return days_of(spans)


def changes_days_of(*rows) -> dict:
    """The execution options of a plain SQL write that changes the spans of ``rows``
    (visits, holds, shifts, absences, loaded): their local dates; none (everything) when
    they are too many."""
    days = days_of((row.starts_at, row.ends_at) for row in rows)
    return {} if days is None else {CACHE_DAYS: days}
