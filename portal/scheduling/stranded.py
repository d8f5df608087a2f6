"""Which booked visits a new rota would strand, and who could take them instead. Pure.

A visit is stranded when its staff member has no shift of the visit's kind (counter or
back office) covering its whole time. A colleague can take it when they are on such a
shift then, may handle every service of the visit and are free. The visit's
``preferred`` colleague (the owner of its dossier) comes first when they can take it;
then those who speak the resident's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import intervals
from .rota_input import Span


@dataclass(frozen=True, slots=True)
class BookedVisit:
    """A booked visit as the check sees it (``kind`` is "counter" or "back_office";
    ``preferred`` the colleague to propose first when free, such as its dossier's owner)."""

    id: int
    staff_id: int
    start: object
    end: object
    kind: str
    services: frozenset[int]
    language: str = ""
    preferred: int | None = None


@dataclass(frozen=True, slots=True)
class Colleague:
    """A person who could take a stranded visit: their shifts by kind, services,
    languages and the spans they are already busy (absences, visits, holds)."""

    id: int
    shifts: Mapping[str, Sequence[Span]]
    services: frozenset[int]
    languages: frozenset[str] = frozenset()
    busy: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class StrandedVisit:
    """A visit the rota leaves without its staff member, and who could take it (best
    first; empty when nobody can, and the resident must be asked for a new time)."""

    visit_id: int
    candidates: tuple[int, ...]


def stranded_visits(
    visits: Iterable[BookedVisit], people: Sequence[Colleague]
) -> list[StrandedVisit]:
    """The visits not covered by a shift of their own staff member, in time order, each
    with the colleagues free to take it. A colleague proposed first for one visit is
    busy for the next ones, so following every first proposal never double-books."""
    shifts = {
        person.id: {kind: intervals.normalize(spans) for kind, spans in person.shifts.items()}
        for person in people
    }
    taken: dict[int, list[Span]] = defaultdict(list)
    found = []
    for visit in sorted(visits, key=lambda v: (v.start, v.id)):
        own = shifts.get(visit.staff_id, {}).get(visit.kind, [])
        if intervals.covers(own, visit.start, visit.end):
            continue
        candidates = [
            person
            for person in people
            if person.id != visit.staff_id
            and visit.services <= person.services
            and intervals.covers(shifts[person.id].get(visit.kind, []), visit.start, visit.end)
            and not _busy(person.busy, visit)
            and not _busy(taken[person.id], visit)
        ]
        candidates.sort(
            key=lambda p: (p.id != visit.preferred, visit.language not in p.languages, p.id)
        )
        if candidates:
            taken[candidates[0].id].append((visit.start, visit.end))
        found.append(StrandedVisit(visit.id, tuple(person.id for person in candidates)))
    return found


def _busy(spans: Iterable[Span], visit: BookedVisit) -> bool:
    return any(intervals.overlaps(start, end, visit.start, visit.end) for start, end in spans)
