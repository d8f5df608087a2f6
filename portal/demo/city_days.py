"""The city's own closing days (besides the public holidays) as closures, for the demo's
coming weeks (:mod:`portal.demo.loader`) and its past year (:mod:`portal.demo.history`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from ..models import Closure, ClosureKind
from . import data, texts


def city_day_closures(years: Iterable[int]) -> Iterator[Closure]:
    """A closure for each of the city's own closing days in ``years``, named in every
    site language."""
    for year in years:
        for month, day, dutch, english in data.CITY_DAYS:
            closing = date(year, month, day)
            yield Closure(
                starts_on=closing,
                ends_on=closing,
                kind=ClosureKind.CITY_DAY,
                reasons=texts.city_day_names(month, day, dutch, english),
            )
