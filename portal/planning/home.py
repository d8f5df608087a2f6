"""The planners' start page: what there is to plan, with the state of the team's rota:
the published plans that govern today or later (and which days each governs), and the
drafts waiting to be published."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import PlanStatus, RotaPlan
from ..staff import blueprint
from ..staff.access import PLANNING_ROLES, roles_required, team_scope, visible_teams
from ..timeutil import local_today
from .plan_days import governance_lines, governing_plans


@blueprint.route("/planning")
@roles_required(*PLANNING_ROLES)
def planning_home():
    """Links to the rota, absences, team settings, opening hours, closures and services,
    with the reader's teams' current rota (the published plans governing today or later,
    with their days) and the drafts waiting to be published."""
    scope = team_scope(current_user)
    teams = visible_teams(db.session, current_user)
    drafts = select(RotaPlan).where(RotaPlan.status == PlanStatus.DRAFT)
    if scope is not None:
        drafts = drafts.where(RotaPlan.filter_team(scope))
    current = governing_plans(db.session, [team.id for team in teams], local_today())
    return render_template(
        "staff/planning/home.html",
        drafts=db.session.scalars(drafts.order_by(RotaPlan.first_day)).all(),
        current=current,
        days=governance_lines(db.session, current),
        teams=teams,
    )
