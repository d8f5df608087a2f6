"""Fixtures: the portal on SQLite and, when ``PORTAL_TEST_DATABASE_URL`` is set, on
PostgreSQL too (each test session in schemas of its own, dropped at the end).

With ``CI=true`` the PostgreSQL run is required: a missing URL or an unreachable server is
an error, never a skip.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, time

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from portal import create_app
from portal.config import normalise_database_url
from portal.extensions import db
from portal.timeutil import local_datetime

# A Monday. The demo's eight weeks from it hold Christmas (Friday), 26 December (a city
# day, on a Saturday) and New Year's Day.
DEMO_TODAY = date(2026, 12, 7)
DEMO_NOW = local_datetime(DEMO_TODAY, time(7, 30))
RUN_ID = secrets.token_hex(3)


def _backends() -> list[str]:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if os.environ.get("CI") == "true" and not url:
        raise pytest.UsageError("CI=true needs PORTAL_TEST_DATABASE_URL (PostgreSQL)")
    return ["sqlite", "postgres"] if url else ["sqlite"]


BACKENDS = _backends()


def _postgres_url(schema: str) -> str:
    """A URL whose connections use a fresh schema of their own in the test database."""
    base = normalise_database_url(os.environ["PORTAL_TEST_DATABASE_URL"])
    engine = create_engine(base)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    finally:
        engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def _drop_postgres_schema(schema: str) -> None:
    engine = create_engine(normalise_database_url(os.environ["PORTAL_TEST_DATABASE_URL"]))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def _database(backend: str, purpose: str, tmp_path_factory):
    """(url, cleanup) of a new, empty database for ``purpose``."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp(purpose) / "portal.sqlite3"
        return f"sqlite:///{path}", lambda: None
    schema = f"portal_test_{RUN_ID}_{purpose}"
    return _postgres_url(schema), lambda: _drop_postgres_schema(schema)


def make_app(url: str, **config):
    """The portal on ``url``, migrated to the newest schema like a real installation."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret", **config}
    )
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """The database kind the test runs on: ``sqlite`` or ``postgres``."""
    return request.param


def own_demo_app(backend: str, tmp_path_factory, purpose: str, **config):
    """The portal with the city's demo data as of :data:`DEMO_NOW` in a database of its
    own: the body of a fixture (``yield from``) for tests that change the data."""
    from portal.demo import load_demo

    url, cleanup = _database(backend, purpose, tmp_path_factory)
    app = make_app(url, **config)
    with app.app_context():
        load_demo(db.session, DEMO_TODAY, DEMO_NOW)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()
    cleanup()


@pytest.fixture(scope="session")
def demo_app(backend, tmp_path_factory):
    """The portal with the city's demo data as of :data:`DEMO_NOW`. Read-only: a test that
    changes it must undo its change."""
    yield from own_demo_app(backend, tmp_path_factory, "demo")


@pytest.fixture
def frozen_clock():
    """The clock stands still at :data:`DEMO_NOW` (Monday 7 December 2026, 07:30)."""
    with time_machine.travel(DEMO_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def demo_client(demo_app, frozen_clock):
    """A test client of the demo portal, at :data:`DEMO_NOW`."""
    return demo_app.test_client()


@pytest.fixture(scope="session")
def _empty_app(backend, tmp_path_factory):
    url, cleanup = _database(backend, "scratch", tmp_path_factory)
    app = make_app(url)
    yield app
    with app.app_context():
        db.engine.dispose()
    cleanup()


@pytest.fixture
def app(_empty_app):
    """The portal on an empty, migrated database, inside an app context; every table is
    emptied after the test."""
    with _empty_app.app_context():
        yield _empty_app
        db.session.rollback()
        empty_all_tables(db.session)
        db.session.remove()


def empty_all_tables(session) -> None:
    """Delete every row, lifting the audit trail's append-only triggers for the moment."""
    from portal.models.audit import APPEND_ONLY_DDL, DROP_APPEND_ONLY_DDL

    dialect = session.get_bind().dialect.name
    for statement in DROP_APPEND_ONLY_DDL[dialect]:
        session.execute(text(statement))
    for table in reversed(db.metadata.sorted_tables):
        session.execute(table.delete())
    for statement in APPEND_ONLY_DDL[dialect]:
        session.execute(text(statement))
    session.commit()


@pytest.fixture
def client(app):
    """A test client of the empty portal."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the portal's ``flask`` commands."""
    return app.test_cli_runner()
