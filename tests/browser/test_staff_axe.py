"""axe-core on the pages of the staff workspace, in Dutch (the staff's language) and in
Arabic (right to left): no WCAG 2.1 A or AA violation, no sideways scrolling at 320 px."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus
from portal.timeutil import utcnow
from tests.browser.pages import AxeReport

ADMIN = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "admin")


def sign_in(page, live_server, email: str, language: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto(live_server(f"/medewerkers/aanmelden?lang={language}"))
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button.primary").click()
    page.wait_for_url("**/medewerkers/")


def _upcoming_visit(live_server) -> int:
    """A confirmed visit still to come (the pages that move or cancel need one)."""
    with live_server.app.app_context():
        return db.session.scalar(
            select(Appointment.id)
            .where(
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.starts_at > utcnow(),
            )
            .order_by(Appointment.starts_at)
            .limit(1)
        )


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_staff_pages(live_server, new_page, screenshots, language):
    """Sign-in, start page, today, calendar, search, waiting room, booking on behalf,
    the calendar feed, the audit trail, a visit with its move and cancel pages, its
    check-in slip, and the call display (also in four languages with the chime)."""
    report = AxeReport(language, screenshots, "axe-staff")
    page = new_page()
    # Staff work on desk screens; the reflow check still tries 320 pixels.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_server(f"/medewerkers/aanmelden?lang={language}"))
    report.check(page, "sign-in")
    sign_in(page, live_server, ADMIN, language)
    report.check(page, "start page")
    visit_id = _upcoming_visit(live_server)
    for name, path in [
        ("today", "/medewerkers/vandaag"),
        ("calendar", "/medewerkers/agenda"),
        ("search", "/medewerkers/zoeken?q=an"),
        ("waiting room", "/medewerkers/wachtzaal"),
        ("book on behalf", "/medewerkers/afspraak-maken"),
        ("calendar feed", "/medewerkers/agenda-abonnement"),
        ("audit trail", "/medewerkers/audit"),
        ("visit", f"/medewerkers/bezoek/{visit_id}"),
        ("move", f"/medewerkers/bezoek/{visit_id}/verplaatsen"),
        ("cancel", f"/medewerkers/bezoek/{visit_id}/annuleren"),
        ("check-in slip", f"/medewerkers/afspraak/{visit_id}/volgnummer"),
        ("call display", "/medewerkers/oproepscherm"),
        ("call display, four languages", "/medewerkers/oproepscherm?talen=ar,fr,en&gong=1"),
    ]:
        response = page.goto(live_server(path))
        assert response.status == 200, f"{name}: {response.status}"
        if name == "calendar":
            page.wait_for_selector(".ec", state="attached")
        report.check(page, name)
    report.assert_clean()
