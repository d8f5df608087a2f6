"""The public's free times are kept in memory per process (portal/availability_cache.py),
yet a change committed by one process is seen by every other at its next request.

Process A is this test's portal; process B is a real second Python process on the same
database (a file, or a PostgreSQL database of its own) that answers the public API
through its own app and its own in-memory cache, and is asked again after every change
A commits: a booking, a cancel, a rota change, an absence, a closure, a service change,
and a hold that runs out by the clock alone (no write at all).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from typing import NamedTuple

import pytest

from portal.booking.contact import ContactDetails
from portal.booking.operations import book_hold, cancel, place_hold
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Absence, AbsenceKind, Closure, ClosureKind, Hold, Service, Shift
from portal.timeutil import local_datetime, utcnow
from tests.builders import build_city, open_weekday
from tests.databases import migrated_database, portal_on

# Process B: the portal on the URL in argv[1]; for every date read on stdin, the public
# API's free times of service argv[2] that day, as one line of JSON.
PROCESS_B = """
import json, sys
from portal import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "b", "TESTING": True})
client = app.test_client()
print("ready", flush=True)
for line in sys.stdin:
    answer = client.get(f"/api/v1/services/{sys.argv[2]}/slots?date={line.strip()}")
    print(json.dumps({"status": answer.status_code, "body": answer.json}), flush=True)
"""


class OtherProcess:
    """Process B, asked line by line."""

    def __init__(self, url: str, service_id: int):
        self.process = subprocess.Popen(
            [sys.executable, "-c", PROCESS_B, url, str(service_id)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def free_times(self, day: date) -> dict[datetime, datetime]:
        """Start → end of the free times B offers on ``day``."""
        self.process.stdin.write(day.isoformat() + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert answer["status"] == 200, answer
        return {
            datetime.fromisoformat(slot["start"]): datetime.fromisoformat(slot["end"])
            for slot in answer["body"]["slots"]
        }

    def stop(self) -> None:
        """End process B."""
        self.process.stdin.close()
        self.process.wait(timeout=30)


class CityIds(NamedTuple):
    """The built city's service, clerk and shift."""

    service: int
    staff: int
    shift: int


@pytest.fixture
def two_processes(backend, tmp_path_factory):
    """(app A, process B, the city's ids, the day) on one new database with one clerk."""
    url, cleanup = migrated_database(backend, "availability_cache", tmp_path_factory)
    app = portal_on(url, CANCELLED_REOPENS_AFTER_MINUTES=0, ACTIVATION_REQUIRED=False)
    day = open_weekday(date.today() + timedelta(days=3))
    with app.app_context():
        city = build_city(db.session, day, day, staff_count=1, min_notice_minutes=0)
        db.session.commit()
        ids = CityIds(city.service.id, city.staff[0].id, city.shifts[0].id)
        other = OtherProcess(url, ids.service)
    try:
        with app.app_context():
            yield app, other, ids, day
    finally:
        other.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        cleanup()


def _asked_twice(other: OtherProcess, day: date) -> dict:
    """B's free times, asked twice: the second answer comes from its memory."""
    first = other.free_times(day)
    assert other.free_times(day) == first
    return first


def test_a_booking_in_one_process_closes_the_time_in_the_other(two_processes):
    app, other, city, day = two_processes
    before = _asked_twice(other, day)
    start = local_datetime(day, min(t.time() for t in before))
    assert start in before
    settings = BookingSettings.from_config(app.config)
    service = db.session.get(Service, city.service)
    with app.test_request_context():
        hold, _token = place_hold(db.session, [service], 1, start, utcnow(), settings)
        db.session.commit()
        assert start not in other.free_times(day)  # a hold takes it too
        visit = book_hold(
            db.session, hold, ContactDetails(name="A", email="a@example.org"), utcnow(), settings
        )
        db.session.commit()
    assert start not in _asked_twice(other, day)

    cancel(db.session, visit, utcnow(), settings, enforce_cutoff=False)
    db.session.commit()
    assert _asked_twice(other, day) == before


def test_rota_absence_closure_and_service_changes_reach_the_other_process(two_processes):
    _app, other, city, day = two_processes
    before = _asked_twice(other, day)
    assert before
    shift = db.session.get(Shift, city.shift)
    shift_span = (shift.staff_id, shift.kind, shift.counter_id, shift.starts_at, shift.ends_at)
    db.session.delete(shift)
    db.session.commit()
    assert _asked_twice(other, day) == {}

    staff_id, kind, counter_id, starts_at, ends_at = shift_span
    db.session.add(
        Shift(
            staff_id=staff_id,
            kind=kind,
            counter_id=counter_id,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    )
    db.session.commit()
    assert _asked_twice(other, day) == before

    absence = Absence(
        staff_id=staff_id, kind=AbsenceKind.TRAINING, starts_at=starts_at, ends_at=ends_at
    )
    db.session.add(absence)
    db.session.commit()
    assert _asked_twice(other, day) == {}
    db.session.delete(absence)
    db.session.commit()
    assert _asked_twice(other, day) == before

    closure = Closure(
        starts_on=day, ends_on=day, kind=ClosureKind.ONE_OFF, reasons={"nl": "Verhuis"}
    )
    db.session.add(closure)
    db.session.commit()
    assert _asked_twice(other, day) == {}
    db.session.delete(closure)
    db.session.commit()
    assert _asked_twice(other, day) == before

    db.session.get(Service, city.service).duration_minutes = 30
    db.session.commit()
    longer = _asked_twice(other, day)
    assert longer
    assert all(end - start == timedelta(minutes=30) for start, end in longer.items())


def test_a_hold_that_runs_out_frees_the_time_without_any_write(two_processes):
    _app, other, city, day = two_processes
    before = _asked_twice(other, day)
    start = min(before)
    expires = utcnow() + timedelta(seconds=2)
    hold = Hold(
        staff_id=city.staff,
        service_ids=[city.service],
        persons=1,
        starts_at=start,
        ends_at=before[start],
        created_at=utcnow(),
        expires_at=expires,
    )
    hold.claim_time()
    db.session.add(hold)
    db.session.commit()
    assert start not in _asked_twice(other, day)
    time.sleep(max(0.0, (expires - utcnow()).total_seconds()) + 0.2)
    assert _asked_twice(other, day) == before
