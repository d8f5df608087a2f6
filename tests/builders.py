"""Small, explicit cities for tests that need their own data instead of the demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from portal.availability import public_holidays
from portal.demo.data import OPENING_HOURS
from portal.models import (
    Appointment,
    AppointmentService,
    Counter,
    OpeningBlock,
    OpeningSchedule,
    Service,
    ServiceText,
    Shift,
    ShiftKind,
    StaffMember,
    Team,
)
from portal.timeutil import local_datetime

# The city's real week: (weekday, opens, closes).
CITY_HOURS = OPENING_HOURS


@dataclass
class City:
    """What :func:`build_city` made."""

    team: Team
    service: Service
    staff: list[StaffMember]
    counters: list[Counter]
    shifts: list[Shift] = field(default_factory=list)


def open_weekday(start: date) -> date:
    """The first Tuesday–Friday from ``start`` that is no public holiday (a day the
    builders' city hall is open whatever the hour)."""
    day = start
    while day.weekday() not in (1, 2, 3, 4) or day in public_holidays(day, day):
        day += timedelta(days=1)
    return day


def build_city(
    session,
    first: date,
    last: date,
    *,
    staff_count: int = 2,
    minutes: int = 15,
    min_notice_minutes: int = 0,
    horizon_days: int = 366,
    hours=CITY_HOURS,
) -> City:
    """One team, one counter service, ``staff_count`` clerks on a counter shift for every
    opening block from ``first`` to ``last``; flushed."""
    team = Team(code="bevolking", names={"nl": "Bevolking", "en": "Population"})
    counters = [Counter(number=n + 1, team=team) for n in range(staff_count)]
    service = Service(
        code="eid",
        team=team,
        topic="identity",
        duration_minutes=minutes,
        extra_minutes_per_person=5,
        max_persons=3,
        min_notice_minutes=min_notice_minutes,
        horizon_days=horizon_days,
    )
    service.texts["nl"] = ServiceText(language="nl", name="Identiteitskaart aanvragen")
    service.texts["en"] = ServiceText(language="en", name="Apply for an identity card")
    staff = [
        StaffMember(team=team, name=f"Bediende {n}", email=f"b{n}@stad.example", services=[service])
        for n in range(staff_count)
    ]
    schedule = OpeningSchedule(name="Normaal")
    schedule.blocks = [OpeningBlock(weekday=w, opens=a, closes=b) for w, a, b in hours]
    session.add_all([team, service, schedule, *staff])
    session.flush()
    city = City(team, service, staff, counters)
    day = first
    while day <= last:
        for weekday, opens, closes in hours:
            if weekday == day.weekday():
                for member, counter in zip(staff, counters, strict=True):
                    city.shifts.append(
                        Shift(
                            staff_id=member.id,
                            kind=ShiftKind.COUNTER,
                            counter=counter,
                            starts_at=local_datetime(day, opens),
                            ends_at=local_datetime(day, closes),
                        )
                    )
        day += timedelta(days=1)
    session.add_all(city.shifts)
    session.flush()
    return city


def book(session, staff: StaffMember, service: Service, start: datetime, end: datetime):
    """A confirmed visit that claims the staff member's time; flushed."""
    visit = Appointment(
        staff_id=staff.id,
        resident_name="Test Bewoner",
        email="bewoner@example.org",
        starts_at=start,
        ends_at=end,
    )
    visit.booked_services = [AppointmentService(service=service)]
    visit.claim_time()
    session.add(visit)
    session.flush()
    return visit
