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
