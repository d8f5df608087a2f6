"""The workspace's start page (portal/staff/views.py): the signed-in person's next visits,
their dossiers due and their unread notifications, without residents' details (issue 16,
item 2)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, Dossier, StaffMember, StaffNotification
from portal.timeutil import local_today
from tests.conftest import DEMO_NOW
from tests.web.staff_helpers import DEMO_EMAILS

HOME = "/medewerkers/"


def _member(demo_app, role: str) -> StaffMember:
    return db.session.scalar(select(StaffMember).where(StaffMember.email == DEMO_EMAILS[role]))


def test_the_start_page_shows_the_persons_own_day_ahead(staff_client, demo_app):
    page = staff_client("clerk").get(HOME).get_data(as_text=True)
    with demo_app.app_context():
        clerk = _member(demo_app, "clerk")
        own = db.session.scalars(
            select(Appointment)
            .where(
                Appointment.staff_id == clerk.id,
                Appointment.ends_at > DEMO_NOW,
                Appointment.filter_active(DEMO_NOW),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        ).all()
        others = db.session.scalars(
            select(Appointment)
            .where(Appointment.staff_id != clerk.id, Appointment.starts_at > DEMO_NOW)
            .order_by(Appointment.starts_at)
            .limit(20)
        ).all()
        assert own, "the demo clerk has visits ahead"
        for visit in own[:8]:
            assert f'/medewerkers/bezoek/{visit.id}"' in page
            assert visit.resident_name not in page  # no resident's details here
        for visit in own[8:]:
            assert f'/medewerkers/bezoek/{visit.id}"' not in page
        for visit in others:
            assert f'/medewerkers/bezoek/{visit.id}"' not in page
        due = db.session.scalars(
            select(Dossier).where(
                Dossier.owner_id == clerk.id,
                Dossier.filter_open(),
                Dossier.due_on <= local_today(DEMO_NOW) + timedelta(days=7),
            )
        ).all()
        for dossier in due:
            assert dossier.reference in page
    assert "Uw volgende afspraken" in page and "In de werkruimte" in page


def test_unread_notifications_are_counted_on_the_start_page(staff_client, demo_app):
    client = staff_client("planner")
    with demo_app.app_context():
        planner = _member(demo_app, "planner")
        unread = db.session.scalars(
            select(StaffNotification).where(StaffNotification.filter_unread_of(planner.id))
        ).all()
    page = client.get(HOME).get_data(as_text=True)
    if unread:
        assert f"{len(unread)} nieuwe melding" in page
    else:
        assert "nieuwe melding" not in page
