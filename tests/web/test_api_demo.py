"""The public read API on the city's demo data, at Monday 7 December 2026, 07:30."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import event, select

from portal import availability_cache
from portal.extensions import db
from portal.models import Appointment, Service
from tests.conftest import DEMO_TODAY

CITY_BLOCKS = {
    0: [(time(9), time(12, 30)), (time(16), time(19))],
    1: [(time(9), time(12, 30))],
    2: [(time(9), time(16))],
    3: [(time(9), time(12, 30))],
    4: [(time(9), time(12, 30))],
    5: [(time(9), time(12, 30))],
}


def _service_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Service.id).where(Service.code == code))


def _days(client, service_id: int, first: date, last: date) -> list[date]:
    response = client.get(f"/api/v1/services/{service_id}/days?from={first}&to={last}")
    assert response.status_code == 200, response.json
    return [date.fromisoformat(day) for day in response.json["days"]]


def _slots(client, service_id: int, day: date, persons: int = 1) -> list[dict]:
    response = client.get(f"/api/v1/services/{service_id}/slots?date={day}&persons={persons}")
    assert response.status_code == 200, response.json
    return response.json["slots"]


def test_services_list_the_citys_services(demo_client):
    services = demo_client.get("/api/v1/services").json["services"]
    assert len(services) >= 25
    teams = {service["team"]["code"] for service in services}
    assert teams == {"bevolking", "burgerlijke_stand", "andere_nationaliteiten", "centraal_onthaal"}
    for service in services:
        assert service["names"]["nl"] and service["names"]["en"]
        assert service["duration_minutes"] % 5 == 0
    assert any(not service["publicly_bookable"] for service in services)


@pytest.mark.parametrize("code", ["eid-aanvragen", "inschrijving-nieuwkomer", "geboorteaangifte"])
def test_free_times_respect_the_opening_hours_and_closures(demo_app, demo_client, code):
    service_id = _service_id(demo_app, code)
    last = DEMO_TODAY + timedelta(days=45)
    days = _days(demo_client, service_id, DEMO_TODAY, last)
    assert days, "the demo leaves free times"
    closed = {date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)}
    assert not closed & set(days)
    assert all(day.weekday() != 6 for day in days)
    for day in days:
        slots = _slots(demo_client, service_id, day)
        assert slots, f"{day} is listed as free but has no free time"
        for slot in slots:
            start = datetime.fromisoformat(slot["start"])
            end = datetime.fromisoformat(slot["end"])
            assert start.utcoffset() == timedelta(hours=1)  # winter time in Brussels
            assert start.date() == day
            assert slot["capacity"] >= 1
            assert any(
                opens <= start.time() and end.time() <= closes
                for opens, closes in CITY_BLOCKS[day.weekday()]
            ), f"{start}–{end} is outside the opening hours of {day:%A}"


def test_minimum_notice_hides_the_first_hours(demo_app, demo_client):
    # At 07:30 with two hours' notice, nothing before 09:30 today.
    service_id = _service_id(demo_app, "eid-aanvragen")
    slots = _slots(demo_client, service_id, DEMO_TODAY)
    assert slots
    assert min(datetime.fromisoformat(s["start"]).time() for s in slots) >= time(9, 30)


def test_more_persons_make_longer_visits(demo_app, demo_client):
    service_id = _service_id(demo_app, "eid-aanvragen")  # 15 minutes + 10 per extra person
    weeks_on = DEMO_TODAY + timedelta(days=14)
    day = _days(demo_client, service_id, weeks_on, weeks_on + timedelta(days=6))[0]
    for persons, minutes in ((1, 15), (3, 35)):
        for slot in _slots(demo_client, service_id, day, persons):
            length = datetime.fromisoformat(slot["end"]) - datetime.fromisoformat(slot["start"])
            assert length == timedelta(minutes=minutes)


def test_a_booked_out_day_disappears_from_days(demo_app, demo_client):
    from portal.availability import load_availability
    from portal.timeutil import CITY_TZ, utcnow
    from tests.builders import book

    service_id = _service_id(demo_app, "pin-puk")
    week = (DEMO_TODAY + timedelta(days=21), DEMO_TODAY + timedelta(days=27))
    day = _days(demo_client, service_id, *week)[0]
    made = []
    with demo_app.app_context():
        service = db.session.get(Service, service_id)
        try:
            while slots := load_availability(
                db.session, [service], 1, day, day, utcnow(), grid_minutes=15, tz=CITY_TZ
            ).slots():
                staff = db.session.get(service.staff[0].__class__, slots[0].staff_ids[0])
                made.append(book(db.session, staff, service, slots[0].start, slots[0].end).id)
            db.session.commit()
            assert made
            assert day not in _days(demo_client, service_id, *week)
            assert _slots(demo_client, service_id, day) == []
        finally:
            db.session.rollback()
            for visit in db.session.scalars(select(Appointment).where(Appointment.id.in_(made))):
                db.session.delete(visit)
            db.session.commit()
    assert day in _days(demo_client, service_id, *week)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/services/{id}/days?from={today}&to={in_60}",
        "/api/v1/services/{id}/slots?date={in_7}",
    ],
)
def test_availability_takes_at_most_eight_queries_then_one(demo_app, demo_client, path):
    service_id = _service_id(demo_app, "eid-aanvragen")
    availability_cache.clear()
    url = path.format(
        id=service_id,
        today=DEMO_TODAY,
        in_60=DEMO_TODAY + timedelta(days=60),
        in_7=DEMO_TODAY + timedelta(days=7),
    )
    statements = []
    with demo_app.app_context():
        engine = db.engine

    def count(*_args):
        statements.append(_args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = demo_client.get(url)
        computed = list(statements)
        statements.clear()
        again = demo_client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == again.status_code == 200
    assert again.json == response.json
    # The cache generations, the services (unless kept from an earlier request), then
    # availability's five queries, the sixth that reads the team's reserved capacity (none
    # in the demo's Bevolking, so no more) and when a hold or pending visit runs out.
    assert 3 <= len(computed) <= 8, computed
    # Kept in memory: only the generations are read, to learn that nothing changed.
    assert len(statements) == 1 and statements[0].startswith(
        "SELECT kind, SUM(value) FROM cache_generation WHERE"
    )
