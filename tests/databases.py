"""The tests' databases: new ones, empty or migrated, and copies of the demo city.

One module (imported as ``tests.databases`` by ``conftest.py`` and by test modules alike,
where ``conftest.py`` itself is loaded twice: once by pytest, once as ``tests.conftest``),
so that the templates below are built once per process and dropped at its end.

On PostgreSQL an empty database is a schema of its own in the test database; a migrated
or demo database is a database of its own, copied from a template (``CREATE DATABASE …
TEMPLATE``). On SQLite a copy is made with SQLite's backup API. A copy takes tens of
milliseconds where migrating takes a second and building the demo city several.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from datetime import date, time

from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from portal import create_app
from portal.config import normalise_database_url
from portal.extensions import db
from portal.timeutil import local_datetime

# A Monday. The demo's eight weeks from it hold Christmas (Friday), 26 December (a city
# day, on a Saturday) and New Year's Day.
DEMO_TODAY = date(2026, 12, 7)
DEMO_NOW = local_datetime(DEMO_TODAY, time(7, 30))
# Each process draws its own, so pytest-xdist's workers never share a schema or database.
RUN_ID = secrets.token_hex(3)

# (backend, "migrated" or "demo") → the URL of this process's template: built once, never
# served, the source of every copy.
_templates: dict[tuple[str, str], str] = {}


def portal_on(url: str, **config):
    """The portal on ``url`` as the tests configure it (the database as it is)."""
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret", **config}
    )


def make_app(url: str, **config):
    """The portal on ``url``, migrated to the newest schema like a real installation."""
    app = portal_on(url, **config)
    with app.app_context():
        upgrade()
    return app


def new_database(backend: str, purpose: str, tmp_path_factory):
    """(url, cleanup) of a new, empty database for ``purpose``."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp(purpose) / "portal.sqlite3"
        return f"sqlite:///{path}", lambda: None
    schema = f"portal_test_{RUN_ID}_{purpose}"
    return _postgres_schema_url(schema), lambda: _drop_postgres_schema(schema)


def migrated_database(backend: str, purpose: str, tmp_path_factory):
    """(url, cleanup) of a new database at the newest schema, without rows."""
    return _copy(backend, "migrated", purpose, tmp_path_factory)


def demo_database(backend: str, purpose: str, tmp_path_factory):
    """(url, cleanup) of a new database holding the demo city as of :data:`DEMO_NOW`."""
    return _copy(backend, "demo", purpose, tmp_path_factory)


def drop_templates() -> None:
    """Drop this process's template databases (at the end of the session)."""
    for (backend, _kind), url in _templates.items():
        if backend == "postgres":
            _drop_postgres_database(make_url(url).database)
    _templates.clear()


def _template(backend: str, kind: str, tmp_path_factory) -> str:
    """The URL of the ``kind`` template on ``backend``, built on first use."""
    if (backend, kind) not in _templates:
        if kind == "migrated":
            url = _new_database_of_its_own(backend, "template_migrated", tmp_path_factory)
            app = make_app(url)
        else:
            from portal.demo import load_demo

            url, _cleanup = _copy(backend, "migrated", "template_demo", tmp_path_factory)
            app = portal_on(url)
        with app.app_context():
            if kind == "demo":
                load_demo(db.session, DEMO_TODAY, DEMO_NOW)
                db.session.commit()
            db.session.remove()
            db.engine.dispose()  # PostgreSQL copies a template nobody is connected to
        _templates[backend, kind] = url
    return _templates[backend, kind]


def _copy(backend: str, kind: str, purpose: str, tmp_path_factory):
    """(url, cleanup) of a new database copied from the ``kind`` template."""
    template = _template(backend, kind, tmp_path_factory)
    if backend == "sqlite":
        url = _new_database_of_its_own(backend, purpose, tmp_path_factory)
        source = sqlite3.connect(make_url(template).database)
        target = sqlite3.connect(make_url(url).database)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return url, lambda: None
    url = _new_database_of_its_own(backend, purpose, tmp_path_factory, make_url(template).database)
    return url, lambda: _drop_postgres_database(make_url(url).database)


def _new_database_of_its_own(backend, purpose, tmp_path_factory, template=None) -> str:
    """The URL of a new database: a file, or a PostgreSQL database (a copy of
    ``template``)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp(purpose) / 'portal.sqlite3'}"
    name = f"portal_test_{RUN_ID}_{purpose}_{secrets.token_hex(2)}"
    base = make_url(normalise_database_url(os.environ["PORTAL_TEST_DATABASE_URL"]))
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(
                text(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
            )
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(name: str) -> None:
    """Drop database ``name``, ending whatever connection a test left open to it."""
    engine = create_engine(
        normalise_database_url(os.environ["PORTAL_TEST_DATABASE_URL"]),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        engine.dispose()


def _postgres_schema_url(schema: str) -> str:
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
    """Drop ``schema`` and everything in it."""
    engine = create_engine(normalise_database_url(os.environ["PORTAL_TEST_DATABASE_URL"]))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()
