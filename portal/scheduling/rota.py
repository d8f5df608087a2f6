"""The rota generator ("beurtrol"): who of a team is at which counter during which turn of a
period, and what is left for the back office. Pure: plain data in, plain data out, no
clock and no randomness, so the same request always gives the same rota.

The order of the work:

1. booked visits (pins) tie their clerk to the turn that holds them;
2. the Monday-evening and Saturday turns, each kind with its own fair rotation: everyone
   who could take a turn earns a share of it, and a plan for the whole period (a flow,
   see :mod:`.rota_fairness`) keeps everyone's count within one turn of their fair share;
3. the day turns, in time order, to whoever is furthest behind their target share of
   counter time (prefix sums of office time, so a period stays a few milliseconds);
4. after each turn's choice, swaps so that someone handles each wished service and speaks
   each wished language, where a swap keeps what was already covered;
5. the report (hours, shares, shortages, uncovered wishes) by :func:`.rota_review.review`,
   the very function that reviews a planner's hand edits.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from . import intervals
from .rota_fairness import FairRotation, SpecialTurn
from .rota_input import Assignment, CounterTurn, Person, Rota, RotaRequest, Span, TurnKind
from .rota_review import hours, review

# An office day: 08:30–12:30 and 13:00–16:30 local time, 7.5 hours.
OFFICE_DAY = ((time(8, 30), time(12, 30)), (time(13, 0), time(16, 30)))
WORKWEEK = 5  # Monday to Friday: the days with office time
SPECIAL = (TurnKind.EVENING, TurnKind.SATURDAY)
# The office spans of an evening turn's day start less than this before the turn ends
# (the previous day's end more than this before it), found without a time zone.
_SAME_DAY = timedelta(hours=16)
Wish = tuple[str, int | str]  # ("service", id) or ("language", code)


def office_spans(
    days: Iterable[date],
    weekdays: Iterable[int],
    fraction: float,
    tz: tzinfo,
    office_day: Sequence[tuple[time, time]] = OFFICE_DAY,
) -> tuple[Span, ...]:
    """A person's ordinary working time on the open local ``days`` they work (Monday to
    Friday only: Saturday is turn duty, not office time), as aware UTC spans.

    Each day gets the first part of ``office_day``, as long as the contract ``fraction``
    spread over the person's weekdays allows (a 0.5 contract over three days: 6.25 hours
    a day), never longer than the office day itself. Local wall-clock time of each date,
    so the spans stay at 08:30 across the changes to and from summer time."""
    worked = {weekday for weekday in weekdays if weekday < WORKWEEK}
    if not worked or fraction <= 0:
        return ()
    full = sum((_clock(closes) - _clock(opens) for opens, closes in office_day), timedelta())
    length = min(full, full * (fraction * WORKWEEK / len(worked)))
    daily = timedelta(seconds=round(length.total_seconds()))
    spans = []
    for day in sorted(set(days)):
        if day.weekday() not in worked:
            continue
        left = daily
        for opens, closes in office_day:
            if left <= timedelta():
                break
            start = datetime.combine(day, opens)
            end = min(datetime.combine(day, closes), start + left)
            left -= end - start
            spans.append((_utc(start, tz), _utc(end, tz)))
    return tuple(spans)


def generate_rota(request: RotaRequest) -> Rota:
    """The rota of ``request``: counter assignments, back-office spans per person and the
    report. Deterministic, also when the people come in another order (every tie ends on
    the person's id)."""
    work = _Work(request)
    work.pin()
    fairness = {kind: work.rotation(kind) for kind in SPECIAL}
    for position, index in enumerate(work.order):
        kind = request.turns[index].kind
        if kind in fairness:
            work.staff_special(position, index, fairness[kind])
    work.plan_day_turns()
    for index in work.order:
        if request.turns[index].kind not in fairness:
            work.staff_day(index)
    fair = {
        (person_id, kind): rotation.share(person_id)
        for kind, rotation in fairness.items()
        for person_id in rotation.fair
    }
    return review(request, work.assignments(), work.back_office(), fair)


class _Spans:
    """A sorted list of spans that do not overlap each other, with an O(log n) overlap
    test (absences once normalized, and the turns a person is on)."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        for start, end in spans:
            self.add(start, end)

    def add(self, start: datetime, end: datetime) -> None:
        """Insert ``[start, end)``, which overlaps none of the spans already here."""
        at = bisect_left(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)

    def hits(self, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` overlaps a span here."""
        at = bisect_left(self.starts, end)
        return at > 0 and self.ends[at - 1] > start and start < end

    def spans(self) -> list[Span]:
        """The spans, in order."""
        return list(zip(self.starts, self.ends, strict=True))


@dataclass(slots=True, eq=False)
class _Member:
    """A person and what the generator has given them so far."""

    person: Person
    away: _Spans
    busy: _Spans = field(default_factory=_Spans)
    hours: float = 0.0  # counter hours so far
    given: float = 0.0  # day-turn hours so far
    evenings: list[CounterTurn] = field(default_factory=list)
    office: list[Span] = field(default_factory=list)  # office − away − evening start
    # Day-turn plan: office time left for the back office before any day turn.
    free_starts: list[datetime] = field(default_factory=list)
    free_ends: list[datetime] = field(default_factory=list)
    free_before: list[float] = field(default_factory=list)  # hours before span k
    free_hours: float = 0.0  # W
    rest: float = 0.0  # R: counter hours still to give in day turns
    base: float = 0.0  # W + S: the working time their share is taken of

    @property
    def id(self) -> int:
        return self.person.id

    def status(self, turn: CounterTurn) -> str | None:
        """None when the person can take ``turn``, else why not."""
        if turn.day.weekday() not in self.person.weekdays:
            return "not_working"
        if self.away.hits(turn.start, turn.end):
            return "away"
        if self.busy.hits(turn.start, turn.end):
            return "busy"
        return None

    def deficit(self, moment: datetime) -> float:
        """How far this person is behind at ``moment``, as a share of their working
        time: their day-turn target prorated on the office time before ``moment``, minus
        the day-turn hours given, over W + S. Relative, so that when the turns ask less
        (or more) than the target, everyone ends the same distance from it, whatever
        their contract."""
        if self.free_hours <= 0:
            return -self.given / max(self.base, 1.0)
        at = bisect_right(self.free_starts, moment)
        done = 0.0
        if at:
            last_start, last_end = self.free_starts[at - 1], self.free_ends[at - 1]
            done = self.free_before[at - 1] + _hours(last_start, min(last_end, moment))
        return (self.rest * done / self.free_hours - self.given) / self.base

    def meets(self, wish: Wish) -> bool:
        """Whether this person handles the wished service or speaks the wished language."""
        kind, value = wish
        return value in (self.person.services if kind == "service" else self.person.languages)


class _Work:
    """The generator's state for one request: who is on which turn so far."""

    def __init__(self, request: RotaRequest) -> None:
        self.request = request
        self.turns = request.turns
        people = sorted(request.people, key=lambda person: person.id)
        self.members = [
            _Member(person, _Spans(intervals.normalize(person.away))) for person in people
        ]
        self.by_id = {member.id: member for member in self.members}
        self.order = sorted(
            range(len(self.turns)), key=lambda i: (self.turns[i].start, self.turns[i].end, i)
        )
        self.on_turn: dict[int, list[int]] = defaultdict(list)  # pinned first, then chosen
        self.pinned: dict[int, list[int]] = defaultdict(list)

    def assign(self, index: int, member: _Member) -> None:
        """Put ``member`` on turn ``index``."""
        turn = self.turns[index]
        member.busy.add(turn.start, turn.end)
        member.hours += turn.hours
        self.on_turn[index].append(member.id)

    def pin(self) -> None:
        """Put each booked visit's clerk on the turns the visit overlaps, in time order,
        unless they are away, do not work that day or are on an overlapping turn."""
        if not self.turns or not self.request.pins:
            return
        starts = [self.turns[index].start for index in self.order]
        longest = max(turn.end - turn.start for turn in self.turns)
        pairs = set()
        for pin in self.request.pins:
            if pin.person_id not in self.by_id:
                continue
            first = bisect_right(starts, pin.start - longest)
            for position in range(first, bisect_left(starts, pin.end)):
                turn = self.turns[self.order[position]]
                if intervals.overlaps(turn.start, turn.end, pin.start, pin.end):
                    pairs.add((position, pin.person_id))
        for position, person_id in sorted(pairs):
            index = self.order[position]
            member = self.by_id[person_id]
            if self.turns[index].counters and member.status(self.turns[index]) is None:
                self.assign(index, member)
                self.pinned[index].append(person_id)

    def candidates(self, index: int) -> list[_Member]:
        """The people who could still be chosen for turn ``index`` (pinned ones aside)."""
        turn, pinned = self.turns[index], self.pinned[index]
        return [m for m in self.members if m.id not in pinned and m.status(turn) is None]

    def seats(self, index: int, candidates: int) -> int:
        """How many people to choose for turn ``index`` beside the pinned ones."""
        turn = self.turns[index]
        need = min(turn.need, len(turn.counters))
        return min(max(0, need - len(self.pinned[index])), candidates)

    def rotation(self, kind: TurnKind) -> FairRotation:
        """The fair rotation of ``kind``, planned on who can take each of its turns."""
        turns = []
        for position, index in enumerate(self.order):
            turn = self.turns[index]
            if turn.kind != kind:
                continue
            able = [
                m.id
                for m in self.members
                if turn.day.weekday() in m.person.weekdays and not m.away.hits(turn.start, turn.end)
            ]
            pinned = self.pinned[index]
            staffed = len(pinned) + self.seats(index, len(able) - len(pinned))
            turns.append(SpecialTurn(position, tuple(able), staffed, tuple(pinned)))
        return FairRotation([m.id for m in self.members], turns)

    def staff_special(self, position: int, index: int, rotation: FairRotation) -> None:
        """Staff an evening or Saturday turn by its kind's fair rotation."""
        candidates = self.candidates(index)
        seats = self.seats(index, len(candidates))
        able = [*self.pinned[index], *(m.id for m in candidates)]
        rotation.accrue(able, len(self.pinned[index]) + seats)
        ranked = rotation.rank(position, candidates, seats)
        chosen = self.choose(
            index, ranked, seats, swap=lambda add, drop: rotation.swap(add, drop, position)
        )
        for member in chosen:
            self.assign(index, member)
        rotation.commit(position, self.on_turn[index])
        if self.turns[index].kind == TurnKind.EVENING:
            for person_id in self.on_turn[index]:
                self.by_id[person_id].evenings.append(self.turns[index])

    def plan_day_turns(self) -> None:
        """Everyone's day-turn target: target share × (office time W + special-turn hours
        S) − S, and the prefix sums that prorate it over the period."""
        target = self.request.target_share
        for member in self.members:
            office = _start_later(intervals.normalize(member.person.office), member.evenings)
            member.office = intervals.subtract(office, member.away.spans())
            special = [turn for turn in self.turns_of(member) if turn.kind in SPECIAL]
            busy = intervals.normalize((turn.start, turn.end) for turn in special)
            free = intervals.subtract(member.office, busy)
            special_hours = sum(turn.hours for turn in special)
            member.free_hours = hours(free)
            member.base = member.free_hours + special_hours
            member.rest = target * member.base - special_hours
            running = 0.0
            for start, end in free:
                member.free_starts.append(start)
                member.free_ends.append(end)
                member.free_before.append(running)
                running += _hours(start, end)

    def turns_of(self, member: _Member) -> list[CounterTurn]:
        """The turns ``member`` is on so far."""
        return [self.turns[i] for i, people in self.on_turn.items() if member.id in people]

    def staff_day(self, index: int) -> None:
        """Staff a day turn with the people furthest behind their target; someone on
        that day's evening turn only when nobody else can."""
        turn = self.turns[index]
        candidates = self.candidates(index)
        evening = {m.id for m in candidates if any(e.day == turn.day for e in m.evenings)}
        ranked = sorted(
            candidates, key=lambda m: (m.id in evening, -round(m.deficit(turn.end), 9), m.id)
        )
        chosen = self.choose(index, ranked, self.seats(index, len(candidates)))
        for member in chosen:
            self.assign(index, member)
        for person_id in self.on_turn[index]:
            self.by_id[person_id].given += turn.hours

    def choose(
        self,
        index: int,
        ranked: list[_Member],
        seats: int,
        swap: Callable[[_Member, _Member], bool] = lambda _add, _drop: True,
    ) -> list[_Member]:
        """The ``seats`` best of ``ranked``, then for each wish nobody meets, the best
        unchosen person who meets it swapped in for the lowest-ranked chosen one whose
        leaving uncovers nothing else (and ``swap`` allows: the fair rotation)."""
        turn = self.turns[index]
        wishes = list(
            dict.fromkeys(
                [
                    *(("service", s) for s in turn.services),
                    *(("language", x) for x in turn.languages),
                ]
            )
        )
        chosen, spare = list(range(seats)), list(range(seats, len(ranked)))
        if not wishes or not seats:
            return ranked[:seats]
        offers = [frozenset(filter(member.meets, wishes)) for member in ranked]
        fixed = frozenset(
            wish
            for person_id in self.pinned[index]
            for wish in filter(self.by_id[person_id].meets, wishes)
        )

        def covered(picked: list[int]) -> frozenset[Wish]:
            return fixed.union(*(offers[i] for i in picked))

        for wish in wishes:
            now = covered(chosen)
            if wish in now:
                continue
            pairs = ((a, d) for a in spare if wish in offers[a] for d in reversed(chosen))
            for add, drop in pairs:
                after = [i for i in chosen if i != drop] + [add]
                if now <= covered(after) and swap(ranked[add], ranked[drop]):
                    chosen, spare = sorted(after), sorted([*spare, drop])
                    spare.remove(add)
                    break
        return [ranked[i] for i in chosen]

    def assignments(self) -> list[Assignment]:
        """Everyone's counter: the turn's counters in order, pinned people first, shared
        in turn when more people are pinned than there are counters."""
        found = []
        for index, people in self.on_turn.items():
            counters = self.turns[index].counters
            for place, person_id in enumerate(people):
                found.append(Assignment(index, person_id, counters[place % len(counters)]))
        return found

    def back_office(self) -> dict[int, list[Span]]:
        """Everyone's office time (started later after an evening turn) minus absences
        and counter turns."""
        return {
            member.id: intervals.subtract(member.office, member.busy.spans())
            for member in self.members
        }


def _start_later(office: list[Span], evenings: list[CounterTurn]) -> list[Span]:
    """``office`` with, on the day of each evening turn, the first office time as long
    as the evening turn taken off: who works the evening starts later."""
    for turn in evenings:
        left = turn.end - turn.start
        at = bisect_left(office, turn.end - _SAME_DAY, key=lambda span: span[0])
        while left > timedelta() and at < len(office) and office[at][0] < turn.end:
            start, end = office[at]
            cut = min(left, end - start)
            left -= cut
            if start + cut < end:
                office[at] = (start + cut, end)
                at += 1
            else:
                del office[at]
    return office


def _clock(at: time) -> timedelta:
    return timedelta(hours=at.hour, minutes=at.minute, seconds=at.second)


def _utc(wall_clock: datetime, tz: tzinfo) -> datetime:
    return wall_clock.replace(tzinfo=tz).astimezone(UTC)


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)
