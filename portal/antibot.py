"""Keeping bots and slot traders out of the resident booking flow.

Two defences, wired by :func:`init_antibot`:

* a proof-of-work puzzle (ALTCHA, self-hosted): the browser fetches a signed challenge from
  ``GET /altcha/challenge``, its widget (``static/vendor/altcha/``) finds the answer, and the
  form carries it to the server, which checks it with :func:`verify_altcha` — once;
* per-client rate limits (Flask-Limiter) on holding and booking: :data:`hold_limit` and
  :data:`book_limit`, answered with a translated 429 page (or JSON under ``/api/``).

The puzzle format is ALTCHA's "v2" (``{"parameters": …, "signature": …}``), which both the
vendored widget 3.x and the ``altcha`` Python library 2.3 speak. It is issued in ALTCHA's
deterministic mode: the server picks a secret counter up to ``ALTCHA_MAX_NUMBER`` and the
browser must find exactly that one, so the setting keeps its old meaning (the higher, the
longer a browser computes; on average half of it SHA-256 hashes).

The client key of the limits is the connection's address (an IPv6 address counts by its /64,
which one household gets). Behind a reverse proxy every request seems to come from the proxy:
the city then sets ``PORTAL_TRUSTED_PROXIES`` to the exact number of proxies in front of it
(:mod:`portal.ops.proxy` applies ``ProxyFix``), so that ``request.remote_addr`` is the
resident's address.
``X-Forwarded-For`` is never read here: anyone can write that header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import math
import secrets
import time
from datetime import UTC, datetime, timedelta

import altcha
from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_limiter import Limiter, RateLimitExceeded
from markupsafe import escape
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests

from .api.errors import error_response
from .api.keys import api_client
from .i18n import _, current_language, ngettext
from .models.security import SpentChallenge
from .timeutil import utcnow

__all__ = [
    "ALTCHA_ALGORITHM",
    "CHALLENGE_LIFETIME",
    "MAX_PAYLOAD_CHARS",
    "activation_help_limit",
    "altcha_hmac_key",
    "blueprint",
    "book_limit",
    "client_address",
    "hold_limit",
    "init_antibot",
    "limiter",
    "new_challenge",
    "purge_spent_challenges",
    "verify_altcha",
    "widget_context",
    "widget_strings",
]

logger = logging.getLogger(__name__)

ALTCHA_ALGORITHM = "SHA-256"  # the only worker the page loads (static/vendor/altcha/workers)
CHALLENGE_LIFETIME = timedelta(minutes=10)
# A genuine payload is about 600 characters; anything much longer is not worth decoding.
MAX_PAYLOAD_CHARS = 4096
_HIGHEST_COUNTER = 0xFFFFFFFF  # the widget writes the counter as an unsigned 32-bit integer

blueprint = Blueprint("antibot", __name__)


# --- The proof-of-work puzzle ------------------------------------------------------------


def altcha_hmac_key(secret_key: str | bytes) -> str:
    """The key that signs puzzles: HMAC-SHA256(secret key, "altcha"), in hex.

    Derived rather than the secret key itself, so that a leak of one never is a leak of the
    other, and changing the app's secret key invalidates open puzzles too.
    """
    key = secret_key.encode() if isinstance(secret_key, str) else bytes(secret_key)
    return hmac.new(key, b"altcha", hashlib.sha256).hexdigest()


def _app_hmac_key() -> str:
    return altcha_hmac_key(current_app.config["SECRET_KEY"])


def new_challenge(hmac_key: str, max_number: int, now: datetime) -> dict:
    """A fresh signed puzzle as the widget expects it: ``{"parameters": …, "signature": …}``.

    The answer is a random counter in ``0 … max_number``; the puzzle expires
    :data:`CHALLENGE_LIFETIME` after ``now`` (an aware datetime).
    """
    max_number = min(max(int(max_number), 1), _HIGHEST_COUNTER)
    challenge = altcha.create_challenge(
        ALTCHA_ALGORITHM,
        1,  # one hash per attempt: the work is the number of attempts
        counter=secrets.randbelow(max_number + 1),
        expires_at=int((now + CHALLENGE_LIFETIME).timestamp()),
        hmac_secret=hmac_key,
    )
    return challenge.to_dict()


@blueprint.get("/altcha/challenge")
def challenge():
    """A new puzzle for the widget, never cached (each one can be used only once)."""
    body = new_challenge(_app_hmac_key(), current_app.config["ALTCHA_MAX_NUMBER"], utcnow())
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _solved_challenge(payload: object, now: datetime, hmac_key: str) -> tuple[str, datetime]:
    """(signature, expiry) of the puzzle ``payload`` solves; ValueError when it does not."""
    if not isinstance(payload, str) or not payload or len(payload) > MAX_PAYLOAD_CHARS:
        raise ValueError("no payload, or not a plausible one")
    data = json.loads(base64.b64decode(payload.encode("ascii"), validate=True))
    if not isinstance(data, dict) or data.get("test"):
        raise ValueError("not a payload")  # the widget's test mode sends {"test": true}
    parsed = altcha.Payload.from_dict(data)
    parameters = parsed.challenge.parameters
    signature = parsed.challenge.signature
    expires_at = parameters.expires_at
    if not isinstance(signature, str) or type(expires_at) is not int:
        raise ValueError("unsigned or without expiry")
    if parameters.algorithm != ALTCHA_ALGORITHM:
        raise ValueError("not a puzzle of ours")
    if expires_at <= now.timestamp():
        raise ValueError("expired")
    # Checks the signature, then recomputes the one hash of the claimed answer. The library
    # also refuses puzzles that expired by the real clock.
    result = altcha.verify_solution(parsed, hmac_key)
    if not result.verified:
        raise ValueError("forged, expired or wrong")
    return signature.lower(), datetime.fromtimestamp(expires_at, UTC)


def _spend(session: Session, signature: str, expires_at: datetime) -> bool:
    """Record the puzzle as used; False if it already was (a replay)."""
    session.flush()  # the caller's own pending rows fail here, not as a "replay" below
    if session.get(SpentChallenge, signature) is not None:
        return False
    try:
        # A savepoint: a replay racing this request fails here alone, not the caller's
        # transaction. The primary key is what refuses the second use.
        with session.begin_nested():
            session.add(SpentChallenge(signature=signature, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def verify_altcha(
    session: Session, payload: str | None, now: datetime, *, hmac_key: str | None = None
) -> bool:
    """True once for a genuine, unexpired, solved puzzle; False for anything else.

    False for a missing, garbled, forged, expired, wrong or already used payload; it never
    raises whatever the input (a failing database does raise). On success the puzzle is
    recorded as spent (inside a savepoint of ``session``, flushed, committed with the
    caller's transaction), so the same payload is refused the next time. ``now`` is the
    current time (aware); ``hmac_key`` defaults to the one derived from the app's secret key.

    Whether a *missing* payload may still book (pending until the e-mail link is used) is
    the caller's policy: tell it apart with ``payload is None`` or an empty string.
    """
    try:
        key = hmac_key or _app_hmac_key()
        signature, expires_at = _solved_challenge(payload, now, key)
    except Exception as error:  # any malformed input is a refusal, never an error page
        logger.info("altcha payload refused: %s", type(error).__name__)
        return False
    return _spend(session, signature, expires_at)


def purge_spent_challenges(session: Session, now: datetime) -> int:
    """Forget the used puzzles that have expired anyway; returns how many were removed."""
    result = session.execute(delete(SpentChallenge).where(SpentChallenge.expires_at <= now))
    return result.rowcount or 0


def widget_strings() -> dict[str, str]:
    """The widget's texts in the reader's language, keyed as altcha 3.x's i18n expects."""
    link_label = _("ALTCHA (officiële website)")
    link = (
        '<a href="https://altcha.org/" target="_blank" rel="noopener" tabindex="-1" '
        f'aria-label="{escape(link_label)}">ALTCHA</a>'
    )
    return {
        "ariaLinkLabel": link_label,
        "error": _("De controle is mislukt. Probeer het later opnieuw."),
        "expired": _("De controle is verlopen. Probeer het opnieuw."),
        "footer": _("Beveiligd door %(link)s", link=link),
        "label": _("Ik ben geen robot"),
        "loading": _("Bezig met laden…"),
        "reload": _("Opnieuw laden"),
        "verify": _("Controleren"),
        "verificationRequired": _("Bevestig eerst dat u geen robot bent."),
        "verified": _("Gecontroleerd"),
        "verifying": _("Bezig met controleren…"),
        "waitAlert": _("Bezig met controleren… even geduld."),
    }


def widget_context() -> dict:
    """What the ``altcha_widget`` macro needs: language and translated texts of the widget."""
    return {"language": current_language(), "strings": widget_strings()}


# --- Rate limits -------------------------------------------------------------------------


def client_address() -> str:
    """The rate-limit key: the connection's address (an IPv6 address by its /64 network).

    Only ``request.remote_addr``; behind a proxy, configure ``ProxyFix`` (see the module
    docstring) instead of trusting ``X-Forwarded-For`` here.
    """
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


limiter = Limiter(key_func=client_address, default_limits=[])


@limiter.request_filter
def _limits_switched_off() -> bool:
    """``RATELIMIT_ENABLED = False`` exempts every request of that app, read per request."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


# Shared scopes: the resident pages and the API count together, per client.
hold_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_HOLD"], scope="hold", methods=["POST"]
)
book_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_BOOK"], scope="book", methods=["POST"]
)
# Sending an activation mail again or to a corrected address (the "almost done" page).
activation_help_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_ACTIVATION_HELP"],
    scope="activation-help",
    methods=["POST"],
)


def _api_client_key() -> str:
    """A form engine is counted by its API key's name: it books for the whole city from
    one address. Requests without a valid key count per address."""
    name = api_client()
    return f"api-client:{name}" if name else client_address()


api_write_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_API"],
    scope="api-write",
    methods=["POST"],
    key_func=_api_client_key,
)


def _retry_after_seconds(error: TooManyRequests) -> int:
    """Seconds until the breached limit lets this client in again (at least 1)."""
    try:
        current = limiter.current_limit
        if current is not None and current.breached:
            reset_at = current.window[0]  # (reset time, remaining) of the breached window
            return max(1, math.ceil(reset_at - time.time()))
        if isinstance(error, RateLimitExceeded):
            return max(1, int(error.limit.limit.get_expiry()))
    except Exception:  # storage gone: a guess is better than a 500 on the error page
        logger.warning("could not read the rate limit window", exc_info=True)
    return 60


def too_many_requests(error: TooManyRequests):
    """The 429 answer: a page in the reader's language, or JSON under ``/api/``."""
    seconds = _retry_after_seconds(error)
    minutes = max(1, math.ceil(seconds / 60))
    retry = ngettext(
        "Probeer het over %(num)d minuut opnieuw.",
        "Probeer het over %(num)d minuten opnieuw.",
        minutes,
    )
    if request.path.startswith("/api/"):
        message = _("Te veel aanvragen van deze verbinding.") + " " + retry
        response = make_response(error_response(429, "rate_limited", message))
    else:
        page = render_template("errors/429.html", retry=retry, minutes=minutes)
        response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_antibot(app: Flask) -> None:
    """Wire rate limits, the puzzle endpoint, the widget's template helper and the 429 page.

    Storage comes from ``RATELIMIT_STORAGE_URI`` (Redis when ``PORTAL_REDIS_URL`` is set,
    else per-process memory). ``RATELIMIT_ENABLED = False`` switches the limits off for
    this app, also when changed at run time (tests).
    """
    # Flask-Limiter copies RATELIMIT_ENABLED into the one, shared limiter object at
    # init_app: with a module-level limiter and several apps (tests), one app created with
    # False would switch off every app's limits. So the extension is always initialised,
    # and _limits_switched_off reads the flag per app and per request instead.
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True
    # A broken Redis should not stop residents booking: count in memory meanwhile.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    try:
        limiter.init_app(app)
    finally:
        app.config["RATELIMIT_ENABLED"] = enabled
    app.register_blueprint(blueprint)
    app.register_error_handler(429, too_many_requests)
    app.add_template_global(widget_context, "altcha_widget_context")
