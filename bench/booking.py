"""Benchmark of booking: how long holding, booking (with the mail written to the outbox)
and a 50-resident race take on a busy city (8 clerks, 60 days, about 70% booked).

    .venv/bin/python bench/booking.py [--database URL] [--repeat N]

Prints (a) hold + book + confirmation mail + commit for one resident, with its number of
SQL statements, (b) the same as two HTTP requests through the API, and (c) the wall time
of 50 threads racing for one free time (exactly one wins).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine
from flask_migrate import upgrade

from bench.availability import DAYS, FIRST_DAY, NOW, build, count_queries
from portal import create_app
from portal.booking.contact import ContactDetails
from portal.booking.errors import SlotTaken
from portal.booking.notify import notify_booked
from portal.booking.operations import book_hold, place_hold
from portal.booking.selection import nearest_free_times
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Service

RACERS = 50
KEY = "bench-key-0123456789abcdef0123456789"


def main() -> None:
    """Build the data, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": RACERS + 5, "max_overflow": 0},
            "MAIL_SEND_AFTER_REQUEST": False,
            "RATELIMIT_ENABLED": False,
            "MAX_ACTIVE_PER_EMAIL": 10_000,
            "API_KEYS": {"bench": KEY},
        }
    )
    settings = BookingSettings.from_config(app.config | {"ACTIVATION_REQUIRED": False})
    with app.app_context(), time_machine.travel(NOW, tick=False):
        upgrade()
        service_id = build(db.session)
        service = db.session.get(Service, service_id)
        free = nearest_free_times(db.session, [service], 1, NOW, NOW, settings, limit=10_000)
        print(
            f"free clerk-times to book from: {sum(s.capacity for s in free)} "
            f"over {DAYS} days from {FIRST_DAY}\n"
        )
        starts = iter([s.start for s in free for _ in range(s.capacity)])

        def book_one(number=[0]):  # noqa: B006 - a counter across calls
            number[0] += 1
            chosen = db.session.get(Service, service_id)
            hold, _ = place_hold(db.session, [chosen], 1, next(starts), NOW, settings)
            contact = ContactDetails(name="Bench", email=f"b{number[0]}@example.org")
            visit = book_hold(db.session, hold, contact, NOW, settings)
            notify_booked(db.session, visit, NOW)
            db.session.commit()

        with app.test_request_context():
            book_one()
            times = []
            for _ in range(args.repeat):
                started = clock.perf_counter()
                book_one()
                times.append(clock.perf_counter() - started)
            queries = count_queries(book_one)
        operation_ms = statistics.median(times) * 1000

        client = app.test_client()
        headers = {"X-API-Key": KEY}
        http_times = []
        for _ in range(args.repeat):
            start = next(starts).isoformat()
            started = clock.perf_counter()
            held = client.post(
                "/api/v1/holds", headers=headers, json={"service_ids": [service_id], "start": start}
            )
            booked = client.post(
                "/api/v1/appointments",
                headers=headers,
                json={
                    "hold": held.json["hold"]["token"],
                    "name": "Bench",
                    "email": "api@example.org",
                },
            )
            http_times.append(clock.perf_counter() - started)
            assert booked.status_code == 201, booked.json
        http_ms = statistics.median(http_times) * 1000

        # A time only one clerk can take, far enough ahead not to be used above.
        contested = next(slot.start for slot in reversed(free) if slot.capacity == 1)
        barrier = threading.Barrier(RACERS + 1)
        outcomes = []

        def racer(number: int) -> None:
            with app.app_context():
                chosen = db.session.get(Service, service_id)
                db.session.commit()
                barrier.wait()
                try:
                    hold, _ = place_hold(db.session, [chosen], 1, contested, NOW, settings)
                    contact = ContactDetails(name="Racer", email=f"r{number}@example.org")
                    book_hold(db.session, hold, contact, NOW, settings)
                    db.session.commit()
                    outcomes.append("won")
                except SlotTaken:
                    db.session.rollback()
                    outcomes.append("taken")
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = clock.perf_counter()
        for thread in threads:
            thread.join()
        race_ms = (clock.perf_counter() - started) * 1000

    print(f"database: {url.split(':')[0]}; median of {args.repeat} runs\n")
    print(
        f"(a) hold + book + mail + commit (operations): {operation_ms:7.1f} ms, "
        f"{queries} SQL statements"
    )
    print(f"(b) POST /holds + POST /appointments (API):    {http_ms:7.1f} ms")
    print(
        f"(c) {RACERS} threads racing for one time:         {race_ms:7.1f} ms, "
        f"won {outcomes.count('won')}, taken {outcomes.count('taken')}"
    )


if __name__ == "__main__":
    main()
