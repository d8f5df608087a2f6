"""The rota generator's plain data: what goes in (turns to staff, people, pins) and what
comes out (assignments, back-office spans, the report). Pure: no Flask, no database.

Every datetime is timezone-aware (UTC inside); local dates and weekdays are given by the
caller, who knows the city's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

Span = tuple[datetime, datetime]


class TurnKind(StrEnum):
    """A weekday counter turn, the Monday-evening turn or the Saturday-morning turn. The
    last two have their own fair rotation."""

    DAY = "day"
    EVENING = "evening"
    SATURDAY = "saturday"


@dataclass(frozen=True, slots=True)
class CounterTurn:
    """One counter turn to staff: ``need`` people of the team at the counter from
    ``start`` to ``end`` on the local date ``day``.

    ``counters`` are the ids of the team's counters, in the order people are put at them;
    ``services`` the counter services someone in the turn should be able to handle, and
    ``languages`` the languages someone in the turn should speak (both wishes, not rules:
    an uncovered one is reported)."""

    day: date
    start: datetime
    end: datetime
    kind: TurnKind
    need: int
    counters: tuple[int, ...]
    services: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()

    @property
    def hours(self) -> float:
        """The turn's length in hours."""
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class Person:
    """A team member as the generator sees them.

    ``office`` is their ordinary working time in the period (the office hours of their
    working days, closed days left out), ``weekdays`` the weekdays they work (0 is Monday;
    5 means they take Saturday turns), ``away`` the spans they are absent (leave,
    training, illness) or otherwise busy away from the counter."""

    id: int
    weekdays: frozenset[int]
    office: tuple[Span, ...]
    away: tuple[Span, ...] = ()
    services: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Pin:
    """A booked visit that ties a person to the counter from ``start`` to ``end``: the
    generator keeps them on the turn that holds it (unless they are away)."""

    person_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class RotaRequest:
    """Everything the generator needs for one team and one period."""

    turns: tuple[CounterTurn, ...]
    people: tuple[Person, ...]
    target_share: float = 0.35
    pins: tuple[Pin, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    """A person at a counter for a turn (``turn`` is an index into the request's turns)."""

    turn: int
    person_id: int
    counter_id: int


class ShortReason(StrEnum):
    """Why a turn could not get all the people it needs."""

    TOO_FEW_PEOPLE = "too_few_people"  # not enough people work that day and are not away
    TOO_FEW_COUNTERS = "too_few_counters"  # the team has fewer counters than the need


@dataclass(frozen=True, slots=True)
class Shortage:
    """A turn staffed below its need, with the counts that explain it."""

    turn: int
    need: int
    staffed: int
    reason: ShortReason
    away: int  # people of the team away during the turn
    not_working: int  # people who do not work that weekday
    busy: int  # people already on an overlapping turn


@dataclass(frozen=True, slots=True)
class Uncovered:
    """A turn without anyone who handles ``service`` (an id) or speaks ``language``."""

    turn: int
    service: int | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class PersonReport:
    """One person's share of the period: hours, special turns, fairness and target."""

    person_id: int
    counter_hours: float
    back_office_hours: float
    evenings: int
    saturdays: int
    fair_evenings: float  # their fair share of Monday-evening turns
    fair_saturdays: float  # their fair share of Saturday turns
    counter_share: float  # counter hours / (counter + back-office hours), 0..1
    deviation: float  # counter_share - target_share (e.g. -0.03 is 3 points under)


@dataclass(frozen=True, slots=True)
class Rota:
    """The generator's answer: who is at which counter when, everyone's back-office
    spans, the report per person, and what could not be met."""

    assignments: tuple[Assignment, ...]
    back_office: dict[int, tuple[Span, ...]]
    people: tuple[PersonReport, ...]
    shortages: tuple[Shortage, ...] = ()
    uncovered: tuple[Uncovered, ...] = ()
    # Share of the team's working time the turns' needs fill (0..1): when it is far from
    # the target, no spreading can bring everyone to the target.
    demand_share: float = 0.0
    target_share: float = 0.35
