"""JSON errors of the public API: a status, a stable code and a message in the reader's
language, naming the parameter that is wrong."""

from __future__ import annotations

from flask import jsonify


class ApiError(Exception):
    """An error the API answers with ``{"error": {"code", "message", "parameter"}}``."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter

    def response(self):
        """The JSON response for this error."""
        body = {"code": self.code, "message": self.message}
        if self.parameter:
            body["parameter"] = self.parameter
        return jsonify(error=body), self.status


def error_response(status: int, code: str, message: str):
    """A JSON error response for errors raised outside the API's own checks (404, 405, 500)."""
    return ApiError(status, code, message).response()
