"""Reception: finding a visit (reference, scanned code, manage link, name), the team
boundary, odd input, check-in; the waiting room; the call display in the hall."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.antibot import limiter
from portal.booking.tokens import manage_token, token_hash
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, AuditEvent, StaffMember, Team
from portal.staff.reception import clean_query, reference_candidates
from portal.timeutil import end_of_local_day, start_of_local_day
from tests.conftest import DEMO_TODAY
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import DEMO_EMAILS

SEARCH = "/medewerkers/zoeken"
WAITING_ROOM = "/medewerkers/wachtzaal"
DISPLAY = "/medewerkers/oproepscherm"
DISPLAY_DATA = "/medewerkers/oproepscherm.json"
BEVOLKING, ANDERE_NATIONALITEITEN = "bevolking", "andere_nationaliteiten"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Sign-ins of other tests (same address, frozen clock) must not count here."""
    limiter.reset()


def _todays_visits(demo_app, team_code: str, count: int = 1) -> list[dict]:
    """The first ``count`` confirmed, untouched visits of today of a team, each starting
    later than the one before (so their order is the order of the times), as plain facts."""
    with demo_app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == team_code))
        visits = db.session.scalars(
            select(Appointment)
            .where(
                Appointment.filter_teams([team.id]),
                Appointment.filter_between(
                    start_of_local_day(DEMO_TODAY), end_of_local_day(DEMO_TODAY)
                ),
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.arrived_at.is_(None),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        ).all()
        visits = [
            v for i, v in enumerate(visits) if i == 0 or v.starts_at > visits[i - 1].starts_at
        ]
        visits = visits[:count]
        counters = [counter for counter in team.counters if counter.active]
        return [
            {
                "id": visit.id,
                "reference": visit.reference,
                "queue": visit.queue_label,
                "name": visit.resident_name,
                "team_id": team.id,
                "counter_id": counters[-1].id,
                "counter_number": counters[-1].number,
            }
            for visit in visits
        ]


@contextmanager
def _undone(demo_app, *visit_ids: int):
    """Run the block, then put the visits back as nobody had touched them (shared demo)."""
    try:
        yield
    finally:
        with demo_app.app_context():
            for visit_id in visit_ids:
                visit = db.session.get(Appointment, visit_id)
                visit.arrived_at = visit.called_at = visit.called_counter_id = None
                visit.service_started_at = visit.completed_at = visit.no_show_at = None
                visit.status = AppointmentStatus.CONFIRMED
            db.session.commit()


def _step(client, visit_id: int, step: str, next_page: str, **extra) -> str:
    """Post a step of the visit's day like the page's button; the page it returns to."""
    token = csrf_of(client.get("/medewerkers/").get_data(as_text=True))
    response = client.post(
        f"/medewerkers/bezoek/{visit_id}/stap",
        data={"csrf_token": token, "step": step, "next": next_page, **extra},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(page: str, title_id: str, next_id: str | None) -> str:
    """The part of the waiting room page from one list's heading to the next."""
    start = page.index(f'id="{title_id}"')
    return page[start : page.index(f'id="{next_id}"')] if next_id else page[start:]


def _audit_count(demo_app, subject: str, role: str) -> int:
    with demo_app.app_context():
        actor = db.session.scalar(
            select(StaffMember.id).where(StaffMember.email == DEMO_EMAILS[role])
        )
        return db.session.scalar(
            select(func.count()).where(AuditEvent.subject == subject, AuditEvent.actor_id == actor)
        )


# Finding a visit ------------------------------------------------------------------------


def test_the_search_page_has_one_labelled_autofocused_field(staff_client):
    page = staff_client("reception").get(SEARCH).get_data(as_text=True)
    assert '<label for="q">Referentie, QR-code, naam, e-mailadres of telefoonnummer</label>' in page
    assert re.search(r'<input type="search" id="q" name="q"[^>]*autofocus', page)
    assert "Geen afspraken gevonden" not in page


def test_exact_reference_shows_the_visit_with_check_in(staff_client, demo_app):
    visit = _todays_visits(demo_app, BEVOLKING)[0]
    before = _audit_count(demo_app, "visit.search", "clerk")
    page = staff_client("clerk").get(SEARCH, query_string={"q": visit["reference"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="found-visit' in text
    assert visit["name"] in text
    assert f'/medewerkers/bezoek/{visit["id"]}"' in text
    assert 'name="step" value="arrive"' in text
    assert _audit_count(demo_app, "visit.search", "clerk") == before + 1
    with demo_app.app_context():
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.subject == "visit.search")
            .order_by(AuditEvent.id.desc())
        )
        assert event.appointment_id == visit["id"]
        assert event.detail == {"results": 1, "by": "reference"}
        assert visit["reference"] not in str(event.detail)


@pytest.mark.parametrize(
    "shape",
    [
        lambda ref: ref.lower(),
        lambda ref: f"  {ref[:4].lower()}-{ref[4:].lower()} ",
        lambda ref: f"{ref[:4]} {ref[4:]}",
        lambda ref: f"Referentie: {ref[:4].lower()}-{ref[4:]}.",
    ],
    ids=["lowercase", "dash-and-spaces", "groups", "in-a-sentence"],
)
def test_a_reference_is_found_however_it_is_written(staff_client, demo_app, shape):
    visit = _todays_visits(demo_app, BEVOLKING)[0]
    text = staff_client("reception").get(SEARCH, query_string={"q": shape(visit["reference"])})
    assert f'/medewerkers/bezoek/{visit["id"]}"' in text.get_data(as_text=True)


def test_a_pasted_manage_link_finds_its_visit(staff_client, demo_app):
    visit = _todays_visits(demo_app, BEVOLKING)[0]
    with demo_app.app_context():
        row = db.session.get(Appointment, visit["id"])
        kept = row.manage_token_hash
        token = manage_token(demo_app.config["SECRET_KEY"], row.manage_nonce)
        row.manage_token_hash = token_hash(token)
        db.session.commit()
    try:
        link = f"https://stad.example/afspraak/beheer/{token}?lang=nl"
        client = staff_client("reception")
        page = client.get(SEARCH, query_string={"q": link}).get_data(as_text=True)
        assert f'/medewerkers/bezoek/{visit["id"]}"' in page
        back = re.search(r'name="next" value="([^"]+)"', page).group(1)
        assert back.startswith(SEARCH + "?q=https%3A%2F%2F")
    finally:
        with demo_app.app_context():
            db.session.get(Appointment, visit["id"]).manage_token_hash = kept
            db.session.commit()


def test_part_of_a_name_finds_visits_of_the_own_team_only(staff_client, demo_app):
    own = _todays_visits(demo_app, BEVOLKING)[0]
    surname = own["name"].split()[-1]
    before = _audit_count(demo_app, "visit.search", "clerk")
    page = staff_client("clerk").get(SEARCH, query_string={"q": surname[1:5].upper()})
    text = page.get_data(as_text=True)
    assert f'/medewerkers/bezoek/{own["id"]}"' in text
    assert "afspraken gevonden" in text or "afspraak gevonden" in text
    assert _audit_count(demo_app, "visit.search", "clerk") == before + 1
    with demo_app.app_context():
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.subject == "visit.search")
            .order_by(AuditEvent.id.desc())
        )
        assert event.detail["by"] == "name"
        ids = [int(found) for found in re.findall(r'/medewerkers/bezoek/(\d+)"', text)]
        teams = {db.session.get(Appointment, found).staff.team_id for found in ids}
        assert teams == {own["team_id"]}
        assert len(ids) <= 50


def test_the_clerk_cannot_find_another_teams_visit_but_reception_can(staff_client, demo_app):
    other = _todays_visits(demo_app, ANDERE_NATIONALITEITEN)[0]
    link = f'/medewerkers/bezoek/{other["id"]}"'
    clerk_page = staff_client("clerk").get(SEARCH, query_string={"q": other["reference"]})
    assert clerk_page.status_code == 200
    assert link not in clerk_page.get_data(as_text=True)
    assert "Geen afspraken gevonden" in clerk_page.get_data(as_text=True)
    by_name = staff_client("clerk").get(SEARCH, query_string={"q": other["name"]})
    assert link not in by_name.get_data(as_text=True)
    reception_page = staff_client("reception").get(SEARCH, query_string={"q": other["reference"]})
    assert link in reception_page.get_data(as_text=True)


@pytest.mark.parametrize("query", ["a", " x ", "-", "%"])
def test_a_too_short_query_says_so(staff_client, query):
    page = staff_client("reception").get(SEARCH, query_string={"q": query})
    assert page.status_code == 200
    assert "Typ minstens 2 tekens" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "x" * 20_000,
        "%%",
        "__",
        "a%b_c\\",
        "Ünïcødé ß 名前 😀",
        "\u202e%%",
        "\x00",
        "%\x00_",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "/afspraak/beheer/" + "A" * 43,
    ],
)
def test_odd_input_gives_a_page_never_an_error(staff_client, query):
    page = staff_client("reception").get(SEARCH, query_string={"q": query})
    # An address over 6,000 characters gets the 414 page (portal/request_limits.py).
    assert page.status_code == (414 if len(query) > 6000 else 200)
    text = page.get_data(as_text=True)
    assert "<script>alert(1)" not in text
    assert "/medewerkers/bezoek/" not in text  # "%" and "_" are plain characters


def test_control_characters_inside_a_name_are_dropped(staff_client, demo_app):
    visit = _todays_visits(demo_app, BEVOLKING)[0]
    broken = "\x00".join(visit["name"]) + "\u202e"
    page = staff_client("reception").get(SEARCH, query_string={"q": broken})
    assert page.status_code == 200
    assert f'/medewerkers/bezoek/{visit["id"]}"' in page.get_data(as_text=True)


def test_clean_query_and_reference_candidates():
    assert clean_query(" a\x00b\tc\n ") == "ab c"
    assert len(clean_query("y" * 5000)) == 200
    assert reference_candidates("zvba-r8pt") == ["ZVBAR8PT"]
    assert reference_candidates("Uw referentie: ZVBA R8PT, tot dan") == ["ZVBAR8PT"]
    assert reference_candidates("Jan Peeters") == []  # I, L and O are not in the alphabet


def test_check_in_from_the_search_page(staff_client, demo_app):
    visit = _todays_visits(demo_app, BEVOLKING)[0]
    client = staff_client("reception")
    here = f"{SEARCH}?q={visit['reference']}"
    with _undone(demo_app, visit["id"]):
        page = _step(client, visit["id"], "arrive", here)
        assert visit["queue"].startswith("B-")
        checked_in = f"{visit['reference']} is aangemeld en wacht, met volgnummer {visit['queue']}."
        assert checked_in in page
        assert 'name="step" value="arrive"' not in page
        assert f'href="/medewerkers/afspraak/{visit["id"]}/volgnummer"' in page
        slip = client.get(f"/medewerkers/afspraak/{visit['id']}/volgnummer")
        assert slip.status_code == 200
        assert f'<p class="slip-number" dir="ltr">{visit["queue"]}</p>' in slip.get_data(
            as_text=True
        )
        with demo_app.app_context():
            assert db.session.get(Appointment, visit["id"]).arrived_at is not None


# The waiting room and the call display --------------------------------------------------


def test_arrived_visits_wait_then_are_called_and_shown_in_the_hall(
    staff_client, anonymous_client, demo_app, frozen_clock
):
    first, second = _todays_visits(demo_app, BEVOLKING, count=2)
    other = _todays_visits(demo_app, ANDERE_NATIONALITEITEN)[0]
    clerk = staff_client("clerk")
    with _undone(demo_app, first["id"], second["id"]):
        _step(clerk, second["id"], "arrive", WAITING_ROOM)
        frozen_clock.shift(timedelta(minutes=3))
        before = _audit_count(demo_app, "waiting_room.view", "clerk")
        page = _step(clerk, first["id"], "arrive", WAITING_ROOM)
        assert _audit_count(demo_app, "waiting_room.view", "clerk") == before + 1
        waiting = _section(page, "waiting-title", "called-title")
        assert first["reference"] in waiting and first["name"] in waiting
        # by appointment time, not by arrival
        assert waiting.index(first["reference"]) < waiting.index(second["reference"])
        assert "3 minuten" in waiting
        assert f'<select id="counter-{first["id"]}" name="counter_id">' in waiting
        assert f'<label for="counter-{first["id"]}">' in waiting
        assert other["reference"] not in page

        page = _step(clerk, first["id"], "call", WAITING_ROOM, counter_id=str(first["counter_id"]))
        called = _section(page, "called-title", "in-service-title")
        assert first["reference"] in called
        assert f"Balie {first['counter_number']}" in called
        assert first["reference"] not in _section(page, "waiting-title", "called-title")

        display = anonymous_client.get(DISPLAY)
        shown = display.get_data(as_text=True)
        assert display.status_code == 200
        assert f'<th scope="row" class="call-number" dir="ltr">{first["queue"]}</th>' in shown
        assert first["reference"] not in shown  # the short number, not the reference
        assert f"Loket {first['counter_number']}" in shown  # residents read "loket"
        assert f"Guichet {first['counter_number']}" in shown  # and the hall's other languages
        assert first["name"] not in shown and second["queue"] not in shown
        assert 'aria-live="polite"' in shown
        assert '<meta http-equiv="refresh" content="15">' in shown
        assert "Afmelden" not in shown  # no staff menu on the hall's screen
        assert "language-switcher" not in shown and "site-footer" not in shown

        data = anonymous_client.get(DISPLAY_DATA).get_json()
        assert data["calls"][0]["number"] == first["queue"]
        assert data["calls"][0]["counter"] == first["counter_number"]
        assert data["calls"][0]["called_at"].startswith("2026-12-07T07:33")
        assert first["name"] not in str(data)
        own_team = anonymous_client.get(DISPLAY_DATA, query_string={"team": first["team_id"]})
        assert own_team.get_json()["calls"][0]["number"] == first["queue"]
        elsewhere = anonymous_client.get(DISPLAY_DATA, query_string={"team": other["team_id"]})
        assert first["queue"] not in str(elsewhere.get_json())

        page = _step(clerk, first["id"], "start", WAITING_ROOM)
        assert first["reference"] in _section(page, "in-service-title", None)

        frozen_clock.shift(timedelta(minutes=16))
        assert anonymous_client.get(DISPLAY_DATA).get_json() == {"calls": []}
        assert "Er is nu niemand opgeroepen." in anonymous_client.get(DISPLAY).get_data(
            as_text=True
        )


def test_the_waiting_room_stays_within_the_team(staff_client, demo_app):
    other = _todays_visits(demo_app, ANDERE_NATIONALITEITEN)[0]
    clerk = staff_client("clerk")
    assert clerk.get(WAITING_ROOM, query_string={"team": other["team_id"]}).status_code == 404
    assert clerk.get(WAITING_ROOM, query_string={"team": "all"}).status_code == 404
    for nonsense in ("abc", "0", "-1", "99999999999999999999", "1e3", "\x00"):
        assert clerk.get(WAITING_ROOM, query_string={"team": nonsense}).status_code == 404
    reception = staff_client("reception")
    assert reception.get(WAITING_ROOM, query_string={"team": other["team_id"]}).status_code == 200
    everyone = reception.get(WAITING_ROOM, query_string={"team": "all"})
    assert everyone.status_code == 200
    assert "Wachtzaal: alle teams" in everyone.get_data(as_text=True)


def test_the_waiting_room_shows_language_and_interpreter(staff_client, demo_app):
    with demo_app.app_context():
        visit = db.session.scalar(
            select(Appointment)
            .where(
                Appointment.interpreter_needed.is_(True),
                Appointment.arrived_at.is_(None),
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.filter_between(
                    start_of_local_day(DEMO_TODAY), end_of_local_day(DEMO_TODAY)
                ),
            )
            .order_by(Appointment.starts_at)
        )
        visit_id, reference, team_id = visit.id, visit.reference, visit.staff.team_id
    reception = staff_client("reception")
    here = f"{WAITING_ROOM}?team={team_id}"
    with _undone(demo_app, visit_id):
        page = _step(reception, visit_id, "arrive", here)
        row = page[page.index(f">{reference}</a>") :]
        row = row[: row.index("</tr>")]
        assert "Tolk nodig" in row


def test_the_call_display_needs_no_sign_in_and_speaks_the_asked_language(anonymous_client):
    page = anonymous_client.get(DISPLAY, query_string={"lang": "en"})
    assert page.status_code == 200
    assert '<html lang="en"' in page.get_data(as_text=True)
    assert anonymous_client.get(DISPLAY, query_string={"lang": "ar"}).status_code == 200
    for nonsense in ("abc", "0", "99999999999999999999", "424242"):
        assert anonymous_client.get(DISPLAY, query_string={"team": nonsense}).status_code == 404
        assert (
            anonymous_client.get(DISPLAY_DATA, query_string={"team": nonsense}).status_code == 404
        )


def test_the_call_display_writes_no_audit_rows(anonymous_client, demo_app):
    with demo_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    anonymous_client.get(DISPLAY)
    anonymous_client.get(DISPLAY_DATA)
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_the_waiting_room_opens_on_the_own_team_or_every_team_and_reloads_itself(staff_client):
    clerk = staff_client("clerk")
    page = clerk.get(WAITING_ROOM).get_data(as_text=True)
    assert "Wachtzaal: Bevolking" in page
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in page
    assert 'data-refresh="30"' in page and "js/waiting-room.js" in page
    assert "Deze pagina vernieuwt zichzelf elke 30 seconden." in page
    still = clerk.get(WAITING_ROOM, query_string={"vernieuwen": "uit"}).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in still and "data-refresh" not in still
    assert "Wachtzaal: alle teams" in staff_client("reception").get(WAITING_ROOM).get_data(
        as_text=True
    )


def test_the_call_display_speaks_the_halls_languages_and_chimes_on_request(anonymous_client):
    page = anonymous_client.get(DISPLAY, query_string={"talen": "ar,de,xx,ar", "gong": "1"})
    shown = page.get_data(as_text=True)
    heading = shown[shown.index("<h1>") : shown.index("</h1>")]
    assert re.findall(r'lang="(\w+)" dir="(\w+)"', heading) == [
        ("nl", "ltr"),
        ("ar", "rtl"),
        ("de", "ltr"),
    ]
    assert "data-chime" in shown and "data-chime-on hidden" in shown
    plain = anonymous_client.get(DISPLAY).get_data(as_text=True)
    assert "data-chime" not in plain
    plain_heading = plain[plain.index("<h1>") : plain.index("</h1>")]
    assert re.findall(r'lang="(\w+)"', plain_heading) == ["nl", "fr", "en"]  # the default
    many = anonymous_client.get(DISPLAY, query_string={"talen": "fr,de,en,ar,ru", "lang": "tr"})
    many_heading = many.get_data(as_text=True).split("<h1>")[1].split("</h1>")[0]
    assert re.findall(r'lang="(\w+)"', many_heading) == ["tr", "fr", "de", "en"]
