"""Reading the API's query parameters strictly, with a clear message for each mistake."""

from __future__ import annotations

import json
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email

from ..booking.forms import PHONE_PATTERN
from ..date_input import read_date, read_moment
from ..i18n import LANGUAGES, _
from ..models.base import MAX_ID
from ..plain_text import has_forbidden_characters
from ..spoken_languages import BY_CODE, OTHER
from .errors import ApiError


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
    day = read_date(raw)
    if day is None:
        raise ApiError(
            400,
            "invalid_date",
            _(
                "De parameter %(name)s moet een datum zijn in de vorm JJJJ-MM-DD, "
                "bijvoorbeeld 2026-03-31.",
                name=name,
            ),
            name,
        )
    return day


def check_language(args) -> None:
    """Refuse a ``lang`` outside the languages the site speaks (absent is fine: then
    Accept-Language decides, else Dutch). The message follows Accept-Language."""
    raw = args.get("lang")
    if raw is not None and raw not in LANGUAGES:
        raise ApiError(
            400,
            "invalid_parameter",
            _(
                "De parameter %(name)s moet een van deze waarden zijn: %(choices)s.",
                name="lang",
                choices=", ".join(LANGUAGES),
            ),
            "lang",
        )


def parse_persons(args, maximum: int) -> int:
    """The number of persons (default 1), between 1 and the service's maximum."""
    raw = args.get("persons", "1")
    persons = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
    check_persons(persons, maximum)
    return persons


# --- JSON bodies of the write half --------------------------------------------------------

MAX_BODY_BYTES = 16_384
_MISSING = object()


def _invalid(name: str, message: str, code: str = "invalid_parameter") -> ApiError:
    return ApiError(400, code, message, name)


def json_body(request, allowed: set[str]) -> dict:
    """The request's JSON object; anything else (no JSON, an array, too big, a member the
    endpoint does not know) is a 400 (413 when too big)."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", _("De aanvraag is te groot."))
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", _("De aanvraag is te groot."))
    try:
        body = json.loads(data) if data.strip() else {}
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise ApiError(
            400, "invalid_body", _("De inhoud van de aanvraag moet een JSON-object zijn.")
        )
    for name in body:
        if name not in allowed:
            shown = name[:64]
            raise _invalid(
                shown, _("De parameter %(name)s is hier onbekend.", name=shown), "unknown_parameter"
            )
    return body


def _missing(name: str) -> ApiError:
    return _invalid(name, _("De parameter %(name)s ontbreekt.", name=name), "missing_parameter")


def body_text(
    body: dict,
    name: str,
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """A text member, trimmed; None when absent, null or empty (a 400 if ``required``).

    Refuses other types, control characters and line separators (line breaks and tabs
    are fine when ``multiline``; see :mod:`portal.plain_text`), text that is not valid
    Unicode and text longer than ``max_length``.
    """
    raw = body.get(name)
    if raw is not None and not isinstance(raw, str):
        raise _invalid(name, _("De parameter %(name)s moet tekst zijn.", name=name), "invalid_type")
    value = (raw or "").strip()
    if not value:
        if required:
            raise _missing(name)
        return None
    if has_forbidden_characters(value, multiline=multiline):
        raise _invalid(
            name,
            _("De parameter %(name)s bevat tekens die niet zijn toegestaan.", name=name),
        )
    if len(value) > max_length:
        raise _invalid(
            name,
            _(
                "De parameter %(name)s mag hoogstens %(maximum)s tekens lang zijn.",
                name=name,
                maximum=max_length,
            ),
            "too_long",
        )
    return value


def body_bool(body: dict, name: str, default: bool = False) -> bool:
    """A true/false member (``default`` when absent or null)."""
    raw = body.get(name)
    if raw is None:
        return default
    if not isinstance(raw, bool):
        raise _invalid(
            name, _("De parameter %(name)s moet true of false zijn.", name=name), "invalid_type"
        )
    return raw


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def body_int_list(body: dict, name: str, *, max_items: int) -> list[int]:
    """A required, non-empty list of ids: whole numbers from 1 that fit the database."""
    raw = body.get(name, _MISSING)
    if raw is _MISSING or raw is None:
        raise _missing(name)
    if not isinstance(raw, list) or not raw or not all(_is_int(item) for item in raw):
        raise _invalid(
            name,
            _("De parameter %(name)s moet een lijst van gehele getallen zijn.", name=name),
            "invalid_type",
        )
    if not all(1 <= item <= MAX_ID for item in raw):
        raise _invalid(name, _("Deze dienst bestaat niet."))
    if len(raw) > max_items:
        raise _invalid(
            name,
            _("Kies hoogstens %(maximum)s diensten tegelijk.", maximum=max_items),
        )
    return raw


def body_persons(body: dict) -> int:
    """The number of persons (default 1), a whole number from 1; the services' own maximum
    is checked by the caller with :func:`check_persons`."""
    raw = body.get("persons")
    if raw is None:
        return 1
    if not _is_int(raw) or raw < 1:
        raise _invalid(
            "persons",
            _("Het aantal personen moet een geheel getal vanaf 1 zijn."),
            "invalid_persons",
        )
    return raw


def check_persons(persons: int, maximum: int) -> None:
    """Refuse more persons than the chosen services allow (as the read API does)."""
    if not 1 <= persons <= maximum:
        raise ApiError(
            400,
            "invalid_persons",
            _(
                "Het aantal personen moet een geheel getal van 1 tot %(maximum)s zijn.",
                maximum=maximum,
            ),
            "persons",
        )


def body_datetime(body: dict, name: str) -> datetime:
    """A required ISO 8601 moment with its offset (``2026-12-08T09:00:00+01:00``), as UTC."""
    raw = body.get(name)
    if raw is None:
        raise _missing(name)
    error = _invalid(
        name,
        _(
            "De parameter %(name)s moet een tijdstip zijn in ISO 8601 met tijdzone, "
            "bijvoorbeeld 2026-12-08T09:00:00+01:00.",
            name=name,
        ),
        "invalid_datetime",
    )
    moment = read_moment(raw) if isinstance(raw, str) and len(raw) >= 16 else None
    if moment is None:
        raise error
    return moment


def body_choice(body: dict, name: str, choices, default: str | None) -> str | None:
    """A member that must be one of ``choices`` (``default`` when absent or null)."""
    raw = body.get(name)
    if raw is None:
        return default
    if not isinstance(raw, str) or raw not in choices:
        raise _invalid(
            name,
            _(
                "De parameter %(name)s moet een van deze waarden zijn: %(choices)s.",
                name=name,
                choices=", ".join(choices),
            ),
        )
    return raw


def body_phone(body: dict, name: str = "phone") -> str | None:
    """An optional phone number as the booking page takes it: 6 to 40 digits, spaces and
    ``+ ( ) - . /``."""
    value = body_text(body, name, max_length=40)
    if value is not None and not PHONE_PATTERN.fullmatch(value):
        raise _invalid(
            name,
            _("Vul een telefoonnummer in met cijfers, zoals 0470 12 34 56."),
            "invalid_phone",
        )
    return value


def body_spoken_language(body: dict) -> tuple[str | None, str | None]:
    """(``spoken_language``, ``spoken_language_other``) as the booking page stores them: a
    code of the counter's list or ``other``, which needs the language's name in words (kept
    only then)."""
    code = body_choice(body, "spoken_language", [*BY_CODE, OTHER], None)
    other = body_text(body, "spoken_language_other", max_length=60)
    if code != OTHER:
        return code, None
    if other is None:
        raise _invalid(
            "spoken_language_other", _("Schrijf welke taal u spreekt."), "missing_parameter"
        )
    return code, other


def body_email(body: dict, name: str = "email") -> str:
    """A required e-mail address, checked for its form only (no DNS), normalised."""
    value = body_text(body, name, max_length=254, required=True)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise _invalid(
            name,
            _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.be."),
            "invalid_email",
        ) from None


def body_date(body: dict, name: str, *, required: bool = True) -> date | None:
    """A ``YYYY-MM-DD`` member (a Brussels date); None when absent and not ``required``."""
    raw = body.get(name)
    if raw is None or raw == "":
        if required:
            raise _missing(name)
        return None
    error = _invalid(
        name,
        _(
            "De parameter %(name)s moet een datum zijn in de vorm JJJJ-MM-DD, "
            "bijvoorbeeld 2026-03-31.",
            name=name,
        ),
        "invalid_date",
    )
    day = read_date(raw) if isinstance(raw, str) else None
    if day is None:
        raise error
    return day


def body_object(body: dict, name: str, allowed: set[str]) -> dict | None:
    """A nested object member, flattened to ``"<name>.<member>"`` keys, so the other
    ``body_*`` readers name the parameter at fault as ``resident.email``; None when absent
    or null. Refuses other types and members the endpoint does not know."""
    raw = body.get(name)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _invalid(
            name, _("De parameter %(name)s moet een JSON-object zijn.", name=name), "invalid_type"
        )
    for member in raw:
        if member not in allowed:
            shown = f"{name}.{str(member)[:64]}"
            raise _invalid(
                shown, _("De parameter %(name)s is hier onbekend.", name=shown), "unknown_parameter"
            )
    return {f"{name}.{member}": value for member, value in raw.items()}
