"""axe-core on the interpreters' list and on the team settings page with its language
counts, in the site's eight languages (Arabic right to left): no WCAG 2.1 A/AA violation,
no sideways scrolling at 320 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.demo.data import DEMO_ACCOUNTS
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Team
from portal.timeutil import local_today, utcnow
from tests.browser.pages import AxeReport
from tests.browser.test_staff_axe import sign_in

PLANNER = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "planner")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_interpreter_pages(live_server, new_page, screenshots, language):
    """The list (the planner's team, four weeks), a period with nothing to list, a
    refused filter, and the team settings with the counts and their buttons."""
    with live_server.app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.code == "bevolking"))
    # Before the demo's visits: nothing to list.
    long_ago = (local_today(utcnow()) - timedelta(days=400)).isoformat()
    report = AxeReport(language, screenshots, "axe-interpreters")
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, PLANNER, language)
    for name, path, status in [
        ("interpreters", "/medewerkers/tolken/", 200),
        ("interpreters, empty", f"/medewerkers/tolken/?from={long_ago}&to={long_ago}", 200),
        ("interpreters, refused", "/medewerkers/tolken/?from=2026-13-01", 400),
        ("team settings", f"/medewerkers/planning/team/{team_id}", 200),
    ]:
        response = page.goto(live_server(path))
        assert response.status == status, f"{name}: {response.status}"
        report.check(page, name)
    report.assert_clean()
