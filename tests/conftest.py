"""Fixtures: the portal on SQLite and, when ``PORTAL_TEST_DATABASE_URL`` is set, on
PostgreSQL too (each test session in schemas and databases of its own, dropped at the end).

With ``CI=true`` the PostgreSQL run is required: a missing URL or an unreachable server is
an error, never a skip.

Kept quick: the demo city is built once per session and backend and copied for every
portal that needs one (:func:`own_demo_app`); staff passwords are hashed with argon2's
smallest cost; under pytest-xdist (``make test``) each module runs whole on one worker
and the race and load tests one after the other (:func:`pytest_xdist_make_scheduler`).
"""

from __future__ import annotations

import os

import pytest
import time_machine
from sqlalchemy import text

from portal.extensions import db
from tests.databases import (
    DEMO_NOW,
    DEMO_TODAY,
    RUN_ID,
    demo_database,
    drop_templates,
    make_app,
    migrated_database,
    new_database,
    portal_on,
)

# Imported from here by the test modules.
__all__ = ["DEMO_NOW", "DEMO_TODAY", "RUN_ID", "make_app"]

# The tests that fight over connections and cores (races, servers): one after the other.
LOAD_TESTS = "tests/load"


def pytest_configure(config) -> None:
    """Hash staff passwords cheaply (see :func:`_cheap_password_hashes`)."""
    _cheap_password_hashes()


def _cheap_password_hashes() -> None:
    """argon2id with its smallest time and memory cost for every hash the tests make and
    check: the same code and the same kind of hash, without the 0.1–0.2 s per sign-in
    that production spends on purpose."""
    from argon2 import PasswordHasher

    from portal.staff import accounts

    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    accounts._DUMMY_HASH = accounts._hasher.hash("not a password of anyone")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With ``--dist loadgroup`` (``make test``): every module whole on one worker, so that
    module-scoped portals are built once and its tests keep their order, and every test
    of ``tests/load`` on one worker one after the other, so that no two races share the
    cores or PostgreSQL's connections. (xdist's own ``xdist_group`` marks no longer reach
    its scheduler under pytest 9, which builds node ids afresh.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        """xdist's scope scheduling, a scope being a test module or ``tests/load``."""

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return LOAD_TESTS if module.startswith(f"{LOAD_TESTS}/") else module

    return ModuleScheduling(config, log)


def _backends() -> list[str]:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if os.environ.get("CI") == "true" and not url:
        raise pytest.UsageError("CI=true needs PORTAL_TEST_DATABASE_URL (PostgreSQL)")
    return ["sqlite", "postgres"] if url else ["sqlite"]


BACKENDS = _backends()


def _database(backend: str, purpose: str, tmp_path_factory):
    """(url, cleanup) of a new, empty database for ``purpose`` (see
    :func:`tests.databases.new_database`)."""
    return new_database(backend, purpose, tmp_path_factory)


@pytest.fixture(scope="session", autouse=True)
def _drop_templates():
    """At the end of the session, drop this process's template databases."""
    yield
    drop_templates()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """The database kind the test runs on: ``sqlite`` or ``postgres``."""
    return request.param


def own_demo_app(backend: str, tmp_path_factory, purpose: str, **config):
    """The portal with the city's demo data as of :data:`DEMO_NOW` in a database of its
    own (a copy of the session's demo city): the body of a fixture (``yield from``) for
    tests that change the data."""
    url, cleanup = demo_database(backend, purpose, tmp_path_factory)
    app = portal_on(url, **config)
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
    url, cleanup = migrated_database(backend, "scratch", tmp_path_factory)
    app = portal_on(url)
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
