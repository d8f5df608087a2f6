"""The demo city's dossiers and accounts: every team follows up real cases, with
invitations open, expiring, used, expired and revoked, a follow-up booked by the clerk and
back-office time; every demo person signs in with the demo password."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from portal.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD, TEAMS
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import (
    Appointment,
    AppointmentStatus,
    Dossier,
    DossierStatus,
    DossierSubject,
    FollowUp,
    FollowUpState,
    Shift,
    ShiftKind,
    StaffMember,
    StaffNotification,
)
from portal.timeutil import local_today, to_local
from tests.conftest import DEMO_NOW
from tests.web.staff_helpers import new_client, sign_in

TEAM_CODES = [code for code, *_rest in TEAMS]
NEWCOMERS_CLERK = "nieuwkomers@stad.example"


@pytest.fixture
def demo(demo_app):
    """A session on the (read-only) demo city."""
    with demo_app.app_context():
        yield db.session
        db.session.rollback()


def _dossiers(session) -> list[Dossier]:
    return list(session.scalars(select(Dossier).order_by(Dossier.id)))


def test_every_team_has_dossier_subjects_named_in_every_language(demo):
    subjects = demo.scalars(select(DossierSubject)).all()
    assert {subject.team.code for subject in subjects} == set(TEAM_CODES)
    for subject in subjects:
        assert set(subject.names) == set(LANGUAGES), subject.code
        assert all(name.strip() for name in subject.names.values())
    eid = next(subject for subject in subjects if subject.code == "eid")
    assert (eid.follow_up_after_days, eid.follow_up_window_days) == (21, 90)


def test_every_team_follows_up_dossiers_owned_by_its_own_people(demo):
    dossiers = _dossiers(demo)
    assert Counter(d.team.code for d in dossiers).keys() == set(TEAM_CODES)
    for dossier in dossiers:
        assert dossier.owner.team_id == dossier.team_id
        assert dossier.subject.team_id == dossier.team_id
    statuses = {d.status for d in dossiers}
    assert statuses == set(DossierStatus)
    for dossier in dossiers:
        assert bool(dossier.outcome) == (dossier.status == DossierStatus.CLOSED)
        assert bool(dossier.waiting_for) == (dossier.status == DossierStatus.WAITING_OTHER)
        assert (dossier.closed_at is not None) == dossier.is_closed
    assert any(d.notes for d in dossiers)
    today = local_today(DEMO_NOW)
    assert any(d.due_on and d.due_on < today for d in dossiers if not d.is_closed)


def test_the_newcomers_clerk_owns_dossiers_of_andere_nationaliteiten(demo):
    clerk = demo.scalar(select(StaffMember).where(StaffMember.email == NEWCOMERS_CLERK))
    assert clerk.team.code == "andere_nationaliteiten" and clerk.role.value == "clerk"
    owned = [d for d in _dossiers(demo) if d.owner_id == clerk.id]
    assert len(owned) >= 3 and any(not d.is_closed for d in owned)


def test_invitations_in_every_state_and_used_ones_booked_inside_their_window(demo):
    follow_ups = demo.scalars(select(FollowUp)).all()
    invitations = [f for f in follow_ups if f.invited]
    states = Counter(f.state(DEMO_NOW) for f in invitations)
    assert set(states) == set(FollowUpState)
    today = local_today(DEMO_NOW)
    expiring = [
        f
        for f in invitations
        if f.state(DEMO_NOW) == FollowUpState.OPEN and (f.latest - today).days <= 3
    ]
    assert expiring and any(f.reminder_sent_at for f in expiring)
    for follow_up in follow_ups:
        visit = follow_up.appointment
        assert (visit is not None) == (follow_up.used_at is not None)
        if visit is None:
            continue
        assert visit.status == AppointmentStatus.CONFIRMED and visit.starts_at > DEMO_NOW
        assert follow_up.earliest <= to_local(visit.starts_at).date() <= follow_up.latest
        assert visit.dossier_id == follow_up.dossier_id
        if not follow_up.any_colleague:
            assert visit.staff_id == follow_up.staff_id


def test_the_clerk_booked_follow_ups_at_the_counter_and_in_the_back_office(demo):
    booked = [f for f in demo.scalars(select(FollowUp)) if not f.invited]
    assert all(f.appointment is not None for f in booked)
    back_office = [f for f in booked if f.shift_kind == ShiftKind.BACK_OFFICE]
    assert back_office
    for follow_up in back_office:
        visit = follow_up.appointment
        covering = demo.scalar(
            select(Shift.id).where(
                Shift.staff_id == visit.staff_id,
                Shift.kind == ShiftKind.BACK_OFFICE,
                Shift.starts_at <= visit.starts_at,
                Shift.ends_at >= visit.ends_at,
            )
        )
        assert covering is not None
    assert any(f.shift_kind == ShiftKind.COUNTER for f in booked)


def test_dossiers_hold_visits_of_the_demo_and_their_history(demo):
    visits = demo.scalars(select(Appointment).where(Appointment.dossier_id.is_not(None))).all()
    statuses = {visit.status for visit in visits}
    assert {AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW} <= statuses
    linked = [v for v in visits if v.follow_up_id is None and v.starts_at > DEMO_NOW]
    assert len(linked) >= 2, "some existing demo visits are part of a dossier"
    past = [v for v in visits if v.starts_at < DEMO_NOW]
    assert all(v.status != AppointmentStatus.CONFIRMED for v in past)
    kinds = {n.kind.value for n in demo.scalars(select(StaffNotification))}
    assert {"booked", "no_show"} <= kinds


def test_every_demo_person_shares_one_password_hash(demo):
    hashes = {member.password_hash for member in demo.scalars(select(StaffMember))}
    assert len(hashes) == 1 and next(iter(hashes)).startswith("$argon2id$")


@pytest.mark.parametrize("team_code", TEAM_CODES)
def test_a_demo_person_without_a_named_account_signs_in(demo_app, frozen_clock, team_code):
    named = {email for *_rest, email in DEMO_ACCOUNTS}
    with demo_app.app_context():
        member = db.session.scalars(
            select(StaffMember)
            .where(StaffMember.email.not_in(named))
            .order_by(StaffMember.id.desc())
        ).all()
        email = next(m.email for m in member if m.team.code == team_code)
    response = sign_in(new_client(demo_app), email, DEMO_PASSWORD)
    assert response.status_code == 302, email


def test_the_newcomers_clerk_signs_in_and_opens_a_dossier_of_the_team(demo_app, frozen_clock):
    with demo_app.app_context():
        clerk = db.session.scalar(select(StaffMember).where(StaffMember.email == NEWCOMERS_CLERK))
        own = db.session.scalar(
            select(Dossier.id).where(Dossier.owner_id == clerk.id).order_by(Dossier.id)
        )
        other = db.session.scalar(
            select(Dossier.id).where(Dossier.team_id != clerk.team_id).order_by(Dossier.id)
        )
    client = new_client(demo_app)
    assert sign_in(client, NEWCOMERS_CLERK).status_code == 302
    assert client.get(f"/medewerkers/dossiers/{own}").status_code == 200
    assert client.get(f"/medewerkers/dossiers/{other}").status_code == 404
