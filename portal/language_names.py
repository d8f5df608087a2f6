"""A language's name in one of the site's languages, for staff and residents alike.

CLDR (through Babel) names most languages in all eight site languages. Where it does not,
the name is ours and goes through the translation catalogue like any other text, so the
translators keep it with the rest. Codes are BCP 47; codes such as ``inh`` or ``ary`` are
never used as a locale, only looked up.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from flask_babel import force_locale

from .i18n import DEFAULT_LANGUAGE, _, _l, current_language

# CLDR knows Dari as the Persian of Afghanistan.
_CLDR_CODES = {"prs": "fa_AF"}
# Names of our own where CLDR lacks one in some of the site's languages (Moroccan Arabic
# has none in Arabic, Russian or Ukrainian). Written as CLDR writes names: lowercase where
# the language writes language names so inside a sentence (French, Russian, Ukrainian).
_OWN_NAMES = {"ary": _l("Marokkaans Arabisch")}


def speaking(language: str):
    """A context in which ``_()`` translates into ``language`` (a no-op when that is
    already the request's language)."""
    return nullcontext() if language == current_language() else force_locale(language)


@lru_cache(maxsize=32)
def _cldr_names(language: str) -> dict[str, str]:
    """CLDR's language names in ``language`` (empty for a locale Babel does not know)."""
    try:
        return dict(Locale.parse(language).languages)
    except (ValueError, UnknownLocaleError):
        return {}


def capitalised(name: str, language: str) -> str:
    """``name`` with a capital first letter, as a label or list item shows it (CLDR writes
    "tchétchène", "чеченский"); Turkish capitalises a dotted i as İ."""
    if not name or not name[0].islower():
        return name
    first = "İ" if language == "tr" and name[0] == "i" else name[0].upper()
    return first + name[1:]


def language_name(code: str, in_language: str, *, label: bool = True) -> str:
    """The name of the language ``code`` written in ``in_language`` (a site language):
    "Tsjetsjeens" in Dutch, "Tchétchène" in French. ``label=False`` gives the form used
    inside a sentence ("parle tchétchène"). Never the code itself: an unknown code reads
    as "Onbekende taal"."""
    own = _OWN_NAMES.get(code)
    if own is not None:
        with speaking(in_language):
            name = str(own)
    else:
        cldr = _CLDR_CODES.get(code, code)
        name = _cldr_names(in_language).get(cldr) or _cldr_names(DEFAULT_LANGUAGE).get(cldr)
        if not name:
            with speaking(in_language):
                name = _("Onbekende taal")
    return capitalised(name, in_language) if label else name


def is_named(code: str, in_language: str) -> bool:
    """Whether ``code`` has a name of its own in ``in_language`` (ours or CLDR's), not
    a fallback: the tests check this for every language a resident can choose."""
    return code in _OWN_NAMES or bool(_cldr_names(in_language).get(_CLDR_CODES.get(code, code)))
