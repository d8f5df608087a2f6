"""The planners' absences page: the list, adding an absence (saved at once when it touches
no booked visit, else after a review where each visit gets a colleague or its resident a
request to choose a new time), refusals of bad input, deleting, and who may do it.

The module has its own demo database, since these tests save and delete absences and
move visits."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from html.parser import HTMLParser

import pytest
from flask import current_app
from sqlalchemy import func, select

from portal.availability import load_availability
from portal.extensions import db
from portal.models import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentStatus,
    AuditEvent,
    OutboxMail,
    Shift,
    ShiftKind,
    StaffMember,
    Team,
)
from portal.planning.absence_forms import AbsenceInput
from portal.planning.absence_operations import review_absence
from portal.timeutil import CITY_TZ, local_datetime, start_of_local_day
from tests.conftest import DEMO_NOW, DEMO_TODAY, own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, signed_in

LIST = "/medewerkers/planning/afwezigheden"
NEW = f"{LIST}/nieuw"


@pytest.fixture(scope="module")
def absence_app(backend, tmp_path_factory):
    """The demo city in a database of its own: these tests change absences and visits."""
    yield from own_demo_app(
        backend,
        tmp_path_factory,
        "absences",
        MAIL_SEND_AFTER_REQUEST=False,
        RATELIMIT_SIGN_IN="1000 per minute",
    )


@pytest.fixture(scope="module")
def clients(absence_app):
    """One signed-in client per role for the module (made on first use)."""
    made = {}

    def client_for(role: str):
        if role not in made:
            made[role] = signed_in(absence_app, role)
        return made[role]

    return client_for


def _team(code: str) -> Team:
    return db.session.scalar(select(Team).where(Team.code == code))


def _counts() -> tuple[int, int]:
    """(absences, audit rows about absences): refusals change neither."""
    absences = db.session.scalar(select(func.count()).select_from(Absence))
    audits = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.subject.like("absence.%"))
    )
    return absences, audits


def _whole_day(staff_id: int, day: date) -> AbsenceInput:
    return AbsenceInput(
        staff_id,
        AbsenceKind.SICK,
        "",
        day,
        day,
        None,
        None,
        start_of_local_day(day),
        start_of_local_day(day + timedelta(days=1)),
    )


def _day_visits(staff_id: int, day: date) -> list[Appointment]:
    """The person's active visits of ``day`` that have not started at the demo's now, by
    a query of its own (what the review must show)."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.staff_id == staff_id,
                Appointment.filter_active(DEMO_NOW),
                Appointment.starts_at >= DEMO_NOW,
                Appointment.starts_at < start_of_local_day(day + timedelta(days=1)),
                Appointment.ends_at > start_of_local_day(day),
            )
            .order_by(Appointment.starts_at)
        )
    )


def _offered(person: StaffMember, service, day: date, start=None, end=None) -> bool:
    """Whether the free times of ``service`` on ``day`` offer ``person`` (optionally only
    the times overlapping ``[start, end)``)."""
    availability = load_availability(
        db.session,
        [service],
        1,
        day,
        day,
        DEMO_NOW,
        grid_minutes=int(current_app.config["SLOT_GRID_MINUTES"]),
        tz=CITY_TZ,
        for_staff=True,
    )
    return any(
        person.id in slot.staff_ids and (start is None or (slot.start < end and slot.end > start))
        for slot in availability.slots()
    )


class _FormInputs(HTMLParser):
    """What a browser sends with the form whose action contains ``action``: hidden
    fields and the checked radio buttons (the submit button is added by the test)."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.action in (attrs.get("action") or "")
        elif tag == "input" and self.inside and attrs.get("name"):
            kind = attrs.get("type")
            if kind == "hidden" or (kind == "radio" and "checked" in attrs):
                self.values[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _review_form(page: str) -> dict[str, str]:
    parser = _FormInputs("/afwezigheden/nieuw")
    parser.feed(page)
    return parser.values


def _post_new(client, **fields):
    token = csrf_of(client.get(NEW).get_data(as_text=True))
    return client.post(NEW, data={"csrf_token": token, "kind": "leave", **fields})


# --------------------------------------------------------------------------- access


def test_clerks_and_reception_are_refused_and_strangers_sent_to_sign_in(
    absence_app, clients, frozen_clock
):
    for role in ("clerk", "reception"):
        client = clients(role)
        token = csrf_of(client.get("/medewerkers/").get_data(as_text=True))
        assert client.get(LIST).status_code == 403
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, data={"csrf_token": token}).status_code == 403
        assert client.post(f"{LIST}/1/verwijderen", data={"csrf_token": token}).status_code == 403
    anonymous = new_client(absence_app)
    for path in (LIST, NEW):
        response = anonymous.get(path)
        assert response.status_code == 302
        assert "/medewerkers/aanmelden" in response.headers["Location"]
    with absence_app.app_context():
        assert db.session.get(Absence, 1) is not None


# ----------------------------------------------------------------------------- list


def test_the_list_shows_the_teams_absences_from_today(absence_app, clients, frozen_clock):
    with absence_app.app_context():
        bevolking, other = _team("bevolking"), _team("andere_nationaliteiten")
        ours = db.session.scalars(
            select(Absence)
            .join(StaffMember)
            .where(StaffMember.team_id == bevolking.id, Absence.ends_at > DEMO_NOW)
        ).all()
        theirs = db.session.scalars(
            select(Absence)
            .join(StaffMember)
            .where(StaffMember.team_id == other.id, Absence.ends_at > DEMO_NOW)
        ).all()
        ours_names = {absence.staff.name for absence in ours}
        theirs_names = {a.staff.name for a in theirs} - {m.name for m in bevolking.members}
        other_id = other.id
    assert ours and theirs_names
    page = clients("planner").get(LIST).get_data(as_text=True)
    for name in ours_names:
        assert name in page
    for name in theirs_names:
        assert name not in page
    leave = next(absence for absence in ours if absence.kind == AbsenceKind.LEAVE)
    first = leave.starts_at.astimezone(CITY_TZ).date()
    assert "Verlof" in page and f"{first.day} december {first.year}" in page
    assert f"/afwezigheden/{leave.id}/verwijderen" in page

    admin = clients("admin")
    everyone = admin.get(LIST).get_data(as_text=True)
    assert all(name in everyone for name in ours_names | theirs_names)
    picked = admin.get(f"{LIST}?team={other_id}").get_data(as_text=True)
    assert all(name in picked for name in theirs_names)
    assert not any(name in picked for name in ours_names - {a.staff.name for a in theirs})


def test_the_form_offers_the_teams_active_people(absence_app, clients, frozen_clock):
    with absence_app.app_context():
        bevolking, other = _team("bevolking"), _team("andere_nationaliteiten")
        ours = [m.name for m in bevolking.members if m.active]
        theirs = [m.name for m in other.members if m.name not in ours]
        other_id = other.id
    page = clients("planner").get(NEW).get_data(as_text=True)
    assert all(name in page for name in ours)
    assert not any(name in page for name in theirs)
    assert 'for="first_day"' in page and 'for="from_time"' in page
    admin_page = clients("admin").get(f"{NEW}?team={other_id}").get_data(as_text=True)
    assert all(name in admin_page for name in theirs)


# --------------------------------------------------------------------------- saving


def _free_person_and_day(team_id: int):
    """A person of the team with a counter shift on a day of the demo's last weeks, no
    visits that day, offered in the free times between 09:00 and 12:00; with a service
    of theirs."""
    people = db.session.scalars(
        select(StaffMember).where(StaffMember.team_id == team_id, StaffMember.active.is_(True))
    ).all()
    for offset in range(28, 50):
        day = DEMO_TODAY + timedelta(days=offset)
        start, end = local_datetime(day, time(9)), local_datetime(day, time(12))
        for person in people:
            shift = db.session.scalar(
                select(Shift.id).where(
                    Shift.staff_id == person.id,
                    Shift.kind == ShiftKind.COUNTER,
                    Shift.filter_overlapping(start, end),
                )
            )
            if shift is None or _day_visits(person.id, day):
                continue
            for service in person.services:
                if _offered(person, service, day, start, end):
                    return person.id, day, service.id
    raise AssertionError("the demo has no free counter morning")


def test_an_absence_without_visits_is_saved_at_once_and_closes_the_free_times(
    absence_app, clients, frozen_clock
):
    with absence_app.app_context():
        staff_id, day, service_id = _free_person_and_day(_team("bevolking").id)
        before = _counts()
    response = _post_new(
        clients("planner"),
        person=str(staff_id),
        kind="training",
        first_day=day.isoformat(),
        from_time="09:00",
        to_time="12:00",
        note="Opleiding nieuwe eID-lezers",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    start, end = local_datetime(day, time(9)), local_datetime(day, time(12))
    with absence_app.app_context():
        # (The demo's past year has the person's earlier absences too.)
        saved = db.session.scalar(
            select(Absence).where(Absence.staff_id == staff_id, Absence.starts_at >= start)
        )
        assert saved is not None
        assert (saved.starts_at, saved.ends_at) == (start, end)
        assert saved.kind == AbsenceKind.TRAINING and saved.note == "Opleiding nieuwe eID-lezers"
        assert _counts() == (before[0] + 1, before[1] + 1)
        audit = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject == "absence.create")
        ).all()[-1]
        assert audit.team_id == _team("bevolking").id
        assert audit.detail["absence_id"] == saved.id
        assert audit.detail["to_colleague"] == audit.detail["asked_new_time"] == 0
        person = db.session.get(StaffMember, staff_id)
        service = next(s for s in person.services if s.id == service_id)
        assert not _offered(person, service, day, start, end)
        name = person.name
    page = clients("planner").get(LIST).get_data(as_text=True)
    assert f"De afwezigheid van {name} is bewaard." in page
    assert "Opleiding nieuwe eID-lezers" in page and "van 09:00 tot 12:00" in page


def _person_day_with_both_outcomes(team_id: int):
    """A person and a day in the demo's first week whose visits include one a colleague
    can take and one nobody can (so both decisions are carried out)."""
    people = db.session.scalars(
        select(StaffMember.id).where(StaffMember.team_id == team_id).order_by(StaffMember.id)
    ).all()
    for offset in range(1, 6):
        day = DEMO_TODAY + timedelta(days=offset)
        for staff_id in people:
            entries = review_absence(db.session, _whole_day(staff_id, day), team_id, DEMO_NOW)
            entries = entries.entries
            if any(e.candidates for e in entries) and any(not e.candidates for e in entries):
                return staff_id, day
    raise AssertionError("the demo has no such day")


def test_an_absence_over_booked_visits_is_reviewed_then_carried_out(
    absence_app, clients, frozen_clock
):
    planner = clients("planner")
    with absence_app.app_context():
        team_id = _team("bevolking").id
        staff_id, day = _person_day_with_both_outcomes(team_id)
        expected = {visit.id: visit.reference for visit in _day_visits(staff_id, day)}
        cancelled = db.session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.status == AppointmentStatus.CANCELLED)
        )
        before = _counts()
    fields = {"person": str(staff_id), "kind": "sick", "first_day": day.isoformat()}
    review = _post_new(planner, **fields)
    page = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "Nakijken: nieuwe afwezigheid" in page and "(voorstel)" in page
    listed = set(re.findall(r'name="visit-(\d+)"', page))
    assert listed == {str(visit_id) for visit_id in expected}
    assert all(reference in page for reference in expected.values())
    with absence_app.app_context():
        assert _counts() == before

    sent = _review_form(page)
    decisions = {int(k[6:]): v for k, v in sent.items() if k.startswith("visit-")}
    assert set(decisions) == set(expected)
    to_colleague = {visit: int(v) for visit, v in decisions.items() if v != "ask"}
    asked = {visit for visit, v in decisions.items() if v == "ask"}
    assert to_colleague and asked
    response = planner.post(NEW, data={**sent, "confirm": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)

    with absence_app.app_context():
        absence = db.session.scalar(
            select(Absence).where(
                Absence.staff_id == staff_id, Absence.starts_at == start_of_local_day(day)
            )
        )
        assert absence is not None and absence.kind == AbsenceKind.SICK
        for visit_id, colleague in to_colleague.items():
            visit = db.session.get(Appointment, visit_id)
            assert visit.staff_id == colleague
            assert visit.status == AppointmentStatus.CONFIRMED
            assert visit.reschedule_requested_at is None
        for visit_id in asked:
            visit = db.session.get(Appointment, visit_id)
            assert visit.staff_id == staff_id
            assert visit.status == AppointmentStatus.CONFIRMED
            assert visit.reschedule_requested_at is not None
            assert "afwezig" in visit.reschedule_reason
            mails = db.session.scalars(
                select(OutboxMail.kind).where(OutboxMail.appointment_id == visit_id)
            ).all()
            assert ("reschedule" in mails) == bool(visit.email)
        assert any(db.session.get(Appointment, v).email for v in asked)
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Appointment)
                .where(Appointment.status == AppointmentStatus.CANCELLED)
            )
            == cancelled
        )
        assert _counts() == (before[0] + 1, before[1] + 1)
        audit = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject == "absence.create")
        ).all()[-1]
        assert audit.team_id == team_id
        assert audit.detail == {
            "absence_id": absence.id,
            "staff_id": staff_id,
            "to_colleague": len(to_colleague),
            "asked_new_time": len(asked),
        }
        person = db.session.get(StaffMember, staff_id)
        assert not any(_offered(person, service, day) for service in person.services)
    flashed = planner.get(LIST).get_data(as_text=True)
    assert "naar een collega" in flashed and "nieuw tijdstip te kiezen" in flashed


def test_a_review_that_changed_is_shown_again_and_nothing_is_saved(
    absence_app, clients, frozen_clock
):
    planner = clients("planner")
    with absence_app.app_context():
        team_id = _team("bevolking").id
        day = DEMO_TODAY + timedelta(days=1)
        staff_id = next(
            person.id
            for person in _team("bevolking").members
            if len(_day_visits(person.id, day)) >= 2
            and not db.session.scalar(
                select(Absence.id).where(
                    Absence.staff_id == person.id,
                    Absence.ends_at > start_of_local_day(DEMO_TODAY),
                )
            )
        )
        visits = _day_visits(staff_id, day)
        states = {(v.id, v.staff_id, v.status, v.reschedule_requested_at) for v in visits}
        before = _counts()
    fields = {"person": str(staff_id), "kind": "leave", "first_day": day.isoformat()}
    sent = _review_form(_post_new(planner, **fields).get_data(as_text=True))

    # A visit of the list is cancelled meanwhile: the list changed, so review again.
    with absence_app.app_context():
        gone = db.session.get(Appointment, visits[0].id)
        gone.status = AppointmentStatus.CANCELLED
        db.session.commit()
    stale = planner.post(NEW, data={**sent, "confirm": "1"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Sinds u de lijst zag" in page
    assert f'name="visit-{visits[0].id}"' not in page
    with absence_app.app_context():
        assert _counts() == before
        gone = db.session.get(Appointment, visits[0].id)
        gone.status = AppointmentStatus.CONFIRMED
        db.session.commit()

    # A choice the review does not offer (a colleague of another team) is refused.
    with absence_app.app_context():
        stranger = db.session.scalar(
            select(StaffMember.id).where(StaffMember.team_id != team_id).limit(1)
        )
    sent = _review_form(_post_new(planner, **fields).get_data(as_text=True))
    sent[f"visit-{visits[0].id}"] = str(stranger)
    refused = planner.post(NEW, data={**sent, "confirm": "1"})
    assert refused.status_code == 409
    assert "Kies voor elke afspraak een collega" in refused.get_data(as_text=True)
    with absence_app.app_context():
        assert _counts() == before
        after = {
            (v.id, v.staff_id, v.status, v.reschedule_requested_at)
            for v in _day_visits(staff_id, day)
        }
        assert after == states


# -------------------------------------------------------------------------- refusals


def test_bad_input_is_refused_in_dutch_and_saves_nothing(absence_app, clients, frozen_clock):
    planner = clients("planner")
    with absence_app.app_context():
        bevolking = _team("bevolking")
        person = next(m for m in bevolking.members if m.active)
        away = db.session.scalar(
            select(Absence)
            .join(StaffMember)
            .where(
                StaffMember.team_id == bevolking.id,
                Absence.starts_at >= start_of_local_day(DEMO_TODAY),
            )
        )
        stranger = db.session.scalar(
            select(StaffMember.id).where(StaffMember.team_id != bevolking.id).limit(1)
        )
        other_absence = db.session.scalar(
            select(Absence.id).join(StaffMember).where(StaffMember.team_id != bevolking.id)
        )
        away_staff, away_day = away.staff_id, away.starts_at.astimezone(CITY_TZ).date()
        other_team = db.session.scalar(select(Team.id).where(Team.id != bevolking.id))
        before = _counts()
    day = (DEMO_TODAY + timedelta(days=40)).isoformat()
    later = (DEMO_TODAY + timedelta(days=41)).isoformat()
    ok = {"person": str(person.id), "first_day": day}
    cases = [
        (
            {**ok, "last_day": (DEMO_TODAY + timedelta(days=39)).isoformat()},
            "De laatste dag ligt voor de eerste dag.",
        ),
        ({**ok, "from_time": "25:00", "to_time": "26:00"}, "Dit uur kunnen we niet lezen"),
        ({**ok, "from_time": "09:03", "to_time": "12:00"}, "Kies een uur op vijf minuten"),
        (
            {**ok, "from_time": "12:00", "to_time": "09:00"},
            "Het einduur moet na het beginuur liggen.",
        ),
        ({**ok, "from_time": "09:00"}, "Vul zowel het beginuur als het einduur in"),
        (
            {**ok, "last_day": later, "from_time": "09:00", "to_time": "12:00"},
            "Uren kunnen alleen bij een afwezigheid van één dag",
        ),
        ({**ok, "last_day": (DEMO_TODAY + timedelta(days=500)).isoformat()}, "hoogstens 366 dagen"),
        (
            {**ok, "first_day": (DEMO_TODAY - timedelta(days=1)).isoformat()},
            "Deze dag ligt in het verleden",
        ),
        ({**ok, "first_day": "2026-13-45"}, "Deze datum kunnen we niet lezen"),
        ({**ok, "person": str(stranger)}, "Kies een medewerker van het team uit de lijst."),
        (
            {**ok, "person": "99999999999999999999"},
            "Kies een medewerker van het team uit de lijst.",
        ),
        ({**ok, "person": ""}, "Kies de medewerker die afwezig is."),
        ({**ok, "kind": "vacation"}, "Kies het soort afwezigheid."),
        ({**ok, "note": "a\x00b"}, "De notitie bevat tekens"),
        ({**ok, "note": "x" * 201}, "hoogstens 200 tekens"),
        ({"person": str(away_staff), "first_day": away_day.isoformat()}, "is dan al afwezig"),
    ]
    for fields, message in cases:
        response = _post_new(planner, **fields)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, (fields, response.status_code)
        assert message in page, (fields, message)
        assert "Er is een probleem" in page
    assert planner.post(NEW, data={**ok, "kind": "leave"}).status_code == 400
    for query in (f"?team={other_team}", "?team=99999999999999", "?team=abc", "?team=all"):
        assert planner.get(NEW + query).status_code == 404
    token = csrf_of(planner.get(LIST).get_data(as_text=True))
    for absence_id in (other_absence, 99999999999999, 2147483647):
        path = f"{LIST}/{absence_id}/verwijderen"
        assert planner.post(path, data={"csrf_token": token}).status_code == 404
    assert planner.post(f"{LIST}/1/verwijderen").status_code == 400
    with absence_app.app_context():
        assert _counts() == before


# -------------------------------------------------------------------------- deleting


def test_deleting_an_absence_frees_the_time_and_is_audited(absence_app, clients, frozen_clock):
    with absence_app.app_context():
        bevolking, other = _team("bevolking"), _team("burgerlijke_stand")
        day = DEMO_TODAY + timedelta(days=45)
        made = []
        for team in (bevolking, other):
            absence = Absence(
                staff_id=next(m.id for m in team.members if m.active),
                kind=AbsenceKind.OTHER,
                note="",
                starts_at=start_of_local_day(day),
                ends_at=start_of_local_day(day + timedelta(days=1)),
            )
            db.session.add(absence)
            db.session.flush()
            made.append((absence.id, team.id))
        db.session.commit()
    for role, (absence_id, team_id) in zip(("planner", "admin"), made, strict=True):
        client = clients(role)
        token = csrf_of(client.get(LIST).get_data(as_text=True))
        response = client.post(f"{LIST}/{absence_id}/verwijderen", data={"csrf_token": token})
        assert response.status_code == 302
        assert "is verwijderd" in client.get(response.headers["Location"]).get_data(as_text=True)
        with absence_app.app_context():
            assert db.session.get(Absence, absence_id) is None
            audit = db.session.scalars(
                select(AuditEvent).where(AuditEvent.subject == "absence.delete")
            ).all()[-1]
            assert audit.team_id == team_id and audit.detail["absence_id"] == absence_id
            assert audit.appointment_id is None
