"""Fixtures of the web tests: staff clients signed in with the demo's accounts."""

from __future__ import annotations

import pytest

from tests.web.staff_helpers import new_client, signed_in


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test counts sign-ins and bookings from zero: with the clock frozen, earlier
    tests' requests would otherwise fill the limiter's windows."""
    from portal.antibot import limiter

    yield
    if limiter._storage is not None:  # no app of this process has set the limiter up yet
        limiter.reset()


@pytest.fixture
def staff_client(demo_app, frozen_clock):
    """``staff_client(role)``: a client of the demo portal signed in as that role's demo
    account (clerk and planner of Bevolking, reception, admin), at the demo's now."""
    return lambda role: signed_in(demo_app, role)


@pytest.fixture
def anonymous_client(demo_app, frozen_clock):
    """A client of the demo portal that nobody signed in with."""
    return new_client(demo_app)


@pytest.fixture
def two_clerk_city(app, monkeypatch):
    """Two clerks at the counter for two weeks from Monday 7 December 2026, mail kept in
    the outbox, limits off, the clock frozen at 07:30 that Monday (``.clock`` moves it)."""
    from datetime import date, time, timedelta

    import time_machine

    from portal.extensions import db
    from portal.timeutil import local_datetime
    from tests.builders import build_city

    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    monday = date(2026, 12, 7)
    built = build_city(db.session, monday, monday + timedelta(days=13), staff_count=2)
    db.session.commit()
    with time_machine.travel(local_datetime(monday, time(7, 30)), tick=False) as clock:
        built.clock = clock
        yield built
