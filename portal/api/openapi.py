"""The OpenAPI 3.1 document of the public API, kept beside the handlers it describes."""

from __future__ import annotations

from . import openapi_booking, openapi_invitations

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXTS = {"type": "object", "additionalProperties": {"type": "string"}}
_JSON_ERROR = {"$ref": "#/components/responses/Error"}

_SERVICE_ID = {
    "name": "service_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
_PERSONS = {
    "name": "persons",
    "in": "query",
    "description": "Number of persons coming (1 to the service's max_persons); "
    "the visit lasts longer per extra person.",
    "schema": {"type": "integer", "minimum": 1, "default": 1},
}
_LANG = {
    "name": "lang",
    "in": "query",
    "description": "Language of the error messages (nl, fr, de, en, ar, ru, uk, tr); "
    "otherwise Accept-Language, otherwise Dutch. Any other value is refused: 400 "
    "invalid_parameter.",
    "schema": {"type": "string", "enum": ["nl", "fr", "de", "en", "ar", "ru", "uk", "tr"]},
}

_SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable, for programs."},
                    "message": {"type": "string", "description": "For people, translated."},
                    "parameter": {"type": "string", "description": "The parameter at fault."},
                },
            },
            "alternatives": openapi_booking.ERROR_ALTERNATIVES,
        },
    },
    "Service": {
        "type": "object",
        "required": [
            "id",
            "code",
            "names",
            "team",
            "topic",
            "duration_minutes",
            "extra_minutes_per_person",
            "max_persons",
            "channel",
            "publicly_bookable",
            "booking_window",
        ],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "names": {**_TEXTS, "description": "Name per language code; nl always present."},
            "descriptions": _TEXTS,
            "documents": {
                "type": "object",
                "description": "Documents to bring, per language code.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "keywords": {
                "type": "object",
                "description": "Everyday words the service is searched by, per language code.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "team": {
                "type": "object",
                "required": ["id", "code", "names"],
                "properties": {
                    "id": {"type": "integer"},
                    "code": {"type": "string"},
                    "names": _TEXTS,
                },
            },
            "topic": {"type": "string"},
            "duration_minutes": {"type": "integer", "minimum": 5},
            "extra_minutes_per_person": {"type": "integer", "minimum": 0},
            "max_persons": {"type": "integer", "minimum": 1},
            "channel": {"type": "string", "enum": ["counter", "back_office"]},
            "publicly_bookable": {
                "type": "boolean",
                "description": "False: the city books it itself, by invitation.",
            },
            "booking_window": {
                "type": "object",
                "required": ["min_notice_minutes", "horizon_days"],
                "properties": {
                    "min_notice_minutes": {"type": "integer", "minimum": 0},
                    "horizon_days": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
    "Days": {
        "type": "object",
        "required": ["service_id", "persons", "from", "to", "days"],
        "properties": {
            "service_id": {"type": "integer"},
            "persons": {"type": "integer"},
            "from": _DATE,
            "to": _DATE,
            "days": {"type": "array", "items": _DATE},
        },
    },
    "Slots": {
        "type": "object",
        "required": ["service_id", "persons", "date", "slots"],
        "properties": {
            "service_id": {"type": "integer"},
            "persons": {"type": "integer"},
            "date": _DATE,
            "slots": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["start", "end", "capacity"],
                    "properties": {
                        "start": {"type": "string", "format": "date-time"},
                        "end": {"type": "string", "format": "date-time"},
                        "capacity": {
                            "type": "integer",
                            "minimum": 1,
                            "description": "How many counter staff could take this time.",
                        },
                    },
                },
            },
        },
    },
}


def _ok(schema: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


_ADDRESS_TOO_LONG = {
    "description": "The address (its query string) is longer than 6,000 characters: "
    "error code uri_too_long.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_UNAVAILABLE = {
    "description": "The database cannot be reached for a moment (error code unavailable): "
    "try again after the seconds in Retry-After.",
    "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _with_common_answers(paths: dict) -> dict:
    """``paths`` with the answers every operation can give besides its own: 400 (each
    reads ``lang`` and refuses a value outside its enum, see
    :func:`portal.api.params.check_language`), 414 (portal/request_limits.py) and 503
    (portal/unavailable.py)."""
    common = {"400": _JSON_ERROR, "414": _ADDRESS_TOO_LONG, "503": _UNAVAILABLE}
    return {
        path: {
            method: {**operation, "responses": {**common, **operation["responses"]}}
            for method, operation in operations.items()
        }
        for path, operations in paths.items()
    }


def openapi_document() -> dict:
    """The API description that form engines and schemathesis read."""
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Stadhuis op afspraak — public API",
            "version": "1.0.0",
            "description": "Services of the city hall and their free times; holding, "
            "booking and managing a visit. Times are ISO 8601 with the Europe/Brussels "
            "offset; dates are Brussels dates. Holding and booking need an API key; a "
            "visit's manage token is the credential for the rest. The city's case software "
            "invites residents to follow-up visits with a key listed in API_INVITE_CLIENTS; "
            "an invitation's token is the credential for its free times and its booking.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/services": {
                "get": {
                    "operationId": "listServices",
                    "summary": "All services, with names per language",
                    "parameters": [_LANG],
                    "responses": {
                        "200": {
                            "description": "The services",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["services"],
                                        "properties": {
                                            "services": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Service"},
                                            }
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/services/{service_id}": {
                "get": {
                    "operationId": "getService",
                    "summary": "One service",
                    "parameters": [_SERVICE_ID, _LANG],
                    "responses": {"200": _ok("Service", "The service"), "404": _JSON_ERROR},
                }
            },
            "/services/{service_id}/days": {
                "get": {
                    "operationId": "listFreeDays",
                    "summary": "Dates with at least one free time",
                    "parameters": [
                        _SERVICE_ID,
                        {
                            "name": "from",
                            "in": "query",
                            "description": "First date (default: today).",
                            "schema": _DATE,
                        },
                        {
                            "name": "to",
                            "in": "query",
                            "description": "Last date, inclusive (default: 30 days after "
                            "from, within the booking horizon).",
                            "schema": _DATE,
                        },
                        _PERSONS,
                        _LANG,
                    ],
                    "responses": {
                        "200": _ok("Days", "The dates with a free time"),
                        "400": _JSON_ERROR,
                        "403": _JSON_ERROR,
                        "404": _JSON_ERROR,
                    },
                }
            },
            "/services/{service_id}/slots": {
                "get": {
                    "operationId": "listFreeSlots",
                    "summary": "Free times of one date",
                    "parameters": [
                        _SERVICE_ID,
                        {"name": "date", "in": "query", "required": True, "schema": _DATE},
                        _PERSONS,
                        _LANG,
                    ],
                    "responses": {
                        "200": _ok("Slots", "The free times"),
                        "400": _JSON_ERROR,
                        "403": _JSON_ERROR,
                        "404": _JSON_ERROR,
                    },
                }
            },
            **openapi_booking.PATHS,
            **openapi_invitations.PATHS,
        },
        "components": {
            "schemas": {**_SCHEMAS, **openapi_booking.SCHEMAS, **openapi_invitations.SCHEMAS},
            "securitySchemes": openapi_booking.SECURITY_SCHEMES,
            "responses": {
                "Error": {
                    "description": "What is wrong, in the reader's language",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
        },
    }
    document["paths"] = _with_common_answers(document["paths"])
    return document
