"""The public JSON API, version 1, under ``/api/v1/`` (described by ``openapi.json``)."""

from flask import Blueprint

blueprint = Blueprint("api", __name__)

from . import booking, invitations, views  # noqa: E402, F401 - registers the routes on the blueprint
