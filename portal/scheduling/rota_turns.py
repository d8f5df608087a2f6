"""The counter turns of a period: the opening blocks of each open day, long blocks split
in turns a person can work in one go, each with the team's need. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .availability import OpeningSchedule, local_to_utc, schedule_for
from .rota_input import CounterTurn, TurnKind

# A counter turn lasts at most this long; a longer opening block (Wednesday 09:00–16:00)
# is split into equal turns on the half hour.
LONGEST_TURN = timedelta(hours=4)
_HALF_HOUR = timedelta(minutes=30)
# Blocks that open at or after this local time are evening turns.
EVENING_FROM = time(16)
SATURDAY = 5
# A turn nobody set a need for is staffed by one person.
DEFAULT_NEED = 1


@dataclass(frozen=True, slots=True)
class TeamCounters:
    """What a team brings to every turn: its counters (ids, in order of use), the counter
    services someone should handle and the languages someone should speak."""

    counters: tuple[int, ...]
    services: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()


def turn_kind(weekday: int, opens: time) -> TurnKind:
    """Saturday morning, an evening turn, or an ordinary day turn (0 is Monday)."""
    if weekday == SATURDAY:
        return TurnKind.SATURDAY
    return TurnKind.EVENING if opens >= EVENING_FROM else TurnKind.DAY


def split_block(opens: time, closes: time) -> list[tuple[time, time]]:
    """An opening block as turns of at most :data:`LONGEST_TURN`, equal parts rounded up
    to the half hour (09:00–16:00 → 09:00–12:30 and 12:30–16:00)."""
    start = datetime.combine(date.min, opens)
    end = datetime.combine(date.min, closes)
    parts = -(-(end - start) // LONGEST_TURN)
    length = -(-(end - start) // parts // _HALF_HOUR) * _HALF_HOUR if parts > 1 else end - start
    turns = []
    while start < end:
        turns.append((start.time(), min(start + length, end).time()))
        start += length
    return turns


def need_lookup(needs: Mapping[tuple[int, time], int]) -> Callable[[int, time, time], int]:
    """The need of a turn from the team's rows keyed by (weekday, start): the turn's own
    start first, then the start of the block it was split from, else one person."""

    def need(weekday: int, turn_start: time, block_start: time) -> int:
        found = needs.get((weekday, turn_start))
        if found is None:
            found = needs.get((weekday, block_start), DEFAULT_NEED)
        return found

    return need


def counter_turns(
    schedules: Sequence[OpeningSchedule],
    days: Iterable[date],
    needs: Mapping[tuple[int, time], int],
    team: TeamCounters,
    tz: tzinfo,
) -> list[CounterTurn]:
    """The counter turns on the local ``days`` (closed days already left out), in time
    order, under the schedule governing each day."""
    need = need_lookup(needs)
    turns = []
    for day in sorted(days):
        schedule = schedule_for(schedules, day)
        if schedule is None:
            continue
        for block in schedule.blocks:
            if block.weekday != day.weekday():
                continue
            for opens, closes in split_block(block.opens, block.closes):
                turns.append(
                    CounterTurn(
                        day=day,
                        start=local_to_utc(day, opens, tz),
                        end=local_to_utc(day, closes, tz),
                        kind=turn_kind(block.weekday, block.opens),
                        need=need(day.weekday(), opens, block.opens),
                        counters=team.counters,
                        services=team.services,
                        languages=team.languages,
                    )
                )
    turns.sort(key=lambda turn: (turn.start, turn.end))
    return turns
