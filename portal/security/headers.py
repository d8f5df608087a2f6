"""The security headers of every response: Content-Security-Policy with a per-request
nonce, HSTS over HTTPS, nosniff, no framing, a referrer policy and a permissions policy.

One ``after_request`` hook sets them, so pages, the API, static files, error pages and
redirects all carry them (Flask runs the hook for error handlers' answers too). A view may
set a header itself; the hook never overwrites one that is already there.

Why the policy is what it is:

* ``script-src 'self' 'nonce-…'``: every script of the portal is a file under ``static/``
  (the vendored calendar, the ALTCHA widget and its glue, the call display, show-when.js,
  …), so ``'self'`` lets them run; there is no inline script and no inline event handler.
  The nonce (``csp_nonce()`` in templates) is on every ``<script>`` tag anyway, so an
  inline script that must exist one day needs no change to the policy, and a page cached
  with an old nonce still loads its files through ``'self'``. Never ``'unsafe-inline'``
  or ``'unsafe-eval'``: neither bundle evaluates strings or needs WebAssembly.
* ``style-src 'self'``: no template has a ``style`` attribute or a ``<style>`` block (the
  mail templates have them, but mails are not pages). The calendar writes its positions
  through the CSSOM (``element.style``), which a policy does not restrict, and ALTCHA's
  "external" build injects no ``<style>``: its CSS is ``static/vendor/altcha/altcha.css``.
* ``img-src 'self'``: the QR code on the manage page and the printout is inline SVG, so no
  ``data:`` images are needed.
* ``worker-src 'self'``: ALTCHA computes its proof of work in ``workers/sha.js`` next to
  the widget, a same-origin file, never a ``blob:``.
* ``connect-src 'self'``: the puzzle, the calendar's feed and moves, the call display's
  polling all go to the portal itself.
* ``frame-ancestors 'none'`` with ``X-Frame-Options: DENY`` for older browsers;
  ``form-action 'self'``, ``base-uri 'self'``, ``object-src 'none'``.

A city that needs more (a map tile server, its own statistics) adds sources with
``PORTAL_CSP_DIRECTIVES`` (see ``portal/config.py``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import lru_cache

from flask import Flask, Response, current_app, has_request_context, request

# The policy before the city's additions, directive → sources. ``{nonce}`` becomes the
# request's nonce.
BASE_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-{nonce}'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "frame-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}

# Powerful browser features the portal never uses, denied to the page and to anything it
# might embed. Reception finds a visit by its QR code with a scanner that types into the
# search field like a keyboard, not with a camera, so the camera is denied too.
# Only names Chromium knows: an unknown one makes the browser log an error on every page.
DENIED_FEATURES = (
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)

# Outside the secret-link pages: other sites learn the portal's origin, never a path.
REFERRER_POLICY = "strict-origin-when-cross-origin"
# Pages whose address carries a secret (the manage link, an invitation, the staff calendar
# feed: a ``token`` in the URL rule): the full address goes only to the portal itself.
# Not "no-referrer": Flask-WTF refuses a form posted over HTTPS without a Referer, and the
# manage page's forms (move, cancel) must keep working.
PRIVATE_LINK_REFERRER_POLICY = "same-origin"
NONCE_KEY = "portal.csp_nonce"
# The portal's own violation report endpoint (portal/security/reports.py).
REPORT_PATH = "/csp-rapport"


def csp_nonce() -> str:
    """The nonce of this request's policy, for ``<script nonce="{{ csp_nonce() }}">``.

    Made on first use and kept for the request; outside a request (a mail rendered by the
    worker) there is no policy, so the answer is empty.
    """
    if not has_request_context():
        return ""
    # Kept in the WSGI environ, not in ``g``: a test that holds an app context shares
    # one ``g`` between its requests, and each request needs its own nonce.
    nonce = request.environ.get(NONCE_KEY)
    if nonce is None:
        nonce = request.environ[NONCE_KEY] = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(config: Mapping, nonce: str, report_uri: str | None) -> str:
    """The Content-Security-Policy value: :data:`BASE_POLICY` with the city's
    ``CSP_DIRECTIVES`` laid over it (a directive set to ``""`` is dropped), the nonce
    filled in, and ``report-uri`` when reports are collected."""
    additions = tuple(
        (str(name), str(sources)) for name, sources in (config.get("CSP_DIRECTIVES") or {}).items()
    )
    return _policy_template(additions, report_uri).replace("{nonce}", nonce)


@lru_cache(maxsize=32)
def _policy_template(additions: tuple, report_uri: str | None) -> str:
    """The policy with ``{nonce}`` still in it; made once per configuration, as every
    response needs it."""
    directives = dict(BASE_POLICY)
    for name, sources in additions:
        directives[name.strip().lower()] = sources.strip()
    if report_uri:
        directives["report-uri"] = report_uri
    return "; ".join(f"{name} {sources}" for name, sources in directives.items() if sources)


def _report_uri(config: Mapping) -> str | None:
    """Where browsers send violation reports: ``CSP_REPORT_URI``, else the portal's own
    endpoint (``""`` sends none)."""
    configured = config.get("CSP_REPORT_URI")
    if configured is not None:
        return configured or None
    return REPORT_PATH


def _served_over_https(config: Mapping) -> bool:
    """Whether this site is HTTPS: the request came in so (ProxyFix sets the scheme behind
    a proxy), or BASE_URL says so."""
    return request.is_secure or str(config.get("BASE_URL", "")).startswith("https:")


def _carries_a_secret() -> bool:
    """Whether the page's address holds a secret link token."""
    return bool(request.view_args and "token" in request.view_args)


def add_security_headers(response: Response) -> Response:
    """Set every security header on ``response`` that it does not have yet.

    Runs on every response, so it looks the present names up once and appends
    (``Headers.setdefault`` would scan the list, and raise and catch, for each header).
    """
    config = current_app.config
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    wanted = {
        "Content-Security-Policy": content_security_policy(
            config, csp_nonce(), _report_uri(config)
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": (
            PRIVATE_LINK_REFERRER_POLICY if _carries_a_secret() else REFERRER_POLICY
        ),
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    hsts = config.get("HSTS_HEADER")
    if hsts and _served_over_https(config):
        wanted["Strict-Transport-Security"] = hsts
    for name, value in wanted.items():
        if name.lower() not in present:
            headers.add(name, value)
    return response


def init_security_headers(app: Flask) -> None:
    """Add the headers to every response of ``app`` and ``csp_nonce()`` to its templates."""
    app.after_request(add_security_headers)
    app.add_template_global(csp_nonce, "csp_nonce")
