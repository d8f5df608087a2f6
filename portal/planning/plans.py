"""The planners' rota pages: the list of plans, generating a new one, and a plan's page
with its report and week grid, where a draft is edited by hand.

Endpoints (all on the staff blueprint, planners and administrators only):

* ``staff.planning_plans`` (GET ``/medewerkers/planning/beurtrol``): the plans of the
  reader's team (administrators: every team, or the one picked).
* ``staff.planning_plan_new`` (GET/POST ``…/beurtrol/nieuw``): generate a draft.
* ``staff.planning_plan`` (GET ``…/beurtrol/<id>?week=N``): report and week grid.
* ``staff.planning_plan_assign`` / ``_unassign`` / ``_swap`` / ``_discard`` (POST):
  hand edits of a draft, each audited, each back to the same week with a message.

A draft changes nothing residents can book: only publishing (``staff.planning_publish``)
turns a plan into ``shift`` rows. A planner works on their own team only; another
team's plan answers 404, like one that does not exist.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from ..extensions import db
from ..i18n import _, _l, current_language
from ..models import AuditAction, PlanStatus, RotaPlan, StaffMember
from ..models.base import MAX_ID
from ..notifications.summary import local_date
from ..staff import blueprint
from ..staff.access import (
    PLANNING_ROLES,
    can_see_team,
    listed_team,
    parse_id,
    roles_required,
    team_scope,
    visible_teams,
)
from ..staff.audit import record
from ..timeutil import local_today, utcnow
from .plan_days import draft_lines, governance_lines
from .plan_edits import EditRefused, assign, discard, swap, unassign
from .plan_forms import NewPlanForm, SwapForm, TurnEditForm
from .plan_grid import find_slot, turn_label, week_count, week_grid, week_of
from .plan_report import report_view
from .rota_data import generate_plan, plan_slots

# What each status is called on the pages.
STATUS_LABELS = {
    PlanStatus.DRAFT: _l("Ontwerp"),
    PlanStatus.PUBLISHED: _l("Gepubliceerd"),
    PlanStatus.DISCARDED: _l("Verworpen"),
}


def plan_or_404(member: StaffMember, plan_id: int) -> RotaPlan:
    """Plan ``plan_id`` if ``member`` may see its team; 404 otherwise."""
    if not 0 < plan_id <= MAX_ID:
        abort(404)
    plan = db.session.get(RotaPlan, plan_id)
    if plan is None or not can_see_team(member, plan.team_id):
        abort(404)
    return plan


def _member() -> StaffMember:
    return current_user._get_current_object()


@blueprint.route("/planning/beurtrol")
@roles_required(*PLANNING_ROLES)
def planning_plans():
    """The plans of the reader's team, newest period first, each published one with the
    days it governs; administrators see every team's, or one team's with ``?team=``."""
    member = _member()
    chosen = listed_team(db.session, member, request.args.get("team"))
    teams = visible_teams(db.session, member)
    team_ids = [chosen.id] if chosen is not None else [team.id for team in teams]
    plans = db.session.scalars(
        RotaPlan.listed(team_ids).options(
            joinedload(RotaPlan.team),
            joinedload(RotaPlan.created_by),
            joinedload(RotaPlan.published_by),
        )
    ).all()
    return render_template(
        "staff/planning/plans.html",
        plans=plans,
        teams=teams,
        chosen=chosen,
        picker=team_scope(member) is None,
        weeks={plan.id: week_count(plan) for plan in plans},
        statuses=STATUS_LABELS,
        days=governance_lines(db.session, plans),
    )


def _next_monday():
    today = local_today()
    return today + timedelta(days=7 - today.weekday())


@blueprint.route("/planning/beurtrol/nieuw", methods=["GET", "POST"])
@roles_required(*PLANNING_ROLES)
def planning_plan_new():
    """Generate a draft plan: team (administrators pick one), first Monday, weeks and the
    target share; then to the new plan's page."""
    member = _member()
    teams = visible_teams(db.session, member)
    language = current_language()
    form = NewPlanForm()
    form.today = local_today()
    own_team = next((team for team in teams if team.id == member.team_id), teams[0])
    if team_scope(member) is None:
        form.team.choices = [SelectChoice(str(team.id), team.name(language)) for team in teams]
    else:
        del form.team
    if not form.is_submitted():
        if "team" in form:
            form.team.data = str(own_team.id)
        form.first_day.data = _next_monday()
        form.target.data = own_team.counter_target_percent
    problem = None
    if form.validate_on_submit():
        team = own_team
        if "team" in form:
            team = next(team for team in teams if str(team.id) == form.team.data)
        target = form.target.data
        if target is None:
            target = team.counter_target_percent
        try:
            plan = generate_plan(
                db.session, team, form.first_day.data, form.weeks.data, target, member, utcnow()
            )
        except ValueError:
            db.session.rollback()
            problem = _("Dit plan kan niet gemaakt worden. Kies een maandag na vandaag.")
        else:
            record(
                db.session,
                member,
                AuditAction.CHANGE,
                "rota.generate",
                team_id=team.id,
                detail={
                    "plan": plan.id,
                    "first_day": plan.first_day.isoformat(),
                    "weeks": form.weeks.data,
                    "target_percent": target,
                },
            )
            db.session.commit()
            flash(_("Het ontwerp is klaar. Kijk het na voor u het publiceert."), "success")
            return redirect(url_for("staff.planning_plan", plan_id=plan.id))
    status = 400 if form.is_submitted() and (form.errors or problem) else 200
    return render_template(
        "staff/planning/plan_new.html",
        form=form,
        team=own_team if "team" not in form else None,
        problem=problem,
    ), status


def _person_choices(rows) -> list[SelectChoice]:
    return [SelectChoice(str(row.person.id), row.person.name) for row in rows]


@blueprint.route("/planning/beurtrol/<int:plan_id>")
@roles_required(*PLANNING_ROLES)
def planning_plan(plan_id: int):
    """A plan: the days it governs (a draft: what publishing it would end), its report
    (people, shortages, uncovered wishes) and the grid of one week, with the hand edits
    when it is a draft."""
    member = _member()
    plan = plan_or_404(member, plan_id)
    slots = plan_slots(db.session, plan)
    raw_week = request.args.get("week", "").strip()
    week = parse_id(raw_week) if raw_week else 1
    problem = None
    if week is None or week > week_count(plan):
        problem = _("Deze week hoort niet bij het plan. U ziet de eerste week.")
        week = 1
    grid = week_grid(db.session, plan, slots, week)
    swap_form = SwapForm(week=str(grid.week))
    people = _person_choices(grid.rows)
    turns = [SelectChoice(column.key, column.label) for column in grid.columns]
    swap_form.first_person.choices = people
    swap_form.second_person.choices = people
    swap_form.first_turn.choices = turns
    swap_form.second_turn.choices = turns
    draft = plan.status == PlanStatus.DRAFT
    if draft:
        day_lines = draft_lines(db.session, plan)
    else:
        day_lines = governance_lines(db.session, [plan]).get(plan.id, [])
    return render_template(
        "staff/planning/plan.html",
        plan=plan,
        day_lines=day_lines,
        grid=grid,
        report=report_view(db.session, plan.report),
        draft=draft,
        statuses=STATUS_LABELS,
        swap_form=swap_form,
        problem=problem,
    ), (400 if problem else 200)


def _back(plan: RotaPlan, week: int | None):
    return redirect(url_for("staff.planning_plan", plan_id=plan.id, week=week or 1))


def _form_week(plan: RotaPlan, raw: str | None) -> int:
    week = parse_id(raw)
    return week if week is not None and week <= week_count(plan) else 1


def _person(plan: RotaPlan, raw: str | None) -> StaffMember:
    """The person a form names, of the plan's team; refused otherwise."""
    person_id = parse_id(raw)
    person = db.session.get(StaffMember, person_id) if person_id is not None else None
    if person is None or person.team_id != plan.team_id:
        raise EditRefused(_("Kies een medewerker van het team uit de lijst."))
    return person


def _slot(plan: RotaPlan, slots, raw: str | None):
    """The turn a form names, of the plan's period; refused otherwise."""
    slot = find_slot(slots, raw)
    if slot is None:
        raise EditRefused(_("Deze beurt hoort niet bij het plan. Kies een beurt uit het rooster."))
    return slot


def _audit(member: StaffMember, plan: RotaPlan, subject: str, **detail) -> None:
    record(
        db.session,
        member,
        AuditAction.CHANGE,
        subject,
        team_id=plan.team_id,
        detail={"plan": plan.id, **detail},
    )


def _refused(plan: RotaPlan, week: int, message: str):
    db.session.rollback()
    flash(message, "error")
    return _back(plan, week)


def _edit_person_turn(plan_id: int, change, subject: str, message):
    """One person on one turn of a draft: read the form, ``change(plan, person, turn)``,
    audit it as ``subject``, commit, and tell the planner ``message(person, turn,
    outcome)``; a refusal changes nothing and says why."""
    member = _member()
    plan = plan_or_404(member, plan_id)
    form = TurnEditForm()
    week = _form_week(plan, form.week.data)
    try:
        person = _person(plan, form.person.data)
        slot = _slot(plan, plan_slots(db.session, plan), form.turn.data)
        week = week_of(plan, slot.day)
        outcome = change(plan, person, slot)
    except EditRefused as refusal:
        return _refused(plan, week, refusal.message)
    _audit(member, plan, subject, person=person.id, turn=slot.start.isoformat())
    db.session.commit()
    flash(message(person, slot, outcome), "success")
    return _back(plan, week)


@blueprint.route("/planning/beurtrol/<int:plan_id>/plaatsen", methods=["POST"])
@roles_required(*PLANNING_ROLES)
def planning_plan_assign(plan_id: int):
    """Put a person on a turn of a draft, at a free counter of the team."""
    return _edit_person_turn(
        plan_id,
        lambda plan, person, slot: assign(db.session, plan, person, slot),
        "rota.assign",
        lambda person, slot, number: _(
            "%(name)s staat op %(turn)s aan balie %(number)s.",
            name=person.name,
            turn=turn_label(slot),
            number=number,
        ),
    )


@blueprint.route("/planning/beurtrol/<int:plan_id>/weghalen", methods=["POST"])
@roles_required(*PLANNING_ROLES)
def planning_plan_unassign(plan_id: int):
    """Take a person off a turn of a draft: that time becomes back office."""
    return _edit_person_turn(
        plan_id,
        lambda plan, person, slot: unassign(db.session, plan, person, slot),
        "rota.unassign",
        lambda person, slot, _outcome: _(
            "%(name)s staat niet meer op %(turn)s en doet dan backoffice.",
            name=person.name,
            turn=turn_label(slot),
        ),
    )


@blueprint.route("/planning/beurtrol/<int:plan_id>/ruilen", methods=["POST"])
@roles_required(*PLANNING_ROLES)
def planning_plan_swap(plan_id: int):
    """Swap two people's turns in a draft."""
    member = _member()
    plan = plan_or_404(member, plan_id)
    form = SwapForm()
    week = _form_week(plan, form.week.data)
    try:
        first = _person(plan, form.first_person.data)
        second = _person(plan, form.second_person.data)
        slots = plan_slots(db.session, plan)
        first_slot = _slot(plan, slots, form.first_turn.data)
        second_slot = _slot(plan, slots, form.second_turn.data)
        week = week_of(plan, first_slot.day)
        swap(db.session, plan, first, first_slot, second, second_slot)
    except EditRefused as refusal:
        return _refused(plan, week, refusal.message)
    _audit(
        member,
        plan,
        "rota.swap",
        people=[first.id, second.id],
        turns=[first_slot.start.isoformat(), second_slot.start.isoformat()],
    )
    db.session.commit()
    flash(
        _(
            "Geruild: %(first)s neemt %(second_turn)s, %(second)s neemt %(first_turn)s.",
            first=first.name,
            second=second.name,
            first_turn=turn_label(first_slot),
            second_turn=turn_label(second_slot),
        ),
        "success",
    )
    return _back(plan, week)


@blueprint.route("/planning/beurtrol/<int:plan_id>/verwerpen", methods=["GET", "POST"])
@roles_required(*PLANNING_ROLES)
def planning_plan_discard(plan_id: int):
    """Discard a draft: it stays on the list, read-only, and is never published. The
    page asks first (and a form sent without the answer "yes" asks again)."""
    member = _member()
    plan = plan_or_404(member, plan_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template(
            "staff/planning/plan_discard.html",
            plan=plan,
            draft=plan.status == PlanStatus.DRAFT,
            local_date=local_date,
        )
    try:
        discard(db.session, plan)
    except EditRefused as refusal:
        return _refused(plan, 1, refusal.message)
    _audit(member, plan, "rota.discard")
    db.session.commit()
    flash(
        _("Het ontwerp is verworpen. Het blijft leesbaar, maar wordt nooit gepubliceerd."),
        "success",
    )
    return redirect(url_for("staff.planning_plans"))
