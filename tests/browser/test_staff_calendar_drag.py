"""The staff calendar in a real browser: a clerk drags a visit to a later free time of the
same day, the server moves it and the resident's "moved" mail lands in the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.availability import load_availability
from portal.booking.settings import BookingSettings
from portal.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, OutboxMail, StaffMember
from portal.timeutil import (
    CITY_TZ,
    end_of_local_day,
    local_today,
    start_of_local_day,
    to_local,
    utcnow,
)
from tests.browser.pages import screenshot

CLERK = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "clerk")
# The calendar shows 08:00 to 20:00; the target must be in view without scrolling while
# dragging, so at most this much later than the visit.
MAX_DRAG = timedelta(hours=4)
# The status line reports the server's answer: success or error.
_MOVE_ANSWERED = """() => {
    const status = document.getElementById("calendar-status");
    return ["calendar-status-success", "calendar-status-error"].some(
        (kind) => status.classList.contains(kind));
}"""


@dataclass(frozen=True)
class DragPlan:
    """A visit to drag and the free time later that day, for the same clerk, to drop it on."""

    visit_id: int
    reference: str
    staff_id: int
    team_id: int
    starts_at: datetime
    target: datetime


def _plan_drag(live_server) -> DragPlan:
    """A confirmed, untouched visit of the clerk's team with an e-mail address, at least a
    day ahead on a weekday, whose clerk has a free time later that same day."""
    with live_server.app.app_context():
        clerk = db.session.scalar(select(StaffMember).where(StaffMember.email == CLERK))
        now = utcnow()
        first_day = local_today(now) + timedelta(days=1)
        settings = BookingSettings.from_config(live_server.app.config)
        visits = db.session.scalars(
            select(Appointment)
            .join(StaffMember, StaffMember.id == Appointment.staff_id)
            .where(
                StaffMember.team_id == clerk.team_id,
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.email.is_not(None),
                Appointment.arrived_at.is_(None),
                Appointment.starts_at >= start_of_local_day(first_day),
                Appointment.starts_at < end_of_local_day(first_day + timedelta(days=14)),
            )
            .options(selectinload(Appointment.booked_services))
            .order_by(Appointment.starts_at)
        ).all()
        for visit in visits:
            day = to_local(visit.starts_at).date()
            if day.weekday() >= 5:
                continue
            free = load_availability(
                db.session,
                visit.services,
                visit.persons,
                day,
                day,
                now,
                grid_minutes=settings.grid_minutes,
                tz=CITY_TZ,
                ignore_appointment_id=visit.id,
                for_staff=True,
            ).slots()
            for slot in free:
                later = visit.starts_at + timedelta(minutes=30) <= slot.start
                near = slot.start - visit.starts_at <= MAX_DRAG
                if later and near and visit.staff_id in slot.staff_ids:
                    return DragPlan(
                        visit.id,
                        visit.reference,
                        visit.staff_id,
                        clerk.team_id,
                        visit.starts_at,
                        slot.start,
                    )
    raise AssertionError("the demo has no visit of the clerk's team to drag")


def _sign_in(page, live_server) -> None:
    """Sign in through the form, as the clerk would."""
    page.goto(live_server("/medewerkers/aanmelden"))
    page.fill("#email", CLERK)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button.primary").click()
    page.wait_for_url("**/medewerkers/")


def _drag(page, event, minutes: int) -> None:
    """Drag ``event`` down by ``minutes`` with the mouse, in small steps."""
    slot_height = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.ec-main'))"
        ".getPropertyValue('--ec-slot-height'))"
    )
    pixels_per_minute = slot_height / 30  # the calendar's slots are 30 minutes
    box = event.bounding_box()
    x = box["x"] + box["width"] / 2
    y = box["y"] + 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 6, steps=3)
    page.mouse.move(x, y + minutes * pixels_per_minute, steps=25)
    page.mouse.up()


# The pixels of one minute on the time axis, and where 08:00 (the axis' first slot) is.
_AXIS = """(reference) => {
    const main = document.querySelector('.ec-main');
    const slot = parseFloat(getComputedStyle(main).getPropertyValue('--ec-slot-height'));
    const event = [...document.querySelectorAll('.ec-event')]
        .find((node) => node.textContent.includes(reference));
    const column = event.closest('.ec-events, .ec-day, .ec-col')
        || event.parentElement;
    return {perMinute: slot / 30, eventTop: event.getBoundingClientRect().top,
            columnTop: column.getBoundingClientRect().top};
}"""


# The calendar's region at the top of the window, and the visit in view in it (its columns
# may be wider than the window), just under its column heads.
_NEAR_THE_TOP = """(reference) => {
    const region = document.querySelector('.calendar-scroller');
    const event = [...document.querySelectorAll('.ec-event')]
        .find((node) => node.textContent.includes(reference));
    event.scrollIntoView({block: 'nearest', inline: 'center'});
    region.scrollIntoView({block: 'start'});
    const heads = region.querySelector('.ec-header').getBoundingClientRect().bottom;
    region.scrollTop += event.getBoundingClientRect().top - heads - 60;
}"""


@pytest.mark.parametrize("zone", ["Europe/Brussels", "UTC", "America/New_York"])
def test_clerk_drags_a_visit_to_a_later_time(live_server, browser, screenshots, zone):
    """Day view of the clerk's team on a future weekday, in a browser set to Brussels, UTC
    or New York time: the visit stands at its Brussels time on the time axis, and dragging
    it down to a free time of the same clerk moves it to that Brussels time (the database
    says so) and queues the moved mail."""
    plan = _plan_drag(live_server)
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="nl-BE", timezone_id=zone
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        _sign_in(page, live_server)
        day = to_local(plan.starts_at).date().isoformat()
        page.goto(live_server(f"/medewerkers/agenda?view=day&date={day}&by=team&id={plan.team_id}"))
        event = page.locator(".ec-event", has_text=plan.reference)
        event.wait_for(state="visible")
        axis = page.evaluate(_AXIS, plan.reference)
        local_start = to_local(plan.starts_at)
        minutes_from_eight = (local_start.hour - 8) * 60 + local_start.minute
        drawn = (axis["eventTop"] - axis["columnTop"]) / axis["perMinute"]
        assert abs(drawn - minutes_from_eight) < 10, (zone, drawn, minutes_from_eight)
        # The visit near the top of the calendar's region (which scrolls on its own, under
        # its sticky column heads): the target below it stays in view.
        page.evaluate(_NEAR_THE_TOP, plan.reference)
        minutes = int((plan.target - plan.starts_at).total_seconds() // 60)
        _drag(page, event, minutes)
        page.wait_for_function(_MOVE_ANSWERED)
        status = page.locator("#calendar-status")
        assert "calendar-status-success" in status.get_attribute("class"), status.inner_text()
        assert plan.reference in status.inner_text()
        # The list under the grid shows the visit at its new time, without a reload.
        new_time = to_local(plan.target).strftime("%H:%M")
        row = page.locator(".calendar-list tr", has_text=plan.reference)
        row.locator("time", has_text=new_time).wait_for(state="visible")
        screenshot(page, screenshots, f"staff-calendar-drag-{zone.replace('/', '-')}")
    finally:
        context.close()

    with live_server.app.app_context():
        visit = db.session.get(Appointment, plan.visit_id)
        assert visit.starts_at == plan.target
        assert visit.staff_id == plan.staff_id
        mail = db.session.scalar(
            select(OutboxMail).where(
                OutboxMail.appointment_id == plan.visit_id, OutboxMail.kind == "moved"
            )
        )
        assert mail is not None, "no moved mail in the outbox"
