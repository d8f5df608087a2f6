"""Pages for residents: the city hall's opening hours, its services and their free times.

The routes attach to :data:`blueprint` in :mod:`.views`, loaded by :mod:`portal.routes`.
"""

from flask import Blueprint

blueprint = Blueprint("public", __name__)
