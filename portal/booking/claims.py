"""The database's last word on "one staff member, one visit at a time": every hold and visit
claims its 5-minute units in ``slot_claim``. A booking step first sweeps the claims that no
longer count (expired holds, visits never activated), then claims inside a SAVEPOINT per
candidate clerk; a primary-key clash means someone else was quicker, and the next clerk free
at that time is tried. The sweep is always the transaction's first write, which also makes
SQLite open its transaction before the SAVEPOINT. Used by :mod:`.operations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..availability import speakers_among
from ..cache_days import changes_days_of
from ..models import Appointment, Hold, SlotClaim, claim_units
from ..scheduling import FreeSlot
from ..scheduling.languages import speakers_first
from .clerk_choice import least_busy_first
from .errors import SlotTaken


def release_stale_claims(
    session: Session, staff_ids: Sequence[int], units: Sequence[datetime], now: datetime
) -> None:
    """Delete the claims on ``units`` of ``staff_ids`` that no longer count: those of
    expired holds and of visits that ended or were never activated."""
    session.execute(
        delete(SlotClaim)
        .where(
            SlotClaim.staff_id.in_(list(staff_ids)),
            SlotClaim.unit_start.in_(list(units)),
            or_(
                SlotClaim.hold_id.in_(select(Hold.id).where(Hold.filter_stale(now))),
                SlotClaim.appointment_id.in_(
                    select(Appointment.id).where(Appointment.filter_stale(now))
                ),
            ),
        )
        .execution_options(synchronize_session="fetch")
    )


def pass_claims(session: Session, hold: Hold, appointment: Appointment) -> None:
    """Hand the units ``hold`` claimed to ``appointment`` (same clerk, same time, flushed
    already) and delete the hold, without giving the units up for a moment: one UPDATE
    of the claims' owner instead of deleting and inserting them again.

    When the hold no longer owns all its units (someone swept them after it ran out by
    their clock), the visit claims them anew, and the primary key refuses a unit taken
    meanwhile, as before. The hold leaves the session; the visit's ``claims`` are read
    again when asked for."""
    units = claim_units(appointment.starts_at, appointment.ends_at)
    moved = session.execute(
        update(SlotClaim)
        .where(
            SlotClaim.hold_id == hold.id,
            SlotClaim.staff_id == appointment.staff_id,
            SlotClaim.unit_start.in_(units),
        )
        .values(hold_id=None, appointment_id=appointment.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        delete(Hold)
        .where(Hold.id == hold.id)
        .execution_options(synchronize_session=False, **changes_days_of(hold))
    )
    session.expunge(hold)
    if moved == len(units):
        session.expire(appointment, ["claims"])
        return
    session.execute(
        delete(SlotClaim)
        .where(SlotClaim.appointment_id == appointment.id)
        .execution_options(synchronize_session=False)
    )
    appointment.claim_time()
    session.flush()


def free_slot_with(slot: FreeSlot | None, staff_id: int | None) -> FreeSlot:
    """``slot`` narrowed to the one clerk asked for; :class:`SlotTaken` when it is not free
    or that clerk is not among those free then."""
    if slot is None:
        raise SlotTaken()
    if staff_id is None:
        return slot
    if staff_id not in slot.staff_ids:
        raise SlotTaken()
    return FreeSlot(slot.start, slot.end, (staff_id,))


def claim_with_first_free(
    session: Session, slot: FreeSlot, now: datetime, make, prefer_language: str | None = None
) -> object:
    """Claim ``slot`` for the first candidate clerk whose units are still free.

    Clerks who speak ``prefer_language`` are tried first, then the others; within each
    group the least busy first. ``make(staff_id)`` adds the hold or visit (with its
    claims) to the session. Each try runs in a SAVEPOINT; a clash rolls only that try
    back. Raises :class:`SlotTaken` when every candidate was taken in the meantime.
    """
    units = claim_units(slot.start, slot.end)
    release_stale_claims(session, slot.staff_ids, units, now)
    candidates = least_busy_first(session, slot.staff_ids, slot.start)
    speakers = speakers_among(session, slot.staff_ids, prefer_language)
    for staff_id in speakers_first(candidates, speakers):
        try:
            with session.begin_nested():
                claimed = make(staff_id)
                session.flush()
        except IntegrityError:
            continue
        return claimed
    raise SlotTaken()
