"""A portal for race tests: a pool big enough for every racer to hold a connection at the
same moment, on each database backend, with one single-clerk week to fight over."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from portal.extensions import db
from portal.timeutil import local_datetime
from tests.builders import build_city
from tests.conftest import _database, make_app

RACERS = 50
KEY = "race-key-0123456789abcdef"
MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
START = local_datetime(MONDAY + timedelta(days=1), time(9))


@pytest.fixture
def race_app(backend, tmp_path_factory):
    """The portal, in an app context, with limits and after-request mail off."""
    url, cleanup = _database(backend, "race", tmp_path_factory)
    app = make_app(
        url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS + 5, "max_overflow": 0},
        API_KEYS={"formulieren": KEY},
        MAIL_SEND_AFTER_REQUEST=False,
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    cleanup()


@pytest.fixture
def one_clerk(race_app):
    """One clerk at the counter the week of 7 December 2026: one visit per time."""
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=1)
    db.session.commit()
    return city
