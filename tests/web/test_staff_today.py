"""The staff Today page: the day's visits of a team or counter, the team boundary, the
filters' bad values, the steps of a visit's day through its buttons, the audit row."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, AuditEvent, Counter, StaffMember, Team
from portal.models.base import MAX_ID
from portal.spoken_languages import spoken_language_html
from portal.timeutil import end_of_local_day, start_of_local_day, utcnow
from tests.conftest import DEMO_TODAY
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import DEMO_EMAILS

TODAY = "/medewerkers/vandaag"
# A clerk starts on their own visits; these tests look at the team's day.
TEAM_VIEW = f"{TODAY}?wie=team"
VISIT_LINK = re.compile(r'href="/medewerkers/bezoek/(\d+)"')
STEP_FIELDS = ("arrived_at", "called_at", "called_counter_id", "service_started_at")
PROGRESS_FIELDS = (*STEP_FIELDS, "completed_at", "no_show_at", "status")


@pytest.fixture(autouse=True)
def _no_sign_in_limit(demo_app, monkeypatch):
    """Many sign-ins at one frozen moment: the per-address limit is not under test here."""
    monkeypatch.setitem(demo_app.config, "RATELIMIT_ENABLED", False)


def _ids(demo_app, *, team_code=None, counter_number=None, day=DEMO_TODAY) -> list[int]:
    """The ids of the day's visits that are not cancelled, in time order."""
    with demo_app.app_context():
        query = (
            select(Appointment.id)
            .where(
                Appointment.filter_between(start_of_local_day(day), end_of_local_day(day)),
                Appointment.status != AppointmentStatus.CANCELLED,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
        if team_code is not None:
            team_id = db.session.scalar(select(Team.id).where(Team.code == team_code))
            query = query.where(Appointment.filter_teams([team_id]))
        if counter_number is not None:
            counter = db.session.scalar(select(Counter).where(Counter.number == counter_number))
            query = query.where(Appointment.counter_id == counter.id)
        return list(db.session.scalars(query))


def _team_id(demo_app, code: str) -> int:
    with demo_app.app_context():
        return db.session.scalar(select(Team.id).where(Team.code == code))


def _counter_id(demo_app, number: int) -> int:
    with demo_app.app_context():
        return db.session.scalar(select(Counter.id).where(Counter.number == number))


def _listed(page: str) -> list[int]:
    """The visit ids the page's table links to, in page order."""
    return [int(found) for found in VISIT_LINK.findall(page)]


def _steps_offered(page: str, visit_id: int) -> list[str]:
    """The step buttons of one visit's row."""
    form = re.search(rf'action="/medewerkers/bezoek/{visit_id}/stap"(.*?)</form>', page, re.S)
    return re.findall(r'name="step" value="(\w+)"', form.group(1)) if form else []


def _page(client, path: str = TEAM_VIEW) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@contextmanager
def _restored(demo_app, visit_id: int):
    """Put the visit's day (timestamps, status) back as it was, whatever the test did."""
    with demo_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        before = {name: getattr(visit, name) for name in PROGRESS_FIELDS}
    try:
        yield
    finally:
        with demo_app.app_context():
            visit = db.session.get(Appointment, visit_id)
            for name, value in before.items():
                setattr(visit, name, value)
            db.session.commit()


def _step(client, visit_id: int, step: str, counter_id: int | None = None):
    """Press a step button of the Today page (the way its form posts)."""
    data = {"csrf_token": csrf_of(_page(client)), "step": step, "next": TODAY}
    if counter_id is not None:
        data["counter_id"] = str(counter_id)
    return client.post(f"/medewerkers/bezoek/{visit_id}/stap", data=data)


def _visit(demo_app, visit_id: int) -> Appointment:
    with demo_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        db.session.expunge(visit)
        return visit


def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client):
    response = anonymous_client.get(TODAY + "?day=2026-12-07")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/medewerkers/aanmelden?next=")


def test_clerk_sees_todays_bevolking_visits_in_time_order(demo_app, staff_client):
    page = _page(staff_client("clerk"))
    expected = _ids(demo_app, team_code="bevolking")
    assert len(expected) > 20
    assert _listed(page) == expected
    others = _ids(demo_app, team_code="andere_nationaliteiten")
    assert not set(others) & set(_listed(page))
    with demo_app.app_context():
        first = db.session.get(Appointment, expected[0])
        assert first.resident_name in page
        assert first.services[0].name("nl") in page
        with demo_app.test_request_context("/?lang=nl"):
            spoken = spoken_language_html(first.spoken_language, first.spoken_language_other)
        assert spoken and spoken in page
        assert first.staff.name in page
    assert "<caption" in page and 'scope="col"' in page
    assert "Stand van de dag" in page
    assert page.count("<h1") == 1


def test_services_are_named_in_the_page_language(demo_app, staff_client):
    page = _page(staff_client("clerk"), TODAY + "?lang=en")
    with demo_app.app_context():
        first = db.session.get(Appointment, _ids(demo_app, team_code="bevolking")[0])
        assert first.services[0].name("en") in page


def test_expected_visits_offer_arrival_but_no_show_only_after_their_start(demo_app, staff_client):
    page = _page(staff_client("clerk"))
    first = _ids(demo_app, team_code="bevolking")[0]
    assert _steps_offered(page, first) == ["arrive"]
    reference = _visit(demo_app, first).reference
    assert f"(afspraak {reference})" in page  # the buttons' accessible names


@pytest.mark.parametrize("role", ["clerk", "planner"])
def test_one_team_roles_get_404_for_another_team_and_for_all(demo_app, staff_client, role):
    client = staff_client(role)
    other = _team_id(demo_app, "andere_nationaliteiten")
    assert client.get(f"{TODAY}?team={other}").status_code == 404
    assert client.get(f"{TODAY}?team=all").status_code == 404
    own = _team_id(demo_app, "bevolking")
    assert client.get(f"{TODAY}?team={own}").status_code == 200


def test_reception_views_another_team_and_all_teams(demo_app, staff_client):
    client = staff_client("reception")
    bevolking = _team_id(demo_app, "bevolking")
    assert _listed(_page(client, f"{TODAY}?team={bevolking}")) == _ids(
        demo_app, team_code="bevolking"
    )
    everything = _listed(_page(client, f"{TODAY}?team=all"))
    assert everything == _ids(demo_app)
    assert set(_ids(demo_app, team_code="andere_nationaliteiten")) <= set(everything)
    own = _listed(_page(client))
    assert own == _ids(demo_app, team_code="centraal_onthaal")
    assert "Alle teams" in _page(client)


def test_counter_filter_shows_one_counter(demo_app, staff_client):
    counter = _counter_id(demo_app, 4)
    page = _page(staff_client("clerk"), f"{TODAY}?counter={counter}")
    expected = _ids(demo_app, counter_number=4)
    assert 0 < len(expected) < len(_ids(demo_app, team_code="bevolking"))
    assert _listed(page) == expected
    assert f'value="{counter}" selected' in page


def test_a_counter_of_another_team_than_the_chosen_one_is_ignored_with_a_note(
    demo_app, staff_client
):
    bevolking = _team_id(demo_app, "bevolking")
    onthaal_counter = _counter_id(demo_app, 11)
    page = _page(staff_client("reception"), f"{TODAY}?team={bevolking}&counter={onthaal_counter}")
    assert "hoort niet bij dit team" in page
    assert _listed(page) == _ids(demo_app, team_code="bevolking")


@pytest.mark.parametrize(
    "query",
    [
        "day=2026-13-01",
        "day=gisteren",
        "day=2026-12-7",
        "day=99999-01-01",
        "day=0001-01-01",
        "day=%C2%B2026-12-07",
        "day=2026-12-07T09:00",
        "day=20261207",
    ],
)
def test_unreadable_days_get_400_with_a_message(staff_client, query):
    response = staff_client("clerk").get(f"{TODAY}?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Geef een geldige datum" in page
    assert 'id="filter-day"' in page  # the form stays, to correct the date


@pytest.mark.parametrize(
    "query",
    [
        "team=abc",
        "team=0",
        "team=-1",
        "team=%C2%B2",
        f"team={MAX_ID + 1}",
        "team=99999999999",
        "team=999999",
        "team=ALL",
        "counter=x",
        "counter=0",
        "counter=%C2%B2",
        "counter=999999",
        f"counter={MAX_ID + 1}",
    ],
)
def test_bad_team_and_counter_values_get_404(staff_client, query):
    assert staff_client("clerk").get(f"{TODAY}?{query}").status_code == 404


def test_a_clerk_asking_for_a_counter_of_another_team_gets_404(demo_app, staff_client):
    counter = _counter_id(demo_app, 8)  # andere nationaliteiten
    assert staff_client("clerk").get(f"{TODAY}?counter={counter}").status_code == 404


def test_other_days_are_shown_without_step_buttons(demo_app, staff_client, frozen_clock):
    tomorrow = DEMO_TODAY + timedelta(days=1)
    page = _page(staff_client("clerk"), f"{TEAM_VIEW}&day={tomorrow.isoformat()}")
    assert _listed(page) == _ids(demo_app, team_code="bevolking", day=tomorrow)
    assert "/stap" not in page
    frozen_clock.shift(timedelta(days=1))  # Monday is now yesterday: sign in afresh
    page = _page(staff_client("clerk"), f"{TEAM_VIEW}&day={DEMO_TODAY.isoformat()}")
    assert _listed(page) == _ids(demo_app, team_code="bevolking")
    assert "/stap" not in page


def test_arrive_call_start_finish_sets_the_times_and_completes(demo_app, staff_client):
    client = staff_client("clerk")
    visit_id = _ids(demo_app, team_code="bevolking")[1]
    counter_id = _visit(demo_app, visit_id).counter_id
    with _restored(demo_app, visit_id):
        response = _step(client, visit_id, "arrive")
        assert response.status_code == 302 and response.headers["Location"] == TODAY
        page = _page(client)
        assert _steps_offered(page, visit_id) == ["call", "start", "undo"]
        assert f'name="counter_id" value="{counter_id}"' in page
        assert "aangekomen 07:30" in page
        _step(client, visit_id, "undo")
        assert _visit(demo_app, visit_id).arrived_at is None
        _step(client, visit_id, "arrive")
        _step(client, visit_id, "call", counter_id)
        assert _visit(demo_app, visit_id).called_counter_id == counter_id
        _step(client, visit_id, "start")
        assert _steps_offered(_page(client), visit_id) == ["finish", "undo"]
        _step(client, visit_id, "finish")
        visit = _visit(demo_app, visit_id)
        assert visit.status == AppointmentStatus.COMPLETED
        stamps = [visit.arrived_at, visit.called_at, visit.service_started_at, visit.completed_at]
        assert all(stamp is not None for stamp in stamps)
        page = _page(client)
        assert _steps_offered(page, visit_id) == []
        assert "afgerond 07:30" in page
    visit = _visit(demo_app, visit_id)
    assert visit.status == AppointmentStatus.CONFIRMED and visit.completed_at is None


def test_no_show_is_refused_before_the_start_and_allowed_after(
    demo_app, staff_client, frozen_clock
):
    client = staff_client("clerk")
    visit_id = _ids(demo_app, team_code="bevolking")[0]
    starts_at = _visit(demo_app, visit_id).starts_at
    with _restored(demo_app, visit_id):
        refused = _step(client, visit_id, "no_show")
        assert refused.status_code == 302
        assert "past niet bij waar de afspraak" in _page(client)
        assert _visit(demo_app, visit_id).no_show_at is None
        # To just after the start, in steps shorter than the idle timeout.
        while utcnow() < starts_at + timedelta(minutes=5):
            frozen_clock.shift(timedelta(minutes=25))
            page = _page(client)
        assert _steps_offered(page, visit_id) == ["arrive", "no_show"]
        _step(client, visit_id, "no_show")
        visit = _visit(demo_app, visit_id)
        assert visit.status == AppointmentStatus.NO_SHOW and visit.no_show_at is not None
        assert _steps_offered(_page(client), visit_id) == []
    visit = _visit(demo_app, visit_id)
    assert visit.status == AppointmentStatus.CONFIRMED and visit.no_show_at is None


def test_each_view_writes_one_audit_row(demo_app, staff_client):
    client = staff_client("clerk")
    with demo_app.app_context():
        clerk = db.session.scalar(
            select(StaffMember.id).where(StaffMember.email == DEMO_EMAILS["clerk"])
        )
        before = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    _page(client)
    with demo_app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)))
    assert [row.subject for row in rows] == ["today.view"]
    assert rows[0].actor_id == clerk
    assert rows[0].team_id == _team_id(demo_app, "bevolking")
    assert rows[0].detail == {
        "day": DEMO_TODAY.isoformat(),
        "visits": len(_ids(demo_app, team_code="bevolking")),
    }


def test_the_page_loads_its_visits_in_a_few_queries(demo_app, staff_client):
    client = staff_client("reception")
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with demo_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = _page(client, f"{TODAY}?team=all")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(_listed(page)) > 50
    assert len(statements) <= 15, statements
