"""Pages for residents: the city hall's opening hours, its services and their free times."""

from flask import Blueprint

blueprint = Blueprint("public", __name__)

from . import views  # noqa: E402, F401 - registers the routes on the blueprint
