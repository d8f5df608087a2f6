"""An unknown method answers 405 with the methods that are allowed, on pages and API
alike; a ``lang`` the API does not speak is refused as its OpenAPI document says, while
a page simply speaks another language."""

from __future__ import annotations

import pytest

from portal.api.openapi import openapi_document


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "PUT"])
@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", {"GET", "HEAD", "OPTIONS"}),
        ("/afspraak", {"GET", "HEAD", "OPTIONS"}),
        ("/medewerkers/aanmelden", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("/api/v1/services", {"GET", "HEAD", "OPTIONS"}),
        ("/api/v1/holds", {"POST", "OPTIONS"}),
    ],
)
def test_an_unknown_method_gets_405_with_allow(demo_client, method, path, allowed):
    answer = demo_client.open(path, method=method)
    assert answer.status_code == 405
    assert {name.strip() for name in answer.headers["Allow"].split(",")} == allowed
    if path.startswith("/api/"):
        assert answer.json["error"]["code"] == "method_not_allowed"
    else:
        assert "Niet toegestaan" in answer.text


@pytest.mark.parametrize("lang", ["xx", "NL", "", "nl-BE"])
def test_the_api_refuses_a_language_outside_its_enum(demo_client, lang):
    answer = demo_client.get("/api/v1/services", query_string={"lang": lang})
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == "invalid_parameter"
    assert answer.json["error"]["parameter"] == "lang"


def test_the_refusal_speaks_the_readers_language(demo_client):
    answer = demo_client.get(
        "/api/v1/services?lang=xx", headers={"Accept-Language": "fr-BE,fr;q=0.9"}
    )
    assert answer.status_code == 400
    assert "lang" in answer.json["error"]["message"]
    assert "De parameter" not in answer.json["error"]["message"]


def test_a_page_falls_back_to_another_language(demo_client):
    assert demo_client.get("/?lang=xx").status_code == 200


def test_the_document_says_a_language_outside_the_enum_is_a_400():
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            lang = [p for p in operation["parameters"] if p["name"] == "lang"]
            assert lang, f"{method} {path}"
            assert "refused: 400" in lang[0]["description"]
            assert "400" in operation["responses"], f"{method} {path}"
