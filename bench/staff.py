"""Benchmark of the staff workspace on the demo city (42 staff, eight weeks of rota, about
half the counter time booked): how long the busiest pages take, and how many SQL
statements each sends (a number that must not grow with the number of visits).

    .venv/bin/python bench/staff.py [--database URL] [--repeat N]

Measured through Flask's test client, signed in as the demo's administrator, so the
figures include sign-in checks, the audit row and template rendering.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time as clock
from datetime import date, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine
from flask_migrate import upgrade
from sqlalchemy import select

from bench.availability import count_queries
from portal import create_app
from portal.demo import load_demo
from portal.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.extensions import db
from portal.models import Team
from portal.timeutil import local_datetime

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(8, 0))
ADMIN = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "admin")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def signed_in_client(app):
    """A test client signed in as the demo's administrator."""
    client = app.test_client()
    with app.app_context():
        page = client.get("/medewerkers/aanmelden").get_data(as_text=True)
        started = clock.perf_counter()
        response = client.post(
            "/medewerkers/aanmelden",
            data={
                "csrf_token": CSRF.search(page).group(1),
                "email": ADMIN,
                "password": DEMO_PASSWORD,
            },
        )
        elapsed = clock.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return client, elapsed


def measure(app, client, path: str, repeat: int) -> tuple[float, int]:
    """(median milliseconds, SQL statements) of GET ``path``."""
    times = []
    statements = 0
    for _ in range(repeat):
        with app.app_context():
            started = clock.perf_counter()
            statements = count_queries(lambda: _ok(client.get(path), path))
            times.append(clock.perf_counter() - started)
    return statistics.median(times) * 1000, statements


def _ok(response, path: str) -> None:
    assert response.status_code == 200, f"{path}: {response.status_code}"


def main() -> None:
    """Load the demo, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    app.config["RATELIMIT_ENABLED"] = False
    with time_machine.travel(NOW, tick=False):
        with app.app_context():
            upgrade()
            load_demo(db.session, MONDAY, NOW)
            db.session.commit()
            team = db.session.scalar(select(Team.id).where(Team.code == "bevolking"))
        client, sign_in_seconds = signed_in_client(app)
        pages = {
            "today, Bevolking": f"/medewerkers/vandaag?team={team}",
            "today, every team": "/medewerkers/vandaag?team=all",
            "calendar events, team week": (
                f"/medewerkers/agenda/gebeurtenissen?by=team&id={team}"
                "&start=2026-12-07T00:00:00&end=2026-12-14T00:00:00"
            ),
            "calendar page, team week": f"/medewerkers/agenda?by=team&id={team}&date=2026-12-07",
            "search by name": "/medewerkers/zoeken?q=an",
            "waiting room, every team": "/medewerkers/wachtzaal?team=all",
            "audit trail, first page": "/medewerkers/audit",
        }
        print(f"database: {url.split(':')[0]}; median of {args.repeat} runs\n")
        print(f"sign-in (argon2 verify + session + audit row): {sign_in_seconds * 1000:7.1f} ms")
        for name, path in pages.items():
            milliseconds, statements = measure(app, client, path, args.repeat)
            print(f"{name:32s} {milliseconds:7.1f} ms, {statements:3d} SQL statements")


if __name__ == "__main__":
    main()
