"""Absolute links that mails, calendar files and pages give to residents.

Mails are also written outside a request (the reminder command), where ``url_for`` has no
host to work with; so these links are built from ``BASE_URL`` and in one place only.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..booking.tokens import manage_token
from ..i18n import LANGUAGES

MANAGE_PATH = "/afspraak/beheer/"
CODE_PATH = "/afspraak/code"


def _base(config: Mapping) -> str:
    return str(config["BASE_URL"]).rstrip("/")


def manage_url(config: Mapping, appointment) -> str:
    """The absolute link where a resident confirms, moves or cancels their visit.

    The token is derived from the visit's nonce and the secret key, so the same link can be
    written again into a reminder or a moved-visit mail without storing it anywhere.
    It opens the site in the language of the mail (``?lang=``, which the site remembers).
    """
    token = manage_token(config["SECRET_KEY"], appointment.manage_nonce)
    return _base(config) + MANAGE_PATH + token + _language(appointment.language)


def code_page_url(config: Mapping) -> str:
    """The absolute address of "manage with a code", short enough to print and to read
    out on the phone (no language: the page follows the reader's)."""
    return _base(config) + CODE_PATH


def book_again_url(config: Mapping, language: str | None = None) -> str:
    """The absolute link to the start page, where a resident books a new visit, in
    ``language`` when given."""
    return _base(config) + "/" + _language(language)


def _language(language: str | None) -> str:
    """``?lang=xx`` for one of the site's languages, else nothing."""
    return f"?lang={language}" if language in LANGUAGES else ""
