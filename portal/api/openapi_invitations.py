"""The invitations part of the OpenAPI document: the case software invites, the
invitation's token shows its free times and books one."""

from __future__ import annotations

_TIME = {"type": "string", "format": "date-time"}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TOKEN = {"type": "string", "minLength": 20, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"}
_LANGUAGES = ["nl", "fr", "de", "en", "ar", "ru", "uk", "tr"]
_DOSSIER = {"type": "string", "pattern": "^D-[A-Z0-9]{7}$", "description": "A dossier reference."}
_TEXTS = {"type": "object", "additionalProperties": {"type": "string"}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_LANG = {
    "name": "lang",
    "in": "query",
    "description": "Language of the messages and service names (otherwise Accept-Language, "
    "otherwise Dutch; names default to the resident's language). Any other value "
    "is refused: 400 invalid_parameter.",
    "schema": {"type": "string", "enum": _LANGUAGES},
}
_INVITATION_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": "The invitation's token, as answered when it was made (and in its mail). "
    "It is the credential: no API key is needed.",
    "schema": _TOKEN,
}
_BAD = _error("The body or a parameter is wrong (the parameter is named)")
_NOT_FOUND = _error("unknown_invitation: unknown or garbled token")
_USED = _error("invitation_used: the invitation already booked a visit")
_CLOSED = _error("invitation_closed: the invitation ran out or was withdrawn")
_OUTSIDE = _error("outside_window: the date or time lies outside the invitation's window")
_TOO_MANY = _error("rate_limited: too many requests from this client (Retry-After)")

_INVITE_DESCRIPTION = (
    "Only for API clients allowed to invite: the client's name (a key of the API_KEYS "
    "setting) must be listed in the API_INVITE_CLIENTS setting "
    "(PORTAL_API_INVITE_CLIENTS='[\"zaaksysteem\"]'); other keys get 403. "
    "Without dossier a new dossier of the services' team is opened for the resident, owned "
    "by staff_email, of the kind subject (the code of one of the team's dossier subjects). "
    "With dossier (an open dossier of the same team) subject and resident may be left out; "
    "staff_email defaults to the dossier's owner, and a resident given replaces the "
    "dossier's name, e-mail address, phone and mail language. The invitation is mailed in "
    "the resident's language when there is an e-mail address (mailed); its link works "
    "once, until the end of the window's last day. Refusals name the parameter: "
    "unknown_service, several_teams, not_bookable (service_ids); unknown_staff, other_team, "
    "not_qualified (staff_email); unknown_subject, subject_mismatch (subject); "
    "unknown_dossier, other_team, dossier_closed (dossier); reversed_window, past_window, "
    "window_too_long (latest); invalid_parameter (resident.language), missing_parameter "
    "(resident.name)."
)

SCHEMAS = {
    "InvitationRequest": {
        "type": "object",
        "required": ["service_ids", "earliest", "latest"],
        "additionalProperties": False,
        "properties": {
            "service_ids": {
                "type": "array",
                "minItems": 1,
                "maxItems": 4,
                "items": {"type": "integer", "minimum": 1},
                "description": "Services of one team (also invitation-only ones), one visit.",
            },
            "persons": {"type": "integer", "minimum": 1, "default": 1},
            "earliest": {**_DATE, "description": "First day the visit may be (Brussels)."},
            "latest": {**_DATE, "description": "Last day, inclusive; at most a year ahead."},
            "staff_email": {
                "type": "string",
                "format": "email",
                "description": "The clerk the visit is with (qualified for every service). "
                "Required without dossier; default: the dossier's owner.",
            },
            "any_colleague": {
                "type": "boolean",
                "default": False,
                "description": "Any qualified clerk of the team may take the visit.",
            },
            "subject": {
                "type": "string",
                "maxLength": 60,
                "description": "Code of the team's dossier subject; required without dossier.",
            },
            "dossier": {**_DOSSIER, "description": "An open dossier of the services' team."},
            "resident": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "description": "Required without dossier.",
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 120},
                    "email": {
                        "type": ["string", "null"],
                        "format": "email",
                        "maxLength": 254,
                        "description": "Without it nothing is mailed: deliver url yourself.",
                    },
                    "language": {
                        "type": "string",
                        "enum": _LANGUAGES,
                        "default": "nl",
                        "description": "Language of the mails and the invitation page.",
                    },
                    "phone": {"type": ["string", "null"], "pattern": r"^[0-9 +()./-]{6,40}$"},
                },
            },
        },
    },
    "InvitationCreated": {
        "type": "object",
        "required": ["invitation"],
        "properties": {
            "invitation": {
                "type": "object",
                "required": ["token", "url", "earliest", "latest", "expires_at", "dossier"],
                "properties": {
                    "token": {**_TOKEN, "description": "Shown only here; keep it secret."},
                    "url": {"type": "string", "description": "The resident's invitation page."},
                    "earliest": _DATE,
                    "latest": _DATE,
                    "expires_at": _TIME,
                    "dossier": _DOSSIER,
                    "mailed": {
                        "type": "boolean",
                        "description": "Whether the portal mails the invitation.",
                    },
                },
            }
        },
    },
    "Invitation": {
        "type": "object",
        "required": ["invitation"],
        "properties": {
            "invitation": {
                "type": "object",
                "required": [
                    "state",
                    "earliest",
                    "latest",
                    "expires_at",
                    "services",
                    "persons",
                    "dossier",
                    "subject",
                    "appointment",
                ],
                "properties": {
                    "state": {"type": "string", "enum": ["open", "used", "expired", "revoked"]},
                    "earliest": _DATE,
                    "latest": _DATE,
                    "expires_at": _TIME,
                    "services": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name"],
                            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                        },
                    },
                    "persons": {"type": "integer", "minimum": 1},
                    "any_colleague": {"type": "boolean"},
                    "language": {"type": "string", "enum": _LANGUAGES},
                    "dossier": _DOSSIER,
                    "subject": {
                        "type": "object",
                        "required": ["code", "names"],
                        "properties": {
                            "code": {"type": "string"},
                            "names": {**_TEXTS, "description": "Per language code."},
                        },
                    },
                    "appointment": {
                        "description": "The visit it booked, once used.",
                        "oneOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "required": ["reference", "status", "start", "end"],
                                "properties": {
                                    "reference": {"type": "string"},
                                    "status": {"type": "string"},
                                    "start": _TIME,
                                    "end": _TIME,
                                },
                            },
                        ],
                    },
                },
            }
        },
    },
    "InvitationDays": {
        "type": "object",
        "required": ["from", "to", "persons", "days"],
        "properties": {
            "from": _DATE,
            "to": _DATE,
            "persons": {"type": "integer"},
            "days": {"type": "array", "items": _DATE},
        },
    },
    "InvitationSlots": {
        "type": "object",
        "required": ["date", "persons", "slots"],
        "properties": {
            "date": _DATE,
            "persons": {"type": "integer"},
            "slots": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["start", "end", "capacity"],
                    "properties": {
                        "start": _TIME,
                        "end": _TIME,
                        "capacity": {"type": "integer", "minimum": 1},
                    },
                },
            },
        },
    },
    "InvitationBooking": {
        "type": "object",
        "required": ["start"],
        "additionalProperties": False,
        "properties": {"start": {**_TIME, "description": "A free start time, with its offset."}},
    },
    "BookedInvitation": {
        "type": "object",
        "required": ["appointment", "manage_token"],
        "properties": {
            "appointment": {
                "allOf": [
                    {"$ref": "#/components/schemas/Appointment/properties/appointment"},
                    {
                        "type": "object",
                        "required": ["token", "reference", "dossier"],
                        "properties": {
                            "token": {
                                **_TOKEN,
                                "description": "The visit's manage token (only here).",
                            },
                            "dossier": _DOSSIER,
                        },
                    },
                ]
            },
            "manage_token": {**_TOKEN, "description": "The same as appointment.token."},
        },
    },
}

PATHS = {
    "/invitations": {
        "post": {
            "operationId": "createInvitation",
            "summary": "Invite a resident to a follow-up visit (the city's case software)",
            "description": _INVITE_DESCRIPTION,
            "security": [{"ApiKey": []}],
            "parameters": [_LANG],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("InvitationRequest")}},
            },
            "responses": {
                "201": _json("InvitationCreated", "The invitation, its token and link"),
                "400": _BAD,
                "401": _error("No valid X-API-Key header"),
                "403": _error("not_allowed_to_invite: this key may not invite"),
                "413": _error("The body is larger than 16 KB"),
                "422": _error(
                    "A service, clerk, subject, dossier or window that cannot be "
                    "used (the parameter is named)"
                ),
                "429": _TOO_MANY,
            },
        }
    },
    "/invitations/{token}": {
        "get": {
            "operationId": "getInvitation",
            "summary": "The invitation (its token is the credential)",
            "security": [],
            "parameters": [_INVITATION_TOKEN, _LANG],
            "responses": {"200": _json("Invitation", "The invitation"), "404": _NOT_FOUND},
        }
    },
    "/invitations/{token}/days": {
        "get": {
            "operationId": "listInvitationDays",
            "summary": "Dates inside the window with a free time of the invitation's clerk",
            "security": [],
            "parameters": [
                _INVITATION_TOKEN,
                {
                    "name": "from",
                    "in": "query",
                    "description": "First date (default: the window's first day, or today).",
                    "schema": _DATE,
                },
                {
                    "name": "to",
                    "in": "query",
                    "description": "Last date, inclusive (default: the window's last day, "
                    "at most API_MAX_RANGE_DAYS after from). Dates outside the window are "
                    "never listed.",
                    "schema": _DATE,
                },
                _LANG,
            ],
            "responses": {
                "200": _json("InvitationDays", "The dates with a free time"),
                "400": _BAD,
                "404": _NOT_FOUND,
                "409": _USED,
                "410": _CLOSED,
            },
        }
    },
    "/invitations/{token}/slots": {
        "get": {
            "operationId": "listInvitationSlots",
            "summary": "Free times of one date with the invitation's clerk",
            "description": "Reserved counter time is included: it is kept for invitations.",
            "security": [],
            "parameters": [
                _INVITATION_TOKEN,
                {"name": "date", "in": "query", "required": True, "schema": _DATE},
                _LANG,
            ],
            "responses": {
                "200": _json("InvitationSlots", "The free times"),
                "400": _BAD,
                "404": _NOT_FOUND,
                "409": _USED,
                "410": _CLOSED,
                "422": _OUTSIDE,
            },
        }
    },
    "/invitations/{token}/book": {
        "post": {
            "operationId": "bookInvitation",
            "summary": "Book a free time of the invitation (works once)",
            "description": "Confirmed at once with the dossier's details; the resident gets "
            "the confirmation mail, the dossier's clerk a notification.",
            "security": [],
            "parameters": [_INVITATION_TOKEN, _LANG],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("InvitationBooking")}},
            },
            "responses": {
                "201": _json("BookedInvitation", "The visit and its manage token"),
                "400": _BAD,
                "404": _NOT_FOUND,
                "409": _error(
                    "invitation_used, or slot_taken (alternatives lists the nearest free "
                    "times inside the window)"
                ),
                "410": _CLOSED,
                "413": _error("The body is larger than 16 KB"),
                "422": _OUTSIDE,
                "429": _TOO_MANY,
            },
        }
    },
}
