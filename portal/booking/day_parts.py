"""The free times of a day grouped by the part of the day they start in (morning,
afternoon, evening in Brussels), so a phone shows them as a few short rows of time chips
instead of one long list. Used by the ``time_choices`` macro of every time page."""

from __future__ import annotations

from collections.abc import Iterable

from ..i18n import _l
from ..timeutil import to_local
from . import blueprint

# (first hour, name): a time belongs to the last part whose first hour it has reached.
# The city's morning opening runs to 12:30, so the morning lasts until 13:00 here; the
# Monday evening opening (16:00–19:00) is afternoon until 18:00.
DAY_PARTS = (
    (0, _l("Voormiddag")),
    (13, _l("Namiddag")),
    (18, _l("Avond")),
)


def day_part(moment) -> int:
    """The index in :data:`DAY_PARTS` of the part of the day ``moment`` starts in."""
    hour = to_local(moment).hour
    return max(index for index, (first, _name) in enumerate(DAY_PARTS) if hour >= first)


@blueprint.app_template_global("day_parts")
def day_parts(slots: Iterable) -> list[tuple[str, list]]:
    """(name, slots) for each part of the day that has a time, earliest first; the slots
    keep their order."""
    grouped: dict[int, list] = {}
    for slot in slots:
        grouped.setdefault(day_part(slot.start), []).append(slot)
    return [(str(DAY_PARTS[index][1]), grouped[index]) for index in sorted(grouped)]
