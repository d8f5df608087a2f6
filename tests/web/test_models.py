"""Invariants the database keeps itself, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from portal.extensions import db
from portal.models import Absence, AbsenceKind, Hold, Shift, ShiftKind, claim_units
from portal.timeutil import local_datetime
from tests.builders import book, build_city

DAY = date(2026, 12, 8)


def _at(hour: int, minute: int = 0) -> datetime:
    return local_datetime(DAY, time(hour, minute))


def test_naive_datetimes_are_refused(app):
    city = build_city(db.session, DAY, DAY)
    db.session.add(
        Absence(
            staff_id=city.staff[0].id,
            kind=AbsenceKind.LEAVE,
            starts_at=datetime(2026, 12, 8, 9),
            ends_at=datetime(2026, 12, 8, 17),
        )
    )
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()


def test_datetimes_come_back_as_aware_utc(app):
    city = build_city(db.session, DAY, DAY)
    brussels = datetime(2026, 12, 8, 9, 30, tzinfo=ZoneInfo("Europe/Brussels"))
    quarter = timedelta(minutes=15)
    visit = book(db.session, city.staff[0], city.service, brussels, brussels + quarter)
    db.session.commit()
    db.session.expire_all()
    assert visit.starts_at == brussels
    assert visit.starts_at.tzinfo == UTC
    assert visit.starts_at.hour == 8


def test_the_database_refuses_a_double_booking(app):
    city = build_city(db.session, DAY, DAY)
    clerk = city.staff[0]
    book(db.session, clerk, city.service, _at(9), _at(9, 15))
    db.session.commit()
    with pytest.raises(IntegrityError):
        book(db.session, clerk, city.service, _at(9, 10), _at(9, 25))
    db.session.rollback()
    # Touching is not overlapping; another clerk at the same time is fine.
    book(db.session, clerk, city.service, _at(9, 15), _at(9, 30))
    book(db.session, city.staff[1], city.service, _at(9), _at(9, 15))
    db.session.commit()


def test_a_live_hold_and_a_visit_cannot_share_time(app):
    city = build_city(db.session, DAY, DAY)
    clerk = city.staff[0]
    hold = Hold(
        staff_id=clerk.id,
        service_ids=[city.service.id],
        starts_at=_at(10),
        ends_at=_at(10, 15),
        expires_at=_at(8),
    )
    hold.claim_time()
    db.session.add(hold)
    db.session.commit()
    with pytest.raises(IntegrityError):
        book(db.session, clerk, city.service, _at(10), _at(10, 15))
    db.session.rollback()
    hold.release_time()
    db.session.commit()
    book(db.session, clerk, city.service, _at(10), _at(10, 15))
    db.session.commit()


def test_a_cancelled_visit_gives_its_time_back(app):
    city = build_city(db.session, DAY, DAY)
    visit = book(db.session, city.staff[0], city.service, _at(11), _at(11, 30))
    visit.release_time()
    db.session.commit()
    book(db.session, city.staff[0], city.service, _at(11), _at(11, 30))
    db.session.commit()


def test_a_counter_shift_needs_a_counter(app):
    city = build_city(db.session, DAY, DAY)
    db.session.add(
        Shift(staff_id=city.staff[0].id, kind=ShiftKind.COUNTER, starts_at=_at(9), ends_at=_at(10))
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_service_durations_are_whole_units(app):
    city = build_city(db.session, DAY, DAY)
    city.service.duration_minutes = 17
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_claim_units_cover_exactly_the_overlaps():
    start = datetime(2026, 12, 8, 8, 3, tzinfo=UTC)
    units = claim_units(start, start + timedelta(minutes=10))
    assert [u.minute for u in units] == [0, 5, 10]
    assert claim_units(start, start) == []
