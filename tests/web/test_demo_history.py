"""The demo city's past year (portal/demo/history.py): a year of visits with every outcome,
the counter's day in order, no clerk in two places at once, the old visits as the purge
leaves them, a year of first-free records, the same data for the same seed."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from itertools import pairwise
from statistics import median

import pytest
from sqlalchemy import func, select

from portal.booking.retention import ANONYMISED_VISIT, ERASED_NAME, purge
from portal.demo import load_demo
from portal.demo.history import HISTORY_WEEKS
from portal.extensions import db
from portal.models import (
    Absence,
    Appointment,
    AppointmentService,
    AppointmentStatus,
    Closure,
    FirstFreeRecord,
    Service,
    Shift,
    ShiftKind,
    SlotClaim,
    StaffMember,
    claim_units,
)
from portal.timeutil import start_of_local_day, to_local
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.databases import migrated_database, portal_on

FIRST = DEMO_TODAY - timedelta(days=DEMO_TODAY.weekday())
START = FIRST - timedelta(weeks=HISTORY_WEEKS)
RETENTION = timedelta(days=90)


@pytest.fixture(scope="module")
def past(demo_app):
    """The past year's visits of the (read-only) demo city, read once: (session, visits)."""
    with demo_app.app_context():
        visits = db.session.scalars(
            select(Appointment)
            .where(
                Appointment.starts_at >= start_of_local_day(START),
                Appointment.starts_at < start_of_local_day(FIRST),
                Appointment.dossier_id.is_(None),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        ).all()
        yield db.session, visits
        db.session.rollback()


def test_a_year_of_visits_with_every_outcome_channel_and_month(past):
    _session, visits = past
    assert 15_000 <= len(visits) <= 35_000
    statuses = Counter(visit.status for visit in visits)
    assert set(statuses) == {
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.CANCELLED,
    }
    assert 0.78 <= statuses[AppointmentStatus.COMPLETED] / len(visits) <= 0.9
    assert 0.03 <= statuses[AppointmentStatus.NO_SHOW] / len(visits) <= 0.09
    assert 0.06 <= statuses[AppointmentStatus.CANCELLED] / len(visits) <= 0.14
    channels = Counter(visit.channel for visit in visits)
    assert channels["web"] > channels["staff"] > channels["api"] > 0
    assert not any(visit.follow_up_id for visit in visits)
    months = Counter(to_local(visit.starts_at).strftime("%Y-%m") for visit in visits)
    assert len(months) == 13  # December to December
    # Quieter in August and at Christmas than in June and September.
    busy = min(months["2026-06"], months["2026-09"])
    assert max(months["2026-08"], months["2025-12"]) < busy


def test_the_counter_day_is_in_order(past):
    _session, visits = past
    for visit in visits:
        assert visit.created_at < visit.starts_at
        if visit.channel != "staff":
            assert visit.starts_at - visit.created_at >= timedelta(hours=2)
            assert visit.created_at < visit.confirmed_at < visit.activation_expires_at
        assert visit.starts_at - visit.created_at <= timedelta(days=60)
        if visit.status == AppointmentStatus.COMPLETED:
            assert visit.arrived_at <= visit.called_at <= visit.service_started_at
            assert visit.service_started_at < visit.completed_at
            assert visit.called_counter_id == visit.counter_id
            assert visit.no_show_at is None and visit.cancelled_at is None
        elif visit.status == AppointmentStatus.NO_SHOW:
            assert visit.arrived_at is None and visit.starts_at < visit.no_show_at
        else:
            assert visit.confirmed_at < visit.cancelled_at < visit.starts_at
            assert visit.arrived_at is None and visit.sequence == 1


def test_waits_are_longer_at_the_busy_hours(past):
    _session, visits = past
    waits = defaultdict(list)
    for visit in visits:
        if visit.status == AppointmentStatus.COMPLETED:
            local = to_local(visit.starts_at)
            slot = "evening" if local.hour >= 16 else f"{local.weekday()}-{local.hour < 11}"
            waits[slot].append((visit.called_at - visit.arrived_at).total_seconds())
    calm = median(waits["3-False"])  # a Thursday late morning
    assert median(waits["0-True"]) > calm  # a Monday morning
    assert median(waits["evening"]) > calm  # the late opening


def test_no_clerk_sees_two_residents_at_once_and_every_visit_claims_its_time(past):
    session, visits = past
    by_clerk = defaultdict(list)
    for start, end, staff_id in session.execute(
        select(Appointment.starts_at, Appointment.ends_at, Appointment.staff_id).where(
            Appointment.status != AppointmentStatus.CANCELLED
        )
    ):
        by_clerk[staff_id].append((start, end))
    for spans in by_clerk.values():
        spans.sort()
        assert all(end <= following for (_s, end), (following, _e) in pairwise(spans))
    claims = dict(
        session.execute(
            select(SlotClaim.appointment_id, func.count()).group_by(SlotClaim.appointment_id)
        ).all()
    )
    for visit in visits:
        units = len(claim_units(visit.starts_at, visit.ends_at))
        expected = 0 if visit.status == AppointmentStatus.CANCELLED else units
        assert claims.get(visit.id, 0) == expected, visit.reference


def test_visits_lie_in_their_clerks_counter_shifts_for_services_they_handle(past):
    session, visits = past
    shifts = defaultdict(list)
    for staff_id, counter_id, start, end in session.execute(
        select(Shift.staff_id, Shift.counter_id, Shift.starts_at, Shift.ends_at).where(
            Shift.kind == ShiftKind.COUNTER, Shift.starts_at < start_of_local_day(FIRST)
        )
    ):
        shifts[staff_id].append((counter_id, start, end))
    handles = defaultdict(set)
    for member in session.scalars(select(StaffMember)):
        handles[member.id] = {service.id for service in member.services}
    booked = defaultdict(list)
    for visit_id, service_id in session.execute(
        select(AppointmentService.appointment_id, AppointmentService.service_id)
    ):
        booked[visit_id].append(service_id)
    for visit in visits:
        assert any(
            counter == visit.counter_id and start <= visit.starts_at and visit.ends_at <= end
            for counter, start, end in shifts[visit.staff_id]
        ), visit.reference
        assert booked[visit.id] and set(booked[visit.id]) <= handles[visit.staff_id]


def test_the_past_year_has_shifts_of_both_kinds_absences_and_closed_days(past):
    session, _visits = past
    since, before = start_of_local_day(START), start_of_local_day(FIRST)
    past_shifts = (Shift.starts_at >= since, Shift.starts_at < before)
    kinds = Counter(session.scalars(select(Shift.kind).where(*past_shifts)))
    assert 3000 < kinds[ShiftKind.COUNTER] < kinds[ShiftKind.BACK_OFFICE]
    assert session.scalars(select(Shift.plan_id).where(*past_shifts).distinct()).all() == [None]
    leave = select(func.count()).select_from(Absence).where(Absence.ends_at <= before)
    assert session.scalar(leave) > 42
    # Christmas (a public holiday) and Boxing Day (the city's own day) closed the hall.
    christmas = START.replace(month=12, day=25)
    boxing_day = christmas + timedelta(days=1)
    assert (
        session.scalar(
            select(func.count()).select_from(Closure).where(Closure.starts_on == boxing_day)
        )
        == 1
    )
    closed = (
        Shift.starts_at >= start_of_local_day(christmas),
        Shift.starts_at < start_of_local_day(boxing_day + timedelta(days=1)),
    )
    assert session.scalar(select(func.count()).select_from(Shift).where(*closed)) == 0


def test_old_visits_are_stored_as_the_purge_leaves_them(past):
    _session, visits = past
    cutoff = DEMO_NOW - RETENTION
    old = [visit for visit in visits if visit.ends_at < cutoff]
    recent = [visit for visit in visits if visit.ends_at >= cutoff]
    assert 0.6 <= len(old) / len(visits) <= 0.85 and recent
    for visit in old:
        assert {column: getattr(visit, column) for column in ANONYMISED_VISIT} == ANONYMISED_VISIT
        assert visit.spoken_language and visit.language  # kept for the figures
    assert all(visit.resident_name != ERASED_NAME for visit in recent)
    assert all(visit.email or visit.phone for visit in recent)
    assert any(visit.access_code_hash for visit in recent if visit.email is None)


def test_the_purge_finds_no_visit_left_to_forget(demo_app):
    with demo_app.app_context():
        report = purge(db.session, DEMO_NOW, retention=RETENTION)
        db.session.rollback()
    assert report.visits == 0


def test_a_year_of_first_free_records_for_every_public_service(past):
    session, _visits = past
    public = set(
        session.scalars(
            select(Service.id).where(Service.active.is_(True), Service.publicly_bookable.is_(True))
        )
    )
    rows = session.execute(
        select(FirstFreeRecord.service_id, FirstFreeRecord.recorded_on, FirstFreeRecord.days)
    ).all()
    days = (DEMO_TODAY - START).days
    per_service = Counter(service_id for service_id, _day, _days in rows)
    assert set(per_service) == public
    assert set(per_service.values()) == {days}
    assert {day for _s, day, _d in rows} == {
        START + timedelta(days=offset) for offset in range(days)
    }
    known = [value for _s, _d, value in rows if value is not None]
    assert min(known) >= 0 and 1 <= median(known) <= 10
    assert len(known) > 0.99 * len(rows)


def test_the_same_seed_gives_the_same_past_year(demo_app, backend, tmp_path_factory):
    url, cleanup = migrated_database(backend, "history_again", tmp_path_factory)
    again = portal_on(url)
    try:
        with again.app_context():
            load_demo(db.session, DEMO_TODAY, DEMO_NOW)
            db.session.commit()
            second = _fingerprint(db.session)
            db.session.remove()
            db.engine.dispose()
    finally:
        cleanup()
    with demo_app.app_context():
        first = _fingerprint(db.session)
        db.session.rollback()
    assert first == second


def _fingerprint(session) -> tuple:
    """The past year's rows, without ids, in a fixed order."""
    before = start_of_local_day(FIRST)
    visits = session.execute(
        select(
            Appointment.reference,
            Appointment.staff_id,
            Appointment.starts_at,
            Appointment.ends_at,
            Appointment.status,
            Appointment.channel,
            Appointment.created_at,
            Appointment.cancelled_at,
            Appointment.arrived_at,
            Appointment.called_at,
            Appointment.completed_at,
            Appointment.resident_name,
            Appointment.email,
            Appointment.spoken_language,
            Appointment.manage_token_hash,
        )
        .where(Appointment.starts_at < before, Appointment.dossier_id.is_(None))
        .order_by(Appointment.reference)
    ).all()
    shifts = session.execute(
        select(Shift.staff_id, Shift.kind, Shift.counter_id, Shift.starts_at, Shift.ends_at)
        .where(Shift.starts_at < before)
        .order_by(Shift.staff_id, Shift.starts_at)
    ).all()
    absences = session.execute(
        select(Absence.staff_id, Absence.kind, Absence.starts_at)
        .where(Absence.ends_at <= before)
        .order_by(Absence.staff_id, Absence.starts_at)
    ).all()
    records = session.execute(
        select(
            FirstFreeRecord.service_id, FirstFreeRecord.recorded_on, FirstFreeRecord.days
        ).order_by(FirstFreeRecord.service_id, FirstFreeRecord.recorded_on)
    ).all()
    return tuple(map(tuple, visits)), tuple(shifts), tuple(absences), tuple(records)
