"""The search keywords of a service's texts in one language, as planners edit them: the
words residents search the service by ("paspoort", "trouwen", "id kaart"), kept as one
comma-separated list per language (see :mod:`portal.booking.search` for the matching)."""

from __future__ import annotations

import re

from wtforms import TextAreaField
from wtforms.validators import Length

from ..i18n import _l
from ..plain_text import PlainText

KEYWORDS_LENGTH = 500
# What separates keywords as a planner types them; spaces stay inside one ("id kaart").
_SEPARATORS = re.compile(r"[,;\n]")


def tidy_keywords(value):
    """Search keywords as one comma-separated list: commas, semicolons and line ends all
    separate, spaces inside a keyword are kept single, empty and repeated keywords
    (ignoring case) dropped."""
    if not isinstance(value, str):
        return value
    kept: dict[str, str] = {}
    for part in _SEPARATORS.split(value):
        keyword = " ".join(part.split())
        if keyword:
            kept.setdefault(keyword.casefold(), keyword)
    return ", ".join(kept.values())


def keywords_field(attrs: dict) -> TextAreaField:
    """The keywords field of one language's texts (``attrs``: its language and direction)."""
    return TextAreaField(
        _l("Zoekwoorden"),
        description=_l(
            "Woorden waarmee bewoners deze dienst zoeken, gescheiden door komma's, "
            "bijvoorbeeld: paspoort, reispas, op reis. Woorden uit de naam vinden ze al."
        ),
        validators=[
            Length(
                max=KEYWORDS_LENGTH,
                message=_l("De zoekwoorden mogen samen hoogstens 500 tekens lang zijn."),
            ),
            PlainText(multiline=True, message=_l("Deze tekst bevat tekens die we niet gebruiken.")),
        ],
        filters=[tidy_keywords],
        render_kw={**attrs, "rows": 2},
    )
