"""The city hall's calendar as residents read it: this week's hours, the coming closures."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from ..availability import opening_schedules, public_holidays
from ..i18n import _
from ..models import Closure
from ..scheduling import opening_intervals
from ..timeutil import CITY_TZ, to_local


def week_hours(session: Session, today: date) -> list[tuple[date, list[tuple]]]:
    """The seven days from ``today`` with their local opening blocks (empty when closed
    all day by the schedule); computed by the same core that makes the free times."""
    last = today + timedelta(days=6)
    schedules = opening_schedules(session, today, last)
    days: dict[date, list[tuple]] = {today + timedelta(days=n): [] for n in range(7)}
    for start, end in opening_intervals(schedules, today, last, CITY_TZ):
        local_start = to_local(start)
        days[local_start.date()].append((local_start.time(), to_local(end).time()))
    return sorted(days.items())


def closures_ahead(session: Session, first: date, last: date, language: str) -> list[tuple]:
    """Closed days in ``first``..``last`` with the reason, in the reader's language."""
    entries = [
        (day, name or _("Wettelijke feestdag"))
        for day, name in public_holidays(first, last, language).items()
    ]
    for closure in session.scalars(Closure.between(first, last)):
        entries.append((max(closure.starts_on, first), closure.reason(language)))
    return sorted(entries)
