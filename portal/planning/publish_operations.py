"""Publishing a plan: check which booked visits it would strand, let the planner decide
for each (a colleague takes it, or the resident is asked for a new time), then replace the
team's shifts in the period by the plan's turns, all in one transaction.

Nothing booked is dropped: publishing is refused until every stranded visit has a
decision, and refused again if the list changed since the planner saw it. The visits
checked are all of the team's in the period, whichever older plan's shifts they stood on.

The plan then governs every day of its period (:mod:`.plan_days`): an older published plan
that overlaps it ends the day before it, or keeps the weeks after it when it lies inside.
Everyone whose shifts change is told (:mod:`.rota_news`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..booking.errors import BookingError
from ..booking.settings import BookingSettings
from ..i18n import _l
from ..models import (
    Appointment,
    AuditAction,
    PlanStatus,
    RotaPlan,
    Shift,
    ShiftKind,
    StaffMember,
    Team,
)
from ..staff.access import visit_list_options
from ..staff.audit import record
from ..timeutil import end_of_local_day, local_today, start_of_local_day
from .colleagues import (
    ASK_RESIDENT,
    busy_spans,
    carry_out,
    colleagues,
    proposals,
    team_people,
)
from .plan_days import claim_days
from .rota_data import turn_rows
from .rota_news import shifts_before, tell_staff


class PublishRefused(BookingError):
    """The plan cannot be published as asked (see ``text``)."""

    code = "publish_refused"
    text = _l("Deze planning kan niet gepubliceerd worden.")

    def __init__(self, text=None):
        super().__init__()
        if text is not None:
            self.text = text


@dataclass(frozen=True)
class StrandedEntry:
    """A stranded visit with its row and the colleagues who could take it."""

    visit: Appointment
    candidates: list[StaffMember]


def plan_span(plan: RotaPlan) -> tuple[datetime, datetime]:
    """The plan's period as a UTC span, from Monday 00:00 to the Monday after."""
    return start_of_local_day(plan.first_day), end_of_local_day(plan.last_day)


def team_visits(session: Session, plan: RotaPlan, now: datetime) -> list[Appointment]:
    """The team's booked visits in the plan's period that have not started yet."""
    start, end = plan_span(plan)
    return session.scalars(
        select(Appointment)
        .where(
            Appointment.filter_teams([plan.team_id]),
            Appointment.filter_active(now),
            Appointment.filter_overlapping(start, end),
            Appointment.starts_at >= now,
        )
        .options(*visit_list_options())
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()


def stranded_by_plan(
    session: Session, plan: RotaPlan, now: datetime, visits: list[Appointment] | None = None
) -> list[StrandedEntry]:
    """The visits publishing ``plan`` would leave without their staff member (or, for a
    published plan, that are without them now), with the colleagues who could take each.
    ``visits`` are the team's coming visits in the period, when already read."""
    if visits is None:
        visits = team_visits(session, plan, now)
    people = team_people(session, plan.team_id)
    shifts = defaultdict(lambda: defaultdict(list))
    for turn in plan.turns:
        shifts[turn.staff_id][turn.kind.value].append((turn.starts_at, turn.ends_at))
    start, end = plan_span(plan)
    busy = busy_spans(session, [person.id for person in people], start, end, now)
    found = proposals(visits, people, colleagues(people, shifts, busy))
    return [StrandedEntry(visit, candidates) for visit, candidates in found]


def _check_decisions(entries: list[StrandedEntry], decisions: dict[int, str]) -> None:
    """Every stranded visit has a valid decision, and no decision is for another visit."""
    if set(decisions) != {entry.visit.id for entry in entries}:
        raise PublishRefused(
            _l("De lijst van afspraken is intussen veranderd. Bekijk ze opnieuw en beslis.")
        )
    for entry in entries:
        choice = decisions[entry.visit.id]
        if choice != ASK_RESIDENT and choice not in {str(m.id) for m in entry.candidates}:
            raise PublishRefused(_l("Kies voor elke afspraak een collega of een nieuw tijdstip."))


def _replace_shifts(session: Session, plan: RotaPlan) -> None:
    """The team's shifts in the period make way for the plan's turns."""
    start, end = plan_span(plan)
    session.execute(
        delete(Shift)
        .where(Shift.filter_teams([plan.team_id]), Shift.starts_at >= start, Shift.starts_at < end)
        .execution_options(synchronize_session=False)
    )
    if plan.turns:
        session.execute(insert(Shift), turn_rows(plan.turns, plan_id=plan.id))
    session.flush()


def _follow_counters(plan: RotaPlan, visits: list[Appointment]) -> None:
    """Visits that keep their staff member go to the counter the plan puts them at."""
    counters = defaultdict(list)
    for turn in plan.turns:
        if turn.kind == ShiftKind.COUNTER:
            counters[turn.staff_id].append(turn)
    for visit in visits:
        for turn in counters[visit.staff_id]:
            if turn.starts_at <= visit.starts_at and visit.ends_at <= turn.ends_at:
                visit.counter_id = turn.counter_id
                break


def publish_plan(
    session: Session,
    plan: RotaPlan,
    decisions: dict[int, str],
    reason: str,
    actor: StaffMember,
    now: datetime,
    settings: BookingSettings,
) -> tuple[int, int]:
    """Make ``plan`` the team's rota and carry out the planner's ``decisions`` (visit id →
    colleague id or :data:`ASK_RESIDENT`); flushed. Returns (visits given to a colleague,
    residents asked for a new time). Raises :class:`PublishRefused` when the plan is not
    a draft, starts today or earlier, or the decisions do not match the stranded visits;
    a colleague booked in the meantime raises the booking error (all or nothing)."""
    if plan.first_day <= local_today(now):
        raise PublishRefused(
            _l("Dit ontwerp begint vandaag of vroeger. Maak een nieuw ontwerp vanaf volgende week.")
        )
    # One publish per team at a time (PostgreSQL; SQLite has one writer anyway), and
    # the draft is claimed by a conditional UPDATE, so a double click publishes once.
    session.execute(select(Team.id).where(Team.id == plan.team_id).with_for_update())
    claimed = session.execute(
        update(RotaPlan)
        .where(RotaPlan.id == plan.id, RotaPlan.status == PlanStatus.DRAFT)
        .values(status=PlanStatus.PUBLISHED, published_at=now, published_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise PublishRefused(_l("Alleen een ontwerp kan gepubliceerd worden."))
    session.refresh(plan)
    visits = team_visits(session, plan, now)
    entries = stranded_by_plan(session, plan, now, visits)
    _check_decisions(entries, decisions)
    before = shifts_before(session, plan)
    _replace_shifts(session, plan)
    taken = claim_days(session, plan)
    stranded = {entry.visit.id for entry in entries}
    _follow_counters(plan, [visit for visit in visits if visit.id not in stranded])
    moved, asked = carry_out(
        session, [(e.visit, decisions[e.visit.id]) for e in entries], reason, now, settings
    )
    told = tell_staff(session, plan, before, now)
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "rota.publish",
        team_id=plan.team_id,
        detail={
            "plan": plan.id,
            "to_colleague": moved,
            "asked_new_time": asked,
            "took_days": [
                {"plan": run.plan_id, "first": run.first.isoformat(), "last": run.last.isoformat()}
                for run in taken
            ],
            "staff_told": told,
        },
        now=now,
    )
    session.flush()
    return moved, asked
