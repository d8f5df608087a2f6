"""Dates, months and moments read from a request, inside one sensible window.

Query strings, form fields and API parameters all arrive as text a person (or a program)
may have typed anything into: ``9999-12-31``, ``0001-01-01``, ``2026-02-30``, a moment
without its offset. Python reads the first two, but a day added to ``date.max`` or a
Brussels midnight on ``0001-01-01`` (before the first representable UTC moment) raises
``OverflowError``. Every reader here therefore accepts only what lies in
:data:`FIRST_DAY` .. :data:`LAST_DAY`, far from either edge, and answers None for the
rest, so that each page can say what it could not read instead of failing.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

# The window of every date the portal reads from a request: years of booking, planning
# and history, with room on both sides for a week's or a month's arithmetic.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
# ASCII digits only: ``\d`` would let "２０２６" through to the parser.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
# The longest ISO 8601 moment worth reading (microseconds and an offset included).
_MAX_MOMENT_CHARS = 40


def in_window(day: date) -> bool:
    """Whether ``day`` lies in the window the portal reads dates in."""
    return FIRST_DAY <= day <= LAST_DAY


def parse_iso_date(raw: str | None) -> date | None:
    """A ``YYYY-MM-DD`` date of any year, or None (missing, another shape, or not a real
    day such as 2026-02-30): only for a reader that then refuses what lies outside its own
    range with a message of its own; every other reader uses :func:`read_date`."""
    if not raw or not _DAY.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def read_date(raw: str | None) -> date | None:
    """A ``YYYY-MM-DD`` date inside the window, or None (missing, another shape, not a
    real day such as 2026-02-30, or outside the window)."""
    day = parse_iso_date(raw)
    return day if day is not None and in_window(day) else None


def read_month(raw: str | None) -> date | None:
    """The first day of a ``YYYY-MM`` month inside the window, or None."""
    if not raw or not _MONTH.fullmatch(raw):
        return None
    return read_date(raw + "-01")


def read_moment(raw: str | None) -> datetime | None:
    """An ISO 8601 moment with its offset (``2026-12-08T09:00:00+01:00``) as aware UTC,
    or None: a moment without offset names no moment at all, and one outside the window
    is refused like an unreadable one."""
    if not raw or len(raw) > _MAX_MOMENT_CHARS or not raw.isascii():
        return None
    try:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None or moment.utcoffset() is None:
            return None
        # 0001-01-01T00:00:00+14:00 parses, but lies before the first representable UTC.
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment if in_window(moment.date()) else None
