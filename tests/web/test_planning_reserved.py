"""The reserved capacity in a team's settings page: the two fields with their Dutch
explanation, refusals of odd values in Dutch, saving (audited like the other settings),
who may change it, and the public API following the new setting at once.

These tests change data, so they run on an app of their own with the city's demo loaded.
"""

from __future__ import annotations

from datetime import time, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Service, Team
from portal.timeutil import local_datetime
from tests.conftest import DEMO_TODAY, own_demo_app
from tests.web.staff_helpers import signed_in


@pytest.fixture(scope="module")
def reserved_app(backend, tmp_path_factory):
    """The portal with the demo data, for this module alone (its tests change data)."""
    yield from own_demo_app(backend, tmp_path_factory, "planning_reserved", RATELIMIT_ENABLED=False)


@pytest.fixture
def client_as(reserved_app, frozen_clock):
    """``client_as(role)``: a client signed in as the demo's account of ``role``."""
    return lambda role: signed_in(reserved_app, role)


class _FormReader(HTMLParser):
    """What a browser would send for the page's form, untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        """Keep every named input's value (checkboxes only when ticked)."""
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag != "input" or not name:
            return
        if attributes.get("type") == "checkbox" and "checked" not in attributes:
            self.data.setdefault(name, [])
            return
        self.data.setdefault(name, []).append(attributes.get("value") or "")


def _page(team_id: int) -> str:
    return f"/medewerkers/planning/team/{team_id}"


def _form(client, team_id: int) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(client.get(_page(team_id)).get_data(as_text=True))
    return reader.data


def _team(app, code: str) -> tuple[int, int, int]:
    """(id, reserved percent, release days) of the team with ``code``."""
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == code))
        return team.id, team.reserved_percent, team.reserved_release_days


def test_the_page_explains_both_fields(reserved_app, client_as):
    team_id, percent, days = _team(reserved_app, "bevolking")
    response = client_as("planner").get(_page(team_id))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<h2>Gereserveerde capaciteit</h2>" in text
    assert "<legend>Gereserveerd voor vervolgafspraken</legend>" in text
    assert '<label for="reserved_percent">Gereserveerd deel van elke baliebeurt (%)' in text
    assert '<label for="reserved_release_days">Vrijgeven na (werkdagen vooraf)' in text
    assert 'aria-describedby="reserved_percent-hint"' in text
    assert "20% van een beurt van 09:00 tot 12:30" in text
    form = _form(client_as("planner"), team_id)
    assert form["reserved_percent"] == [str(percent)]
    assert form["reserved_release_days"] == [str(days)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reserved_percent": "91"}, "Het gereserveerde deel ligt tussen 0 en 90%."),
        ({"reserved_percent": ""}, "Vul het gereserveerde deel in, van 0 tot 90%."),
        ({"reserved_percent": "-5"}, "Vul voor het gereserveerde deel een getal van 0 tot 90 in."),
        ({"reserved_percent": "2e1"}, "Vul voor het gereserveerde deel een getal van 0 tot 90 in."),
        ({"reserved_percent": "9" * 40}, "een getal van 0 tot 90 in."),
        ({"reserved_release_days": "31"}, "Het vrijgeven ligt tussen 0 en 30 werkdagen."),
        ({"reserved_release_days": ""}, "Vul in na hoeveel werkdagen, van 0 tot 30."),
        ({"reserved_release_days": "٣"}, "een aantal werkdagen van 0 tot 30 in."),
    ],
    ids=["91", "empty", "negative", "exponent", "huge", "days-31", "days-empty", "arabic-digit"],
)
def test_odd_values_are_refused_in_dutch_and_nothing_changes(
    reserved_app, client_as, change, message
):
    team_id, percent, days = _team(reserved_app, "bevolking")
    planner = client_as("planner")
    response = planner.post(_page(team_id), data={**_form(planner, team_id), **change})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text
    field = next(iter(change))
    assert f'id="{field}-error"' in text and 'aria-invalid="true"' in text
    assert _team(reserved_app, "bevolking") == (team_id, percent, days)


def test_a_planner_saves_the_reservation_audited_and_the_api_follows_at_once(
    reserved_app, client_as
):
    team_id, _percent, _days = _team(reserved_app, "bevolking")
    with reserved_app.app_context():
        service_id = db.session.scalar(
            select(Service.id).where(
                Service.team_id == team_id,
                Service.publicly_bookable.is_(True),
                Service.duration_minutes == 15,
            )
        )
    api = reserved_app.test_client()
    # A Thursday beyond the release days: its morning turn ends at 12:30.
    thursday = DEMO_TODAY + timedelta(days=10)
    path = f"/api/v1/services/{service_id}/slots?date={thursday.isoformat()}"

    def latest_start() -> str | None:
        starts = [slot["start"] for slot in api.get(path).json["slots"]]
        return max(starts)[11:16] if starts else None

    planner = client_as("planner")
    data = {**_form(planner, team_id), "reserved_percent": "0", "reserved_release_days": "2"}
    assert planner.post(_page(team_id), data=data).status_code == 302
    open_until = latest_start()
    data.update(reserved_percent="40", reserved_release_days="3")
    response = planner.post(_page(team_id), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _team(reserved_app, "bevolking") == (team_id, 40, 3)
    assert "bewaard" in planner.get(response.headers["Location"]).get_data(as_text=True)
    # 40% of 09:00–12:30 is 90 minutes (84, to the nearest quarter): 11:00 onwards is kept.
    assert open_until is not None and latest_start() < "11:00" <= open_until
    with reserved_app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject == "team.settings", AuditEvent.team_id == team_id)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.detail["reserved_percent"] == 40
        assert event.detail["reserved_release_days"] == 3
        assert event.at == local_datetime(DEMO_TODAY, time(7, 30))


def test_only_the_teams_planner_or_an_administrator_changes_it(reserved_app, client_as):
    own, _p, _d = _team(reserved_app, "bevolking")
    other, percent, days = _team(reserved_app, "burgerlijke_stand")
    planner = client_as("planner")
    data = {**_form(planner, own), "reserved_percent": "50"}
    assert planner.post(_page(other), data=data).status_code == 404
    for role in ("clerk", "reception"):
        assert client_as(role).post(_page(own), data=data).status_code in (400, 403)
        assert client_as(role).get(_page(own)).status_code == 403
    assert _team(reserved_app, "burgerlijke_stand") == (other, percent, days)
    admin = client_as("admin")
    data = {**_form(admin, other), "reserved_percent": "15", "reserved_release_days": "0"}
    assert admin.post(_page(other), data=data).status_code == 302
    assert _team(reserved_app, "burgerlijke_stand") == (other, 15, 0)
