"""The API answers as its OpenAPI document says: schemathesis generates requests for
every operation from the document and checks each answer against it.

Bounded and derandomised (a few examples per operation, the same ones on every run), so
that it runs in the suite; the demo city gives the operations real services and days.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from portal.api.openapi import openapi_document
from tests.conftest import own_demo_app

KEY = "schemathesis-test-key-0123456789"
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
# The document as the app serves it at /api/v1/openapi.json (checked below to be so);
# valid requests and invalid ones (which must be refused with a documented 4xx), all of
# a service the demo city lets residents book (random ids would only find 404s).
SERVICE_ID = 1
schema = schemathesis.openapi.from_dict(
    openapi_document(),
    config=SchemathesisConfig.from_dict(
        {"generation": {"mode": "all"}, "parameters": {"service_id": SERVICE_ID}}
    ),
)


@pytest.fixture(scope="module")
def api_app(backend, tmp_path_factory):
    """The demo city of its own (the operations hold and book), a key that may also
    invite, no rate limit (the examples would exhaust it) and no mail sent."""
    yield from own_demo_app(
        backend,
        tmp_path_factory,
        "schemathesis",
        API_KEYS={"formulieren": KEY},
        API_INVITE_CLIENTS=["formulieren"],
        RATELIMIT_ENABLED=False,
        MAIL_SEND_AFTER_REQUEST=False,
    )


def test_the_service_tested_is_bookable(api_app):
    service = api_app.test_client().get(f"/api/v1/services/{SERVICE_ID}")
    assert service.status_code == 200
    assert service.json["publicly_bookable"] is True


def test_the_served_document_is_the_one_tested(api_app):
    served = api_app.test_client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json == openapi_document()


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, api_app, frozen_clock):
    case.call_and_validate(app=api_app, headers={"X-API-Key": KEY}, checks=CHECKS)
