"""Why a chosen clerk cannot take a visit (portal/staff/clerk_refusal.py): not qualified,
away, not at the counter, or busy, in that order (issue 16, item 4)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask import current_app

from portal.extensions import db
from portal.models import Absence, AbsenceKind, Service, ServiceText
from portal.staff.clerk_refusal import clerk_refusal
from portal.timeutil import local_datetime
from tests.builders import book, build_city, open_weekday
from tests.conftest import DEMO_TODAY


@pytest.fixture
def town(app):
    day = open_weekday(DEMO_TODAY + timedelta(days=7))
    city = build_city(db.session, day, day)
    city.day = day
    db.session.commit()
    return city


def _at(city, hour: int, minute: int = 0):
    return local_datetime(city.day, time(hour, minute))


def _reason(city, clerk, start, minutes: int = 15, services=None):
    end = start + timedelta(minutes=minutes)
    now = _at(city, 7)
    # The reasons are read in Dutch, as a request without a language gets them.
    with current_app.test_request_context():
        return clerk_refusal(db.session, clerk, services or [city.service], start, end, now)


def test_a_free_qualified_clerk_on_duty_has_no_reason(town):
    assert _reason(town, town.staff[0], _at(town, 9)) is None


def test_not_qualified(town):
    other = Service(code="rijbewijs", team=town.team, topic="driving", duration_minutes=15)
    other.texts["nl"] = ServiceText(language="nl", name="Rijbewijs")
    db.session.add(other)
    db.session.flush()
    reason = _reason(town, town.staff[0], _at(town, 9), services=[other])
    assert reason == f"{town.staff[0].name} is niet bevoegd voor deze dienst."


def test_away(town):
    clerk = town.staff[0]
    db.session.add(
        Absence(
            staff_id=clerk.id, kind=AbsenceKind.LEAVE, starts_at=_at(town, 8), ends_at=_at(town, 12)
        )
    )
    db.session.flush()
    assert _reason(town, clerk, _at(town, 9)) == f"{clerk.name} is op dat moment afwezig."


def test_not_at_the_counter(town):
    # The hall closes at 12:30 on this weekday; 12:30-12:45 lies outside every shift, and
    # 12:20-12:35 runs past the end of the morning's.
    clerk = town.staff[0]
    expected = f"{clerk.name} heeft op dat moment geen loketdienst."
    assert _reason(town, clerk, _at(town, 12, 30)) == expected
    assert _reason(town, clerk, _at(town, 12, 20)) == expected


def test_busy(town):
    clerk = town.staff[1]
    book(db.session, clerk, town.service, _at(town, 10), _at(town, 10, 15))
    expected = f"{clerk.name} heeft op dat moment al een afspraak."
    assert _reason(town, clerk, _at(town, 10, 5)) == expected
    # The other clerk is free then, and this one right after.
    assert _reason(town, town.staff[0], _at(town, 10, 5)) is None
    assert _reason(town, clerk, _at(town, 10, 15)) is None
