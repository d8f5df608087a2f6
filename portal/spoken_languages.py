"""The languages a resident can say they speak at the counter.

The site's eight languages, and the languages the city's newcomers' desk meets that the
site does not speak. Each is named in Dutch (for staff) and in itself (for the resident).
Codes are BCP 47; some (``ary``, ``inh``) are unknown to Babel, so they are never used
as a locale, only stored with the visit.
"""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import SelectChoice

from .i18n import _l


@dataclass(frozen=True)
class SpokenLanguage:
    """A language offered in the "language at the counter" list."""

    code: str
    dutch: str
    native: str


OTHER = "other"

SPOKEN_LANGUAGES: tuple[SpokenLanguage, ...] = (
    SpokenLanguage("nl", "Nederlands", "Nederlands"),
    SpokenLanguage("fr", "Frans", "Français"),
    SpokenLanguage("de", "Duits", "Deutsch"),
    SpokenLanguage("en", "Engels", "English"),
    SpokenLanguage("ar", "Arabisch", "العربية"),
    SpokenLanguage("ary", "Marokkaans Arabisch", "الدارجة المغربية"),
    SpokenLanguage("ru", "Russisch", "Русский"),
    SpokenLanguage("uk", "Oekraïens", "Українська"),
    SpokenLanguage("tr", "Turks", "Türkçe"),
    SpokenLanguage("ce", "Tsjetsjeens", "Нохчийн"),
    SpokenLanguage("inh", "Ingoesjetisch", "ГӀалгӀай"),
    SpokenLanguage("hy", "Armeens", "Հայերեն"),
    SpokenLanguage("bg", "Bulgaars", "Български"),
    SpokenLanguage("prs", "Dari", "دری"),
    SpokenLanguage("ps", "Pasjtoe", "پښتو"),
    SpokenLanguage("ti", "Tigrinya", "ትግርኛ"),
    SpokenLanguage("so", "Somalisch", "Soomaali"),
    SpokenLanguage("ro", "Roemeens", "Română"),
    SpokenLanguage("pl", "Pools", "Polski"),
    SpokenLanguage("es", "Spaans", "Español"),
    SpokenLanguage("pt", "Portugees", "Português"),
    SpokenLanguage("it", "Italiaans", "Italiano"),
)

BY_CODE = {language.code: language for language in SPOKEN_LANGUAGES}
OTHER_LABEL = _l("Een andere taal")


def spoken_language_choices() -> list[SelectChoice]:
    """The options of a select: each language in itself, with its Dutch name when that
    differs, then "another language"."""
    choices = [
        SelectChoice(
            lang.code, lang.native if lang.native == lang.dutch else f"{lang.native} ({lang.dutch})"
        )
        for lang in SPOKEN_LANGUAGES
    ]
    return [*choices, SelectChoice(OTHER, str(OTHER_LABEL))]


def spoken_language_label(code: str | None, other: str | None = None) -> str:
    """How a stored spoken language reads on a page or in a mail."""
    if code == OTHER:
        return other or str(OTHER_LABEL)
    language = BY_CODE.get(code or "")
    return language.native if language else (code or "")
