"""Error pages: JSON under ``/api/``, a page in the reader's language everywhere else.

No input may end in a bare 500: every HTTP error, and any unexpected exception, gets an
answer a person (or a program) can understand.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .api.errors import error_response
from .i18n import _
from .unavailable import register_unavailable_handler


def _messages() -> dict[int, tuple[str, str, str]]:
    """Per status: the API's error code, a title and an explanation, translated now."""
    return {
        400: ("bad_request", _("Ongeldige aanvraag"), _("De aanvraag kon niet gelezen worden.")),
        404: (
            "not_found",
            _("Pagina niet gevonden"),
            _("Deze pagina bestaat niet (meer). Controleer het adres of ga naar de startpagina."),
        ),
        405: (
            "method_not_allowed",
            _("Niet toegestaan"),
            _("Deze actie is op dit adres niet mogelijk."),
        ),
        414: (
            "uri_too_long",
            _("Adres te lang"),
            _("Dit adres is te lang om te lezen. Begin opnieuw vanaf de startpagina."),
        ),
        500: (
            "server_error",
            _("Er ging iets mis"),
            _("Er ging bij ons iets mis. Probeer het over enkele minuten opnieuw."),
        ),
    }


def _answer(status: int):
    """Answer ``status`` as JSON for the API, or as a page for people."""
    messages = _messages()
    code, title, text = messages.get(status, messages[400 if status < 500 else 500])
    if request.path.startswith("/api/"):
        return error_response(status, code, text)
    return render_template("errors/error.html", title=title, text=text, status=status), status


def register_error_handlers(app: Flask) -> None:
    """Install the handlers for every HTTP error and for unexpected exceptions."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        response = app.make_response(_answer(error.code or 500))
        # The error's own headers stay: Allow on a 405, WWW-Authenticate, Retry-After.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError):
        app.logger.error("unexpected error", exc_info=error.original_exception or error)
        return _answer(500)

    register_unavailable_handler(app)  # 503 while the database is away
