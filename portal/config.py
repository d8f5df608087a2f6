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
    """Engine options that suit the database: pre-ping pooled PostgreSQL connections."""
    if url.startswith("postgresql"):
        return {"pool_pre_ping": True}
    return {}


def load_secret_key(instance_path: Path) -> str:
    """Return a stable secret key for development, kept in ``instance/secret_key``.

    Production sets ``PORTAL_SECRET_KEY``; a fresh checkout should still start without
    anyone inventing a key, and keep its sessions across restarts.
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
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portal.sqlite3'}"
    url = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(url))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("PORTAL_SECRET_KEY") or load_secret_key(
            instance
        )
