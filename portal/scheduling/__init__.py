"""Pure scheduling core: interval arithmetic and free-slot computation.

No Flask, no database, no clock: callers pass plain data (aware datetimes, "now" included)
and get plain data back.  See :mod:`.intervals` and :mod:`.availability`.
"""

from .availability import (
    FreeSlot,
    OpeningBlock,
    OpeningSchedule,
    SlotRequest,
    StaffCalendar,
    day_interval,
    days_with_free_slot,
    free_slots,
    naive_free_slots,
    opening_intervals,
)
from .intervals import Interval, covers, intersect, normalize, overlaps, subtract, union

__all__ = [
    "FreeSlot",
    "Interval",
    "OpeningBlock",
    "OpeningSchedule",
    "SlotRequest",
    "StaffCalendar",
    "covers",
    "day_interval",
    "days_with_free_slot",
    "free_slots",
    "intersect",
    "naive_free_slots",
    "normalize",
    "opening_intervals",
    "overlaps",
    "subtract",
    "union",
]
