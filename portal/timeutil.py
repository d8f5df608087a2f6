"""Time at the edges: aware UTC inside the portal, Europe/Brussels for people.

The database, the scheduling core and the API's internals only see aware UTC datetimes.
Pages, forms, mails and calendar files convert to the city's zone through these helpers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Europe/Brussels")


def utcnow() -> datetime:
    """The current moment as an aware UTC datetime (tests freeze it with time-machine)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Convert an aware datetime to UTC; refuse a naive one, whose zone nobody knows."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: the portal only handles aware datetimes")
    return value.astimezone(UTC)


def to_local(value: datetime, tz: ZoneInfo = CITY_TZ) -> datetime:
    """An aware datetime in the city's wall-clock time, for display and forms."""
    return as_utc(value).astimezone(tz)


def local_datetime(day: date, wall_clock: time, tz: ZoneInfo = CITY_TZ) -> datetime:
    """The UTC moment of a Brussels date and wall-clock time (09:00 on a given day)."""
    return datetime.combine(day, wall_clock, tzinfo=tz).astimezone(UTC)


def local_today(now: datetime | None = None, tz: ZoneInfo = CITY_TZ) -> date:
    """Today's date in the city (not in UTC: 00:30 in Brussels is still yesterday in UTC)."""
    return to_local(now or utcnow(), tz).date()


def start_of_local_day(day: date, tz: ZoneInfo = CITY_TZ) -> datetime:
    """Local midnight at the start of ``day``, as UTC."""
    return local_datetime(day, time(0), tz)


def end_of_local_day(day: date, tz: ZoneInfo = CITY_TZ) -> datetime:
    """Local midnight at the end of ``day`` (23 or 25 hours later on DST days), as UTC."""
    return local_datetime(day + timedelta(days=1), time(0), tz)


def isoformat_local(value: datetime, tz: ZoneInfo = CITY_TZ) -> str:
    """ISO 8601 with the Brussels offset, as the public API writes times."""
    return to_local(value, tz).isoformat(timespec="seconds")
