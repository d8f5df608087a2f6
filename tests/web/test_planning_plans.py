"""The planners' rota pages: the plans list, generating a draft, the plan page (report and
week grid) and the hand edits of a draft (put on, take off, swap, discard), with their
refusals and audit rows. Who may open these pages is tested in test_planning_team.py.

These tests change data, so they run on an app of their own with the city's demo loaded.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    Absence,
    AbsenceKind,
    AuditEvent,
    PlanStatus,
    RotaPlan,
    RotaTurn,
    Service,
    Shift,
    ShiftKind,
    StaffMember,
    Team,
)
from portal.planning.plan_grid import CellState, week_grid
from portal.planning.rota_data import plan_slots
from portal.timeutil import local_datetime
from tests.conftest import DEMO_TODAY, own_demo_app
from tests.web.staff_helpers import form_token, signed_in

PLANS = "/medewerkers/planning/beurtrol"
NEW = PLANS + "/nieuw"
FIRST_MONDAY = DEMO_TODAY + timedelta(days=7)  # Monday 14 December 2026


@pytest.fixture(scope="module")
def rota_app(backend, tmp_path_factory):
    """The portal with the demo data, for this module alone (its tests change data)."""
    yield from own_demo_app(backend, tmp_path_factory, "planning_plans")


@pytest.fixture
def client_as(rota_app, frozen_clock):
    """``client_as(role)``: a client of this module's app signed in as the demo's account."""
    return lambda role: signed_in(rota_app, role)


@pytest.fixture
def planner(client_as):
    return client_as("planner")


def _team_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Team.id).where(Team.code == code))


def _generate(client, first_day: str = FIRST_MONDAY.isoformat(), weeks: str = "4", **extra):
    """Post the new-plan form; the response."""
    data = {"csrf_token": form_token(client, NEW), "first_day": first_day, "weeks": weeks}
    data.update(extra)
    return client.post(NEW, data=data)


def _new_plan(client) -> int:
    response = _generate(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/beurtrol/([0-9]+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def _turns(app, plan_id: int) -> set[tuple]:
    """The plan's turns as (person, kind, counter, start, end)."""
    with app.app_context():
        rows = db.session.scalars(select(RotaTurn).where(RotaTurn.plan_id == plan_id))
        return {(t.staff_id, t.kind, t.counter_id, t.starts_at, t.ends_at) for t in rows}


def _report(app, plan_id: int) -> dict:
    with app.app_context():
        return db.session.get(RotaPlan, plan_id).report


def _person_line(report: dict, person_id: int) -> dict:
    return next(entry for entry in report["people"] if entry["person_id"] == person_id)


def _grid(app, plan_id: int, week: int = 1):
    """(grid, slots) of a week of the plan, read as the page reads it."""
    with app.test_request_context():
        plan = db.session.get(RotaPlan, plan_id)
        slots = plan_slots(db.session, plan)
        grid = week_grid(db.session, plan, slots, week)
        db.session.expunge_all()
        return grid


def _cells(grid, state: CellState):
    """(person id, column) of every cell in ``state``."""
    return [
        (row.person.id, column)
        for row in grid.rows
        for cell, column in zip(row.cells, grid.columns, strict=True)
        if cell.state == state
    ]


def _edit(client, plan_id: int, action: str, **data):
    page = f"{PLANS}/{plan_id}"
    data["csrf_token"] = form_token(client, page)
    return client.post(f"{page}/{action}", data=data)


def _flash_after(client, response) -> str:
    """The page a redirect leads to, as text."""
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _audit_count(app, subject: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.subject == subject)
        )


def _free_slots(client, service_id: int, day: date) -> list:
    response = client.get(f"/api/v1/services/{service_id}/slots?date={day.isoformat()}")
    assert response.status_code == 200
    return response.get_json()


# ------------------------------------------------------------------ generating and reading


def test_planner_generates_a_plan_and_sees_the_report_and_the_grid(rota_app, planner):
    form = planner.get(NEW)
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert "Nieuw plan maken" in text and FIRST_MONDAY.isoformat() in text
    before = _audit_count(rota_app, "rota.generate")

    plan_id = _new_plan(planner)

    with rota_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        assert plan.status == PlanStatus.DRAFT
        assert plan.team.code == "bevolking"
        assert (plan.first_day, plan.last_day) == (FIRST_MONDAY, FIRST_MONDAY + timedelta(27))
        assert plan.target_percent == plan.team.counter_target_percent
        names = db.session.scalars(
            select(StaffMember.name).where(
                StaffMember.team_id == plan.team_id, StaffMember.active.is_(True)
            )
        ).all()
    assert _audit_count(rota_app, "rota.generate") == before + 1
    page = planner.get(f"{PLANS}/{plan_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Verslag" in text and "Week 1 van 4" in text
    assert all(name in text for name in names)
    assert "Balie 1" in text and "Ingepland / nodig" in text
    assert "Nakijken en publiceren" in text
    assert 'scope="row"' in text and 'scope="col"' in text and "table-scroll" in text
    # Another week of the plan, and one it does not have.
    assert "Week 3 van 4" in planner.get(f"{PLANS}/{plan_id}?week=3").get_data(as_text=True)
    wrong = planner.get(f"{PLANS}/{plan_id}?week=9")
    assert wrong.status_code == 400
    assert "Deze week hoort niet bij het plan" in wrong.get_data(as_text=True)
    # The list shows it as a draft.
    listing = planner.get(PLANS).get_data(as_text=True)
    assert f"{PLANS}/{plan_id}" in listing and "Ontwerp" in listing


def test_a_draft_changes_no_shift_and_no_free_time(rota_app, planner, client_as):
    with rota_app.app_context():
        shifts_before = db.session.execute(
            select(Shift.id, Shift.staff_id, Shift.counter_id, Shift.starts_at)
        ).all()
        service_id = db.session.scalar(
            select(Service.id)
            .join(Team, Team.id == Service.team_id)
            .where(Team.code == "bevolking", Service.publicly_bookable.is_(True))
            .order_by(Service.position)
        )
    day = FIRST_MONDAY + timedelta(days=1)
    slots_before = _free_slots(planner, service_id, day)

    plan_id = _new_plan(planner)
    # Hand edits of the draft change nothing for residents either.
    grid = _grid(rota_app, plan_id, 1)
    person_id, column = _cells(grid, CellState.COUNTER)[0]
    _edit(planner, plan_id, "weghalen", person=person_id, turn=column.key, week=1)

    with rota_app.app_context():
        shifts_after = db.session.execute(
            select(Shift.id, Shift.staff_id, Shift.counter_id, Shift.starts_at)
        ).all()
    assert sorted(shifts_after) == sorted(shifts_before)
    assert _free_slots(planner, service_id, day) == slots_before


def test_new_plan_form_refuses_wrong_values_in_dutch(rota_app, planner):
    with rota_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(RotaPlan))
    cases = [
        ({"first_day": (FIRST_MONDAY + timedelta(days=2)).isoformat()}, "begint op een maandag"),
        ({"first_day": DEMO_TODAY.isoformat()}, "Kies een maandag na vandaag"),
        ({"first_day": "14-12-2026"}, "Vul een geldige datum in"),
        ({"weeks": "13"}, "Een plan duurt 4 tot 12 weken"),
        ({"weeks": "drie"}, "Vul een geheel getal in"),
        ({"target": "150"}, "Het doel ligt tussen 0 en 100%"),
    ]
    for data, message in cases:
        response = _generate(planner, **data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    with rota_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RotaPlan)) == count


def test_target_from_the_form_is_used(rota_app, planner):
    response = _generate(planner, target="30")
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with rota_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        assert plan.target_percent == 30
        assert plan.report["target_share"] == pytest.approx(0.30)


# ------------------------------------------------------------------ hand edits


def test_assign_and_unassign_change_the_turns_and_the_report(rota_app, planner):
    plan_id = _new_plan(planner)
    grid = _grid(rota_app, plan_id, 2)
    # A day turn with a counter to spare (need below the team's five counters).
    column = next(c for c in grid.columns if c.staffed < len(c.turn.counters))
    person_id = next(p for p, c in _cells(grid, CellState.FREE) if c.key == column.key)
    start, end = column.turn.start, column.turn.end
    before = _turns(rota_app, plan_id)
    hours_before = _person_line(_report(rota_app, plan_id), person_id)["counter_hours"]

    response = _edit(planner, plan_id, "plaatsen", person=person_id, turn=column.key, week=2)
    assert "week=2" in response.headers["Location"]
    assert "staat op" in _flash_after(planner, response)

    after = _turns(rota_app, plan_id)
    added = after - before
    counter_rows = [t for t in added if t[1] == ShiftKind.COUNTER]
    assert [(t[0], t[3], t[4]) for t in counter_rows] == [(person_id, start, end)]
    assert counter_rows[0][2] in column.turn.counters
    # No back-office time of the person overlaps the new counter turn.
    assert not [
        t
        for t in after
        if t[0] == person_id and t[1] == ShiftKind.BACK_OFFICE and t[3] < end and t[4] > start
    ]
    hours_after = _person_line(_report(rota_app, plan_id), person_id)["counter_hours"]
    assert hours_after == pytest.approx(hours_before + (end - start).total_seconds() / 3600)
    assert _audit_count(rota_app, "rota.assign") >= 1

    response = _edit(planner, plan_id, "weghalen", person=person_id, turn=column.key, week=2)
    assert "staat niet meer op" in _flash_after(planner, response)
    again = _turns(rota_app, plan_id)
    assert not [
        t for t in again if t[0] == person_id and t[1] == ShiftKind.COUNTER and t[3] == start
    ]
    back = _person_line(_report(rota_app, plan_id), person_id)["counter_hours"]
    assert back == pytest.approx(hours_before)
    assert _audit_count(rota_app, "rota.unassign") >= 1


def test_swap_exchanges_two_turns_and_their_counters(rota_app, planner):
    plan_id = _new_plan(planner)
    grid = _grid(rota_app, plan_id, 2)
    states = {
        (row.person.id, column.key): cell
        for row in grid.rows
        for cell, column in zip(row.cells, grid.columns, strict=True)
    }
    on_counter = _cells(grid, CellState.COUNTER)
    pair = next(
        (a, t1, b, t2)
        for a, t1 in on_counter
        for b, t2 in on_counter
        if a != b
        and t1.key != t2.key
        and states[a, t2.key].state == CellState.FREE
        and states[b, t1.key].state == CellState.FREE
    )
    a, t1, b, t2 = pair
    counter_a, counter_b = states[a, t1.key].counter, states[b, t2.key].counter
    swaps = _audit_count(rota_app, "rota.swap")

    response = _edit(
        planner,
        plan_id,
        "ruilen",
        first_person=a,
        first_turn=t1.key,
        second_person=b,
        second_turn=t2.key,
        week=2,
    )
    assert "Geruild" in _flash_after(planner, response)
    after = _grid(rota_app, plan_id, 2)
    cells = {
        (row.person.id, column.key): cell
        for row in after.rows
        for cell, column in zip(row.cells, after.columns, strict=True)
    }
    assert cells[a, t2.key].state == CellState.COUNTER and cells[a, t2.key].counter == counter_b
    assert cells[b, t1.key].state == CellState.COUNTER and cells[b, t1.key].counter == counter_a
    assert cells[a, t1.key].state == CellState.FREE and cells[b, t2.key].state == CellState.FREE
    assert _audit_count(rota_app, "rota.swap") == swaps + 1


def test_refusals_change_nothing_and_say_why(rota_app, planner):
    plan_id = _new_plan(planner)
    grid = _grid(rota_app, plan_id, 2)
    person_id, column = _cells(grid, CellState.COUNTER)[0]
    free_id, free_column = _cells(grid, CellState.FREE)[0]
    before = _turns(rota_app, plan_id)
    cases = [
        ("plaatsen", {"person": person_id, "turn": column.key}, "staat al aan een balie"),
        ("weghalen", {"person": free_id, "turn": free_column.key}, "staat niet op"),
        ("plaatsen", {"person": "abc", "turn": column.key}, "Kies een medewerker van het team"),
        ("plaatsen", {"person": "99999999999", "turn": column.key}, "Kies een medewerker"),
        ("plaatsen", {"person": free_id, "turn": "gisteren"}, "Deze beurt hoort niet bij"),
        ("plaatsen", {"person": free_id, "turn": "2030-01-07T08:00:00+00:00"}, "Deze beurt"),
        (
            "ruilen",
            {
                "first_person": person_id,
                "first_turn": column.key,
                "second_person": person_id,
                "second_turn": column.key,
            },
            "twee verschillende medewerkers",
        ),
    ]
    other = [
        p for p, c in _cells(grid, CellState.COUNTER) if c.key == column.key and p != person_id
    ]
    cases.append(
        (
            "ruilen",
            {
                "first_person": person_id,
                "first_turn": column.key,
                "second_person": other[0],
                "second_turn": column.key,
            },
            "twee verschillende beurten",
        )
    )
    with rota_app.app_context():
        stranger = db.session.scalar(
            select(StaffMember.id)
            .join(Team, Team.id == StaffMember.team_id)
            .where(Team.code != "bevolking")
        )
    cases.append(("plaatsen", {"person": stranger, "turn": free_column.key}, "Kies een medewerker"))
    for action, data, message in cases:
        response = _edit(planner, plan_id, action, week=2, **data)
        assert message in _flash_after(planner, response), (action, data)
    assert _turns(rota_app, plan_id) == before


def test_an_absent_person_cannot_be_put_on_a_turn(rota_app, planner):
    plan_id = _new_plan(planner)
    grid = _grid(rota_app, plan_id, 3)
    person_id, column = _cells(grid, CellState.FREE)[0]
    with rota_app.app_context():
        day = column.turn.day
        db.session.add(
            Absence(
                staff_id=person_id,
                kind=AbsenceKind.TRAINING,
                note="Opleiding",
                starts_at=local_datetime(day, time(0)),
                ends_at=local_datetime(day + timedelta(days=1), time(0)),
            )
        )
        db.session.commit()
    assert _cells(_grid(rota_app, plan_id, 3), CellState.AWAY)
    before = _turns(rota_app, plan_id)
    response = _edit(planner, plan_id, "plaatsen", person=person_id, turn=column.key, week=3)
    assert "is afwezig op" in _flash_after(planner, response)
    assert _turns(rota_app, plan_id) == before


def test_a_turn_with_every_counter_taken_is_refused(rota_app, planner):
    plan_id = _new_plan(planner)
    grid = _grid(rota_app, plan_id, 2)
    column = next(c for c in grid.columns if c.staffed < len(c.turn.counters))
    free = [p for p, c in _cells(grid, CellState.FREE) if c.key == column.key]
    for person_id in free[: len(column.turn.counters) - column.staffed]:
        response = _edit(planner, plan_id, "plaatsen", person=person_id, turn=column.key)
        assert "staat op" in _flash_after(planner, response)
    before = _turns(rota_app, plan_id)
    last = free[len(column.turn.counters) - column.staffed]
    response = _edit(planner, plan_id, "plaatsen", person=last, turn=column.key)
    assert "Alle balies van het team zijn bezet" in _flash_after(planner, response)
    assert _turns(rota_app, plan_id) == before
    page = planner.get(f"{PLANS}/{plan_id}?week=2").get_data(as_text=True)
    assert f"{len(column.turn.counters)} / {column.turn.need}" in page


def test_published_and_discarded_plans_are_read_only(rota_app, planner):
    published, discarded = _new_plan(planner), _new_plan(planner)
    with rota_app.app_context():
        db.session.get(RotaPlan, published).status = PlanStatus.PUBLISHED
        db.session.commit()
    grid = _grid(rota_app, published, 1)
    person_id, column = _cells(grid, CellState.COUNTER)[0]
    before = _turns(rota_app, published)
    response = _edit(planner, published, "weghalen", person=person_id, turn=column.key)
    assert "gepubliceerd en kan niet meer gewijzigd" in _flash_after(planner, response)
    assert _turns(rota_app, published) == before
    page = planner.get(f"{PLANS}/{published}").get_data(as_text=True)
    assert "Weghalen" not in page and "Beurten ruilen" not in page

    # Discarding asks first: the button opens a question, a form without "yes" asks again.
    question = planner.get(f"{PLANS}/{discarded}/verwerpen")
    assert question.status_code == 200
    assert "Ontwerp verwerpen?" in question.get_data(as_text=True)
    assert "Ontwerp verwerpen?" in _edit(planner, discarded, "verwerpen").get_data(as_text=True)
    with rota_app.app_context():
        assert db.session.get(RotaPlan, discarded).status == PlanStatus.DRAFT
    response = _edit(planner, discarded, "verwerpen", confirm="yes")
    assert "verworpen" in _flash_after(planner, response)
    with rota_app.app_context():
        assert db.session.get(RotaPlan, discarded).status == PlanStatus.DISCARDED
    response = _edit(planner, discarded, "weghalen", person=person_id, turn=column.key)
    assert "verworpen en kan niet meer" in _flash_after(planner, response)
    response = _edit(planner, discarded, "verwerpen", confirm="yes")
    assert "verworpen en kan niet meer" in _flash_after(planner, response)
    assert _audit_count(rota_app, "rota.discard") == 1
