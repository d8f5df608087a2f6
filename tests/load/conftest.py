"""A portal for race tests: a pool big enough for every racer to hold a connection at the
same moment, on each database backend, with one single-clerk week to fight over."""

from __future__ import annotations

import threading
from datetime import date, time, timedelta

import pytest

from portal.extensions import db
from portal.timeutil import local_datetime
from tests.builders import build_city
from tests.databases import migrated_database, portal_on

RACERS = 50
KEY = "race-key-0123456789abcdef"
MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))
START = local_datetime(MONDAY + timedelta(days=1), time(9))


@pytest.fixture
def race_app(backend, tmp_path_factory):
    """The portal, in an app context, with limits and after-request mail off."""
    url, cleanup = migrated_database(backend, "race", tmp_path_factory)
    app = portal_on(
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


def run_race(app, arguments, prepare, attempt, refusals: dict) -> list[str]:
    """Run one racer per item of ``arguments`` in threads of their own, each in its own
    app context (and database connection), released together by a barrier.

    ``prepare(argument)`` loads what the racer needs before the start (and commits, so no
    one holds a transaction); ``attempt(argument, loaded)`` is the race itself and
    commits. The outcome of a racer is ``"won"``, the name ``refusals`` gives the
    exception it raised (``{SlotTaken: "taken"}``), or ``"error: …"`` for anything else,
    which fails the calling test."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list[str] = []
    lock = threading.Lock()

    def racer(argument) -> None:
        with app.app_context():
            loaded = None
            try:
                loaded = prepare(argument)
                db.session.commit()  # keep the objects, hold no transaction: all start equal
            finally:
                barrier.wait(timeout=60)  # a failing racer must not leave the others waiting
            try:
                attempt(argument, loaded)
                outcome = "won"
            except tuple(refusals) as refused:
                db.session.rollback()
                outcome = refusals[type(refused)]
            except Exception as error:  # every other outcome is a failure of the test
                db.session.rollback()
                outcome = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=racer, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
