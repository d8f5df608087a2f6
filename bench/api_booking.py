"""Benchmark of booking through the public API under load: 50 clients at once, each
holding a time (``POST /api/v1/holds``) and booking it (``POST /api/v1/appointments``),
every booking on a time of its own, against gunicorn on PostgreSQL.

    .venv/bin/python bench/api_booking.py --database postgresql+psycopg://…/empty_db \\
        [--clients 50] [--bookings 1000] [--workers 5] [--threads 4]

The city: 8 clerks on the counter every opening hour of the coming 60 days, one 15-minute
service, nothing booked yet. gunicorn runs the way ``gunicorn.conf.py`` does by default
(2 × cores + 1 gthread workers of 4 threads) without the access log. The rate limits are
raised in this run's configuration (a form engine's key would otherwise be held to 300 per
minute); the code is unchanged. Mail goes to files, delivered after each response as in
production. Prints bookings/s, the latency of hold + book per booking (median, p95, p99)
and checks in the database that every booking that answered 201 is there, once.

The floor, measured first in the same run with the same server settings and the same
clients: a Flask app of a few lines with the same two URLs, each one transaction of plain
SQL on the same PostgreSQL (the hold: one INSERT; the booking: DELETE of the hold and INSERT
of the visit, a unique start as the only rule) — what this machine gives Flask, gunicorn and
PostgreSQL for hold + book before the portal does any of its work.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from bench.serving import BIN, ROOT, free_port
from portal import create_app
from portal.availability import load_availability
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus
from portal.timeutil import CITY_TZ, local_today, utcnow
from tests.builders import build_city

KEY = "bench-api-booking-0123456789abcdef"
DAYS, CLERKS = 60, 8


def build(url: str) -> tuple[int, list[str]]:
    """Migrate, build the city from tomorrow on; the service id and every free start
    (ISO 8601), one per distinct time."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    first = local_today(utcnow()) + timedelta(days=1)
    with app.app_context():
        upgrade()
        city = build_city(
            db.session,
            first,
            first + timedelta(days=DAYS - 1),
            staff_count=CLERKS,
            minutes=15,
            min_notice_minutes=0,
            horizon_days=DAYS + 2,
        )
        db.session.commit()
        free = load_availability(
            db.session,
            [city.service],
            1,
            first,
            first + timedelta(days=DAYS - 1),
            utcnow(),
            grid_minutes=15,
            tz=CITY_TZ,
        ).slots()
        starts = sorted(slot.start.isoformat() for slot in free)
        service_id = city.service.id
        db.engine.dispose()
    return service_id, starts


def gunicorn_config(folder: Path, workers: int, threads: int) -> Path:
    """A config like ``gunicorn.conf.py``'s defaults, without the access log."""
    path = folder / "gunicorn.bench.py"
    path.write_text(
        f'workers = {workers}\nthreads = {threads}\nworker_class = "gthread"\n'
        'accesslog = None\nloglevel = "warning"\ntimeout = 60\nkeepalive = 5\n'
    )
    return path


FLOOR_APP = '''"""hold + book in plain SQL: the floor of bench/api_booking.py."""
import os
import secrets

from flask import Flask, request
from sqlalchemy import create_engine, text

engine = create_engine(os.environ["FLOOR_DATABASE_URL"], pool_size=4)
KEY = os.environ["FLOOR_API_KEY"]
app = Flask(__name__)


@app.get("/api/v1/services")
def services():
    return {"services": []}


@app.post("/api/v1/holds")
def hold():
    if request.headers.get("X-API-Key") != KEY:
        return {"error": "unauthorized"}, 401
    body = request.get_json()
    token = secrets.token_urlsafe(24)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO floor_hold (token, starts_at) VALUES (:token, :start)"),
            {"token": token, "start": body["start"]},
        )
    return {"hold": {"token": token, "start": body["start"]}}, 201


@app.post("/api/v1/appointments")
def book():
    if request.headers.get("X-API-Key") != KEY:
        return {"error": "unauthorized"}, 401
    body = request.get_json()
    with engine.begin() as connection:
        start = connection.scalar(
            text("DELETE FROM floor_hold WHERE token = :token RETURNING starts_at"),
            {"token": body["hold"]},
        )
        if start is None:
            return {"error": "hold_not_found"}, 404
        connection.execute(
            text("INSERT INTO floor_visit (starts_at, name, email) VALUES (:s, :n, :e)"),
            {"s": start, "n": body["name"], "e": body["email"]},
        )
    return {"appointment": {"start": start.isoformat()}}, 201
'''

FLOOR_TABLES = (
    "DROP TABLE IF EXISTS floor_hold, floor_visit",
    "CREATE TABLE floor_hold (token text PRIMARY KEY, starts_at timestamptz NOT NULL UNIQUE)",
    "CREATE TABLE floor_visit (id serial PRIMARY KEY, starts_at timestamptz NOT NULL UNIQUE,"
    " name text NOT NULL, email text NOT NULL)",
)


def prepare_floor(url: str, folder: Path) -> dict:
    """The floor's tables (emptied) and app file; the environment its server needs."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        for statement in FLOOR_TABLES:
            db.session.execute(text(statement))
        db.session.commit()
        db.engine.dispose()
    (folder / "floor_booking.py").write_text(FLOOR_APP)
    return {"FLOOR_DATABASE_URL": url, "FLOOR_API_KEY": KEY}


def start_server(url: str, folder: Path, workers: int, threads: int, floor_env: dict | None = None):
    """gunicorn on ``url`` with raised limits (or the floor app when ``floor_env`` is
    given); (process, port) once it answers."""
    port = free_port()
    env = (
        os.environ
        | (floor_env or {})
        | {
            "PORTAL_DATABASE_URL": url,
            "PORTAL_SECRET_KEY": "bench-api-booking",
            "PORTAL_INSTANCE_PATH": str(folder / "instance"),
            "PORTAL_API_KEYS": json.dumps({"bench": KEY}),
            "PORTAL_RATELIMIT_API": "1000000 per minute",
            "PORTAL_MAIL_BACKEND": "file",
            "PORTAL_MAIL_DIRECTORY": str(folder / "mail"),
            "PORTAL_MAX_ACTIVE_PER_EMAIL": "1000000",
        }
    )
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--config",
            str(gunicorn_config(folder, workers, threads)),
            "--chdir",
            str(folder if floor_env else ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "floor_booking:app" if floor_env else "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = clock.monotonic() + 60
    while clock.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/services")
            connection.getresponse().read()
            return process, port
        except OSError:
            clock.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer")


def post(connection, path: str, body: dict) -> tuple[int, dict]:
    """POST ``body`` as JSON with the API key; (status, decoded answer)."""
    headers = {"Content-Type": "application/json", "X-API-Key": KEY}
    connection.request("POST", path, body=json.dumps(body), headers=headers)
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read() or b"{}")


def run_clients(port: int, service_id: int, plans: list[list[str]]):
    """Every client books its own starts, all at once; (latencies, statuses, seconds)."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(plans) + 1)

    def client(number: int, starts: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        for index, start in enumerate(starts):
            began = clock.perf_counter()
            held, answer = post(
                connection,
                "/api/v1/holds",
                {"service_ids": [service_id], "persons": 1, "start": start},
            )
            outcome = f"hold {held}"
            if held == 201:
                booked, answer = post(
                    connection,
                    "/api/v1/appointments",
                    {
                        "hold": answer["hold"]["token"],
                        "name": "Bench Bewoner",
                        "email": f"c{number}-{index}@example.org",
                    },
                )
                outcome = f"book {booked}"
            elapsed = clock.perf_counter() - began
            with lock:
                statuses[outcome] = statuses.get(outcome, 0) + 1
                if outcome == "book 201":
                    latencies.append(elapsed)
        connection.close()

    threads = [
        threading.Thread(target=client, args=(number, starts))
        for number, starts in enumerate(plans)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = clock.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, statuses, clock.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    """Build, serve, load, check, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="an empty PostgreSQL database URL")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--bookings", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    service_id, starts = build(args.database)
    if len(starts) < args.bookings:
        raise SystemExit(f"only {len(starts)} free times for {args.bookings} bookings")
    chosen = starts[: args.bookings]
    plans = [chosen[number :: args.clients] for number in range(args.clients)]
    folder = Path(tempfile.mkdtemp(prefix="bench-api-booking-"))
    runs = {}
    for label, floor_env in (
        ("floor: plain SQL", prepare_floor(args.database, folder)),
        ("portal", None),
    ):
        process, port = start_server(args.database, folder, args.workers, args.threads, floor_env)
        try:
            runs[label] = run_clients(port, service_id, plans)
        finally:
            process.terminate()
            process.wait(timeout=30)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "SECRET_KEY": "bench"})
    with app.app_context():
        stored = db.session.scalar(
            select(func.count(Appointment.id)).where(
                Appointment.status != AppointmentStatus.CANCELLED
            )
        )
        db.engine.dispose()
    print(
        f"gunicorn {args.workers} gthread workers × {args.threads} threads on "
        f"{os.cpu_count()} cores, PostgreSQL; {args.clients} clients, {args.bookings} "
        f"bookings on distinct times\n"
    )
    rates = {}
    for label, (latencies, statuses, seconds) in runs.items():
        booked = statuses.get("book 201", 0)
        rates[label] = booked / seconds
        print(f"{label}\n  bookings/s           {rates[label]:8.1f}  ({booked} in {seconds:.1f} s)")
        if latencies:
            print(
                f"  hold + book latency  median {statistics.median(latencies) * 1000:.0f} ms, "
                f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
                f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
            )
        print(f"  answers              {dict(sorted(statuses.items()))}")
    booked = runs["portal"][1].get("book 201", 0)
    print(f"\nportal / floor       {rates['portal'] / rates['floor: plain SQL']:8.1%}")
    print(f"visits in the database {stored} (must equal the portal's 201 bookings: {booked})")


if __name__ == "__main__":
    main()
