"""Which days each published plan governs: a team has one published plan per day, kept by
the database (``rota_plan_day``, one row per team and day).

Publishing a plan takes every day of its period from the plans that held them. An older
plan keeps the days outside the newer one: when the newer starts inside it, the older ends
the day before; when the newer lies wholly inside it, the older still governs the weeks
after the newer (they keep their shifts, so they must keep a plan that explains them).
Publishing replaces the shifts on exactly the days the newer plan takes, so a day's shifts
always come from the plan that governs it.

The pages say it in words: "geldt van … tot en met …", "beëindigd op … door het plan
van …", and for a draft what publishing it would end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import PlanStatus, RotaPlan, RotaPlanDay
from .rota_data import period_days

# How the pages write a plan's days, as the list of plans does ("7 dec 2026" in Dutch).
DAY_FORMAT = "d MMM y"


@dataclass(frozen=True)
class DayRun:
    """Consecutive days ``first``..``last``, held by ``plan_id`` (where it matters)."""

    first: date
    last: date
    plan_id: int = 0


@dataclass(frozen=True)
class PlanLine:
    """One sentence about a plan's days, and the plan it names (a link), if any."""

    text: str
    plan_id: int | None = None


def day_runs(days: Iterable[tuple[date, int]]) -> list[DayRun]:
    """``(day, plan id)`` pairs as runs of consecutive days of one plan, in day order."""
    runs: list[DayRun] = []
    for day, plan_id in sorted(days):
        last = runs[-1] if runs else None
        if last is not None and last.plan_id == plan_id and last.last + timedelta(days=1) == day:
            runs[-1] = DayRun(last.first, day, plan_id)
        else:
            runs.append(DayRun(day, day, plan_id))
    return runs


def _held(session: Session, team_id: int, first: date, last: date) -> list[tuple[date, int]]:
    """The team's governed days from ``first`` to ``last`` with their plans."""
    return [
        (row.day, row.plan_id) for row in session.scalars(RotaPlanDay.of_team(team_id, first, last))
    ]


def would_take(session: Session, plan: RotaPlan) -> list[DayRun]:
    """The runs of days other published plans govern now in ``plan``'s period: what
    publishing it takes from them."""
    held = _held(session, plan.team_id, plan.first_day, plan.last_day)
    return day_runs((day, plan_id) for day, plan_id in held if plan_id != plan.id)


def claim_days(session: Session, plan: RotaPlan) -> list[DayRun]:
    """Make ``plan`` govern every day of its period (inside the publishing transaction,
    after the team's lock); returns the runs it took from older plans. The primary key
    refuses a second plan for a day, should anything slip past the lock."""
    taken = would_take(session, plan)
    session.execute(
        delete(RotaPlanDay)
        .where(
            RotaPlanDay.team_id == plan.team_id,
            RotaPlanDay.day >= plan.first_day,
            RotaPlanDay.day <= plan.last_day,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        insert(RotaPlanDay),
        [
            {"team_id": plan.team_id, "day": day, "plan_id": plan.id}
            for day in period_days(plan.first_day, plan.last_day)
        ],
    )
    return taken


def _period(first: date, last: date) -> dict:
    return {"first": format_date(first, DAY_FORMAT), "last": format_date(last, DAY_FORMAT)}


def _named(plan: RotaPlan) -> dict:
    """The placeholders that name a plan by its period."""
    return {
        "plan_first": format_date(plan.first_day, DAY_FORMAT),
        "plan_last": format_date(plan.last_day, DAY_FORMAT),
    }


def _taken_line(run: DayRun, newer: RotaPlan, ended_on: date | None) -> PlanLine:
    """What ``newer`` did on the days of ``run``: it ended the plan (on ``ended_on``, its
    last day), or it replaced the plan on those days."""
    if ended_on is not None:
        text = _(
            "Beëindigd op %(day)s door het plan van %(plan_first)s tot en met %(plan_last)s.",
            day=format_date(ended_on, DAY_FORMAT),
            **_named(newer),
        )
    elif (run.first, run.last) == (newer.first_day, newer.last_day):
        text = _(
            "Van %(first)s tot en met %(last)s vervangen door een nieuwer plan.",
            **_period(run.first, run.last),
        )
    else:
        text = _(
            "Van %(first)s tot en met %(last)s vervangen door het plan van %(plan_first)s "
            "tot en met %(plan_last)s.",
            **_period(run.first, run.last),
            **_named(newer),
        )
    return PlanLine(text, newer.id)


def governance_lines(session: Session, plans: Sequence[RotaPlan]) -> dict[int, list[PlanLine]]:
    """Per published plan of ``plans``: the days it governs and what newer plans took,
    in sentences (two queries whatever the number of plans)."""
    published = [plan for plan in plans if plan.status == PlanStatus.PUBLISHED]
    if not published:
        return {}
    by_team: dict[int, list[RotaPlan]] = defaultdict(list)
    for plan in published:
        by_team[plan.team_id].append(plan)
    held: dict[tuple[int, date], int] = {}
    for team_id, team_plans in by_team.items():
        first = min(plan.first_day for plan in team_plans)
        last = max(plan.last_day for plan in team_plans)
        for day, plan_id in _held(session, team_id, first, last):
            held[team_id, day] = plan_id
    named = {
        plan.id: plan
        for plan in session.scalars(select(RotaPlan).where(RotaPlan.id.in_(set(held.values()))))
    }
    lines = {}
    for plan in published:
        days = [
            (day, held[plan.team_id, day])
            for day in period_days(plan.first_day, plan.last_day)
            if (plan.team_id, day) in held
        ]
        lines[plan.id] = _lines_of(plan, day_runs(days), named)
    return lines


def _lines_of(plan: RotaPlan, runs: list[DayRun], named: dict[int, RotaPlan]) -> list[PlanLine]:
    """The sentences of one published plan from the runs of its period's days: the days
    it governs, then what newer plans took. The plan "ends" where its last own day is
    followed by another plan's days to the end of its period."""
    own = [run for run in runs if run.plan_id == plan.id]
    lines = [
        PlanLine(_("Geldt van %(first)s tot en met %(last)s.", **_period(run.first, run.last)))
        for run in own
    ]
    if not own:
        lines.append(PlanLine(_("Geldt geen enkele dag meer.")))
    last_own = own[-1].last if own else None
    for run in runs:
        if run.plan_id == plan.id or run.plan_id not in named:
            continue
        ends = last_own is not None and run.first == last_own + timedelta(days=1)
        lines.append(_taken_line(run, named[run.plan_id], last_own if ends else None))
    return lines


def draft_lines(session: Session, plan: RotaPlan) -> list[PlanLine]:
    """For a draft: what publishing it would do to the published plans of its days: one
    whose days run on into the draft ends the day before; otherwise it is replaced on the
    days the draft takes (and keeps the others)."""
    runs = would_take(session, plan)
    if not runs:
        return []
    older = {run.plan_id for run in runs}
    own: dict[int, list[date]] = defaultdict(list)
    for row in session.scalars(select(RotaPlanDay).where(RotaPlanDay.plan_id.in_(older))):
        own[row.plan_id].append(row.day)
    plans = {
        other.id: other for other in session.scalars(select(RotaPlan).where(RotaPlan.id.in_(older)))
    }
    lines = []
    for run in runs:
        other = plans[run.plan_id]
        kept = [d for d in own[other.id] if not plan.first_day <= d <= plan.last_day]
        before = [day for day in kept if day < run.first]
        after = [day for day in kept if day > run.last]
        if before and not after and max(before) + timedelta(days=1) == run.first:
            text = _(
                "Bij publicatie eindigt het plan van %(plan_first)s tot en met %(plan_last)s "
                "op %(day)s.",
                day=format_date(max(before), DAY_FORMAT),
                **_named(other),
            )
        else:
            text = _(
                "Bij publicatie vervangt dit plan het plan van %(plan_first)s tot en met "
                "%(plan_last)s van %(first)s tot en met %(last)s.",
                **_period(run.first, run.last),
                **_named(other),
            )
        lines.append(PlanLine(text, other.id))
    return lines


def governing_plans(session: Session, team_ids: Iterable[int], from_day: date) -> list[RotaPlan]:
    """The published plans of ``team_ids`` that govern a day from ``from_day`` on, by
    team and first day (the planning start page's "current rota")."""
    ids = select(RotaPlanDay.plan_id).where(
        RotaPlanDay.team_id.in_(list(team_ids)), RotaPlanDay.day >= from_day
    )
    return list(
        session.scalars(
            select(RotaPlan)
            .where(RotaPlan.id.in_(ids))
            .order_by(RotaPlan.team_id, RotaPlan.first_day, RotaPlan.id)
        )
    )
