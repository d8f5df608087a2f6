"""Publishing rota plans at the same moment (a double click, two planners): a draft is
published once, and two drafts of one team leave exactly one plan's shifts, never a mix
or a double set; two overlapping drafts leave every day with one plan, whose shifts the
day holds. Real threads, each with its own connection, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import PlanStatus, RotaPlan, RotaPlanDay, RotaTurn, Shift, StaffMember
from portal.planning.publish_operations import PublishRefused, plan_span, publish_plan
from portal.planning.rota_data import generate_plan
from portal.timeutil import to_local
from tests.builders import build_city
from tests.load.conftest import MONDAY, NOW

SETTINGS = BookingSettings(secret_key="race")
FIRST = MONDAY + timedelta(weeks=1)


def _publish_at_once(app, plan_ids: list[int], actor_id: int) -> list[object]:
    """Publish each of ``plan_ids`` in its own thread, all released together; what each
    thread ended with (the counts, or the refusal)."""
    barrier = threading.Barrier(len(plan_ids))
    outcomes: list[object] = []
    lock = threading.Lock()

    def publish(plan_id: int) -> None:
        with app.app_context():
            plan = db.session.get(RotaPlan, plan_id)
            actor = db.session.get(StaffMember, actor_id)
            plan.turns  # noqa: B018 - loaded before the start signal
            db.session.commit()
            barrier.wait(timeout=60)
            try:
                result = publish_plan(db.session, plan, {}, "", actor, NOW, SETTINGS)
                db.session.commit()
            except PublishRefused as refusal:
                db.session.rollback()
                result = refusal
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=publish, args=(plan_id,)) for plan_id in plan_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _drafts(count: int, offset_weeks: int = 0) -> tuple[list[int], int]:
    """``count`` drafts of four weeks, each ``offset_weeks`` after the one before."""
    last = FIRST + timedelta(weeks=4 + offset_weeks * count)
    city = build_city(db.session, FIRST, last, staff_count=3)
    db.session.commit()
    plans = [
        generate_plan(
            db.session, city.team, FIRST + timedelta(weeks=n * offset_weeks), 4, 35, None, NOW
        )
        for n in range(count)
    ]
    db.session.commit()
    return [plan.id for plan in plans], city.staff[0].id


def _governing() -> dict:
    """Day → the plan that governs it."""
    return {row.day: row.plan_id for row in db.session.scalars(select(RotaPlanDay))}


def _shifts_in_period(plan_id: int) -> list[int | None]:
    plan = db.session.get(RotaPlan, plan_id)
    start, end = plan_span(plan)
    return db.session.scalars(
        select(Shift.plan_id).where(
            Shift.filter_teams([plan.team_id]), Shift.starts_at >= start, Shift.starts_at < end
        )
    ).all()


def _turns(plan_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(RotaTurn).where(RotaTurn.plan_id == plan_id)
    )


def test_one_draft_published_six_times_at_once_is_published_once(race_app):
    [plan_id], actor_id = _drafts(1)
    outcomes = _publish_at_once(race_app, [plan_id] * 6, actor_id)
    db.session.expire_all()
    assert len(outcomes) == 6
    assert sum(not isinstance(o, PublishRefused) for o in outcomes) == 1
    shifts = _shifts_in_period(plan_id)
    assert shifts == [plan_id] * _turns(plan_id)


def test_two_drafts_published_at_once_leave_one_rota(race_app):
    plan_ids, actor_id = _drafts(2)
    outcomes = _publish_at_once(race_app, plan_ids, actor_id)
    db.session.expire_all()
    assert not [o for o in outcomes if isinstance(o, PublishRefused)]
    assert all(db.session.get(RotaPlan, i).status == PlanStatus.PUBLISHED for i in plan_ids)
    shifts = _shifts_in_period(plan_ids[0])
    winners = set(shifts)
    assert len(winners) == 1, "one plan's shifts, not a mix"
    winner = winners.pop()
    assert len(shifts) == _turns(winner)
    assert set(_governing().values()) == {winner}, "the plan whose shifts stand governs"
    assert len(_governing()) == 28


def test_two_overlapping_drafts_published_at_once_leave_one_plan_a_day(race_app):
    plan_ids, actor_id = _drafts(2, offset_weeks=2)
    outcomes = _publish_at_once(race_app, plan_ids, actor_id)
    db.session.expire_all()
    assert not [o for o in outcomes if isinstance(o, PublishRefused)]
    governing = _governing()
    assert len(governing) == 42  # six weeks, one plan a day
    first, second = (db.session.get(RotaPlan, i) for i in plan_ids)
    assert {governing[first.first_day], governing[second.last_day]} == {first.id, second.id}
    overlap = {governing[first.first_day + timedelta(days=n)] for n in range(14, 28)}
    assert len(overlap) == 1, "the overlap belongs wholly to the plan published last"
    days = [
        (to_local(shift.starts_at).date(), shift.plan_id)
        for shift in db.session.scalars(select(Shift))
    ]
    assert all(plan == governing[day] for day, plan in days if day in governing), (
        "each day holds the shifts of the plan that governs it"
    )
