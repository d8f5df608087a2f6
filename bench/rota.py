"""Benchmark of the rota generator ("beurtrol") on the whole department of the demo city:
12 weeks, one request per team (Bevolking 15 people, Burgerlijke Stand 9, Andere
Nationaliteiten 8, Centraal Onthaal 10), their counters and needs (day, Monday evening,
Saturday), contracts and part-time days as in the demo, a few weeks of leave and training
days, the teams' counter services and languages as wishes. Pure: no database.

Prints, per team and for the department (the four requests one after the other), the
median and fastest time of the generator, and what the rota amounts to: shortages,
uncovered wishes, the largest distance to the target share and to a fair share.

    .venv/bin/python bench/rota.py [--repeat N] [--weeks W]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time as clock
from datetime import date, time, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.demo import data
from portal.demo.loader import _qualified, _working_days, regular_week_needs
from portal.scheduling.availability import OpeningBlock, OpeningSchedule
from portal.scheduling.rota import generate_rota, office_spans
from portal.scheduling.rota_input import Person, Rota, RotaRequest
from portal.scheduling.rota_turns import TeamCounters, counter_turns
from portal.timeutil import CITY_TZ, local_datetime

FIRST_DAY = date(2027, 2, 1)  # a Monday; 12 weeks on hold Easter Monday and summer time
CLOSED = {date(2027, 3, 29)}  # Easter Monday
TARGET = 0.35
FRACTIONS = (1.0, 1.0, 1.0, 0.8, 1.0, 0.5)  # as portal/demo/loader.py, by index in the team


def schedule() -> OpeningSchedule:
    """The city's opening hours."""
    blocks = tuple(
        OpeningBlock(weekday, opens, closes) for weekday, opens, closes in data.OPENING_HOURS
    )
    return OpeningSchedule(None, None, blocks)


def department(weeks: int, rng: random.Random) -> dict[str, RotaRequest]:
    """One request per team."""
    days = [FIRST_DAY + timedelta(days=n) for n in range(weeks * 7)]
    open_days = [day for day in days if day not in CLOSED and day.weekday() < 6]
    services = [
        (number, row)
        for number, row in enumerate(data.SERVICES, start=1)
        if row[0] not in data.BACK_OFFICE_SERVICES
    ]
    requests = {}
    person_id = 0
    for code, _names, size, counters, need in data.TEAMS:
        mine = [(number, row) for number, row in services if row[1] == code]
        extra = data.STAFF_EXTRA_LANGUAGES.get(code, ["fr", "en"])
        people = []
        for index in range(size):
            person_id += 1
            fraction = FRACTIONS[index % 6]
            worked = frozenset(int(digit) for digit in _working_days(fraction, index))
            people.append(
                Person(
                    id=person_id,
                    weekdays=worked,
                    office=office_spans(open_days, worked, fraction, CITY_TZ),
                    away=absences(rng, days),
                    services=frozenset(
                        number
                        for number, row in mine
                        if _qualified(code, index, SimpleNamespace(code=row[0]))
                    ),
                    languages=frozenset(["nl", *rng.sample(extra, k=2)]),
                )
            )
        team = TeamCounters(
            tuple(counters),
            tuple(number for number, _row in mine),
            tuple(data.COUNTER_LANGUAGES.get(code, [])),
        )
        turns = counter_turns([schedule()], open_days, regular_week_needs(need), team, CITY_TZ)
        requests[code] = RotaRequest(tuple(turns), tuple(people), TARGET)
    return requests


def absences(rng: random.Random, days: list[date]) -> tuple:
    """One in seven people takes a week of leave, one in eight a training day."""
    away = []
    if rng.random() < 1 / 7:
        first = rng.choice(days[:-7])
        away.append((local_datetime(first, time(0)), local_datetime(first + timedelta(7), time(0))))
    if rng.random() < 1 / 8:
        day = rng.choice(days)
        away.append((local_datetime(day, time(0)), local_datetime(day + timedelta(1), time(0))))
    return tuple(away)


def timings(function, repeat: int) -> tuple[float, float]:
    """Median and fastest wall time of ``function`` in milliseconds, after a warm-up."""
    function()
    times = []
    for _ in range(repeat):
        started = clock.perf_counter()
        function()
        times.append(clock.perf_counter() - started)
    return statistics.median(times) * 1000, min(times) * 1000


def summary(rota: Rota) -> str:
    """Shortages, uncovered wishes, worst distance to the target and to a fair share."""
    deviation = max((abs(p.deviation) for p in rota.people), default=0.0)
    fair = max(
        (
            max(abs(p.evenings - p.fair_evenings), abs(p.saturdays - p.fair_saturdays))
            for p in rota.people
        ),
        default=0.0,
    )
    return (
        f"{len(rota.shortages):6d}{len(rota.uncovered):10d}{deviation:11.1%}"
        f"{fair:9.2f}{rota.demand_share:9.1%}"
    )


def main() -> None:
    """Build the department, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    requests = department(args.weeks, random.Random(2026))
    people = sum(len(r.people) for r in requests.values())
    turns = sum(len(r.turns) for r in requests.values())
    print(
        f"data: {len(requests)} teams, {people} people, {turns} counter turns over "
        f"{args.weeks} weeks from {FIRST_DAY}; median and fastest of {args.repeat} runs\n"
    )
    print(
        f"{'':24}{'people':>7}{'turns':>7}{'median':>10}{'fastest':>10}"
        f"{'short':>7}{'uncovered':>10}{'|dev| max':>11}{'fair max':>9}{'demand':>9}"
    )
    for code, request in requests.items():
        median, fastest = timings(lambda r=request: generate_rota(r), args.repeat)
        print(
            f"{code:24}{len(request.people):7d}{len(request.turns):7d}{median:8.1f}ms"
            f"{fastest:8.1f}ms{summary(generate_rota(request))}"
        )
    median, fastest = timings(lambda: [generate_rota(r) for r in requests.values()], args.repeat)
    print(f"{'department':24}{people:7d}{turns:7d}{median:8.1f}ms{fastest:8.1f}ms")


if __name__ == "__main__":
    main()
