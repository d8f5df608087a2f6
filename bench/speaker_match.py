"""How many of the demo's future visits get a clerk who speaks the resident's language,
before and after the booking prefers a speaker.

Loads the demo city (42 staff, the rota's weeks, about half the counter time booked),
takes every future visit whose resident named a language a clerk can list (not Dutch, not
"another language"), and counts those whose clerk speaks it: "before" is the demo as
generated (the clerk was picked first, the resident after). Then it lets the very same
demand arrive again, in the order it was booked, through ``place_hold`` — once without a
language (the old behaviour, a control) and once with ``prefer_language`` — and counts
again. Times that no longer fit are reported (they should be none: a preference never
changes how many visits fit).

It also times the resident's month page for a newcomers' service with and without a
language (the marks cost one query and a second pass of the core over the speakers'
calendars), beside the core alone in memory.

    .venv/bin/python bench/speaker_match.py [--database URL] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from datetime import date, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bench.availability import count_queries, median_ms
from portal import create_app
from portal.availability import load_availability
from portal.booking.errors import SlotTaken
from portal.booking.operations import place_hold
from portal.booking.settings import BookingSettings
from portal.booking.steps import Choice, month_view
from portal.demo import load_demo
from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, Hold, Service, StaffMember
from portal.scheduling.languages import marks_language
from portal.timeutil import CITY_TZ, local_datetime

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(8, 0))
SETTINGS = BookingSettings(secret_key="bench")
NEWCOMERS = "inschrijving-nieuwkomer"


def future_demand(session) -> list[tuple]:
    """(services, persons, start, spoken language, clerk id) of every future confirmed
    visit, in the order the residents booked them."""
    visits = session.scalars(
        select(Appointment)
        .where(Appointment.status == AppointmentStatus.CONFIRMED, Appointment.starts_at > NOW)
        .options(selectinload(Appointment.booked_services))
        .order_by(Appointment.created_at, Appointment.id)
    ).all()
    return [
        (list(visit.services), visit.persons, visit.starts_at, visit.spoken_language, visit)
        for visit in visits
    ]


def languages_of(session) -> dict[int, set[str]]:
    """Each staff member's languages."""
    members = session.scalars(
        select(StaffMember).options(selectinload(StaffMember.spoken_languages))
    ).all()
    return {member.id: set(member.languages) for member in members}


def count(pairs, speaks: dict[int, set[str]]) -> tuple[int, int]:
    """(visits whose clerk speaks the language, visits with a language to match)."""
    relevant = [(staff_id, spoken) for staff_id, spoken in pairs if marks_language(spoken)]
    return sum(spoken in speaks[staff_id] for staff_id, spoken in relevant), len(relevant)


def rebook(session, demand, prefer: bool) -> tuple[list[tuple[int, str]], int]:
    """Let the demand arrive again as holds (staff's view: no notice, reserved time
    included, as the demo's visits were placed); the (clerk, language) pairs and how many
    no longer fit. Rolled back afterwards."""
    pairs, lost = [], 0
    for services, persons, start, spoken, _visit in demand:
        try:
            hold, _token = place_hold(
                session,
                services,
                persons,
                start,
                NOW,
                SETTINGS,
                for_staff=True,
                prefer_language=spoken if prefer else None,
            )
        except SlotTaken:
            lost += 1
            continue
        pairs.append((hold.staff_id, spoken))
    session.rollback()
    return pairs, lost


def time_month_page(session, repeat: int) -> None:
    """Print the month page's time and queries without and with a language to mark, and
    the core alone (the free days, then the speakers' days) on the same data in memory."""
    service = session.scalar(select(Service).where(Service.code == NEWCOMERS))
    for label, spoken in (("month page, no language", None), ("month page, Arabic", "ar")):
        choice = Choice([service], 1, spoken)

        def page(choice=choice):
            session.expire_all()
            return month_view(session, choice, MONDAY.replace(day=1), NOW)

        marked = len(page().speaker_days)
        print(
            f"{label:26} {median_ms(page, repeat):6.2f} ms, {count_queries(page)} queries"
            f" ({marked} days marked)"
        )
    availability = load_availability(
        session, [service], 1, MONDAY, MONDAY.replace(day=31), NOW, grid_minutes=15, tz=CITY_TZ
    )
    speaks = languages_of(session)
    speakers = frozenset(m.staff_id for m in availability.staff if "ar" in speaks[m.staff_id])
    print(f"{'core alone, free days':26} {median_ms(availability.days, repeat):6.2f} ms")
    print(
        f"{'core alone, speaker days':26}"
        f" {median_ms(lambda: availability.speaker_days(speakers), repeat):6.2f} ms"
    )


def main() -> None:
    """Load the demo, count before, rebook without and with the preference, print."""
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
        with app.test_request_context():
            time_month_page(db.session, args.repeat)
        speaks = languages_of(db.session)
        demand = future_demand(db.session)
        before = count([(visit.staff_id, spoken) for *_x, spoken, visit in demand], speaks)
        languages = Counter(spoken for *_x, spoken, _v in demand if marks_language(spoken))
        print(f"future visits: {len(demand)}; with a language to match: {before[1]}")
        print("  languages:", ", ".join(f"{code} {n}" for code, n in languages.most_common()))
        results = {"demo as generated": (before, 0)}
        for label, prefer in (("rebooked, no preference", False), ("rebooked, preference", True)):
            # Free the future visits' time, then let the same demand book again.
            for *_x, visit in demand:
                visit.release_time()
                visit.status = AppointmentStatus.CANCELLED
            db.session.execute(Hold.__table__.delete())
            db.session.flush()
            pairs, lost = rebook(db.session, demand, prefer)
            results[label] = (count(pairs, speaks), lost)
        for label, ((matched, total), lost) in results.items():
            share = 100 * matched / total if total else 0
            print(f"{label:26} {matched:5} of {total} ({share:.1f}%) with a speaker; {lost} lost")


if __name__ == "__main__":
    main()
