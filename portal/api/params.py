"""Reading the API's query parameters strictly, with a clear message for each mistake."""

from __future__ import annotations

import re
from datetime import date

from ..i18n import _
from .errors import ApiError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(args, name: str, default: date | None = None) -> date:
    """A ``YYYY-MM-DD`` parameter; missing (without default) or malformed is a 400."""
    raw = args.get(name)
    if raw is None or raw == "":
        if default is not None:
            return default
        raise ApiError(
            400,
            "missing_parameter",
            _("De parameter %(name)s ontbreekt.", name=name),
            name,
        )
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            400,
            "invalid_date",
            _(
                "De parameter %(name)s moet een datum zijn in de vorm JJJJ-MM-DD, "
                "bijvoorbeeld 2026-03-31.",
                name=name,
            ),
            name,
        ) from None


def parse_persons(args, maximum: int) -> int:
    """The number of persons (default 1), between 1 and the service's maximum."""
    raw = args.get("persons", "1")
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ApiError(
            400,
            "invalid_persons",
            _(
                "Het aantal personen moet een geheel getal van 1 tot %(maximum)s zijn.",
                maximum=maximum,
            ),
            "persons",
        )
    return int(raw)
