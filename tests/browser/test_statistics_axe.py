"""axe-core on the statistics page, in Dutch and Arabic (right to left), at desk width
and on a phone: the figures of the demo city, and a refused filter. No WCAG 2.1 A/AA
violation, no sideways scrolling at 320 px."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.timeutil import local_today, utcnow
from tests.browser.pages import AxeReport
from tests.browser.test_staff_axe import ADMIN, sign_in


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_statistics_pages(live_server, new_page, screenshots, language):
    today = local_today(utcnow())
    first, last = today - timedelta(days=7), today + timedelta(days=28)
    period = f"from={first.isoformat()}&to={last.isoformat()}"
    report = AxeReport(language, screenshots, "axe-statistics")
    page = new_page()
    sign_in(page, live_server, ADMIN, language)
    for width, name in ((1280, "desk"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(live_server(f"/medewerkers/statistiek/?{period}&per=week"))
        assert response.status == 200
        assert page.locator("table").count() >= 3
        report.check(page, f"statistics, {name}")
    response = page.goto(live_server("/medewerkers/statistiek/?from=2026-13-01&channel=fax"))
    assert response.status == 400
    report.check(page, "statistics, refused filter")
    report.assert_clean()
