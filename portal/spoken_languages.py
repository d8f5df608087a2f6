"""The languages a resident can say they speak at the counter.

The site's eight languages, and the languages the city's newcomers' desk meets that the
site does not speak. Each is named in itself here; its name in the reader's language comes
from :func:`portal.language_names.language_name`. Staff and residents read a stored choice
as both ("Tsjetsjeens · Нохчийн" on a Dutch page), never as a code. Codes are BCP 47; some
(``ary``, ``inh``) are unknown to Babel as locales, so they are only stored with the visit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from markupsafe import Markup, escape
from wtforms import SelectChoice

from .i18n import _, _l, current_language
from .language_names import language_name, speaking


@dataclass(frozen=True)
class SpokenLanguage:
    """A language offered in the "language at the counter" list."""

    code: str
    native: str


OTHER = "other"

SPOKEN_LANGUAGES: tuple[SpokenLanguage, ...] = (
    SpokenLanguage("nl", "Nederlands"),
    SpokenLanguage("fr", "Français"),
    SpokenLanguage("de", "Deutsch"),
    SpokenLanguage("en", "English"),
    SpokenLanguage("ar", "العربية"),
    SpokenLanguage("ary", "الدارجة المغربية"),
    SpokenLanguage("ru", "Русский"),
    SpokenLanguage("uk", "Українська"),
    SpokenLanguage("tr", "Türkçe"),
    SpokenLanguage("ce", "Нохчийн"),
    SpokenLanguage("inh", "ГӀалгӀай"),
    SpokenLanguage("hy", "Հայերեն"),
    SpokenLanguage("bg", "Български"),
    SpokenLanguage("prs", "دری"),
    SpokenLanguage("ps", "پښتو"),
    SpokenLanguage("ti", "ትግርኛ"),
    SpokenLanguage("so", "Soomaali"),
    SpokenLanguage("ro", "Română"),
    SpokenLanguage("pl", "Polski"),
    SpokenLanguage("es", "Español"),
    SpokenLanguage("pt", "Português"),
    SpokenLanguage("it", "Italiano"),
)

BY_CODE = {language.code: language for language in SPOKEN_LANGUAGES}
OTHER_LABEL = _l("Een andere taal")


def spoken_language_choices() -> list[SelectChoice]:
    """The options of a select: each language in itself, with its name in the page's
    language beside it when that differs, then "another language"."""
    page = current_language()
    choices = []
    for lang in SPOKEN_LANGUAGES:
        name = language_name(lang.code, page)
        same = lang.code == page or name.casefold() == lang.native.casefold()
        choices.append(SelectChoice(lang.code, lang.native if same else f"{lang.native} ({name})"))
    return [*choices, SelectChoice(OTHER, str(OTHER_LABEL))]


def _parts(code: str, in_language: str) -> tuple[str, str | None]:
    """A known language as (its name in ``in_language``, its name in itself, or None when
    that adds nothing: the page's own language, or the same words)."""
    name = language_name(code, in_language)
    known = BY_CODE.get(code)
    if known is None or code == in_language or known.native.casefold() == name.casefold():
        return name, None
    return name, known.native


def _other_text(in_language: str) -> str:
    """The sentence around a language the resident wrote in their own words."""
    with speaking(in_language):
        return _("Andere taal: %(name)s")


def spoken_language_text(code: str | None, other: str | None, in_language: str) -> str:
    """A stored spoken language as plain text in ``in_language`` (calendar feeds, CSV):
    "Tsjetsjeens · Нохчийн", "Andere taal: Lingala"; empty when none was given."""
    if not code:
        return ""
    if code == OTHER:
        if not other:
            with speaking(in_language):
                return str(OTHER_LABEL)
        return _other_text(in_language) % {"name": other}
    name, native = _parts(code, in_language)
    return f"{name} · {native}" if native else name


def spoken_language_html(code: str | None, other: str | None = None) -> Markup:
    """A stored spoken language on a page, in the page's language: its name, then its
    name in itself marked with its language ("Tsjetsjeens · <span lang="ce">Нохчийн</span>");
    the resident's own words for another language, quoted. Empty when none was given."""
    page = current_language()
    if not code:
        return Markup("")
    if code == OTHER:
        if not other:
            return escape(str(OTHER_LABEL))
        quoted = Markup('<q dir="auto">%s</q>') % other
        return escape(_other_text(page)) % {"name": quoted}
    name, native = _parts(code, page)
    if native is None:
        return escape(name)
    return escape(name) + Markup(' · <span lang="%s" dir="auto">%s</span>') % (code, native)


def spoken_language_label(code: str | None, other: str | None = None) -> str:
    """How a stored spoken language reads in plain text in the request's language."""
    return spoken_language_text(code, other, current_language())


def init_app(app: Flask) -> None:
    """Give every template ``spoken_language_name(code, other)``: the HTML above."""
    app.add_template_global(spoken_language_html, "spoken_language_name")
