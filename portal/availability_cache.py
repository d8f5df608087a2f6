"""The public's free times kept in memory, so that the month page, the service page and
the read API do not recompute them on every request.

An entry holds what decides the free times of some services for some persons on some
local dates, read once from the database by :func:`portal.availability.load_availability`,
with the core's per-day summary (:mod:`portal.scheduling.day_summary`: each day's last free
start) and, when asked, a day's free slots or a language's summary. It is used only while

* the ``calendar`` and ``bookings`` generations (:mod:`portal.cache_generation`, read
  before the data, one query per request) are the ones it was made under: an opening
  hour, closure or service change, or a bookings write that names no days, committed in
  any process makes every process recompute;
* its dates' own generations are: a hold, booking, cancel, move, shift or absence
  committed anywhere changes those of the dates it touches, and the entry reads just
  those dates anew (:mod:`portal.availability_days`) and recomputes their summaries,
  keeping the others';
* nothing it counted has run out: it is valid until the first live hold or pending visit
  among its clerks expires (a time that comes free by the clock, without a write);
* it is the same local day (the booking horizon and reserved time move with the date).

The minimum notice moves with the clock too: an entry is computed from the start of its
first day, and each request keeps only the starts at or after its own ``now + notice`` (a
day is free when its last free start is; a day's slots are cut with a bisection).

Only the public audience is cached: staff, invitations and moves read the database every
time. A resident's hold takes its candidate clerks from the kept day (when its
transaction has written nothing yet), but never trusts it: the hold's slot claims in the
database decide, so a clerk taken in the meantime is refused there and the next one tried.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from .availability import (
    Availability,
    booking_window,
    is_counter_visit,
    load_availability,
    public_counter_staff,
)
from .availability_days import days_span, narrowed, replace_days
from .cache_generation import Generations, read_generations
from .models import Service
from .scheduling import FreeSlot, day_interval
from .scheduling.day_summary import last_free_starts
from .timeutil import local_today

# How many entries a process keeps (least recently used first out). An entry of a month
# of one service (its shifts, busy spans and summaries) is a few hundred kB at most.
MAX_ENTRIES = 256


class FreeTable:
    """An entry: the inputs read from the database (with the first allowed start at the
    start of the first day), the per-day summary, and what requests derived from them."""

    def __init__(
        self,
        base: Availability,
        computed_at: datetime,
        valid_until: datetime | None,
        generations: Generations,
        days: tuple[date, date],
        day_last_start: tuple[tuple[date, datetime], ...] | None = None,
    ):
        self.base = base
        # It holds from the moment it was read (a clock set back, in tests, reads again)
        # until a hold or pending visit it counted runs out (None: nothing will).
        self.computed_at = computed_at
        self.valid_until = valid_until
        # What it was made under: the ``days`` generation and its own dates' ones.
        self.placed = generations.placed
        self.day_generations = generations.of_days(*days)
        self.days = days
        self.staff_ids = tuple(member.staff_id for member in base.staff)
        # Per local date with a free start: the date and its last free start.
        if day_last_start is None:
            day_last_start = _summary(base)
        self.day_last_start = day_last_start
        self._derived: dict[Hashable, object] = {}
        self._lock = threading.Lock()

    def changed_days(self, generations: Generations, today: date) -> frozenset[date] | None:
        """Its dates from ``today`` on (the public books nothing earlier, and an entry
        lives one day) whose bookings changed since it was made; None when that cannot
        be told: ``today`` (a clock set back, in tests) lies before the generations'
        first day."""
        if generations.placed == self.placed:
            return frozenset()
        if today < generations.since:
            return None
        now = dict(generations.of_days(*self.days))
        then = dict(self.day_generations)
        return frozenset(
            day
            for day in now.keys() | then.keys()
            if day >= today and now.get(day) != then.get(day)
        )

    def refreshed(
        self,
        base: Availability,
        changed: list[tuple[date, date]],
        computed_at: datetime,
        valid_until: datetime | None,
        generations: Generations,
    ) -> FreeTable:
        """A new entry from ``base`` (this one's with the ``changed`` runs of dates read
        anew): the summaries of the other dates and their slots are carried over, those
        of the changed dates computed again."""
        spans = [days_span(first, last, base.tz) for first, last in changed]

        def untouched(day: date) -> bool:
            return not any(first <= day <= last for first, last in changed)

        def merged(summary, members=None) -> tuple[tuple[date, datetime], ...]:
            kept = {day: last for day, last in summary if untouched(day)}
            for span in spans:
                part = narrowed(base, span)
                if members is not None:
                    part = replace(part, staff=[m for m in part.staff if m.staff_id in members])
                kept.update(_summary(part))
            return tuple(sorted(kept.items()))

        table = FreeTable(
            base,
            computed_at,
            valid_until,
            generations,
            self.days,
            merged(self.day_last_start),
        )
        with self._lock:
            derived = dict(self._derived)
        for key, value in derived.items():
            if key[0] == "slots" and key[1] is not None and untouched(key[1]):
                table._derived[key] = value
            elif key[0] == "speakers":
                table._derived[key] = merged(value, key[1])
        return table

    def derived(self, key: Hashable, compute: Callable[[], object]):
        """``compute()`` once per ``key`` for this entry (the entry never changes)."""
        with self._lock:
            if key in self._derived:
                return self._derived[key]
        value = compute()
        with self._lock:
            return self._derived.setdefault(key, value)

    def slots(self, day: date | None) -> tuple[list[FreeSlot], list[datetime]]:
        """Every free slot of the entry (or of one local ``day``) and their starts."""

        def compute():
            base = self.base if day is None else self.base.on(day)
            slots = base.slots()
            return slots, [slot.start for slot in slots]

        return self.derived(("slots", day), compute)

    def speaker_last_starts(self, speakers: frozenset[int]) -> tuple[tuple[date, datetime], ...]:
        """The per-day summary of ``speakers``' calendars alone."""

        def compute():
            base = self.base
            own = [member for member in base.staff if member.staff_id in speakers]
            return _summary(replace(base, staff=own))

        return self.derived(("speakers", speakers), compute)


def _summary(base: Availability) -> tuple[tuple[date, datetime], ...]:
    """The per-day summary of ``base``: each free date and its last free start."""
    if not base.staff:
        return ()
    summary = last_free_starts(base.window, base.staff, base.request, base.tz)
    return tuple(sorted(summary.items()))


@dataclass(frozen=True)
class CachedAvailability:
    """The answers of :class:`portal.availability.Availability` from a :class:`FreeTable`,
    for a request whose first allowed start is ``earliest`` (on one local ``day`` when
    narrowed with :meth:`on`)."""

    table: FreeTable
    earliest: datetime
    tz: ZoneInfo
    day: date | None = None

    @property
    def staff_ids(self) -> list[int]:
        """The qualified staff members (whom a language preference may mark)."""
        return list(self.table.staff_ids)

    def slots(self) -> list[FreeSlot]:
        """The free start times, each with the staff members who could take it."""
        slots, starts = self.table.slots(self.day)
        return slots[bisect_left(starts, self.earliest) :]

    def _kept(self, summary) -> list[date]:
        """The days of a per-day summary still free at ``earliest`` (and on ``day``)."""
        return [
            day
            for day, last in summary
            if last >= self.earliest and (self.day is None or day == self.day)
        ]

    def days(self) -> list[date]:
        """The local dates with at least one free start time."""
        return self._kept(self.table.day_last_start)

    def speaker_days(self, speakers: frozenset[int]) -> list[date]:
        """The local dates on which one of ``speakers`` is free for the visit."""
        return self._kept(self.table.speaker_last_starts(frozenset(speakers)))

    def on(self, day: date) -> CachedAvailability:
        """The same availability narrowed to one local date."""
        return CachedAvailability(self.table, self.earliest, self.tz, day)


_entries: OrderedDict[tuple, tuple[tuple[int, int], FreeTable]] = OrderedDict()
# More separate runs of changed dates than this: read their whole stretch at once.
MAX_RUNS = 3
_lock = threading.Lock()


def _lookup(key: tuple, generations: tuple[int, int], now: datetime) -> FreeTable | None:
    """The entry of ``key`` when it was made under ``generations`` and is still valid."""
    with _lock:
        found = _entries.get(key)
        if found is None:
            return None
        made_under, table = found
        expired = table.valid_until is not None and table.valid_until <= now
        if made_under != generations or expired or now < table.computed_at:
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return table


def _store(key: tuple, generations: tuple[int, int], table: FreeTable) -> None:
    """Keep ``table`` under ``key``, dropping the least recently used beyond the limit."""
    with _lock:
        _entries[key] = (generations, table)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    """Forget every entry of this process (the generations make this unnecessary for
    correctness; benchmarks use it to measure a cold cache)."""
    with _lock:
        _entries.clear()


def _runs(days: frozenset[date]) -> list[tuple[date, date]]:
    """``days`` as runs of consecutive dates (first, last); one run from the first to the
    last when they are many."""
    ordered = sorted(days)
    runs: list[list[date]] = []
    for day in ordered:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    if len(runs) > MAX_RUNS:
        return [(ordered[0], ordered[-1])]
    return [(first, last) for first, last in runs]


def public_availability(
    session: Session,
    services: Sequence[Service],
    persons: int,
    first: date,
    last: date,
    now: datetime,
    *,
    grid_minutes: int,
    tz: ZoneInfo,
    generations: Generations | None = None,
) -> CachedAvailability:
    """The public's free times of ``services`` for ``persons`` on ``first``..``last`` as
    at ``now``: from this process's memory when nothing changed since it was computed,
    with only the changed dates read anew when only some dates' bookings changed, else
    computed (and kept). Answers like :func:`portal.availability.load_availability`.
    ``generations`` are the request's (:func:`portal.cache_generation.request_generations`);
    read here when not given."""
    generations = generations or read_generations(session)
    made_under = (generations.calendar, generations.bookings)
    service_ids = tuple(service.id for service in services)
    today = local_today(now, tz)
    key = (str(session.get_bind().url), service_ids, persons, first, last, today, grid_minutes)
    earliest = booking_window(services, now, tz).earliest
    start = day_interval(first, tz)[0]

    def load(since: date, until: date):
        return load_availability(
            session, services, persons, since, until, now, grid_minutes=grid_minutes, tz=tz
        )

    def load_again(kept: Availability, since: date, until: date):
        """Some dates of ``kept`` as they are now, and when a hold or pending visit on
        them runs out: for a counter visit only its clerks' calendars (the opening hours
        and closures did not change), else everything."""
        if not is_counter_visit(services):
            fresh = load(since, until)
            return fresh, fresh.run_out
        staff, run_out = public_counter_staff(
            session, services, since, until, now, grid_minutes=grid_minutes, tz=tz
        )
        return replace(kept, staff=staff), run_out

    table = _lookup(key, made_under, now)
    changed = table.changed_days(generations, today) if table is not None else None
    if changed is None:
        table = None
    if table is not None and changed:
        runs = [(max(a, first), min(b, last)) for a, b in _runs(changed)]
        base = table.base
        # What ran out before is still counted; only the changed days may hold new ones.
        expiries = [table.valid_until]
        for since, until in runs:
            fresh, run_out = load_again(base, since, until)
            base = replace_days(base, fresh, since, until)
            expiries.append(run_out)
        expiry = min((moment for moment in expiries if moment is not None), default=None)
        table = table.refreshed(base, runs, now, expiry, generations)
        _store(key, made_under, table)
    elif table is None:
        loaded = load(first, last)
        from_first_day = replace(loaded, request=replace(loaded.request, earliest=start))
        table = FreeTable(from_first_day, now, loaded.run_out, generations, (first, last))
        _store(key, made_under, table)
    return CachedAvailability(table, earliest, tz)
