"""Dossiers and follow-up visits, for the clerks who follow residents' cases up.

A blueprint of its own, nested under the staff workspace (``/medewerkers/dossiers``), so
sign-in, the idle timeout and the menu are the workspace's. It nests itself once, when
first imported (Flask refuses setup calls on a blueprint once an app has it); the app
factory loads the pages (:mod:`portal.routes`) before it registers the workspace. The
workspace never imports this package, so there is no import circle.
"""

from flask import Blueprint

from ..staff import blueprint as staff_blueprint

blueprint = Blueprint("dossiers", __name__, url_prefix="/dossiers")
staff_blueprint.register_blueprint(blueprint)
