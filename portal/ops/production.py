"""What production refuses to start without (``PORTAL_ENV=production``).

A development checkout invents what it lacks and keeps it in ``instance/``: a SQLite
database, a secret key in ``instance/secret_key``, mails as files. On several servers each
machine would invent its own — sessions, manage links and ALTCHA puzzles signed on one
server would be refused by the next — so production needs no local file at all and says
so at start-up instead of writing one. Plain functions, no Flask import: the
configuration calls them before the app exists.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

logger = logging.getLogger(__name__)

PRODUCTION = "production"
# A manage link is an HMAC under the secret key: a short key is a guessable one.
MIN_SECRET_KEY_LENGTH = 32
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


class ProductionSettingsError(RuntimeError):
    """A required production setting is missing or unsafe; the message says which."""


def is_production(config: Mapping) -> bool:
    """Whether ``PORTAL_ENV`` (the ``ENV`` key) says ``production``."""
    return str(config.get("ENV") or "").strip().lower() == PRODUCTION


def production_problems(config: Mapping) -> list[str]:
    """Why this configuration cannot run in production (empty when it can).

    Call it with the configuration as given — before the development defaults fill in
    a database in ``instance/`` or a secret key file.
    """
    problems = []
    secret = config.get("SECRET_KEY")
    if not secret:
        problems.append(
            "PORTAL_SECRET_KEY is not set: every server needs the same key "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"PORTAL_SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        problems.append("PORTAL_DATABASE_URL is not set (PostgreSQL: postgresql://user@host/db)")
    if str(config.get("BASE_URL") or "").rstrip("/") == DEVELOPMENT_BASE_URL:
        problems.append("PORTAL_BASE_URL is not set: links in mails would point to 127.0.0.1")
    if config.get("DEV_MAILBOX"):
        problems.append("PORTAL_DEV_MAILBOX lists mails on the web: never in production")
    return problems


def refuse_incomplete_production(config: Mapping) -> None:
    """Raise :class:`ProductionSettingsError` when ``PORTAL_ENV=production`` lacks a
    required setting; log what only weakens a production setup (it still starts)."""
    if not is_production(config):
        return
    problems = production_problems(config)
    if problems:
        raise ProductionSettingsError("PORTAL_ENV=production, but: " + "; ".join(problems) + ".")
    if not config.get("REDIS_URL"):
        logger.warning("PORTAL_REDIS_URL is not set: rate limits are counted per worker process")
    if config.get("MAIL_BACKEND") == "file":
        logger.warning("PORTAL_MAIL_BACKEND=file writes mails to this machine's disk")
