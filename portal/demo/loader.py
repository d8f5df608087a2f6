"""Load the city's demo data: teams, counters, hours, services, staff, rota, visits,
dossiers (:mod:`portal.demo.dossiers`) and the past year (:mod:`portal.demo.history`).

Deterministic for a given start date and seed, so that tests can rely on it. The rota
comes from the planners' generator (:mod:`portal.scheduling.rota`), from each team's
counter needs, the people's working days and their absences, stored as a published plan.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..booking.settings import BookingSettings
from ..models import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentService,
    AppointmentStatus,
    Channel,
    Counter,
    CounterNeed,
    OpeningBlock,
    OpeningSchedule,
    PlanStatus,
    RotaPlan,
    RotaTurn,
    Service,
    ServiceText,
    Shift,
    ShiftKind,
    StaffMember,
    StaffRole,
    Team,
)
from ..models.appointments import REFERENCE_ALPHABET, REFERENCE_LENGTH
from ..planning.plan_days import claim_days
from ..planning.rota_data import report_json, rota_rows, team_period
from ..scheduling.rota import generate_rota
from ..scheduling.rota_input import TurnKind
from ..scheduling.rota_turns import turn_kind
from ..staff.accounts import hash_password
from ..timeutil import local_datetime, to_local
from . import data, texts
from .city_days import city_day_closures
from .dossiers import load_dossiers
from .history import HistorySummary, load_history
from .keywords import service_keywords
from .queues import QUEUE_LETTERS, number_queues

WEEKS = 8
GRID = timedelta(minutes=15)
# Share of counter time that is booked, by week from now: busy soon, emptier later.
BOOKED_SHARE = (0.75, 0.6, 0.45, 0.35, 0.25, 0.15, 0.1, 0.05)
# Back-office hours of a working weekday, counter time taken out.
OFFICE_DAY = ((time(8, 30), time(12, 30)), (time(13), time(16, 30)))


@dataclass
class DemoSummary:
    """What was loaded, for the command's report."""

    teams: int
    staff: int
    services: int
    counter_shifts: int
    appointments: int
    first_day: date
    last_day: date
    dossiers: int = 0
    history: HistorySummary | None = None


def load_demo(session: Session, today: date, now: datetime, seed: int = 2026) -> DemoSummary:
    """Add the demo data from the Monday of ``today``'s week to the Sunday eight weeks on,
    and the 52 weeks before it as a past year; flush only, the caller commits."""
    rng = random.Random(seed)
    teams = _teams(session)
    _opening_hours(session)
    _city_days(session, today)
    services = _services(session, teams)
    staff = _staff(session, rng, teams, services)
    _accounts(staff, teams)
    session.flush()
    first = today - timedelta(days=today.weekday())
    end_of_horizon = today + timedelta(weeks=WEEKS)
    last = end_of_horizon + timedelta(days=6 - end_of_horizon.weekday())
    _absences(session, rng, staff, first, last)
    _counter_needs(session, teams)
    session.flush()
    shifts = _rota(session, teams, first, last, now)
    visits = _appointments(session, rng, shifts, now)
    session.flush()
    settings = _booking_settings()
    dossiers = load_dossiers(session, staff, now, settings, seed)
    # The past year comes last: it keeps clear of every visit above, and the rest of the
    # demo stays the same for a seed.
    taken = set(session.scalars(select(Appointment.reference)))
    history = load_history(
        session, rng, staff, first, now, settings, lambda: _unique_reference(rng, taken)
    )
    session.flush()
    return DemoSummary(
        len(teams), len(staff), len(services), len(shifts), visits, first, last, dossiers, history
    )


def _booking_settings() -> BookingSettings:
    """The running portal's booking rules (its secret key makes the invitations' links);
    outside an app, the defaults with a throwaway key."""
    if has_app_context():
        return BookingSettings.current()
    return BookingSettings(secret_key=secrets.token_urlsafe(32))


def _teams(session: Session) -> dict[str, Team]:
    """The four teams, their counters and the letters of their queue numbers."""
    teams = {}
    for code, names, _size, counters, _need in data.TEAMS:
        team = Team(code=code, names=texts.team_names(code, names))
        team.queue_letter = QUEUE_LETTERS.get(code)
        team.counter_languages = data.COUNTER_LANGUAGES.get(code, [])
        team.counters = [Counter(number=number) for number in counters]
        session.add(team)
        teams[code] = team
    return teams


def _opening_hours(session: Session) -> None:
    """The city hall's regular week, valid from now on."""
    schedule = OpeningSchedule(name="Normale openingsuren")
    schedule.blocks = [
        OpeningBlock(weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in data.OPENING_HOURS
    ]
    session.add(schedule)


def _city_days(session: Session, today: date) -> None:
    """The city's own closing days, this year and the next two."""
    session.add_all(city_day_closures(range(today.year, today.year + 3)))


def _services(session: Session, teams: dict[str, Team]) -> list[Service]:
    """The services of the four teams, with their texts and search keywords in every
    site language."""
    services = []
    for position, row in enumerate(data.SERVICES):
        code, team, topic, minutes, extra, persons, public, names, docs, _weight = row
        service = Service(
            code=code,
            team=teams[team],
            topic=topic,
            position=position,
            duration_minutes=minutes,
            extra_minutes_per_person=extra,
            max_persons=persons,
            channel=Channel.BACK_OFFICE if code in data.BACK_OFFICE_SERVICES else Channel.COUNTER,
            publicly_bookable=public,
            min_notice_minutes=120,
            horizon_days=60,
        )
        dutch, english = (names[0], docs[0]), (names[1], docs[1])
        for language, (name, documents) in texts.service_texts(code, dutch, english).items():
            service.texts[language] = ServiceText(
                language=language,
                name=name,
                description="",
                documents=documents,
                keywords=service_keywords(code, language),
            )
        session.add(service)
        services.append(service)
    return services


def _qualified(team_code: str, index: int, service: Service) -> bool:
    """Who may handle what: everyone in the team, with a few specialisms."""
    if service.code in {"rijbewijs", "voorlopig-rijbewijs", "internationaal-rijbewijs"}:
        return index >= 5
    if service.code in {"huwelijksdossier", "nationaliteit", "buitenlandse-akte"}:
        return index < 4
    return True


def _staff(session, rng, teams, services) -> list[StaffMember]:
    """The 42 people of the department, with contract, languages and services."""
    people = []
    used: set[str] = set()
    for team_code, _names, size, _counters, _need in data.TEAMS:
        extra_languages = data.STAFF_EXTRA_LANGUAGES.get(team_code, ["fr", "en"])
        team_services = [s for s in services if s.team is teams[team_code]]
        for index in range(size):
            name = _unique_name(rng, used)
            member = StaffMember(
                team=teams[team_code],
                name=name,
                email=name.lower().replace(" ", ".") + "@stad.example",
                contract_fraction=(1.0, 1.0, 1.0, 0.8, 1.0, 0.5)[index % 6],
            )
            member.working_days = _working_days(member.contract_fraction, index)
            member.languages = ["nl", *rng.sample(extra_languages, k=2)]
            member.services = [s for s in team_services if _qualified(team_code, index, s)]
            session.add(member)
            people.append(member)
    return people


def _accounts(staff: list[StaffMember], teams: dict[str, Team]) -> None:
    """Every demo person signs in with the demo password (hashed once: argon2 is slow
    on purpose); the accounts of ``DEMO_ACCOUNTS`` get their role and a short address."""
    password_hash = hash_password(data.DEMO_PASSWORD)
    for member in staff:
        member.password_hash = password_hash
    for team_code, index, role, email in data.DEMO_ACCOUNTS:
        member = [person for person in staff if person.team is teams[team_code]][index]
        member.role = StaffRole(role)
        member.email = email


def _unique_name(rng: random.Random, used: set[str]) -> str:
    """A made-up name not used before."""
    while True:
        name = f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}"
        if name not in used:
            used.add(name)
            return name


def _working_days(fraction: float, index: int) -> str:
    """Part-time contracts: four-fifths have one weekday off, half-time work three days
    a week and take no Saturday turns; everyone else works Monday to Saturday."""
    if fraction >= 1:
        return "012345"
    if fraction >= 0.8:
        return "".join(str(day) for day in range(6) if day != index % 5)
    return "".join(str(index % 3 + offset) for offset in range(3))


def _absences(session, rng, staff, first, last) -> None:
    """A week of leave for a few people and a training day for some others."""
    for member in rng.sample(staff, k=6):
        start = first + timedelta(days=rng.randrange(0, (last - first).days - 7))
        days = [start + timedelta(days=n) for n in range(7)]
        _add_absence(session, member, days[0], days[-1], AbsenceKind.LEAVE, "Verlof")
    for member in rng.sample(staff, k=5):
        day = first + timedelta(days=rng.randrange(0, (last - first).days))
        _add_absence(session, member, day, day, AbsenceKind.TRAINING, "Opleiding")


def _add_absence(session, member, first: date, last: date, kind, note) -> None:
    session.add(
        Absence(
            staff_id=member.id,
            starts_at=local_datetime(first, time(0)),
            ends_at=local_datetime(last + timedelta(days=1), time(0)),
            kind=kind,
            note=note,
        )
    )


def regular_week_needs(need: tuple[int, int, int]) -> dict[tuple[int, time], int]:
    """A team's need per (weekday, block start) of the regular week from its
    ``data.TEAMS`` entry: (day turns, Monday evening, Saturday morning)."""
    day, evening, saturday = need
    by_kind = {TurnKind.DAY: day, TurnKind.EVENING: evening, TurnKind.SATURDAY: saturday}
    return {
        (weekday, opens): by_kind[turn_kind(weekday, opens)]
        for weekday, opens, _closes in data.OPENING_HOURS
    }


def _counter_needs(session: Session, teams: dict[str, Team]) -> None:
    """Each team's counter need per turn of the regular week."""
    for code, _names, _size, _counters, need in data.TEAMS:
        for (weekday, opens), staff_needed in regular_week_needs(need).items():
            session.add(
                CounterNeed(
                    team=teams[code], weekday=weekday, starts=opens, staff_needed=staff_needed
                )
            )


def _rota(session, teams: dict[str, Team], first: date, last: date, now: datetime) -> list[Shift]:
    """Each team's rota for the demo period, made by the planners' generator and stored
    as a published plan, as a planner would have done it."""
    counter_shifts = []
    for team in teams.values():
        period = team_period(session, team, first, last, team.counter_target_percent, now)
        rota = generate_rota(period.request)
        plan = RotaPlan(
            team=team,
            first_day=first,
            last_day=last,
            status=PlanStatus.PUBLISHED,
            target_percent=team.counter_target_percent,
            report=report_json(rota, period.request, period.names),
            created_at=now,
            published_at=now,
        )
        rows = rota_rows(rota, period.request)
        plan.turns = [RotaTurn(**row) for row in rows]
        session.add(plan)
        session.flush()
        claim_days(session, plan)
        shifts = [Shift(**row, plan_id=plan.id) for row in rows]
        session.add_all(shifts)
        counter_shifts += [shift for shift in shifts if shift.kind == ShiftKind.COUNTER]
    session.flush()
    return counter_shifts


def _appointments(session, rng: random.Random, shifts: list[Shift], now: datetime) -> int:
    """Book a share of each counter shift, more in the coming weeks than later on."""
    visits: list[Appointment] = []
    references: set[str] = set()
    week_zero = to_local(shifts[0].starts_at).date() if shifts else None
    for shift in shifts:
        week = (to_local(shift.starts_at).date() - week_zero).days // 7
        share = data.COUNTER_DEMAND * BOOKED_SHARE[min(week, len(BOOKED_SHARE) - 1)]
        services = [s for s in shift.staff.services if s.channel == Channel.COUNTER]
        weights = [data.SERVICES[s.position][-1] for s in services]
        start = shift.starts_at
        while start < shift.ends_at:
            service = rng.choices(services, weights)[0]
            persons = 1 if rng.random() < 0.8 else rng.randint(1, service.max_persons)
            end = start + service.duration_for(persons)
            if end <= shift.ends_at and rng.random() < share:
                visit = _visit(rng, shift, service, persons, start, end, now)
                visit.reference = _unique_reference(rng, references)
                session.add(visit)
                visits.append(visit)
                start += -(-(end - start) // GRID) * GRID
            else:
                start += GRID
    number_queues(session, visits)
    return len(visits)


def _unique_reference(rng: random.Random, taken: set[str]) -> str:
    """A visit reference drawn from the seeded generator and never one already drawn: the
    demo stays the same for a seed and cannot trip the references' unique constraint."""
    while True:
        reference = "".join(rng.choices(REFERENCE_ALPHABET, k=REFERENCE_LENGTH))
        if reference not in taken:
            taken.add(reference)
            return reference


def _visit(rng, shift, service, persons, start, end, now) -> Appointment:
    """One booked visit, with a made-up resident."""
    newcomer = service.team.code == "andere_nationaliteiten"
    languages = data.NEWCOMER_LANGUAGES if newcomer else data.RESIDENT_LANGUAGES
    language, spoken, _w = rng.choices(languages, [w for *_x, w in languages])[0]
    name = rng.choice(data.RESIDENT_NAMES)
    if end <= now:
        status = AppointmentStatus.NO_SHOW if rng.random() < 0.08 else AppointmentStatus.COMPLETED
    else:
        status = AppointmentStatus.CONFIRMED
    visit = Appointment(
        status=status,
        staff_id=shift.staff_id,
        counter=shift.counter,
        persons=persons,
        resident_name=name,
        email=name.lower().replace(" ", ".") + "@example.org",
        language=language,
        spoken_language=spoken,
        interpreter_needed=spoken not in shift.staff.languages and rng.random() < 0.5,
        starts_at=start,
        ends_at=end,
        created_at=min(now, start) - timedelta(days=rng.randint(1, 20)),
        confirmed_at=min(now, start) - timedelta(days=1),
    )
    visit.booked_services = [AppointmentService(service=service, position=0)]
    if status in (AppointmentStatus.CONFIRMED,):
        visit.claim_time()
    return visit
