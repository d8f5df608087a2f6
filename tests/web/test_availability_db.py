"""Free times from the database on small cities: DST, absences, holds, closures, summer
hours, back-office services and combined services."""

from __future__ import annotations

from datetime import date, time, timedelta

import time_machine

from portal.availability import load_availability
from portal.extensions import db
from portal.models import (
    Absence,
    AbsenceKind,
    AppointmentStatus,
    Channel,
    Closure,
    ClosureKind,
    Hold,
    OpeningBlock,
    OpeningSchedule,
    Service,
    ServiceText,
    Shift,
    ShiftKind,
)
from portal.timeutil import CITY_TZ, local_datetime
from tests.builders import book, build_city


def _free(services, first, last, now):
    return load_availability(db.session, services, 1, first, last, now, grid_minutes=15, tz=CITY_TZ)


def _starts(client, service_id, day):
    response = client.get(f"/api/v1/services/{service_id}/slots?date={day}")
    assert response.status_code == 200, response.json
    return [slot["start"] for slot in response.json["slots"]]


def test_spring_forward_week(app, client):
    city = build_city(db.session, date(2027, 3, 22), date(2027, 4, 3))
    db.session.commit()
    with time_machine.travel(local_datetime(date(2027, 3, 20), time(8)), tick=False):
        saturday = _starts(client, city.service.id, date(2027, 3, 27))
        tuesday = _starts(client, city.service.id, date(2027, 3, 30))
        easter_monday = _starts(client, city.service.id, date(2027, 3, 29))
    assert saturday[0] == "2027-03-27T09:00:00+01:00"
    assert saturday[-1] == "2027-03-27T12:15:00+01:00"
    assert tuesday[0] == "2027-03-30T09:00:00+02:00"
    assert tuesday[-1] == "2027-03-30T12:15:00+02:00"
    assert easter_monday == []  # a Belgian public holiday


def test_fall_back_week(app, client):
    city = build_city(db.session, date(2026, 10, 19), date(2026, 10, 31))
    db.session.commit()
    with time_machine.travel(local_datetime(date(2026, 10, 17), time(8)), tick=False):
        saturday = _starts(client, city.service.id, date(2026, 10, 24))
        monday = _starts(client, city.service.id, date(2026, 10, 26))
    assert saturday[0] == "2026-10-24T09:00:00+02:00"
    assert monday[0] == "2026-10-26T09:00:00+01:00"
    assert monday[-1] == "2026-10-26T18:45:00+01:00"
    assert len(monday) == 14 + 12  # 09:00–12:30 and 16:00–19:00 on a 15-minute grid


def test_absence_bookings_and_holds_take_staff_away(app):
    day = date(2026, 12, 8)
    city = build_city(db.session, day, day)
    now = local_datetime(day, time(7))
    first, second = city.staff
    nine = local_datetime(day, time(9))

    def capacity_at_nine():
        slots = {s.start: s for s in _free([city.service], day, day, now).slots()}
        return slots[nine].staff_ids if nine in slots else ()

    assert capacity_at_nine() == (first.id, second.id)
    visit = book(db.session, first, city.service, nine, nine + timedelta(minutes=15))
    assert capacity_at_nine() == (second.id,)
    hold = Hold(
        staff_id=second.id,
        service_ids=[city.service.id],
        starts_at=nine,
        ends_at=nine + timedelta(minutes=15),
        expires_at=now + timedelta(minutes=10),
    )
    db.session.add(hold)
    db.session.flush()
    assert capacity_at_nine() == ()
    hold.expires_at = now - timedelta(minutes=1)  # an expired hold keeps nothing
    visit.status = AppointmentStatus.CANCELLED
    db.session.flush()
    assert capacity_at_nine() == (first.id, second.id)
    db.session.add(
        Absence(
            staff_id=first.id,
            kind=AbsenceKind.TRAINING,
            starts_at=local_datetime(day, time(0)),
            ends_at=local_datetime(day + timedelta(days=1), time(0)),
        )
    )
    db.session.flush()
    assert capacity_at_nine() == (second.id,)


def test_a_city_closure_and_the_booking_window(app):
    first, last = date(2026, 12, 7), date(2026, 12, 12)
    city = build_city(db.session, first, last, min_notice_minutes=24 * 60, horizon_days=3)
    db.session.add(
        Closure(
            starts_on=date(2026, 12, 9),
            ends_on=date(2026, 12, 9),
            kind=ClosureKind.ONE_OFF,
            reasons={"nl": "Verkiezingen"},
        )
    )
    db.session.flush()
    now = local_datetime(first, time(10))
    days = _free([city.service], first, last, now).days()
    # Monday: inside the day's notice; Wednesday: closed; after Thursday: beyond the horizon.
    assert days == [date(2026, 12, 8), date(2026, 12, 10)]


def test_summer_hours_override_the_regular_week(app):
    monday = date(2027, 7, 5)
    city = build_city(db.session, monday, monday)
    summer = OpeningSchedule(
        name="Zomer", valid_from=date(2027, 7, 1), valid_until=date(2027, 8, 31)
    )
    summer.blocks = [OpeningBlock(weekday=0, opens=time(9), closes=time(12))]
    db.session.add(summer)
    db.session.flush()
    slots = _free([city.service], monday, monday, local_datetime(monday, time(7))).slots()
    local_starts = [s.start.astimezone(CITY_TZ).time() for s in slots]
    assert local_starts[0] == time(9) and local_starts[-1] == time(11, 45)
    assert len(local_starts) == 12  # no Monday evening in summer


def test_combined_services_need_a_clerk_who_does_both(app):
    day = date(2026, 12, 8)
    city = build_city(db.session, day, day)
    passport = Service(
        code="paspoort", team=city.team, topic="travel", duration_minutes=20, min_notice_minutes=0
    )
    passport.texts["nl"] = ServiceText(language="nl", name="Reispas")
    city.staff[1].services.append(passport)
    db.session.flush()
    slots = _free([city.service, passport], day, day, local_datetime(day, time(7))).slots()
    assert slots and all(s.staff_ids == (city.staff[1].id,) for s in slots)
    assert all(s.end - s.start == timedelta(minutes=35) for s in slots)


def test_back_office_services_follow_back_office_shifts(app):
    day = date(2026, 12, 8)
    city = build_city(db.session, day, day)
    call_back = Service(
        code="terugbellen",
        team=city.team,
        topic="other",
        duration_minutes=15,
        channel=Channel.BACK_OFFICE,
        min_notice_minutes=0,
    )
    call_back.texts["nl"] = ServiceText(language="nl", name="Terugbelafspraak")
    city.staff[0].services.append(call_back)
    db.session.add(
        Shift(
            staff_id=city.staff[0].id,
            kind=ShiftKind.BACK_OFFICE,
            starts_at=local_datetime(day, time(13)),
            ends_at=local_datetime(day, time(14)),
        )
    )
    db.session.flush()
    slots = _free([call_back], day, day, local_datetime(day, time(7))).slots()
    starts = [s.start.astimezone(CITY_TZ).time() for s in slots]
    assert starts == [time(13), time(13, 15), time(13, 30), time(13, 45)]
