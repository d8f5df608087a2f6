"""What the booking pages share: the resident's choice so far, carried in the query
string (so back links and bookmarks keep it without a session), the month calendar and
the times of a day."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from ..availability import booking_window, load_availability, speakers_among
from ..availability_cache import public_availability
from ..cache_generation import request_generations
from ..date_input import read_date, read_moment, read_month
from ..models import Service
from ..scheduling import FreeSlot
from ..scheduling.languages import starts_with_speaker
from ..spoken_languages import BY_CODE, OTHER
from ..timeutil import CITY_TZ, local_today
from .selection import resolve_services

MAX_PERSONS_SHOWN = 6


# The query argument of the language the resident speaks at the counter ("lang" is the
# language of the pages).
SPOKEN = "spreektaal"


@dataclass(frozen=True)
class Choice:
    """The services and number of persons a resident picked, and the language they speak
    at the counter (a code of :mod:`portal.spoken_languages`, "other", or None)."""

    services: list[Service]
    persons: int
    spoken_language: str | None = None

    @property
    def service_ids(self) -> list[int]:
        """The ids, in the order chosen."""
        return [service.id for service in self.services]

    def args(self, **extra) -> dict:
        """Query arguments that carry this choice to the next page."""
        spoken = {SPOKEN: self.spoken_language} if self.spoken_language else {}
        return {"dienst": self.service_ids, "personen": self.persons, **spoken, **extra}

    @property
    def max_persons(self) -> int:
        """The most people these services allow in one visit."""
        return min(service.max_persons for service in self.services)


def parse_ids(values: list[str]) -> list[int] | None:
    """Whole positive numbers from the query string, or None if any is not one."""
    ids = []
    for value in values:
        if not value.isascii() or not value.isdigit() or len(value) > 10:
            return None
        ids.append(int(value))
    return ids


def parse_persons(value: str | None) -> int | None:
    """The number of persons (1 when absent), or None when it is not a small number."""
    if value is None or value == "":
        return 1
    if not value.isascii() or not value.isdigit() or len(value) > 2:
        return None
    return int(value)


def parse_spoken_language(value: str | None) -> str | None:
    """A language the resident can say they speak at the counter, or None (absent or not
    one of the list: an odd value is dropped rather than refused)."""
    return value if value in BY_CODE or value == OTHER else None


def choice_from(session: Session, args: MultiDict) -> Choice:
    """The choice in ``args``; raises :class:`NotBookable` when it is not a valid visit."""
    from .errors import NotBookable

    ids = parse_ids(args.getlist("dienst"))
    persons = parse_persons(args.get("personen"))
    if not ids or persons is None:
        raise NotBookable()
    spoken = parse_spoken_language(args.get(SPOKEN))
    return Choice(resolve_services(session, ids, persons), persons, spoken)


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD date inside the portal's window, or None."""
    return read_date(value)


def parse_month(value: str | None, fallback: date) -> date:
    """The first day of the YYYY-MM month in ``value``, or of ``fallback``'s month."""
    return read_month(value) or fallback.replace(day=1)


def parse_start(value: str | None) -> datetime | None:
    """An aware ISO 8601 moment from a time button, in UTC, or None."""
    return read_moment(value)


@dataclass(frozen=True)
class Month:
    """A month of the calendar: its weeks (Monday first, None outside the month), the days
    with free times, and the neighbouring months the resident may go to."""

    first: date
    weeks: list[list[date | None]]
    free_days: frozenset[date]
    previous: date | None
    next: date | None
    # The free days on which a clerk who speaks the resident's language is free.
    speaker_days: frozenset[date] = frozenset()

    def key(self) -> tuple:
        """Everything the month shows, hashable (its weeks follow from ``first``)."""
        return (self.first, self.free_days, self.previous, self.next, self.speaker_days)


def _public_availability(session, choice, first, last, now, ignore_appointment_id):
    """The public's free times of ``choice``: kept in memory, except for a move (which
    counts the moved visit's own time as free) that reads the database."""
    asked = (session, choice.services, choice.persons, first, last, now)
    grid = current_app.config["SLOT_GRID_MINUTES"]
    if ignore_appointment_id is None:
        return public_availability(
            *asked, grid_minutes=grid, tz=CITY_TZ, generations=request_generations()
        )
    return load_availability(
        *asked, grid_minutes=grid, tz=CITY_TZ, ignore_appointment_id=ignore_appointment_id
    )


def month_view(
    session: Session,
    choice: Choice,
    month: date,
    now: datetime,
    *,
    ignore_appointment_id: int | None = None,
) -> Month:
    """The month calendar of ``choice``: which days of ``month`` have a free time, and on
    which of them a clerk who speaks the resident's language is free."""
    today = local_today(now)
    last_day = booking_window(choice.services, now, CITY_TZ).last_day
    month = min(max(month, today.replace(day=1)), last_day.replace(day=1))
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    first, last = max(month, today), min(month_end, last_day)
    free: frozenset[date] = frozenset()
    speaker_days: frozenset[date] = frozenset()
    if first <= last:
        availability = _public_availability(
            session, choice, first, last, now, ignore_appointment_id
        )
        free = frozenset(availability.days())
        speakers = speakers_among(session, availability.staff_ids, choice.spoken_language)
        if speakers and free:
            speaker_days = frozenset(availability.speaker_days(speakers))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    shown = [[day if day.month == month.month else None for day in week] for week in weeks]
    previous = (month - timedelta(days=1)).replace(day=1)
    following = month_end + timedelta(days=1)
    return Month(
        first=month,
        weeks=shown,
        free_days=free,
        previous=previous if previous >= today.replace(day=1) else None,
        next=following if following <= last_day else None,
        speaker_days=speaker_days,
    )


def times_on(
    session: Session,
    choice: Choice,
    day: date,
    now: datetime,
    *,
    ignore_appointment_id: int | None = None,
) -> list[FreeSlot]:
    """The free times of ``day`` (one per start time), earliest first."""
    return _public_availability(session, choice, day, day, now, ignore_appointment_id).slots()


def speaker_starts(session: Session, choice: Choice, slots: list[FreeSlot]) -> frozenset[datetime]:
    """The starts among ``slots`` at which a clerk who speaks the resident's language is
    free (one query; none when no language is chosen or it marks nobody)."""
    staff_ids = {staff_id for slot in slots for staff_id in slot.staff_ids}
    speakers = speakers_among(session, staff_ids, choice.spoken_language)
    return starts_with_speaker(slots, speakers) if speakers else frozenset()
