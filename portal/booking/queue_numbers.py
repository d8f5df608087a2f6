"""Queue numbers: the short "B-014" the hall's screen calls, per team and Brussels day.

A visit gets its number when it is booked, so the confirmation (mail, printout, the
resident's page) already carries it, and the check-in slip repeats it. A move to another
day or another team's clerk gives a new number; a visit booked before numbers existed
gets one at check-in. Numbers count up per team and day from 1 in the order they are
given; they do not say who is next (the clerks call in appointment order).

Two people checking in (or booking) at the same moment never share a number: each
number comes from one atomic ``UPDATE … RETURNING`` of the team's counter row for the
day, which the database serialises, and the unique key on the visits
(``one_queue_number_per_team_day``) refuses a duplicate whatever the code does.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..call_back import is_call_back
from ..models import Appointment, QueueCounter, StaffMember
from ..timeutil import to_local


def next_queue_number(session: Session, team_id: int, day: date) -> int:
    """The next free queue number of ``team_id`` on ``day`` (1 for the day's first).

    Raises the team's counter row in one statement; the first number of a day inserts
    the row, and an insert that loses the race to another (a unique-key error inside a
    savepoint) raises the row the other one made instead."""
    raised = _raise_counter(session, team_id, day)
    if raised is not None:
        return raised
    try:
        with session.begin_nested():
            session.add(QueueCounter(team_id=team_id, day=day, last_number=1))
        return 1
    except IntegrityError:
        raised = _raise_counter(session, team_id, day)
        if raised is None:  # pragma: no cover - the row exists once the insert collided
            raise
        return raised


def _raise_counter(session: Session, team_id: int, day: date) -> int | None:
    """Add one to the team's counter of ``day`` and return it; None without a row."""
    return session.scalar(
        update(QueueCounter)
        .where(QueueCounter.team_id == team_id, QueueCounter.day == day)
        .values(last_number=QueueCounter.last_number + 1)
        .returning(QueueCounter.last_number)
        .execution_options(synchronize_session=False)
    )


def queue_key(session: Session, visit: Appointment) -> tuple[int, date]:
    """(team, Brussels day) the visit's queue number belongs to: the team of its clerk
    and the day it starts. Reads the clerk by ``staff_id``, which a move may just have
    changed (the ``staff`` relationship would still be the old clerk)."""
    team_id = session.get(StaffMember, visit.staff_id).team_id
    return team_id, to_local(visit.starts_at).date()


def assign_queue_number(session: Session, visit: Appointment) -> bool:
    """Give ``visit`` a queue number unless it has one for its team and day already.
    Returns whether it got a new one. A call back (the city phones; nobody comes to the
    hall) gets none. Flushes."""
    if is_call_back(visit.services):
        return False
    team_id, day = queue_key(session, visit)
    if visit.queue_number is not None and visit.queue_team_id == team_id and visit.queue_day == day:
        return False
    # The number first: its UPDATE flushes the visit, which must not yet hold the new
    # day beside its old number (that pair may be another visit's).
    number = next_queue_number(session, team_id, day)
    visit.queue_team_id, visit.queue_day, visit.queue_number = team_id, day, number
    session.flush()
    return True
