"""The counter's day of the demo's past visits (:mod:`portal.demo.history_visits`): when a
resident arrived, was called, was served and was done, or was marked as not come.

Most residents come a few minutes early, some late. A clerk calls the next resident when
the previous one is done, so a long service makes the next one wait; and the hall is busier
on Monday, in the mornings, on Saturday and at the late opening, where residents wait
longer. A service takes about the service's time, sometimes less, sometimes more.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..timeutil import to_local

# Minutes a resident waits past their time at an ordinary hour, and the busy hours' extra.
CALM_DELAY = 1.5
MONDAY_DELAY, MORNING_DELAY, SATURDAY_DELAY, EVENING_DELAY = 3.0, 2.0, 2.0, 4.0
MORNING_UNTIL, EVENING_FROM = 11, 16
LATE = 0.1
# Staff mark a resident as not come this long after their time (minutes).
NO_SHOW_AFTER = (10, 30)


def _seconds(minutes: float) -> timedelta:
    return timedelta(seconds=round(minutes * 60))


def busy_delay(start: datetime) -> float:
    """The usual minutes between a resident's time and their call at ``start`` (local)."""
    delay = CALM_DELAY
    if start.weekday() == 0:
        delay += MONDAY_DELAY
    if start.weekday() == 5:
        delay += SATURDAY_DELAY
    if start.hour < MORNING_UNTIL:
        delay += MORNING_DELAY
    if start.hour >= EVENING_FROM:
        delay += EVENING_DELAY
    return delay


def reception(
    rng: random.Random,
    status: str,
    span: tuple[datetime, datetime],
    counter_id: int,
    free_at: datetime | None,
) -> dict:
    """The reception columns a visit of ``span`` (UTC) with ``status`` fills: when a
    resident who came arrived, was called to ``counter_id`` (not before the clerk was done
    with the previous one, at ``free_at``), was served and was done; when one who did not
    come was marked so."""
    start, end = span
    if status == "no_show":
        return {"no_show_at": start + _seconds(rng.uniform(*NO_SHOW_AFTER))}
    if status != "completed":
        return {}
    if rng.random() < LATE:
        arrived = start + _seconds(rng.uniform(1, 12))
    else:
        arrived = start - _seconds(min(30.0, rng.expovariate(1 / 7)))
    delay = busy_delay(to_local(start))
    called = start + _seconds(max(-4.0, rng.gauss(delay, 1.5 + delay / 2)))
    called = max(called, arrived + _seconds(rng.uniform(0.3, 1.5)))
    if free_at is not None and called < free_at:
        called = free_at + _seconds(rng.uniform(0.3, 1.5))
    started = called + _seconds(rng.uniform(0.5, 2))
    planned = (end - start).total_seconds() / 60
    completed = started + _seconds(max(3.0, planned * rng.lognormvariate(-0.12, 0.25)))
    return {
        "arrived_at": arrived,
        "called_at": called,
        "called_counter_id": counter_id,
        "service_started_at": started,
        "completed_at": completed,
    }
