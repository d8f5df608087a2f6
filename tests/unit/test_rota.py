"""Tests for portal.scheduling.rota: hand-computed examples and hypothesis properties on a
realistic Europe/Brussels city week (Monday evening and Saturday turns, DST weeks)."""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.scheduling.intervals import covers, normalize, overlaps
from portal.scheduling.rota import generate_rota, office_spans
from portal.scheduling.rota_input import (
    CounterTurn,
    Person,
    Pin,
    RotaRequest,
    Shortage,
    ShortReason,
    TurnKind,
    Uncovered,
)

BRU = ZoneInfo("Europe/Brussels")
DAY, EVENING, SATURDAY = TurnKind.DAY, TurnKind.EVENING, TurnKind.SATURDAY
# The city's week: weekday → (opens, closes, kind); Wednesday 09:00–16:00 in two turns.
CITY_WEEK = {
    0: (("09:00", "12:30", DAY), ("16:00", "19:00", EVENING)),
    1: (("09:00", "12:30", DAY),),
    2: (("09:00", "12:30", DAY), ("12:30", "16:00", DAY)),
    3: (("09:00", "12:30", DAY),),
    4: (("09:00", "12:30", DAY),),
    5: (("09:00", "12:30", SATURDAY),),
}
# Mondays: an ordinary one, the weeks over the last Sunday of March and of October.
MONDAYS = (date(2027, 1, 11), date(2027, 3, 22), date(2026, 10, 19), date(2027, 5, 31))
ROUNDING = 0.005  # the report rounds fair shares to two decimals
FOUR_TO_TWELVE = st.integers(4, 12)


def at(day: date, hhmm: str) -> datetime:
    """The UTC moment of local ``hhmm`` on ``day`` in Brussels."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=BRU).astimezone(UTC)


def period(first: date, weeks: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(weeks * 7)]


def city_turns(days, needs, counters, services=(), languages=()) -> tuple[CounterTurn, ...]:
    """The city's turns on ``days``; ``needs`` maps a kind to its need."""
    return tuple(
        CounterTurn(
            day, at(day, opens), at(day, closes), kind, needs[kind], counters, services, languages
        )
        for day in days
        for opens, closes, kind in CITY_WEEK.get(day.weekday(), ())
    )


def person(
    pid, days, weekdays=(0, 1, 2, 3, 4), fraction=1.0, away=(), services=(), languages=()
) -> Person:
    weekdays = frozenset(weekdays)
    return Person(
        pid,
        weekdays,
        office_spans(days, weekdays, fraction, BRU),
        tuple(away),
        frozenset(services),
        frozenset(languages),
    )


def hours(spans) -> float:
    return sum((end - start).total_seconds() for start, end in spans) / 3600


def local_hhmm(spans) -> list[tuple[str, str]]:
    return [
        (s.astimezone(BRU).strftime("%H:%M"), e.astimezone(BRU).strftime("%H:%M")) for s, e in spans
    ]


# ------------------------------------------------------------------------------ strategies


@st.composite
def absences(draw, days, most=3, longest=9):
    """Whole days off (leave) or a few hours (training), up to ``most`` of them."""
    found = []
    for _ in range(draw(st.integers(0, most))):
        first = draw(st.sampled_from(days))
        if draw(st.booleans()):
            length = timedelta(draw(st.integers(1, longest)))
            found.append((at(first, "00:00"), at(first + length, "00:00")))
        else:
            start = draw(st.sampled_from(["08:00", "10:00", "12:00", "15:00", "17:30"]))
            found.append((at(first, start), at(first, start) + timedelta(hours=2)))
    return found


@st.composite
def requests(draw, weeks=FOUR_TO_TWELVE, pins=True, away=(3, 9)):
    """A team of 3–16 people over 4–12 weeks of the city's turns; ``away``: at most how
    many absences a person has and how many days the longest lasts."""
    days = period(draw(st.sampled_from(MONDAYS)), draw(weeks))
    counters = tuple(range(1, draw(st.integers(1, 5)) + 1))
    needs = {kind: draw(st.integers(0, 4)) for kind in TurnKind}
    services = tuple(draw(st.sets(st.integers(1, 3), max_size=2)))
    languages = tuple(draw(st.sets(st.sampled_from(["fr", "en", "ar"]), max_size=2)))
    people = []
    for index in range(draw(st.integers(3, 16))):
        weekdays = draw(st.sets(st.integers(0, 5), min_size=1))
        people.append(
            person(
                7 * index + 3,
                days,
                weekdays,
                draw(st.sampled_from([1.0, 0.8, 0.5])),
                draw(absences(days, *away)),
                draw(st.sets(st.integers(1, 3), max_size=2)),
                draw(st.sets(st.sampled_from(["fr", "en", "ar"]), max_size=2)),
            )
        )
    turns = city_turns(days, needs, counters, services, languages)
    visits = []
    if pins and turns:
        for _ in range(draw(st.integers(0, 6))):
            turn = draw(st.sampled_from(turns))
            who = draw(st.sampled_from(people)).id
            visits.append(Pin(who, turn.start, turn.start + timedelta(minutes=15)))
    return RotaRequest(turns, tuple(people), draw(st.sampled_from([0.3, 0.35])), tuple(visits))


# ------------------------------------------------------------------------------ properties


def eligible(request, turn) -> list[Person]:
    """Who works the turn's weekday and is not away (the city's turns never overlap)."""
    return [
        p
        for p in request.people
        if turn.day.weekday() in p.weekdays
        and not any(overlaps(s, e, turn.start, turn.end) for s, e in p.away)
    ]


@settings(max_examples=100, deadline=None)
@given(requests(), st.randoms(use_true_random=False))
def test_rota_invariants(request, rng):
    rota = generate_rota(request)
    people = {p.id: p for p in request.people}
    on_turn = defaultdict(list)
    mine = defaultdict(list)
    for a in rota.assignments:
        turn, who = request.turns[a.turn], people[a.person_id]
        on_turn[a.turn].append(a.person_id)
        mine[a.person_id].append((turn.start, turn.end))
        assert turn.day.weekday() in who.weekdays
        assert not any(overlaps(s, e, turn.start, turn.end) for s, e in who.away)
        assert a.counter_id in turn.counters
    for spans in mine.values():
        spans.sort()
        assert all(end <= start for (_s, end), (start, _e) in itertools.pairwise(spans)), spans
    assert list(rota.assignments) == sorted(
        rota.assignments, key=lambda a: (a.turn, a.counter_id, a.person_id)
    )
    # back office: within office time, never at the counter or away
    assert set(rota.back_office) == set(people)
    for pid, spans in rota.back_office.items():
        office = normalize(people[pid].office)
        for start, end in spans:
            assert covers(office, start, end)
            busy = [*mine[pid], *people[pid].away]
            assert not any(overlaps(start, end, s, e) for s, e in busy)
    # staffing, shortages and pins
    shortages = {short.turn: short for short in rota.shortages}
    pinned = defaultdict(set)
    for pin in request.pins:
        for index, turn in enumerate(request.turns):
            if overlaps(pin.start, pin.end, turn.start, turn.end) and people[
                pin.person_id
            ] in eligible(request, turn):
                pinned[index].add(pin.person_id)
    for index, turn in enumerate(request.turns):
        staffed, able = len(on_turn[index]), eligible(request, turn)
        wanted = min(turn.need, len(turn.counters))
        assert pinned[index] <= set(on_turn[index]), "a booked clerk is not on the turn"
        assert staffed <= max(wanted, len(pinned[index]))
        if len(able) >= wanted:
            assert staffed >= wanted
        assert (staffed < turn.need) == (index in shortages)
        if index in shortages:
            weekday = turn.day.weekday()
            not_working = sum(weekday not in p.weekdays for p in request.people)
            too_few = turn.need > len(turn.counters) and len(able) >= turn.need
            assert shortages[index] == Shortage(
                index,
                turn.need,
                staffed,
                ShortReason.TOO_FEW_COUNTERS if too_few else ShortReason.TOO_FEW_PEOPLE,
                away=len(request.people) - not_working - len(able),
                not_working=not_working,
                busy=0,
            )
    # the report adds up
    for entry in rota.people:
        assert entry.counter_hours == pytest.approx(hours(mine[entry.person_id]), abs=0.01)
        bo = hours(rota.back_office[entry.person_id])
        assert entry.back_office_hours == pytest.approx(bo, abs=0.01)
    # deterministic, whatever the order of the people
    shuffled = list(request.people)
    rng.shuffle(shuffled)
    assert generate_rota(request) == rota
    assert (
        generate_rota(
            RotaRequest(request.turns, tuple(shuffled), request.target_share, request.pins)
        )
        == rota
    )


def assert_fair(rota) -> None:
    for entry in rota.people:
        assert abs(entry.evenings - entry.fair_evenings) <= 1 + ROUNDING, entry
        assert abs(entry.saturdays - entry.fair_saturdays) <= 1 + ROUNDING, entry
    for taken, fair in (("evenings", "fair_evenings"), ("saturdays", "fair_saturdays")):
        total = sum(getattr(entry, taken) for entry in rota.people)
        shares = sum(getattr(entry, fair) for entry in rota.people)
        assert shares == pytest.approx(total, abs=ROUNDING * len(rota.people))


@settings(max_examples=100, deadline=None)
@given(requests(weeks=st.just(12), pins=False, away=(8, 21)))
def test_special_turns_are_fair_over_twelve_weeks(request):
    assert_fair(generate_rota(request))


@st.composite
def feasible_requests(draw):
    """A team working Monday to Friday (some Saturdays too), few absences, and needs that
    ask about the target share of everyone's time."""
    days = period(draw(st.sampled_from(MONDAYS)), draw(st.integers(4, 12)))
    size = draw(st.integers(4, 14))
    absent = draw(st.integers(0, max(1, size // 5)))
    people = []
    for index in range(size):
        weekdays = {0, 1, 2, 3, 4} | ({5} if draw(st.booleans()) or index < 2 else set())
        away = []
        if index >= size - absent:
            first = draw(st.sampled_from(days))
            away.append(
                (at(first, "00:00"), at(first + timedelta(draw(st.integers(1, 4))), "00:00"))
            )
        people.append(
            person(index + 1, days, weekdays, draw(st.sampled_from([1.0, 1.0, 0.8])), away)
        )
    saturday_people = sum(5 in p.weekdays for p in people)
    needs = {
        DAY: max(1, round(0.35 * size * 37.5 / 21)),
        EVENING: draw(st.integers(1, max(1, size // 4))),
        SATURDAY: draw(st.integers(1, max(1, saturday_people // 3))),
    }
    turns = city_turns(days, needs, tuple(range(1, size + 1)))
    asked = sum(t.need * t.hours for t in turns)
    working = sum(hours(normalize(p.office)) - hours_away(p) for p in people)
    working += sum(t.need * t.hours for t in turns if t.kind == SATURDAY)
    return RotaRequest(turns, tuple(people), round(asked / working, 3))


def hours_away(p: Person) -> float:
    office = normalize(p.office)
    return sum(
        hours([(max(s, a), min(e, b))])
        for s, e in office
        for a, b in p.away
        if overlaps(s, e, a, b)
    )


@settings(max_examples=100, deadline=None)
@given(feasible_requests())
def test_counter_share_meets_the_target_where_feasible(request):
    rota = generate_rota(request)
    assert not rota.shortages
    for entry in rota.people:
        assert abs(entry.deviation) <= 0.05, (entry, request.target_share)


# ------------------------------------------------------------------------------ examples


def test_office_spans_by_contract():
    monday, saturday = date(2027, 1, 11), date(2027, 1, 16)
    week = period(monday, 1)
    full = office_spans(week, range(6), 1.0, BRU)
    assert hours(full) == 37.5
    assert local_hhmm(full[:2]) == [("08:30", "12:30"), ("13:00", "16:30")]
    assert not any(s.astimezone(BRU).date() == saturday for s, _e in full)
    four_days = office_spans(week, {0, 1, 2, 3}, 0.8, BRU)
    assert hours(four_days) == 30 and len(four_days) == 8
    five_short = office_spans(week, range(5), 0.8, BRU)
    assert local_hhmm(five_short[:2]) == [("08:30", "12:30"), ("13:00", "15:00")]
    half_three = office_spans(week, {1, 2, 3}, 0.5, BRU)
    assert local_hhmm(half_three[:2]) == [("08:30", "12:30"), ("13:00", "15:15")]
    assert hours(half_three) == 18.75
    half_five = office_spans(week, range(5), 0.5, BRU)
    assert local_hhmm(half_five[:1]) == [("08:30", "12:15")] and len(half_five) == 5
    assert office_spans(week, {5}, 1.0, BRU) == ()


@pytest.mark.parametrize(
    ("before", "after", "utc_before", "utc_after"),
    [(date(2027, 3, 26), date(2027, 3, 29), 7, 6), (date(2026, 10, 23), date(2026, 10, 26), 6, 7)],
)
def test_office_spans_keep_local_time_across_dst(before, after, utc_before, utc_after):
    spans = office_spans([before, after], range(5), 1.0, BRU)
    assert [s.hour for s, _e in spans[::2]] == [utc_before, utc_after]
    assert all(s.minute == 30 for s, _e in spans[::2])
    assert local_hhmm(spans) == [("08:30", "12:30"), ("13:00", "16:30")] * 2


def tuesday_turn(need, counters, services=(), languages=()) -> CounterTurn:
    tuesday = date(2027, 1, 12)
    return CounterTurn(
        tuesday,
        at(tuesday, "09:00"),
        at(tuesday, "12:30"),
        DAY,
        need,
        counters,
        services,
        languages,
    )


def test_shortage_names_its_reason():
    days = period(date(2027, 1, 11), 1)
    ill = [(at(date(2027, 1, 12), "00:00"), at(date(2027, 1, 13), "00:00"))]
    people = (person(1, days), person(2, days, away=ill), person(3, days, weekdays={0, 3}))
    few_people = generate_rota(RotaRequest((tuesday_turn(3, (1, 2, 3)),), people))
    assert few_people.shortages == (
        Shortage(0, 3, 1, ShortReason.TOO_FEW_PEOPLE, away=1, not_working=1, busy=0),
    )
    team = (*people, person(4, days), person(5, days))
    few_counters = generate_rota(RotaRequest((tuesday_turn(3, (1, 2)),), team))
    assert few_counters.shortages == (
        Shortage(0, 3, 2, ShortReason.TOO_FEW_COUNTERS, away=1, not_working=1, busy=0),
    )
    assert sorted(a.counter_id for a in few_counters.assignments) == [1, 2]


def test_a_wished_service_is_covered_by_a_swap_or_reported():
    days = period(date(2027, 1, 11), 1)
    team = (person(1, days), person(2, days, services={9}, languages={"ar"}), person(3, days))
    swapped = generate_rota(RotaRequest((tuesday_turn(1, (1,), services=(9,)),), team))
    assert [a.person_id for a in swapped.assignments] == [2] and not swapped.uncovered
    wishes = (tuesday_turn(2, (1, 2), services=(9, 4), languages=("ar", "ru")),)
    missing = generate_rota(RotaRequest(wishes, team))
    assert 2 in [a.person_id for a in missing.assignments]
    assert missing.uncovered == (Uncovered(0, service=4), Uncovered(0, language="ru"))


def test_pins_go_first_and_share_the_counters():
    days = period(date(2027, 1, 11), 1)
    team = (person(1, days), person(2, days), person(3, days))
    turn = tuesday_turn(1, (7,))
    visit = [Pin(pid, turn.start, turn.start + timedelta(minutes=20)) for pid in (3, 2)]
    rota = generate_rota(RotaRequest((turn,), team, pins=tuple(visit)))
    assert [(a.person_id, a.counter_id) for a in rota.assignments] == [(2, 7), (3, 7)]
    away = (person(1, days), person(2, days, away=[(turn.start, turn.end)]))
    ignored = generate_rota(RotaRequest((turn,), away, pins=(Pin(2, turn.start, turn.end),)))
    assert [a.person_id for a in ignored.assignments] == [1]


def test_the_evening_person_is_not_on_that_morning():
    days = period(date(2027, 1, 11), 1)
    turns = city_turns(days[:1], {DAY: 1, EVENING: 1, SATURDAY: 1}, (1,))
    rota = generate_rota(RotaRequest(turns, (person(1, days), person(2, days))))
    on = {
        request_turn.kind: a.person_id for a in rota.assignments for request_turn in [turns[a.turn]]
    }
    assert on[DAY] != on[EVENING]


def test_report_of_a_tiny_week():
    monday = date(2027, 1, 11)
    days = period(monday, 1)
    turns = (*city_turns([monday], {DAY: 0, EVENING: 1, SATURDAY: 0}, (5,)), tuesday_turn(1, (5,)))
    rota = generate_rota(RotaRequest(turns, (person(1, days[:5]),), target_share=0.35))
    (entry,) = rota.people
    # Monday: office starts 3 hours later (11:30), the evening takes 16:00–16:30 too.
    assert local_hhmm(rota.back_office[1][:2]) == [("11:30", "12:30"), ("13:00", "16:00")]
    assert local_hhmm(rota.back_office[1][2:3]) == [("08:30", "09:00")]
    assert (entry.counter_hours, entry.back_office_hours) == (6.5, 30.5)
    assert (entry.evenings, entry.fair_evenings, entry.saturdays) == (1, 1.0, 0)
    assert entry.counter_share == pytest.approx(6.5 / 37)
    assert entry.deviation == pytest.approx(6.5 / 37 - 0.35)
    assert rota.demand_share == pytest.approx(6.5 / 40.5)
    assert rota.target_share == 0.35
    assert [a.turn for a in rota.assignments] == [1, 2]


def test_the_same_input_gives_the_same_rota_in_any_order():
    rng = random.Random(4)
    days = period(date(2027, 3, 22), 4)
    people = [person(i, days, rng.sample(range(6), 4)) for i in range(1, 9)]
    turns = city_turns(days, {DAY: 2, EVENING: 1, SATURDAY: 1}, (1, 2))
    first = generate_rota(RotaRequest(turns, tuple(people)))
    rng.shuffle(people)
    assert generate_rota(RotaRequest(turns, tuple(people))) == first
    assert Counter(a.turn for a in first.assignments) == Counter(
        {i: 2 if t.kind == DAY else 1 for i, t in enumerate(turns)}
    )


def test_empty_team_and_a_team_without_counters():
    days = period(date(2027, 1, 11), 1)
    turn = tuesday_turn(2, ())
    assert generate_rota(RotaRequest((), ())).assignments == ()
    alone = generate_rota(RotaRequest((turn,), ()))
    assert alone.shortages == (Shortage(0, 2, 0, ShortReason.TOO_FEW_PEOPLE, 0, 0, 0),)
    team = (person(1, days), person(2, days))
    pinned = (Pin(1, turn.start, turn.end),)
    rota = generate_rota(RotaRequest((turn,), team, pins=pinned))
    assert rota.assignments == ()
    assert rota.shortages == (Shortage(0, 2, 0, ShortReason.TOO_FEW_COUNTERS, 0, 0, 0),)
    assert hours(rota.back_office[1]) == 37.5
