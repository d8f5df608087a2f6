"""The planners' absences page (``/medewerkers/planning/afwezigheden``): leave, training
and illness of the team's people, adding one and deleting one.

Endpoints (staff blueprint; planners for their own team, administrators for every team):

* ``staff.planning_absences`` (GET): the absences from today on; administrators see
  every team's, or one team's with ``?team=``.
* ``staff.planning_absence_new`` (GET/POST ``…/nieuw``): add an absence. When it
  touches booked visits of that person, a review lists each with a proposal (a free,
  qualified colleague on duty then, or asking the resident for a new time), and only the
  confirmation saves the absence and carries out the planner's choices, all in one
  transaction. Nothing booked is cancelled.
* ``staff.planning_absence_delete`` (POST ``…/<id>/verwijderen``): delete an absence.

The published rota stays as it is: an absence only takes the person out of the free
times (:mod:`portal.availability` leaves absent people out).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..booking.errors import BookingError
from ..booking.settings import BookingSettings
from ..extensions import db
from ..i18n import _
from ..models import Absence, StaffMember, Team
from ..notifications.summary import local_moment
from ..staff import blueprint
from ..staff.access import (
    PLANNING_ROLES,
    chosen_team,
    listed_team,
    parse_id,
    roles_required,
    team_scope,
    visible_teams,
)
from ..timeutil import local_today, start_of_local_day, to_local, utcnow
from .absence_forms import KIND_LABELS, AbsenceForm, AbsenceInput
from .absence_operations import (
    AbsenceRefused,
    AbsenceReview,
    absence_of_team,
    create_absence,
    delete_absence,
    overlapping_absence,
    review_absence,
    team_people,
)
from .calendar_forms import posted_values, problem_list
from .colleagues import ASK_RESIDENT
from .publish import flash_decisions, posted_decisions


def absence_period(starts_at: datetime, ends_at: datetime) -> str:
    """An absence's span as people read it, in Brussels time: whole days as dates, a
    part of a day as that day with its hours."""
    start, end = to_local(starts_at), to_local(ends_at)
    if start.time() == time(0) and end.time() == time(0):
        first, last = start.date(), end.date() - timedelta(days=1)
        if first >= last:
            return format_date(first, "full")
        return _(
            "van %(first)s tot en met %(last)s",
            first=format_date(first, "full"),
            last=format_date(last, "full"),
        )
    if start.date() == end.date():
        return _(
            "%(day)s, van %(start)s tot %(end)s",
            day=format_date(start.date(), "full"),
            start=format_time(starts_at, "short"),
            end=format_time(ends_at, "short"),
        )
    return _("van %(start)s tot %(end)s", start=local_moment(starts_at), end=local_moment(ends_at))


def _picker() -> bool:
    """Whether the reader works for every team (administrators): they pick one."""
    return team_scope(current_user) is None


def _list_url(team_id: int | None) -> str:
    """The list of absences, of one team for administrators when they looked at one."""
    return url_for("staff.planning_absences", team=team_id if _picker() else None)


@blueprint.get("/planning/afwezigheden", endpoint="planning_absences")
@roles_required(*PLANNING_ROLES)
def absences():
    """The team's absences from today on: person, kind, from–to (Brussels), note and a
    button to delete each; administrators see every team's, or the one picked."""
    chosen = listed_team(db.session, current_user, request.args.get("team"))
    teams = visible_teams(db.session, current_user)
    team_ids = [chosen.id] if chosen is not None else [team.id for team in teams]
    today = local_today(utcnow())
    rows = db.session.scalars(
        select(Absence)
        .where(
            Absence.filter_teams(team_ids),
            Absence.ends_at > start_of_local_day(today),
        )
        .options(joinedload(Absence.staff).joinedload(StaffMember.team))
        .order_by(Absence.starts_at, Absence.id)
    ).all()
    return render_template(
        "staff/planning/absences.html",
        lines=[(absence, absence_period(absence.starts_at, absence.ends_at)) for absence in rows],
        kind_labels=KIND_LABELS,
        teams=teams,
        chosen=chosen,
        picker=_picker(),
        new_team=chosen or next(t for t in teams if t.id == current_user.team_id),
        today=today,
    )


def _new_url(team: Team) -> str:
    """Where the absence form is sent (administrators: with the team picked)."""
    return url_for("staff.planning_absence_new", team=team.id if _picker() else None)


def _form_page(form: AbsenceForm, team: Team, status: int = 200):
    """The absence form with its problems."""
    return render_template(
        "staff/planning/absence_form.html",
        form=form,
        team=team,
        teams=visible_teams(db.session, current_user) if _picker() else [],
        problems=problem_list(form),
        action=_new_url(team),
    ), status


def _review_page(form, team, data: AbsenceInput, review: AbsenceReview, status=200, **extra):
    """The visits the absence touches, each with its choices (the planner's earlier
    choice where it is still offered, else the proposal), and the confirmation."""
    earlier = extra.pop("decisions", {})
    chosen = {}
    for entry in review.entries:
        offered = {ASK_RESIDENT, *(str(person.id) for person in entry.candidates)}
        previous = earlier.get(entry.visit.id)
        chosen[entry.visit.id] = previous if previous in offered else entry.proposal
    return render_template(
        "staff/planning/absence_review.html",
        team=team,
        person=form.chosen_person,
        kind_label=KIND_LABELS[data.kind],
        period=absence_period(data.starts_at, data.ends_at),
        data=data,
        review=review,
        chosen=chosen,
        ask=ASK_RESIDENT,
        values=posted_values(form),
        action=_new_url(team),
        local_moment=local_moment,
        **extra,
    ), status


def _flash_saved(name: str, moved: int, asked: int) -> None:
    """What happened, for the next page."""
    flash(_("De afwezigheid van %(name)s is bewaard.", name=name), "success")
    flash_decisions(moved, asked)


@blueprint.route(
    "/planning/afwezigheden/nieuw", methods=["GET", "POST"], endpoint="planning_absence_new"
)
@roles_required(*PLANNING_ROLES)
def new_absence():
    """Add an absence: GET shows the form; POST checks it, shows the booked visits it
    touches with a proposal for each (if any) and, on confirmation, saves it and moves
    each visit to the chosen colleague or asks its resident for a new time."""
    team = chosen_team(db.session, current_user, request.args.get("team"))
    if team is None:
        abort(404)
    now = utcnow()
    form = AbsenceForm(today=local_today(now), people=team_people(db.session, team.id))
    if request.method == "GET" or request.form.get("action") == "back":
        return _form_page(form, team)
    if not form.validate_on_submit():
        return _form_page(form, team, 400 if form.csrf_token.errors else 422)
    data = form.absence_input()
    clash = overlapping_absence(db.session, data)
    if clash is not None:
        form.first_day.errors = [
            _(
                "%(name)s is dan al afwezig: %(period)s.",
                name=form.chosen_person.name,
                period=absence_period(clash.starts_at, clash.ends_at),
            )
        ]
        return _form_page(form, team, 422)
    review = review_absence(db.session, data, team.id, now)
    confirmed = request.form.get("confirm") == "1"
    if review.entries and not confirmed:
        return _review_page(form, team, data, review)
    if review.entries and request.form.get("fingerprint") != review.fingerprint:
        problem = _("Sinds u de lijst zag, zijn er afspraken bijgekomen of veranderd.")
        return _review_page(form, team, data, review, 409, problem=problem)
    decisions = posted_decisions(entry.visit for entry in review.entries)
    try:
        _absence, moved, asked = create_absence(
            db.session,
            current_user,
            data,
            team.id,
            review,
            decisions,
            now,
            BookingSettings.current(),
        )
    except BookingError as refusal:
        db.session.rollback()
        problem = (
            refusal.message()
            if isinstance(refusal, AbsenceRefused)
            else _("Een collega is intussen geboekt. Bekijk de voorstellen opnieuw.")
        )
        review = review_absence(db.session, data, team.id, now)
        return _review_page(form, team, data, review, 409, problem=problem, decisions=decisions)
    name = form.chosen_person.name
    db.session.commit()
    _flash_saved(name, moved, asked)
    return redirect(_list_url(team.id))


@blueprint.post(
    "/planning/afwezigheden/<int:absence_id>/verwijderen", endpoint="planning_absence_delete"
)
@roles_required(*PLANNING_ROLES)
def delete_absence_view(absence_id: int):
    """Delete an absence of the reader's team: the person's time counts again for
    booking; visits already given to a colleague or rescheduled stay as they are."""
    if parse_id(str(absence_id)) is None:
        abort(404)
    absence = absence_of_team(db.session, absence_id, team_scope(current_user))
    if absence is None:
        abort(404)
    name, team_id = absence.staff.name, absence.staff.team_id
    delete_absence(db.session, current_user, absence, utcnow())
    db.session.commit()
    flash(_("De afwezigheid van %(name)s is verwijderd.", name=name), "success")
    return redirect(_list_url(team_id))
