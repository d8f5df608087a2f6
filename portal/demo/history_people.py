"""Who met at the counter in the demo's past year (:mod:`portal.demo.history_visits`): the
clerks, with the counter services they handle and the languages they speak, and made-up
residents speaking the languages of the city's people (shared/CITY.md).

Most residents speak Dutch, then French, Arabic, English, Turkish, Russian, Ukrainian and
others; the newcomers' team (Andere Nationaliteiten) sees mostly Russian, Arabic (also
Moroccan Arabic), Armenian, Ukrainian, Chechen and Bulgarian speakers. A resident whose
language their clerk does not speak sometimes asks for an interpreter.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import timedelta
from itertools import accumulate

from ..models import Channel, Service, StaffMember
from . import data

NEWCOMERS_TEAM = "andere_nationaliteiten"
OTHER = "other"
# Spoken language → weight, for the newcomers' team and for the other teams.
NEWCOMER_LANGUAGES = {
    "ru": 20,
    "ar": 17,
    "hy": 10,
    "uk": 10,
    "ary": 8,
    "en": 7,
    "nl": 6,
    "fr": 5,
    "ce": 4,
    "bg": 3,
    "tr": 2,
    "prs": 2,
    "inh": 1,
    "ps": 1,
    "ti": 1,
    "so": 1,
    OTHER: 2,
}
RESIDENT_LANGUAGES = {
    "nl": 74,
    "fr": 8,
    "ar": 4,
    "en": 4,
    "tr": 3,
    "ary": 2,
    "ru": 2,
    "uk": 1.5,
    "pl": 1,
    "ro": 1,
    "es": 0.5,
    "pt": 0.5,
    "de": 0.5,
    "bg": 0.5,
    OTHER: 0.5,
}
# The resident's own words for "another language".
OTHER_LANGUAGES = ("Lingala", "Tamazight", "Koerdisch", "Amhaars", "Nepalees", "Tigre")
# The site language of the mails for a spoken language the site does not speak: English,
# or the language most of its speakers read (Russian for Chechen and Ingush).
SITE_LANGUAGE = {"ary": "ar", "ce": "ru", "inh": "ru"}
SITE_LANGUAGES = {"nl", "fr", "de", "en", "ar", "ru", "uk", "tr"}
# How often a resident whose language the clerk does not speak asks for an interpreter.
INTERPRETER = 0.15
# Staff booking for a resident get an e-mail address this often.
STAFF_WITH_EMAIL = 0.65
# How often a phone number comes with a booking, by channel.
PHONE_GIVEN = {"web": 0.3, "api": 0.5, "staff": 0.4}
REMARK_GIVEN = 0.04
REMARKS = (
    "Komt met een kinderwagen.",
    "Slechtziend: graag wat extra tijd.",
    "Komt met een tolk van het OCMW.",
    "Rolstoelgebruiker.",
)


def _cumulative(table: dict[str, float]) -> tuple[list[str], list[float]]:
    return list(table), list(accumulate(table.values()))


_TABLES = {True: _cumulative(NEWCOMER_LANGUAGES), False: _cumulative(RESIDENT_LANGUAGES)}


def resident_columns(rng: random.Random, clerk: Clerk, channel: str) -> dict:
    """A made-up resident who books with ``clerk`` through ``channel``, as the visit's
    columns (those with a value): online always with an e-mail address, at the desk or on
    the phone with one most of the time (a phone number otherwise). Names come from the
    demo's pools of first and last names, with a number in the address, so that a person
    has a visit or a few in the year, not hundreds (the demo's current residents, a score
    of names, are left to its current visits)."""
    codes, weights = _TABLES[clerk.team == NEWCOMERS_TEAM]
    spoken = codes[bisect(weights, rng.random() * weights[-1])]
    language = SITE_LANGUAGE.get(spoken, spoken if spoken in SITE_LANGUAGES else "en")
    if language != "nl" and rng.random() < 0.15:
        language = "nl"
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
    name = f"{first} {last}"
    columns = {
        "resident_name": name,
        "language": language,
        "spoken_language": spoken,
        "interpreter_needed": (
            spoken not in clerk.languages and spoken != "nl" and rng.random() < INTERPRETER
        ),
    }
    if spoken == OTHER:
        columns["spoken_language_other"] = rng.choice(OTHER_LANGUAGES)
    if channel != "staff" or rng.random() < STAFF_WITH_EMAIL:
        address = f"{first}.{last}.{rng.randrange(100)}".lower().replace(" ", ".")
        columns["email"] = f"{address}@example.org"
    if "email" not in columns or rng.random() < PHONE_GIVEN[channel]:
        digits = f"{rng.randrange(10**6):06d}"
        columns["phone"] = f"+32 4{rng.randint(70, 99)} {digits[:2]} {digits[2:4]} {digits[4:]}"
    if rng.random() < REMARK_GIVEN:
        columns["remark"] = rng.choice(REMARKS)
    return columns


@dataclass(frozen=True)
class Clerk:
    """A staff member as the past bookings see them: team, languages, counter services."""

    staff_id: int
    team: str
    languages: frozenset[str]
    services: list[BookableService]


@dataclass(frozen=True)
class BookableService:
    """What booking needs of a service, read once."""

    id: int
    code: str
    weight: float
    public: bool
    min_notice: timedelta
    max_persons: int
    minutes: int
    extra_minutes: int

    def duration_for(self, persons: int) -> timedelta:
        """The visit's length for ``persons`` (as :meth:`Service.duration_for`)."""
        return timedelta(minutes=self.minutes + self.extra_minutes * (persons - 1))


def clerk_of(member: StaffMember) -> Clerk:
    """A staff member as the past bookings see them: counter services, languages, team."""
    services = [
        _bookable(service) for service in member.services if service.channel == Channel.COUNTER
    ]
    return Clerk(member.id, member.team.code, frozenset(member.languages), services)


def _bookable(service: Service) -> BookableService:
    return BookableService(
        service.id,
        service.code,
        data.SERVICES[service.position][-1],
        service.publicly_bookable,
        timedelta(minutes=service.min_notice_minutes),
        service.max_persons,
        service.duration_minutes,
        service.extra_minutes_per_person,
    )
