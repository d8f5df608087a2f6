"""Benchmark of making a rota the way a planner does, through the database, on the demo
city: read a team's period, generate 12 weeks, store the draft (``generate_plan``), then
the check before publishing (``stranded_by_plan``), per team and for the department.

    .venv/bin/python bench/rota_plan.py [--database URL] [--repeat N]

Each draft is rolled back after it is timed, so every run starts from the same data.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time as clock
from datetime import date, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import select

from bench.availability import count_queries
from portal import create_app
from portal.demo import load_demo
from portal.extensions import db
from portal.models import Team
from portal.planning.publish_operations import stranded_by_plan
from portal.planning.rota_data import generate_plan
from portal.timeutil import local_datetime

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(8, 0))
FIRST_DAY = date(2026, 12, 14)  # a Monday: the plan overlaps the demo's booked visits
WEEKS = 12


def measure(team: Team, repeat: int) -> tuple[float, float, int, float, int]:
    """(median ms, fastest ms, statements) of generating and storing a plan, and (median
    ms, statements) of the stranded-visit check on it."""
    generate, check = [], []
    statements = checks = 0
    for _ in range(repeat):
        started = clock.perf_counter()
        plan = generate_plan(db.session, team, FIRST_DAY, WEEKS, 35, None, NOW)
        generate.append((clock.perf_counter() - started) * 1000)
        started = clock.perf_counter()
        stranded = stranded_by_plan(db.session, plan, NOW)
        check.append((clock.perf_counter() - started) * 1000)
        assert stranded == [], "the generator keeps booked visits with their clerk"
        db.session.rollback()
    statements = count_queries(
        lambda: generate_plan(db.session, team, FIRST_DAY, WEEKS, 35, None, NOW)
    )
    db.session.rollback()
    plan = generate_plan(db.session, team, FIRST_DAY, WEEKS, 35, None, NOW)
    checks = count_queries(lambda: stranded_by_plan(db.session, plan, NOW))
    db.session.rollback()
    return statistics.median(generate), min(generate), statements, statistics.median(check), checks


def main() -> None:
    """Load the demo, measure every team, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        if db.session.scalar(select(Team.id).limit(1)) is None:
            load_demo(db.session, MONDAY, NOW)
            db.session.commit()
        print(f"{WEEKS} weeks from {FIRST_DAY}, {db.engine.dialect.name}, median of {args.repeat}")
        print(f"{'team':<24}{'generate+store':>16}{'fastest':>10}{'SQL':>6}{'check':>10}{'SQL':>6}")
        total = 0.0
        for team in db.session.scalars(select(Team).order_by(Team.id)):
            median, fastest, statements, check, checks = measure(team, args.repeat)
            total += median
            print(
                f"{team.code:<24}{median:>13.0f} ms{fastest:>7.0f} ms{statements:>6}"
                f"{check:>7.0f} ms{checks:>6}"
            )
        print(f"{'department':<24}{total:>13.0f} ms")


if __name__ == "__main__":
    main()
