"""The API keys of the form engines that may hold and book through the API.

Apart from the views, so that the rate limits (:mod:`portal.antibot`) can count a form
engine by its key's name without importing the API's pages, which use those limits.
"""

from __future__ import annotations

import hmac
from functools import wraps

from flask import current_app, request

from ..i18n import _
from .errors import ApiError

API_KEY_HEADER = "X-API-Key"


def api_client() -> str | None:
    """The name of the form engine whose key (``X-API-Key``) the request carries, if any.

    Keys come from the ``API_KEYS`` setting (name → key); every key is compared in constant
    time, so the answer's timing tells nothing about how close a guess was.
    """
    given = request.headers.get(API_KEY_HEADER, "").encode("utf-8")
    keys = current_app.config.get("API_KEYS") or {}
    if not given or not isinstance(keys, dict):
        return None
    found = None
    for name, key in keys.items():
        if isinstance(key, str) and key and hmac.compare_digest(given, key.encode("utf-8")):
            found = name
    return found


def api_key_required(view):
    """Refuse the request with a 401 unless it carries a key from ``API_KEYS``."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if api_client() is None:
            raise ApiError(
                401,
                "unauthorized",
                _("Voor deze aanvraag is een geldige API-sleutel nodig (header X-API-Key)."),
            )
        return view(*args, **kwargs)

    return guarded
