"""Free days and times of a follow-up's window, for the resident's invitation pages and the
manage link's move pages of a dossier visit.

The window (its dates, its clerk or clerks, reserved time included) is the follow-up's
:class:`~portal.scheduling.audience.Audience`; these helpers only shape its free times for
the month calendar and the day's list the booking pages already show.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

from ..availability import load_availability
from ..models import Service
from ..scheduling import FreeSlot
from ..scheduling.audience import Audience
from ..timeutil import CITY_TZ, local_today
from .steps import Month


def _availability(session, services, persons, audience, first, last, now, ignore_appointment_id):
    """The availability of ``services`` for ``audience`` on ``first``..``last``."""
    return load_availability(
        session,
        services,
        persons,
        first,
        last,
        now,
        grid_minutes=current_app.config["SLOT_GRID_MINUTES"],
        tz=CITY_TZ,
        ignore_appointment_id=ignore_appointment_id,
        audience=audience,
    )


def window_days(
    session: Session,
    services: Sequence[Service],
    persons: int,
    audience: Audience,
    now: datetime,
    *,
    ignore_appointment_id: int | None = None,
) -> frozenset[date]:
    """Every day of the window (from today on) with a free time for ``audience``."""
    first = max(audience.first_day or local_today(now), local_today(now))
    last = audience.last_day or first
    if last < first:
        return frozenset()
    availability = _availability(
        session, services, persons, audience, first, last, now, ignore_appointment_id
    )
    return frozenset(availability.days())


def window_times(
    session: Session,
    services: Sequence[Service],
    persons: int,
    audience: Audience,
    day: date,
    now: datetime,
    *,
    ignore_appointment_id: int | None = None,
) -> list[FreeSlot]:
    """The free times of ``day`` for ``audience`` (none outside its window)."""
    if not audience.allows_day(day):
        return []
    availability = _availability(
        session, services, persons, audience, day, day, now, ignore_appointment_id
    )
    return availability.slots()


def window_month(
    free_days: frozenset[date], audience: Audience, month: date | None, now: datetime
) -> Month:
    """The month calendar of a window: ``month`` (or the month of the first free day)
    kept inside the window's months, with its free days and the neighbouring months the
    resident may still go to."""
    today = local_today(now)
    first_day = max(audience.first_day or today, today)
    last_day = max(audience.last_day or first_day, first_day)
    first_month, last_month = first_day.replace(day=1), last_day.replace(day=1)
    if month is None:
        month = min(free_days).replace(day=1) if free_days else first_month
    month = min(max(month.replace(day=1), first_month), last_month)
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = month_end + timedelta(days=1)
    return Month(
        first=month,
        weeks=[[day if day.month == month.month else None for day in week] for week in weeks],
        free_days=frozenset(day for day in free_days if month <= day <= month_end),
        previous=previous if previous >= first_month else None,
        next=following if following <= last_month else None,
    )
