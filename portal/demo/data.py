"""The city's demo data as plain tables: teams, counters, hours, services, people.

Facts from the city's own documents (shared/CITY.md): the four teams and their sizes, the
opening hours, what each team handles. Names of people are invented.
"""

from __future__ import annotations

from datetime import time

from .services_nationalities_reception import NATIONALITIES_AND_RECEPTION_SERVICES
from .services_population_civil import POPULATION_AND_CIVIL_STATUS_SERVICES

# code, names, size, counters, counter staff needed per block: (day, Monday evening, Saturday).
# The needs fill about 35% of each team's working time, the city's target share of counter
# time (shared/CITY.md), so a generated rota can give everyone their share; the evening and
# Saturday needs ask about one in three of those who take such turns. The counters added for
# it (13 and up) are numbered after the first twelve. The names in the other site languages
# are in portal/demo/texts/__init__.py.
TEAMS = [
    (
        "bevolking",
        {"nl": "Bevolking", "en": "Population"},
        15,
        (1, 2, 3, 4, 5, 13, 14, 15),
        (8, 4, 4),
    ),
    (
        "burgerlijke_stand",
        {"nl": "Burgerlijke Stand", "en": "Civil status"},
        9,
        (6, 7, 16, 17),
        (4, 3, 3),
    ),
    (
        "andere_nationaliteiten",
        {"nl": "Andere Nationaliteiten", "en": "Other nationalities"},
        8,
        (8, 9, 10, 18),
        (4, 3, 2),
    ),
    (
        "centraal_onthaal",
        {"nl": "Centraal Onthaal", "en": "Central reception"},
        10,
        (11, 12, 19, 20, 21),
        (5, 3, 3),
    ),
]
# The counters above open about twice the counter time the city had before its rota aimed
# at the 35% share; the residents did not double. So the demo books this part of the
# counter time it used to book, in the coming weeks and in the past year alike.
COUNTER_DEMAND = 0.5

# Monday 09:00–12:30 and 16:00–19:00; Tuesday, Thursday, Friday, Saturday 09:00–12:30;
# Wednesday 09:00–16:00; closed on Sunday.
MORNING = (time(9), time(12, 30))
OPENING_HOURS = [
    (0, *MORNING),
    (0, time(16), time(19)),
    (1, *MORNING),
    (2, time(9), time(16)),
    (3, *MORNING),
    (4, *MORNING),
    (5, *MORNING),
]

# The city's own closing days besides the public holidays: (month, day, nl, en); the other
# site languages are in portal/demo/texts/__init__.py.
CITY_DAYS = [
    (7, 11, "Feest van de Vlaamse Gemeenschap", "Day of the Flemish Community"),
    (11, 2, "Allerzielen", "All Souls' Day"),
    (11, 15, "Koningsdag", "King's Day"),
    (12, 26, "Tweede kerstdag", "Boxing Day"),
]

# Service rows (code, team, topic, minutes, extra per person, max persons, public, names,
# documents, weight), team by team; Dutch is the source text, the other site languages are
# in portal/demo/texts/, by code. Channel is the counter unless the code is in
# BACK_OFFICE_SERVICES.
SERVICES = [*POPULATION_AND_CIVIL_STATUS_SERVICES, *NATIONALITIES_AND_RECEPTION_SERVICES]
BACK_OFFICE_SERVICES = {"terugbelafspraak"}

FIRST_NAMES = [
    "An",
    "Bram",
    "Charlotte",
    "Dirk",
    "Els",
    "Fatima",
    "Geert",
    "Hanne",
    "Ilse",
    "Jan",
    "Karim",
    "Lotte",
    "Mohamed",
    "Nadia",
    "Olga",
    "Pieter",
    "Rania",
    "Sofie",
    "Tom",
    "Vera",
    "Wim",
    "Yasmina",
    "Ahmed",
    "Lien",
    "Koen",
    "Marieke",
    "Samir",
    "Tatiana",
    "Ruben",
    "Ines",
]
LAST_NAMES = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "El Amrani",
    "Aydin",
    "Petrova",
    "Dubois",
    "Vermeulen",
    "Hermans",
    "Benali",
    "Kovalenko",
    "Lambrechts",
    "Van den Broeck",
    "Haddad",
    "Yilmaz",
    "Stevens",
]
RESIDENT_NAMES = [
    "Sara Bouzid",
    "Ivan Petrov",
    "Lucas Peeters",
    "Amina Haddad",
    "Olena Shevchenko",
    "Noah Janssens",
    "Armen Sargsyan",
    "Leila Benali",
    "Emma Claes",
    "Yusuf Kaya",
    "Aslan Dudayev",
    "Marie Dubois",
    "Omar Al-Khatib",
    "Elena Ivanova",
    "Liam Maes",
    "Nour El Idrissi",
    "Georgi Dimitrov",
    "Hana Mansour",
    "Jonas Willems",
    "Zeynep Demir",
]
# (site language for mails, language spoken at the counter, weight) per team kind.
NEWCOMER_LANGUAGES = [
    ("ar", "ar", 14),
    ("ar", "ary", 8),
    ("ru", "ru", 25),
    ("uk", "uk", 10),
    ("en", "hy", 8),
    ("ru", "ce", 5),
    ("fr", "fr", 8),
    ("en", "en", 8),
    ("nl", "nl", 10),
    ("tr", "tr", 4),
]
RESIDENT_LANGUAGES = [
    ("nl", "nl", 80),
    ("fr", "fr", 6),
    ("en", "en", 6),
    ("ar", "ar", 4),
    ("tr", "tr", 2),
    ("ru", "ru", 2),
]
# Languages each team's rota tries to have at the counter in every turn: the newcomers'
# team wants Arabic and Russian, its residents' most used languages (shared/CITY.md).
COUNTER_LANGUAGES = {"andere_nationaliteiten": ["ar", "ru"]}
STAFF_EXTRA_LANGUAGES = {
    "andere_nationaliteiten": ["ar", "ary", "ru", "ce", "inh", "fr", "en", "ar", "ru"],
    "centraal_onthaal": ["fr", "en", "ar", "tr", "ru"],
}

# The demo's named sign-in accounts (listed in the README): team, index of the person in
# the team, role, e-mail address. The first account of each role is the one tests sign in
# with. Every demo person (these and the others) signs in with DEMO_PASSWORD.
DEMO_ACCOUNTS = [
    ("bevolking", 0, "clerk", "baliemedewerker@stad.example"),
    ("bevolking", 1, "planner", "planner@stad.example"),
    ("centraal_onthaal", 0, "reception", "onthaal@stad.example"),
    ("centraal_onthaal", 1, "admin", "beheerder@stad.example"),
    ("andere_nationaliteiten", 0, "clerk", "nieuwkomers@stad.example"),
]
DEMO_PASSWORD = "demo-stadhuis-2026"  # noqa: S105 - the published demo password
