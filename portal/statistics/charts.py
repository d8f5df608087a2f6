"""Which tables of the statistics page get a chart, and what kind.

A chart is drawn in the browser (``static/js/statistics-charts.js``, Chart.js) from the
table under it: the table stays the accessible view and the page works without scripts.
The template writes a :class:`Chart` as data attributes on the chart's ``<figure>``, and
the number each plotted cell holds as ``data-value`` (:meth:`Chart.value_of`), so the
script never parses localised text such as "83%" or "—".

A table that is not named in :data:`CHARTS` is shown as a table only; a new table gets a
chart by adding its name here. Columns are counted as in the table's rows: 0 is the row
header (a period, an hour, a service), the figures start at 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

# The series one chart tells apart: statistics-charts.js has four looks (a colour with a
# pattern for bars, a dash and a point shape for lines).
MAX_SERIES = 4


@dataclass(frozen=True)
class Chart:
    """How one table is charted.

    ``kind`` is ``"bar"`` or ``"line"``; ``columns`` are the plotted columns, one series
    each, named by their column titles. ``stacked`` piles bars up (parts of one whole);
    ``horizontal`` lays bars along the inline axis (long names such as services read
    better so). ``second_axis``: columns measured in another unit, drawn against their
    own value axis on the far side.

    In a right-to-left language the rows (periods, hours) run from right to left, as the
    text does, and the value axis stands on the right.
    """

    kind: str
    columns: tuple[int, ...]
    stacked: bool = False
    horizontal: bool = False
    second_axis: tuple[int, ...] = ()

    def __post_init__(self):
        if self.kind not in {"bar", "line"}:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        if not self.columns or min(self.columns) < 1:
            raise ValueError("a chart plots figure columns (1 and up), never the row header")
        if len(self.columns) > MAX_SERIES:
            raise ValueError(f"a chart tells at most {MAX_SERIES} series apart")
        if not set(self.second_axis) <= set(self.columns):
            raise ValueError("second_axis names columns the chart does not plot")
        if self.second_axis and self.horizontal:
            raise ValueError("a second value axis is for upright charts only")

    def plots(self, column: int) -> bool:
        """Whether the cells of ``column`` are plotted (and so carry ``data-value``)."""
        return column in self.columns

    @staticmethod
    def value_of(cell: object) -> str:
        """The number a cell holds, as the chart reads it: ``"12"``, ``"3.5"``, ``"83"`` for
        ``"83%"``, ``"15"`` for ``15.0``; ``""`` for no value (a dash), which the chart
        leaves out."""
        if isinstance(cell, bool):
            return ""
        if isinstance(cell, Real):
            number = float(cell)
        else:
            text = str(cell).strip().removesuffix("%").strip()
            try:
                number = float(text)
            except ValueError:
                return ""
        if not math.isfinite(number):
            return ""
        return str(int(number)) if number.is_integer() else str(number)


# The charts by table name (portal/statistics/tables.py ``build_tables``).
CHARTS: dict[str, Chart] = {
    # Attended, not come, cancelled per period: parts of what was booked.
    "periods": Chart("bar", (2, 3, 4), stacked=True),
    # Booked days ahead and cancelled hours ahead: two units, two value axes.
    "notice": Chart("line", (1, 2), second_axis=(2,)),
    # Median wait and time at the counter per hour of the appointment (minutes).
    "hall": Chart("bar", (2, 3)),
    # Attended, not come, cancelled per service.
    "services": Chart("bar", (2, 3, 4), stacked=True, horizontal=True),
    # Days to the first free time per service: median, longest, latest.
    "waits": Chart("bar", (2, 3, 4), horizontal=True),
    # Visits per language, and how many of them asked for an interpreter.
    "languages": Chart("bar", (1, 2), horizontal=True),
    # Counter hours offered and booked per period (portal/statistics/work_tables.py).
    "capacity": Chart("bar", (1, 3)),
    # Each person's hours: at the counter and in the back office, together their time.
    "people": Chart("bar", (1, 2), stacked=True, horizontal=True),
    # Dossiers per team: opened, closed, still open at the end of the period.
    "dossiers": Chart("bar", (1, 2, 3), horizontal=True),
    # Invitations per team: what became of those sent (used, expired, revoked, open).
    "invitations": Chart("bar", (2, 3, 4, 5), stacked=True, horizontal=True),
}
