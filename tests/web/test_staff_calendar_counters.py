"""The staff calendar of every counter side by side ("Alle balies", ``by=counters``): the
reader's counters as columns headed by their number, each visit in its counter's column,
the team boundary, and what the page hands the component (column widths, hidden Sunday)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, Counter, Team
from portal.timeutil import end_of_local_day, start_of_local_day
from tests.conftest import DEMO_TODAY

PAGE = "/medewerkers/agenda"
EVENTS = "/medewerkers/agenda/gebeurtenissen"
TODAY = DEMO_TODAY.isoformat()
TOMORROW = (DEMO_TODAY + timedelta(days=1)).isoformat()


def _config(html: str) -> dict:
    """The component's settings on the page."""
    found = re.search(r'id="staff-calendar-config">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def _counters(demo_app, team_code: str | None = None) -> list[Counter]:
    """The active counters by number, of one team or of all."""
    with demo_app.app_context():
        query = select(Counter).where(Counter.active.is_(True)).order_by(Counter.number)
        if team_code:
            team_id = db.session.scalar(select(Team.id).where(Team.code == team_code))
            query = query.where(Counter.team_id == team_id)
        counters = db.session.scalars(query).all()
        db.session.expunge_all()
        return counters


def test_reception_sees_every_counter_side_by_side(staff_client, demo_app):
    """Central reception's day of all counters: one column per counter, headed
    "Balie <number>", in number order; the picker offers and selects "Alle balies"."""
    response = staff_client("reception").get(PAGE, query_string={"view": "day", "by": "counters"})
    assert response.status_code == 200
    html = response.text
    config = _config(html)
    counters = _counters(demo_app)
    assert config["view"] == "resourceTimeGridDay"
    assert config["by"] == "counters"
    assert [r["title"] for r in config["resources"]] == [f"Balie {c.number}" for c in counters]
    assert [r["id"] for r in config["resources"]] == [str(c.id) for c in counters]
    assert config["hiddenDays"] == []
    assert '<option value="counters" selected>Alle balies</option>' in html
    assert "Alle balies: " in html  # the calendar's title


def test_the_form_scope_picks_all_counters(staff_client):
    """The GET form's ``scope=counters`` is the same as ``by=counters``."""
    html = staff_client("reception").get(PAGE, query_string={"scope": "counters"}).text
    assert _config(html)["by"] == "counters"


def test_a_clerk_sees_only_the_counters_of_their_team(staff_client, demo_app):
    """A clerk of Bevolking: that team's counters only, in the page and in the events."""
    own = {str(c.id) for c in _counters(demo_app, "bevolking")}
    client = staff_client("clerk")
    config = _config(client.get(PAGE, query_string={"view": "day", "by": "counters"}).text)
    assert {r["id"] for r in config["resources"]} == own
    events = client.get(
        EVENTS, query_string={"start": TODAY, "end": TOMORROW, "by": "counters"}
    ).json
    assert events and {rid for e in events for rid in e["resourceIds"]} <= own


def test_each_visit_stands_in_its_counters_column(staff_client, demo_app):
    """The day's visits at a counter (not cancelled), in their counter's column, with
    their reference and services for the one-line layout; counter shifts behind them."""
    client = staff_client("reception")
    events = client.get(
        EVENTS, query_string={"start": TODAY, "end": TOMORROW, "by": "counters"}
    ).json
    visits = {e["id"]: e for e in events if e.get("display") != "background"}
    with demo_app.app_context():
        rows = db.session.scalars(
            select(Appointment).where(
                Appointment.filter_between(
                    start_of_local_day(DEMO_TODAY), end_of_local_day(DEMO_TODAY)
                ),
                Appointment.counter_id.is_not(None),
                Appointment.status != AppointmentStatus.CANCELLED,
            )
        ).all()
        expected = {str(v.id): (str(v.counter_id), v.reference) for v in rows}
    assert set(visits) == set(expected)
    for visit_id, (counter_id, reference) in expected.items():
        assert visits[visit_id]["resourceIds"] == [counter_id]
        assert visits[visit_id]["extendedProps"]["reference"] == reference
        assert visits[visit_id]["extendedProps"]["services"]
    shifts = [e for e in events if "cal-counter-shift" in e.get("classNames", [])]
    assert shifts and all(len(e["resourceIds"]) == 1 for e in shifts)


def test_a_week_hides_the_closed_sunday(staff_client):
    """A week leaves out Sunday (nothing is booked then); a team's week of many people
    is one column per day."""
    config = _config(staff_client("clerk").get(PAGE, query_string={"view": "week"}).text)
    assert config["hiddenDays"] == [0]
    assert config["view"] == "timeGridWeek"
    assert config["texts"]["otherCounter"]
