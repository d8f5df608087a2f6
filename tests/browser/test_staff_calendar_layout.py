"""The staff calendar stays readable with many people and many counters: in a team's week
and in the day of every counter side by side, every visit shows its whole reference; the
counters' day has a column of a usable width per counter (at least 15 of them), headed by
its number; wider than the window, the grid scrolls sideways in its own region (also with
the keyboard, at 390 pixels) while the time axis and the column heads stay in view. In a
browser set to Brussels or UTC time, in Dutch and in Arabic (right to left), with axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, Counter, StaffMember, Team
from portal.timeutil import end_of_local_day, local_today, start_of_local_day, to_local, utcnow
from tests.browser.pages import AxeReport, screenshot

CLERK = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "clerk")
RECEPTION = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "reception")
MIN_COUNTERS = 15
# A column of the counters' day is never narrower than this (7 rem).
MIN_COLUMN_PIXELS = 112

# The visits whose reference is not wholly visible: longer than its box, or sticking out
# of the visit's box (which clips it), sideways or (a visit of 10 minutes) below.
_CLIPPED_REFERENCES = """() => {
    const clipped = [];
    const visits = [...document.querySelectorAll('.ec-event.cal-visit')];
    for (const visit of visits) {
        const reference = visit.querySelector('.cal-ref');
        const box = visit.getBoundingClientRect();
        const text = reference ? reference.getBoundingClientRect() : null;
        if (!reference || !/^[A-Z0-9]{8}$/.test(reference.textContent)
            || reference.scrollWidth > reference.clientWidth
            || text.left < box.left - 0.5 || text.right > box.right + 0.5
            || text.top < box.top - 0.5 || text.bottom > box.bottom + 0.5) {
            clipped.push((reference ? reference.textContent : visit.textContent)
                + ` (${Math.round(text ? text.width : 0)} in ${Math.round(box.width)}`
                + `x${Math.round(box.height)})`);
        }
    }
    return {visits: visits.length, clipped: clipped};
}"""
# The column heads and their widths.
_COLUMN_HEADS = """() => [...document.querySelectorAll('.ec-header .ec-col-head')].map(
    (head) => ({text: head.textContent.trim(), width: head.getBoundingClientRect().width}))"""
# How the region and the page scroll, and where the time axis and the column heads stand.
_REGION = """() => {
    const region = document.querySelector('.calendar-scroller');
    const box = region.getBoundingClientRect();
    const axis = document.querySelector('.ec-body .ec-sidebar').getBoundingClientRect();
    const head = document.querySelector('.ec-header .ec-col-head').getBoundingClientRect();
    const root = document.documentElement;
    return {scrollWidth: region.scrollWidth, clientWidth: region.clientWidth,
            left: region.scrollLeft, top: region.scrollTop,
            pageWider: root.scrollWidth > root.clientWidth,
            axisInside: axis.left >= box.left - 1 && axis.right <= box.right + 1,
            headAtTop: Math.abs(head.top - box.top) <= 2};
}"""

# The region scrolled sideways (either way: right to left it goes negative) and down.
_SCROLLED = """([left, top]) => {
    const region = document.querySelector('.calendar-scroller');
    return Math.abs(region.scrollLeft) >= Math.abs(left) + 200 && region.scrollTop > top;
}"""

# Whether every column stands in the region without scrolling sideways.
_FITS = """(fits) => {
    const region = document.querySelector('.calendar-scroller');
    return (region.scrollWidth <= region.clientWidth + 1) === fits;
}"""


@pytest.fixture
def many_counters(live_server):
    """At least :data:`MIN_COUNTERS` active counters: the demo's, topped up with counters
    of the first team that hold no shift (so nothing else changes), removed afterwards."""
    added = []
    with live_server.app.app_context():
        active = db.session.scalar(select(func.count()).where(Counter.active.is_(True)))
        highest = db.session.scalar(select(func.max(Counter.number))) or 0
        team_id = db.session.scalar(select(Team.id).order_by(Team.id))
        for offset in range(1, max(0, MIN_COUNTERS - active) + 1):
            counter = Counter(number=highest + offset, team_id=team_id, active=True)
            db.session.add(counter)
            added.append(counter)
        db.session.commit()
        added_ids = [counter.id for counter in added]
    yield
    with live_server.app.app_context():
        for counter_id in added_ids:
            db.session.delete(db.session.get(Counter, counter_id))
        db.session.commit()


def _week_ahead(live_server) -> tuple[str, int, dict[str, str]]:
    """A weekday a week from now (its week is full of visits), the clerk's team, and its
    visits' references with their Brussels start time ("HH:MM")."""
    with live_server.app.app_context():
        day = local_today(utcnow()) + timedelta(days=7)
        day -= timedelta(days=max(0, day.weekday() - 4))  # Monday to Friday
        team_id = db.session.scalar(select(StaffMember.team_id).where(StaffMember.email == CLERK))
        visits = db.session.scalars(
            select(Appointment).where(
                Appointment.filter_teams([team_id]),
                Appointment.filter_between(start_of_local_day(day), end_of_local_day(day)),
                Appointment.status != AppointmentStatus.CANCELLED,
            )
        ).all()
        times = {visit.reference: to_local(visit.starts_at).strftime("%H:%M") for visit in visits}
    assert times, "the demo has no visits a week from now"
    return day.isoformat(), team_id, times


def _sign_in(page, live_server, language: str) -> None:
    """Sign in as central reception (every team and counter), in ``language``."""
    page.goto(live_server(f"/medewerkers/aanmelden?lang={language}"))
    page.fill("#email", RECEPTION)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button.primary").click()
    page.wait_for_url("**/medewerkers/")


def _open(page, live_server, path: str) -> None:
    """Open a calendar page and wait until its visits are drawn."""
    page.goto(live_server(path))
    page.locator(".ec-event.cal-visit").first.wait_for(state="visible")


def _assert_references_whole(page, where: str, at_least: int) -> None:
    """Every visit drawn shows its whole reference, and there are many of them."""
    found = page.evaluate(_CLIPPED_REFERENCES)
    assert found["visits"] >= at_least, (where, found["visits"])
    assert not found["clipped"], f"{where}: references cut off: {found['clipped'][:10]}"


@pytest.mark.parametrize(
    ("language", "zone"), [("nl", "Europe/Brussels"), ("nl", "UTC"), ("ar", "UTC")]
)
def test_many_columns_stay_readable(
    live_server, browser, screenshots, many_counters, language, zone
):
    """The team's week and the counters' day, at 1280 and at 390 pixels."""
    day, team_id, times = _week_ahead(live_server)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-BE", timezone_id=zone
    )
    context.set_default_timeout(15_000)
    report = AxeReport(language, screenshots, "axe-staff-calendar")
    slug = f"{language}-{zone.replace('/', '-')}"
    try:
        page = context.new_page()
        _sign_in(page, live_server, language)

        # The team's week: one column per day, each as wide as its visits side by side need.
        _open(page, live_server, f"/medewerkers/agenda?view=week&date={day}&by=team&id={team_id}")
        _assert_references_whole(page, "team week", at_least=50)
        reference, start = next(iter(times.items()))
        shown = page.locator(".ec-event.cal-visit", has_text=reference).locator(".cal-time")
        assert shown.inner_text() == start, (zone, reference)  # Brussels time, any zone
        screenshot(page, screenshots, f"staff-calendar-team-week-{slug}")
        report.check(page, "team week")

        # The counters' day: one column per counter, headed by its number.
        _open(page, live_server, f"/medewerkers/agenda?view=day&date={day}&by=counters")
        with live_server.app.app_context():
            numbers = db.session.scalars(
                select(Counter.number).where(Counter.active.is_(True)).order_by(Counter.number)
            ).all()
        heads = page.evaluate(_COLUMN_HEADS)
        assert len(heads) == len(numbers) >= MIN_COUNTERS
        for head, number in zip(heads, numbers, strict=True):
            assert head["text"].split()[-1] == str(number), head
            assert head["width"] >= MIN_COLUMN_PIXELS, head
        _assert_references_whole(page, "counters' day", at_least=20)
        screenshot(page, screenshots, f"staff-calendar-counters-day-{slug}")
        report.check(page, "counters' day")

        # The zoom, with the keyboard: every column in the window, then readable again.
        for choice, fits in (("fit", True), ("readable", False)):
            button = page.locator(f"[data-zoom-choice={choice}]")
            button.focus()
            page.keyboard.press("Enter")
            assert button.get_attribute("aria-pressed") == "true"
            page.wait_for_function(_FITS, arg=fits)

        # A phone: the region scrolls sideways (the page does not), with the keyboard too;
        # the time axis stays at the inline start, the column heads at the top.
        page.set_viewport_size({"width": 390, "height": 844})
        page.locator(".calendar-scroller").scroll_into_view_if_needed()
        before = page.evaluate(_REGION)
        assert before["scrollWidth"] > before["clientWidth"] and not before["pageWider"]
        page.locator(".calendar-scroller").focus()
        further = "ArrowLeft" if language == "ar" else "ArrowRight"
        for _ in range(8):
            page.keyboard.press(further)
        page.keyboard.press("PageDown")
        # Keyboard scrolling is smooth: wait until the region has gone far enough.
        page.wait_for_function(_SCROLLED, arg=[before["left"], before["top"]])
        page.wait_for_timeout(500)
        after = page.evaluate(_REGION)
        assert after["axisInside"] and after["headAtTop"], after
        _assert_references_whole(page, "counters' day at 390 pixels", at_least=20)
        page.locator(".calendar-scroller").screenshot(
            path=str(screenshots / f"staff-calendar-counters-day-390-{slug}.png")
        )
    finally:
        context.close()
    report.assert_clean()
