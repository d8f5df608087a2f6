"""axe-core on the resident's invitation pages (days, times, confirm, done, already used)
in Dutch and Arabic (right to left): no WCAG 2.1 A or AA violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking.contact import ContactDetails
from portal.booking.settings import BookingSettings
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.extensions import db
from portal.models import DossierSubject, StaffMember
from portal.timeutil import local_today, utcnow
from tests.browser.pages import AxeReport
from tests.web.staff_helpers import DEMO_EMAILS


def _invitation(live, language: str) -> str:
    """A new invitation of the demo's Bevolking clerk, two to three weeks ahead; its path."""
    with live.app.app_context():
        clerk = db.session.scalar(
            select(StaffMember).where(StaffMember.email == DEMO_EMAILS["clerk"])
        )
        service = next(s for s in clerk.services if s.active and s.channel == "counter")
        subject = db.session.scalar(
            select(DossierSubject).where(DossierSubject.team_id == clerk.team_id)
        )
        if subject is None:
            subject = DossierSubject(
                team_id=clerk.team_id, code="axe", names={"nl": "eID-aanvraag", "ar": "الهوية"}
            )
            db.session.add(subject)
            db.session.flush()
        now = utcnow()
        contact = ContactDetails(name="Axe Bewoner", email="axe@example.org", language=language)
        dossier = ops.open_dossier(
            db.session, owner=clerk, subject=subject, contact=contact, now=now
        )
        today = local_today(now)
        plan = follow_ops.FollowUpPlan(
            services=[service],
            persons=1,
            staff=clerk,
            earliest=today + timedelta(days=14),
            latest=today + timedelta(days=24),
        )
        _follow_up, token = follow_ops.plan_follow_up(
            db.session,
            dossier,
            plan,
            invited=True,
            now=now,
            settings=BookingSettings.from_config(live.app.config),
        )
        db.session.commit()
    return f"/afspraak/uitnodiging/{token}"


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_invitation_pages(live_server, new_page, language):
    path = _invitation(live_server, language)
    report = AxeReport(language, prefix="invitation")
    page = new_page()
    page.goto(live_server(path + f"?lang={language}"))
    assert page.evaluate("() => document.documentElement.dir") == (
        "rtl" if language == "ar" else "ltr"
    )
    report.check(page, "invitation days")
    page.locator("td.free a").first.click()
    report.check(page, "invitation times")
    page.locator("input[name=start]").first.check()
    page.locator("form button.primary").click()
    assert page.url.endswith("/bevestigen")
    report.check(page, "invitation confirm")
    page.locator(f"form[action='{path}/bevestigen'] button.primary").click()
    assert page.url.endswith("/afspraak/uitnodiging/klaar")
    report.check(page, "invitation done")
    page.goto(live_server(path))
    report.check(page, "invitation already used")
    report.assert_clean()
