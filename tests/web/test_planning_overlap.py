"""One published plan per team and day: publishing a plan that overlaps an older one ends
the older one the day before (or, for a plan inside it, leaves it the days outside), the
shifts of each day come from the plan that governs it, a booked visit on the older plan's
shifts is never dropped, the database refuses a second plan for a day, and the lists say
which days each plan governs.

The demo's plans run from Monday 7 December 2026 to Sunday 7 February 2027. The module has
its own demo database: it publishes rotas."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    PlanStatus,
    RotaPlan,
    RotaPlanDay,
    Shift,
    Team,
)
from portal.planning.rota_data import generate_plan
from portal.timeutil import to_local
from tests.conftest import DEMO_NOW, DEMO_TODAY, own_demo_app
from tests.web.staff_helpers import signed_in
from tests.web.test_planning_publish import _publish, _strand_one_turn

DEMO_FIRST, DEMO_LAST = DEMO_TODAY, date(2027, 2, 7)
PLANS = "/medewerkers/planning/beurtrol"


@pytest.fixture(scope="module")
def overlap_app(backend, tmp_path_factory):
    """The demo city in a database of its own: these tests publish rotas."""
    yield from own_demo_app(
        backend,
        tmp_path_factory,
        "overlap",
        MAIL_SEND_AFTER_REQUEST=False,
        RATELIMIT_SIGN_IN="1000 per minute",
    )


@pytest.fixture(scope="module")
def _admin_client(overlap_app):
    """The administrator's client, signed in on first use (at the frozen clock)."""
    made = []

    def client():
        if not made:
            made.append(signed_in(overlap_app, "admin"))
        return made[0]

    return client


@pytest.fixture
def admin(_admin_client, frozen_clock):
    """The administrator, signed in (every team's plans)."""
    return _admin_client()


def _team_id(code: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.code == code))


def _demo_plan(team_id: int) -> int:
    return db.session.scalar(
        select(RotaPlan.id).where(RotaPlan.team_id == team_id, RotaPlan.first_day == DEMO_FIRST)
    )


def _draft(app, code: str, first: date, weeks: int) -> int:
    with app.app_context():
        team = db.session.get(Team, _team_id(code))
        plan = generate_plan(db.session, team, first, weeks, 35, None, DEMO_NOW)
        db.session.commit()
        return plan.id


def _governed(team_id: int) -> dict[int, tuple[date, date, int]]:
    """Plan id → (first day, last day, number of days) it governs."""
    days = defaultdict(list)
    for row in db.session.scalars(select(RotaPlanDay).where(RotaPlanDay.team_id == team_id)):
        days[row.plan_id].append(row.day)
    return {plan_id: (min(d), max(d), len(d)) for plan_id, d in days.items()}


def _shifts_follow_their_day(team_id: int) -> None:
    """Every shift of the team on a governed day comes from the plan that governs it."""
    governing = {
        row.day: row.plan_id
        for row in db.session.scalars(select(RotaPlanDay).where(RotaPlanDay.team_id == team_id))
    }
    mismatched = [
        (shift.id, shift.plan_id)
        for shift in db.session.scalars(select(Shift).where(Shift.filter_teams([team_id])))
        if to_local(shift.starts_at).date() in governing
        and governing[to_local(shift.starts_at).date()] != shift.plan_id
    ]
    assert mismatched == []


def test_the_demo_plans_govern_their_days(overlap_app, frozen_clock):
    with overlap_app.app_context():
        for team in db.session.scalars(select(Team)):
            plan_id = _demo_plan(team.id)
            assert _governed(team.id) == {plan_id: (DEMO_FIRST, DEMO_LAST, 63)}
            _shifts_follow_their_day(team.id)


def test_the_demo_rota_can_reach_the_counter_target(overlap_app, admin, frozen_clock):
    """The demo's counter needs fill about the teams' 35%, so a new planner does not see
    everyone "far from target" (at most the odd person a language wish keeps at the
    counter)."""
    from portal.planning.plan_report import FAR_OFF

    with overlap_app.app_context():
        for team in db.session.scalars(select(Team)):
            report = db.session.get(RotaPlan, _demo_plan(team.id)).report
            assert report["target_share"] == 0.35
            assert abs(report["demand_share"] - 0.35) <= FAR_OFF, team.code
            near = [p for p in report["people"] if abs(p["deviation"]) <= FAR_OFF]
            assert len(near) >= 0.85 * len(report["people"]), team.code
            plan_id = _demo_plan(team.id)
        page = admin.get(f"{PLANS}/{plan_id}").get_data(as_text=True)
    assert "Geldt van 7 dec 2026 tot en met 7 feb 2027." in page


def test_a_newer_plan_ends_the_older_one_the_day_before(overlap_app, admin, frozen_clock):
    new_id = _draft(overlap_app, "bevolking", date(2027, 1, 4), 6)
    review = admin.get(f"{PLANS}/{new_id}/publiceren").get_data(as_text=True)
    assert (
        "Bij publicatie eindigt het plan van 7 dec 2026 tot en met 7 feb 2027 op 3 jan 2027."
        in review
    )
    draft_page = admin.get(f"{PLANS}/{new_id}").get_data(as_text=True)
    assert "Bij publicatie eindigt het plan van 7 dec 2026" in draft_page
    assert _publish(admin, new_id).status_code == 302
    with overlap_app.app_context():
        team_id = _team_id("bevolking")
        old_id = _demo_plan(team_id)
        assert _governed(team_id) == {
            old_id: (DEMO_FIRST, date(2027, 1, 3), 28),
            new_id: (date(2027, 1, 4), date(2027, 2, 14), 42),
        }
        _shifts_follow_their_day(team_id)
        assert db.session.get(RotaPlan, old_id).status == PlanStatus.PUBLISHED
    listing = admin.get(f"{PLANS}?team={team_id}").get_data(as_text=True)
    assert "Geldt van 7 dec 2026 tot en met 3 jan 2027." in listing
    assert "Beëindigd op 3 jan 2027 door het plan van 4 jan 2027 tot en met 14 feb 2027." in listing
    assert "Geldt van 4 jan 2027 tot en met 14 feb 2027." in listing
    assert f'href="{PLANS}/{new_id}"' in listing
    older = admin.get(f"{PLANS}/{old_id}").get_data(as_text=True)
    assert "Beëindigd op 3 jan 2027" in older
    report_note = "tonen dit plan zoals het gepubliceerd werd, voor zijn hele periode"
    assert report_note in older
    assert report_note not in admin.get(f"{PLANS}/{new_id}").get_data(as_text=True)
    home = admin.get("/medewerkers/planning").get_data(as_text=True)
    assert "De gepubliceerde beurtrol" in home
    assert "Geldt van 4 jan 2027 tot en met 14 feb 2027." in home


def test_a_third_plan_over_two_says_what_it_took_from_each(overlap_app, admin, frozen_clock):
    """Bevolking: the demo's plan (now to 3 January) and the plan of 4 January to 14
    February; a plan of 21 December to 17 January takes from both."""
    with overlap_app.app_context():
        team_id = _team_id("bevolking")
        demo_id = _demo_plan(team_id)
        second_id = max(_governed(team_id))
    third_id = _draft(overlap_app, "bevolking", date(2026, 12, 21), 4)
    review = admin.get(f"{PLANS}/{third_id}/publiceren").get_data(as_text=True)
    assert (
        "Bij publicatie eindigt het plan van 7 dec 2026 tot en met 7 feb 2027 op 20 dec 2026."
        in review
    )
    assert (
        "Bij publicatie vervangt dit plan het plan van 4 jan 2027 tot en met 14 feb 2027 van "
        "4 jan 2027 tot en met 17 jan 2027." in review
    )
    assert _publish(admin, third_id).status_code == 302
    with overlap_app.app_context():
        assert _governed(team_id) == {
            demo_id: (DEMO_FIRST, date(2026, 12, 20), 14),
            third_id: (date(2026, 12, 21), date(2027, 1, 17), 28),
            second_id: (date(2027, 1, 18), date(2027, 2, 14), 28),
        }
        _shifts_follow_their_day(team_id)
    demo_page = admin.get(f"{PLANS}/{demo_id}").get_data(as_text=True)
    assert "Geldt van 7 dec 2026 tot en met 20 dec 2026." in demo_page
    assert (
        "Beëindigd op 20 dec 2026 door het plan van 21 dec 2026 tot en met 17 jan 2027."
        in demo_page
    )
    assert (
        "Van 18 jan 2027 tot en met 7 feb 2027 vervangen door het plan van 4 jan 2027 tot en "
        "met 14 feb 2027." in demo_page
    )
    second_page = admin.get(f"{PLANS}/{second_id}").get_data(as_text=True)
    assert "Geldt van 18 jan 2027 tot en met 14 feb 2027." in second_page
    assert (
        "Van 4 jan 2027 tot en met 17 jan 2027 vervangen door het plan van 21 dec 2026 tot en "
        "met 17 jan 2027." in second_page
    )


def _late_shifts(team_id: int, plan_id: int, from_day: date) -> set[int]:
    """The ids of ``plan_id``'s shifts on ``from_day`` or later."""
    return {
        shift.id
        for shift in db.session.scalars(
            select(Shift).where(Shift.filter_teams([team_id]), Shift.plan_id == plan_id)
        )
        if to_local(shift.starts_at).date() >= from_day
    }


def test_a_plan_inside_an_older_one_leaves_it_the_weeks_around(overlap_app, admin, frozen_clock):
    with overlap_app.app_context():
        team_id = _team_id("burgerlijke_stand")
        old_id = _demo_plan(team_id)
        late = _late_shifts(team_id, old_id, date(2027, 1, 18))
        assert late
    new_id = _draft(overlap_app, "burgerlijke_stand", date(2026, 12, 21), 4)
    review = admin.get(f"{PLANS}/{new_id}/publiceren").get_data(as_text=True)
    assert (
        "Bij publicatie vervangt dit plan het plan van 7 dec 2026 tot en met 7 feb 2027 "
        "van 21 dec 2026 tot en met 17 jan 2027." in review
    )
    assert _publish(admin, new_id).status_code == 302
    with overlap_app.app_context():
        governed = _governed(team_id)
        assert governed[new_id] == (date(2026, 12, 21), date(2027, 1, 17), 28)
        assert governed[old_id] == (DEMO_FIRST, DEMO_LAST, 63 - 28)
        _shifts_follow_their_day(team_id)
        assert _late_shifts(team_id, old_id, date(2027, 1, 18)) == late, (
            "the weeks after the newer plan keep the older plan's shifts"
        )
    page = admin.get(f"{PLANS}/{old_id}").get_data(as_text=True)
    assert "Geldt van 7 dec 2026 tot en met 20 dec 2026." in page
    assert "Geldt van 18 jan 2027 tot en met 7 feb 2027." in page
    assert "Van 21 dec 2026 tot en met 17 jan 2027 vervangen door een nieuwer plan." in page


def test_a_visit_on_the_older_plans_shifts_is_never_dropped(overlap_app, admin, frozen_clock):
    with overlap_app.app_context():
        team_id = _team_id("andere_nationaliteiten")
        before = _governed(team_id)
    new_id = _draft(overlap_app, "andere_nationaliteiten", date(2026, 12, 14), 4)
    with overlap_app.app_context():
        plan = db.session.get(RotaPlan, new_id)
        visit = _strand_one_turn(plan)
        db.session.commit()
        visit_id, clerk_id = visit.id, visit.staff_id
    refused = _publish(admin, new_id)
    assert refused.status_code == 409
    with overlap_app.app_context():
        assert _governed(team_id) == before, "a refusal takes no day"
        visit = db.session.get(Appointment, visit_id)
        assert visit.reference in refused.get_data(as_text=True)
        assert (visit.status, visit.staff_id) == (AppointmentStatus.CONFIRMED, clerk_id)
        assert visit.reschedule_requested_at is None
        assert db.session.get(RotaPlan, new_id).status == PlanStatus.DRAFT


def test_every_stranded_visit_decided_publishes_and_keeps_them(overlap_app, admin, frozen_clock):
    from portal.planning.publish_operations import stranded_by_plan

    new_id = _draft(overlap_app, "centraal_onthaal", date(2026, 12, 14), 4)
    with overlap_app.app_context():
        plan = db.session.get(RotaPlan, new_id)
        _strand_one_turn(plan)
        db.session.commit()
        entries = stranded_by_plan(db.session, plan, DEMO_NOW)
        assert entries
        decisions = {f"visit-{entry.visit.id}": "ask" for entry in entries}
        ids = [entry.visit.id for entry in entries]
    assert _publish(admin, new_id, **decisions).status_code == 302
    with overlap_app.app_context():
        for visit_id in ids:
            visit = db.session.get(Appointment, visit_id)
            assert visit.status == AppointmentStatus.CONFIRMED
            assert visit.reschedule_requested_at is not None
        assert _governed(_team_id("centraal_onthaal"))[new_id][0] == date(2026, 12, 14)


def test_the_database_allows_one_plan_per_team_and_day(overlap_app, frozen_clock):
    with overlap_app.app_context():
        team_id = _team_id("bevolking")
        other_team = _team_id("centraal_onthaal")
        plan_id = _demo_plan(team_id)
        db.session.add(RotaPlanDay(team_id=team_id, day=DEMO_FIRST, plan_id=plan_id + 1000))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.add(RotaPlanDay(team_id=team_id, day=date(2030, 1, 7), plan_id=plan_id))
        db.session.flush()
        db.session.add(RotaPlanDay(team_id=team_id, day=date(2030, 1, 7), plan_id=plan_id))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # A day of one team cannot be governed by another team's plan.
        db.session.add(RotaPlanDay(team_id=other_team, day=date(2030, 1, 7), plan_id=plan_id))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
