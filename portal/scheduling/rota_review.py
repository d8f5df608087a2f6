"""What a rota amounts to, however it was made: hours per person, special turns, shares,
turns short of their need and wishes not covered. Pure.

The generator reports on its own result with it, and a planner's hand edits are reviewed
the same way, so the figures on the plan page always mean the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from . import intervals
from .rota_input import (
    Assignment,
    CounterTurn,
    Person,
    PersonReport,
    Rota,
    RotaRequest,
    Shortage,
    ShortReason,
    Span,
    TurnKind,
    Uncovered,
)


def hours(spans: Sequence[Span]) -> float:
    """The total length of ``spans`` in hours."""
    return sum((end - start).total_seconds() for start, end in spans) / 3600


def is_away(person: Person, turn: CounterTurn) -> bool:
    """Whether ``person`` is absent during any part of ``turn``."""
    return any(intervals.overlaps(start, end, turn.start, turn.end) for start, end in person.away)


def shortage(
    request: RotaRequest, index: int, staffed: int, on_turn: Mapping[int, Sequence[int]]
) -> Shortage:
    """Why turn ``index`` has only ``staffed`` people: who is away, who does not work that
    weekday, who is on an overlapping turn (``on_turn``: turn index → person ids)."""
    turn = request.turns[index]
    weekday = turn.day.weekday()
    not_working = [p for p in request.people if weekday not in p.weekdays]
    away = [p for p in request.people if weekday in p.weekdays and is_away(p, turn)]
    overlapping = {
        person_id
        for other, people in on_turn.items()
        if other != index
        and intervals.overlaps(
            request.turns[other].start, request.turns[other].end, turn.start, turn.end
        )
        for person_id in people
    }
    eligible = len(request.people) - len(not_working) - len(away)
    reason = (
        ShortReason.TOO_FEW_COUNTERS
        if turn.need > len(turn.counters) and eligible - len(overlapping) >= turn.need
        else ShortReason.TOO_FEW_PEOPLE
    )
    return Shortage(
        turn=index,
        need=turn.need,
        staffed=staffed,
        reason=reason,
        away=len(away),
        not_working=len(not_working),
        busy=len(overlapping - {p.id for p in away}),
    )


def uncovered(request: RotaRequest, index: int, people: Sequence[int]) -> list[Uncovered]:
    """The wishes of turn ``index`` (services, languages) nobody of ``people`` meets."""
    turn = request.turns[index]
    if not people:
        return []
    by_id = {person.id: person for person in request.people}
    staffed = [by_id[person_id] for person_id in people if person_id in by_id]
    found = [
        Uncovered(turn=index, service=service)
        for service in turn.services
        if not any(service in person.services for person in staffed)
    ]
    found += [
        Uncovered(turn=index, language=language)
        for language in turn.languages
        if not any(language in person.languages for person in staffed)
    ]
    return found


def review(
    request: RotaRequest,
    assignments: Sequence[Assignment],
    back_office: Mapping[int, Sequence[Span]],
    fair: Mapping[tuple[int, TurnKind], float],
) -> Rota:
    """The :class:`Rota` of ``assignments`` and ``back_office`` with its full report;
    ``fair`` holds each person's fair share of evening and Saturday turns."""
    on_turn: dict[int, list[int]] = defaultdict(list)
    for assignment in assignments:
        on_turn[assignment.turn].append(assignment.person_id)
    counter_hours: dict[int, float] = defaultdict(float)
    taken: dict[tuple[int, TurnKind], int] = defaultdict(int)
    for assignment in assignments:
        turn = request.turns[assignment.turn]
        counter_hours[assignment.person_id] += turn.hours
        taken[assignment.person_id, turn.kind] += 1
    reports = []
    for person in sorted(request.people, key=lambda p: p.id):
        counter = counter_hours[person.id]
        office = hours(back_office.get(person.id, ()))
        share = counter / (counter + office) if counter + office else 0.0
        reports.append(
            PersonReport(
                person_id=person.id,
                counter_hours=round(counter, 2),
                back_office_hours=round(office, 2),
                evenings=taken[person.id, TurnKind.EVENING],
                saturdays=taken[person.id, TurnKind.SATURDAY],
                fair_evenings=round(fair.get((person.id, TurnKind.EVENING), 0.0), 2),
                fair_saturdays=round(fair.get((person.id, TurnKind.SATURDAY), 0.0), 2),
                counter_share=share,
                deviation=share - request.target_share,
            )
        )
    shortages = [
        shortage(request, index, len(on_turn[index]), on_turn)
        for index, turn in enumerate(request.turns)
        if len(on_turn[index]) < turn.need
    ]
    missing = [
        wish
        for index in range(len(request.turns))
        for wish in uncovered(request, index, on_turn[index])
    ]
    return Rota(
        assignments=tuple(sorted(assignments, key=lambda a: (a.turn, a.counter_id, a.person_id))),
        back_office={p.id: tuple(sorted(back_office.get(p.id, ()))) for p in request.people},
        people=tuple(reports),
        shortages=tuple(shortages),
        uncovered=tuple(missing),
        demand_share=demand_share(request),
        target_share=request.target_share,
    )


def demand_share(request: RotaRequest) -> float:
    """The share of the team's working time the turns' needs fill: the counter hours asked
    for, over the office hours plus the evening and Saturday hours asked for."""
    asked = sum(min(t.need, len(t.counters)) * t.hours for t in request.turns)
    extra = sum(
        min(t.need, len(t.counters)) * t.hours for t in request.turns if t.kind != TurnKind.DAY
    )
    office = sum(hours(person.office) for person in request.people)
    return asked / (office + extra) if office + extra else 0.0
