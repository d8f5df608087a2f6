"""The demo city's past year, so that the statistics have a real year to show.

For the 52 weeks before the demo's first Monday: the city's own closing days of that year,
the staff's leave (summer, Christmas, school holidays), sick and training days, and their
counter and back-office shifts: the week pattern of the demo's generated rota repeated back
in time (its three-week cycle keeps the Saturday turns one in three), on the days the city
hall was open and the person was not away. The past shifts carry no plan: they stand for
rotas nobody keeps.

In those counter shifts come a year of visits (:mod:`portal.demo.history_visits`) and, for
every day, the distance to each service's first free time that ``flask record-first-free``
would have recorded (:mod:`portal.demo.history_waits`).

Everything is written in bulk (a few INSERT statements per table instead of an object per
row): the demo stays quick to load. Deterministic for the loader's seeded generator.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..availability import closed_days
from ..booking.settings import BookingSettings
from ..models import Absence, AbsenceKind, Closure, Shift, ShiftKind, StaffMember
from ..timeutil import local_datetime, start_of_local_day, to_local
from .bulk import insert_rows
from .city_days import city_day_closures
from .history_visits import PastShift, VisitCounts, add_visits
from .history_waits import add_first_free_records

HISTORY_WEEKS = 52
# The rota's cycle: one Saturday in three, so three weeks of the demo's rota are repeated.
CYCLE_WEEKS = 3
# (share of the staff, weeks) of each kind of leave in the past year.
SUMMER_LEAVE = (0.9, (2, 2, 3))
CHRISTMAS_LEAVE = 0.45
SCHOOL_HOLIDAY_LEAVE = 0.3
SICK_SPELLS = (0, 0, 1, 1, 1, 2, 2, 3, 4, 6)


@dataclass(frozen=True)
class HistorySummary:
    """What the past year holds, for the command's report and the tests."""

    first_day: date
    last_day: date
    shifts: int
    counter_shifts: int
    absences: int
    visits: VisitCounts
    first_free_records: int


def load_history(
    session: Session,
    rng: random.Random,
    staff: Sequence[StaffMember],
    first: date,
    now: datetime,
    settings: BookingSettings,
    new_reference: Callable[[], str],
) -> HistorySummary:
    """Add the 52 weeks before ``first`` (the demo's first Monday): closing days, absences,
    shifts, visits and first-free records; flush only. The demo's rota from ``first`` on
    must be in the session already (its weeks are the pattern), and so must every other
    visit (the past visits keep clear of them; ``new_reference`` never repeats one)."""
    start = first - timedelta(weeks=HISTORY_WEEKS)
    _past_city_days(session, start, first)
    session.flush()
    closed = closed_days(session, start, first - timedelta(days=1))
    away, absences = _past_absences(session, rng, staff, start, first, closed)
    pattern = _rota_pattern(session, first)
    shifts = _past_shifts(start, first, closed, away, pattern)
    insert_rows(session, Shift.__table__, shifts)
    counter_shifts = [
        PastShift(row["staff_id"], row["counter_id"], row["starts_at"], row["ends_at"])
        for row in shifts
        if row["kind"] == ShiftKind.COUNTER.value
    ]
    visits = add_visits(session, rng, staff, counter_shifts, now, settings, new_reference)
    records = add_first_free_records(session, rng, staff, start, now, closed)
    return HistorySummary(
        start,
        first - timedelta(days=1),
        len(shifts),
        len(counter_shifts),
        absences,
        visits,
        records,
    )


def _past_city_days(session: Session, start: date, first: date) -> None:
    """The city's own closing days from ``start`` up to ``first`` that the demo does not
    hold yet (it adds them from the current year on)."""
    held = set(
        session.scalars(
            select(Closure.starts_on).where(Closure.filter_overlapping_days(start, first))
        )
    )
    for closure in city_day_closures(range(start.year, first.year + 1)):
        if start <= closure.starts_on < first and closure.starts_on not in held:
            session.add(closure)


def _past_absences(session, rng, staff, start: date, first: date, closed: set[date]):
    """Each person's leave, sick and training days of the past year, written as absences;
    returns (staff id → the dates away, how many absences)."""
    away: dict[int, set[date]] = defaultdict(set)
    rows = []

    def add(member: StaffMember, begin: date, days: int, kind: AbsenceKind, note: str) -> None:
        span = {begin + timedelta(days=n) for n in range(days)}
        if begin < start or begin + timedelta(days=days) > first or span & away[member.id]:
            return
        away[member.id] |= span
        rows.append(
            {
                "staff_id": member.id,
                "kind": kind.value,
                "note": note,
                "starts_at": start_of_local_day(begin),
                "ends_at": start_of_local_day(begin + timedelta(days=days)),
            }
        )

    mondays = [start + timedelta(weeks=n) for n in range(HISTORY_WEEKS)]
    summer = [day for day in mondays if (7, 1) <= (day.month, day.day) <= (8, 17)]
    christmas = [day for day in mondays if (day.month, day.day) >= (12, 20)]
    holidays = [day for day in mondays if _school_holiday(day)]
    for member in staff:
        share, lengths = SUMMER_LEAVE
        if summer and rng.random() < share:
            weeks = rng.choice(lengths)
            add(member, rng.choice(summer), 7 * weeks, AbsenceKind.LEAVE, "Zomerverlof")
        if christmas and rng.random() < CHRISTMAS_LEAVE:
            add(member, rng.choice(christmas), 7, AbsenceKind.LEAVE, "Kerstverlof")
        if holidays and rng.random() < SCHOOL_HOLIDAY_LEAVE:
            add(member, rng.choice(holidays), 7, AbsenceKind.LEAVE, "Verlof")
        for _spell in range(rng.choice(SICK_SPELLS)):
            day = start + timedelta(days=rng.randrange((first - start).days))
            add(member, day, rng.choice((1, 1, 2, 3, 5)), AbsenceKind.SICK, "")
        if rng.random() < 0.6:
            day = start + timedelta(days=rng.randrange((first - start).days))
            if day.weekday() < 5 and day not in closed:
                add(member, day, 1, AbsenceKind.TRAINING, "Opleiding")
    insert_rows(session, Absence.__table__, rows)
    return away, len(rows)


def _school_holiday(monday: date) -> bool:
    """Whether the week of ``monday`` is in Flanders' spring or autumn school holidays
    (roughly: early April, the week of 1 November, the week of carnival in February)."""
    month_day = (monday.month, monday.day)
    return (
        (3, 30) <= month_day <= (4, 13)
        or (10, 27) <= month_day <= (11, 2)
        or (2, 13) <= month_day <= (2, 20)
    )


# One shift of a pattern day: (staff id, kind, counter id, local start, local end).
PatternShift = tuple[int, str, int | None, time, time]


def _rota_pattern(session: Session, first: date) -> dict[tuple[int, int], list[PatternShift]]:
    """The demo rota's days as a pattern: for each (week of the cycle, weekday), the open
    day of the generated rota with that place in the cycle that the most people work
    (so that someone's leave in the demo's weeks is not repeated all year)."""
    by_day: dict[date, list[PatternShift]] = defaultdict(list)
    rows = session.execute(
        select(Shift.staff_id, Shift.kind, Shift.counter_id, Shift.starts_at, Shift.ends_at)
        .where(Shift.starts_at >= start_of_local_day(first))
        .order_by(Shift.staff_id, Shift.starts_at)
    )
    for staff_id, kind, counter_id, starts_at, ends_at in rows:
        local_start, local_end = to_local(starts_at), to_local(ends_at)
        by_day[local_start.date()].append(
            (staff_id, str(kind), counter_id, local_start.time(), local_end.time())
        )
    if not by_day:
        return {}
    closed = closed_days(session, first, max(by_day))
    pattern: dict[tuple[int, int], list[PatternShift]] = {}
    people: dict[tuple[int, int], int] = {}
    for day in sorted(by_day):
        if day in closed:
            continue
        place = (((day - first).days // 7) % CYCLE_WEEKS, day.weekday())
        working = len({shift[0] for shift in by_day[day]})
        if working > people.get(place, -1):
            pattern[place], people[place] = by_day[day], working
    # A place whose every day was closed in the demo's weeks takes the weekday's best day.
    for weekday in {weekday for _week, weekday in pattern}:
        best = max((p for p in pattern if p[1] == weekday), key=lambda p: people[p])
        for week in range(CYCLE_WEEKS):
            pattern.setdefault((week, weekday), pattern[best])
    return pattern


def _past_shifts(start: date, first: date, closed: set[date], away, pattern) -> list[dict]:
    """The shift rows of every open day from ``start`` up to ``first``, from the pattern
    day of the same place in the cycle, without the people away that day."""
    rows = []
    day = start
    while day < first:
        place = (((day - first).days // 7) % CYCLE_WEEKS, day.weekday())
        if day not in closed:
            for staff_id, kind, counter_id, begins, ends in pattern.get(place, ()):
                if day in away.get(staff_id, ()):
                    continue
                rows.append(
                    {
                        "staff_id": staff_id,
                        "kind": kind,
                        "counter_id": counter_id,
                        "plan_id": None,
                        "starts_at": local_datetime(day, begins),
                        "ends_at": local_datetime(day, ends),
                    }
                )
        day += timedelta(days=1)
    return rows
