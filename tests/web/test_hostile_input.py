"""No query value gives a 500: every GET route, each argument it reads, each hostile
value, as a resident and as a signed-in administrator; and no address, however long,
comes back as a redirect longer than browsers follow."""

from __future__ import annotations

import pytest

from portal.request_limits import MAX_QUERY_CHARS, MAX_REDIRECT_CHARS
from tests.web.booking_helpers import csrf_of
from tests.web.hostile_helpers import (
    RecordingArgs,
    RecordingRequest,
    base_query,
    demo_path_values,
    get_routes,
    hostile_values,
    route_path,
)
from tests.web.staff_helpers import new_client, signed_in


@pytest.fixture
def recording_app(demo_app, frozen_clock, monkeypatch):
    """The demo portal whose requests record the query arguments a view reads."""
    monkeypatch.setattr(demo_app, "request_class", RecordingRequest)
    monkeypatch.setitem(demo_app.config, "PROPAGATE_EXCEPTIONS", False)
    with demo_app.app_context():
        values = demo_path_values(demo_app)
    return demo_app, values


STAFF_PREFIX = "/medewerkers/"
# Pages that must open with the base query, or the fuzzing never reaches their dates.
REACHED = {
    "booking.time",
    "booking.day",
    "booking.move_day",
    "booking.move_confirm",
    "booking.invitation",
    "booking.invitation_time",
    "api.free_days",
    "api.free_slots",
    "api.invitation_days",
    "staff.today",
    "staff.calendar",
    "staff.calendar_events",
    "staff.book_time",
    "staff.visit_move",
    "staff.audit_log",
    "staff.interpreters.needs",
    "staff.planning_plan",
}


def is_staff(rule) -> bool:
    """Whether ``rule`` is a page of the staff workspace."""
    return rule.rule.startswith(STAFF_PREFIX)


def _routes_and_arguments(app, client, values, *, staff: bool):
    """Each route (only the workspace's for ``staff``), asked once with the base query:
    (rule, its path, the base query, the answer's status, the arguments the view read)."""
    base = base_query(values)
    for rule in get_routes(app):
        if staff and not is_staff(rule):
            continue
        path = route_path(rule, values)
        RecordingArgs.read = set()
        status = client.get(path, query_string=base).status_code
        yield rule, path, base, status, sorted(RecordingArgs.read)


def _fuzz_routes(app, client, values, *, staff: bool) -> list[str]:
    """Each route × each argument it reads × each hostile value; the requests that
    answered 500 or more, and the pages of :data:`REACHED` for this client that did not
    open with the base query."""
    failures = []
    for rule, path, base, status, read in _routes_and_arguments(app, client, values, staff=staff):
        if rule.endpoint in REACHED and status != 200 and is_staff(rule) == staff:
            failures.append(f"{rule.endpoint} {path} answered {status} to the base query")
        for name in read:
            if name == "lang":
                continue
            for value in hostile_values(name):
                response = client.get(path, query_string={**base, name: value})
                if response.status_code >= 500:
                    failures.append(f"{rule.endpoint} {path} {name}={value[:40]!r}")
    return failures


def test_no_query_value_gives_a_resident_a_server_error(recording_app):
    app, values = recording_app
    assert _fuzz_routes(app, new_client(app), values, staff=False) == []


def test_no_query_value_gives_staff_a_server_error(recording_app):
    app, values = recording_app
    assert _fuzz_routes(app, signed_in(app, "admin"), values, staff=True) == []


def _long_redirects(app, client, values, *, staff: bool) -> list[str]:
    """Each route × each argument it reads, as long as the portal lets a query be; the
    answers that failed or redirected further than :data:`MAX_REDIRECT_CHARS`."""
    failures = []
    for rule, path, base, _status, read in _routes_and_arguments(app, client, values, staff=staff):
        for name in read:
            value = "9" * (MAX_QUERY_CHARS - 600)
            response = client.get(path, query_string={**base, name: value})
            location = response.headers.get("Location") or ""
            if response.status_code >= 500 or len(location) > MAX_REDIRECT_CHARS:
                failures.append(f"{rule.endpoint} {name}: {response.status_code} {len(location)}")
    return failures


@pytest.mark.parametrize("staff", [False, True])
def test_a_long_argument_never_redirects_too_far(recording_app, staff):
    app, values = recording_app
    client = signed_in(app, "admin") if staff else new_client(app)
    assert _long_redirects(app, client, values, staff=staff) == []


def test_an_address_too_long_is_refused_in_words(demo_client):
    answer = demo_client.get("/afspraak/dag", query_string={"dienst": "1" * 100_000})
    assert answer.status_code == 414
    assert "Dit adres is te lang om te lezen." in answer.text
    api = demo_client.get("/api/v1/services", query_string={"lang": "x" * 100_000})
    assert api.status_code == 414
    assert api.json["error"]["code"] == "uri_too_long"


def test_a_long_service_in_a_form_goes_back_without_it(demo_app, frozen_clock):
    client = new_client(demo_app)
    page = client.get("/afspraak/tijd", query_string={"dienst": "1", "dag": "2026-12-09"})
    answer = client.post(
        "/afspraak/tijd",
        data={"dienst": ["1", "1" * 100_000], "csrf_token": csrf_of(page.text), "start": "x"},
    )
    assert answer.status_code == 302
    assert len(answer.headers["Location"]) < 200
