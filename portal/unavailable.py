"""When the database cannot be reached: 503 with ``Retry-After``, in the reader's language.

A database that restarts, a connection the server cut, a pool with no connection left or
a SQLite file that stays locked is no fault of the reader's request: pages and the API
answer ``503 Service Unavailable`` with ``Retry-After`` (``UNAVAILABLE_RETRY_AFTER_SECONDS``)
and the request's session is rolled back. Programming errors that happen to share an
exception class (SQLite reports a misspelt table as an ``OperationalError`` too) stay
500s. The answer needs no database: the page is rendered without the context processors
(one of them loads the signed-in member), and if even that fails, a plain page in the
reader's language is sent. After the outage, PostgreSQL's ``pool_pre_ping``
(:func:`portal.config.engine_options`) replaces the connections that died with it.
"""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, current_app, request
from markupsafe import escape
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .api.errors import error_response
from .extensions import db
from .i18n import LANGUAGES, _, current_language, text_direction

log = logging.getLogger(__name__)

# The exception classes a lost or busy database raises (checked further by
# :func:`is_database_unavailable`).
CONNECTION_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)
# SQLite's words for "busy or unreachable", as opposed to "your SQL is wrong".
SQLITE_UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
)
ERROR_CODE = "unavailable"


def is_database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot serve right now (not a bug).

    Pool timeouts and disconnections always do; a driver error does when SQLAlchemy saw
    the connection die, when PostgreSQL's driver reports an operational or interface
    error, or when SQLite says it is locked or cannot open its file.
    """
    if isinstance(error, DisconnectionError | PoolTimeoutError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.Error):
        message = str(error.orig).lower()
        return isinstance(error, OperationalError) and any(
            words in message for words in SQLITE_UNAVAILABLE
        )
    return isinstance(error, OperationalError | InterfaceError)


def _texts() -> tuple[str, str]:
    """The title and explanation of the answer, in the reader's language."""
    return (
        _("De dienst is even niet beschikbaar"),
        _("We kunnen uw aanvraag nu niet verwerken. Probeer het over enkele ogenblikken opnieuw."),
    )


def _plain_page(title: str, text: str, language: str) -> str:
    """A minimal page that needs nothing but the texts: the last resort."""
    return (
        f'<!doctype html>\n<html lang="{escape(language)}" dir="{text_direction(language)}">'
        f'<head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>\n"
    )


def _page(title: str, text: str) -> str:
    """The usual error page, rendered without the context processors (they may query);
    the plain page if even that fails."""
    language = current_language()
    try:
        template = current_app.jinja_env.get_template("errors/error.html")
        return template.render(
            title=title,
            text=text,
            status=503,
            language=language,
            text_direction=text_direction(language),
            languages=LANGUAGES,
        )
    except Exception:  # the page must come out, whatever else is broken
        log.exception("the 503 page could not be rendered; sending the plain one")
        return _plain_page(title, text, language)


def _rollback() -> None:
    """Roll the request's session back; a dead connection may refuse even that."""
    try:
        db.session.rollback()
    except Exception:  # nothing more to undo on a connection that is gone
        log.debug("rollback after a database outage failed", exc_info=True)


def unavailable_response():
    """The 503 answer: JSON ``unavailable`` under ``/api/``, a page elsewhere; both with
    ``Retry-After``."""
    _rollback()
    title, text = _texts()
    if request.path.startswith("/api/"):
        response, status = error_response(503, ERROR_CODE, text)
    else:
        response = current_app.response_class(_page(title, text), mimetype="text/html")
        status = 503
    response.status_code = status
    response.headers["Retry-After"] = str(
        int(current_app.config.get("UNAVAILABLE_RETRY_AFTER_SECONDS") or 30)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def register_unavailable_handler(app: Flask) -> None:
    """Answer database outages with 503; leave every other database error to the 500
    handler (re-raised, so it is logged and answered as any unexpected error)."""

    def _database_error(error: Exception):
        if not is_database_unavailable(error):
            raise error
        # The driver's words only: the statement's parameters may hold personal data.
        log.warning("database unavailable: %s", getattr(error, "orig", None) or error)
        return unavailable_response()

    for error_class in CONNECTION_ERRORS:
        app.register_error_handler(error_class, _database_error)
