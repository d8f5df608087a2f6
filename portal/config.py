"""Configuration defaults, overridden by ``PORTAL_*`` environment variables.

Every Flask or extension key can be set with the ``PORTAL_`` prefix
(``PORTAL_MAIL_SERVER``, ``PORTAL_SLOT_GRID_MINUTES``, …); values are parsed as JSON when
they look like it, so numbers and booleans arrive typed. ``PORTAL_DATABASE_URL`` is the
one alias: it sets ``SQLALCHEMY_DATABASE_URI``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import orjson

from .ops.production import refuse_incomplete_production

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    """Settings a fresh checkout runs with: SQLite in ``instance/``, Dutch, Brussels time."""

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    JSON_SORT_KEYS = False
    # Free times start on this grid, counted from the start of each opening block.
    SLOT_GRID_MINUTES = 15
    # The widest date range the public API computes in one call.
    API_MAX_RANGE_DAYS = 92
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    # Where the city hall is, as mails and calendar files say it.
    CITY_HALL_NAME = "Stadhuis – Centraal Onthaal en Burgerzaken"
    CITY_HALL_ADDRESS = "Grote Markt 1, 9999 Demostad"
    # The number residents without e-mail (or internet) call: on the printout, the
    # "manage with a code" page and the start page. A made-up demo number; set
    # PORTAL_CITY_HALL_PHONE to the city's own ("" hides the sentences that need it).
    CITY_HALL_PHONE = "09 999 00 00"
    # The languages the hall's call display speaks after the page's own, as
    # ``talen=`` would give them (a screen's address can ask for others).
    CALL_DISPLAY_LANGUAGES = "nl,fr,en"
    # How often the waiting room reads itself again, in seconds.
    WAITING_ROOM_REFRESH_SECONDS = 30
    # The address mails link to. Links made outside a request (reminders) need it.
    BASE_URL = "http://127.0.0.1:5000"

    # Booking rules.
    HOLD_MINUTES = 10  # a chosen time is kept this long while the resident finishes
    ACTIVATION_REQUIRED = True  # confirm by the link in a mail before the visit counts
    ACTIVATION_MINUTES = 30  # how long that link works
    MANAGE_CUTOFF_MINUTES = 120  # no moving or cancelling online this close to the visit
    MAX_ACTIVE_PER_EMAIL = 3  # visits one e-mail address may have open at once
    CANCELLED_REOPENS_AFTER_MINUTES = 15  # a cancelled time reopens only after this delay
    REMINDER_HOURS_BEFORE = 24  # the reminder goes out this long before the visit
    # An unused invitation is reminded this many days before its window closes.
    INVITATION_REMINDER_DAYS = 3
    # Contact details of a visit are erased this many days after it (`flask purge`).
    RETENTION_DAYS = 90
    # A closed dossier's contact details, texts and notes are erased this many days after
    # it was closed (`flask purge`): a year, so a clerk can still reopen a case that
    # comes back (a card renewed, a missing document found) without asking everything
    # again; its visits follow RETENTION_DAYS.
    DOSSIER_RETENTION_DAYS = 365
    # The per-client limits (Flask-Limiter syntax). Memory storage counts per process:
    # set PORTAL_REDIS_URL in production so that every worker shares the counts.
    RATELIMIT_HOLD = "10 per minute;40 per hour"
    RATELIMIT_BOOK = "5 per minute;20 per hour"
    # Activation mails sent again or to a corrected address, from the "almost done" page.
    RATELIMIT_ACTIVATION_HELP = "3 per minute;10 per hour"
    # A form engine books for many residents from one server: it is counted per API key.
    RATELIMIT_API = "300 per minute"
    # "Manage with a code" (reference + 6-character code), per client address; on top of
    # it every visit locks after ACCESS_CODE_MAX_FAILURES wrong codes in a row for
    # ACCESS_CODE_LOCK_MINUTES, so that no code can be guessed from many addresses.
    RATELIMIT_MANAGE_CODE = "10 per minute;30 per hour"
    ACCESS_CODE_MAX_FAILURES = 5
    ACCESS_CODE_LOCK_MINUTES = 60
    RATELIMIT_HEADERS_ENABLED = True
    # Browsers' reports of Content-Security-Policy violations (portal/security), per client.
    RATELIMIT_CSP_REPORT = "20 per minute;100 per hour"

    # Security headers (portal/security/headers.py). CSP_DIRECTIVES lays a city's sources
    # over the built-in policy, directive → sources ("" drops one), e.g. the JSON
    # {"img-src": "'self' https://tiles.example"} in PORTAL_CSP_DIRECTIVES.
    CSP_DIRECTIVES: dict = {}
    # Where browsers report violations: None is the portal's own /csp-rapport (logged),
    # a URL an external collector, "" none.
    CSP_REPORT_URI = None
    # Sent when the site is HTTPS (the request, or BASE_URL); "" sends none. No
    # includeSubDomains: other hosts of the city's domain may not be HTTPS yet.
    HSTS_HEADER = "max-age=31536000"

    # The proof-of-work puzzle on submit; the higher, the longer a browser computes.
    ALTCHA_MAX_NUMBER = 50_000
    # Keys of the form engines that may hold and book through the API (name → key).
    API_KEYS: dict = {}
    # The clients of API_KEYS (by name) that may also invite residents to follow-up visits
    # (POST /api/v1/invitations): the city's case software, never a form engine.
    # PORTAL_API_INVITE_CLIENTS='["zaaksysteem"]' (a comma-separated text works too).
    API_INVITE_CLIENTS: list = []

    # Mail. "smtp" delivers to MAIL_SERVER; "file" keeps each mail as a .eml file in
    # MAIL_DIRECTORY (what `make run` uses, so a developer can read them).
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_TIMEOUT_SECONDS = 10
    MAIL_DEFAULT_SENDER = "Stadhuis op afspraak <afspraken@demostad.example>"
    MAIL_DIRECTORY = None  # default: instance/mail
    # List the mail files at /dev/mail (only with MAIL_BACKEND "file"; `make run` sets it).
    DEV_MAILBOX = False
    # Deliver the mails a request wrote soon after its response, from a background thread
    # of each process (never the request's), besides the CLI worker `send-mail`.
    MAIL_SEND_AFTER_REQUEST = True
    # Notifications that thread keeps waiting; when a hanging mail server fills them, more
    # are dropped and their mails wait in the outbox for `send-mail` (nothing is lost).
    MAIL_QUEUE_SIZE = 100
    OUTBOX_MAX_ATTEMPTS = 20  # then the mail is marked failed (and stays for a person)

    # While the database cannot be reached, pages and the API answer 503 with this
    # Retry-After (seconds).
    UNAVAILABLE_RETRY_AFTER_SECONDS = 30

    # Staff sign-in. Wrong passwords lock an account for a while; an idle session ends.
    STAFF_MAX_FAILED_SIGN_INS = 5
    STAFF_LOCK_MINUTES = 15
    STAFF_IDLE_MINUTES = 30
    # Per client address, on top of the per-account lock.
    RATELIMIT_SIGN_IN = "10 per minute;50 per hour"
    # "Forgot your password?" and the page its link opens, per client address; on top of
    # it one person gets at most PASSWORD_RESET_MAX_PER_HOUR mails an hour.
    RATELIMIT_PASSWORD_RESET = "5 per minute;20 per hour"  # noqa: S105 - a rate, not a secret
    PASSWORD_RESET_MAX_PER_HOUR = 3
    # How long a mailed link to set a password works: a forgotten one, and a new
    # account's first (a new colleague may read their mail only the next day).
    PASSWORD_RESET_MINUTES = 30
    ACCOUNT_WELCOME_HOURS = 72
    # The session cookie is only sent over HTTPS when the portal is served over HTTPS
    # (derived from BASE_URL unless set explicitly).
    SESSION_COOKIE_SECURE = None

    # Running it (portal/ops): "production" (PORTAL_ENV) refuses to start without a shared
    # secret key, a database URL and a real BASE_URL instead of inventing them in
    # instance/; TRUSTED_PROXIES is how many reverse proxies stand in front (ProxyFix).
    ENV = "development"
    TRUSTED_PROXIES = 0


def normalise_database_url(url: str) -> str:
    """Point plain ``postgres://`` and ``postgresql://`` URLs at psycopg 3.

    Hosting panels hand out ``postgres://…``; SQLAlchemy would look for psycopg2, which
    the portal does not install.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict:
    """Engine options that suit the database: pre-ping pooled PostgreSQL connections, and
    JSON columns read by orjson (the statistics read a year of rolled-up days as JSON,
    four times faster than the standard library parses it)."""
    options: dict = {"json_deserializer": orjson.loads}
    if url.startswith("postgresql"):
        options["pool_pre_ping"] = True
    return options


def load_secret_key(instance_path: Path) -> str:
    """Return a stable secret key for development, kept in ``instance/secret_key``.

    Production sets ``PORTAL_SECRET_KEY`` (with ``PORTAL_ENV=production`` it refuses to
    start without it, so no server writes a key of its own); a fresh checkout should
    still start without anyone inventing a key, and keep its sessions across restarts.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def apply(app, overrides: dict | None) -> None:
    """Fill ``app.config``: defaults, then ``PORTAL_*`` variables, then explicit overrides."""
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("PORTAL")
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config.pop("DATABASE_URL")
    if overrides:
        app.config.update(overrides)
    refuse_incomplete_production(app.config)  # before anything is invented in instance/
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portal.sqlite3'}"
    url = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(url))
    if not app.config.get("MAIL_DIRECTORY"):
        app.config["MAIL_DIRECTORY"] = str(instance / "mail")
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = str(app.config["BASE_URL"]).startswith("https:")
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("PORTAL_SECRET_KEY") or load_secret_key(instance)
