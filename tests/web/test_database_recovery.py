"""PostgreSQL goes away and comes back: 503 with Retry-After while it is away, and after it
(and after every connection of the portal was killed) not one request fails.

The portal reaches PostgreSQL through a small TCP proxy of the test's own, so that the
outage is real — every connection cut, new ones refused — and touches no one else's
connections to the shared test server; ``pg_terminate_backend`` kills only the
connections that carry this test's application name.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal.config import normalise_database_url
from portal.extensions import db
from tests.builders import build_city
from tests.conftest import BACKENDS, _database, make_app
from tests.hanging_sockets import TcpProxy
from tests.web.staff_helpers import new_client

pytestmark = pytest.mark.postgres

READS = ("/", "/afspraak", "/api/v1/services")


@pytest.fixture
def proxied_app(tmp_path_factory):
    """(app, kill_connections, proxy): the portal on a PostgreSQL schema of its own,
    reached through a :class:`TcpProxy`, with a one-team city."""
    if "postgres" not in BACKENDS:
        pytest.skip("needs PORTAL_TEST_DATABASE_URL (PostgreSQL)")
    url, cleanup = _database("postgres", "recovery", tmp_path_factory)
    direct = make_url(url)
    proxy = TcpProxy((direct.host or "127.0.0.1", direct.port or 5432))
    name = f"portal-recovery-{secrets.token_hex(4)}"
    proxied = direct.set(host="127.0.0.1", port=proxy.port).update_query_dict(
        {"application_name": name}
    )
    app = make_app(
        proxied.render_as_string(hide_password=False),
        RATELIMIT_ENABLED=False,
        MAIL_SEND_AFTER_REQUEST=False,
    )
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"]  # the portal's own
    with app.app_context():
        monday = date(2026, 12, 7)
        build_city(db.session, monday, monday + timedelta(days=6))
        db.session.commit()
    admin = create_engine(normalise_database_url(os.environ["PORTAL_TEST_DATABASE_URL"]))

    def kill_connections() -> int:
        """Terminate every server process of the portal's connections; how many."""
        with admin.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                ).all()
            )

    yield app, kill_connections, proxy
    with app.app_context():
        db.engine.dispose()
    proxy.close()
    admin.dispose()
    cleanup()


def _all_succeed(client) -> None:
    for path in READS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)


def test_killed_connections_outage_and_recovery(proxied_app):
    app, kill_connections, proxy = proxied_app
    client = new_client(app)
    _all_succeed(client)

    # A restart kills the pooled connections: the very next request already succeeds.
    for _round in range(3):
        assert kill_connections() >= 1
        _all_succeed(client)

    # Away: every connection cut, every new one refused.
    proxy.go_down()
    for path in READS:
        answer = client.get(path)
        assert answer.status_code == 503, (path, answer.status_code)
        assert answer.headers["Retry-After"] == "30"
    assert client.get("/api/v1/services").json["error"]["code"] == "unavailable"
    french = client.get("/afspraak?lang=fr").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in french

    # Back: from the first request on, nothing fails.
    proxy.come_back()
    _all_succeed(client)
    assert kill_connections() >= 1
    _all_succeed(client)
