"""A planner's hand edits of a draft rota plan: put someone on a counter turn, take them
off it, swap two people's turns, or discard the draft.

Operations only: they check, change the plan's turns, recompute its report and flush;
the request commits. A refusal raises :class:`EditRefused` with the reason in words and
changes nothing. Only drafts change: residents book against the published rota
(``shift`` rows), never against a plan's turns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import format_date
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import Absence, Counter, PlanStatus, RotaPlan, RotaTurn, ShiftKind, StaffMember
from ..scheduling import intervals
from ..scheduling.rota import office_spans
from ..scheduling.rota_input import CounterTurn
from ..timeutil import CITY_TZ, to_local
from .plan_grid import turn_label
from .rota_data import refresh_report


class EditRefused(Exception):
    """A hand edit the plan cannot take; ``message`` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _overlaps(turn: RotaTurn, start: datetime, end: datetime) -> bool:
    return turn.starts_at < end and turn.ends_at > start


def counter_turns_of(plan: RotaPlan, staff_id: int | None = None) -> list[RotaTurn]:
    """The plan's counter turns (of one person when ``staff_id`` is given)."""
    return [
        turn
        for turn in plan.turns
        if turn.kind == ShiftKind.COUNTER and (staff_id is None or turn.staff_id == staff_id)
    ]


def turn_on(plan: RotaPlan, staff_id: int, slot: CounterTurn) -> RotaTurn | None:
    """``staff_id``'s counter turn of the plan that overlaps ``slot`` (the exact one first)."""
    found = [t for t in counter_turns_of(plan, staff_id) if _overlaps(t, slot.start, slot.end)]
    found.sort(key=lambda t: (t.starts_at != slot.start or t.ends_at != slot.end, t.starts_at))
    return found[0] if found else None


def is_away(session: Session, staff_id: int, start: datetime, end: datetime) -> bool:
    """Whether the person has an absence overlapping ``[start, end)``."""
    return bool(
        session.scalar(
            select(
                exists().where(Absence.staff_id == staff_id, Absence.filter_overlapping(start, end))
            )
        )
    )


def check_draft(plan: RotaPlan) -> None:
    """Refuse any edit of a plan that is published or discarded."""
    if plan.status == PlanStatus.PUBLISHED:
        raise EditRefused(_("Dit plan is gepubliceerd en kan niet meer gewijzigd worden."))
    if plan.status == PlanStatus.DISCARDED:
        raise EditRefused(_("Dit plan is verworpen en kan niet meer gewijzigd worden."))


def _check_person(plan: RotaPlan, person: StaffMember) -> None:
    if person.team_id != plan.team_id or not person.active:
        raise EditRefused(_("%(name)s hoort niet bij het team van dit plan.", name=person.name))


def _check_can_take(
    session: Session,
    plan: RotaPlan,
    person: StaffMember,
    slot: CounterTurn,
    giving_up: Sequence[RotaTurn] = (),
) -> None:
    """Refuse when ``person`` cannot be at the counter during ``slot``: another team, a day
    they do not work, an absence, or a counter turn of theirs that overlaps it (other than
    the ones in ``giving_up``, which a swap takes away)."""
    _check_person(plan, person)
    label = turn_label(slot)
    if slot.day.weekday() not in person.weekdays:
        raise EditRefused(
            _(
                "%(name)s werkt niet op %(weekday)s.",
                name=person.name,
                weekday=format_date(slot.day, "EEEE"),
            )
        )
    if is_away(session, person.id, slot.start, slot.end):
        raise EditRefused(_("%(name)s is afwezig op %(turn)s.", name=person.name, turn=label))
    for turn in counter_turns_of(plan, person.id):
        if turn not in giving_up and _overlaps(turn, slot.start, slot.end):
            raise EditRefused(
                _(
                    "%(name)s staat al aan een balie op %(turn)s.",
                    name=person.name,
                    turn=label,
                )
            )


def free_counter(plan: RotaPlan, slot: CounterTurn) -> int:
    """The first of the team's counters nobody of the plan holds during ``slot``; refused
    when every counter is taken."""
    taken = {
        turn.counter_id for turn in counter_turns_of(plan) if _overlaps(turn, slot.start, slot.end)
    }
    for counter_id in slot.counters:
        if counter_id not in taken:
            return counter_id
    raise EditRefused(_("Alle balies van het team zijn bezet op %(turn)s.", turn=turn_label(slot)))


def _back_office_of(plan: RotaPlan, staff_id: int) -> list[RotaTurn]:
    return [
        turn
        for turn in plan.turns
        if turn.kind == ShiftKind.BACK_OFFICE and turn.staff_id == staff_id
    ]


def _put_on(plan: RotaPlan, staff_id: int, slot: CounterTurn, counter_id: int) -> RotaTurn:
    """Add the counter turn and cut the person's back-office time out of its span."""
    for office in _back_office_of(plan, staff_id):
        if not _overlaps(office, slot.start, slot.end):
            continue
        before = (office.starts_at, slot.start) if office.starts_at < slot.start else None
        after = (slot.end, office.ends_at) if office.ends_at > slot.end else None
        if before is None and after is None:
            plan.turns.remove(office)
            continue
        first = before or after
        office.starts_at, office.ends_at = first
        if before is not None and after is not None:
            plan.turns.append(_back_office(staff_id, *after))
    turn = RotaTurn(
        staff_id=staff_id,
        kind=ShiftKind.COUNTER,
        counter_id=counter_id,
        starts_at=slot.start,
        ends_at=slot.end,
    )
    plan.turns.append(turn)
    return turn


def _back_office(staff_id: int, start: datetime, end: datetime) -> RotaTurn:
    return RotaTurn(staff_id=staff_id, kind=ShiftKind.BACK_OFFICE, starts_at=start, ends_at=end)


def _office_part(session: Session, person: StaffMember, start: datetime, end: datetime):
    """The part of ``[start, end)`` that is the person's ordinary office time that day (as
    the generator counts it), absences left out: a Saturday or evening turn given up
    does not become back-office time outside office hours."""
    day = to_local(start).date()
    office = office_spans([day], person.weekdays, person.contract_fraction, CITY_TZ)
    part = intervals.intersect(intervals.normalize(office), [(start, end)])
    away = session.execute(
        select(Absence.starts_at, Absence.ends_at).where(
            Absence.staff_id == person.id, Absence.filter_overlapping(start, end)
        )
    ).all()
    return intervals.subtract(part, intervals.normalize((a, b) for a, b in away))


def _take_off(session: Session, plan: RotaPlan, person: StaffMember, turn: RotaTurn) -> None:
    """Remove a counter turn: the part of its span in the person's office time becomes
    back office, joined to the back-office time that touches it."""
    spans = _office_part(session, person, turn.starts_at, turn.ends_at)
    plan.turns.remove(turn)
    for start, end in spans:
        for office in _back_office_of(plan, person.id):
            if office.starts_at <= end and office.ends_at >= start:
                start, end = min(start, office.starts_at), max(end, office.ends_at)
                plan.turns.remove(office)
        plan.turns.append(_back_office(person.id, start, end))


def _counter_number(session: Session, counter_id: int | None) -> int | None:
    counter = session.get(Counter, counter_id) if counter_id is not None else None
    return counter.number if counter is not None else None


def assign(session: Session, plan: RotaPlan, person: StaffMember, slot: CounterTurn) -> int:
    """Put ``person`` on ``slot`` at a free counter of the team; their back-office time
    in that span is cut. The counter's number."""
    check_draft(plan)
    _check_can_take(session, plan, person, slot)
    counter_id = free_counter(plan, slot)
    _put_on(plan, person.id, slot, counter_id)
    session.flush()
    refresh_report(session, plan)
    return _counter_number(session, counter_id)


def unassign(session: Session, plan: RotaPlan, person: StaffMember, slot: CounterTurn) -> None:
    """Take ``person`` off ``slot``: the span becomes back office (where it is office time)."""
    check_draft(plan)
    turn = turn_on(plan, person.id, slot)
    if turn is None:
        raise EditRefused(
            _("%(name)s staat niet op %(turn)s.", name=person.name, turn=turn_label(slot))
        )
    _take_off(session, plan, person, turn)
    session.flush()
    refresh_report(session, plan)


def swap(
    session: Session,
    plan: RotaPlan,
    first: StaffMember,
    first_slot: CounterTurn,
    second: StaffMember,
    second_slot: CounterTurn,
) -> None:
    """Swap two people's turns: ``first`` takes ``second_slot`` at ``second``'s counter,
    ``second`` takes ``first_slot`` at ``first``'s counter. Both must be able to take the
    other's turn, or nothing changes."""
    check_draft(plan)
    if first.id == second.id:
        raise EditRefused(_("Kies twee verschillende medewerkers om te ruilen."))
    if first_slot.start == second_slot.start and first_slot.end == second_slot.end:
        raise EditRefused(_("Kies twee verschillende beurten om te ruilen."))
    first_turn = turn_on(plan, first.id, first_slot)
    second_turn = turn_on(plan, second.id, second_slot)
    for person, turn, slot in ((first, first_turn, first_slot), (second, second_turn, second_slot)):
        if turn is None:
            raise EditRefused(
                _("%(name)s staat niet op %(turn)s.", name=person.name, turn=turn_label(slot))
            )
    leaving = (first_turn, second_turn)
    _check_can_take(session, plan, first, second_slot, leaving)
    _check_can_take(session, plan, second, first_slot, leaving)
    first_counter, second_counter = first_turn.counter_id, second_turn.counter_id
    _take_off(session, plan, first, first_turn)
    _take_off(session, plan, second, second_turn)
    _put_on(plan, first.id, second_slot, second_counter)
    _put_on(plan, second.id, first_slot, first_counter)
    session.flush()
    refresh_report(session, plan)


def discard(session: Session, plan: RotaPlan) -> None:
    """Set a draft aside for good: it stays readable, but is never published."""
    check_draft(plan)
    plan.status = PlanStatus.DISCARDED
    session.flush()
