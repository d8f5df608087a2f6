"""Publishing a rota plan: a draft changes nothing residents book; publishing replaces
the team's shifts; a visit the plan would strand is listed with a proposal, and the
planner's decision is carried out (a colleague takes it, or the resident is asked for a
new time by mail); nothing booked is dropped; refusals change nothing.

The module has its own demo database, since publishing changes the rota."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    OutboxMail,
    PlanStatus,
    RotaPlan,
    Shift,
    ShiftKind,
    SlotClaim,
    Team,
)
from portal.planning.publish_operations import plan_span, stranded_by_plan
from portal.planning.rota_data import generate_plan
from portal.timeutil import utcnow
from tests.conftest import DEMO_NOW, DEMO_TODAY, own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import signed_in

NEXT_MONDAY = DEMO_TODAY + timedelta(days=7)


@pytest.fixture(scope="module")
def planning_app(backend, tmp_path_factory):
    """The demo city in a database of its own: these tests publish rotas."""
    yield from own_demo_app(
        backend,
        tmp_path_factory,
        "publish",
        MAIL_SEND_AFTER_REQUEST=False,
        RATELIMIT_SIGN_IN="1000 per minute",
    )


@pytest.fixture(scope="module")
def clients(planning_app):
    """One signed-in client per role for the module."""
    made = {}

    def client_for(role: str):
        if role not in made:
            made[role] = signed_in(planning_app, role)
        return made[role]

    return client_for


def _team(code: str) -> Team:
    return db.session.scalar(select(Team).where(Team.code == code))


def _draft(planning_app, first: date = NEXT_MONDAY, weeks: int = 4, code="bevolking") -> int:
    """A new draft plan for team ``code``; its id."""
    with planning_app.app_context():
        plan = generate_plan(db.session, _team(code), first, weeks, 35, None, DEMO_NOW)
        db.session.commit()
        return plan.id


def _shift_rows(team_id: int) -> list[tuple]:
    return db.session.execute(
        select(Shift.staff_id, Shift.kind, Shift.starts_at, Shift.ends_at, Shift.plan_id)
        .where(Shift.filter_teams([team_id]))
        .order_by(Shift.staff_id, Shift.starts_at)
    ).all()


def _strand_one_turn(plan: RotaPlan) -> Appointment:
    """Take the counter turn holding a booked visit away from its clerk in ``plan`` (as
    a planner's edit would), so that visit is stranded; the visit."""
    start, end = plan_span(plan)
    visit = db.session.scalar(
        select(Appointment)
        .where(
            Appointment.filter_teams([plan.team_id]),
            Appointment.status == AppointmentStatus.CONFIRMED,
            Appointment.filter_between(start, end),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    for turn in list(plan.turns):
        if (
            turn.staff_id == visit.staff_id
            and turn.kind == ShiftKind.COUNTER
            and turn.starts_at <= visit.starts_at < turn.ends_at
        ):
            turn.kind, turn.counter_id = ShiftKind.BACK_OFFICE, None
    db.session.flush()
    return visit


def _publish(client, plan_id: int, **decisions):
    path = f"/medewerkers/planning/beurtrol/{plan_id}/publiceren"
    token = csrf_of(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **decisions})


def test_a_draft_changes_no_shift(planning_app, frozen_clock):
    with planning_app.app_context():
        team_id = _team("bevolking").id
        before = _shift_rows(team_id)
    plan_id = _draft(planning_app)
    with planning_app.app_context():
        assert _shift_rows(team_id) == before
        plan = db.session.get(RotaPlan, plan_id)
        assert plan.status == PlanStatus.DRAFT
        assert plan.turns, "the draft holds its own turns"


def test_the_generator_strands_no_booked_visit(planning_app, frozen_clock):
    plan_id = _draft(planning_app)
    with planning_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        assert stranded_by_plan(db.session, plan, DEMO_NOW) == []


def test_publishing_replaces_the_team_shifts_and_keeps_every_visit(
    planning_app, clients, frozen_clock
):
    plan_id = _draft(planning_app)
    with planning_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        start, end = plan_span(plan)
        other = _team("burgerlijke_stand").id
        others_before = _shift_rows(other)
        visits_before = db.session.execute(
            select(Appointment.id, Appointment.staff_id, Appointment.starts_at).where(
                Appointment.filter_teams([plan.team_id]),
                Appointment.status == AppointmentStatus.CONFIRMED,
            )
        ).all()
        turns = len(plan.turns)
    page = clients("planner").get(f"/medewerkers/planning/beurtrol/{plan_id}/publiceren")
    assert "Geen enkele geboekte afspraak verliest haar medewerker" in page.get_data(as_text=True)
    response = _publish(clients("planner"), plan_id)
    assert response.status_code == 302
    with planning_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        assert plan.status == PlanStatus.PUBLISHED and plan.published_at is not None
        in_period = db.session.scalars(
            select(Shift).where(
                Shift.filter_teams([plan.team_id]), Shift.starts_at >= start, Shift.starts_at < end
            )
        ).all()
        assert len(in_period) == turns
        assert {shift.plan_id for shift in in_period} == {plan_id}
        assert _shift_rows(other) == others_before
        visits_after = db.session.execute(
            select(Appointment.id, Appointment.staff_id, Appointment.starts_at).where(
                Appointment.filter_teams([plan.team_id]),
                Appointment.status == AppointmentStatus.CONFIRMED,
            )
        ).all()
        assert sorted(visits_after) == sorted(visits_before)
        assert db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.subject == "rota.publish")
        )


def test_a_stranded_visit_is_listed_and_the_planner_decides(planning_app, clients, frozen_clock):
    plan_id = _draft(planning_app, first=NEXT_MONDAY + timedelta(weeks=1))
    with planning_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        visit = _strand_one_turn(plan)
        db.session.commit()
        entries = stranded_by_plan(db.session, plan, DEMO_NOW)
        assert visit.id in {entry.visit.id for entry in entries}
        decisions = {
            entry.visit.id: (str(entry.candidates[0].id) if entry.candidates else "ask")
            for entry in entries
        }
        references = [entry.visit.reference for entry in entries]
        emails = {entry.visit.id: entry.visit.email for entry in entries}
    page = clients("planner").get(f"/medewerkers/planning/beurtrol/{plan_id}/publiceren")
    text = page.get_data(as_text=True)
    assert all(reference in text for reference in references)
    response = _publish(
        clients("planner"), plan_id, **{f"visit-{vid}": d for vid, d in decisions.items()}
    )
    assert response.status_code == 302
    with planning_app.app_context():
        for visit_id, decision in decisions.items():
            visit = db.session.get(Appointment, visit_id)
            assert visit.status == AppointmentStatus.CONFIRMED, "nothing is dropped"
            if decision == "ask":
                assert visit.reschedule_requested_at is not None
                assert visit.reschedule_reason == "De planning van het stadhuis is gewijzigd."
                mails = db.session.scalars(
                    select(OutboxMail).where(OutboxMail.appointment_id == visit_id)
                ).all()
                assert any(mail.kind == "reschedule" for mail in mails) == bool(emails[visit_id])
            else:
                assert visit.staff_id == int(decision)
                claimed = db.session.scalars(
                    select(SlotClaim.staff_id).where(SlotClaim.appointment_id == visit_id)
                ).all()
                assert claimed and set(claimed) == {int(decision)}
                covering = db.session.scalar(
                    select(func.count())
                    .select_from(Shift)
                    .where(
                        Shift.staff_id == visit.staff_id,
                        Shift.kind == ShiftKind.COUNTER,
                        Shift.starts_at <= visit.starts_at,
                        Shift.ends_at >= visit.ends_at,
                    )
                )
                assert covering == 1


def test_publishing_without_decisions_is_refused_and_changes_nothing(
    planning_app, clients, frozen_clock
):
    plan_id = _draft(planning_app, first=NEXT_MONDAY + timedelta(weeks=2))
    with planning_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        _strand_one_turn(plan)
        db.session.commit()
        before = _shift_rows(plan.team_id)
    response = _publish(clients("planner"), plan_id)
    assert response.status_code == 409
    assert "veranderd" in response.get_data(as_text=True)
    with planning_app.app_context():
        assert db.session.get(RotaPlan, plan_id).status == PlanStatus.DRAFT
        assert _shift_rows(db.session.get(RotaPlan, plan_id).team_id) == before


def test_a_published_plan_cannot_be_published_again(planning_app, clients, frozen_clock):
    plan_id = _draft(planning_app, first=NEXT_MONDAY + timedelta(weeks=3))
    assert _publish(clients("planner"), plan_id).status_code == 302
    again = _publish(clients("planner"), plan_id)
    assert again.status_code == 409


def test_a_forged_colleague_is_refused(planning_app, clients, frozen_clock):
    plan_id = _draft(planning_app, first=NEXT_MONDAY + timedelta(weeks=4))
    with planning_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        visit = _strand_one_turn(plan)
        db.session.commit()
        entries = stranded_by_plan(db.session, plan, DEMO_NOW)
        decisions = {f"visit-{entry.visit.id}": "ask" for entry in entries}
        decisions[f"visit-{visit.id}"] = str(visit.staff_id)  # the clerk who is not there
    response = _publish(clients("planner"), plan_id, **decisions)
    assert response.status_code == 409
    with planning_app.app_context():
        assert db.session.get(RotaPlan, plan_id).status == PlanStatus.DRAFT
        assert db.session.get(Appointment, visit.id).reschedule_requested_at is None


@pytest.mark.parametrize(
    ("role", "status"), [("clerk", 403), ("reception", 403), ("planner", 404), ("admin", 200)]
)
def test_who_may_review_another_teams_plan(planning_app, clients, frozen_clock, role, status):
    plan_id = _draft(planning_app, code="andere_nationaliteiten")
    path = f"/medewerkers/planning/beurtrol/{plan_id}/publiceren"
    assert clients(role).get(path).status_code == status


@pytest.mark.parametrize("plan_id", ["999999", "0", "99999999999999"])
def test_unknown_plans_are_not_found(planning_app, clients, frozen_clock, plan_id):
    path = f"/medewerkers/planning/beurtrol/{plan_id}/publiceren"
    assert clients("admin").get(path).status_code == 404


def test_moving_answers_the_request_for_a_new_time(planning_app, frozen_clock):
    from portal.booking.operations import move
    from portal.booking.settings import BookingSettings
    from portal.planning.reschedule import TimeSuggestions, request_new_time

    with planning_app.app_context(), planning_app.test_request_context():
        visit = db.session.scalar(
            select(Appointment)
            .where(Appointment.status == AppointmentStatus.CONFIRMED, Appointment.email != "")
            .where(Appointment.starts_at > utcnow() + timedelta(days=3))
            .where(Appointment.language == "nl")  # the mail's words are checked in Dutch
            .order_by(Appointment.starts_at)
        )
        request_new_time(db.session, visit, "Staking", DEMO_NOW)
        mail = db.session.scalars(
            select(OutboxMail).where(
                OutboxMail.appointment_id == visit.id, OutboxMail.kind == "reschedule"
            )
        ).one()
        assert "Kies een nieuw tijdstip" in mail.subject
        assert "Staking" in mail.message.replace("=\n", "")
        times = TimeSuggestions(db.session, DEMO_NOW).for_visit(visit)
        assert 1 <= len(times) <= 3
        assert len({t.date() for t in times}) == len(times), "one time per day"
        move(db.session, visit, times[0], DEMO_NOW, BookingSettings.current(), for_staff=True)
        assert visit.reschedule_requested_at is None
        db.session.rollback()
