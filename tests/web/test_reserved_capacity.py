"""Reserved capacity through the database: the public API never offers reserved time
while it is reserved and offers it on time, staff and invitations see it, every offered
time can be booked, and public bookings, holds, the clerk's bookings and invitations
together never book one time twice.

They run on a small city of their own (two clerks, the city's hours, four weeks from
Monday 7 December 2026), so the free times can be worked out by hand. The settings page
itself is tested in test_planning_reserved.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import combinations

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.availability import load_availability
from portal.booking.contact import ContactDetails
from portal.booking.errors import InvitationUsed, OutsideWindow, SlotTaken
from portal.booking.operations import book_hold, place_hold
from portal.booking.selection import free_slot_at
from portal.booking.settings import BookingSettings
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.dossiers.windows import window_slots
from portal.extensions import db
from portal.models import (
    Appointment,
    Dossier,
    DossierSubject,
    FollowUp,
    Hold,
    Service,
    Shift,
    SlotClaim,
    StaffMember,
    Team,
    claim_units,
)
from portal.scheduling.audience import AudienceKind, reserved_tail
from portal.timeutil import CITY_TZ, local_datetime, to_local
from tests.builders import build_city
from tests.conftest import _database, empty_all_tables, make_app
from tests.web.api_booking_helpers import OwnContextClient

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
LAST_DAY = MONDAY + timedelta(days=27)  # Sunday 3 January 2027
GRID = timedelta(minutes=15)
VISIT = timedelta(minutes=15)
HOLIDAYS = {date(2026, 12, 25), date(2027, 1, 1)}
SETTINGS = BookingSettings(
    secret_key="test-secret", activation_required=False, max_active_per_email=999
)
SARA = ContactDetails(name="Sara Haddad", email="sara@example.org", language="ar")


# ------------------------------------------------------------------------- the city


@pytest.fixture(scope="module")
def city_app(backend, tmp_path_factory):
    """An empty portal of this module's own; each test builds its city in it."""
    url, cleanup = _database(backend, "reserved", tmp_path_factory)
    app = make_app(url, RATELIMIT_ENABLED=False, MAIL_SEND_AFTER_REQUEST=False)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    cleanup()


def new_city(app, percent: int, release_days: int) -> dict:
    """Empty the database and build two clerks at the counter for four weeks, their
    team reserving ``percent`` released ``release_days`` working days ahead, a dossier
    of Sara's; the ids."""
    with app.app_context():
        empty_all_tables(db.session)
        city = build_city(db.session, MONDAY, LAST_DAY, staff_count=2)
        city.team.reserved_percent = percent
        city.team.reserved_release_days = release_days
        subject = DossierSubject(team_id=city.team.id, code="eid", names={"nl": "eID"})
        db.session.add(subject)
        db.session.flush()
        dossier = ops.open_dossier(
            db.session, owner=city.staff[0], subject=subject, contact=SARA, now=NOW
        )
        db.session.commit()
        return {
            "team": city.team.id,
            "service": city.service.id,
            "staff": [member.id for member in city.staff],
            "dossier": dossier.id,
        }


def set_reservation(app, team_id: int, percent: int, release_days: int) -> None:
    with app.app_context():
        team = db.session.get(Team, team_id)
        team.reserved_percent, team.reserved_release_days = percent, release_days
        db.session.commit()


def follow_up(city, first: date, last: date, *, clerk: int = 0, invited=True, **kwargs):
    """A follow-up of Sara's dossier (in the caller's app context), committed."""
    plan = follow_ops.FollowUpPlan(
        services=[db.session.get(Service, city["service"])],
        persons=1,
        staff=db.session.get(StaffMember, city["staff"][clerk]),
        earliest=first,
        latest=last,
        **kwargs,
    )
    dossier = db.session.get(Dossier, city["dossier"])
    made, _token = follow_ops.plan_follow_up(
        db.session, dossier, plan, invited=invited, now=NOW, settings=SETTINGS
    )
    db.session.commit()
    return made


# ----------------------------------------------------------------------- the oracle


def release_moment(today: date, release_days: int) -> datetime:
    """Reserved time counts from the midnight after the ``release_days``-th working day
    (Monday to Saturday, not a public holiday) from ``today``, today included."""
    if release_days == 0:
        return local_datetime(today, time(0))
    day, counted = today, 0
    while True:
        if day.weekday() < 6 and day not in HOLIDAYS:
            counted += 1
            if counted == release_days:
                return local_datetime(day + timedelta(days=1), time(0))
        day += timedelta(days=1)


def turns_on(day: date, staff_id: int) -> list[tuple[datetime, datetime]]:
    """The clerk's counter turns starting on local ``day`` (in an app context)."""
    rows = db.session.execute(
        select(Shift.starts_at, Shift.ends_at).where(
            Shift.staff_id == staff_id,
            Shift.starts_at >= local_datetime(day, time(0)),
            Shift.starts_at < local_datetime(day + timedelta(days=1), time(0)),
        )
    ).all()
    return sorted((start, end) for start, end in rows)


def grid_starts(turns, now: datetime, percent: int = 0, released: datetime | None = None):
    """Every quarter-hour start of an empty calendar's ``turns`` from ``now``; with a
    ``percent``, without the reserved tail of the turns that start after ``released``."""
    starts = set()
    for start, end in turns:
        if percent and start >= released:
            end -= reserved_tail((start, end), percent, GRID)
        moment = start
        while moment + VISIT <= end:
            if moment >= now:
                starts.add(moment)
            moment += GRID
    return starts


def api_starts(client, service_id: int, day: date) -> set[datetime]:
    response = client.get(f"/api/v1/services/{service_id}/slots?date={day.isoformat()}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {datetime.fromisoformat(slot["start"]) for slot in response.json["slots"]}


# ---------------------------------------------------- offered publicly, and on time

clock_moments = st.one_of(
    st.sampled_from(
        [
            NOW,
            local_datetime(MONDAY, time(23, 59, 59)),
            local_datetime(MONDAY + timedelta(days=1), time(0)),
            local_datetime(date(2026, 12, 12), time(10)),  # a Saturday
            local_datetime(date(2026, 12, 13), time(10)),  # Sunday: closed today
            local_datetime(date(2026, 12, 23), time(12)),  # Christmas ahead
        ]
    ),
    st.builds(
        lambda offset, quarter: (
            local_datetime(MONDAY + timedelta(days=offset), time(0)) + quarter * GRID
        ),
        st.integers(0, 16),
        st.integers(0, 95),
    ),
)


@pytest.fixture(scope="module")
def api_city(city_app):
    """The city with nothing booked, and an invitation of the first clerk for all of it."""
    city = new_city(city_app, 0, 0)
    with city_app.app_context():
        city["invitation"] = follow_up(city, MONDAY, LAST_DAY).id
    return city


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(percent=st.integers(0, 90), release_days=st.integers(0, 6), clock=clock_moments)
def test_the_public_never_sees_reserved_time_and_staff_and_invitations_do(
    city_app, api_city, percent, release_days, clock
):
    city = api_city
    set_reservation(city_app, city["team"], percent, release_days)
    today = to_local(clock).date()
    released = release_moment(today, release_days)
    days = [today + timedelta(days=n) for n in range(8) if today + timedelta(days=n) <= LAST_DAY]
    client = OwnContextClient(city_app, city_app.response_class)
    with time_machine.travel(clock, tick=False), city_app.app_context():
        service = db.session.get(Service, city["service"])
        invitation = db.session.get(FollowUp, city["invitation"])
        invited = {slot.start for slot in window_slots(db.session, invitation, clock, SETTINGS)}
        staff = load_availability(
            db.session, [service], 1, days[0], days[-1], clock,
            grid_minutes=15, tz=CITY_TZ, for_staff=True,
        ).slots()  # fmt: skip
        staff_starts = {slot.start for slot in staff}
        for day in days:
            turns = [] if day in HOLIDAYS else turns_on(day, city["staff"][0])
            public = api_starts(client, city["service"], day)
            assert public == grid_starts(turns, clock, percent, released), (day, clock)
            everything = grid_starts(turns, clock)
            assert {s for s in staff_starts if to_local(s).date() == day} == everything
            assert {s for s in invited if to_local(s).date() == day} == everything


def test_reserved_time_opens_at_the_midnight_that_brings_it_within_the_release_days(city_app):
    city = new_city(city_app, 20, 3)
    client = OwnContextClient(city_app, city_app.response_class)
    thursday = MONDAY + timedelta(days=3)
    tail = [local_datetime(thursday, time(h, m)) for h, m in ((11, 45), (12, 0), (12, 15))]
    # Monday evening the three working days are Monday to Wednesday: 20% of Thursday's
    # 09:00–12:30 (45 minutes) is still reserved. At midnight Thursday is the third.
    with time_machine.travel(local_datetime(MONDAY, time(23, 59, 59)), tick=False):
        before = api_starts(client, city["service"], thursday)
    with time_machine.travel(local_datetime(MONDAY + timedelta(days=1), time(0)), tick=False):
        after = api_starts(client, city["service"], thursday)
    assert max(before) == local_datetime(thursday, time(11, 30))
    assert not set(tail) & before
    assert set(tail) <= after and before < after
    # Wednesday's long turn keeps 90 of its 420 minutes back.
    wednesday = MONDAY + timedelta(days=9)
    with time_machine.travel(NOW, tick=False):
        later = api_starts(client, city["service"], wednesday)
    assert max(later) == local_datetime(wednesday, time(14, 15))


def test_every_offered_time_can_be_booked_and_a_reserved_one_only_by_invitation(city_app):
    city = new_city(city_app, 30, 1)
    thursday = MONDAY + timedelta(days=3)
    with city_app.app_context():
        service = db.session.get(Service, city["service"])
        public = load_availability(
            db.session, [service], 1, thursday, thursday, NOW, grid_minutes=15, tz=CITY_TZ
        ).slots()
        assert public
        for slot in public:
            hold, _token = place_hold(db.session, [service], 1, slot.start, NOW, SETTINGS)
            book_hold(db.session, hold, SARA, NOW, SETTINGS)
        db.session.rollback()
        reserved = local_datetime(thursday, time(12, 15))
        assert reserved not in {slot.start for slot in public}
        with pytest.raises(SlotTaken):
            place_hold(db.session, [service], 1, reserved, NOW, SETTINGS)
        db.session.rollback()
        invitation = follow_up(city, thursday, thursday + timedelta(days=7), clerk=1)
        offered = window_slots(db.session, invitation, NOW, SETTINGS)
        assert reserved in {slot.start for slot in offered}
        assert all(slot.staff_ids == (city["staff"][1],) for slot in offered)
        for slot in offered[::7]:
            hold, _token = follow_ops.hold_for_invitation(
                db.session, invitation, slot.start, NOW, SETTINGS
            )
            visit = follow_ops.book_invitation(db.session, invitation, hold, NOW, SETTINGS)
            assert (visit.staff_id, visit.starts_at) == (city["staff"][1], slot.start)
            db.session.rollback()
            db.session.refresh(invitation)


# ------------------------------------------------- three channels, never one time twice

CHANNELS = ("public", "hold", "staff", "invitation", "invitation_again")
actions = st.tuples(
    st.sampled_from(CHANNELS),
    st.integers(1, 3),  # Tuesday (released) to Thursday (reserved)
    st.integers(6, 13),  # 10:30 .. 12:15, half of it reserved from Wednesday
    st.integers(0, 1),  # which clerk
    st.booleans(),  # any colleague may take it
)


def _prepare(city, channel, start, clerk, any_colleague, last_invitation):
    """The follow-up an action uses (new ones committed) and whether ``start`` is offered
    to it just before: (follow-up id or None, offered)."""
    service = db.session.get(Service, city["service"])
    if channel in ("public", "hold"):
        return None, free_slot_at(db.session, [service], 1, start, NOW, SETTINGS) is not None
    if channel == "invitation_again" and last_invitation is not None:
        invitation = db.session.get(FollowUp, last_invitation)
    else:
        day = to_local(start).date()
        invitation = follow_up(
            city, day, day + timedelta(days=2), clerk=clerk, invited=channel != "staff",
            any_colleague=any_colleague,
        )  # fmt: skip
    if invitation.used_at is not None:
        return invitation.id, False
    kind = AudienceKind.STAFF if channel == "staff" else AudienceKind.INVITATION
    slots = window_slots(db.session, invitation, NOW, SETTINGS, kind)
    return invitation.id, start in {slot.start for slot in slots}


def _book(city, channel, start, follow_up_id) -> None:
    """Book ``start`` through the channel: a resident online (or only holding it), the
    clerk at the counter, or the resident with an invitation."""
    if channel in ("public", "hold"):
        service = db.session.get(Service, city["service"])
        hold, _token = place_hold(db.session, [service], 1, start, NOW, SETTINGS)
        if channel == "public":
            book_hold(db.session, hold, SARA, NOW, SETTINGS)
        return
    invitation = db.session.get(FollowUp, follow_up_id)
    if channel == "staff":
        follow_ops.book_follow_up_now(db.session, invitation, start, NOW, SETTINGS)
        return
    hold, _token = follow_ops.hold_for_invitation(db.session, invitation, start, NOW, SETTINGS)
    follow_ops.book_invitation(db.session, invitation, hold, NOW, SETTINGS)


def _used(follow_up_id: int | None) -> bool:
    return follow_up_id is not None and db.session.get(FollowUp, follow_up_id).used_at is not None


def _check_the_books(city, released: datetime) -> None:
    """No clerk has two visits or holds at once; every one claims exactly its units; an
    invitation booked at most one visit; no public visit sits in reserved time."""
    visits = db.session.scalars(select(Appointment).where(Appointment.filter_active(NOW))).all()
    holds = db.session.scalars(select(Hold).where(Hold.filter_live(NOW))).all()
    spans = [(v.staff_id, v.starts_at, v.ends_at) for v in visits]
    spans += [(h.staff_id, h.starts_at, h.ends_at) for h in holds]
    for (a_staff, a_start, a_end), (b_staff, b_start, b_end) in combinations(spans, 2):
        assert a_staff != b_staff or a_end <= b_start or b_end <= a_start
    claims = db.session.execute(
        select(
            SlotClaim.staff_id, SlotClaim.unit_start, SlotClaim.appointment_id, SlotClaim.hold_id
        )
    ).all()
    assert len(claims) == len({(staff, unit) for staff, unit, _a, _h in claims})
    expected = {
        (v.staff_id, u, v.id, None) for v in visits for u in claim_units(v.starts_at, v.ends_at)
    }
    expected |= {
        (h.staff_id, u, None, h.id) for h in holds for u in claim_units(h.starts_at, h.ends_at)
    }
    assert set(claims) == expected
    used = db.session.scalars(
        select(Appointment.follow_up_id).where(Appointment.follow_up_id.is_not(None))
    ).all()
    assert len(used) == len(set(used))
    public = [v for v in visits if v.channel == "web"] + [h for h in holds if not h.follow_up_id]
    for span in public:
        if span.starts_at >= released:
            turns = turns_on(to_local(span.starts_at).date(), span.staff_id)
            turn = next(t for t in turns if t[0] <= span.starts_at < t[1])
            assert span.ends_at <= turn[1] - reserved_tail(turn, 30, GRID)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(actions, min_size=1, max_size=16))
def test_public_holds_clerks_and_invitations_never_book_one_time_twice(city_app, steps):
    city = new_city(city_app, 30, 2)
    released = release_moment(MONDAY, 2)  # Wednesday 00:00: Tuesday is open to all
    last_invitation = None
    with city_app.app_context():
        for channel, day_offset, quarter, clerk, any_colleague in steps:
            start = local_datetime(MONDAY + timedelta(days=day_offset), time(9)) + quarter * GRID
            follow_up_id, offered = _prepare(
                city, channel, start, clerk, any_colleague, last_invitation
            )
            if channel.startswith("invitation"):
                last_invitation = follow_up_id
            try:
                _book(city, channel, start, follow_up_id)
                db.session.commit()
                booked = True
            except (SlotTaken, OutsideWindow, InvitationUsed) as refused:
                db.session.rollback()
                booked = False
                used = isinstance(refused, InvitationUsed)
                assert used == (
                    channel == "invitation_again" and not offered and _used(follow_up_id)
                )
            # Booked exactly when offered: every offered time can be booked, nothing else.
            assert booked == offered, (channel, start)
            _check_the_books(city, released)
