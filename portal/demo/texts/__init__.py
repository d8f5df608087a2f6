"""The demo city's texts in all site languages: service names and documents to bring, team
names and the names of the city's own closing days.

Dutch (with English) is the source in :mod:`portal.demo.data`; the other six languages live
here and in the per-language-group modules, keyed by service code, team code and date.
"""

from __future__ import annotations

from .ar_tr import AR, TR
from .fr_de import DE, FR
from .ru_uk import RU, UK

# Language → service code → (name, documents to bring, one per line).
SERVICE_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "fr": FR,
    "de": DE,
    "ar": AR,
    "ru": RU,
    "uk": UK,
    "tr": TR,
}

# Team code → language → name (besides Dutch and English).
TEAM_NAMES: dict[str, dict[str, str]] = {
    "bevolking": {
        "fr": "Population",
        "de": "Bevölkerung",
        "ar": "السكان",
        "ru": "Население",
        "uk": "Населення",
        "tr": "Nüfus",
    },
    "burgerlijke_stand": {
        "fr": "État civil",
        "de": "Standesamt",
        "ar": "الأحوال المدنية",
        "ru": "Гражданское состояние",
        "uk": "Цивільний стан",
        "tr": "Medeni Hal",
    },
    "andere_nationaliteiten": {
        "fr": "Autres nationalités",
        "de": "Andere Staatsangehörigkeiten",
        "ar": "الجنسيات الأخرى",
        "ru": "Другие гражданства",
        "uk": "Інші громадянства",
        "tr": "Diğer Uyruklar",
    },
    "centraal_onthaal": {
        "fr": "Accueil central",
        "de": "Zentraler Empfang",
        "ar": "الاستقبال المركزي",
        "ru": "Центральная приёмная",
        "uk": "Центральна приймальня",
        "tr": "Merkezi Danışma",
    },
}

# (month, day) of a city closing day → language → name (besides Dutch and English).
CITY_DAY_NAMES: dict[tuple[int, int], dict[str, str]] = {
    (7, 11): {
        "fr": "Fête de la Communauté flamande",
        "de": "Feiertag der Flämischen Gemeinschaft",
        "ar": "عيد المجموعة الفلمنكية",
        "ru": "Праздник Фламандского сообщества",
        "uk": "Свято Фламандської спільноти",
        "tr": "Flaman Topluluğu Bayramı",
    },
    (11, 2): {
        "fr": "Jour des défunts",
        "de": "Allerseelen",
        "ar": "يوم الموتى",
        "ru": "День поминовения усопших",
        "uk": "День поминання усіх померлих",
        "tr": "Ölüleri Anma Günü",
    },
    (11, 15): {
        "fr": "Fête du Roi",
        "de": "Festtag des Königs",
        "ar": "عيد الملك",
        "ru": "День короля",
        "uk": "День короля",
        "tr": "Kral Günü",
    },
    (12, 26): {
        "fr": "Lendemain de Noël",
        "de": "Zweiter Weihnachtstag",
        "ar": "ثاني أيام عيد الميلاد",
        "ru": "Второй день Рождества",
        "uk": "Другий день Різдва",
        "tr": "Noel'in ikinci günü",
    },
}


def service_texts(code: str, dutch: tuple[str, str], english: tuple[str, str]):
    """Language → (name, documents) of a demo service, for every site language."""
    texts = {"nl": dutch, "en": english}
    for language, table in SERVICE_TEXTS.items():
        texts[language] = table[code]
    return texts


def team_names(code: str, names: dict[str, str]) -> dict[str, str]:
    """A team's names in every site language: ``names`` (Dutch, English) and the others."""
    return {**names, **TEAM_NAMES[code]}


def city_day_names(month: int, day: int, dutch: str, english: str) -> dict[str, str]:
    """A city closing day's name in every site language."""
    return {"nl": dutch, "en": english, **CITY_DAY_NAMES[month, day]}
