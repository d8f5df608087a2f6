"""The public JSON API, version 1, under ``/api/v1/`` (described by ``openapi.json``).

The modules that attach routes to :data:`blueprint` are loaded by :mod:`portal.routes`.
"""

from flask import Blueprint

blueprint = Blueprint("api", __name__)
