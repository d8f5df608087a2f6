"""``/healthz`` and ``/readyz``: what a load balancer or systemd asks the portal.

* ``/healthz`` — the process answers. No database, no template, a few bytes: a failing
  database must not make the orchestrator restart healthy web workers.
* ``/readyz`` — this server can serve residents: the database answers ``SELECT 1``, its
  schema is at the migrations' head (a server started before ``flask db upgrade`` ran, or
  one running older code, is taken out of rotation), and Redis answers when
  ``PORTAL_REDIS_URL`` is set. 200 with the checks, or 503 naming the failing one.

Both are JSON, never cached, set no cookie, need no sign-in and carry no personal data
(only the word for each check's state). They are exempt from rate limits and CSRF.
"""

from __future__ import annotations

import logging
from functools import cache

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

logger = logging.getLogger(__name__)

blueprint = Blueprint("ops", __name__)

OK = "ok"
REDIS_TIMEOUT_SECONDS = 1.0


def _answer(body: dict, status: int = 200):
    """A small JSON answer no cache or proxy keeps."""
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/healthz")
def healthz():
    """The process is alive and answers requests (nothing else is checked)."""
    return _answer({"status": OK})


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revision(s) of the migrations in ``directory``: read once per process (the
    code does not change under a running process)."""
    return frozenset(ScriptDirectory(directory).get_heads())


def _migrations_directory() -> str:
    return current_app.extensions["migrate"].directory


def check_database() -> tuple[str, str]:
    """(database state, migrations state): ``ok``, ``unreachable``, ``behind`` or
    ``not migrated``. One short connection of the pool, two tiny queries."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                rows = connection.execute(text("SELECT version_num FROM alembic_version"))
                revisions = frozenset(row[0] for row in rows)
            except SQLAlchemyError:
                return OK, "not migrated"
    except SQLAlchemyError as error:
        logger.warning("readiness: database unreachable (%s)", type(error).__name__)
        return "unreachable", "unknown"
    if revisions != migration_heads(_migrations_directory()):
        return OK, "behind"
    return OK, OK


@cache
def _redis_client(url: str):
    """One client (and connection pool) per URL and process, with short timeouts."""
    import redis

    return redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


def check_redis(url: str | None) -> str:
    """``ok`` when Redis answers PING, ``unreachable`` otherwise, ``not configured``
    without ``PORTAL_REDIS_URL``."""
    if not url:
        return "not configured"
    try:
        _redis_client(url).ping()
    except Exception as error:  # any failure of the client means: not ready
        logger.warning("readiness: redis unreachable (%s)", type(error).__name__)
        return "unreachable"
    return OK


@blueprint.get("/readyz")
def readyz():
    """Whether this server may receive residents: database, schema version, Redis."""
    database, migrations = check_database()
    checks = {
        "database": database,
        "migrations": migrations,
        "redis": check_redis(current_app.config.get("REDIS_URL")),
    }
    ready = all(state in (OK, "not configured") for state in checks.values())
    return _answer(
        {"status": OK if ready else "unavailable", "checks": checks}, 200 if ready else 503
    )
