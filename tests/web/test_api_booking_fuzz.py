"""No body a form engine (or anyone) sends to the API's write half gives a 500: bad JSON,
wrong types, huge numbers, NUL bytes and lone surrogates all get a 400 that names the
parameter."""

from __future__ import annotations

import json
from datetime import time, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from portal.timeutil import isoformat_local, local_datetime
from tests.web.api_booking_helpers import (
    HEADERS,
    MONDAY,
    NOW,
    api_client,
    city,
    error_of,
    hold,
)


@pytest.fixture
def api(app, monkeypatch):
    """A form engine's client of the empty portal, at :data:`NOW`."""
    with time_machine.travel(NOW, tick=False):
        yield api_client(app, monkeypatch)


def test_an_empty_body_lacks_the_hold(api):
    response = api.post("/api/v1/appointments", data=b"", headers=HEADERS)
    error_of(response, 400, "missing_parameter", "hold")


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b'"hold"',
        b"null",
        b"42",
        b"{",
        b"{'a': 1}",
        b"\xff\xfe",
        b"[" * 100_000,
        b'{"a": ' * 5000 + b"1" + b"}" * 5000,
        b" " * 20_000,
    ],
)
def test_bodies_that_are_not_a_json_object_are_400(api, raw):
    response = api.post(
        "/api/v1/appointments", data=raw, headers=HEADERS, content_type="application/json"
    )
    assert response.status_code in (400, 413), response.data
    assert response.is_json and response.json["error"]["code"] in (
        "invalid_body",
        "body_too_large",
    )


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
    | st.sampled_from(["2026-12-08T09:00:00+01:00", "\x00", "\udc80", "nl", "a@b.be", "a" * 43]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = [
    "service_ids",
    "persons",
    "start",
    "hold",
    "name",
    "email",
    "phone",
    "language",
    "spoken_language",
    "spoken_language_other",
    "interpreter_needed",
    "remark",
]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(
        [
            "/api/v1/holds",
            "/api/v1/appointments",
            "/api/v1/appointments/" + "b" * 43 + "/move",
            "/api/v1/appointments/" + "b" * 43 + "/cancel",
        ]
    ),
    body=st.dictionaries(st.sampled_from(_FIELDS), _JSON, max_size=6) | _JSON,
)
def test_no_body_gives_a_server_error(api, path, body):
    response = api.post(
        path, data=json.dumps(body), headers=HEADERS, content_type="application/json"
    )
    assert response.status_code in (400, 404, 409, 413, 422), response.data
    assert response.is_json


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=200))
def test_no_bytes_give_a_server_error(api, raw):
    response = api.post("/api/v1/holds", data=raw, headers=HEADERS)
    assert response.status_code == 400 and response.is_json


_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=130) | _JSON
_DETAILS = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["Anna", "Ä" * 120, " "]) | _TEXT,
        "email": st.sampled_from(["anna@example.org", "é@例え.jp", "a@b", "@"]) | _TEXT,
        "phone": st.from_regex(r"[0-9 +()\-./]{0,45}", fullmatch=True) | _TEXT,
        "language": st.sampled_from(["nl", "ar", "inh", "NL"]) | _JSON,
        "spoken_language": st.sampled_from(["ps", "sgn-BE", "x" * 17]) | _TEXT,
        "spoken_language_other": _TEXT,
        "interpreter_needed": st.booleans() | _JSON,
        "remark": st.text(max_size=1010) | _JSON,
    },
)


@pytest.fixture
def city_api(api, app, monkeypatch):
    """The API with a two-clerk city, and a supply of distinct free times to hold."""
    monkeypatch.setitem(app.config, "MAX_ACTIVE_PER_EMAIL", 10_000)
    town = city()
    starts = iter(
        local_datetime(MONDAY + timedelta(days=day), time(9)) + timedelta(minutes=15 * step)
        for day in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12)
        for step in range(12)
        for _clerk in range(2)
    )
    return api, town, starts


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(details=_DETAILS)
def test_no_contact_details_give_a_server_error(city_api, details):
    api, town, starts = city_api
    held = hold(api, town.service.id, next(starts))
    while held.status_code == 409:  # that time went to an earlier example
        held = hold(api, town.service.id, next(starts))
    body = {"hold": held.json["hold"]["token"], **details}
    response = api.post("/api/v1/appointments", json=body, headers=HEADERS)
    event(f"status {response.status_code}")
    assert response.status_code in (201, 400), response.data
    assert response.is_json
    if response.status_code == 400:
        assert response.json["error"]["parameter"] in {*details, "name", "email"}
        api.delete(f"/api/v1/holds/{body['hold']}", headers=HEADERS)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    service_ids=st.just("the city's") | st.lists(st.integers(), max_size=5) | _JSON,
    persons=st.none() | st.integers(min_value=-2, max_value=5) | _JSON,
    start=st.builds(
        lambda day, quarter: isoformat_local(
            local_datetime(MONDAY + timedelta(days=day), time(9)) + timedelta(minutes=15 * quarter)
        ),
        st.integers(min_value=-1, max_value=15),
        st.integers(min_value=-4, max_value=40),
    )
    | st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat())
    | _JSON,
)
def test_no_hold_request_gives_a_server_error(city_api, service_ids, persons, start):
    api, town, _ = city_api
    if service_ids == "the city's":
        service_ids = [town.service.id]
    body = {"service_ids": service_ids, "persons": persons, "start": start}
    response = api.post("/api/v1/holds", json=body, headers=HEADERS)
    event(f"status {response.status_code}")
    assert response.status_code in (201, 400, 409, 422), response.data
    assert response.is_json
