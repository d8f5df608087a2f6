"""axe-core on the statistics page, in Dutch and Arabic (right to left), at desk width
and on a phone: the figures of the demo city, and a refused filter. No WCAG 2.1 A/AA
violation, no sideways scrolling at 320 px.

The charts (portal/statistics/charts.py, static/js/statistics-charts.js): every charted
table with rows has its chart drawn (a Chart.js instance on a canvas of some size, one
point per plotted cell), right to left in Arabic; the browser reports no error and no
Content-Security-Policy violation; printed, the workspace around the figures is gone;
without scripts the page is its tables."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.statistics.charts import CHARTS
from portal.timeutil import local_today, utcnow
from tests.browser.pages import AxeReport
from tests.browser.test_staff_axe import ADMIN, sign_in

# Every document reports its policy violations to the test as they happen.
_WATCH_POLICY = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolation(`${location.pathname}: ${event.effectiveDirective} ${event.blockedURI}`);
});
"""
# What each table section of the page shows: its rows, and its chart as drawn.
_CHARTS = """() => [...document.querySelectorAll("section.stats-section")].map((section) => {
    const figure = section.querySelector("figure.stats-chart");
    const canvas = figure && figure.querySelector("canvas");
    const chart = canvas && window.Chart ? window.Chart.getChart(canvas) : null;
    const box = canvas ? canvas.getBoundingClientRect() : {width: 0, height: 0, right: 0, left: 0};
    return {
        name: section.querySelector("h2").id.replace("table-", ""),
        rows: section.querySelectorAll("tbody tr").length,
        figure: !!figure,
        shown: !!figure && !figure.hidden,
        width: box.width, height: box.height, left: box.left, right: box.right,
        label: canvas ? canvas.getAttribute("aria-label") : null,
        chart: !!chart,
        points: chart ? chart.data.datasets.reduce((sum, set) => sum + set.data.length, 0) : 0,
        series: chart ? chart.data.datasets.length : 0,
        rtl: chart ? chart.options.plugins.legend.rtl && chart.options.plugins.tooltip.rtl : null,
        direction: chart ? chart.options.plugins.legend.textDirection : null,
        reversed: chart ? !!chart.scales.x.options.reverse : null,
        locale: chart ? chart.options.locale : null,
        animated: chart ? chart.options.animation !== false : null,
    };
})"""


def _watch(page) -> list[str]:
    """Console errors, uncaught exceptions and policy violations of ``page``, as they come."""
    problems: list[str] = []

    def console(message) -> None:
        # Not a problem: the browser asks for /favicon.ico on its own (the portal has
        # none), and says so when a page answers 400 (a refused filter).
        url = message.location.get("url", "")
        if message.type != "error" or url.endswith("/favicon.ico") or url == page.url:
            return
        problems.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.context.expose_function("__cspViolation", lambda text: problems.append(f"csp: {text}"))
    page.context.add_init_script(_WATCH_POLICY)
    return problems


def assert_charts_drawn(page, language: str, where: str) -> None:
    """Each charted table with rows has its chart: shown, sized within the page, one
    point per plotted cell, in the page's language and direction."""
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    sections = page.evaluate(_CHARTS)
    names = {section["name"] for section in sections}
    assert set(CHARTS) <= names, f"{where}: tables without a section: {set(CHARTS) - names}"
    drawn = 0
    for section in sections:
        name, chart = section["name"], CHARTS.get(section["name"])
        if chart is None or not section["rows"]:
            assert not section["figure"], f"{where}: {name} has a chart but no figures"
            continue
        assert section["shown"] and section["chart"], f"{where}: {name} not drawn: {section}"
        assert section["width"] > 100 and section["height"] > 100, f"{where}: {name}: {section}"
        assert section["left"] >= 0 and section["right"] <= width + 1, f"{where}: {name} overflows"
        assert section["series"] == len(chart.columns)
        assert section["points"] == section["rows"] * len(chart.columns), f"{where}: {name}"
        assert section["label"] and section["label"].strip(), f"{where}: {name} has no label"
        assert section["locale"] == language and section["animated"] is False
        rtl = language == "ar"
        assert section["rtl"] is rtl, f"{where}: {name} rtl={section['rtl']}"
        assert section["direction"] == ("rtl" if rtl else "ltr")
        # Right to left, the periods and hours run from the right, and bars grow leftwards.
        assert section["reversed"] is rtl, f"{where}: {name} x axis reversed={section['reversed']}"
        drawn += 1
    assert drawn, f"{where}: no chart drawn at all"


def assert_printable(page, where: str) -> None:
    """In print, only the figures are left: no menu, no filter, no download links; each
    chart as wide as the page at most."""
    page.emulate_media(media="print")
    try:
        for hidden in (".staff-nav", "form.filters", ".stats-actions", ".stats-downloads"):
            assert not page.locator(hidden).first.is_visible(), f"{where}: {hidden} printed"
        assert page.locator("figure.stats-chart canvas").first.is_visible()
        width = page.viewport_size["width"]
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('figure.stats-chart canvas')]"
            ".map((canvas) => canvas.getBoundingClientRect().right)"
        )
        assert boxes and max(boxes) <= width + 1, f"{where}: a printed chart is too wide"
    finally:
        page.emulate_media(media="screen")


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_statistics_pages(live_server, new_page, screenshots, language):
    today = local_today(utcnow())
    first, last = today - timedelta(days=7), today + timedelta(days=28)
    period = f"from={first.isoformat()}&to={last.isoformat()}"
    report = AxeReport(language, screenshots, "axe-statistics")
    page = new_page()
    problems = _watch(page)
    sign_in(page, live_server, ADMIN, language)
    for width, name in ((1280, "desk"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(live_server(f"/medewerkers/statistiek/?{period}&per=week"))
        assert response.status == 200
        assert page.locator("table").count() >= 3
        assert_charts_drawn(page, language, name)
        report.check(page, f"statistics, {name}")
        # Drawn again after the reflow check's narrow screen, and still within the page.
        assert_charts_drawn(page, language, f"{name}, after 320 px")
        if width == 1280:
            assert_printable(page, name)
    response = page.goto(live_server("/medewerkers/statistiek/?from=2026-13-01&channel=fax"))
    assert response.status == 400
    assert page.locator("figure.stats-chart").count() == 0
    report.check(page, "statistics, refused filter")
    report.assert_clean()
    assert not problems, "\n".join(problems)


def test_without_scripts_the_page_is_its_tables(live_server, new_page):
    today = local_today(utcnow())
    page = new_page(java_script_enabled=False)
    sign_in(page, live_server, ADMIN, "nl")
    page.goto(live_server(f"/medewerkers/statistiek/?to={today.isoformat()}&team=all"))
    assert page.locator("figure.stats-chart").count() >= 1
    assert page.locator("figure.stats-chart:visible").count() == 0
    assert page.locator("[data-print]:visible").count() == 0
    assert page.locator("table.stats-table").first.is_visible()
