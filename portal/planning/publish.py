"""Reviewing and publishing a plan: the visits it would strand, a proposal for each,
the planner's decisions, and the publish itself."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from ..booking.errors import BookingError
from ..booking.settings import BookingSettings
from ..extensions import db
from ..i18n import _, ngettext
from ..models import PlanStatus
from ..notifications.summary import local_date, local_moment
from ..staff import blueprint
from ..staff.access import PLANNING_ROLES, parse_id, roles_required
from ..timeutil import utcnow
from .plan_days import draft_lines, governance_lines
from .plans import plan_or_404
from .publish_operations import ASK_RESIDENT, PublishRefused, publish_plan, stranded_by_plan
from .reschedule import clean_reason


def flash_decisions(moved: int, asked: int) -> None:
    """Tell the planner what became of the stranded visits (next page's messages)."""
    if moved:
        flash(
            ngettext(
                "%(num)s afspraak ging naar een collega.",
                "%(num)s afspraken gingen naar een collega.",
                moved,
            ),
            "info",
        )
    if asked:
        flash(
            ngettext(
                "%(num)s bewoner kreeg de vraag een nieuw tijdstip te kiezen.",
                "%(num)s bewoners kregen de vraag een nieuw tijdstip te kiezen.",
                asked,
            ),
            "info",
        )


def default_reason() -> str:
    """What the resident reads as the reason, unless the planner writes another."""
    return _("De planning van het stadhuis is gewijzigd.")


def posted_decisions(visits) -> dict[int, str]:
    """The planner's choice per stranded visit from the form (``visit-<id>``): a
    colleague's id or :data:`ASK_RESIDENT`; unreadable values are left out (and then
    refused, as a missing choice)."""
    chosen = {}
    for visit in visits:
        value = request.form.get(f"visit-{visit.id}", "")
        if value == ASK_RESIDENT or parse_id(value) is not None:
            chosen[visit.id] = value
    return chosen


def _page(plan, entries, status=200, problem=None, reason=None):
    if plan.status == PlanStatus.DRAFT:
        day_lines = draft_lines(db.session, plan)
    else:
        day_lines = governance_lines(db.session, [plan]).get(plan.id, [])
    return (
        render_template(
            "staff/planning/publish.html",
            plan=plan,
            day_lines=day_lines,
            entries=entries,
            problem=problem,
            reason=default_reason() if reason is None else reason,
            ask=ASK_RESIDENT,
            local_moment=local_moment,
            local_date=local_date,
        ),
        status,
    )


@blueprint.route("/planning/beurtrol/<int:plan_id>/publiceren", methods=["GET", "POST"])
@roles_required(*PLANNING_ROLES)
def planning_publish(plan_id: int):
    """GET: the booked visits publishing would leave without their staff member, each
    with a proposal (a free, qualified colleague on duty, else asking the resident for a
    new time). POST: publish with the planner's decisions; refused with the reason when
    the list changed in the meantime or a colleague was booked."""
    plan = plan_or_404(current_user, plan_id)
    now = utcnow()
    entries = stranded_by_plan(db.session, plan, now)
    if request.method == "GET":
        return _page(plan, entries)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return _page(plan, entries, 400, _("Het formulier is verlopen. Probeer het opnieuw."))
    reason = clean_reason(request.form.get("reason", "")) or default_reason()
    if plan.status != PlanStatus.DRAFT:
        return _page(plan, entries, 409, _("Alleen een ontwerp kan gepubliceerd worden."))
    try:
        moved, asked = publish_plan(
            db.session,
            plan,
            posted_decisions(entry.visit for entry in entries),
            reason,
            current_user,
            now,
            BookingSettings.current(),
        )
    except BookingError as refusal:
        db.session.rollback()
        plan = plan_or_404(current_user, plan_id)
        entries = stranded_by_plan(db.session, plan, now)
        problem = (
            refusal.message()
            if isinstance(refusal, PublishRefused)
            else _("Een collega is intussen geboekt. Bekijk de voorstellen opnieuw.")
        )
        return _page(plan, entries, 409, problem, reason)
    db.session.commit()
    flash(_("De beurtrol is gepubliceerd. Bewoners boeken nu volgens deze planning."), "success")
    flash_decisions(moved, asked)
    return redirect(url_for("staff.planning_publish", plan_id=plan.id))
