"""axe-core on every page of the dossier work, in Dutch and in Arabic (right to left):
the clerk's dossiers, a new dossier, the dossier page, planning a follow-up (book now and
its time page; an invitation and its sent page), extending an invitation, the
notifications, Today with "my visits", the visit page with its dossier section, and the
planners' dossier types and team settings (reserved capacity). No WCAG 2.1 A or AA
violation, no sideways scrolling at 320 px.

The walk also keeps full-page screenshots at phone width (390 px) and desk width
(1280 px) under ``test-artifacts/screenshots/dossiers/``, the resident's invitation pages
included (their axe test is test_invitation_axe.py), for a person to look at.

The dossiers come from the operations here, not from the demo data: the fixture opens one
for the demo clerk of Bevolking from one of her visits, with a note, an open invitation
and a notification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking.contact import ContactDetails
from portal.booking.settings import BookingSettings
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    DossierSubject,
    NotificationKind,
    StaffMember,
    Team,
)
from portal.timeutil import local_today, utcnow
from tests.browser.pages import AxeReport, screenshot
from tests.browser.test_staff_axe import sign_in
from tests.web.staff_helpers import DEMO_EMAILS

PHONE, DESK = 390, 1280


@dataclass(frozen=True)
class DossierIds:
    """What the pages need: the dossier (and its reference), its first visit, its open
    invitation (and its resident link), the clerk's team, and a subject of that team."""

    dossier: int
    reference: str
    visit: int
    follow_up: int
    invitation_path: str
    team: int
    subject: int


def _clerk_visit(clerk: StaffMember, now) -> Appointment:
    """A confirmed visit of the clerk's own, today if she has one, else the next."""
    query = (
        select(Appointment)
        .where(
            Appointment.staff_id == clerk.id,
            Appointment.status == AppointmentStatus.CONFIRMED,
            Appointment.dossier_id.is_(None),
            Appointment.starts_at > now - timedelta(hours=12),
        )
        .order_by(Appointment.starts_at)
    )
    visit = db.session.scalars(query).first()
    assert visit is not None, "the demo clerk has no visit to open a dossier from"
    return visit


def _subject(team_id: int) -> DossierSubject:
    """A dossier subject of the team (made when the demo has none yet)."""
    subject = db.session.scalar(
        select(DossierSubject).where(DossierSubject.team_id == team_id).order_by(DossierSubject.id)
    )
    if subject is None:
        subject = DossierSubject(
            team_id=team_id,
            code="axe-dossier",
            names={"nl": "eID-aanvraag", "ar": "طلب بطاقة الهوية الإلكترونية"},
        )
        db.session.add(subject)
        db.session.flush()
    return subject


@pytest.fixture(scope="module")
def ids(live_server) -> DossierIds:
    """A dossier of the demo clerk of Bevolking, opened from one of her visits, with a
    note, an open invitation and a notification (a resident moved the visit)."""
    with live_server.app.app_context():
        now = utcnow()
        today = local_today(now)
        clerk = db.session.scalar(
            select(StaffMember).where(StaffMember.email == DEMO_EMAILS["clerk"])
        )
        subject = _subject(clerk.team_id)
        visit = _clerk_visit(clerk, now)
        dossier = ops.open_dossier(
            db.session,
            owner=clerk,
            subject=subject,
            contact=ContactDetails.kept_by(visit),
            now=now,
            due_on=today,
            from_visit=visit,
        )
        ops.add_note(
            db.session,
            dossier,
            clerk,
            "Attest van woonst ontbreekt nog; politiecontrole aangevraagd op 02/12.",
            now,
        )
        service = next(s for s in clerk.services if s.active and s.channel == "counter")
        plan = follow_ops.FollowUpPlan(
            services=[service],
            persons=1,
            staff=clerk,
            earliest=today + timedelta(days=14),
            latest=today + timedelta(days=24),
        )
        follow_up, token = follow_ops.plan_follow_up(
            db.session,
            dossier,
            plan,
            invited=True,
            now=now,
            settings=BookingSettings.from_config(live_server.app.config),
        )
        ops.tell_owner(
            db.session,
            visit,
            NotificationKind.MOVED,
            now,
            detail={"from": (visit.starts_at - timedelta(days=1)).isoformat()},
        )
        db.session.commit()
        return DossierIds(
            dossier=dossier.id,
            reference=dossier.reference,
            visit=visit.id,
            follow_up=follow_up.id,
            invitation_path=f"/afspraak/uitnodiging/{token}",
            team=clerk.team_id,
            subject=subject.id,
        )


@pytest.fixture
def shots(screenshots):
    """The folder of this walk's screenshots (``…/screenshots/dossiers``)."""
    folder = screenshots / "dossiers"
    folder.mkdir(exist_ok=True)
    return folder


def shoot(page, folder, language: str, name: str) -> None:
    """Full-page screenshots of the page as it is, at phone and at desk width."""
    size = page.viewport_size
    for width in (PHONE, DESK):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, folder, f"{language}-{name}-{width}")
    page.set_viewport_size(size)


def _visit(page, live_server, report: AxeReport, name: str, path: str) -> None:
    """Open ``path``: it answers 200 and passes axe."""
    response = page.goto(live_server(path))
    assert response.status == 200, f"{name}: {response.status}"
    report.check(page, name)


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_dossier_pages(live_server, new_page, shots, ids, language):
    """The clerk's walk through the dossier pages, with a follow-up booked now and one
    sent as an invitation."""
    report = AxeReport(language)
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, DEMO_EMAILS["clerk"], language)
    if language == "ar":
        assert page.evaluate("() => document.documentElement.dir") == "rtl"

    _visit(page, live_server, report, "my dossiers", "/medewerkers/dossiers/")
    shoot(page, shots, language, "my-dossiers")
    _visit(page, live_server, report, "team dossiers", "/medewerkers/dossiers/?wie=team")
    _visit(page, live_server, report, "new dossier", "/medewerkers/dossiers/nieuw")
    _visit(page, live_server, report, "dossier", f"/medewerkers/dossiers/{ids.dossier}")
    shoot(page, shots, language, "dossier")
    _visit(page, live_server, report, "notifications", "/medewerkers/dossiers/meldingen")
    shoot(page, shots, language, "notifications")
    _visit(page, live_server, report, "today, my visits", "/medewerkers/vandaag?wie=mij")
    _visit(page, live_server, report, "visit", f"/medewerkers/bezoek/{ids.visit}")
    assert page.locator(f"a[href$='/medewerkers/dossiers/{ids.dossier}']").count() >= 1
    shoot(page, shots, language, "visit")

    # Extending the open invitation with a day before its window shows the extend page.
    page.goto(live_server(f"/medewerkers/dossiers/{ids.dossier}"))
    extend = page.locator(f"#extend-{ids.follow_up}")
    extend.fill(local_today(utcnow()).replace(year=2020).isoformat())
    extend.locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/uitnodiging/{ids.follow_up}/extend")
    assert page.locator("#error-summary").count() == 1
    report.check(page, "extend invitation (error)")

    # Plan a follow-up: first "book now", on to the free times.
    form_path = f"/medewerkers/dossiers/vervolg?dossier={ids.dossier}"
    _visit(page, live_server, report, "follow-up form", form_path)
    shoot(page, shots, language, "follow-up-form")
    page.locator("input[name=services]").first.check()
    page.locator("button[name=action][value=book]").click()
    page.wait_for_url(re.compile(r"/vervolg/\d+/tijd"))
    report.check(page, "follow-up time")
    shoot(page, shots, language, "follow-up-time")

    # And as an invitation: the sent page.
    page.goto(live_server(form_path))
    page.locator("input[name=services]").first.check()
    page.locator("button[name=action][value=invite]").click()
    page.wait_for_load_state("load")
    assert ids.reference in page.locator("h1").inner_text()
    report.check(page, "follow-up sent")
    shoot(page, shots, language, "follow-up-sent")

    # A follow-up of a visit outside any dossier asks the subject too.
    loose = _free_visit(live_server)
    _visit(
        page, live_server, report, "visit follow-up", f"/medewerkers/dossiers/vervolg?visit={loose}"
    )
    report.assert_clean()


def _free_visit(live_server) -> int:
    """A confirmed visit of the clerk's team that is in no dossier yet."""
    with live_server.app.app_context():
        clerk = db.session.scalar(
            select(StaffMember).where(StaffMember.email == DEMO_EMAILS["clerk"])
        )
        return db.session.scalar(
            select(Appointment.id)
            .where(
                Appointment.filter_teams([clerk.team_id]),
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.dossier_id.is_(None),
                Appointment.starts_at > utcnow(),
            )
            .order_by(Appointment.starts_at)
            .limit(1)
        )


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_planning_dossier_pages(live_server, new_page, shots, ids, language):
    """The planner's dossier types (list, new, edit) and the team settings with the
    reserved capacity fields."""
    report = AxeReport(language)
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, DEMO_EMAILS["planner"], language)
    for name, path in [
        ("dossier types", "/medewerkers/planning/dossiertypes"),
        ("new dossier type", "/medewerkers/planning/dossiertypes/nieuw"),
        ("edit dossier type", f"/medewerkers/planning/dossiertypes/{ids.subject}"),
        ("team settings", f"/medewerkers/planning/team/{ids.team}"),
    ]:
        _visit(page, live_server, report, name, path)
    assert page.locator("input[name=reserved_percent]").count() == 1
    shoot(page, shots, language, "team-settings")
    report.assert_clean()


def _new_invitation(live_server, language: str) -> str:
    """Another open invitation of the clerk's dossier, in ``language``; its path."""
    with live_server.app.app_context():
        now = utcnow()
        today = local_today(now)
        clerk = db.session.scalar(
            select(StaffMember).where(StaffMember.email == DEMO_EMAILS["clerk"])
        )
        team = db.session.get(Team, clerk.team_id)
        subject = _subject(team.id)
        visit = db.session.get(Appointment, _free_visit(live_server))
        contact = ContactDetails.kept_by(visit)
        contact = replace(contact, language=language)
        dossier = ops.open_dossier(
            db.session, owner=clerk, subject=subject, contact=contact, now=now
        )
        service = next(s for s in clerk.services if s.active and s.channel == "counter")
        plan = follow_ops.FollowUpPlan(
            services=[service],
            persons=1,
            staff=clerk,
            earliest=today + timedelta(days=7),
            latest=today + timedelta(days=20),
        )
        _follow_up, token = follow_ops.plan_follow_up(
            db.session,
            dossier,
            plan,
            invited=True,
            now=now,
            settings=BookingSettings.from_config(live_server.app.config),
        )
        db.session.commit()
    return f"/afspraak/uitnodiging/{token}"


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_invitation_screenshots(live_server, new_page, shots, language):
    """The resident's invitation: days, times and review, photographed at phone and desk
    width (axe checks them in test_invitation_axe.py); the done page closes the walk."""
    path = _new_invitation(live_server, language)
    page = new_page()
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.goto(live_server(f"{path}?lang={language}"))
    shoot(page, shots, language, "invitation-days")
    page.locator("td.free a").first.click()
    page.wait_for_load_state("load")
    shoot(page, shots, language, "invitation-times")
    page.locator("input[name=start]").first.check()
    page.locator("form button.primary").click()
    page.wait_for_url("**/bevestigen")
    shoot(page, shots, language, "invitation-review")
    page.locator(f"form[action='{path}/bevestigen'] button.primary").click()
    page.wait_for_url("**/afspraak/uitnodiging/klaar")
    shoot(page, shots, language, "invitation-done")
