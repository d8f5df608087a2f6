"""The demo's queue numbers: the teams' letters, and the numbers of the visits the demo
books in bulk (given per team and day in time order, as booking one by one would)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..models import Appointment, QueueCounter, StaffMember
from ..timeutil import to_local

# The letters of the teams' queue numbers on the hall's screen ("B-014", "S-003").
QUEUE_LETTERS = {
    "bevolking": "B",
    "burgerlijke_stand": "S",
    "andere_nationaliteiten": "N",
    "centraal_onthaal": "O",
}


def number_queues(session: Session, visits: list[Appointment]) -> None:
    """Give the demo's visits their queue numbers per team and day in time order, as
    booking would have (one by one), and leave each team's counter at the last one."""
    last: dict[tuple[int, date], int] = {}
    for visit in sorted(visits, key=lambda visit: (visit.starts_at, visit.reference)):
        key = (session.get(StaffMember, visit.staff_id).team_id, to_local(visit.starts_at).date())
        last[key] = last.get(key, 0) + 1
        visit.queue_team_id, visit.queue_day = key
        visit.queue_number = last[key]
    session.add_all(
        QueueCounter(team_id=team_id, day=day, last_number=number)
        for (team_id, day), number in last.items()
    )
