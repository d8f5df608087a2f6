"""The reverse proxies in front of the portal: ``PORTAL_TRUSTED_PROXIES``.

Behind nginx every request comes from nginx's address. Werkzeug's ``ProxyFix`` takes the
client's address, scheme and host from the ``X-Forwarded-*`` headers — but only the
last ``TRUSTED_PROXIES`` values, the ones the city's own proxies wrote; anything a client
put before them is ignored. With 0 (the default) no forwarded header is read, so a
portal reached directly cannot be fooled into counting rate limits per a made-up address.
gunicorn is configured to read none of these headers itself (``gunicorn.conf.py``): the
app is the one place that decides whom to believe.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trusted_proxy_count(config) -> int:
    """How many proxies stand in front of the portal (``TRUSTED_PROXIES``, at least 0)."""
    value = config.get("TRUSTED_PROXIES") or 0
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"PORTAL_TRUSTED_PROXIES must be a whole number, not {value!r}") from None
    if count < 0:
        raise ValueError("PORTAL_TRUSTED_PROXIES cannot be negative")
    return count


def apply_proxy_fix(app: Flask) -> None:
    """Wrap the WSGI app in ``ProxyFix`` for ``X-Forwarded-For``, ``-Proto`` and ``-Host``
    when proxies are trusted; leave it untouched otherwise."""
    count = trusted_proxy_count(app.config)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
