"""A database that cannot answer gives 503 with Retry-After in the reader's language —
pages and API alike — never a 500; a bug that happens to raise the same class stays a 500.

SQLite's "database is locked" is the outage here (another connection holds an exclusive
lock); tests/web/test_database_recovery.py cuts a real PostgreSQL away and back.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from portal.extensions import db
from portal.i18n import _
from portal.staff.accounts import hash_password
from portal.unavailable import is_database_unavailable
from tests.builders import build_city
from tests.conftest import make_app
from tests.web.staff_helpers import new_client, sign_in

PASSWORD = "een-lang-wachtwoord-2026"
TITLE = "De dienst is even niet beschikbaar"
TEXT = "We kunnen uw aanvraag nu niet verwerken. Probeer het over enkele ogenblikken opnieuw."


def _no_waiting_for_locks(dbapi_connection, _record) -> None:
    """Fail at once on a lock (after the portal's own 10-second busy timeout was set)."""
    dbapi_connection.execute("PRAGMA busy_timeout=0")


@pytest.fixture
def lockable(tmp_path):
    """(app, database file): a one-team city on a SQLite file of its own, whose
    connections give up on a lock at once; a clerk with a password."""
    path = tmp_path / "portal.sqlite3"
    app = make_app(f"sqlite:///{path}", RATELIMIT_ENABLED=False, MAIL_SEND_AFTER_REQUEST=False)

    @app.get("/_test/misspelt")
    def misspelt():
        return str(db.session.execute(text("SELECT * FROM no_such_table")).all())

    with app.app_context():
        monday = date(2026, 12, 7)
        city = build_city(db.session, monday, monday + timedelta(days=6))
        city.staff[0].password_hash = hash_password(PASSWORD)
        db.session.commit()
        event.listen(db.engine, "connect", _no_waiting_for_locks)
        db.engine.dispose()  # every connection from now on gives up at once
    yield app, path
    with app.app_context():
        db.engine.dispose()


class _Lock:
    """Another program holding an exclusive lock on the database file: nobody reads."""

    def __init__(self, path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)

    def __enter__(self):
        self.connection.execute("BEGIN EXCLUSIVE")
        return self

    def __exit__(self, *exc) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


def _translated(app, language: str, message: str) -> str:
    with app.test_request_context(f"/?lang={language}"):
        return _(message)


def _is_unavailable(response, retry_after: str = "30") -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"] == retry_after
    assert response.headers["Cache-Control"] == "no-store"


def test_a_locked_database_gives_503_pages_and_api_then_everything_works(lockable):
    app, path = lockable
    client = new_client(app)
    with _Lock(path):
        page = client.get("/")
        _is_unavailable(page)
        assert f"<h1>{TITLE}</h1>" in page.get_data(as_text=True)
        assert '<html lang="nl" dir="ltr">' in page.get_data(as_text=True)
        assert 'class="language-switcher"' in page.get_data(as_text=True)

        french = client.get("/afspraak?lang=fr")
        _is_unavailable(french)
        body = french.get_data(as_text=True)
        assert '<html lang="fr" dir="ltr">' in body
        assert _translated(app, "fr", TITLE) in body
        assert "Aller à la page d'accueil" in body  # the layout speaks French too

        # A fresh client: the French page above left its language cookie, which wins
        # over the browser's languages by design (portal.i18n.select_locale).
        api = new_client(app).get("/api/v1/services", headers={"Accept-Language": "ar"})
        _is_unavailable(api)
        error = api.json["error"]
        assert error["code"] == "unavailable"
        assert error["message"] == _translated(app, "ar", TEXT)

    assert client.get("/").status_code == 200
    assert client.get("/api/v1/services").status_code == 200


def test_the_503_page_of_a_signed_in_clerk_needs_no_database(lockable):
    """The staff menu loads the signed-in member from the database: the 503 page renders
    without it."""
    app, path = lockable
    client = new_client(app)
    assert sign_in(client, "b0@stad.example", PASSWORD).status_code == 302
    assert client.get("/medewerkers/").status_code == 200
    with _Lock(path):
        answer = client.get("/medewerkers/?lang=ar")
        _is_unavailable(answer)
        body = answer.get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in body
        assert 'class="language-switcher"' in body  # the whole layout, not the last resort
    assert client.get("/medewerkers/").status_code == 200


def test_when_even_the_layout_fails_a_plain_page_still_speaks_the_readers_language(
    lockable, monkeypatch
):
    app, path = lockable
    monkeypatch.setitem(app.config, "UNAVAILABLE_RETRY_AFTER_SECONDS", 120)

    def broken(*args, **kwargs):
        raise RuntimeError("no templates today")

    monkeypatch.setattr(app.jinja_env, "get_template", broken)
    with _Lock(path):
        answer = new_client(app).get("/?lang=de")
    _is_unavailable(answer, retry_after="120")
    body = answer.get_data(as_text=True)
    assert body.startswith('<!doctype html>\n<html lang="de" dir="ltr">')
    assert f"<h1>{_translated(app, 'de', TITLE)}</h1>" in body


def test_a_misspelt_query_stays_a_server_error(lockable, monkeypatch):
    app, _path = lockable
    client = new_client(app)
    with pytest.raises(OperationalError, match="no such table"):  # tests see the bug itself
        client.get("/_test/misspelt")
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    answer = client.get("/_test/misspelt")
    assert answer.status_code == 500 and "Retry-After" not in answer.headers


def _wrapped(error_class, original: Exception, **kwargs):
    return error_class("SELECT 1", {}, original, **kwargs)


def _sqlite(message: str) -> OperationalError:
    return _wrapped(OperationalError, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (_sqlite("database is locked"), True),
        (_sqlite("unable to open database file"), True),
        (_sqlite("no such table: x"), False),
        (_sqlite('near "SELEC": syntax error'), False),
        (_wrapped(InterfaceError, sqlite3.InterfaceError("Error binding parameter 1")), False),
        (_wrapped(OperationalError, psycopg.OperationalError("connection refused")), True),
        (_wrapped(InterfaceError, psycopg.InterfaceError("the connection is closed")), True),
        (_wrapped(ProgrammingError, psycopg.ProgrammingError("syntax error")), False),
        (
            _wrapped(
                ProgrammingError, psycopg.ProgrammingError("gone"), connection_invalidated=True
            ),
            True,
        ),
        (DisconnectionError("pre-ping failed"), True),
        (PoolTimeoutError("QueuePool limit reached"), True),
        (ValueError("not a database error"), False),
    ],
)
def test_which_errors_mean_the_database_is_away(error, unavailable):
    assert is_database_unavailable(error) is unavailable
