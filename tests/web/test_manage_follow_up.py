"""The manage link of a dossier visit keeps it inside its window and with its clerk (days
and times offered, forged times refused in the resident's language), and the dossier's
owner is told when the resident moves or cancels it, or does not come."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.booking.settings import BookingSettings
from portal.booking.tokens import manage_token
from portal.booking.window import window_days, window_times
from portal.dossiers import follow_up_operations as follow_ops
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    NotificationKind,
    StaffNotification,
    StaffRole,
)
from portal.models.outbox import OutboxMail
from portal.staff.accounts import hash_password
from portal.timeutil import local_datetime, to_local
from tests.builders import book
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.web.booking_helpers import csrf_of
from tests.web.invitation_helpers import invite
from tests.web.staff_helpers import new_client, sign_in

DAY_LINK = re.compile(r'href="/afspraak/beheer/[^"?]+/verplaatsen\?[^"]*dag=(\d{4}-\d\d-\d\d)')
STARTS = re.compile(r'name="start" value="([^"]+)"')
WEDNESDAY = DEMO_TODAY + timedelta(days=9)  # 16 December, inside the window (14–18)
OUTSIDE = DEMO_TODAY + timedelta(days=3)  # 10 December, before it
PASSWORD = "juist-wachtwoord-123"


@pytest.fixture(autouse=True)
def _no_delivery_after_request(app, monkeypatch):
    """Mails stay in the outbox: these tests read them there."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)


def _booked(app, **kwargs):
    """An invitation used for its first free time; (invited, visit, manage path)."""
    invited = invite(app, **kwargs)
    follow_up = db.session.get(FollowUp, invited.follow_up_id)
    settings = BookingSettings.from_config(app.config)
    services = follow_ops.follow_up_services(db.session, follow_up)
    audience = follow_up.audience()
    day = min(window_days(db.session, services, 1, audience, DEMO_NOW))
    slot = window_times(db.session, services, 1, audience, day, DEMO_NOW)[0]
    hold, _ = follow_ops.hold_for_invitation(db.session, follow_up, slot.start, DEMO_NOW, settings)
    visit = follow_ops.book_invitation(db.session, follow_up, hold, DEMO_NOW, settings)
    db.session.commit()
    path = "/afspraak/beheer/" + manage_token(app.config["SECRET_KEY"], visit.manage_nonce)
    return invited, visit, path


def _kinds(visit_id: int) -> list[NotificationKind]:
    return db.session.scalars(
        select(StaffNotification.kind)
        .where(StaffNotification.appointment_id == visit_id)
        .order_by(StaffNotification.id)
    ).all()


def test_the_move_pages_offer_only_the_window_with_the_clerk(app, frozen_clock):
    invited, _visit, path = _booked(app)
    # Clerk 0 is busy on Wednesday at 10:00: that time is only clerk 1's.
    busy = local_datetime(WEDNESDAY, time(10))
    book(
        db.session, invited.city.staff[0], invited.city.service, busy, busy + timedelta(minutes=15)
    )
    db.session.commit()
    client = new_client(app)
    page = client.get(path + "/verplaatsen?lang=nl")
    assert page.status_code == 200
    days = {date.fromisoformat(day) for day in DAY_LINK.findall(page.text)}
    assert WEDNESDAY in days
    assert all(
        DEMO_TODAY + timedelta(days=7) <= day <= DEMO_TODAY + timedelta(days=11) for day in days
    )
    assert "Dit is een vervolgafspraak" in page.text

    times = client.get(f"{path}/verplaatsen?dag={WEDNESDAY.isoformat()}")
    starts = [
        to_local(datetime.fromisoformat(html.unescape(s))) for s in STARTS.findall(times.text)
    ]
    assert starts and time(10) not in {start.time() for start in starts}
    assert time(10, 15) in {start.time() for start in starts}
    before = client.get(f"{path}/verplaatsen?dag={OUTSIDE.isoformat()}")
    assert before.status_code == 200 and not STARTS.findall(before.text)
    # Months outside the window are not offered either.
    far = client.get(path + "/verplaatsen?maand=2027-03")
    assert far.status_code == 200
    assert {date.fromisoformat(day) for day in DAY_LINK.findall(far.text)} <= days


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_forged_time_outside_the_window_is_refused(app, frozen_clock, language):
    _invited, visit, path = _booked(app)
    old_start = visit.starts_at
    outside = local_datetime(OUTSIDE, time(10)).isoformat()
    client = new_client(app)
    asked = client.get(f"{path}/verplaatsen/bevestigen?start={outside}&lang={language}")
    assert asked.status_code == 302 and asked.location.endswith(path + "/verplaatsen")
    page = client.get(path + "/annuleren?lang=nl")
    answer = client.post(
        f"{path}/verplaatsen/bevestigen?lang={language}",
        data={"start": outside, "csrf_token": csrf_of(page.text)},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert "flash-error" in answer.text
    if language == "nl":
        assert "binnen de afgesproken periode" in answer.text
    else:
        assert 'dir="rtl"' in answer.text
    db.session.expire_all()
    assert db.session.get(Appointment, visit.id).starts_at == old_start
    assert _kinds(visit.id) == [NotificationKind.BOOKED]


def test_a_move_inside_the_window_tells_the_owner(app, frozen_clock):
    _invited, visit, path = _booked(app, owner_mail=True)
    old_start = visit.starts_at
    client = new_client(app)
    times = client.get(f"{path}/verplaatsen?dag={WEDNESDAY.isoformat()}&lang=nl")
    new_start = html.unescape(STARTS.findall(times.text)[0])
    confirm = client.get(f"{path}/verplaatsen/bevestigen", query_string={"start": new_start})
    assert confirm.status_code == 200
    moved = client.post(
        f"{path}/verplaatsen/bevestigen",
        data={"start": new_start, "csrf_token": csrf_of(confirm.text)},
    )
    assert moved.status_code == 302
    db.session.expire_all()
    visit = db.session.get(Appointment, visit.id)
    assert visit.starts_at == datetime.fromisoformat(new_start)
    assert _kinds(visit.id) == [NotificationKind.BOOKED, NotificationKind.MOVED]
    notification = db.session.scalar(
        select(StaffNotification).where(StaffNotification.kind == NotificationKind.MOVED)
    )
    assert notification.detail == {"from": old_start.isoformat(), "to": visit.starts_at.isoformat()}
    kinds = db.session.scalars(select(OutboxMail.kind).where(OutboxMail.appointment_id == visit.id))
    assert sorted(kinds) == ["moved", "owner_notice"]


def test_a_cancel_tells_the_owner(app, frozen_clock):
    _invited, visit, path = _booked(app)
    client = new_client(app)
    page = client.get(path + "/annuleren?lang=nl")
    assert page.status_code == 200
    done = client.post(path + "/annuleren", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, visit.id).status == AppointmentStatus.CANCELLED
    assert _kinds(visit.id) == [NotificationKind.BOOKED, NotificationKind.CANCELLED]
    # The owner did not ask for mail: only the resident's cancellation mail.
    kinds = db.session.scalars(select(OutboxMail.kind).where(OutboxMail.appointment_id == visit.id))
    assert list(kinds) == ["cancelled"]


def test_a_no_show_on_a_dossier_visit_tells_the_owner(app, frozen_clock):
    invited, _visit, _path = _booked(app)
    clerk = invited.city.staff[1]
    clerk.role, clerk.password_hash = StaffRole.CLERK, hash_password(PASSWORD)
    start = local_datetime(DEMO_TODAY, time(9))
    today = book(db.session, clerk, invited.city.service, start, start + timedelta(minutes=15))
    today.dossier_id = invited.dossier_id
    db.session.commit()
    frozen_clock.move_to(start + timedelta(minutes=30))
    client = new_client(app)
    assert sign_in(client, clerk.email, PASSWORD).status_code == 302
    token = csrf_of(client.get(f"/medewerkers/bezoek/{today.id}").text)
    answer = client.post(
        f"/medewerkers/bezoek/{today.id}/stap", data={"step": "no_show", "csrf_token": token}
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, today.id).no_show_at is not None
    assert _kinds(today.id) == [NotificationKind.NO_SHOW]
    notification = db.session.scalar(
        select(StaffNotification).where(StaffNotification.appointment_id == today.id)
    )
    assert notification.staff_id == invited.visit_clerk_id  # the owner, not who marked it
