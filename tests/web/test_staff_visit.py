"""The staff page of one visit, moving it by form and cancelling it: what the page shows,
its audit row, the team boundary (404 for another team's visit on every route), and the
move and cancel forms with their refusals."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from portal.antibot import limiter
from portal.availability import load_availability
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    SlotClaim,
    StaffMember,
    StaffRole,
    Team,
)
from portal.staff.accounts import hash_password
from portal.timeutil import CITY_TZ, isoformat_local, local_datetime
from tests.builders import book, build_city
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, sign_in

PASSWORD = "juist-wachtwoord-123"
HUGE_ID = 99999999999


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Sign-ins of other tests (same address, frozen clock) must not count here."""
    limiter.reset()


def _page(visit_id: int, action: str = "") -> str:
    return f"/medewerkers/bezoek/{visit_id}{action}"


def _demo_visit(demo_app, team_code: str, *, inside: bool = True) -> tuple[int, str, str]:
    """(id, reference, name) of a confirmed demo visit still to come, of the team
    ``team_code`` (``inside``) or of any other team (not ``inside``)."""
    with demo_app.app_context():
        in_team = Team.code == team_code if inside else Team.code != team_code
        visit = db.session.scalar(
            select(Appointment)
            .join(StaffMember, StaffMember.id == Appointment.staff_id)
            .join(Team, Team.id == StaffMember.team_id)
            .where(
                in_team,
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.starts_at > DEMO_NOW,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
        return visit.id, visit.reference, visit.resident_name


def _views_of(demo_app, visit_id: int, subject: str = "visit.view") -> int:
    """How many audit rows of ``subject`` the visit has (all subjects for ``None``)."""
    with demo_app.app_context():
        query = select(func.count()).select_from(AuditEvent)
        query = query.where(AuditEvent.appointment_id == visit_id)
        if subject is not None:
            query = query.where(AuditEvent.subject == subject)
        return db.session.scalar(query)


# ------------------------------------------------------------------ demo (read only)


def test_clerk_opens_a_visit_of_the_own_team_and_the_look_is_audited(demo_app, staff_client):
    visit_id, reference, name = _demo_visit(demo_app, "bevolking")
    before = _views_of(demo_app, visit_id)
    response = staff_client("clerk").get(_page(visit_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert reference in page and name in page
    assert page.count("<h1") == 1
    assert _page(visit_id, "/verplaatsen") in page and _page(visit_id, "/annuleren") in page
    assert _views_of(demo_app, visit_id) == before + 1


@pytest.mark.parametrize("role", ["clerk", "planner"])
def test_another_teams_visit_is_404_on_every_route(demo_app, staff_client, role):
    visit_id, _reference, _name = _demo_visit(demo_app, "bevolking", inside=False)
    client = staff_client(role)
    token = csrf_of(client.get("/medewerkers/").get_data(as_text=True))
    before = _views_of(demo_app, visit_id, None)
    assert client.get(_page(visit_id)).status_code == 404
    assert client.get(_page(visit_id, "/verplaatsen")).status_code == 404
    assert client.get(_page(visit_id, "/annuleren")).status_code == 404
    posts = {
        "/verplaatsen": {"start": "2026-12-08T09:00:00+01:00"},
        "/annuleren": {"reason": "Zomaar"},
        "/stap": {"step": "arrive", "next": "/medewerkers/"},
    }
    for action, data in posts.items():
        response = client.post(_page(visit_id, action), data={"csrf_token": token, **data})
        assert response.status_code == 404, action
    assert _views_of(demo_app, visit_id, None) == before
    with demo_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        assert visit.status == AppointmentStatus.CONFIRMED and visit.arrived_at is None


@pytest.mark.parametrize("visit_id", [0, HUGE_ID, 987654321])
def test_ids_out_of_range_or_unknown_are_404(staff_client, visit_id):
    client = staff_client("admin")
    token = csrf_of(client.get("/medewerkers/").get_data(as_text=True))
    for action in ("", "/verplaatsen", "/annuleren"):
        assert client.get(_page(visit_id, action)).status_code == 404, action
    for action in ("/verplaatsen", "/annuleren", "/stap"):
        response = client.post(
            _page(visit_id, action), data={"csrf_token": token, "step": "arrive"}
        )
        assert response.status_code == 404, action


@pytest.mark.parametrize("role", ["reception", "admin"])
def test_reception_and_admin_open_any_teams_visit(demo_app, staff_client, role):
    client = staff_client(role)
    for inside in (True, False):
        visit_id, reference, _name = _demo_visit(demo_app, "bevolking", inside=inside)
        response = client.get(_page(visit_id))
        assert response.status_code == 200
        assert reference in response.get_data(as_text=True)


def test_move_and_cancel_forms_are_audited_and_list_free_times(demo_app, staff_client):
    visit_id, _reference, name = _demo_visit(demo_app, "bevolking")
    client = staff_client("clerk")
    before = _views_of(demo_app, visit_id, "visit.move_form")
    page = client.get(_page(visit_id, "/verplaatsen")).get_data(as_text=True)
    assert _views_of(demo_app, visit_id, "visit.move_form") == before + 1
    before = _views_of(demo_app, visit_id, "visit.cancel_form")
    assert name in client.get(_page(visit_id, "/annuleren")).get_data(as_text=True)
    assert _views_of(demo_app, visit_id, "visit.cancel_form") == before + 1
    assert 'type="radio" name="start"' in page
    assert "Bij medewerker" in page and "Wie vrij is" in page
    assert "<legend>" in page and "Volgende dag" in page


@pytest.mark.parametrize("day", ["morgen", "2026-13-01", "1999-01-01", "9999-12-31"])
def test_move_form_refuses_unreadable_or_far_days(demo_app, staff_client, day):
    visit_id, _reference, _name = _demo_visit(demo_app, "bevolking")
    response = staff_client("clerk").get(_page(visit_id, f"/verplaatsen?day={day}"))
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)


# ------------------------------------------------------- own city (changes data)


@pytest.fixture
def city(app, frozen_clock, monkeypatch):
    """A one-team city for this week, its clerk 0 signed-in-able; a visit with clerk 0 at
    09:00 today (1.5 hours from now) and both clerks busy at 10:00. Committed."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    built = build_city(db.session, DEMO_TODAY, DEMO_TODAY + timedelta(days=7))
    clerk, colleague = built.staff
    clerk.email, clerk.role = "an@stad.example", StaffRole.CLERK
    clerk.password_hash = hash_password(PASSWORD)
    start = local_datetime(DEMO_TODAY, time(9))
    visit = book(db.session, clerk, built.service, start, start + timedelta(minutes=15))
    visit.counter_id = built.counters[0].id
    visit.phone, visit.language, visit.spoken_language = "0470 12 34 56", "fr", "ar"
    visit.interpreter_needed, visit.remark, visit.channel = True, "Komt met rolstoel", "staff"
    ten = local_datetime(DEMO_TODAY, time(10))
    for member in (clerk, colleague):
        book(db.session, member, built.service, ten, ten + timedelta(minutes=15))
    db.session.commit()
    built.visit_id = visit.id
    return built


def _clerk(app):
    client = new_client(app)
    assert sign_in(client, "an@stad.example", PASSWORD).status_code == 302
    return client


def _visit(visit_id: int) -> Appointment:
    db.session.expire_all()
    return db.session.get(Appointment, visit_id)


def _post(client, path: str, **data):
    token = csrf_of(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def _at(hour: int, minute: int = 0) -> str:
    return isoformat_local(local_datetime(DEMO_TODAY, time(hour, minute)))


def test_visit_page_shows_everything_about_the_visit(app, city):
    client = _clerk(app)
    for language in ("ar", "en"):
        assert client.get(_page(city.visit_id) + f"?lang={language}").status_code == 200
    page = client.get(_page(city.visit_id) + "?lang=nl").get_data(as_text=True)
    for text in (
        "Test Bewoner",
        "bewoner@example.org",
        "0470 12 34 56",
        "Français",
        "العربية",
        "Tolk nodig",
        "Komt met rolstoel",
        "Door een medewerker",
        "Balie 1",
        "Bediende 0",
        "Identiteitskaart aanvragen",
        "09:00",
        "Verwacht",
        "Aangekomen",  # the step button of today's visit
    ):
        assert text in page, text


def test_staff_move_within_two_hours_to_a_chosen_clerk(app, city):
    client = _clerk(app)
    form = client.get(_page(city.visit_id, "/verplaatsen")).get_data(as_text=True)
    assert _at(9, 30) in form and _at(10) not in form  # 10:00 is taken by both clerks
    colleague_id = city.staff[1].id
    assert f'value="{colleague_id}"' in form
    response = _post(
        client, _page(city.visit_id, "/verplaatsen"), start=_at(9, 30), staff_id=colleague_id
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_page(city.visit_id))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Afspraak verplaatst naar" in page and "De bewoner krijgt een e-mail." in page
    visit = _visit(city.visit_id)
    assert visit.starts_at == local_datetime(DEMO_TODAY, time(9, 30))
    assert visit.staff_id == colleague_id
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.appointment_id == city.visit_id, AuditEvent.subject == "visit.move")
    )


def test_move_without_mail_address_asks_to_tell_the_resident(app, city):
    _visit(city.visit_id).email = None
    db.session.commit()
    client = _clerk(app)
    response = _post(client, _page(city.visit_id, "/verplaatsen"), start=_at(11))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "verwittig de bewoner zelf" in page


def test_moving_to_a_taken_time_is_refused_and_changes_nothing(app, city):
    client = _clerk(app)
    response = _post(client, _page(city.visit_id, "/verplaatsen"), start=_at(10))
    assert response.status_code == 409
    assert "niet (meer) vrij" in response.get_data(as_text=True)
    busy_colleague = _post(
        client, _page(city.visit_id, "/verplaatsen"), start=_at(10), staff_id=city.staff[1].id
    )
    assert busy_colleague.status_code == 409
    same_time = _post(client, _page(city.visit_id, "/verplaatsen"), start=_at(9))
    assert same_time.status_code == 409
    visit = _visit(city.visit_id)
    assert visit.starts_at == local_datetime(DEMO_TODAY, time(9))
    assert visit.staff_id == city.staff[0].id and visit.sequence == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"start": "morgen"},
        {"start": "2026-12-07T09:30:00"},  # no offset
        {"start": "9999-12-31T23:59:59-23:59"},
        {"start": "x" * 500},
        {"start": "2026-12-07T09:30:00+01:00", "staff_id": "abc"},
        {"start": "2026-12-07T09:30:00+01:00", "staff_id": "0"},
        {"start": "2026-12-07T09:30:00+01:00", "staff_id": "²"},
        {"start": "2026-12-07T09:30:00+01:00", "staff_id": str(HUGE_ID)},
    ],
)
def test_malformed_move_input_shows_the_form_again(app, city, data):
    response = _post(_clerk(app), _page(city.visit_id, "/verplaatsen"), **data)
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)
    assert _visit(city.visit_id).starts_at == local_datetime(DEMO_TODAY, time(9))


def test_cancel_needs_a_reason(app, city):
    client = _clerk(app)
    form = client.get(_page(city.visit_id, "/annuleren")).get_data(as_text=True)
    assert "Reden (de bewoner leest die in de e-mail)" in form
    for reason in ("", "   ", "x" * 301):
        response = _post(client, _page(city.visit_id, "/annuleren"), reason=reason)
        assert response.status_code == 422
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert _visit(city.visit_id).status == AppointmentStatus.CONFIRMED


def test_cancel_releases_the_time_and_cannot_be_done_twice(app, city):
    client = _clerk(app)
    response = _post(client, _page(city.visit_id, "/annuleren"), reason="Het loket is dicht.")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is geannuleerd" in page and "Het loket is dicht." in page
    assert _page(city.visit_id, "/verplaatsen") not in page
    visit = _visit(city.visit_id)
    assert visit.status == AppointmentStatus.CANCELLED
    assert visit.cancel_reason == "Het loket is dicht."
    assert not db.session.scalar(
        select(func.count()).select_from(SlotClaim).where(SlotClaim.appointment_id == visit.id)
    )
    settings = BookingSettings.current()
    later = DEMO_NOW + settings.reopen_after + timedelta(minutes=1)
    free = load_availability(
        db.session,
        [city.service],
        1,
        DEMO_TODAY,
        DEMO_TODAY,
        later,
        grid_minutes=settings.grid_minutes,
        tz=CITY_TZ,
        for_staff=True,
    ).slots()
    nine = local_datetime(DEMO_TODAY, time(9))
    assert any(slot.start == nine and city.staff[0].id in slot.staff_ids for slot in free)

    again = _post(client, _page(city.visit_id, "/annuleren"), reason="Nog eens")
    assert again.status_code == 409
    assert "niets te annuleren" in again.get_data(as_text=True)
    assert client.get(_page(city.visit_id, "/annuleren")).status_code == 200
    moved = _post(client, _page(city.visit_id, "/verplaatsen"), start=_at(11))
    assert moved.status_code == 409
    assert _visit(city.visit_id).cancel_reason == "Het loket is dicht."


def test_visit_page_shows_the_recorded_steps_and_its_buttons_return_here(app, city):
    client = _clerk(app)
    path = _page(city.visit_id)
    token = csrf_of(client.get(path).get_data(as_text=True))
    response = client.post(
        _page(city.visit_id, "/stap"), data={"csrf_token": token, "step": "arrive", "next": path}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    visit = _visit(city.visit_id)
    visit.arrived_at = local_datetime(DEMO_TODAY, time(7, 10))
    visit.called_at = local_datetime(DEMO_TODAY, time(7, 20))
    visit.called_counter_id = city.counters[0].id
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    # Date and time joined by the locale's pattern ("maandag 7 december 2026, 07:10").
    assert "2026, 07:10" in page and "2026, 07:20" in page and "naar balie 1" in page
    assert 'class="stage stage-called"' in page and "Oproepen" in page
