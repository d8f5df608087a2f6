"""Which clerk gets a held time or a visit: the least busy of those free, a clerk who
speaks the resident's language first, and the counter that clerk sits at.

Shared by the booking operations (holding, booking, moving) and the details step, which
hands a hold to a colleague who speaks the language the resident named there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..availability import speakers_among
from ..models import Hold, Service, Shift, ShiftKind, SlotClaim
from ..scheduling.languages import marks_language
from ..timeutil import end_of_local_day, start_of_local_day, to_local
from .selection import free_slot_at
from .settings import BookingSettings


def counter_of(session: Session, staff_id: int, start: datetime) -> int | None:
    """The counter ``staff_id`` sits at when the visit starts (None in the back office)."""
    return session.scalar(
        select(Shift.counter_id).where(
            Shift.staff_id == staff_id,
            Shift.kind == ShiftKind.COUNTER,
            Shift.starts_at <= start,
            Shift.ends_at > start,
        )
    )


def least_busy_first(session: Session, staff_ids: Sequence[int], start: datetime) -> list[int]:
    """The candidates ordered by how many units they already have that day, fewest first,
    so visits spread over the clerks at the counter."""
    day = to_local(start).date()
    counts = dict(
        session.execute(
            select(SlotClaim.staff_id, func.count())
            .where(
                SlotClaim.staff_id.in_(list(staff_ids)),
                SlotClaim.unit_start >= start_of_local_day(day),
                SlotClaim.unit_start < end_of_local_day(day),
            )
            .group_by(SlotClaim.staff_id)
        ).all()
    )
    return sorted(staff_ids, key=lambda staff_id: (counts.get(staff_id, 0), staff_id))


def hand_hold_to_speaker(
    session: Session,
    hold: Hold,
    services: Sequence[Service],
    language: str | None,
    now: datetime,
    settings: BookingSettings,
) -> bool:
    """Give ``hold`` to a free colleague who speaks ``language`` when its clerk does not
    (the resident named or changed their language only on the details page). The time
    stays the same; when no speaker is free then, nothing changes. Returns whether the
    hold changed hands. Each try runs in a SAVEPOINT, so a clash keeps the old clerk."""
    if not marks_language(language) or hold.staff_id in speakers_among(
        session, [hold.staff_id], language
    ):
        return False
    slot = free_slot_at(session, services, hold.persons, hold.starts_at, now, settings)
    if slot is None:
        return False
    speakers = speakers_among(session, slot.staff_ids, language)
    for staff_id in least_busy_first(session, sorted(speakers), slot.start):
        try:
            with session.begin_nested():
                hold.release_time()
                session.flush()
                hold.staff_id = staff_id
                hold.counter_id = counter_of(session, staff_id, hold.starts_at)
                hold.claim_time()
                session.flush()
        except IntegrityError:
            continue
        return True
    return False
