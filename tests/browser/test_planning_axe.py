"""axe-core on the planners' pages, in Dutch and in Arabic (right to left): the planning
start page, the rota plans with a generated draft's report and week grid, its review
before publishing, a published plan that ended an older one (and the older one), team
settings, absences, opening hours, closures and services; and the notification list with
the news of that rota."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import OpeningSchedule, PlanStatus, RotaPlan, Service, StaffMember, Team
from portal.planning.publish_operations import publish_plan
from portal.planning.rota_data import generate_plan
from portal.timeutil import local_today, utcnow
from tests.browser.pages import AxeReport
from tests.browser.test_staff_axe import ADMIN, sign_in


def _published_over_the_demo(monday) -> tuple[int, int]:
    """A plan of the administrator's team from ``monday`` published over the demo's (made
    once): its id and the demo plan's, which it ends."""
    team = db.session.scalar(select(Team).where(Team.code == "centraal_onthaal"))
    older = db.session.scalar(
        select(RotaPlan.id).where(RotaPlan.team_id == team.id).order_by(RotaPlan.id)
    )
    newer = db.session.scalar(
        select(RotaPlan.id).where(RotaPlan.team_id == team.id, RotaPlan.id != older)
    )
    if newer is None:
        admin = db.session.scalar(select(StaffMember).where(StaffMember.email == ADMIN))
        plan = generate_plan(db.session, team, monday, 4, 35, admin, utcnow())
        publish_plan(db.session, plan, {}, "", admin, utcnow(), BookingSettings.current())
        db.session.commit()
        assert plan.status == PlanStatus.PUBLISHED
        newer = plan.id
    return newer, older


def _draft_and_ids(live_server) -> dict:
    """A draft plan for Bevolking from next Monday and a published one over the demo's
    (made once), and the ids the pages need."""
    with live_server.app.app_context():
        today = local_today(utcnow())
        monday = today + timedelta(days=7 - today.weekday())
        team = db.session.scalar(select(Team).where(Team.code == "bevolking"))
        plan = db.session.scalar(select(RotaPlan).where(RotaPlan.status == "draft"))
        if plan is None:
            plan = generate_plan(db.session, team, monday, 4, 35, None, utcnow())
            db.session.commit()
        newer, older = _published_over_the_demo(monday)
        return {
            "newer": newer,
            "older": older,
            "plan": plan.id,
            "team": team.id,
            "schedule": db.session.scalar(select(OpeningSchedule.id).limit(1)),
            "service": db.session.scalar(select(Service.id).where(Service.team_id == team.id)),
        }


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_planning_pages(live_server, new_page, screenshots, language):
    """Every planner page has no WCAG 2.1 A/AA violation and reflows at 320 px."""
    ids = _draft_and_ids(live_server)
    report = AxeReport(language, screenshots, "axe-planning")
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, ADMIN, language)
    for name, path in [
        ("planning", "/medewerkers/planning"),
        ("plans", "/medewerkers/planning/beurtrol"),
        ("new plan", "/medewerkers/planning/beurtrol/nieuw"),
        ("plan", f"/medewerkers/planning/beurtrol/{ids['plan']}"),
        ("publish", f"/medewerkers/planning/beurtrol/{ids['plan']}/publiceren"),
        ("discard", f"/medewerkers/planning/beurtrol/{ids['plan']}/verwerpen"),
        ("published plan", f"/medewerkers/planning/beurtrol/{ids['newer']}"),
        ("ended plan", f"/medewerkers/planning/beurtrol/{ids['older']}"),
        ("published review", f"/medewerkers/planning/beurtrol/{ids['newer']}/publiceren"),
        ("notifications", "/medewerkers/dossiers/meldingen"),
        ("team settings", f"/medewerkers/planning/team/{ids['team']}"),
        ("absences", "/medewerkers/planning/afwezigheden"),
        ("new absence", "/medewerkers/planning/afwezigheden/nieuw"),
        ("opening hours", "/medewerkers/planning/openingsuren"),
        ("edit hours", f"/medewerkers/planning/openingsuren/{ids['schedule']}"),
        ("closures", "/medewerkers/planning/sluitingsdagen"),
        ("new closure", "/medewerkers/planning/sluitingsdagen/nieuw"),
        ("services", "/medewerkers/planning/diensten"),
        ("edit service", f"/medewerkers/planning/diensten/{ids['service']}"),
    ]:
        response = page.goto(live_server(path))
        assert response.status == 200, f"{name}: {response.status}"
        report.check(page, name)
    report.assert_clean()
