"""The planners' start page: what there is to plan, with the state of the team's rota."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import PlanStatus, RotaPlan
from ..staff import blueprint
from ..staff.access import PLANNING_ROLES, roles_required, team_scope, visible_teams


@blueprint.route("/planning")
@roles_required(*PLANNING_ROLES)
def planning_home():
    """Links to the rota, absences, team settings, opening hours, closures and services,
    with the drafts waiting to be published in the reader's teams."""
    scope = team_scope(current_user)
    drafts = select(RotaPlan).where(RotaPlan.status == PlanStatus.DRAFT)
    if scope is not None:
        drafts = drafts.where(RotaPlan.filter_team(scope))
    return render_template(
        "staff/planning/home.html",
        drafts=db.session.scalars(drafts.order_by(RotaPlan.first_day)).all(),
        teams=visible_teams(db.session, current_user),
    )
