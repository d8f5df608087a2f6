"""The counter turns of a period: opening blocks split into turns a person works in one
go, the kind of each turn, the team's need per turn, closed days and DST."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from portal.scheduling.availability import OpeningBlock, OpeningSchedule
from portal.scheduling.rota_input import TurnKind
from portal.scheduling.rota_turns import (
    DEFAULT_NEED,
    TeamCounters,
    counter_turns,
    split_block,
    turn_kind,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
WEEK = OpeningSchedule(
    None,
    None,
    (
        OpeningBlock(0, time(9), time(12, 30)),
        OpeningBlock(0, time(16), time(19)),
        OpeningBlock(2, time(9), time(16)),
        OpeningBlock(5, time(9), time(12, 30)),
    ),
)
TEAM = TeamCounters(counters=(11, 12), services=(3,), languages=("ar",))


@pytest.mark.parametrize(
    ("opens", "closes", "turns"),
    [
        (time(9), time(12, 30), [(time(9), time(12, 30))]),
        (time(9), time(16), [(time(9), time(12, 30)), (time(12, 30), time(16))]),
        (
            time(8),
            time(18),
            [(time(8), time(11, 30)), (time(11, 30), time(15)), (time(15), time(18))],
        ),
        (time(9), time(13), [(time(9), time(13))]),
    ],
)
def test_long_blocks_are_split_on_the_half_hour(opens, closes, turns):
    assert split_block(opens, closes) == turns


def test_kinds_of_turns():
    monday, saturday = date(2026, 12, 7), date(2026, 12, 12)
    assert turn_kind(monday.weekday(), time(9)) is TurnKind.DAY
    assert turn_kind(monday.weekday(), time(16)) is TurnKind.EVENING
    assert turn_kind(saturday.weekday(), time(9)) is TurnKind.SATURDAY


def test_turns_of_a_week_with_needs_and_a_closed_day():
    days = [date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 12)]  # Mon, Wed, Sat
    needs = {(0, time(9)): 4, (0, time(16)): 3, (2, time(9)): 2, (2, time(12, 30)): 1}
    turns = counter_turns([WEEK], days, needs, TEAM, BRUSSELS)
    local = [(t.start.astimezone(BRUSSELS).strftime("%a %H:%M"), t.kind, t.need) for t in turns]
    assert local == [
        ("Mon 09:00", TurnKind.DAY, 4),
        ("Mon 16:00", TurnKind.EVENING, 3),
        ("Wed 09:00", TurnKind.DAY, 2),
        ("Wed 12:30", TurnKind.DAY, 1),
        ("Sat 09:00", TurnKind.SATURDAY, DEFAULT_NEED),
    ]
    assert all(
        t.counters == (11, 12) and t.services == (3,) and t.languages == ("ar",) for t in turns
    )
    # A day left out (a holiday) has no turns: Tuesday's absence is only the schedule's.
    assert not counter_turns([WEEK], [date(2026, 12, 8)], needs, TEAM, BRUSSELS)


def test_a_split_turn_without_its_own_need_takes_the_blocks():
    turns = counter_turns([WEEK], [date(2026, 12, 9)], {(2, time(9)): 3}, TEAM, BRUSSELS)
    assert [t.need for t in turns] == [3, 3]


@pytest.mark.parametrize(("day", "utc_hour"), [(date(2027, 3, 27), 8), (date(2027, 4, 3), 7)])
def test_turns_keep_the_wall_clock_across_the_change_to_summer_time(day, utc_hour):
    turns = counter_turns([WEEK], [day], {}, TEAM, BRUSSELS)
    assert turns[0].start.hour == utc_hour
    assert turns[0].start.tzinfo is not None
    assert turns[0].start.astimezone(BRUSSELS).time() == time(9)
    assert turns[0].hours == 3.5


def test_the_latest_schedule_governs_its_days():
    summer = OpeningSchedule(
        date(2027, 7, 1), date(2027, 8, 31), (OpeningBlock(0, time(9), time(12)),)
    )
    monday = date(2027, 7, 5)
    turns = counter_turns([WEEK, summer], [monday], {}, TEAM, BRUSSELS)
    assert [(t.start, t.end) for t in turns] == [
        (
            datetime(2027, 7, 5, 9, tzinfo=BRUSSELS).astimezone(turns[0].start.tzinfo),
            datetime(2027, 7, 5, 12, tzinfo=BRUSSELS).astimezone(turns[0].start.tzinfo),
        )
    ]
