"""The waiting room and the hall's screen in a real browser: the waiting room swaps in a
new arrival by itself (no reload, and not while someone is choosing a counter), and the
call display shows a new call with its queue number and chimes."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select

from portal.demo.data import DEMO_ACCOUNTS
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, StaffMember, Team
from portal.staff.operations import record_progress
from portal.timeutil import end_of_local_day, local_today, start_of_local_day, utcnow
from tests.browser.test_staff_axe import sign_in

CLERK = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "clerk")
# Web Audio stands in: every tone the page starts is counted, and sound is "allowed".
_FAKE_AUDIO = """
window.__tones = 0;
window.AudioContext = function () {
  const node = () => ({ connect() {}, frequency: {}, type: "",
    gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} },
    start() { window.__tones += 1; }, stop() {} });
  return { state: "running", currentTime: 0, destination: {},
           createOscillator: node, createGain: node, resume: () => Promise.resolve() };
};
"""


def _untouched_visits(live_server, count: int) -> list[tuple[int, str]]:
    """(id, queue number) of today's first untouched confirmed visits of Bevolking that
    are still to come."""
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == "bevolking"))
        today = local_today(utcnow())
        visits = db.session.scalars(
            select(Appointment)
            .where(
                Appointment.filter_teams([team.id]),
                Appointment.filter_between(start_of_local_day(today), end_of_local_day(today)),
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.arrived_at.is_(None),
                Appointment.queue_number.is_not(None),
            )
            .order_by(Appointment.starts_at)
            .limit(count)
        ).all()
        return [(visit.id, visit.queue_label) for visit in visits]


def _step(live_server, visit_id: int, step: str) -> None:
    """Record a step of the visit's day as the clerk, straight in the database."""
    with live_server.app.app_context():
        visit = db.session.get(Appointment, visit_id)
        clerk = db.session.scalar(select(StaffMember).where(StaffMember.email == CLERK))
        record_progress(db.session, clerk, visit, step, utcnow())
        db.session.commit()


@contextmanager
def _put_back(live_server, *visit_ids: int):
    """Run the block, then leave the visits as nobody touched them (shared demo)."""
    try:
        yield
    finally:
        with live_server.app.app_context():
            for visit_id in visit_ids:
                visit = db.session.get(Appointment, visit_id)
                visit.arrived_at = visit.called_at = visit.called_counter_id = None
            db.session.commit()


def test_the_waiting_room_shows_a_new_arrival_by_itself(live_server, new_page):
    (first, first_number), (second, second_number) = _untouched_visits(live_server, 2)
    config = live_server.app.config
    config["WAITING_ROOM_REFRESH_SECONDS"] = 1
    page = new_page()
    try:
        with _put_back(live_server, first, second):
            sign_in(page, live_server, CLERK, "nl")
            page.goto(live_server("/medewerkers/wachtzaal"))
            page.evaluate("() => { window.__sameDocument = true; }")
            _step(live_server, first, "arrive")
            waiting = page.locator("#waiting-title").locator("xpath=ancestor::section")
            waiting.get_by_text(first_number, exact=True).wait_for(timeout=10_000)
            assert page.evaluate("() => window.__sameDocument") is True  # swapped, not reloaded

            # Someone choosing a counter is not interrupted: nothing is swapped meanwhile.
            page.locator(f"#counter-{first}").focus()
            _step(live_server, second, "arrive")
            page.wait_for_timeout(2_500)
            assert page.locator(f"text={second_number}").count() == 0
            page.locator("h1").click()  # done with the form: the next turn shows it
            page.get_by_text(second_number, exact=True).wait_for(timeout=10_000)
    finally:
        config["WAITING_ROOM_REFRESH_SECONDS"] = 30


def test_the_call_display_shows_a_new_call_and_chimes(live_server, new_page):
    ((visit_id, number),) = _untouched_visits(live_server, 1)
    page = new_page()
    page.add_init_script(_FAKE_AUDIO)
    with _put_back(live_server, visit_id):
        _step(live_server, visit_id, "arrive")
        page.goto(live_server("/medewerkers/oproepscherm?talen=nl,fr,ar&gong=1"))
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__tones") == 0  # what was on screen already
        _step(live_server, visit_id, "call")
        row = page.locator("tr.newest")
        row.locator("th.call-number", has_text=number).wait_for(timeout=12_000)
        counter = row.locator("td.call-counter span")
        assert counter.count() == 3
        assert counter.nth(2).get_attribute("lang") == "ar"
        assert counter.nth(2).get_attribute("dir") == "rtl"
        assert page.evaluate("() => window.__tones") == 2  # the chime's two tones
        assert page.locator(".site-header, .site-footer, .language-switcher").count() == 0
