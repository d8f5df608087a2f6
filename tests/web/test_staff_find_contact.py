"""Finding a visit by e-mail address and phone number, and by a name in any alphabet
whatever its case (portal/staff/reception.py), on SQLite as on PostgreSQL (issue 16,
item 3)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentService,
    AppointmentStatus,
    StaffMember,
    StaffRole,
    Team,
)
from portal.staff.reception import contact_query, search_visits
from portal.timeutil import local_datetime
from tests.builders import build_city

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(8))


def _visit(city, clerk, name: str, email: str | None, phone: str | None, day: int = 1):
    start = local_datetime(MONDAY + timedelta(days=day), time(9, 15 * day % 60))
    visit = Appointment(
        staff_id=clerk.id,
        resident_name=name,
        email=email,
        phone=phone,
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        status=AppointmentStatus.CONFIRMED,
        channel="web",
    )
    visit.booked_services = [AppointmentService(service=city.service, position=0)]
    db.session.add(visit)
    return visit


@pytest.fixture
def town(app):
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=14))
    other_team = Team(code="burgerlijke_stand", names={"nl": "Burgerlijke stand"})
    other_clerk = StaffMember(team=other_team, name="Ander", email="ander@stad.example")
    db.session.add_all([other_team, other_clerk])
    db.session.flush()
    city.visits = {
        "elodie": _visit(city, city.staff[0], "Élodie Ünal", "Elodie.Unal@Example.org", None, 1),
        "dmitri": _visit(city, city.staff[1], "Дмитрий Ковальчук", None, "+32 470 12 34 56", 2),
        "yusuf": _visit(city, city.staff[0], "Yusuf Işık", "yusuf@example.org", "0470/99.88.77", 3),
        "other": _visit(city, other_clerk, "Élodie Autre", "elodie.unal@example.org", None, 4),
    }
    clerk = city.staff[0]
    clerk.role = StaffRole.CLERK
    reception = StaffMember(
        team=city.team, name="Onthaal", email="onthaal@stad.example", role=StaffRole.RECEPTION
    )
    db.session.add(reception)
    db.session.commit()
    city.clerk, city.reception = clerk, reception
    return city


def _found(member, query: str) -> tuple[str | None, set[int]]:
    outcome = search_visits(db.session, member, query, NOW)
    return outcome.by, {visit.id for visit in outcome.visits}


def test_an_email_address_finds_the_visits_whatever_its_case(town):
    visits = town.visits
    by, found = _found(town.reception, "ELODIE.unal@example.ORG")
    assert by == "contact"
    assert found == {visits["elodie"].id, visits["other"].id}
    # A clerk sees only their own team's.
    assert _found(town.clerk, "elodie.unal@example.org")[1] == {visits["elodie"].id}
    assert _found(town.reception, "nobody@example.org") == ("contact", set())


@pytest.mark.parametrize(
    "typed", ["+32 470 12 34 56", "0032470123456", "+32 (470) 12.34.56", "32-470-123456"]
)
def test_a_phone_number_finds_the_visit_however_it_is_typed(town, typed):
    assert _found(town.reception, typed) == ("contact", {town.visits["dmitri"].id})


def test_a_phone_number_as_written_locally_matches_as_stored(town):
    assert _found(town.reception, "0470 99 88 77") == ("contact", {town.visits["yusuf"].id})


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("élodie", "elodie"),
        ("ÜNAL", "elodie"),
        ("дмитрий", "dmitri"),
        ("КОВАЛЬ", "dmitri"),
        ("işık", "yusuf"),
    ],
)
def test_a_name_is_found_whatever_its_case_in_every_alphabet(town, query, name):
    by, found = _found(town.clerk, query)
    assert by == "name"
    assert town.visits[name].id in found


def test_what_counts_as_an_address_or_a_number():
    assert contact_query("a@b.be").email == "a@b.be"
    assert contact_query("+32 470 12 34 56").phone == "32470123456"
    assert contact_query("12 34") is None  # too few digits to find anyone
    assert contact_query("Jan Peeters") is None
    assert contact_query("Jan @ home") is None
