"""Benchmark of the statistics page (portal/statistics): a year per week, every team, of
the demo city itself (its past year), of a city the demo's size and of one ten times it.

    .venv/bin/python bench/statistics_page.py [--database-folder DIR] [--repeat N]

The visits are written in bulk (plain SQL): the demo's staff of 42 (420 for ten times),
each with about 7 visits a working day over 365 days before today, 85 % attended with
reception times, 6 % not come, 9 % cancelled. Prints, per size, the visits; the median time and
queries of the figures summed up from the visits (no roll-up yet); how long the nightly
roll-up of the year takes; then, rolled up, the figures alone and the whole page (with
its filter form, rendered); beside the floor: the figures computed in memory from facts
already read.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import time, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from bench.availability import count_queries, median_ms
from portal import create_app
from portal.demo import load_demo
from portal.extensions import db
from portal.models import Appointment, AppointmentService, StaffMember, StaffRole
from portal.statistics import figures
from portal.statistics.facts import visit_facts
from portal.statistics.pages import StatisticsFilter, _page, build_tables
from portal.statistics.rollup import roll_up
from portal.timeutil import (
    CITY_TZ,
    end_of_local_day,
    local_datetime,
    local_today,
    start_of_local_day,
    utcnow,
)
from tests.builders import build_city

DAYS = 365
NINE = time(9)
VISITS_PER_CLERK_DAY = 7


def build(session, clerks: int, seed: int = 1) -> int:
    """A city of ``clerks`` with a year of past visits, written in bulk; how many."""
    rng = random.Random(seed)
    today = local_today(utcnow())
    city = build_city(session, today, today, staff_count=clerks)
    session.flush()
    rows, services = [], []
    next_id = 1
    for offset in range(1, DAYS + 1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for member in city.staff:
            for slot in range(VISITS_PER_CLERK_DAY):
                start = local_datetime(day, NINE) + timedelta(minutes=30 * slot)
                draw = rng.random()
                status = "completed" if draw < 0.85 else "no_show" if draw < 0.91 else "cancelled"
                arrived = start - timedelta(minutes=rng.randint(0, 10))
                called = start + timedelta(minutes=rng.randint(-2, 25))
                rows.append(
                    {
                        "id": next_id,
                        "reference": f"B{next_id:07d}",
                        "status": status,
                        "staff_id": member.id,
                        "persons": 1,
                        "resident_name": "—",
                        "language": "nl",
                        "spoken_language": rng.choice(["nl", "nl", "nl", "fr", "ar", "en", "tr"]),
                        "interpreter_needed": rng.random() < 0.05,
                        "remark": "",
                        "channel": rng.choice(["web", "web", "web", "staff", "api"]),
                        "created_at": start - timedelta(days=rng.randint(1, 40)),
                        "starts_at": start,
                        "ends_at": start + timedelta(minutes=15),
                        "cancelled_at": start - timedelta(hours=rng.randint(2, 96))
                        if status == "cancelled"
                        else None,
                        "arrived_at": arrived if status == "completed" else None,
                        "called_at": called if status == "completed" else None,
                        "completed_at": called + timedelta(minutes=rng.randint(5, 25))
                        if status == "completed"
                        else None,
                        "sequence": 0,
                        "access_code_failures": 0,
                        "reschedule_reason": "",
                        "manage_nonce": f"{next_id:032x}",
                    }
                )
                services.append(
                    {"appointment_id": next_id, "service_id": city.service.id, "position": 0}
                )
                next_id += 1
    for chunk in range(0, len(rows), 20000):
        session.execute(insert(Appointment.__table__), rows[chunk : chunk + 20000])
        session.execute(insert(AppointmentService.__table__), services[chunk : chunk + 20000])
    session.commit()
    return len(rows)


def measure(url: str, clerks: int | None, repeat: int) -> str:
    """Build one city (``clerks`` None: the demo city itself, with its past year) and
    time its year of figures; its line of the table."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        if clerks is None:
            load_demo(db.session, local_today(utcnow()), utcnow())
            db.session.commit()
            visits = db.session.scalar(select(func.count()).select_from(Appointment))
            clerks = db.session.scalar(select(func.count()).select_from(StaffMember))
        else:
            visits = build(db.session, clerks)
        admin = db.session.scalars(select(StaffMember)).first()
        admin.role = StaffRole.ADMIN
        db.session.commit()
        today = local_today(utcnow())
        chosen = StatisticsFilter(
            today - timedelta(days=DAYS), today, figures.Grouping.WEEK, None, None, None
        )
        with app.test_request_context("/medewerkers/statistiek/"):

            def tables():
                db.session.expire_all()
                return build_tables(chosen, admin)

            def page():
                db.session.expire_all()
                return _page(chosen, admin, build_tables(chosen, admin))

            facts = visit_facts(
                db.session,
                start_of_local_day(chosen.first),
                end_of_local_day(chosen.last),
                team_ids=None,
            )

            def core():
                figures.by_period(facts, chosen.grouping, CITY_TZ)
                figures.by_hour(facts, CITY_TZ)
                figures.by_service(facts)
                figures.by_language(facts)

            live_tables = median_ms(tables, repeat)
            live_queries = count_queries(tables)
            started = perf_counter()
            rolled_days = roll_up(db.session, utcnow(), timedelta(minutes=15))
            db.session.commit()
            roll_up_ms = (perf_counter() - started) * 1000
            line = (
                f"{clerks:7d}{visits:10d}"
                f"{live_tables:12.1f}ms{live_queries:6d}"
                f"{roll_up_ms / 1000:9.1f}s{rolled_days:5d}"
                f"{median_ms(tables, repeat):12.1f}ms{count_queries(tables):6d}"
                f"{median_ms(page, repeat):12.1f}ms{count_queries(page):6d}"
                f"{median_ms(core, repeat):12.1f}ms"
            )
        db.engine.dispose()
    return line


def main() -> None:
    """Build both cities, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-folder", help="where the SQLite files go (default: new)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = args.database_folder or tempfile.mkdtemp(prefix="bench-statistics-")
    lines = [
        measure(f"sqlite:///{folder}/city_{clerks}.sqlite3", clerks, args.repeat)
        for clerks in (None, 42, 420)
    ]
    print(f"\na year per week, every team; SQLite; median of {args.repeat} runs\n")
    print(
        f"{'clerks':>7}{'visits':>10}{'live figures':>14}{'q':>6}{'roll-up':>10}{'days':>5}"
        f"{'figures':>14}{'q':>6}{'page':>14}{'q':>6}{'core only':>14}"
    )
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
