"""The workspace's start page."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from . import blueprint, navigation_for
from .access import ALL_ROLES, roles_required


@blueprint.route("/")
@roles_required(*ALL_ROLES)
def home():
    """Start page: what this person's role can do, as a list of links."""
    return render_template("staff/home.html", entries=navigation_for(current_user)[1:])
