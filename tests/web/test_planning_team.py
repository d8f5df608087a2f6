"""A team's rota settings page: what it shows, who may open it, saving needs, target,
languages, working days and contracts (with Dutch refusals), and the next generated plan
following the new needs; and the roles and team boundary of every rota page.

These tests change data, so they run on an app of their own with the city's demo loaded.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    Appointment,
    AuditEvent,
    CounterNeed,
    RotaPlan,
    RotaTurn,
    ShiftKind,
    Team,
)
from portal.planning.team_forms import need_turns, regular_schedule
from portal.planning.team_settings import team_members
from portal.timeutil import to_local
from tests.conftest import DEMO_TODAY, own_demo_app
from tests.web.staff_helpers import form_token, signed_in

# After the demo's booked visits (which tie their clerks to their turns): Monday 8 February
# 2027, the first Monday after the demo's nine weeks.
FIRST_MONDAY = DEMO_TODAY + timedelta(weeks=9)
PLANS = "/medewerkers/planning/beurtrol"
NEW = PLANS + "/nieuw"
TUESDAY = 1


@pytest.fixture(scope="module")
def team_app(backend, tmp_path_factory):
    """The portal with the demo data, for this module alone (its tests change data)."""
    yield from own_demo_app(backend, tmp_path_factory, "planning_team")


@pytest.fixture
def client_as(team_app, frozen_clock):
    """``client_as(role)``: a client of this module's app signed in as the demo's account."""
    return lambda role: signed_in(team_app, role)


def _team_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Team.id).where(Team.code == code))


def _page(team_id: int) -> str:
    return f"/medewerkers/planning/team/{team_id}"


def _stored_form(app, team_id: int) -> dict:
    """The form as the page fills it now: every field with its stored value."""
    with app.test_request_context():
        team = db.session.get(Team, team_id)
        needs = {
            (n.weekday, n.starts): n.staff_needed
            for n in db.session.scalars(select(CounterNeed).where(CounterNeed.team_id == team_id))
        }
        data = {"target": str(team.counter_target_percent), "languages": team.counter_languages}
        data["reserved_percent"] = str(team.reserved_percent)
        data["reserved_release_days"] = str(team.reserved_release_days)
        data["queue_letter"] = team.queue_letter or ""
        for turn in need_turns(regular_schedule(db.session, DEMO_TODAY)):
            value = needs.get(
                (turn.weekday, turn.start), needs.get((turn.weekday, turn.block_start), 1)
            )
            data[turn.field_name] = str(value)
        for member in team_members(db.session, team):
            data[f"days_{member.id}"] = list(member.working_days)
            data[f"fraction_{member.id}"] = str(round(member.contract_fraction * 100))
        return data


def _members(app, team_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [(m.id, m.name) for m in team_members(db.session, db.session.get(Team, team_id))]


def _new_plan(client) -> int:
    """Generate a 4-week plan of the signed-in planner's team; its id."""
    data = {"csrf_token": form_token(client, NEW), "first_day": FIRST_MONDAY.isoformat()}
    response = client.post(NEW, data={**data, "weeks": "4"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _post(client, team_id: int, data: dict):
    return client.post(
        _page(team_id), data={**data, "csrf_token": form_token(client, _page(team_id))}
    )


def test_the_page_shows_the_turns_the_people_and_the_languages(team_app, client_as):
    team_id = _team_id(team_app, "bevolking")
    response = client_as("planner").get(_page(team_id))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Maandag: aantal mensen" in text and "Zaterdag: aantal mensen" in text
    # Wednesday's long block is two turns, as the generator splits it.
    assert 'name="need_2_0900"' in text and 'name="need_2_1230"' in text
    assert 'name="need_0_1600"' in text and 'value="3"' in text
    assert all(name in text for _id, name in _members(team_app, team_id))
    assert 'name="languages"' in text and "Frans" in text
    assert "<legend>" in text and "Instellingen bewaren" in text


def test_who_may_open_the_page(team_app, client_as):
    own, other = _team_id(team_app, "bevolking"), _team_id(team_app, "burgerlijke_stand")
    planner = client_as("planner")
    assert planner.get(_page(other)).status_code == 404
    assert planner.get(_page(99999999)).status_code == 404
    token = form_token(planner, _page(own))
    assert planner.post(_page(other), data={"csrf_token": token}).status_code == 404
    for role in ("clerk", "reception"):
        assert client_as(role).get(_page(own)).status_code == 403
    assert client_as("admin").get(_page(other)).status_code == 200


def test_wrong_values_are_refused_in_dutch_and_nothing_changes(team_app, client_as):
    team_id = _team_id(team_app, "bevolking")
    planner = client_as("planner")
    stored = _stored_form(team_app, team_id)
    (first_id, first_name), (second_id, second_name) = _members(team_app, team_id)[:2]
    cases = [
        ({"target": "150"}, "Het doel ligt tussen 0 en 100%"),
        ({"target": ""}, "Vul het doel in"),
        ({"need_1_0900": "abc"}, "Vul voor dinsdag 09:00–12:30 een aantal van 0 tot 50 in."),
        ({"need_1_0900": "51"}, "Vul voor dinsdag 09:00–12:30 een aantal van 0 tot 50 in."),
        ({f"days_{first_id}": []}, f"Kies minstens één werkdag voor {first_name}."),
        ({f"days_{first_id}": ["0", "9"]}, "Kies alleen uit de lijst."),
        ({f"fraction_{second_id}": "5"}, f"Het contract van {second_name} ligt tussen 10 en 100%."),
        ({"languages": ["xx"]}, "Kies alleen uit de lijst."),
        ({"queue_letter": ""}, "Vul de letter van de volgnummers in."),
        ({"queue_letter": "B1"}, "één of twee letters, A tot Z"),
        ({"queue_letter": "BEV"}, "één of twee letters, A tot Z"),
        ({"queue_letter": "É"}, "één of twee letters, A tot Z"),
        ({"queue_letter": "s"}, "Een ander team gebruikt die letter al"),  # Burgerlijke Stand
    ]
    for change, message in cases:
        response = _post(planner, team_id, {**stored, **change})
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert _stored_form(team_app, team_id) == stored


def test_saved_settings_feed_the_next_plan(team_app, client_as):
    team_id = _team_id(team_app, "bevolking")
    planner = client_as("planner")
    data = _stored_form(team_app, team_id)
    person_id, _name = _members(team_app, team_id)[0]
    data.update(
        {
            "need_1_0900": "0",
            "need_2_1230": "2",
            "target": "30",
            "languages": ["fr", "en"],
            f"days_{person_id}": ["0", "1", "2", "3"],
            f"fraction_{person_id}": "80",
        }
    )
    response = _post(planner, team_id, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "bewaard" in planner.get(response.headers["Location"]).get_data(as_text=True)
    with team_app.app_context():
        needs = {
            (n.weekday, n.starts): n.staff_needed
            for n in db.session.scalars(select(CounterNeed).where(CounterNeed.team_id == team_id))
        }
        assert needs[TUESDAY, time(9)] == 0
        assert needs[2, time(12, 30)] == 2
        team = db.session.get(Team, team_id)
        assert team.counter_target_percent == 30
        assert sorted(team.counter_languages) == ["en", "fr"]
        member = next(m for m in team.members if m.id == person_id)
        assert member.working_days == "0123"
        assert member.contract_fraction == pytest.approx(0.8)
        audit = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject == "team.settings")
        )
        assert audit == 1
    # The next plan: nobody at the counter on Tuesday mornings, the target from the team,
    # and the person who no longer works Fridays or Saturdays has no turn then.
    response = planner.post(
        NEW,
        data={
            "csrf_token": form_token(planner, NEW),
            "first_day": FIRST_MONDAY.isoformat(),
            "weeks": "4",
            "target": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with team_app.app_context():
        plan = db.session.get(RotaPlan, plan_id)
        assert plan.target_percent == 30
        counter = db.session.scalars(
            select(RotaTurn).where(RotaTurn.plan_id == plan_id, RotaTurn.kind == ShiftKind.COUNTER)
        ).all()
        assert counter
        starts = [to_local(turn.starts_at) for turn in counter]
        assert not [s for s in starts if s.weekday() == TUESDAY and s.time() == time(9)]
        wednesday_afternoon = [s for s in starts if s.weekday() == 2 and s.time() == time(12, 30)]
        assert len(wednesday_afternoon) <= 2 * 4
        theirs = [to_local(t.starts_at).weekday() for t in counter if t.staff_id == person_id]
        assert 4 not in theirs and 5 not in theirs
    page = planner.get(f"/medewerkers/planning/beurtrol/{plan_id}").get_data(as_text=True)
    assert "0 / 0" in page


# ------------------------------------------------------------------ who may do what


def test_plan_pages_keep_to_roles_and_teams(team_app, client_as):
    planner = client_as("planner")
    plan_id = _new_plan(planner)
    for role in ("clerk", "reception"):
        client = client_as(role)
        assert client.get(PLANS).status_code == 403
        assert client.get(NEW).status_code == 403
        assert client.get(f"{PLANS}/{plan_id}").status_code == 403
    admin = client_as("admin")
    listing = admin.get(PLANS)
    assert listing.status_code == 200
    assert f"{PLANS}/{plan_id}" in listing.get_data(as_text=True)
    assert 'name="team"' in listing.get_data(as_text=True)
    assert admin.get(f"{PLANS}/{plan_id}").status_code == 200
    # An administrator's plan for another team is out of the planner's reach.
    other_team = _team_id(team_app, "burgerlijke_stand")
    response = admin.post(
        NEW,
        data={
            "csrf_token": form_token(admin, NEW),
            "team": other_team,
            "first_day": FIRST_MONDAY.isoformat(),
            "weeks": "4",
        },
    )
    assert response.status_code == 302
    other_plan = int(response.headers["Location"].rsplit("/", 1)[1])
    with team_app.app_context():
        assert db.session.get(RotaPlan, other_plan).team_id == other_team
    assert planner.get(f"{PLANS}/{other_plan}").status_code == 404
    assert planner.get(f"{PLANS}?team={other_team}").status_code == 404
    assert planner.get(f"{PLANS}/99999999999").status_code == 404
    token = form_token(planner, PLANS)
    for action in ("plaatsen", "weghalen", "ruilen", "verwerpen"):
        response = planner.post(f"{PLANS}/{other_plan}/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action
    assert f"{PLANS}/{other_plan}" not in planner.get(PLANS).get_data(as_text=True)


def test_a_new_queue_letter_shows_on_the_visits_at_once(team_app, client_as):
    team_id = _team_id(team_app, "bevolking")
    planner = client_as("planner")
    stored = _stored_form(team_app, team_id)
    assert stored["queue_letter"] == "B"
    try:
        response = _post(planner, team_id, {**stored, "queue_letter": " bv "})
        assert response.status_code == 302, response.get_data(as_text=True)
        with team_app.app_context():
            assert db.session.get(Team, team_id).queue_letter == "BV"
            visit = db.session.scalar(
                select(Appointment).where(Appointment.queue_team_id == team_id).limit(1)
            )
            assert visit.queue_label == f"BV-{visit.queue_number:03d}"
    finally:
        _post(planner, team_id, stored)
    assert _stored_form(team_app, team_id)["queue_letter"] == "B"
