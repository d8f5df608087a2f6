"""Languages of the portal: translation functions, the locale selector, text direction.

Dutch is the source language of every text. Every string a person reads goes through
``_`` (at request time) or ``_l`` (lazily, for module-level texts such as form labels).
Never pass an f-string to them: format afterwards, ``_("… %(name)s", name=…)``.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import get_locale, lazy_gettext, ngettext
from flask_babel import gettext as _

from .extensions import babel
from .timeutil import CITY_TZ

__all__ = [
    "LANGUAGES",
    "RTL_LANGUAGES",
    "_",
    "_l",
    "current_language",
    "ngettext",
    "site_language",
]

_l = lazy_gettext

# The site's languages, each named in itself (the language switcher shows these).
LANGUAGES: dict[str, str] = {
    "nl": "Nederlands",
    "fr": "Français",
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "ru": "Русский",
    "uk": "Українська",
    "tr": "Türkçe",
}
RTL_LANGUAGES = frozenset({"ar"})
DEFAULT_LANGUAGE = "nl"
LANGUAGE_COOKIE = "portal_lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def requested_language() -> str | None:
    """The language asked for explicitly by ``?lang=``, if it is one the site speaks."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else None


def select_locale() -> str:
    """Pick the language: ``?lang=``, then the remembered choice, then the browser, then Dutch."""
    chosen = requested_language() or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The language code of the current request (``nl`` outside a request)."""
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def site_language(code: str | None) -> str:
    """``code`` when the site speaks it, else Dutch: the language of a mail, printout or
    slip for someone whose stored language may be anything (or nothing)."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def text_direction(language: str) -> str:
    """``rtl`` for Arabic, ``ltr`` for the others: the ``dir`` attribute of a page."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def _remember_language(response):
    """Keep an explicit ``?lang=`` choice in a cookie, so the next page speaks it too."""
    chosen = requested_language()
    if chosen and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response


def _template_globals() -> dict:
    """What every template needs to render in the reader's language and direction."""
    if "language" not in g:
        g.language = current_language()
    return {
        "language": g.language,
        "text_direction": text_direction(g.language),
        "languages": LANGUAGES,
    }


def init_app(app: Flask) -> None:
    """Wire Flask-Babel with the portal's locale selector and the template helpers."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=lambda: CITY_TZ.key,
    )
    app.after_request(_remember_language)
    app.context_processor(_template_globals)
