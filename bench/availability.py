"""Benchmark of free-time computation: the city's opening hours, 8 counter clerks, one
15-minute service, 60 days ahead, about 70% of times booked.

Prints, for (a) the free times of one day and (b) the days with a free time over 60 days:
the median time of the real path (queries + scheduling core) and its number of SQL
queries, beside floors computed in memory on the very same data: the naive reference
(``naive_free_slots``: a linear scan per candidate time) and the core alone. Then the path
the public pages and API take (``portal.availability_cache``): kept in memory (one query
for the cache generations), right after a booking on one day committed anywhere (a hold
added or removed on a random day of the window, committed before the timed call: only
that day is read again), and recomputed in full (after an opening-hour or service change,
or a write that names no days).

    .venv/bin/python bench/availability.py [--database URL] [--repeat N]

Without --database it uses a new SQLite file; pass a PostgreSQL URL to measure that.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time as clock
from datetime import date, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import event, select

from portal import availability_cache, create_app
from portal.availability import load_availability
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentService,
    Hold,
    Service,
    Shift,
)
from portal.scheduling import free_slots
from portal.scheduling.availability import naive_free_slots
from portal.timeutil import CITY_TZ, local_datetime
from tests.builders import build_city

FIRST_DAY = date(2027, 2, 1)  # a Monday without public holidays in the weeks after
NOW = local_datetime(FIRST_DAY, time(7))
DAYS, CLERKS, BOOKED = 60, 8, 0.7
SLOT = timedelta(minutes=15)


def build(session, days: int = DAYS, clerks: int = CLERKS, history_days: int = 0) -> int:
    """The benchmark's city (``days`` ahead, ``clerks``, 70% booked, and as busy a past of
    ``history_days`` before it); returns the service id."""
    rng = random.Random(1)
    city = build_city(
        session,
        FIRST_DAY - timedelta(days=history_days),
        FIRST_DAY + timedelta(days=days),
        staff_count=clerks,
        minutes=15,
        horizon_days=min(days, 366),
    )
    offered = booked = 0
    for shift in city.shifts:
        moment = shift.starts_at
        while moment + SLOT <= shift.ends_at:
            offered += 1
            if rng.random() < BOOKED:
                booked += 1
                visit = Appointment(
                    staff_id=shift.staff_id,
                    resident_name="Bewoner",
                    starts_at=moment,
                    ends_at=moment + SLOT,
                )
                visit.booked_services = [AppointmentService(service=city.service)]
                visit.claim_time()
                session.add(visit)
            moment += SLOT
    session.commit()
    print(
        f"data: {clerks} clerks, {offered} clerk-times of 15 min over {days + history_days} "
        f"days ({history_days} of them past), {booked} booked ({booked / offered:.0%})"
    )
    return city.service.id


class OneDayChange:
    """A committed change on one random day of a window, as a booking anywhere would
    make: a hold added (or the last one removed again) for one clerk at 10:00."""

    def __init__(self, session, service_id: int):
        self.session, self.service_id = session, service_id
        self.rng = random.Random(7)
        self.clerk = session.scalar(select(Shift.staff_id).limit(1))

    def __call__(self, first: date, final: date) -> None:
        held = self.session.scalars(select(Hold)).first()
        if held is not None:
            self.session.delete(held)
        else:
            day = first + timedelta(days=self.rng.randrange((final - first).days + 1))
            start = local_datetime(day, time(10))
            self.session.add(
                Hold(
                    staff_id=self.clerk,
                    service_ids=[self.service_id],
                    persons=1,
                    starts_at=start,
                    ends_at=start + SLOT,
                    created_at=NOW,
                    expires_at=NOW + timedelta(minutes=10),
                )
            )
        self.session.commit()


def after_change_ms(change, measure, check, repeat: int) -> tuple[float, int]:
    """Median time of ``measure()`` each time right after ``change()`` (not timed), its
    answer checked against ``check()``; and its queries after one more change."""
    times = []
    for _ in range(repeat + 1):
        change()
        started = clock.perf_counter()
        result = measure()
        times.append(clock.perf_counter() - started)
        assert result == check()
    change()
    return statistics.median(times[1:]) * 1000, count_queries(measure)


def median_ms(function, repeat: int) -> float:
    """Median wall time of ``function`` in milliseconds, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        started = clock.perf_counter()
        function()
        times.append(clock.perf_counter() - started)
    return statistics.median(times) * 1000


def count_queries(function) -> int:
    """How many SQL statements ``function`` sends."""
    statements = []

    def record(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        function()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def main() -> None:
    """Build the data, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        service_id = build(db.session)
        last = FIRST_DAY + timedelta(days=DAYS - 1)
        one_day = FIRST_DAY + timedelta(days=9)  # a Wednesday: the longest day

        def real(first, final):
            db.session.expire_all()
            service = db.session.get(Service, service_id)
            return load_availability(
                db.session, [service], 1, first, final, NOW, grid_minutes=15, tz=CITY_TZ
            )

        def public(first, final):
            db.session.expire_all()
            service = db.session.get(Service, service_id)
            return availability_cache.public_availability(
                db.session, [service], 1, first, final, NOW, grid_minutes=15, tz=CITY_TZ
            )

        change = OneDayChange(db.session, service_id)

        def after_booking_ms(first, final, answer) -> tuple[float, int]:
            """Median time and queries of the public path right after a one-day change."""
            return after_change_ms(
                lambda: change(first, final),
                lambda: answer(public(first, final)),
                lambda: answer(real(first, final)),
                args.repeat,
            )

        def recomputed(first, final):
            availability_cache.clear()  # as after a change: the generations moved
            return public(first, final)

        rows, public_rows = [], []
        for label, first, final, answer in (
            ("(a) free times of one day", one_day, one_day, lambda a: a.slots()),
            ("(b) days with a free time, 60 days", FIRST_DAY, last, lambda a: a.days()),
        ):
            data = real(first, final)  # the same inputs, kept in memory for the floors
            naive = median_ms(
                lambda d=data: naive_free_slots(d.window, d.staff, d.request), args.repeat
            )
            core = median_ms(lambda d=data, f=answer: f(d), args.repeat)
            full = median_ms(lambda a=first, b=final, f=answer: f(real(a, b)), args.repeat)
            queries = count_queries(lambda a=first, b=final, f=answer: f(real(a, b)))
            check = {s.start for s in free_slots(data.window, data.staff, data.request)}
            assert check == {
                s.start for s in naive_free_slots(data.window, data.staff, data.request)
            }
            rows.append((label, full, queries, naive, core))
            assert answer(public(first, final)) == answer(real(first, final))
            public_rows.append(
                (
                    label,
                    median_ms(lambda a=first, b=final, f=answer: f(public(a, b)), args.repeat),
                    count_queries(lambda a=first, b=final, f=answer: f(public(a, b))),
                    *after_booking_ms(first, final, answer),
                    median_ms(lambda a=first, b=final, f=answer: f(recomputed(a, b)), args.repeat),
                    count_queries(lambda a=first, b=final, f=answer: f(recomputed(a, b))),
                )
            )
        print(f"database: {db.engine.dialect.name}; median of {args.repeat} runs\n")
        print(
            f"{'':38}{'real path':>11}{'queries':>9}{'naive floor':>13}{'core only':>11}"
            f"{'real/naive':>12}{'real/core':>11}"
        )
        for label, full, queries, naive, core in rows:
            print(
                f"{label:38}{full:9.1f}ms{queries:9d}{naive:11.1f}ms{core:9.1f}ms"
                f"{full / naive:11.2f}x{full / core:10.2f}x"
            )
        print(
            f"\npublic pages and API (kept in memory; the service row included)\n"
            f"{'':38}{'kept':>11}{'queries':>9}{'after booking':>15}{'queries':>9}"
            f"{'recomputed':>13}{'queries':>9}"
        )
        for label, kept, kept_q, booked, booked_q, again, again_q in public_rows:
            print(
                f"{label:38}{kept:9.2f}ms{kept_q:9d}{booked:13.1f}ms{booked_q:9d}"
                f"{again:11.1f}ms{again_q:9d}"
            )


if __name__ == "__main__":
    main()
