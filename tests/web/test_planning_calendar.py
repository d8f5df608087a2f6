"""The planners' opening hours and closures: who may open them, what they list, the
checks of the forms, and the two steps of a change that touches booked visits (review
with the right visits, then confirm: the change is saved and exactly those visits get
the request to choose a new time, none cancelled)."""

from __future__ import annotations

import html
import re
from datetime import date, time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Closure,
    ClosureKind,
    OpeningBlock,
    OpeningSchedule,
    OutboxMail,
)
from portal.timeutil import end_of_local_day, start_of_local_day, to_local
from tests.conftest import DEMO_NOW, own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, signed_in

BASE = "/medewerkers/planning"
HOURS = f"{BASE}/openingsuren"
CLOSURES = f"{BASE}/sluitingsdagen"
HUGE_ID = "99999999999999999999"
FINGERPRINT = re.compile(r'name="fingerprint" value="([0-9a-f]+)"')
REFERENCE_CELL = re.compile(r'<th scope="row">(?:<a [^>]*>)?([A-Z0-9]{8})(?:</a>)?</th>')
# The demo's regular week, as the schedule form sends it.
REGULAR_WEEK = {
    0: [("09:00", "12:30"), ("16:00", "19:00")],
    1: [("09:00", "12:30")],
    2: [("09:00", "16:00")],
    3: [("09:00", "12:30")],
    4: [("09:00", "12:30")],
    5: [("09:00", "12:30")],
}


# ------------------------------------------------------------------------------- helpers


def schedule_form(token: str, name: str, first: str, last: str, week: dict, /, **extra) -> dict:
    """The schedule form's fields: name, validity and the blocks of ``week``."""
    data = {"csrf_token": token, "name": name, "valid_from": first, "valid_until": last}
    for weekday in range(7):
        blocks = week.get(weekday, [])
        for number in range(3):
            opens, closes = blocks[number] if number < len(blocks) else ("", "")
            data[f"days-{weekday}-blocks-{number}-opens"] = opens
            data[f"days-{weekday}-blocks-{number}-closes"] = closes
    data.update(extra)
    return data


def closure_form(token: str, first: str, last: str, reason: str, **extra) -> dict:
    """The closure form's fields (a one-off closure unless ``kind`` says otherwise)."""
    return {
        "csrf_token": token,
        "starts_on": first,
        "ends_on": last,
        "kind": "one_off",
        "reason_nl": reason,
        **extra,
    }


def listed_references(page: str) -> list[str]:
    """The references in the review page's tables of affected visits."""
    return REFERENCE_CELL.findall(page)


def confirmed_visits_on(app, day: date) -> dict[str, Appointment]:
    """The confirmed visits of a local day that start after the demo's now, by reference."""
    with app.app_context():
        visits = db.session.scalars(
            select(Appointment).where(
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.starts_at > DEMO_NOW,
                Appointment.filter_between(start_of_local_day(day), end_of_local_day(day)),
            )
        ).all()
        return {visit.reference: visit for visit in visits}


def count_rows(app, model) -> int:
    """How many rows ``model``'s table holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def flagged_references(app) -> set[str]:
    """The visits that carry the city's request to choose a new time."""
    with app.app_context():
        return set(
            db.session.scalars(
                select(Appointment.reference).where(
                    Appointment.reschedule_requested_at.is_not(None)
                )
            )
        )


def audit_rows(app, subject: str) -> list[AuditEvent]:
    """The audit rows about ``subject``."""
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.subject == subject)).all()


# ---------------------------------------------------------------------------- who may


GET_PAGES = [HOURS, f"{HOURS}/nieuw", f"{HOURS}/1", CLOSURES, f"{CLOSURES}/nieuw"]


@pytest.mark.parametrize("path", GET_PAGES)
@pytest.mark.parametrize("role", ["clerk", "reception"])
def test_clerks_and_reception_are_refused(staff_client, role, path):
    assert staff_client(role).get(path).status_code == 403


@pytest.mark.parametrize("path", GET_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client, path):
    response = anonymous_client.get(path)
    assert response.status_code == 302
    assert "/medewerkers/aanmelden" in response.headers["Location"]


def test_a_clerk_cannot_post_a_closure(staff_client, demo_app):
    clerk = staff_client("clerk")
    token = csrf_of(clerk.get("/medewerkers/").text)
    before = count_rows(demo_app, Closure)
    response = clerk.post(f"{CLOSURES}/nieuw", data=closure_form(token, "2026-12-20", "", "X"))
    assert response.status_code == 403
    assert count_rows(demo_app, Closure) == before


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_open_every_page(staff_client, role):
    client = staff_client(role)
    for path in GET_PAGES:
        assert client.get(path).status_code == 200, path


# ----------------------------------------------------------------------------- reading


def test_the_opening_hours_show_the_regular_week_and_what_applies_today(staff_client):
    page = html.unescape(staff_client("planner").get(HOURS).text)
    assert "Normale openingsuren" in page
    assert "geldt vandaag" in page
    assert "geldt het schema 'Normale openingsuren'" in page
    rows = re.findall(r'<th scope="row">(\w+)</th>\s*<td>([^<]*)</td>', page)
    assert rows == [
        ("maandag", "09:00–12:30, 16:00–19:00"),
        ("dinsdag", "09:00–12:30"),
        ("woensdag", "09:00–16:00"),
        ("donderdag", "09:00–12:30"),
        ("vrijdag", "09:00–12:30"),
        ("zaterdag", "09:00–12:30"),
        ("zondag", "gesloten"),
    ]


def test_the_closures_list_public_holidays_and_city_days(staff_client):
    page = staff_client("planner").get(CLOSURES).text
    christmas = page.index('datetime="2026-12-25"')
    row = page[christmas : page.index("</tr>", christmas)]
    assert "Kerstmis" in row and "Wettelijke feestdag" in row
    assert "verwijderen" not in row.lower()
    boxing_day = page.index('datetime="2026-12-26"')
    row = page[boxing_day : page.index("</tr>", boxing_day)]
    assert "Tweede kerstdag" in row and "Eigen sluitingsdag van de stad" in row
    assert "/verwijderen" in row
    assert "Nieuwjaar" in page and "Paasmaandag" in page
    assert 'datetime="2027-12-25"' not in page  # a year ahead only


def test_the_forms_start_from_summer_hours_and_offer_every_language(staff_client):
    client = staff_client("planner")
    page = client.get(f"{HOURS}/nieuw").text
    assert 'value="Zomeruren"' in page
    assert 'value="2026-07-01"' in page and 'value="2026-08-31"' in page
    assert "<legend>maandag</legend>" in page and 'for="days-0-blocks-1-opens"' in page
    page = client.get(f"{CLOSURES}/nieuw").text
    assert 'id="reason_ar"' in page and 'lang="ar" dir="rtl"' in page
    assert 'id="reason_fr"' in page and 'for="reason_nl"' in page


@pytest.mark.parametrize("path", [HOURS, f"{HOURS}/nieuw", CLOSURES, f"{CLOSURES}/nieuw"])
def test_the_pages_speak_arabic_right_to_left(staff_client, path):
    response = staff_client("planner").get(f"{path}?lang=ar")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text


@pytest.mark.parametrize(
    "path", [f"{HOURS}/999999", f"{HOURS}/{HUGE_ID}", f"{HOURS}/abc", f"{HOURS}/0"]
)
def test_unknown_schedule_ids_are_not_found(staff_client, path):
    assert staff_client("planner").get(path).status_code == 404


@pytest.mark.parametrize("raw_id", ["999999", HUGE_ID, "-1", "²"])
def test_deleting_unknown_ids_is_not_found(staff_client, raw_id):
    client = staff_client("planner")
    token = csrf_of(client.get(CLOSURES).text)
    for path in (f"{CLOSURES}/{raw_id}/verwijderen", f"{HOURS}/{raw_id}/verwijderen"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path


# -------------------------------------------------------------------- reviewing changes


def test_a_closure_on_a_busy_day_lists_its_visits_first(staff_client, demo_app):
    day = date(2026, 12, 8)
    expected = confirmed_visits_on(demo_app, day)
    assert len(expected) > 10
    client = staff_client("planner")
    token = csrf_of(client.get(f"{CLOSURES}/nieuw").text)
    before = count_rows(demo_app, Closure)
    response = client.post(
        f"{CLOSURES}/nieuw", data=closure_form(token, "2026-12-08", "", "Verkiezingen")
    )
    assert response.status_code == 200
    page = response.text
    assert f"{len(expected)} bevestigde afspraken vallen op een gesloten dag" in page
    assert sorted(listed_references(page)) == sorted(expected)
    for team in ("Bevolking", "Burgerlijke Stand", "Andere Nationaliteiten"):
        assert team in page
    assert 'name="confirm" value="1"' in page and 'name="action" value="back"' in page
    assert 'name="reason_nl" value="Verkiezingen"' in page
    assert count_rows(demo_app, Closure) == before
    assert flagged_references(demo_app) == set()


def test_going_back_from_the_review_keeps_what_was_typed(staff_client, demo_app):
    client = staff_client("planner")
    token = csrf_of(client.get(f"{CLOSURES}/nieuw").text)
    data = closure_form(token, "2026-12-08", "", "Verkiezingen", action="back")
    response = client.post(f"{CLOSURES}/nieuw", data=data)
    assert response.status_code == 200
    assert 'value="2026-12-08"' in response.text and 'value="Verkiezingen"' in response.text
    assert "Er is een probleem" not in response.text


def test_shorter_monday_evenings_list_the_visits_they_move(staff_client, demo_app):
    monday = date(2026, 12, 14)
    expected = sorted(
        reference
        for reference, visit in confirmed_visits_on(demo_app, monday).items()
        if to_local(visit.ends_at).time() > time(18)
    )
    assert expected
    week = {**REGULAR_WEEK, 0: [("09:00", "12:30"), ("16:00", "18:00")]}
    client = staff_client("planner")
    token = csrf_of(client.get(f"{HOURS}/nieuw").text)
    before = count_rows(demo_app, OpeningSchedule)
    response = client.post(
        f"{HOURS}/nieuw",
        data=schedule_form(token, "Zomeruren", "2026-12-14", "2026-12-20", week),
    )
    assert response.status_code == 200
    assert f"{len(expected)} bevestigde afspraken vallen buiten de nieuwe openingsuren" in (
        response.text
    )
    assert sorted(listed_references(response.text)) == expected
    assert "09:00–12:30, 16:00–18:00" in response.text
    assert count_rows(demo_app, OpeningSchedule) == before


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("first", "last", "reason", "message"),
    [
        ("2026-12-20", "2026-12-19", "Staking", "De laatste dag ligt voor de eerste dag."),
        ("2026-12-20", "", "   ", "Vul de reden in het Nederlands in."),
        ("20-12-2026", "", "Staking", "Deze datum kunnen we niet lezen."),
        ("", "", "Staking", "Vul de eerste gesloten dag in."),
        ("2026-12-01", "", "Staking", "Deze dag ligt in het verleden."),
        ("2026-12-20", "2028-01-20", "Staking", "Een sluiting duurt hoogstens een jaar."),
        ("2026-12-20", "9999-12-31", "Staking", "Kies een datum tussen 2000 en 2100."),
        ("2026-12-20", "", "x" * 201, "hoogstens 200 tekens"),
    ],
)
def test_bad_closures_are_refused_in_dutch(staff_client, demo_app, first, last, reason, message):
    client = staff_client("planner")
    token = csrf_of(client.get(f"{CLOSURES}/nieuw").text)
    before = count_rows(demo_app, Closure)
    response = client.post(f"{CLOSURES}/nieuw", data=closure_form(token, first, last, reason))
    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert "Er is een probleem" in response.text
    assert count_rows(demo_app, Closure) == before


def test_an_unknown_closure_kind_is_refused(staff_client, demo_app):
    client = staff_client("planner")
    token = csrf_of(client.get(f"{CLOSURES}/nieuw").text)
    data = closure_form(token, "2026-12-20", "", "Staking", kind="forever")
    response = client.post(f"{CLOSURES}/nieuw", data=data)
    assert response.status_code == 422
    assert "Kies het soort sluiting." in response.text


@pytest.mark.parametrize(
    ("monday", "extra", "message"),
    [
        ([("25:00", "26:00")], {}, "Dit uur kunnen we niet lezen"),
        ([("09:00", "12:30"), ("12:00", "14:00")], {}, "overlapt met een ander blok"),
        ([("12:00", "09:00")], {}, "Het sluitingsuur moet na het openingsuur liggen."),
        ([("09:00", "12:33")], {}, "Kies een uur op vijf minuten"),
        ([("09:00", "")], {}, "Vul zowel het openingsuur als het sluitingsuur in."),
        ([("negen", "12:00")], {}, "Dit uur kunnen we niet lezen"),
        ([("09:00", "12:00")], {"valid_until": "2026-07-01"}, "De einddatum ligt voor de"),
        ([("09:00", "12:00")], {"name": ""}, "Geef het schema een naam."),
        ([("09:00", "12:00")], {"valid_from": "2026-02-30"}, "Deze datum kunnen we niet lezen"),
    ],
)
def test_bad_schedules_are_refused_in_dutch(staff_client, demo_app, monday, extra, message):
    client = staff_client("planner")
    token = csrf_of(client.get(f"{HOURS}/nieuw").text)
    week = {**REGULAR_WEEK, 0: monday}
    data = schedule_form(token, "Zomeruren", "2026-07-02", "2026-08-31", week, **extra)
    before = (count_rows(demo_app, OpeningSchedule), count_rows(demo_app, OpeningBlock))
    response = client.post(f"{HOURS}/nieuw", data=data)
    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert "Er is een probleem" in response.text
    after = (count_rows(demo_app, OpeningSchedule), count_rows(demo_app, OpeningBlock))
    assert after == before


def test_the_last_schedule_without_an_end_keeps_it(staff_client, demo_app):
    client = staff_client("planner")
    with demo_app.app_context():
        regular = db.session.scalar(select(OpeningSchedule.id))
    token = csrf_of(client.get(f"{HOURS}/{regular}").text)
    data = schedule_form(token, "Normale openingsuren", "", "2027-06-30", REGULAR_WEEK)
    response = client.post(f"{HOURS}/{regular}", data=data)
    assert response.status_code == 422
    assert "Er moet altijd een schema zonder einddatum blijven." in response.text
    response = client.post(f"{HOURS}/{regular}/verwijderen", data={"csrf_token": token})
    assert response.status_code == 302
    assert count_rows(demo_app, OpeningSchedule) == 1
    assert "kan niet weg" in client.get(response.headers["Location"]).text


def test_a_form_without_its_csrf_token_is_refused(staff_client, demo_app):
    before = count_rows(demo_app, Closure)
    response = staff_client("planner").post(
        f"{CLOSURES}/nieuw", data=closure_form("", "2026-12-20", "", "Staking", confirm="1")
    )
    assert response.status_code == 400
    assert count_rows(demo_app, Closure) == before


# --------------------------------------------------- changing data (an app of our own)


@pytest.fixture
def calendar_app(backend, tmp_path_factory):
    """The demo portal for the tests that save closures and schedules: a copy of the demo
    city for each test, so that no test depends on what another saved (or on the order)."""
    yield from own_demo_app(backend, tmp_path_factory, "planning_calendar")


@pytest.fixture
def planner(calendar_app, frozen_clock):
    """The demo planner, signed in to the portal of this module."""
    return signed_in(calendar_app, "planner")


def test_confirming_a_closure_asks_exactly_its_visits_for_a_new_time(planner, calendar_app):
    day = date(2026, 12, 9)
    expected = confirmed_visits_on(calendar_app, day)
    assert expected and flagged_references(calendar_app) == set()
    closures_before = count_rows(calendar_app, Closure)
    token = csrf_of(planner.get(f"{CLOSURES}/nieuw").text)
    data = closure_form(token, "2026-12-09", "2026-12-09", "Staking", reason_fr="Grève")
    review = planner.post(f"{CLOSURES}/nieuw", data=data)
    assert review.status_code == 200
    fingerprint = FINGERPRINT.search(review.text).group(1)

    stale = planner.post(f"{CLOSURES}/nieuw", data={**data, "confirm": "1", "fingerprint": "0"})
    assert stale.status_code == 409
    assert "Kijk de lijst hieronder opnieuw na" in stale.text
    assert count_rows(calendar_app, Closure) == closures_before
    mails_before = count_rows(calendar_app, OutboxMail)

    done = planner.post(
        f"{CLOSURES}/nieuw", data={**data, "confirm": "1", "fingerprint": fingerprint}
    )
    assert done.status_code == 302
    with calendar_app.app_context():
        closure = db.session.scalar(select(Closure).where(Closure.starts_on == day))
        assert closure.kind == ClosureKind.ONE_OFF
        assert closure.reasons == {"nl": "Staking", "fr": "Grève"}
        visits = db.session.scalars(
            select(Appointment).where(Appointment.reference.in_(list(expected)))
        ).all()
        assert {visit.status for visit in visits} == {AppointmentStatus.CONFIRMED}
        assert {visit.reschedule_reason for visit in visits} == {"Staking"}
    assert flagged_references(calendar_app) == set(expected)
    with_address = [ref for ref, visit in expected.items() if visit.email]
    assert count_rows(calendar_app, OutboxMail) == mails_before + len(with_address)
    [event] = audit_rows(calendar_app, "closure.create")
    assert event.detail["visits_asked"] == len(expected)
    page = planner.get(done.headers["Location"]).text
    assert f"{len(expected)} afspraken kregen de vraag een nieuw tijdstip te kiezen" in page
    assert 'datetime="2026-12-09"' in page and "Staking" in page


def test_a_closure_without_visits_is_saved_at_once_and_residents_see_it(planner, calendar_app):
    before = flagged_references(calendar_app)
    token = csrf_of(planner.get(f"{CLOSURES}/nieuw").text)
    data = closure_form(token, "2026-12-20", "", "Opendeurdag brandweer", reason_fr="Portes")
    response = planner.post(f"{CLOSURES}/nieuw", data=data)
    assert response.status_code == 302
    assert flagged_references(calendar_app) == before
    [event] = [
        e for e in audit_rows(calendar_app, "closure.create") if e.detail["visits_asked"] == 0
    ]
    assert event.detail["starts_on"] == "2026-12-20"
    resident = new_client(calendar_app)
    assert "Opendeurdag brandweer" in resident.get("/").text
    assert "Portes" in resident.get("/?lang=fr").text


def save_christmas_hours(planner) -> None:
    """Save "Kerstperiode", shorter Monday evenings in the week of 21 December (the review,
    then the confirmation)."""
    week = {**REGULAR_WEEK, 0: [("09:00", "12:30"), ("16:00", "18:00")]}
    token = csrf_of(planner.get(f"{HOURS}/nieuw").text)
    data = schedule_form(token, "Kerstperiode", "2026-12-21", "2026-12-27", week)
    fingerprint = FINGERPRINT.search(planner.post(f"{HOURS}/nieuw", data=data).text).group(1)
    done = planner.post(f"{HOURS}/nieuw", data={**data, "confirm": "1", "fingerprint": fingerprint})
    assert done.status_code == 302


def test_deleting_a_closure_touches_no_visit(planner, calendar_app):
    token = csrf_of(planner.get(f"{CLOSURES}/nieuw").text)
    data = closure_form(token, "2026-12-20", "", "Opendeurdag brandweer")
    assert planner.post(f"{CLOSURES}/nieuw", data=data).status_code == 302
    before = flagged_references(calendar_app)
    with calendar_app.app_context():
        closure_id = db.session.scalar(
            select(Closure.id).where(Closure.starts_on == date(2026, 12, 20))
        )
    token = csrf_of(planner.get(CLOSURES).text)
    response = planner.post(f"{CLOSURES}/{closure_id}/verwijderen", data={"csrf_token": token})
    assert response.status_code == 302
    with calendar_app.app_context():
        assert db.session.get(Closure, closure_id) is None
    assert flagged_references(calendar_app) == before
    [event] = audit_rows(calendar_app, "closure.delete")
    assert event.detail["closure_id"] == closure_id
    assert "Opendeurdag brandweer" not in new_client(calendar_app).get("/").text


def test_confirming_shorter_hours_asks_the_visits_outside_them(planner, calendar_app):
    monday = date(2026, 12, 21)
    expected = {
        reference
        for reference, visit in confirmed_visits_on(calendar_app, monday).items()
        if to_local(visit.ends_at).time() > time(18)
    }
    assert expected
    before = flagged_references(calendar_app)
    week = {**REGULAR_WEEK, 0: [("09:00", "12:30"), ("16:00", "18:00")]}
    token = csrf_of(planner.get(f"{HOURS}/nieuw").text)
    data = schedule_form(token, "Kerstperiode", "2026-12-21", "2026-12-27", week)
    review = planner.post(f"{HOURS}/nieuw", data=data)
    assert review.status_code == 200
    assert set(listed_references(review.text)) == expected
    fingerprint = FINGERPRINT.search(review.text).group(1)
    done = planner.post(f"{HOURS}/nieuw", data={**data, "confirm": "1", "fingerprint": fingerprint})
    assert done.status_code == 302
    assert flagged_references(calendar_app) == before | expected
    with calendar_app.app_context():
        schedule = db.session.scalar(
            select(OpeningSchedule).where(OpeningSchedule.name == "Kerstperiode")
        )
        assert (schedule.valid_from, schedule.valid_until) == (monday, date(2026, 12, 27))
        mondays = [(b.opens, b.closes) for b in schedule.blocks if b.weekday == 0]
        assert mondays == [(time(9), time(12, 30)), (time(16), time(18))]
        reasons = set(
            db.session.scalars(
                select(Appointment.reschedule_reason).where(
                    Appointment.reference.in_(list(expected))
                )
            )
        )
        assert reasons == {"De openingsuren van het stadhuis veranderen."}
    [event] = audit_rows(calendar_app, "opening_hours.create")
    assert event.detail["visits_asked"] == len(expected)
    page = planner.get(HOURS).text
    assert "Kerstperiode" in page


def test_deleting_a_schedule_asks_first_then_deletes(planner, calendar_app):
    save_christmas_hours(planner)
    with calendar_app.app_context():
        schedule_id = db.session.scalar(
            select(OpeningSchedule.id).where(OpeningSchedule.name == "Kerstperiode")
        )
    token = csrf_of(planner.get(HOURS).text)
    path = f"{HOURS}/{schedule_id}/verwijderen"
    review = planner.post(path, data={"csrf_token": token})
    assert review.status_code == 200
    assert "Geen enkele bevestigde afspraak valt daardoor buiten de openingsuren." in review.text
    fingerprint = FINGERPRINT.search(review.text).group(1)
    done = planner.post(
        path, data={"csrf_token": token, "confirm": "1", "fingerprint": fingerprint}
    )
    assert done.status_code == 302
    with calendar_app.app_context():
        assert db.session.get(OpeningSchedule, schedule_id) is None
    [event] = audit_rows(calendar_app, "opening_hours.delete")
    assert event.detail == {"schedule_id": schedule_id, "name": "Kerstperiode", "visits_asked": 0}


def test_changing_a_schedule_without_effect_saves_it_directly(planner, calendar_app):
    with calendar_app.app_context():
        regular = db.session.scalar(select(OpeningSchedule.id))
    before = flagged_references(calendar_app)
    token = csrf_of(planner.get(f"{HOURS}/{regular}").text)
    week = {**REGULAR_WEEK, 1: [("09:00", "12:30"), ("13:30", "15:00")]}
    data = schedule_form(token, "Gewone week", "", "", week)
    response = planner.post(f"{HOURS}/{regular}", data=data)
    assert response.status_code == 302
    assert flagged_references(calendar_app) == before
    with calendar_app.app_context():
        schedule = db.session.get(OpeningSchedule, regular)
        assert schedule.name == "Gewone week"
        assert len(schedule.blocks) == 8
    [event] = audit_rows(calendar_app, "opening_hours.update")
    assert event.detail["visits_asked"] == 0
