"""Benchmark of an invitation's calendar: the days with a free time in a six-week window
for one clerk of Andere Nationaliteiten, in the busy demo city (42 staff, the rota's
weeks, about half the counter time booked, the team reserving 20% of its counter time).

Prints the median time of the real path (the queries and the scheduling core, as the
resident's invitation page and ``GET /api/v1/invitations/<token>/days`` ask it) and its
number of SQL statements, beside floors measured in the same run on the very same data
held in memory: the core alone (``days_with_free_slot``) and the naive reference
(``naive_free_slots``, a linear scan per candidate time). For comparison, the same window
as the clerk sees it ("book now") and as the public sees the service (reserved time out).

    .venv/bin/python bench/invitation_days.py [--database URL] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine
from flask_migrate import upgrade
from sqlalchemy import select

from bench.availability import count_queries, median_ms
from portal import create_app
from portal.availability import load_availability
from portal.booking.contact import ContactDetails
from portal.booking.settings import BookingSettings
from portal.demo import load_demo
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.dossiers.windows import follow_up_availability
from portal.extensions import db
from portal.models import Channel, DossierSubject, FollowUp, StaffMember
from portal.scheduling.audience import AudienceKind
from portal.scheduling.availability import naive_free_slots
from portal.timeutil import CITY_TZ, local_datetime

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(8, 0))
CLERK = "nieuwkomers@stad.example"
WINDOW = (MONDAY + timedelta(days=1), MONDAY + timedelta(days=42))  # six weeks
RESERVED_PERCENT = 20
SETTINGS = BookingSettings(secret_key="bench")


def invitation(session) -> int:
    """A dossier of the clerk's team and an invitation with the clerk for six weeks;
    returns the follow-up's id."""
    clerk = session.scalar(select(StaffMember).where(StaffMember.email == CLERK))
    clerk.team.reserved_percent = RESERVED_PERCENT
    service = next(s for s in clerk.services if s.channel == Channel.COUNTER and s.active)
    subject = session.scalar(select(DossierSubject).where(DossierSubject.team_id == clerk.team_id))
    if subject is None:
        subject = DossierSubject(team_id=clerk.team_id, code="bench", names={"nl": "Bench"})
        session.add(subject)
        session.flush()
    resident = ContactDetails(name="Bewoner", email="bewoner@example.org")
    dossier = ops.open_dossier(session, owner=clerk, subject=subject, contact=resident, now=NOW)
    plan = follow_ops.FollowUpPlan([service], 1, clerk, *WINDOW)
    follow_up, _token = follow_ops.plan_follow_up(
        session, dossier, plan, invited=True, now=NOW, settings=SETTINGS
    )
    session.commit()
    print(
        f"clerk: {clerk.name} ({clerk.team.code}); service: {service.code}; "
        f"window {WINDOW[0]}..{WINDOW[1]}; team reserves {RESERVED_PERCENT}%"
    )
    return follow_up.id


def _naive_days(data) -> list[date]:
    """The days of the naive reference's free times (the floor's answer, for checking)."""
    slots = naive_free_slots(data.window, data.staff, data.request)
    return sorted({slot.start.astimezone(CITY_TZ).date() for slot in slots})


def main() -> None:
    """Load the demo, make the invitation, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with time_machine.travel(NOW, tick=False), app.app_context():
        upgrade()
        load_demo(db.session, MONDAY, NOW)
        db.session.commit()
        follow_up_id = invitation(db.session)

        def real(kind: AudienceKind):
            db.session.expire_all()
            follow_up = db.session.get(FollowUp, follow_up_id)
            return follow_up_availability(db.session, follow_up, NOW, SETTINGS, kind)

        def public():
            db.session.expire_all()
            follow_up = db.session.get(FollowUp, follow_up_id)
            services = follow_ops.follow_up_services(db.session, follow_up)
            return load_availability(
                db.session, services, 1, *WINDOW, NOW, grid_minutes=15, tz=CITY_TZ
            )

        cases = (
            ("invitation: one clerk, six weeks", lambda: real(AudienceKind.INVITATION)),
            ("the clerk's own view (staff)", lambda: real(AudienceKind.STAFF)),
            ("public, same service and weeks", public),
        )
        rows = []
        for label, load in cases:
            data = load()  # the same inputs, kept in memory for the floors
            days = data.days()
            assert days == _naive_days(data), label
            core = median_ms(lambda d=data: d.days(), args.repeat)
            naive = median_ms(lambda d=data: _naive_days(d), args.repeat)
            full = median_ms(lambda f=load: f().days(), args.repeat)
            queries = count_queries(lambda f=load: f().days())
            staff = len(data.staff)
            rows.append((label, full, queries, core, naive, len(days), staff))
        print(f"database: {db.engine.dialect.name}; median of {args.repeat} runs\n")
        print(
            f"{'':34}{'real path':>11}{'queries':>9}{'core only':>11}{'naive':>10}"
            f"{'real/core':>11}{'free days':>11}{'clerks':>8}"
        )
        for label, full, queries, core, naive, days, staff in rows:
            print(
                f"{label:34}{full:9.1f}ms{queries:9d}{core:9.2f}ms{naive:8.1f}ms"
                f"{full / core:10.1f}x{days:11d}{staff:8d}"
            )


if __name__ == "__main__":
    main()
