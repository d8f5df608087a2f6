"""``/healthz`` and ``/readyz``: alive, and ready for residents (database reachable, schema
at the migrations' head, Redis answering when configured); small, uncached, cookie-free
JSON without sign-in, and a 503 naming the check that failed."""

from __future__ import annotations

import os
import socket

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from portal.ops.health import migration_heads
from tests.conftest import _database, make_app

UNREACHABLE_POSTGRES = "postgresql+psycopg://portal@127.0.0.1:1/nowhere"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def _bare_app(url: str, **config):
    """The portal on ``url`` without migrating it (the database may not even exist)."""
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret", **config}
    )


def _assert_plain_probe(response) -> None:
    """What every health answer shares: JSON, never cached, no cookie of any kind."""
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_without_asking_the_database():
    app = _bare_app(UNREACHABLE_POSTGRES)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    _assert_plain_probe(response)
    assert len(response.data) < 40


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not configured"},
    }
    _assert_plain_probe(response)


def test_probes_need_no_sign_in_and_refuse_other_methods(client):
    assert client.get("/readyz", headers={"Accept": "text/html"}).status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_readyz_is_unavailable_on_a_database_behind_the_code(backend, tmp_path_factory):
    url, cleanup = _database(backend, "behind", tmp_path_factory)
    app = make_app(url)
    try:
        with app.app_context():
            directory = app.extensions["migrate"].directory
            head = ScriptDirectory(directory).get_revision(next(iter(migration_heads(directory))))
            stamp(revision=head.down_revision)  # as if the newest migration never ran
            db.session.remove()
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.json["status"] == "unavailable"
        assert response.json["checks"]["database"] == "ok"
        assert response.json["checks"]["migrations"] == "behind"
        _assert_plain_probe(response)
    finally:
        with app.app_context():
            db.engine.dispose()
        cleanup()


def test_readyz_is_unavailable_on_a_database_never_migrated(tmp_path):
    app = _bare_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {
        "database": "ok",
        "migrations": "not migrated",
        "redis": "not configured",
    }


def test_readyz_is_unavailable_when_the_database_is_unreachable():
    app = _bare_app(UNREACHABLE_POSTGRES)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "unreachable"
    assert response.json["checks"]["migrations"] == "unknown"
    _assert_plain_probe(response)
    assert b"portal@" not in response.data  # nothing of the connection's details


def test_readyz_is_unavailable_when_redis_does_not_answer(app):
    # The rate limits keep counting in memory; only the readiness check asks that Redis.
    app.config["REDIS_URL"] = UNREACHABLE_REDIS
    try:
        response = app.test_client().get("/readyz")
    finally:
        app.config.pop("REDIS_URL")
    assert response.status_code == 503
    assert response.json["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "redis": "unreachable",
    }


def _local_redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_readyz_asks_redis_when_configured(app):
    if not _local_redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs Redis on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    try:
        response = app.test_client().get("/readyz")
    finally:
        app.config.pop("REDIS_URL")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["redis"] == "ok"


def test_the_head_is_read_once_per_process(app, client):
    directory = app.extensions["migrate"].directory
    migration_heads(directory)
    before = migration_heads.cache_info()
    for _ in range(3):
        assert client.get("/readyz").status_code == 200
    after = migration_heads.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 3
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    assert migration_heads(directory) == {revision}
