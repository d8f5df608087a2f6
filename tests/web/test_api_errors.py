"""Bad input to the read API gets a 400/403/404 with a JSON message — never a 500 — and
every answer matches the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from sqlalchemy import select

from portal.api.openapi import openapi_document
from portal.extensions import db
from portal.models import Service
from tests.conftest import DEMO_TODAY


def _ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Service.code, Service.id)).all())


def _schema(name: str) -> Draft202012Validator:
    document = openapi_document()
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    )


def test_the_openapi_document_is_valid(demo_client):
    document = demo_client.get("/api/v1/openapi.json").json
    validate(document)
    assert {"/services", "/services/{service_id}/days", "/services/{service_id}/slots"} <= set(
        document["paths"]
    )


def test_every_operation_documents_the_answers_any_request_can_get():
    """400 (lang), 414 (an over-long address) and 503 with Retry-After (the database
    away) can answer any operation, so each lists them."""
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert {"400", "414", "503"} <= answers.keys(), (method, path)
            assert "Retry-After" in answers["503"]["headers"], (method, path)


def test_answers_match_the_openapi_schemas(demo_app, demo_client):
    service_id = _ids(demo_app)["eid-aanvragen"]
    for service in demo_client.get("/api/v1/services").json["services"]:
        _schema("Service").validate(service)
    days = demo_client.get(f"/api/v1/services/{service_id}/days").json
    _schema("Days").validate(days)
    slots = demo_client.get(f"/api/v1/services/{service_id}/slots?date={days['days'][0]}").json
    _schema("Slots").validate(slots)
    assert slots["slots"]


@pytest.mark.parametrize(
    ("query", "status", "code", "parameter"),
    [
        ("days?from=2026-13-01", 400, "invalid_date", "from"),
        ("days?from=07-12-2026", 400, "invalid_date", "from"),
        ("days?from=20261207", 400, "invalid_date", "from"),
        ("days?to=tomorrow", 400, "invalid_date", "to"),
        ("days?from=2026-12-20&to=2026-12-10", 400, "reversed_range", "to"),
        ("days?from=2026-12-08&to=2027-06-01", 400, "beyond_horizon", "to"),
        ("days?from=2027-06-01", 400, "beyond_horizon", "from"),
        ("days?from=2026-01-01&to=2026-12-31", 400, "range_too_long", "to"),
        ("days?persons=0", 400, "invalid_persons", "persons"),
        ("days?persons=99", 400, "invalid_persons", "persons"),
        ("days?persons=two", 400, "invalid_persons", "persons"),
        ("slots", 400, "missing_parameter", "date"),
        ("slots?date=", 400, "missing_parameter", "date"),
        ("slots?date=2026-02-30", 400, "invalid_date", "date"),
        ("slots?date=2030-01-01", 400, "beyond_horizon", "date"),
    ],
)
def test_bad_parameters_say_what_is_wrong(demo_app, demo_client, query, status, code, parameter):
    service_id = _ids(demo_app)["eid-aanvragen"]
    response = demo_client.get(f"/api/v1/services/{service_id}/{query}")
    assert response.status_code == status
    assert response.is_json
    error = response.json["error"]
    assert (error["code"], error["parameter"]) == (code, parameter)
    assert error["message"]
    _schema("Error").validate(response.json)


def test_unknown_and_invitation_only_services(demo_app, demo_client):
    unknown = demo_client.get("/api/v1/services/99999/days")
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "unknown_service")
    not_a_number = demo_client.get("/api/v1/services/abc/slots?date=2026-12-08")
    assert not_a_number.status_code == 404 and not_a_number.is_json
    invitation = _ids(demo_app)["verblijfskaart-afhalen"]
    refused = demo_client.get(f"/api/v1/services/{invitation}/days")
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "invitation_only")
    wrong_method = demo_client.post("/api/v1/services")
    assert wrong_method.status_code == 405 and wrong_method.is_json


def test_the_default_range_is_a_month_from_today(demo_app, demo_client):
    service_id = _ids(demo_app)["eid-aanvragen"]
    body = demo_client.get(f"/api/v1/services/{service_id}/days").json
    assert body["from"] == DEMO_TODAY.isoformat()
    assert body["to"] == (DEMO_TODAY + timedelta(days=30)).isoformat()


_ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=24
) | st.sampled_from(["2026-12-08", "2026-12-31", "2027-02-29", "0000-00-00", "9999-12-31", "-1"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    endpoint=st.sampled_from(["days", "slots"]),
    params=st.dictionaries(
        st.sampled_from(["from", "to", "date", "persons", "lang"]), _ODD_TEXT, max_size=4
    ),
    service_id=st.sampled_from([1, 2, 0, 19, 2**40]),
)
def test_no_input_gives_a_server_error(demo_client, endpoint, params, service_id):
    response = demo_client.get(f"/api/v1/services/{service_id}/{endpoint}", query_string=params)
    assert response.status_code in (200, 400, 403, 404), response.data
    assert response.is_json
