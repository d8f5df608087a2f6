"""Dossier operations on a small city: opening, notes, status, hand-over, follow-ups booked
by the clerk, invitations used once, the resident's move kept inside the window and with
the clerk, and the owner's notifications."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from portal.booking import errors
from portal.booking.contact import ContactDetails
from portal.booking.operations import cancel, move
from portal.booking.settings import BookingSettings
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.dossiers import reminders
from portal.dossiers.windows import window_slots
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    DossierStatus,
    DossierSubject,
    FollowUpState,
    NotificationKind,
    ShiftKind,
    StaffMember,
    StaffNotification,
    Team,
)
from portal.scheduling.audience import AudienceKind
from portal.timeutil import local_datetime, to_local
from tests.builders import build_city

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
SETTINGS = BookingSettings(secret_key="test-secret", manage_cutoff=timedelta(hours=2))
SARA = ContactDetails(name="Sara Haddad", email="sara@example.org", language="ar", phone="0470")


@pytest.fixture
def city(app):
    """Two clerks at the counter for six weeks, a dossier subject of their team."""
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=42), staff_count=2)
    subject = DossierSubject(
        team_id=built.team.id, code="eid", names={"nl": "eID-aanvraag", "en": "eID"}
    )
    db.session.add(subject)
    db.session.commit()
    built.subject = subject
    return built


def _dossier(city, owner=None):
    return ops.open_dossier(
        db.session, owner=owner or city.staff[0], subject=city.subject, contact=SARA, now=NOW
    )


def _plan(city, dossier, *, first=21, last=28, staff=None, invited=True, **kwargs):
    plan = follow_ops.FollowUpPlan(
        services=[city.service],
        persons=1,
        staff=staff or city.staff[0],
        earliest=MONDAY + timedelta(days=first),
        latest=MONDAY + timedelta(days=last),
        **kwargs,
    )
    return follow_ops.plan_follow_up(
        db.session, dossier, plan, invited=invited, now=NOW, settings=SETTINGS
    )


def test_a_dossier_keeps_the_contact_details_once_and_links_its_visits(city):
    dossier = _dossier(city)
    assert dossier.reference.startswith("D-") and len(dossier.reference) == 9
    assert dossier.team_id == city.team.id and dossier.status == DossierStatus.OPEN
    assert ContactDetails.kept_by(dossier) == SARA

    note = ops.add_note(db.session, dossier, city.staff[1], "Huurcontract ontbreekt", NOW)
    assert note.author_id == city.staff[1].id
    ops.set_status(db.session, dossier, DossierStatus.WAITING_OTHER, NOW, waiting_for="DVZ")
    assert dossier.waiting_for == "DVZ" and dossier.closed_at is None
    ops.set_status(db.session, dossier, DossierStatus.CLOSED, NOW, outcome="Kaart afgegeven")
    assert dossier.closed_at == NOW and dossier.waiting_for == ""
    ops.set_status(db.session, dossier, DossierStatus.OPEN, NOW)
    assert dossier.closed_at is None and dossier.outcome == ""


def test_a_dossier_is_handed_over_only_within_its_team(city):
    dossier = _dossier(city)
    ops.hand_over(db.session, dossier, city.staff[1])
    assert dossier.owner_id == city.staff[1].id
    other_team = Team(code="andere", names={"nl": "Andere"})
    stranger = StaffMember(team=other_team, name="Vreemde", email="v@stad.example")
    db.session.add(stranger)
    db.session.flush()
    with pytest.raises(ValueError):
        ops.hand_over(db.session, dossier, stranger)


@pytest.mark.parametrize(
    ("first", "last"),
    [(10, 5), (-10, -1), (0, 400)],
    ids=["reversed", "past", "longer-than-a-year"],
)
def test_a_window_that_cannot_be_booked_is_refused(city, first, last):
    with pytest.raises(errors.OutsideWindow):
        _plan(city, _dossier(city), first=first, last=last)


def test_a_window_that_started_yesterday_starts_today(city):
    follow_up, _ = _plan(city, _dossier(city), first=-1, last=7)
    assert follow_up.earliest == MONDAY


def test_the_clerk_books_a_follow_up_with_themselves_inside_the_window(city):
    dossier = _dossier(city)
    follow_up, token = _plan(city, dossier, invited=False)
    assert token is None and follow_up.token_hash is None
    slots = window_slots(db.session, follow_up, NOW, SETTINGS, AudienceKind.STAFF)
    assert slots and all(slot.staff_ids == (city.staff[0].id,) for slot in slots)
    assert all(
        follow_up.earliest <= to_local(slot.start).date() <= follow_up.latest for slot in slots
    )
    visit = follow_ops.book_follow_up_now(db.session, follow_up, slots[0].start, NOW, SETTINGS)
    db.session.commit()
    assert visit.status == AppointmentStatus.CONFIRMED
    assert visit.staff_id == city.staff[0].id
    assert (visit.dossier_id, visit.follow_up_id) == (dossier.id, follow_up.id)
    assert visit.resident_name == "Sara Haddad" and visit.language == "ar"
    assert follow_up.state(NOW) == FollowUpState.USED


def test_a_time_outside_the_window_is_refused_to_the_clerk_too(city):
    follow_up, _ = _plan(city, _dossier(city), invited=False)
    with pytest.raises(errors.OutsideWindow):
        follow_ops.book_follow_up_now(
            db.session,
            follow_up,
            local_datetime(MONDAY + timedelta(days=1), time(9)),
            NOW,
            SETTINGS,
        )


def test_an_invitation_books_once_and_tells_the_owner(city):
    dossier = _dossier(city, owner=city.staff[1])
    follow_up, token = _plan(city, dossier)
    assert follow_ops.find_invitation(db.session, token) is follow_up
    assert follow_ops.invitation_token(SETTINGS.secret_key, follow_up) == token
    slots = window_slots(db.session, follow_up, NOW, SETTINGS)
    hold, _ = follow_ops.hold_for_invitation(db.session, follow_up, slots[0].start, NOW, SETTINGS)
    assert hold.follow_up_id == follow_up.id
    visit = follow_ops.book_invitation(db.session, follow_up, hold, NOW, SETTINGS)
    db.session.commit()
    assert visit.status == AppointmentStatus.CONFIRMED and visit.channel == "invitation"
    notices = db.session.scalars(select(StaffNotification)).all()
    assert [(n.staff_id, n.kind) for n in notices] == [(city.staff[1].id, NotificationKind.BOOKED)]

    with pytest.raises(errors.InvitationUsed):
        follow_ops.hold_for_invitation(db.session, follow_up, slots[1].start, NOW, SETTINGS)


def test_a_revoked_or_run_out_invitation_is_closed_and_can_be_extended(city):
    follow_up, _ = _plan(city, _dossier(city), first=0, last=3)
    slots = window_slots(db.session, follow_up, NOW, SETTINGS)
    follow_ops.revoke(db.session, follow_up, NOW)
    assert follow_up.state(NOW) == FollowUpState.REVOKED
    with pytest.raises(errors.InvitationClosed):
        follow_ops.hold_for_invitation(db.session, follow_up, slots[0].start, NOW, SETTINGS)
    later = NOW + timedelta(days=5)
    follow_ops.extend(db.session, follow_up, MONDAY + timedelta(days=14), later)
    assert follow_up.state(later) == FollowUpState.OPEN
    assert follow_up.state(NOW + timedelta(days=15)) == FollowUpState.EXPIRED


def test_a_held_time_of_another_invitation_does_not_book_this_one(city):
    dossier = _dossier(city)
    first, _ = _plan(city, dossier)
    second, _ = _plan(city, dossier)
    slots = window_slots(db.session, first, NOW, SETTINGS)
    hold, _ = follow_ops.hold_for_invitation(db.session, first, slots[0].start, NOW, SETTINGS)
    with pytest.raises(errors.OutsideWindow):
        follow_ops.book_invitation(db.session, second, hold, NOW, SETTINGS)


def _booked_follow_up(city, **kwargs):
    dossier = _dossier(city)
    follow_up, _ = _plan(city, dossier, **kwargs)
    slots = window_slots(db.session, follow_up, NOW, SETTINGS)
    hold, _ = follow_ops.hold_for_invitation(db.session, follow_up, slots[0].start, NOW, SETTINGS)
    visit = follow_ops.book_invitation(db.session, follow_up, hold, NOW, SETTINGS)
    db.session.commit()
    return visit, slots


def test_the_resident_moves_a_follow_up_only_inside_its_window_and_with_its_clerk(city):
    visit, slots = _booked_follow_up(city)
    clerk = visit.staff_id
    # Before the window: refused, whatever is free then.
    with pytest.raises(errors.OutsideWindow):
        move(db.session, visit, local_datetime(MONDAY + timedelta(days=1), time(9)), NOW, SETTINGS)
    # Inside the window: with the same clerk, never silently with a colleague.
    move(db.session, visit, slots[3].start, NOW, SETTINGS)
    assert visit.starts_at == slots[3].start and visit.staff_id == clerk
    # The clerk is busy at a time only the colleague has free: refused, not handed over.
    other_only = next(
        slot
        for slot in window_slots(db.session, visit.follow_up, NOW, SETTINGS, AudienceKind.STAFF)
        if slot.start != visit.starts_at
    )
    from tests.builders import book

    book(db.session, city.staff[0], city.service, other_only.start, other_only.end)
    with pytest.raises(errors.SlotTaken):
        move(db.session, visit, other_only.start, NOW, SETTINGS)
    assert visit.staff_id == clerk


def test_staff_may_move_a_follow_up_outside_its_window(city):
    visit, _ = _booked_follow_up(city)
    tuesday_nine = local_datetime(MONDAY + timedelta(days=1), time(9))
    move(db.session, visit, tuesday_nine, NOW, SETTINGS, for_staff=True)
    assert visit.starts_at == tuesday_nine


def test_any_colleague_lets_the_resident_take_another_clerk(city):
    dossier = _dossier(city)
    follow_up, _ = _plan(city, dossier, any_colleague=True)
    slots = window_slots(db.session, follow_up, NOW, SETTINGS)
    assert {staff_id for slot in slots for staff_id in slot.staff_ids} == {
        member.id for member in city.staff
    }


def test_a_back_office_follow_up_books_back_office_time(city):
    start = local_datetime(MONDAY + timedelta(days=22), time(13))
    from portal.models import Shift

    db.session.add(
        Shift(
            staff_id=city.staff[0].id,
            kind=ShiftKind.BACK_OFFICE,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
    )
    follow_up, _ = _plan(city, _dossier(city), invited=False, back_office=True)
    slots = window_slots(db.session, follow_up, NOW, SETTINGS, AudienceKind.STAFF)
    assert slots and all(start <= slot.start < start + timedelta(hours=3) for slot in slots)
    visit = follow_ops.book_follow_up_now(db.session, follow_up, slots[0].start, NOW, SETTINGS)
    assert visit.counter_id is None


def test_the_owner_is_told_and_a_visit_outside_a_dossier_tells_nobody(city):
    visit, _ = _booked_follow_up(city)
    cancel(db.session, visit, NOW, SETTINGS)
    ops.tell_owner(db.session, visit, NotificationKind.CANCELLED, NOW)
    kinds = [n.kind for n in db.session.scalars(select(StaffNotification).order_by("id"))]
    assert kinds == [NotificationKind.BOOKED, NotificationKind.CANCELLED]
    plain = Appointment(staff_id=city.staff[0].id, resident_name="X", starts_at=NOW, ends_at=NOW)
    assert ops.tell_owner(db.session, plain, NotificationKind.MOVED, NOW) is None


def test_reminders_are_due_only_for_open_invitations_near_their_end(city):
    dossier = _dossier(city)
    closing, _ = _plan(city, dossier, first=0, last=2)
    far, _ = _plan(city, dossier, first=0, last=20)
    used, _ = _plan(city, dossier, first=0, last=2)
    used.used_at = NOW
    db.session.flush()
    # Never on the heels of the invitation itself: a day after it went out at the earliest.
    assert reminders.invitations_due_reminder(db.session, NOW + timedelta(hours=20), 3) == []
    later = NOW + timedelta(days=1)
    assert reminders.invitations_due_reminder(db.session, later, 3) == [closing]
    assert reminders.claim_reminder(db.session, closing, later) is True
    assert reminders.claim_reminder(db.session, closing, later) is False
    assert reminders.claim_reminder(db.session, used, later) is False
    assert far.state(NOW) == FollowUpState.OPEN


def test_closing_a_dossier_withdraws_its_unused_invitations(city):
    dossier = _dossier(city)
    open_one, _ = _plan(city, dossier)
    slots = window_slots(db.session, open_one, NOW, SETTINGS)
    ops.set_status(db.session, dossier, DossierStatus.CLOSED, NOW, outcome="Afgehandeld")
    assert open_one.state(NOW) == FollowUpState.REVOKED
    with pytest.raises(errors.InvitationClosed):
        follow_ops.hold_for_invitation(db.session, open_one, slots[0].start, NOW, SETTINGS)


def test_an_invitation_for_a_withdrawn_service_is_closed(city):
    follow_up, _ = _plan(city, _dossier(city))
    slots = window_slots(db.session, follow_up, NOW, SETTINGS)
    city.service.active = False
    with pytest.raises(errors.InvitationClosed):
        follow_ops.hold_for_invitation(db.session, follow_up, slots[0].start, NOW, SETTINGS)


def test_back_office_time_keeps_no_address_to_mail(city):
    start = local_datetime(MONDAY + timedelta(days=22), time(13))
    from portal.models import Shift

    db.session.add(
        Shift(
            staff_id=city.staff[0].id,
            kind=ShiftKind.BACK_OFFICE,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
    )
    follow_up, _ = _plan(city, _dossier(city), invited=False, back_office=True)
    slots = window_slots(db.session, follow_up, NOW, SETTINGS, AudienceKind.STAFF)
    visit = follow_ops.book_follow_up_now(db.session, follow_up, slots[0].start, NOW, SETTINGS)
    assert (visit.channel, visit.email) == ("back_office", None)
    assert visit.reminder_sent_at == NOW
