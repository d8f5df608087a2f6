"""A small city for the interpreters' tests: who speaks what, and who is at the counter.

Bevolking with two people on every counter turn for two weeks from the demo's Monday
(Ann: planner, Dutch and French; Bilal: clerk, Dutch and Arabic), and Burgerlijke Stand
with a clerk (Cas) and central reception, for the team boundary. Every one of them can
sign in with :data:`PASSWORD`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from portal.models import Appointment, Counter, StaffMember, StaffRole, Team
from portal.staff.accounts import hash_password
from portal.timeutil import local_datetime
from tests.builders import book, build_city
from tests.conftest import DEMO_TODAY
from tests.web.staff_helpers import new_client, sign_in

PASSWORD = "juist-wachtwoord-123"
TUESDAY = DEMO_TODAY + timedelta(days=1)
WEDNESDAY = DEMO_TODAY + timedelta(days=2)


@dataclass
class Town:
    """What :func:`build_town` made (ids, so they outlive the session)."""

    team_id: int
    other_team_id: int
    ann_id: int
    bilal_id: int
    service_id: int


def at(day, hour: int, minute: int = 0):
    """The UTC moment of ``hour:minute`` in Brussels on ``day``."""
    return local_datetime(day, time(hour, minute))


def build_town(session) -> Town:
    """The city described in the module's docstring; committed."""
    city = build_city(session, DEMO_TODAY, DEMO_TODAY + timedelta(days=13))
    ann, bilal = city.staff
    ann.name, ann.email, ann.languages = "Ann", "ann@stad.example", ["nl", "fr"]
    ann.role = StaffRole.PLANNER
    bilal.name, bilal.email, bilal.languages = "Bilal", "bilal@stad.example", ["nl", "ar"]
    other = Team(code="burgerlijke_stand", names={"nl": "Burgerlijke Stand"})
    session.add(other)
    session.add(Counter(number=9, team=other))
    people = [
        StaffMember(team=other, name="Cas", email="cas@stad.example", role=StaffRole.CLERK),
        StaffMember(team=other, name="Onthaal", email="rec@stad.example", role=StaffRole.RECEPTION),
    ]
    session.add_all(people)
    for member in (ann, bilal, *people):
        member.password_hash = hash_password(PASSWORD)
    session.commit()
    return Town(city.team.id, other.id, ann.id, bilal.id, city.service.id)


def add_visit(session, town: Town, start, *, minutes=15, clerk=None, **fields) -> int:
    """A confirmed visit with Ann (or the staff member ``clerk``) from ``start``, with
    ``fields`` set on it; committed; its id."""
    staff = session.get(StaffMember, clerk or town.ann_id)
    visit = book(session, staff, staff.services[0], start, start + timedelta(minutes=minutes))
    for name, value in fields.items():
        setattr(visit, name, value)
    session.commit()
    return visit.id


def reference_of(session, visit_id: int) -> str:
    """The reference of visit ``visit_id``."""
    return session.get(Appointment, visit_id).reference


def client_of(app, email: str):
    """A client signed in as the town's person with ``email``."""
    client = new_client(app)
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client
