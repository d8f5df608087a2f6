"""The write half of the OpenAPI document: holding, booking and managing a visit."""

from __future__ import annotations

from ..spoken_languages import BY_CODE, OTHER

_TIME = {"type": "string", "format": "date-time"}
_TOKEN = {"type": "string", "minLength": 20, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"}
_LANGUAGES = ["nl", "fr", "de", "en", "ar", "ru", "uk", "tr"]
_KEY = [{"ApiKey": []}]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


_LANG = {
    "name": "lang",
    "in": "query",
    "description": "Language of the messages and service names (otherwise Accept-Language, "
    "otherwise Dutch; service names default to the visit's language). Any other value "
    "is refused: 400 invalid_parameter.",
    "schema": {"type": "string", "enum": _LANGUAGES},
}
_MANAGE_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": "The visit's manage token, as answered when it was booked (and in its mails).",
    "schema": _TOKEN,
}
_HOLD_TOKEN = {**_MANAGE_TOKEN, "description": "The hold's token."}
_EMPTY_BODY = _body({"type": "object", "additionalProperties": False}, required=False)

_BAD = _error("The body or a parameter is wrong (the parameter is named)")
_UNAUTHORIZED = _error("No valid X-API-Key header")
_NOT_FOUND = _error("Unknown or garbled token")
_REFUSED = _error("Refused: too_many_visits, too_late, not_changeable, …")
_TAKEN = _error("slot_taken: the time is not free; alternatives lists the nearest free times")
_TOO_LARGE = _error("The body is larger than 16 KB")
_TOO_MANY = _error("rate_limited: too many requests from this client (Retry-After)")

SCHEMAS = {
    "TimeSpan": {
        "type": "object",
        "required": ["start", "end"],
        "properties": {"start": _TIME, "end": _TIME},
    },
    "HoldRequest": {
        "type": "object",
        "required": ["service_ids", "start"],
        "additionalProperties": False,
        "properties": {
            "service_ids": {
                "type": "array",
                "minItems": 1,
                "maxItems": 4,
                "items": {"type": "integer", "minimum": 1},
                "description": "Services of one team, booked as one visit.",
            },
            "persons": {"type": "integer", "minimum": 1, "default": 1},
            "start": {**_TIME, "description": "A free start time, with its offset."},
            "spoken_language": {
                "type": ["string", "null"],
                "enum": [*BY_CODE, OTHER, None],
                "description": (
                    "Language the resident speaks at the counter: a free clerk who speaks"
                    " it gets the hold when there is one. Send it again when booking."
                ),
            },
        },
    },
    "Hold": {
        "type": "object",
        "required": ["hold"],
        "properties": {
            "hold": {
                "type": "object",
                "required": ["token", "expires_at", "start", "end", "service_ids", "persons"],
                "properties": {
                    "token": {**_TOKEN, "description": "Books the time; keep it secret."},
                    "expires_at": _TIME,
                    "start": _TIME,
                    "end": _TIME,
                    "service_ids": {"type": "array", "items": {"type": "integer"}},
                    "persons": {"type": "integer", "minimum": 1},
                },
            }
        },
    },
    "BookingRequest": {
        "type": "object",
        "required": ["hold", "name", "email"],
        "additionalProperties": False,
        "properties": {
            "hold": {**_TOKEN, "description": "The token of a live hold."},
            "name": {"type": "string", "minLength": 1, "maxLength": 120},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "phone": {
                "type": ["string", "null"],
                "pattern": r"^[0-9 +()./-]{6,40}$",
                "description": "Required when the services are a call back (channel "
                "back_office): the city calls this number.",
            },
            "language": {
                "type": "string",
                "enum": _LANGUAGES,
                "default": "nl",
                "description": "Language of the mails.",
            },
            "spoken_language": {
                "type": ["string", "null"],
                "enum": [*BY_CODE, OTHER, None],
                "description": "Language to speak at the counter (BCP 47), or other.",
            },
            "spoken_language_other": {
                "type": ["string", "null"],
                "maxLength": 60,
                "description": "The language's name in words; required with other, "
                "ignored otherwise.",
            },
            "interpreter_needed": {"type": "boolean", "default": False},
            "remark": {"type": ["string", "null"], "maxLength": 1000},
        },
    },
    "MoveRequest": {
        "type": "object",
        "required": ["start"],
        "additionalProperties": False,
        "properties": {"start": _TIME},
    },
    "Appointment": {
        "type": "object",
        "required": ["appointment"],
        "properties": {
            "appointment": {
                "type": "object",
                "required": [
                    "reference",
                    "status",
                    "start",
                    "end",
                    "services",
                    "persons",
                    "language",
                    "spoken_language",
                    "interpreter_needed",
                    "can_change",
                ],
                "properties": {
                    "reference": {"type": "string"},
                    "queue_number": {
                        "type": ["string", "null"],
                        "description": "The number the hall's screen calls the resident by "
                        "(team letter and the day's count, e.g. B-014); null for a call back.",
                    },
                    "status": {
                        "type": "string",
                        "enum": ["pending", "confirmed", "cancelled", "completed", "no_show"],
                        "description": "pending: waits for the activation link in the mail.",
                    },
                    "start": _TIME,
                    "end": _TIME,
                    "services": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name"],
                            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                        },
                    },
                    "persons": {"type": "integer", "minimum": 1},
                    "language": {"type": "string", "enum": _LANGUAGES},
                    "spoken_language": {"type": ["string", "null"]},
                    "spoken_language_other": {"type": ["string", "null"]},
                    "interpreter_needed": {"type": "boolean"},
                    "activation_expires_at": {
                        "oneOf": [_TIME, {"type": "null"}],
                        "description": "Set while pending: confirm before then.",
                    },
                    "can_change": {
                        "type": "boolean",
                        "description": "Whether it can still be moved or cancelled online.",
                    },
                    "dossier": {
                        "type": ["string", "null"],
                        "description": "The dossier reference of a follow-up visit: it can "
                        "only move inside its window, with its clerk (outside_window).",
                    },
                },
            },
            "manage_token": {
                **_TOKEN,
                "description": "Only when booked: reads, confirms, moves and cancels the visit.",
            },
        },
    },
}

PATHS = {
    "/holds": {
        "post": {
            "operationId": "createHold",
            "summary": "Keep a free time for a few minutes",
            "security": _KEY,
            "parameters": [_LANG],
            "requestBody": _body(_ref("HoldRequest")),
            "responses": {
                "201": _json("Hold", "The time is kept until expires_at"),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "409": _TAKEN,
                "413": _TOO_LARGE,
                "422": _error("not_bookable: these services cannot be booked together online"),
                "429": _TOO_MANY,
            },
        }
    },
    "/holds/{token}": {
        "delete": {
            "operationId": "deleteHold",
            "summary": "Let a held time go",
            "security": _KEY,
            "parameters": [_HOLD_TOKEN, _LANG],
            "responses": {
                "204": {"description": "The time is free again"},
                "401": _UNAUTHORIZED,
                "404": _NOT_FOUND,
            },
        }
    },
    "/appointments": {
        "post": {
            "operationId": "createAppointment",
            "summary": "Book a held time",
            "description": "Pending until the resident uses the activation link in the mail, "
            "unless the city switched activation off. The manage token is answered only here.",
            "security": _KEY,
            "parameters": [_LANG],
            "requestBody": _body(_ref("BookingRequest")),
            "responses": {
                "201": _json("Appointment", "The visit and its manage token"),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "404": _NOT_FOUND,
                "409": _REFUSED,
                "410": _error("hold_expired; alternatives lists the nearest free times"),
                "413": _TOO_LARGE,
                "422": _error("phone_required: a call back needs the resident's phone number"),
                "429": _TOO_MANY,
            },
        }
    },
    "/appointments/{token}": {
        "get": {
            "operationId": "getAppointment",
            "summary": "The visit (the manage token is the credential)",
            "security": [],
            "parameters": [_MANAGE_TOKEN, _LANG],
            "responses": {"200": _json("Appointment", "The visit"), "404": _NOT_FOUND},
        }
    },
    "/appointments/{token}/confirm": {
        "post": {
            "operationId": "confirmAppointment",
            "summary": "Activate a pending visit",
            "security": [],
            "parameters": [_MANAGE_TOKEN, _LANG],
            "requestBody": _EMPTY_BODY,
            "responses": {
                "200": _json("Appointment", "The confirmed visit"),
                "400": _BAD,
                "404": _NOT_FOUND,
                "409": _REFUSED,
                "410": _error("activation_expired: the visit gave its time back"),
            },
        }
    },
    "/appointments/{token}/move": {
        "post": {
            "operationId": "moveAppointment",
            "summary": "Move a confirmed visit to another free time",
            "security": [],
            "parameters": [_MANAGE_TOKEN, _LANG],
            "requestBody": _body(_ref("MoveRequest")),
            "responses": {
                "200": _json("Appointment", "The visit at its new time"),
                "400": _BAD,
                "404": _NOT_FOUND,
                "409": _error("slot_taken (with alternatives), too_late or not_changeable"),
                "422": _error("outside_window: a follow-up visit stays in its window"),
            },
        }
    },
    "/appointments/{token}/cancel": {
        "post": {
            "operationId": "cancelAppointment",
            "summary": "Cancel the visit",
            "security": [],
            "parameters": [_MANAGE_TOKEN, _LANG],
            "requestBody": _EMPTY_BODY,
            "responses": {
                "200": _json("Appointment", "The cancelled visit"),
                "400": _BAD,
                "404": _NOT_FOUND,
                "409": _error("too_late or not_changeable"),
            },
        }
    },
}

SECURITY_SCHEMES = {
    "ApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A key the city issued to the form engine (setting API_KEYS).",
    }
}

# Refusals that offer other times carry them beside "error".
ERROR_ALTERNATIVES = {
    "type": "array",
    "items": _ref("TimeSpan"),
    "description": "With slot_taken and hold_expired: the nearest free times, in time order.",
}
