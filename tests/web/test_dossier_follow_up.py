"""Planning a follow-up from a visit or a dossier: booking a time at once (end to end:
the visit lands with the chosen clerk inside the window, in the dossier), sending an
invitation, the form's refusals in Dutch, the team boundary (404) on every route, and
resending, extending and revoking an invitation."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.booking.contact import ContactDetails
from portal.booking.settings import BookingSettings
from portal.dossiers.follow_up_operations import FollowUpPlan, plan_follow_up
from portal.dossiers.operations import open_dossier
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Dossier,
    DossierSubject,
    FollowUp,
    OutboxMail,
    Service,
    StaffMember,
    Team,
)
from portal.timeutil import local_today, to_local
from tests.conftest import DEMO_NOW, DEMO_TODAY, own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import DEMO_EMAILS, signed_in

PLAN = "/medewerkers/dossiers/vervolg"
HUGE_ID = 99999999999
KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def fu_app(backend, tmp_path_factory):
    """The demo city with two kinds of dossier for Bevolking and one for Burgerlijke
    Stand, for these tests alone (they plan follow-ups)."""
    for app in own_demo_app(backend, tmp_path_factory, "dossier_follow_up"):
        with app.app_context():
            teams = {team.code: team.id for team in db.session.scalars(select(Team))}
            db.session.add_all(
                [
                    DossierSubject(
                        team_id=teams["bevolking"],
                        code="t-eid",
                        names={"nl": "Test eID-aanvraag", "en": "Test eID application"},
                        follow_up_after_days=21,
                        follow_up_window_days=14,
                    ),
                    DossierSubject(
                        team_id=teams["bevolking"],
                        code="t-paspoort",
                        names={"nl": "Paspoort"},
                        follow_up_after_days=7,
                        follow_up_window_days=10,
                        position=1,
                    ),
                    DossierSubject(
                        team_id=teams["burgerlijke_stand"],
                        code="t-huwelijk",
                        names={"nl": "Huwelijk"},
                        follow_up_after_days=0,
                        follow_up_window_days=30,
                    ),
                ]
            )
            db.session.commit()
        yield app


@pytest.fixture
def clerk(fu_app, frozen_clock):
    """The demo clerk of Bevolking, signed in."""
    return signed_in(fu_app, "clerk")


def _id(app, model, **where):
    with app.app_context():
        query = select(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def _member_id(app, role: str) -> int:
    return _id(app, StaffMember, email=DEMO_EMAILS[role])


def _service_id(app, code: str) -> int:
    return _id(app, Service, code=code)


def _free_visit(app, team_code: str) -> int:
    """A confirmed visit still to come of ``team_code``, not in any dossier."""
    with app.app_context():
        return db.session.scalar(
            select(Appointment.id)
            .join(StaffMember, StaffMember.id == Appointment.staff_id)
            .join(Team, Team.id == StaffMember.team_id)
            .where(
                Team.code == team_code,
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.starts_at > DEMO_NOW,
                Appointment.dossier_id.is_(None),
            )
            .order_by(Appointment.starts_at.desc(), Appointment.id)
        )


def _dossier(app, role_or_email: str, *, email: str | None = None, subject: str = "t-eid") -> int:
    """A new dossier owned by a demo account (or anyone by e-mail address)."""
    address = DEMO_EMAILS.get(role_or_email, role_or_email)
    with app.app_context():
        owner = db.session.scalar(select(StaffMember).where(StaffMember.email == address))
        found = db.session.scalar(
            select(DossierSubject).where(
                DossierSubject.team_id == owner.team_id, DossierSubject.code == subject
            )
        )
        contact = ContactDetails(name="Amina Testbewoner", email=email, phone=None, language="fr")
        dossier = open_dossier(
            db.session, owner=owner, subject=found, contact=contact, now=DEMO_NOW
        )
        db.session.commit()
        return dossier.id


def _burgerlijke_stand_member(app) -> str:
    with app.app_context():
        return db.session.scalar(
            select(StaffMember.email)
            .join(Team, Team.id == StaffMember.team_id)
            .where(Team.code == "burgerlijke_stand", StaffMember.active.is_(True))
            .order_by(StaffMember.id)
        )


def _invitation(app, dossier_id: int, *, days: int = 10) -> int:
    """An open invitation of the dossier, made by the operations."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        owner = dossier.owner
        service = owner.services[0]
        plan = FollowUpPlan(
            services=[service],
            persons=1,
            staff=owner,
            earliest=DEMO_TODAY + timedelta(days=1),
            latest=DEMO_TODAY + timedelta(days=days),
        )
        follow_up, _ = plan_follow_up(
            db.session,
            dossier,
            plan,
            invited=True,
            now=DEMO_NOW,
            settings=BookingSettings.current(),
        )
        db.session.commit()
        return follow_up.id


def _form(client, url: str, **values) -> dict:
    """The plan form's values as a browser sends them (CSRF from the page)."""
    page = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_of(page),
        "request_key": secrets.token_hex(16),
        "persons": "1",
        "kind": "counter",
        "action": "book",
        "earliest": "",
        "latest": "",
    }
    data.update({k: v for k, v in values.items() if v is not None})
    return data


def _count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


# ------------------------------------------------------------------------ book now


def test_visit_page_offers_a_dossier_and_a_follow_up(fu_app, clerk):
    visit_id = _free_visit(fu_app, "bevolking")
    page = clerk.get(f"/medewerkers/bezoek/{visit_id}").get_data(as_text=True)
    assert f"{PLAN}?visit={visit_id}" in page
    assert f"/medewerkers/dossiers/nieuw?visit={visit_id}" in page


def test_the_plan_form_starts_with_the_services_of_the_visit_it_follows(fu_app, clerk):
    visit_id = _free_visit(fu_app, "bevolking")
    with fu_app.app_context():
        service_ids = [s.id for s in db.session.get(Appointment, visit_id).services]
    page = clerk.get(f"{PLAN}?visit={visit_id}").get_data(as_text=True)
    for service_id in service_ids:
        assert f'value="{service_id}" id="service-{service_id}" checked' in page
    assert page.count(" checked") >= len(service_ids) >= 1


def test_book_now_from_a_visit_end_to_end(fu_app, clerk):
    visit_id = _free_visit(fu_app, "bevolking")
    dirk = _member_id(fu_app, "clerk")
    url = f"{PLAN}?visit={visit_id}"
    page = clerk.get(url)
    assert page.status_code == 200
    assert "Test eID-aanvraag" in page.get_data(as_text=True)
    data = _form(
        clerk,
        url,
        subject=str(_id(fu_app, DossierSubject, code="t-eid")),
        services=str(_service_id(fu_app, "eid-afhalen")),
        staff=str(dirk),
        request_key=KEY,
    )
    response = clerk.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with fu_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        dossier = db.session.get(Dossier, visit.dossier_id)
        follow_up = dossier.follow_ups[-1]
        assert dossier.owner_id == dirk
        assert dossier.resident_name == visit.resident_name
        assert not follow_up.invited and follow_up.token_hash is None
        assert follow_up.earliest == DEMO_TODAY + timedelta(days=21)
        assert follow_up.latest == follow_up.earliest + timedelta(days=13)
        follow_up_id, dossier_id = follow_up.id, dossier.id
    assert response.headers["Location"].endswith(f"/vervolg/{follow_up_id}/tijd")
    # The same form sent again plans nothing new.
    again = clerk.post(url, data=data)
    assert again.status_code == 302
    assert _count(fu_app, FollowUp, dossier_id=dossier_id) == 1

    times = clerk.get(f"/medewerkers/dossiers/vervolg/{follow_up_id}/tijd")
    assert times.status_code == 200
    html = times.get_data(as_text=True)
    starts = re.findall(r'name="start" value="([^"]+)"', html)
    assert starts, html
    day = re.search(r'name="day" value="([^"]+)"', html).group(1)
    booking = {"csrf_token": csrf_of(html), "start": starts[0], "day": day}
    booked = clerk.post(f"/medewerkers/dossiers/vervolg/{follow_up_id}/tijd", data=booking)
    assert booked.status_code == 302, booked.get_data(as_text=True)
    assert booked.headers["Location"].endswith(f"/medewerkers/dossiers/{dossier_id}")
    # A double submit books one visit.
    twice = clerk.post(f"/medewerkers/dossiers/vervolg/{follow_up_id}/tijd", data=booking)
    assert twice.status_code == 302
    with fu_app.app_context():
        visits = db.session.scalars(
            select(Appointment).where(Appointment.follow_up_id == follow_up_id)
        ).all()
        assert len(visits) == 1
        visit = visits[0]
        follow_up = db.session.get(FollowUp, follow_up_id)
        assert visit.staff_id == dirk
        assert visit.dossier_id == dossier_id
        assert visit.status == AppointmentStatus.CONFIRMED
        assert follow_up.earliest <= to_local(visit.starts_at).date() <= follow_up.latest
        assert follow_up.used_at is not None
        if visit.email:
            assert _count(fu_app, OutboxMail, appointment_id=visit.id) >= 1
        subjects = set(
            db.session.scalars(
                select(AuditEvent.subject).where(AuditEvent.reference == dossier.reference)
            )
        )
        assert {"dossier.open", "dossier.follow_up"} <= subjects
        reference = visit.reference
    # The dossier page lists the follow-up with the visit it booked.
    dossier_page = clerk.get(f"/medewerkers/dossiers/{dossier_id}")
    assert dossier_page.status_code == 200
    assert f"Afspraak {reference}" in dossier_page.get_data(as_text=True)


def test_back_office_time_is_booked_into_back_office_shifts_without_mail(fu_app, clerk):
    dossier_id = _dossier(fu_app, "clerk", email="bewoner@example.org")
    url = f"{PLAN}?dossier={dossier_id}"
    data = _form(
        clerk,
        url,
        services=str(_service_id(fu_app, "eid-aanvragen")),
        staff=str(_member_id(fu_app, "clerk")),
        kind="back_office",
        earliest=(DEMO_TODAY + timedelta(days=1)).isoformat(),
        latest=(DEMO_TODAY + timedelta(days=14)).isoformat(),
    )
    response = clerk.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    times_url = response.headers["Location"]
    html = clerk.get(times_url).get_data(as_text=True)
    start = re.search(r'name="start" value="([^"]+)"', html).group(1)
    booked = clerk.post(times_url, data={"csrf_token": csrf_of(html), "start": start})
    assert booked.status_code == 302
    with fu_app.app_context():
        visit = db.session.scalar(select(Appointment).where(Appointment.dossier_id == dossier_id))
        assert visit.counter_id is None
        assert visit.reminder_sent_at is not None  # no reminder for the resident either
        assert _count(fu_app, OutboxMail, appointment_id=visit.id) == 0


# ------------------------------------------------------------------------- invite


def test_invitation_without_address_shows_the_link_once(fu_app, clerk):
    dossier_id = _dossier(fu_app, "clerk")
    url = f"{PLAN}?dossier={dossier_id}"
    page = clerk.get(url).get_data(as_text=True)
    # The dossier's subject gives the window.
    assert (DEMO_TODAY + timedelta(days=21)).isoformat() in page
    data = _form(
        clerk,
        url,
        services=str(_service_id(fu_app, "eid-afhalen")),
        staff="any",
        action="invite",
    )
    response = clerk.post(url, data=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    assert "geen e-mailadres" in html
    assert "/afspraak/uitnodiging/" in html
    with fu_app.app_context():
        follow_up = db.session.scalar(select(FollowUp).where(FollowUp.dossier_id == dossier_id))
        assert follow_up.invited and follow_up.token_hash
        assert follow_up.any_colleague
        assert follow_up.staff_id == _member_id(fu_app, "clerk")
        assert follow_up.sent_at is not None
    # The link works for the resident's page (the token is the credential).
    token = re.search(r"/afspraak/uitnodiging/([A-Za-z0-9_-]+)", html).group(1)
    with fu_app.app_context():
        from portal.dossiers.follow_up_operations import find_invitation

        assert find_invitation(db.session, token).id == follow_up.id


def test_invitation_with_an_address_is_mailed_and_the_link_stays_hidden(fu_app, clerk):
    dossier_id = _dossier(fu_app, "clerk", email="amina@example.org")
    url = f"{PLAN}?dossier={dossier_id}"
    earliest = DEMO_TODAY + timedelta(days=3)
    data = _form(
        clerk,
        url,
        services=str(_service_id(fu_app, "eid-afhalen")),
        staff=str(_member_id(fu_app, "clerk")),
        action="invite",
        earliest=earliest.isoformat(),
        latest=(earliest + timedelta(days=30)).isoformat(),
    )
    response = clerk.post(url, data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "amina@example.org" in html
    assert "/afspraak/uitnodiging/" not in html
    with fu_app.app_context():
        follow_up = db.session.scalar(select(FollowUp).where(FollowUp.dossier_id == dossier_id))
        assert follow_up.invited and not follow_up.any_colleague
        assert (follow_up.earliest, follow_up.latest) == (earliest, earliest + timedelta(days=30))
    # Sending the same form again makes no second invitation.
    again = clerk.post(url, data=data)
    assert again.status_code == 302
    assert _count(fu_app, FollowUp, dossier_id=dossier_id) == 1


def test_admin_invites_for_an_invitation_only_service_of_another_team(fu_app, frozen_clock):
    admin = signed_in(fu_app, "admin")
    visit_id = _free_visit(fu_app, "andere_nationaliteiten")
    url = f"{PLAN}?visit={visit_id}"
    page = admin.get(url).get_data(as_text=True)
    assert "alleen op uitnodiging" in page
    with fu_app.app_context():
        subject_id = db.session.scalar(
            select(DossierSubject.id)
            .join(Team, Team.id == DossierSubject.team_id)
            .where(Team.code == "andere_nationaliteiten", DossierSubject.active.is_(True))
        )
    if subject_id is None:
        pytest.skip("the demo has no kind of dossier for Andere Nationaliteiten")
    data = _form(
        admin,
        url,
        subject=str(subject_id),
        services=str(_service_id(fu_app, "verblijfskaart-afhalen")),
        staff="any",
        action="invite",
    )
    response = admin.post(url, data=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    with fu_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        dossier = db.session.get(Dossier, visit.dossier_id)
        assert dossier.owner_id == visit.staff_id  # the admin works for no such team
        follow_up = dossier.follow_ups[-1]
        assert follow_up.service_ids == [_service_id(fu_app, "verblijfskaart-afhalen")]
        assert follow_up.any_colleague and follow_up.invited


def _planned(app, dossier_id: int) -> int:
    """A follow-up to book at once, window tomorrow for two weeks, with its owner."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        plan = FollowUpPlan(
            services=[db.session.scalar(select(Service).where(Service.code == "eid-afhalen"))],
            persons=1,
            staff=dossier.owner,
            earliest=DEMO_TODAY + timedelta(days=1),
            latest=DEMO_TODAY + timedelta(days=14),
        )
        follow_up, _ = plan_follow_up(
            db.session,
            dossier,
            plan,
            invited=False,
            now=DEMO_NOW,
            settings=BookingSettings.current(),
        )
        db.session.commit()
        return follow_up.id


def test_time_page_refuses_bad_days_and_times(fu_app, clerk):
    follow_up_id = _planned(fu_app, _dossier(fu_app, "clerk"))
    url = f"/medewerkers/dossiers/vervolg/{follow_up_id}/tijd"
    for day in ("gisteren", "2026-12-07x", "2026-12-01", "2027-06-01"):
        response = clerk.get(f"{url}?day={day}")
        assert response.status_code == 422, day
        assert 'class="error-summary"' in response.get_data(as_text=True)
    token = csrf_of(clerk.get(url).get_data(as_text=True))
    outside = "2027-03-01T10:00:00+01:00"
    for start, status in (("", 422), ("morgen", 422), (outside, 409), ("9999-12-31T23:59", 422)):
        response = clerk.post(url, data={"csrf_token": token, "start": start})
        assert response.status_code == status, start
    response = clerk.post(url, data={"csrf_token": token, "start": outside, "staff_id": "1"})
    assert response.status_code == 422  # no choice of clerk for a follow-up with one clerk
    assert _count(fu_app, Appointment, follow_up_id=follow_up_id) == 0


def test_a_revoked_follow_up_cannot_be_booked(fu_app, clerk):
    dossier_id = _dossier(fu_app, "clerk")
    follow_up_id = _planned(fu_app, dossier_id)
    url = f"/medewerkers/dossiers/vervolg/{follow_up_id}/tijd"
    html = clerk.get(url).get_data(as_text=True)
    start = re.search(r'name="start" value="([^"]+)"', html).group(1)
    token = csrf_of(html)
    revoked = clerk.post(
        f"/medewerkers/dossiers/uitnodiging/{follow_up_id}/revoke", data={"csrf_token": token}
    )
    assert revoked.status_code == 302
    response = clerk.post(url, data={"csrf_token": token, "start": start})
    assert response.status_code == 409
    assert _count(fu_app, Appointment, follow_up_id=follow_up_id) == 0


def test_a_closed_dossier_plans_nothing(fu_app, clerk):
    dossier_id = _dossier(fu_app, "clerk")
    with fu_app.app_context():
        from portal.dossiers.operations import set_status
        from portal.models import DossierStatus

        set_status(
            db.session,
            db.session.get(Dossier, dossier_id),
            DossierStatus.CLOSED,
            DEMO_NOW,
            outcome="klaar",
        )
        db.session.commit()
    response = clerk.get(f"{PLAN}?dossier={dossier_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/medewerkers/dossiers/{dossier_id}")


# --------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"earliest": "2026-12-20", "latest": "2026-12-10"}, "vóór de vroegste datum"),
        ({"earliest": "2026-11-01", "latest": "2026-11-10"}, "in het verleden"),
        ({"earliest": "2026-12-10", "latest": "2028-01-10"}, "hoogstens een jaar"),
        ({"earliest": "2026-13-45"}, "niet lezen"),
        ({"latest": "morgen"}, "niet lezen"),
        ({"services": None}, "Kies minstens één dienst"),
        ({"services": "rijbewijs"}, "mag deze diensten niet afhandelen"),
        ({"services": "geboorteaangifte"}, "Kies alleen diensten van team"),
        ({"services": str(HUGE_ID)}, "Kies alleen diensten van team"),
        ({"staff": str(HUGE_ID)}, "Kies een medewerker uit de lijst"),
        ({"staff": "-1"}, "Kies een medewerker uit de lijst"),
        ({"persons": "abc"}, "aantal personen"),
        ({"persons": "6"}, "hoogstens"),
        ({"kind": "back_office", "action": "invite"}, "Backofficetijd boekt u meteen"),
        ({"kind": "elders"}, "Kies het soort afspraak"),
        ({"action": "iets"}, "nu een tijdstip boekt"),
    ],
)
def test_bad_plans_are_refused_in_dutch_and_nothing_is_planned(fu_app, clerk, changes, message):
    dossier_id = _dossier(fu_app, "clerk")
    url = f"{PLAN}?dossier={dossier_id}"
    values = {"services": "eid-afhalen", "staff": str(_member_id(fu_app, "clerk")), **changes}
    if values["services"] and not values["services"].isdigit():
        values["services"] = str(_service_id(fu_app, values["services"]))
    response = clerk.post(url, data=_form(clerk, url, **values))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html.replace("&#39;", "'")
    assert 'class="error-summary"' in html
    assert _count(fu_app, FollowUp, dossier_id=dossier_id) == 0


def test_a_new_dossier_needs_a_subject(fu_app, clerk):
    visit_id = _free_visit(fu_app, "bevolking")
    url = f"{PLAN}?visit={visit_id}"
    data = _form(
        clerk, url, services=str(_service_id(fu_app, "eid-afhalen")), staff="any", subject="999"
    )
    response = clerk.post(url, data=data)
    assert response.status_code == 422
    assert "Kies een soort dossier" in response.get_data(as_text=True)
    with fu_app.app_context():
        assert db.session.get(Appointment, visit_id).dossier_id is None


# ------------------------------------------------------------------ team boundary


def test_another_teams_visit_dossier_and_follow_up_read_as_missing(fu_app, clerk):
    other_visit = _free_visit(fu_app, "burgerlijke_stand")
    other_dossier = _dossier(fu_app, _burgerlijke_stand_member(fu_app), subject="t-huwelijk")
    other_follow_up = _invitation(fu_app, other_dossier)
    token = csrf_of(
        clerk.get(PLAN + f"?dossier={_dossier(fu_app, 'clerk')}").get_data(as_text=True)
    )
    for url in (
        f"{PLAN}?visit={other_visit}",
        f"{PLAN}?dossier={other_dossier}",
        f"{PLAN}?dossier={HUGE_ID}",
        f"{PLAN}?visit=abc",
        PLAN,
        f"/medewerkers/dossiers/vervolg/{other_follow_up}/tijd",
        f"/medewerkers/dossiers/vervolg/{HUGE_ID}/tijd",
    ):
        assert clerk.get(url).status_code == 404, url
    for action in ("resend", "extend", "revoke"):
        url = f"/medewerkers/dossiers/uitnodiging/{other_follow_up}/{action}"
        assert clerk.post(url, data={"csrf_token": token}).status_code == 404
    unknown = f"/medewerkers/dossiers/uitnodiging/{other_follow_up}/delete"
    assert clerk.post(unknown, data={"csrf_token": token}).status_code == 404
    with fu_app.app_context():
        assert db.session.get(FollowUp, other_follow_up).revoked_at is None


def test_an_invitation_has_no_staff_booking_page(fu_app, clerk):
    follow_up_id = _invitation(fu_app, _dossier(fu_app, "clerk"))
    assert clerk.get(f"/medewerkers/dossiers/vervolg/{follow_up_id}/tijd").status_code == 404


# ------------------------------------------------------------- invitation actions


def test_resend_extend_and_revoke(fu_app, clerk):
    dossier_id = _dossier(fu_app, "clerk")
    follow_up_id = _invitation(fu_app, dossier_id)
    base = f"/medewerkers/dossiers/uitnodiging/{follow_up_id}"
    dossier_page = clerk.get(f"/medewerkers/dossiers/{dossier_id}").get_data(as_text=True)
    for action in ("resend", "extend", "revoke"):
        assert f"{base}/{action}" in dossier_page
    token = csrf_of(clerk.get(f"{PLAN}?dossier={dossier_id}").get_data(as_text=True))

    resent = clerk.post(f"{base}/resend", data={"csrf_token": token})
    assert resent.status_code == 200  # no address: the link is shown again
    assert "/afspraak/uitnodiging/" in resent.get_data(as_text=True)

    new_latest = DEMO_TODAY + timedelta(days=40)
    extended = clerk.post(
        f"{base}/extend", data={"csrf_token": token, "latest": new_latest.isoformat()}
    )
    assert extended.status_code == 302
    for bad in ("", "gisteren", "2026-12-01", "2029-01-01"):
        refused = clerk.post(f"{base}/extend", data={"csrf_token": token, "latest": bad})
        assert refused.status_code == 422, bad
        assert 'class="error-summary"' in refused.get_data(as_text=True)
    with fu_app.app_context():
        follow_up = db.session.get(FollowUp, follow_up_id)
        assert follow_up.latest == new_latest
        assert follow_up.state(DEMO_NOW).value == "open"

    revoked = clerk.post(f"{base}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 302
    with fu_app.app_context():
        assert db.session.get(FollowUp, follow_up_id).state(DEMO_NOW).value == "revoked"
    # A revoked invitation is not sent again.
    clerk.post(f"{base}/resend", data={"csrf_token": token})
    with fu_app.app_context():
        subjects = list(
            db.session.scalars(
                select(AuditEvent.subject).where(
                    AuditEvent.subject.like("dossier.invitation_%"),
                    AuditEvent.team_id == db.session.get(Dossier, dossier_id).team_id,
                )
            )
        )
    assert subjects.count("dossier.invitation_resend") >= 1
    assert "dossier.invitation_extend" in subjects
    assert "dossier.invitation_revoke" in subjects
    assert local_today(DEMO_NOW) == DEMO_TODAY


def test_actions_partial_renders_for_the_dossier(fu_app, clerk):
    """The partial the dossier page includes: plan link and per-invitation forms."""
    dossier_id = _dossier(fu_app, "clerk")
    follow_up_id = _invitation(fu_app, dossier_id)
    with fu_app.test_request_context():
        from flask import render_template_string
        from flask_login import login_user

        with fu_app.app_context():
            dossier = db.session.get(Dossier, dossier_id)
            login_user(dossier.owner)
            html = render_template_string(
                '{% include "dossiers/_follow_up_actions.html" %}',
                dossier=dossier,
                follow_ups=dossier.follow_ups,
                now=DEMO_NOW,
                closing_by=DEMO_TODAY + timedelta(days=3),
                language="nl",
            )
    assert f"{PLAN}?dossier={dossier_id}" in html
    for action in ("resend", "extend", "revoke"):
        assert f"/medewerkers/dossiers/uitnodiging/{follow_up_id}/{action}" in html


def test_pages_render_in_arabic(fu_app, clerk):
    dossier_id = _dossier(fu_app, "clerk")
    follow_up_id = _planned(fu_app, dossier_id)
    for url in (
        f"{PLAN}?dossier={dossier_id}&lang=ar",
        f"{PLAN}?visit={_free_visit(fu_app, 'bevolking')}&lang=ar",
        f"/medewerkers/dossiers/vervolg/{follow_up_id}/tijd?lang=ar",
    ):
        response = clerk.get(url)
        assert response.status_code == 200, url
        assert 'dir="rtl"' in response.get_data(as_text=True)
