"""Queue numbers given at the same moment: residents checked in at four desks at once,
and bookings made at once, each get a number of their own, counting from 1 without a
gap. Real threads, each with its own connection, on SQLite and on PostgreSQL; the unique
key on the visits would turn a shared number into an error rather than a second "B-003".
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.booking.contact import ContactDetails
from portal.booking.errors import SlotTaken
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Appointment, QueueCounter, Service, StaffMember
from portal.staff.operations import book_for_resident, record_progress
from portal.timeutil import end_of_local_day, local_datetime, start_of_local_day
from tests.builders import book, build_city
from tests.load.conftest import MONDAY, NOW, START, run_race

SETTINGS = BookingSettings(secret_key="race")
TUESDAY = MONDAY + timedelta(days=1)
CLERKS = 4
VISITS_PER_CLERK = 4


def _numbers(team_id: int) -> list[int | None]:
    """The queue numbers of the team's visits on Tuesday, in order (None: no number)."""
    db.session.expire_all()
    numbers = db.session.scalars(
        select(Appointment.queue_number).where(
            Appointment.filter_teams([team_id]),
            Appointment.filter_between(start_of_local_day(TUESDAY), end_of_local_day(TUESDAY)),
        )
    )
    return sorted(numbers, key=lambda number: (number is not None, number or 0))


def test_sixteen_check_ins_at_once_get_sixteen_different_numbers(race_app):
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=CLERKS)
    visit_ids = []
    for slot in range(VISITS_PER_CLERK):
        start = local_datetime(TUESDAY, time(9)) + timedelta(minutes=15 * slot)
        for member in city.staff:
            visit = book(db.session, member, city.service, start, start + timedelta(minutes=15))
            visit_ids.append(visit.id)
    db.session.commit()
    team_id, actor_id = city.team.id, city.staff[0].id
    # Booked before numbers existed (the builder books around the booking path).
    assert _numbers(team_id) == [None] * len(visit_ids)
    arrival = local_datetime(TUESDAY, time(8, 50))

    def prepare(visit_id):
        return db.session.get(Appointment, visit_id), db.session.get(StaffMember, actor_id)

    def attempt(_visit_id, loaded):
        visit, actor = loaded
        record_progress(db.session, actor, visit, "arrive", arrival)
        db.session.commit()

    outcomes = run_race(race_app, visit_ids, prepare, attempt, {})
    assert outcomes == ["won"] * len(visit_ids)
    assert _numbers(team_id) == list(range(1, len(visit_ids) + 1))
    counter = db.session.get(QueueCounter, (team_id, TUESDAY))
    assert counter.last_number == len(visit_ids)


def test_bookings_at_once_each_get_their_own_number(race_app):
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=CLERKS)
    db.session.commit()
    service_id, actor_id, team_id = city.service.id, city.staff[0].id, city.team.id
    starts = [START + timedelta(minutes=15 * n) for n in range(3) for _clerk in range(CLERKS)]

    def prepare(_start):
        return db.session.get(Service, service_id), db.session.get(StaffMember, actor_id)

    def attempt(start, loaded):
        service, actor = loaded
        contact = ContactDetails(name="Aan de balie", email=None)
        book_for_resident(db.session, actor, [service], 1, start, contact, NOW, SETTINGS)
        db.session.commit()

    outcomes = run_race(race_app, starts, prepare, attempt, {SlotTaken: "taken"})
    assert set(outcomes) <= {"won", "taken"}, outcomes
    won = outcomes.count("won")
    assert won >= CLERKS  # each time has four clerks; some racers may lose theirs
    assert _numbers(team_id) == list(range(1, won + 1))


def test_the_database_refuses_a_second_visit_with_the_same_number(race_app):
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=2)
    start = local_datetime(TUESDAY, time(9))
    first, second = (
        book(db.session, member, city.service, start, start + timedelta(minutes=15))
        for member in city.staff
    )
    for visit in (first, second):
        visit.queue_team_id, visit.queue_day, visit.queue_number = city.team.id, TUESDAY, 7
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
