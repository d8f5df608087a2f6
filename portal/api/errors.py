"""JSON errors of the public API: a status, a stable code and a message in the reader's
language, naming the parameter that is wrong."""

from __future__ import annotations

from flask import jsonify

from ..booking.errors import BookingError


class ApiError(Exception):
    """An error the API answers with ``{"error": {"code", "message", "parameter"}}``.

    ``extra`` adds members beside ``error`` (``alternatives`` when a time was taken).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        parameter: str | None = None,
        *,
        extra: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.extra = extra or {}

    @classmethod
    def from_booking_error(
        cls, error: BookingError, parameter: str | None = None, *, extra: dict | None = None
    ) -> ApiError:
        """The API's answer to a refused booking step: its status, code and message."""
        return cls(error.status, error.code, error.message(), parameter, extra=extra)

    def response(self):
        """The JSON response for this error."""
        body = {"code": self.code, "message": self.message}
        if self.parameter:
            body["parameter"] = self.parameter
        return jsonify(error=body, **self.extra), self.status


def error_response(status: int, code: str, message: str):
    """A JSON error response for errors raised outside the API's own checks (404, 405, 500)."""
    return ApiError(status, code, message).response()
