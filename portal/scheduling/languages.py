"""The resident's language at the counter, in the scheduling core: which free times have
a clerk who speaks it, and which clerk to try first. Pure, like the rest of the core.

A language preference never hides a time nor changes how many visits fit: it only marks
the times (and days) where a speaker is free, and orders the candidates of a held time so
that a free speaker is tried before the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime, tzinfo

from .availability import FreeSlot, SlotRequest, StaffCalendar, days_with_free_slot

# Languages that mark nothing: the city's own language (every clerk speaks it), and
# "another language", which has no code a clerk could list.
UNMARKED = frozenset({"nl", "other"})


def marks_language(language: str | None) -> bool:
    """Whether ``language`` is one a clerk can be chosen for (not Dutch, not "other")."""
    return bool(language) and language not in UNMARKED


def speakers_first(candidates: Sequence[int], speakers: AbstractSet[int]) -> list[int]:
    """``candidates`` with the speakers moved to the front, each group in its given order
    (which the caller chose, e.g. least busy first)."""
    return [staff_id for staff_id in candidates if staff_id in speakers] + [
        staff_id for staff_id in candidates if staff_id not in speakers
    ]


def starts_with_speaker(
    slots: Iterable[FreeSlot], speakers: AbstractSet[int]
) -> frozenset[datetime]:
    """The starts of ``slots`` at which at least one free clerk is a speaker."""
    return frozenset(slot.start for slot in slots if not speakers.isdisjoint(slot.staff_ids))


def days_with_speaker(
    window,
    staff: Iterable[StaffCalendar],
    request: SlotRequest,
    tz: tzinfo,
    speakers: AbstractSet[int],
) -> list[date]:
    """The local dates on which a speaker is free for a visit: the free days of the
    speakers' calendars alone (a subset of the days free for anyone)."""
    own = [calendar for calendar in staff if calendar.staff_id in speakers]
    return days_with_free_slot(window, own, request, tz) if own else []
