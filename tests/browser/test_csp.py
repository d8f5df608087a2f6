"""The Content-Security-Policy in a real browser: every page that runs a script works under
it and the browser reports no violation.

Three listeners, so that no violation slips through: the browser's console ("Refused to …
because it violates the following Content Security Policy directive"), the page's
``securitypolicyviolation`` events (collected by an init script in every document), and the
portal's own report endpoint (its log). A first test breaks the policy on purpose and
checks that all three notice, so the others cannot pass by listening to nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, StaffMember
from portal.timeutil import (
    end_of_local_day,
    local_today,
    start_of_local_day,
    to_local,
    utcnow,
)
from tests.browser.pages import later_day_links, manage_link

CLERK = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "clerk")
HOLD_BUTTON = "form[action$='/afspraak/tijd'] button.primary"
REPORT_LOGGER = "portal.security.reports"
# Every document reports its violations to the test as they happen (the binding outlives
# navigation, so nothing is lost when the page moves on); window.print is replaced so
# that the printout's button can be pressed in a headless browser.
_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolation({
        page: location.pathname, directive: event.effectiveDirective,
        blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber,
    });
});
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""
# What Chromium writes to the console when a policy header blocks or is broken.
_CONSOLE_MARKS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


class _ReportLog(logging.Handler):
    """The lines the portal's report endpoint logs while a test runs."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class PolicyWatch:
    """Everything the browser said about the policies of the pages of one context."""

    def __init__(self, context, reports: _ReportLog):
        self.events: list[dict] = []
        self.console: list[str] = []
        self.reports = reports
        context.expose_function("__cspViolation", self._event)
        context.add_init_script(_WATCH)
        context.on("console", self._console)

    def _event(self, violation: dict) -> None:
        self.events.append(violation)

    def _console(self, message) -> None:
        if any(mark in message.text for mark in _CONSOLE_MARKS):
            self.console.append(message.text)

    def problems(self) -> list[str]:
        """Every violation or policy error seen so far, one line each."""
        return (
            [f"console: {text}" for text in self.console]
            + [f"event: {event}" for event in self.events]
            + [f"report: {line}" for line in self.reports.lines]
        )

    def assert_clean(self, page) -> None:
        """No violation anywhere: settle the page first, so that a last report sent by
        the browser has reached the endpoint."""
        page.wait_for_load_state("networkidle")
        problems = self.problems()
        assert not problems, "Content-Security-Policy violations:\n" + "\n".join(problems)


@pytest.fixture
def report_log():
    """The report endpoint's log lines during the test."""
    handler = _ReportLog()
    logger = logging.getLogger(REPORT_LOGGER)
    level = logger.level
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def watched(new_page, report_log):
    """``watched()``: (page, watch) in a fresh context whose policy messages are kept."""

    def open_page():
        page = new_page()
        return page, PolicyWatch(page.context, report_log)

    return open_page


def test_the_watch_sees_a_violation_in_all_three_places(live_server, watched):
    """An inline script, an inline style and a blob: worker injected into a page are
    blocked, and the console, the event and the report endpoint each say so."""
    page, watch = watched()
    page.goto(live_server("/"))
    ran = page.evaluate(
        """() => {
            window.__inline = false;
            const script = document.createElement("script");
            script.textContent = "window.__inline = true;";
            document.body.appendChild(script);
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
            try { new Worker(URL.createObjectURL(new Blob([""]))); } catch (error) {}
            return window.__inline;
        }"""
    )
    assert ran is False, "the inline script ran"
    for _ in range(100):  # reports are posted in the background
        if len(watch.reports.lines) >= 3 and len(watch.events) >= 3:
            break
        page.wait_for_timeout(100)
    directives = {event["directive"] for event in watch.events}
    assert {"script-src-elem", "style-src-attr", "worker-src"} <= directives, watch.events
    assert any("inline script" in text for text in watch.console), watch.console
    assert any("style-src-attr" in line for line in watch.reports.lines), watch.reports.lines
    assert any("worker-src blocked blob" in line for line in watch.reports.lines)


def _to_a_later_day(page, live_server) -> None:
    """From the month calendar to a later day that offers a free time."""
    for href in [link.get_attribute("href") for link in later_day_links(page)]:
        page.goto(live_server(href))
        if page.locator("input[name=start]").count():
            return
    raise AssertionError(f"no later day with a free time on {page.url}")


def test_a_resident_books_and_manages_under_the_policy(live_server, watched):
    """Start page, a service, the month, the times, the details (show-when.js and the
    hold countdown), the review with the ALTCHA widget solved in its worker, done; then
    the manage link (the QR code) and its confirmation."""
    address = "csp-resident@example.org"
    page, watch = watched()
    page.goto(live_server("/"))
    page.locator(".service-list a").first.click()
    page.goto(live_server("/afspraak"))
    service = page.locator("input[name=dienst]").first.get_attribute("value")
    page.goto(live_server(f"/afspraak/dag?dienst={service}&personen=1"))
    _to_a_later_day(page, live_server)
    page.locator("input[name=start]").first.check()
    page.click(HOLD_BUTTON)
    page.wait_for_url("**/afspraak/gegevens")

    other = page.locator("#spoken-language-other-part")
    assert other.is_hidden(), "show-when.js did not run"
    page.select_option("#spoken_language", "other")
    assert other.is_visible()
    page.select_option("#spoken_language", "nl")
    page.fill("#name", "Streng Beleid")
    page.fill("#email", address)
    page.click("form[action$='/afspraak/gegevens'] button.primary")
    page.wait_for_url("**/afspraak/controle")

    page.wait_for_selector("altcha-widget .altcha[data-state]")
    page.locator("altcha-widget input[type=checkbox]").click()
    page.wait_for_selector("altcha-widget .altcha[data-state=verified]")
    assert page.locator("altcha-widget input[name=altcha]").input_value()
    page.click("form[action$='/afspraak/controle'] button.primary")
    page.wait_for_url("**/afspraak/klaar")

    page.goto(manage_link(live_server, address))
    page.click("form[action$='/bevestigen'] button")
    page.locator("figure.qr svg").wait_for(state="visible")  # shown once confirmed
    watch.assert_clean(page)


def _team_visit(live_server) -> tuple[int, int, str, str]:
    """(visit id, team id, day, reference) of a confirmed visit of the clerk's team on one
    of the coming days, to see in the calendar and print."""
    with live_server.app.app_context():
        clerk = db.session.scalar(select(StaffMember).where(StaffMember.email == CLERK))
        today = local_today(utcnow())
        visit = db.session.scalars(
            select(Appointment)
            .join(StaffMember, StaffMember.id == Appointment.staff_id)
            .where(
                StaffMember.team_id == clerk.team_id,
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.starts_at >= start_of_local_day(today + timedelta(days=1)),
                Appointment.starts_at < end_of_local_day(today + timedelta(days=14)),
            )
            .order_by(Appointment.starts_at)
        ).first()
        assert visit is not None, "the demo has no coming visit of the clerk's team"
        day = to_local(visit.starts_at).date().isoformat()
        return visit.id, clerk.team_id, day, visit.reference


def test_staff_pages_run_under_the_policy(live_server, watched):
    """The staff calendar renders its events (vendored calendar, JSON feed), the
    printout's button prints, and the call display fetches its list."""
    visit_id, team_id, day, reference = _team_visit(live_server)
    page, watch = watched()
    page.goto(live_server("/medewerkers/aanmelden"))
    page.fill("#email", CLERK)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button.primary").click()
    page.wait_for_url("**/medewerkers/")

    page.goto(live_server(f"/medewerkers/agenda?view=day&date={day}&by=team&id={team_id}"))
    page.locator(".ec-event", has_text=reference).first.wait_for(state="visible")

    page.goto(live_server(f"/medewerkers/afspraak/{visit_id}/afdruk"))
    page.locator("button[data-print]").click()
    assert page.evaluate("() => window.__printed") == 1

    with page.expect_response(lambda answer: "/oproepscherm.json" in answer.url) as answer:
        page.goto(live_server("/medewerkers/oproepscherm"))
    assert answer.value.ok
    watch.assert_clean(page)
