"""The staff calendars: the page and its table, the team boundary, the JSON events (visits,
shifts, closed days), odd input, the audit trail, and moving a visit by a drop."""

from __future__ import annotations

import json
import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import event, func, select

from portal.antibot import limiter
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Counter,
    OutboxMail,
    StaffMember,
    StaffRole,
    Team,
)
from portal.staff.accounts import hash_password
from portal.timeutil import end_of_local_day, local_datetime, start_of_local_day
from tests.builders import book, build_city
from tests.conftest import DEMO_TODAY
from tests.web.staff_helpers import DEMO_EMAILS, new_client, sign_in

PAGE = "/medewerkers/agenda"
EVENTS = "/medewerkers/agenda/gebeurtenissen"
MOVE = "/medewerkers/agenda/verplaatsen"
TODAY = DEMO_TODAY.isoformat()
TOMORROW = (DEMO_TODAY + timedelta(days=1)).isoformat()
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Sign-ins of other tests (same address, frozen clock) must not count here."""
    limiter.reset()


def _team_id(demo_app, code: str) -> int:
    """The id of the demo team with ``code``."""
    with demo_app.app_context():
        return db.session.scalar(select(Team.id).where(Team.code == code))


def _other_team_things(demo_app) -> dict[str, int]:
    """A team, a counter and a staff member of Burgerlijke Stand (not the clerk's team)."""
    with demo_app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == "burgerlijke_stand"))
        return {
            "team": team.id,
            "counter": db.session.scalar(select(Counter.id).where(Counter.team_id == team.id)),
            "staff": db.session.scalar(
                select(StaffMember.id).where(StaffMember.team_id == team.id)
            ),
        }


def _visible_visit_ids(demo_app, team_code: str, day: date) -> set[str]:
    """The ids of the day's visits of a team that the calendar shows (not cancelled)."""
    with demo_app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.code == team_code))
        ids = db.session.scalars(
            select(Appointment.id).where(
                Appointment.filter_teams([team_id]),
                Appointment.filter_between(start_of_local_day(day), end_of_local_day(day)),
                Appointment.status != AppointmentStatus.CANCELLED,
            )
        )
        return {str(visit_id) for visit_id in ids}


def _events(client, start: str, end: str, **query) -> list[dict]:
    """The calendar's events of ``start``..``end`` (must answer 200)."""
    response = client.get(EVENTS, query_string={"start": start, "end": end, **query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


# --- the page ------------------------------------------------------------------------------


def test_page_shows_the_clerks_team_with_a_table_of_the_visits(staff_client, demo_app):
    """Without JavaScript the page is a filter form and a table of the week's visits, each
    linked to its page; the component's settings and the CSRF token are on the page."""
    client = staff_client("clerk")
    response = client.get(PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert '<label for="calendar-scope">' in html and '<label for="calendar-date">' in html
    assert "<caption" in html and '<th scope="col">' in html
    assert CSRF_META.search(html)
    visit_ids = _visible_visit_ids(demo_app, "bevolking", DEMO_TODAY)
    some = sorted(visit_ids, key=int)[0]
    assert f'href="/medewerkers/bezoek/{some}"' in html
    config = json.loads(
        re.search(r'id="staff-calendar-config">(.*?)</script>', html, re.S).group(1)
    )
    assert config["by"] == "team" and config["date"] == TODAY
    assert config["view"] == "timeGridWeek"  # fifteen people: one column per day
    assert config["eventsUrl"].startswith(EVENTS)
    assert len(config["resources"]) > 3
    assert re.search(r"<time datetime=[^>]+>ma 7 dec\.? 09:00–09:\d\d</time>", html)


def test_day_view_of_one_staff_member_lists_only_their_visits(staff_client, demo_app):
    """``view=day`` and ``by=staff``: that person's visits of that day, side by side."""
    with demo_app.app_context():
        visit = db.session.scalars(
            select(Appointment)
            .where(
                Appointment.filter_between(
                    start_of_local_day(DEMO_TODAY), end_of_local_day(DEMO_TODAY)
                ),
                Appointment.filter_teams([_team_id(demo_app, "bevolking")]),
            )
            .order_by(Appointment.id)
        ).first()
        staff_id, reference = visit.staff_id, visit.reference
        others = db.session.scalars(
            select(Appointment.reference).where(
                Appointment.staff_id != staff_id,
                Appointment.filter_between(
                    start_of_local_day(DEMO_TODAY), end_of_local_day(DEMO_TODAY)
                ),
            )
        ).all()
    client = staff_client("clerk")
    html = client.get(PAGE, query_string={"view": "day", "by": "staff", "id": staff_id}).text
    assert reference in html
    assert not [other for other in others if other in html]
    assert '"view": "resourceTimeGridDay"' in html


def test_the_form_scope_picks_a_counter(staff_client, demo_app):
    """The GET form sends ``scope=counter-<id>``, the same as ``by=counter&id=<id>``."""
    with demo_app.app_context():
        counter = db.session.scalar(select(Counter).where(Counter.number == 2))
        counter_id = counter.id
    client = staff_client("clerk")
    html = client.get(PAGE, query_string={"scope": f"counter-{counter_id}", "view": "day"}).text
    assert f'<option value="counter-{counter_id}" selected>' in html
    assert '"by": "counter"' in html


@pytest.mark.parametrize("kind", ["team", "counter", "staff"])
def test_a_clerk_cannot_open_another_teams_calendar(staff_client, demo_app, kind):
    """Another team, its counter or its member: 404 for the page and for the events."""
    other = _other_team_things(demo_app)[kind]
    client = staff_client("clerk")
    assert client.get(PAGE, query_string={"by": kind, "id": other}).status_code == 404
    response = client.get(
        EVENTS, query_string={"start": TODAY, "end": TOMORROW, "by": kind, "id": other}
    )
    assert response.status_code == 404
    assert response.json["ok"] is False


def test_reception_opens_any_teams_calendar(staff_client, demo_app):
    """Central reception works for every team: its calendar, counters and members."""
    bevolking = _team_id(demo_app, "bevolking")
    client = staff_client("reception")
    assert client.get(PAGE, query_string={"by": "team", "id": bevolking}).status_code == 200
    events = _events(client, TODAY, TOMORROW, by="team", id=bevolking)
    assert {e["id"] for e in events} >= _visible_visit_ids(demo_app, "bevolking", DEMO_TODAY)
    for kind, other in _other_team_things(demo_app).items():
        assert client.get(PAGE, query_string={"by": kind, "id": other}).status_code == 200
        _events(client, TODAY, TOMORROW, by=kind, id=other)


@pytest.mark.parametrize(
    "query",
    [
        {"date": "7-12-2026"},
        {"date": "2026-02-30"},
        {"view": "month"},
        {"by": "city"},
        {"scope": "planet-3"},
    ],
)
def test_odd_page_input_is_a_400_page(staff_client, query):
    """Unreadable filters: the page says what is wrong, never a 500."""
    response = staff_client("clerk").get(PAGE, query_string=query)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text


@pytest.mark.parametrize("raw_id", ["abc", "0", "99999999999", "²"])
def test_odd_ids_are_404(staff_client, raw_id):
    """An id that cannot be one reads like one the reader may not see."""
    assert staff_client("clerk").get(PAGE, query_string={"id": raw_id}).status_code == 404


# --- the events ----------------------------------------------------------------------------


def test_events_hold_todays_visits_with_offsets_and_the_shifts(staff_client, demo_app):
    """Every visit of the day (not cancelled) in its clerk's column, times with the
    Brussels offset, draggable until it starts; counter and back-office shifts behind."""
    client = staff_client("clerk")
    events = _events(client, f"{TODAY}T00:00:00", f"{TOMORROW}T00:00:00")
    visits = [e for e in events if e.get("display") != "background"]
    assert {e["id"] for e in visits} == _visible_visit_ids(demo_app, "bevolking", DEMO_TODAY)
    first = visits[0]
    assert first["start"].startswith(TODAY) and first["start"].endswith("+01:00")
    assert first["end"].endswith("+01:00")
    assert first["url"] == f"/medewerkers/bezoek/{first['id']}"
    assert first["resourceIds"] and first["resourceIds"][0].isdigit()
    assert re.match(r"\d\d:\d\d [A-Z0-9]{8} · .+ \(\d+ perso", first["title"])
    assert set(first["extendedProps"]) >= {"reference", "stage", "resident"}
    assert first["editable"] is True  # 09:00 or later, and the clock says 07:30
    backgrounds = [e for e in events if e.get("display") == "background"]
    classes = {name for e in backgrounds for name in e["classNames"]}
    assert {"cal-counter-shift", "cal-back-office"} <= classes
    assert all(e["start"].endswith("+01:00") for e in backgrounds)


def test_events_hold_christmas_and_the_city_day(staff_client):
    """Christmas (a public holiday) and 26 December (a city day) as all-day backgrounds
    with their reason; nothing is booked on them."""
    client = staff_client("clerk")
    events = _events(client, "2026-12-21", "2026-12-28")
    closed = {e["id"]: e for e in events if "cal-closed-day" in e.get("classNames", [])}
    christmas = closed["closed-2026-12-25"]
    assert christmas["allDay"] is True and christmas["display"] == "background"
    assert christmas["title"] == "Kerstmis"
    assert christmas["resourceIds"]
    assert "closed-2026-12-26" in closed and closed["closed-2026-12-26"]["title"]
    assert not [
        e for e in events if e.get("display") != "background" and "2026-12-25" in e["start"]
    ]


def test_the_offset_the_component_sends_is_understood(staff_client):
    """With an offset, encoded or as the space an unencoded "+" becomes, or "Z"."""
    client = staff_client("clerk")
    plain = _events(client, f"{TODAY}T00:00:00", f"{TOMORROW}T00:00:00")
    for start, end in [
        (f"{TODAY}T00:00:00+01:00", f"{TOMORROW}T00:00:00+01:00"),
        (f"{DEMO_TODAY - timedelta(days=1)}T23:00:00Z", f"{TODAY}T23:00:00Z"),
    ]:
        assert _events(client, start, end) == plain
    unencoded = f"{EVENTS}?start={TODAY}T00:00:00+01:00&end={TOMORROW}T00:00:00+01:00"
    assert client.get(unencoded).json == plain


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"start": TODAY},
        {"start": "yesterday", "end": TODAY},
        {"start": TOMORROW, "end": TODAY},
        {"start": TODAY, "end": TODAY},
        {"start": "2026-01-01", "end": "2026-03-01"},
        {"start": "2026-02-30", "end": "2026-03-02"},
        {"start": "0001-01-01", "end": "0001-01-02"},
        {"start": "9999-12-30", "end": "9999-12-31"},
        {"start": "2026-12-07T25:00:00", "end": TOMORROW},
        {"start": "2026-12-07T00:00:00+99:00", "end": TOMORROW},
        {"start": "2026-12-07\x00", "end": TOMORROW},
        {"start": "2" * 5000, "end": TOMORROW},
        {"start": TODAY, "end": TOMORROW, "by": "city"},
    ],
)
def test_odd_event_queries_are_400_json(staff_client, query):
    """Missing, unreadable, reversed or too long ranges and unknown scopes: a JSON 400."""
    response = staff_client("clerk").get(EVENTS, query_string=query)
    assert response.status_code == 400
    assert response.json["ok"] is False and response.json["message"]


def test_each_events_request_writes_one_audit_row(staff_client, demo_app):
    """Residents' names go out with the events: one VIEW row per request, without them."""
    with demo_app.app_context():
        before = db.session.scalar(
            select(func.count()).where(AuditEvent.subject == "calendar.events")
        )
    client = staff_client("clerk")
    events = _events(client, TODAY, TOMORROW)
    with demo_app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject == "calendar.events")
            .order_by(AuditEvent.id.desc())
        ).all()
        assert len(rows) == before + 1
        row = rows[0]
        clerk = db.session.scalar(
            select(StaffMember).where(StaffMember.email == DEMO_EMAILS["clerk"])
        )
        assert row.actor_id == clerk.id and row.team_id == clerk.team_id
        visits = [e for e in events if e.get("display") != "background"]
        assert row.detail["visits"] == len(visits)
        assert row.detail["from"].startswith(TODAY) and row.detail["to"].startswith(TOMORROW)
        assert "Amina" not in json.dumps(row.detail)


def test_a_week_of_events_takes_a_handful_of_queries(staff_client, demo_app):
    """The number of queries does not grow with the number of visits."""
    client = staff_client("clerk")
    statements = []

    def count(*_args):
        """Count one statement."""
        statements.append(1)

    with demo_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        week_end = (DEMO_TODAY + timedelta(days=7)).isoformat()
        events = _events(client, TODAY, week_end)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([e for e in events if e.get("display") != "background"]) > 100
    assert len(statements) <= 12, len(statements)


# --- moving by a drop ----------------------------------------------------------------------

CLERK_EMAIL = "kalender@stad.example"
CLERK_PASSWORD = "kalender-test-wachtwoord"


@pytest.fixture
def small_city(app, frozen_clock):
    """One team with two clerks on the counter, a clerk account to sign in with, and a
    visit on Tuesday at 09:00 with the first clerk, in a database of its own."""
    tuesday = DEMO_TODAY + timedelta(days=1)
    city = build_city(db.session, DEMO_TODAY, DEMO_TODAY + timedelta(days=6))
    account = StaffMember(
        team=city.team,
        name="Kalender Klerk",
        email=CLERK_EMAIL,
        role=StaffRole.CLERK,
        password_hash=hash_password(CLERK_PASSWORD),
    )
    db.session.add(account)
    start = local_datetime(tuesday, time(9))
    visit = book(db.session, city.staff[0], city.service, start, start + timedelta(minutes=15))
    db.session.commit()
    client = new_client(app)
    assert sign_in(client, CLERK_EMAIL, CLERK_PASSWORD).status_code == 302
    token = CSRF_META.search(client.get(PAGE).text).group(1)
    return {"city": city, "visit_id": visit.id, "client": client, "token": token, "day": tuesday}


def _move(setup, body, token: str | None = "use"):
    """POST a drop as the script does: JSON, with the CSRF header unless ``token`` is None."""
    headers = {"X-CSRFToken": setup["token"]} if token == "use" else {}
    return setup["client"].post(MOVE, json=body, headers=headers)


def _visit(visit_id: int) -> Appointment:
    """The visit as the database holds it now."""
    db.session.expire_all()
    return db.session.get(Appointment, visit_id)


def test_a_drop_moves_the_visit_and_mails_the_resident(small_city):
    """A free time later that day with the same clerk: moved, the mail queued, audited."""
    staff_id = small_city["city"].staff[0].id
    target = local_datetime(small_city["day"], time(10, 30))
    response = _move(
        small_city,
        {
            "visit_id": small_city["visit_id"],
            "start": f"{small_city['day']}T10:30:00+01:00",
            "staff_id": staff_id,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json["ok"] is True
    assert response.json["start"] == f"{small_city['day']}T10:30:00+01:00"
    assert "verplaatst" in response.json["message"] and "e-mail" in response.json["message"]
    visit = _visit(small_city["visit_id"])
    assert visit.starts_at == target and visit.staff_id == staff_id
    assert db.session.scalar(
        select(OutboxMail).where(OutboxMail.appointment_id == visit.id, OutboxMail.kind == "moved")
    )
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.appointment_id == visit.id, AuditEvent.subject == "visit.move"
        )
    )


def test_a_drop_on_another_clerks_column_gives_them_the_visit(small_city):
    """``staff_id`` of the column the visit was dropped in: the visit goes to that clerk."""
    other = small_city["city"].staff[1].id
    response = _move(
        small_city,
        {
            "visit_id": small_city["visit_id"],
            "start": f"{small_city['day']}T09:00:00+01:00",
            "staff_id": other,
        },
    )
    assert response.status_code == 200, response.text
    assert _visit(small_city["visit_id"]).staff_id == other


def test_a_drop_on_a_taken_time_is_refused(small_city):
    """The clerk has another visit then: 409 with the reason, the visit unchanged."""
    city = small_city["city"]
    taken = local_datetime(small_city["day"], time(11))
    book(db.session, city.staff[0], city.service, taken, taken + timedelta(minutes=15))
    db.session.commit()
    before = _visit(small_city["visit_id"]).starts_at
    response = _move(
        small_city,
        {
            "visit_id": small_city["visit_id"],
            "start": f"{small_city['day']}T11:00:00+01:00",
            "staff_id": city.staff[0].id,
        },
    )
    assert response.status_code == 409
    assert response.json == {
        "ok": False,
        "message": "Dit tijdstip werd net door iemand anders gekozen.",
    }
    assert _visit(small_city["visit_id"]).starts_at == before
    assert not db.session.scalar(select(OutboxMail).where(OutboxMail.kind == "moved"))


def test_a_drop_without_the_csrf_header_is_refused(small_city):
    """No ``X-CSRFToken``: 400 and nothing moves."""
    before = _visit(small_city["visit_id"]).starts_at
    response = _move(
        small_city,
        {"visit_id": small_city["visit_id"], "start": f"{small_city['day']}T10:30:00+01:00"},
        token=None,
    )
    assert response.status_code == 400
    assert _visit(small_city["visit_id"]).starts_at == before


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        [],
        {},
        {"visit_id": "x", "start": "2026-12-08T10:30:00+01:00"},
        {"visit_id": True, "start": "2026-12-08T10:30:00+01:00"},
        {"visit_id": 1, "start": "tomorrow"},
        {"visit_id": 1, "start": 1700000000},
        {"visit_id": 1, "start": "2026-12-08T10:30:00+01:00", "staff_id": "nobody"},
        {"visit_id": 99999999999, "start": "2026-12-08T10:30:00+01:00"},
    ],
)
def test_an_unreadable_drop_is_a_400_json(small_city, body):
    """Malformed bodies: a JSON 400, never a 500."""
    client = small_city["client"]
    headers = {"X-CSRFToken": small_city["token"], "Content-Type": "application/json"}
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(MOVE, data=data, headers=headers)
    assert response.status_code == 400
    assert response.json["ok"] is False


def test_a_drop_of_an_unknown_visit_is_404(small_city):
    """A visit id that does not exist (or is not the clerk's team's): 404 JSON."""
    response = _move(
        small_city, {"visit_id": small_city["visit_id"] + 1000, "start": "2026-12-08T10:30:00"}
    )
    assert response.status_code == 404
    assert response.json["ok"] is False
