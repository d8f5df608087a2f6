"""The seam between the database and the rota generator: read a team's period into the
generator's plain data, store its answer as a draft plan, and review a plan after edits.

Reads in a fixed number of queries whatever the team size; the arithmetic is in
:mod:`portal.scheduling.rota`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from ..availability import closed_days, opening_schedules
from ..models import (
    Absence,
    Appointment,
    AppointmentService,
    Channel,
    Counter,
    CounterNeed,
    PlanStatus,
    RotaPlan,
    RotaTurn,
    Service,
    ShiftKind,
    StaffMember,
    Team,
)
from ..scheduling.rota import generate_rota, office_spans
from ..scheduling.rota_input import Assignment, CounterTurn, Person, Pin, Rota, RotaRequest
from ..scheduling.rota_review import review
from ..scheduling.rota_turns import TeamCounters, counter_turns
from ..timeutil import CITY_TZ, end_of_local_day, local_today, start_of_local_day

MIN_WEEKS, MAX_WEEKS = 4, 12


@dataclass(frozen=True)
class TeamPeriod:
    """A team's period as the generator sees it, with the people's names for the report."""

    request: RotaRequest
    names: dict[int, str]


def period_days(first_day: date, last_day: date) -> list[date]:
    """Every local date of ``first_day``..``last_day``."""
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def _team_counters(session: Session, team: Team) -> TeamCounters:
    """The team's active counters, the counter services its people handle, its languages."""
    counters = session.scalars(
        select(Counter.id)
        .where(Counter.team_id == team.id, Counter.active.is_(True))
        .order_by(Counter.number)
    ).all()
    services = session.scalars(
        select(Service.id)
        .where(
            Service.team_id == team.id,
            Service.filter_active(),
            Service.channel == Channel.COUNTER,
            Service.staff.any(StaffMember.active.is_(True)),
        )
        .order_by(Service.position, Service.id)
    ).all()
    return TeamCounters(tuple(counters), tuple(services), tuple(team.counter_languages or ()))


def _people(
    session: Session, team: Team, open_days: list[date], start, end
) -> tuple[list[Person], dict[int, str]]:
    """The team's active people with their office time, absences, services, languages."""
    members = session.scalars(
        select(StaffMember)
        .where(StaffMember.team_id == team.id, StaffMember.active.is_(True))
        .options(selectinload(StaffMember.services), selectinload(StaffMember.spoken_languages))
        .order_by(StaffMember.id)
    ).all()
    away = defaultdict(list)
    for staff_id, away_start, away_end in session.execute(
        select(Absence.staff_id, Absence.starts_at, Absence.ends_at).where(
            Absence.staff_id.in_([m.id for m in members]), Absence.filter_overlapping(start, end)
        )
    ):
        away[staff_id].append((away_start, away_end))
    return [
        Person(
            id=member.id,
            weekdays=member.weekdays,
            office=office_spans(open_days, member.weekdays, member.contract_fraction, CITY_TZ),
            away=tuple(sorted(away[member.id])),
            services=frozenset(service.id for service in member.services),
            languages=frozenset(member.languages),
        )
        for member in members
    ], {member.id: member.name for member in members}


def _pins(session: Session, team: Team, start, end, now) -> tuple[Pin, ...]:
    """The team's booked counter visits in the period that have not started yet."""
    counter_visit = ~Appointment.id.in_(
        select(AppointmentService.appointment_id)
        .join(Service, Service.id == AppointmentService.service_id)
        .where(Service.channel != Channel.COUNTER)
    )
    rows = session.execute(
        select(Appointment.staff_id, Appointment.starts_at, Appointment.ends_at)
        .where(
            Appointment.filter_teams([team.id]),
            Appointment.filter_active(now),
            Appointment.filter_overlapping(start, end),
            Appointment.starts_at >= now,
            counter_visit,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return tuple(Pin(staff_id, visit_start, visit_end) for staff_id, visit_start, visit_end in rows)


def counter_needs(session: Session, team_id: int) -> dict[tuple[int, time], int]:
    """The team's counter needs as (weekday, turn start) → people."""
    return {
        (need.weekday, need.starts): need.staff_needed
        for need in session.scalars(select(CounterNeed).where(CounterNeed.team_id == team_id))
    }


def period_turns(session: Session, team: Team, first_day: date, last_day: date):
    """The counter turns of ``team`` over ``first_day``..``last_day`` (closed days left
    out, each with its need), and the open days: five queries."""
    closed = closed_days(session, first_day, last_day)
    open_days = [day for day in period_days(first_day, last_day) if day not in closed]
    needs = counter_needs(session, team.id)
    turns = counter_turns(
        opening_schedules(session, first_day, last_day),
        open_days,
        needs,
        _team_counters(session, team),
        CITY_TZ,
    )
    return turns, open_days


def team_period(
    session: Session,
    team: Team,
    first_day: date,
    last_day: date,
    target_percent: int,
    now: datetime | None,
) -> TeamPeriod:
    """Read what the generator needs for ``team`` over ``first_day``..``last_day``; the
    booked visits that tie clerks to turns (pins) only when ``now`` is given."""
    start, end = start_of_local_day(first_day), end_of_local_day(last_day)
    turns, open_days = period_turns(session, team, first_day, last_day)
    people, names = _people(session, team, open_days, start, end)
    request = RotaRequest(
        turns=tuple(turns),
        people=tuple(people),
        target_share=target_percent / 100,
        pins=_pins(session, team, start, end, now) if now is not None else (),
    )
    return TeamPeriod(request, names)


def check_period(first_day: date, weeks: int, now: datetime) -> None:
    """Refuse a period a plan cannot have: it starts on a Monday after this week, and
    lasts 4 to 12 weeks (ValueError; the forms say it in words first)."""
    if first_day.weekday() != 0:
        raise ValueError("a plan starts on a Monday")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise ValueError("a plan lasts 4 to 12 weeks")
    if first_day <= local_today(now):
        raise ValueError("a plan starts in the future")


def report_json(rota: Rota, request: RotaRequest, names: dict[int, str]) -> dict:
    """The rota's report as plain JSON for ``RotaPlan.report`` (see the plan page)."""

    def span(index: int) -> dict:
        turn = request.turns[index]
        return {"start": turn.start.isoformat(), "end": turn.end.isoformat()}

    return {
        "people": [
            {
                "person_id": entry.person_id,
                "name": names.get(entry.person_id, ""),
                "counter_hours": entry.counter_hours,
                "back_office_hours": entry.back_office_hours,
                "evenings": entry.evenings,
                "saturdays": entry.saturdays,
                "fair_evenings": entry.fair_evenings,
                "fair_saturdays": entry.fair_saturdays,
                "counter_share": round(entry.counter_share, 4),
                "deviation": round(entry.deviation, 4),
            }
            for entry in rota.people
        ],
        "shortages": [
            {
                **span(short.turn),
                "need": short.need,
                "staffed": short.staffed,
                "reason": short.reason.value,
                "away": short.away,
                "not_working": short.not_working,
                "busy": short.busy,
            }
            for short in rota.shortages
        ],
        "uncovered": [
            {**span(wish.turn), "service_id": wish.service, "language": wish.language}
            for wish in rota.uncovered
        ],
        "demand_share": round(rota.demand_share, 4),
        "target_share": rota.target_share,
    }


def generate_plan(
    session: Session,
    team: Team,
    first_day: date,
    weeks: int,
    target_percent: int,
    actor: StaffMember | None,
    now: datetime,
) -> RotaPlan:
    """Run the generator for ``team`` from Monday ``first_day`` for ``weeks`` weeks and
    add its answer as a draft plan (turns and report); flushed, not committed."""
    check_period(first_day, weeks, now)
    last_day = first_day + timedelta(weeks=weeks, days=-1)
    period = team_period(session, team, first_day, last_day, target_percent, now)
    rota = generate_rota(period.request)
    plan = RotaPlan(
        team_id=team.id,
        first_day=first_day,
        last_day=last_day,
        status=PlanStatus.DRAFT,
        target_percent=target_percent,
        report=report_json(rota, period.request, period.names),
        created_at=now,
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(plan)
    session.flush()
    store_turns(session, plan, rota_rows(rota, period.request))
    return plan


def turn_rows(turns, **extra) -> list[dict]:
    """Plan turns (or shifts) as rows for one bulk insert, with ``extra`` columns."""
    return [
        {
            "staff_id": turn.staff_id,
            "kind": turn.kind,
            "counter_id": turn.counter_id,
            "starts_at": turn.starts_at,
            "ends_at": turn.ends_at,
            **extra,
        }
        for turn in turns
    ]


def store_turns(session: Session, plan: RotaPlan, rows: list[dict]) -> None:
    """Insert ``rows`` (see :func:`rota_rows`) as the plan's turns in one statement (a
    12-week plan of a team holds about 2,000) and let ``plan.turns`` read them afresh."""
    if rows:
        session.execute(insert(RotaTurn), [{**row, "plan_id": plan.id} for row in rows])
    session.expire(plan, ["turns"])


def rota_rows(rota: Rota, request: RotaRequest) -> list[dict]:
    """The rows of a generated rota's turns: counter turns and back-office spans."""
    rows = [
        {
            "staff_id": assignment.person_id,
            "kind": ShiftKind.COUNTER,
            "counter_id": assignment.counter_id,
            "starts_at": request.turns[assignment.turn].start,
            "ends_at": request.turns[assignment.turn].end,
        }
        for assignment in rota.assignments
    ]
    rows += [
        {
            "staff_id": person_id,
            "kind": ShiftKind.BACK_OFFICE,
            "counter_id": None,
            "starts_at": start,
            "ends_at": end,
        }
        for person_id, spans in sorted(rota.back_office.items())
        for start, end in spans
    ]
    return rows


def plan_slots(session: Session, plan: RotaPlan) -> list[CounterTurn]:
    """The counter turns of ``plan``'s period as they stand today (the grid's columns: a
    turn nobody staffs still has one)."""
    return period_turns(session, plan.team, plan.first_day, plan.last_day)[0]


def refresh_report(session: Session, plan: RotaPlan) -> None:
    """Recompute ``plan.report`` from its current turns (after a planner's edit), keeping
    the generator's fair shares of evening and Saturday turns."""
    period = team_period(
        session, plan.team, plan.first_day, plan.last_day, plan.target_percent, None
    )
    request = period.request
    index_of = {(turn.start, turn.end): index for index, turn in enumerate(request.turns)}
    assignments = []
    back_office = defaultdict(list)
    for turn in plan.turns:
        if turn.kind == ShiftKind.BACK_OFFICE:
            back_office[turn.staff_id].append((turn.starts_at, turn.ends_at))
        elif (turn.starts_at, turn.ends_at) in index_of:
            assignments.append(
                Assignment(index_of[turn.starts_at, turn.ends_at], turn.staff_id, turn.counter_id)
            )
    fair = {}
    for entry in plan.report.get("people", []):
        fair[entry["person_id"], "evening"] = entry.get("fair_evenings", 0.0)
        fair[entry["person_id"], "saturday"] = entry.get("fair_saturdays", 0.0)
    rota = review(request, assignments, back_office, fair)
    plan.report = report_json(rota, request, period.names)
    session.flush()
