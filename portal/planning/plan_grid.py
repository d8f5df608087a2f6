"""What the plan page shows: the week grid of a rota plan (one row per person of the
team, one column per counter turn of the week, in each cell what that person does then)
and the turns' keys and labels the plan's forms use.

Built from the plan's turns, the turns the generator staffs (``plan_slots``: a turn
nobody staffs still has its column), the team's people and their absences, in a fixed
number of queries. Plain data for the template; nothing here changes the plan. The report
in words is :mod:`.plan_report`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from flask_babel import format_date
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..locale_text import join_date_time, time_span
from ..models import Absence, Counter, RotaPlan, ShiftKind, StaffMember
from ..scheduling.rota_input import CounterTurn
from ..timeutil import end_of_local_day, start_of_local_day, to_local

# A turn in a form: its start in UTC, as ISO 8601 ("2026-12-14T08:00:00+00:00").
_TURN_KEY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(\+00:00|Z)")


class CellState(StrEnum):
    """What a person does during a turn of the grid."""

    COUNTER = "counter"  # at a counter (the cell shows its number)
    FREE = "free"  # working, not at the counter (back office)
    AWAY = "away"  # an absence overlaps the turn
    OFF = "off"  # does not work that weekday


def turn_key(turn: CounterTurn) -> str:
    """How forms name a turn: its start in UTC as ISO 8601."""
    return turn.start.astimezone(UTC).isoformat()


def turn_label(turn: CounterTurn) -> str:
    """A turn as staff read it: "maandag 14 december, 09:00–12:30" (Brussels time; the
    date and the times joined the way the locale joins them)."""
    start, end = to_local(turn.start), to_local(turn.end)
    return join_date_time(
        format_date(start.date(), "EEEE d MMMM"),
        time_span(start.time(), end.time(), "HH:mm"),
    )


def parse_turn_key(raw: str | None) -> datetime | None:
    """The start of a turn from a form value, as aware UTC; None when it is not one."""
    text = (raw or "").strip()
    if not _TURN_KEY.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def find_slot(slots: list[CounterTurn], raw: str | None) -> CounterTurn | None:
    """The turn of ``slots`` a form value names, or None."""
    start = parse_turn_key(raw)
    if start is None:
        return None
    return next((slot for slot in slots if slot.start == start), None)


def week_count(plan: RotaPlan) -> int:
    """How many weeks the plan covers."""
    return ((plan.last_day - plan.first_day).days + 1) // 7


def week_of(plan: RotaPlan, day: date) -> int:
    """The plan's week (1 is the first) that holds ``day``."""
    return min(max((day - plan.first_day).days // 7 + 1, 1), max(week_count(plan), 1))


@dataclass(frozen=True)
class GridColumn:
    """A counter turn of the week, with how many people the plan puts on it."""

    turn: CounterTurn
    key: str
    staffed: int
    label: str

    @property
    def short(self) -> bool:
        """Fewer people than the turn needs."""
        return self.staffed < self.turn.need


@dataclass(frozen=True)
class GridCell:
    """One person during one turn; ``counter`` is the counter's number when at one."""

    state: CellState
    counter: int | None = None


@dataclass(frozen=True)
class GridRow:
    """A person and their cells, in column order, with their counter turns this week."""

    person: StaffMember
    cells: tuple[GridCell, ...]
    turns_this_week: int


@dataclass(frozen=True)
class WeekGrid:
    """The grid of week ``week`` (1-based) of ``weeks``, Monday ``first`` to Sunday
    ``last``."""

    week: int
    weeks: int
    first: date
    last: date
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]


def team_people(session: Session, plan: RotaPlan) -> list[StaffMember]:
    """The people of the plan's team the grid shows: the active members, and anyone
    who holds a turn in the plan; by name."""
    in_plan = {turn.staff_id for turn in plan.turns}
    query = select(StaffMember).where(
        StaffMember.team_id == plan.team_id,
        or_(StaffMember.active.is_(True), StaffMember.id.in_(in_plan or {0})),
    )
    return sorted(session.scalars(query), key=lambda member: (member.name.casefold(), member.id))


def _absences(session: Session, people: list[StaffMember], start, end) -> dict[int, list]:
    spans: dict[int, list] = {member.id: [] for member in people}
    rows = session.execute(
        select(Absence.staff_id, Absence.starts_at, Absence.ends_at).where(
            Absence.staff_id.in_(list(spans) or [0]), Absence.filter_overlapping(start, end)
        )
    )
    for staff_id, away_start, away_end in rows:
        spans[staff_id].append((away_start, away_end))
    return spans


def week_grid(session: Session, plan: RotaPlan, slots: list[CounterTurn], week: int) -> WeekGrid:
    """The grid of ``week`` (1-based; clamped to the plan's weeks)."""
    weeks = max(week_count(plan), 1)
    week = min(max(week, 1), weeks)
    first = plan.first_day + timedelta(weeks=week - 1)
    last = first + timedelta(days=6)
    start, end = start_of_local_day(first), end_of_local_day(last)
    columns_turns = [slot for slot in slots if first <= slot.day <= last]
    counters = {row.id: row.number for row in session.execute(select(Counter.id, Counter.number))}
    people = team_people(session, plan)
    away = _absences(session, people, start, end)
    at_counter = [
        turn
        for turn in plan.turns
        if turn.kind == ShiftKind.COUNTER and turn.starts_at < end and turn.ends_at > start
    ]

    def during(slot: CounterTurn) -> list:
        return [t for t in at_counter if t.starts_at < slot.end and t.ends_at > slot.start]

    columns = tuple(
        GridColumn(
            turn=slot,
            key=turn_key(slot),
            staffed=len({t.staff_id for t in during(slot)}),
            label=turn_label(slot),
        )
        for slot in columns_turns
    )
    rows = []
    for member in people:
        cells = []
        for slot in columns_turns:
            held = [turn for turn in during(slot) if turn.staff_id == member.id]
            if held:
                cells.append(GridCell(CellState.COUNTER, counters.get(held[0].counter_id)))
            elif any(a < slot.end and b > slot.start for a, b in away[member.id]):
                cells.append(GridCell(CellState.AWAY))
            elif slot.day.weekday() not in member.weekdays:
                cells.append(GridCell(CellState.OFF))
            else:
                cells.append(GridCell(CellState.FREE))
        held_count = sum(cell.state == CellState.COUNTER for cell in cells)
        rows.append(GridRow(member, tuple(cells), held_count))
    return WeekGrid(week, weeks, first, last, columns, tuple(rows))
