"""How free-time computation grows: the days with a free time (bench/availability.py (b))
for the benchmark city, then with 10× the bookings in the database (nine times as busy a
past before the same 60 days), with 365 days of horizon, and with 4× the clerks.

    .venv/bin/python bench/growth.py [--database-folder DIR] [--repeat N]

One line each: the data, the real path (queries + core), the public path recomputed after
a change (cache generations, the same queries, the per-day summary), the public path right
after a booking on one day (only that day read again) and the public path kept in memory.
A new SQLite file per case.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import func, select

from bench.availability import (
    CLERKS,
    DAYS,
    FIRST_DAY,
    NOW,
    OneDayChange,
    after_change_ms,
    build,
    median_ms,
)
from portal import availability_cache, create_app
from portal.availability import load_availability
from portal.extensions import db
from portal.models import Appointment, Service
from portal.timeutil import CITY_TZ

CASES = (
    ("benchmark city", {"days": DAYS, "clerks": CLERKS, "history_days": 0}),
    ("10x the bookings", {"days": DAYS, "clerks": CLERKS, "history_days": 9 * DAYS}),
    ("365 days of horizon", {"days": 365, "clerks": CLERKS, "history_days": 0}),
    ("4x the clerks", {"days": DAYS, "clerks": 4 * CLERKS, "history_days": 0}),
)


def measure(folder: str, label: str, shape: dict, repeat: int) -> str:
    """Build one case and time its free days; its line of the table."""
    url = f"sqlite:///{folder}/{label.replace(' ', '_')}.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        service_id = build(db.session, **shape)
        visits = db.session.scalar(select(func.count(Appointment.id)))
        last = FIRST_DAY + timedelta(days=shape["days"] - 1)

        def real():
            db.session.expire_all()
            service = db.session.get(Service, service_id)
            return load_availability(
                db.session, [service], 1, FIRST_DAY, last, NOW, grid_minutes=15, tz=CITY_TZ
            ).days()

        def public(recompute: bool):
            if recompute:
                availability_cache.clear()
            db.session.expire_all()
            service = db.session.get(Service, service_id)
            return availability_cache.public_availability(
                db.session, [service], 1, FIRST_DAY, last, NOW, grid_minutes=15, tz=CITY_TZ
            ).days()

        assert public(True) == real()
        change = OneDayChange(db.session, service_id)
        after_booking, _queries = after_change_ms(
            lambda: change(FIRST_DAY, last), lambda: public(False), real, repeat
        )
        line = (
            f"{label:22}{shape['clerks']:7d}{shape['days']:6d}{visits:9d}"
            f"{median_ms(real, repeat):11.1f}ms"
            f"{median_ms(lambda: public(True), repeat):12.1f}ms"
            f"{after_booking:13.1f}ms"
            f"{median_ms(lambda: public(False), repeat):9.2f}ms"
        )
        db.engine.dispose()
    return line


def main() -> None:
    """Build every case, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-folder", help="where the SQLite files go (default: new)")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    folder = args.database_folder or tempfile.mkdtemp(prefix="bench-growth-")
    lines = [measure(folder, label, shape, args.repeat) for label, shape in CASES]
    print(f"\ndays with a free time over the whole horizon; median of {args.repeat} runs\n")
    print(
        f"{'':22}{'clerks':>7}{'days':>6}{'visits':>9}{'real path':>13}"
        f"{'recomputed':>14}{'after booking':>15}{'kept':>11}"
    )
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
