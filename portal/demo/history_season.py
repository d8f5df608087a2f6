"""The seasons of the city hall's year, for the demo's past year (:mod:`portal.demo.history`):
how busy each part of the year is, which services people come for when, and how full a
counter shift was booked.

Quiet in the Christmas weeks and from mid-July to late August; busier in spring, before the
summer holidays (passports, children's ID for travelling abroad) and in September (moving
house, newcomers, students).
"""

from __future__ import annotations

import random
from datetime import date, datetime

from .data import COUNTER_DEMAND

# The booked share of counter time in an ordinary week, and its bounds.
BASE_SHARE = 0.8
LOWEST_SHARE, HIGHEST_SHARE = 0.55, 0.97
# More or less booked by weekday (Monday to Saturday): Monday and Saturday are favourites.
WEEKDAY_SHARE = (0.05, 0.0, -0.02, 0.0, -0.03, 0.06)
# The late opening (Monday evening) is the one time people who work can come.
EVENING_SHARE = 0.06
EVENING_HOUR = 16

# (first month and day, last month and day, change of the booked share), in date order
# within the year; the Christmas weeks run over the new year.
SEASONS = (
    ((1, 1), (1, 4), -0.08),
    ((3, 1), (5, 14), 0.05),
    ((5, 15), (7, 5), 0.1),
    ((7, 15), (8, 25), -0.08),
    ((9, 1), (9, 30), 0.08),
    ((10, 1), (10, 31), 0.03),
    ((12, 20), (12, 31), -0.08),
)

# Services people come for more in some months: code → (months, factor).
SEASONAL_SERVICES = {
    "paspoort-aanvragen": ((4, 5, 6), 3.0),
    "paspoort-afhalen": ((5, 6, 7), 2.5),
    "kids-id": ((5, 6), 2.0),
    "eid-aanvragen": ((9,), 1.3),
    "adreswijziging": ((7, 8, 9), 1.4),
    "inschrijving-nieuwkomer": ((9, 10), 1.5),
    "adreswijziging-niet-belgen": ((9, 10), 1.5),
    "huwelijksdossier": ((3, 4, 5, 6), 1.5),
    "voorlopig-rijbewijs": ((6, 7, 8), 1.5),
}


def season(day: date) -> float:
    """How much busier (positive) or quieter (negative) than usual ``day``'s part of the
    year is, as a change of the booked share (-0.08 to +0.1)."""
    month_day = (day.month, day.day)
    for first, last, change in SEASONS:
        if first <= month_day <= last:
            return change
    return 0.0


def booked_share(start: datetime, rng: random.Random) -> float:
    """The share of a counter shift starting at ``start`` (local time) that residents
    booked: the season's, the weekday's, the late opening's, and chance, in the part of
    the counter time residents fill (:data:`portal.demo.data.COUNTER_DEMAND`)."""
    share = BASE_SHARE + season(start.date()) + WEEKDAY_SHARE[min(start.weekday(), 5)]
    if start.hour >= EVENING_HOUR:
        share += EVENING_SHARE
    share += rng.gauss(0, 0.04)
    return COUNTER_DEMAND * min(HIGHEST_SHARE, max(LOWEST_SHARE, share))


def service_weight(code: str, weight: float, month: int) -> float:
    """How often a service is asked for in ``month``, from its weight in the demo's
    services (:data:`portal.demo.data.SERVICES`)."""
    months, factor = SEASONAL_SERVICES.get(code, ((), 1.0))
    return weight * factor if month in months else weight
