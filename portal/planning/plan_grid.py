"""What the plan page shows: the week grid of a rota plan (one row per person of the
team, one column per counter turn of the week, in each cell what that person does then)
and the plan's report in words.

Built from the plan's turns, the turns the generator staffs (``plan_slots``: a turn
nobody staffs still has its column), the team's people and their absences, in a fixed
number of queries. Plain data for the template; nothing here changes the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from flask_babel import format_date, format_decimal, format_percent
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ..i18n import _, current_language, ngettext
from ..language_names import language_name
from ..locale_text import join_date_time, time_span
from ..models import Absence, Counter, RotaPlan, Service, ShiftKind, StaffMember
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


# ---------------------------------------------------------------- the report, in words


@dataclass(frozen=True)
class PersonLine:
    """One person's line of the report, numbers formatted for the reader."""

    name: str
    counter_hours: str
    back_office_hours: str
    evenings: int
    fair_evenings: str
    saturdays: int
    fair_saturdays: str
    share: str
    deviation: str
    far_off: bool


@dataclass(frozen=True)
class ShortLine:
    """A turn short of its need: when, need, staffed and why in words."""

    start: datetime
    end: datetime
    need: int
    staffed: int
    reason: str
    counts: str


@dataclass(frozen=True)
class UncoveredLine:
    """A turn where nobody handles a service or speaks a language the team wants."""

    start: datetime
    end: datetime
    what: str


@dataclass(frozen=True)
class ReportView:
    """What the plan page shows of ``plan.report``."""

    people: tuple[PersonLine, ...]
    shortages: tuple[ShortLine, ...]
    uncovered: tuple[UncoveredLine, ...]
    demand: str
    target: str
    explanation: str | None


# A person further than this from the target is marked in the report (in text).
FAR_OFF = 0.05


def _moment(raw) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(raw))
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _number(value, pattern: str = "#,##0.0") -> str:
    try:
        return format_decimal(float(value or 0), pattern)
    except (TypeError, ValueError):
        return "—"


def _percent(share: float) -> str:
    return format_percent(share, "#,##0%")


def _share(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _counts(entry: dict, weekday: str) -> str:
    """ "2 afwezig, 5 werken niet op zaterdag, 1 al ingepland" (parts that are zero left out)."""
    parts = []
    away, off, busy = (int(entry.get(key) or 0) for key in ("away", "not_working", "busy"))
    if away:
        parts.append(ngettext("%(num)d afwezig", "%(num)d afwezig", away))
    if off:
        parts.append(
            ngettext(
                "%(num)d werkt niet op %(weekday)s",
                "%(num)d werken niet op %(weekday)s",
                off,
                weekday=weekday,
            )
        )
    if busy:
        parts.append(ngettext("%(num)d al ingepland", "%(num)d al ingepland", busy))
    return ", ".join(parts)


def _explanation(demand: float, target: float) -> str | None:
    """Why nobody can reach the target, when the needs and the target differ by more
    than five points."""
    values = {
        "demand": format_percent(demand, "#,##0%"),
        "target": format_percent(target, "#,##0%"),
    }
    if demand < target - FAR_OFF:
        return _(
            "De behoeften aan de balie vullen maar %(demand)s van de werktijd van het team, "
            "minder dan het doel van %(target)s. Dus komt bijna niemand aan het doel. "
            "Verhoog het aantal mensen per beurt of verlaag het doel in de instellingen "
            "van het team.",
            **values,
        )
    if demand > target + FAR_OFF:
        return _(
            "De behoeften aan de balie vragen %(demand)s van de werktijd van het team, "
            "meer dan het doel van %(target)s. Dus staat bijna iedereen langer aan de balie "
            "dan het doel. Verlaag het aantal mensen per beurt of verhoog het doel in de "
            "instellingen van het team.",
            **values,
        )
    return None


def report_view(session: Session, report: dict | None) -> ReportView:
    """``plan.report`` for the page: people by name, shortages and uncovered wishes with
    their reasons in words. Tolerates missing or odd values (the JSON is stored)."""
    report = report if isinstance(report, dict) else {}
    people = []
    for entry in report.get("people") or []:
        deviation = _share(entry.get("deviation"))
        people.append(
            PersonLine(
                name=str(entry.get("name") or ""),
                counter_hours=_number(entry.get("counter_hours")),
                back_office_hours=_number(entry.get("back_office_hours")),
                evenings=int(entry.get("evenings") or 0),
                fair_evenings=_number(entry.get("fair_evenings")),
                saturdays=int(entry.get("saturdays") or 0),
                fair_saturdays=_number(entry.get("fair_saturdays")),
                share=_number(_share(entry.get("counter_share")) * 100),
                deviation=_number(deviation * 100, "+#,##0.0;-#,##0.0"),
                far_off=abs(deviation) > FAR_OFF,
            )
        )
    people.sort(key=lambda line: line.name.casefold())
    reasons = {
        "too_few_people": _("te weinig mensen beschikbaar"),
        "too_few_counters": _("te weinig balies"),
    }
    shortages = []
    for entry in report.get("shortages") or []:
        start, end = _moment(entry.get("start")), _moment(entry.get("end"))
        if start is None or end is None:
            continue
        weekday = format_date(to_local(start).date(), "EEEE")
        shortages.append(
            ShortLine(
                start=start,
                end=end,
                need=int(entry.get("need") or 0),
                staffed=int(entry.get("staffed") or 0),
                reason=reasons.get(entry.get("reason"), ""),
                counts=_counts(entry, weekday),
            )
        )
    service_ids = {e.get("service_id") for e in report.get("uncovered") or []}
    service_ids = [i for i in service_ids if isinstance(i, int)]
    services = {
        service.id: service
        for service in session.scalars(
            select(Service)
            .where(Service.id.in_(service_ids or [0]))
            .options(selectinload(Service.texts))
        )
    }
    uncovered = []
    for entry in report.get("uncovered") or []:
        start, end = _moment(entry.get("start")), _moment(entry.get("end"))
        if start is None or end is None:
            continue
        service = services.get(entry.get("service_id"))
        if service is not None:
            what = _("niemand voor %(service)s", service=service.name(current_language()))
        elif entry.get("language"):
            name = language_name(entry["language"], current_language(), label=False)
            what = _("niemand die %(language)s spreekt", language=name)
        else:
            continue
        uncovered.append(UncoveredLine(start, end, what))
    demand, target = _share(report.get("demand_share")), _share(report.get("target_share"))
    return ReportView(
        people=tuple(people),
        shortages=tuple(shortages),
        uncovered=tuple(uncovered),
        demand=_percent(demand),
        target=_percent(target),
        explanation=_explanation(demand, target) if report else None,
    )
