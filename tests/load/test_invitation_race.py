"""Fifty tabs open one invitation and book at once: exactly one visit is booked.

Real threads, each with its own app context and database connection, on SQLite and on
PostgreSQL. Each racer holds a different free time of the invitation's clerk, so the
slot claims do not decide: the conditional UPDATE that marks the invitation used does
(and ``appointment.follow_up_id`` is unique behind it). A second race sends everyone to
the same time, where the slot claim and the invitation both stand in the way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.booking.contact import ContactDetails
from portal.booking.errors import InvitationUsed, SlotTaken
from portal.booking.settings import BookingSettings
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.dossiers.windows import window_slots
from portal.extensions import db
from portal.models import Appointment, DossierSubject, FollowUp, Hold, SlotClaim, claim_units
from tests.load.conftest import MONDAY, NOW, RACERS, run_race

SETTINGS = BookingSettings(secret_key="race", activation_required=False, max_active_per_email=99)
SARA = ContactDetails(name="Sara Haddad", email="sara@example.org", language="ar")


@pytest.fixture
def invitation(race_app, one_clerk):
    """An invitation of Sara's dossier with the one clerk, Tuesday to Saturday; its id and
    the free times of its window."""
    subject = DossierSubject(team_id=one_clerk.team.id, code="eid", names={"nl": "eID"})
    db.session.add(subject)
    db.session.flush()
    dossier = ops.open_dossier(
        db.session, owner=one_clerk.staff[0], subject=subject, contact=SARA, now=NOW
    )
    plan = follow_ops.FollowUpPlan(
        services=[one_clerk.service],
        persons=1,
        staff=one_clerk.staff[0],
        earliest=MONDAY + timedelta(days=1),
        latest=MONDAY + timedelta(days=5),
    )
    follow_up, token = follow_ops.plan_follow_up(
        db.session, dossier, plan, invited=True, now=NOW, settings=SETTINGS
    )
    db.session.commit()
    assert token
    starts = [slot.start for slot in window_slots(db.session, follow_up, NOW, SETTINGS)]
    assert len(starts) >= RACERS
    return follow_up.id, starts


def _race(app, follow_up_id: int, starts) -> list[str]:
    """Let every racer hold ``starts[n]`` and book it with the invitation at the same
    moment; their outcomes."""

    def prepare(_start) -> FollowUp:
        follow_up = db.session.get(FollowUp, follow_up_id)
        follow_up.dossier  # noqa: B018 - loaded before the start, like a page would
        return follow_up

    def book(start, follow_up: FollowUp) -> None:
        hold, _ = follow_ops.hold_for_invitation(db.session, follow_up, start, NOW, SETTINGS)
        follow_ops.book_invitation(db.session, follow_up, hold, NOW, SETTINGS)
        db.session.commit()

    return run_race(app, starts, prepare, book, {InvitationUsed: "used", SlotTaken: "taken"})


def _one_visit_booked(follow_up_id: int) -> Appointment:
    """The invitation is used once: one visit, its claims and nothing else left behind."""
    db.session.expire_all()
    visits = db.session.scalars(select(Appointment)).all()
    assert len(visits) == 1
    visit = visits[0]
    assert visit.follow_up_id == follow_up_id and visit.channel == "invitation"
    assert db.session.get(FollowUp, follow_up_id).used_at == NOW
    assert db.session.scalar(select(func.count()).select_from(Hold)) == 0
    claims = db.session.scalars(select(SlotClaim.unit_start)).all()
    assert sorted(claims) == claim_units(visit.starts_at, visit.ends_at)
    return visit


def test_fifty_tabs_one_invitation_one_visit(race_app, invitation):
    follow_up_id, starts = invitation
    chosen = starts[:RACERS]  # fifty different free times of the clerk
    outcomes = _race(race_app, follow_up_id, chosen)
    assert len(outcomes) == RACERS
    assert outcomes.count("won") == 1, outcomes
    assert sorted(set(outcomes)) == ["used", "won"], outcomes
    assert _one_visit_booked(follow_up_id).starts_at in chosen


def test_fifty_tabs_one_invitation_one_time(race_app, invitation):
    follow_up_id, starts = invitation
    outcomes = _race(race_app, follow_up_id, [starts[0]] * RACERS)
    assert len(outcomes) == RACERS
    assert outcomes.count("won") == 1, outcomes
    assert set(outcomes) <= {"won", "used", "taken"}, outcomes
    assert _one_visit_booked(follow_up_id).starts_at == starts[0]
