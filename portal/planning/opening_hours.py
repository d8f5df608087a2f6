"""The city hall's opening hours for planners (``/medewerkers/planning/openingsuren``):
the weekly schedules with their validity (the regular week, summer hours…), adding,
changing and deleting one.

The hours are the whole city hall's, so every planner and administrator may change them.
A change is saved in two steps when it touches booked visits: the review page lists the
confirmed visits that would fall outside the new hours (computed by the scheduling core
with the *proposed* schedules), and only the confirmation saves the change and asks
those residents to choose a new time. No visit is cancelled.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import _, _l, ngettext
from ..models import OpeningSchedule
from ..scheduling.availability import schedule_for
from ..staff import blueprint
from ..staff.access import PLANNING_ROLES, can_see_team, id_or_404, roles_required
from ..timeutil import local_today, utcnow
from .affected import AffectedVisits, visits_affected_by_hours
from .calendar_forms import (
    ScheduleForm,
    clock,
    posted_values,
    schedule_form_data,
    weekday_names,
)
from .calendar_operations import (
    can_delete_schedule,
    delete_schedule,
    save_schedule,
    schedule_problems,
)

# What a new schedule starts from: summer hours, July and August, mornings only.
EXAMPLE_NAME = _l("Zomeruren")


def asked_message(count: int) -> str:
    """The flash after a change: how many residents were asked to choose a new time."""
    return ngettext(
        "%(num)d afspraak kreeg de vraag een nieuw tijdstip te kiezen.",
        "%(num)d afspraken kregen de vraag een nieuw tijdstip te kiezen.",
        count,
    )


def review_context(affected: AffectedVisits, stale: bool) -> dict:
    """What every review page shows about the affected visits: the list by team, which
    visits the reader may open, and whether the list changed since it was last shown."""
    return {
        "affected": affected,
        "groups": affected.by_team(),
        "linkable": {
            visit.id for visit in affected.visits if can_see_team(current_user, visit.staff.team_id)
        },
        "stale": stale,
    }


def _schedules() -> list[OpeningSchedule]:
    """Every schedule with its blocks, the regular ones (no start) first, then by start."""
    schedules = db.session.scalars(
        select(OpeningSchedule).options(selectinload(OpeningSchedule.blocks))
    ).all()
    return sorted(schedules, key=lambda s: (s.valid_from or date.min, s.id))


def _blocks_text(blocks) -> list[list[str]]:
    """The blocks of each weekday as "09:00–12:30" texts, Monday first."""
    days: list[list[str]] = [[] for _weekday in range(7)]
    for block in sorted(blocks, key=lambda block: block.opens):
        days[block.weekday].append(f"{clock(block.opens)}–{clock(block.closes)}")
    return days


@blueprint.get("/planning/openingsuren", endpoint="planning_opening_hours")
@roles_required(*PLANNING_ROLES)
def opening_hours():
    """The opening schedules, each with its validity and its blocks per weekday, which
    one applies today, and links to change them or add one (such as summer hours)."""
    schedules = _schedules()
    today = local_today(utcnow())
    return render_template(
        "staff/planning/opening_hours.html",
        schedules=[(schedule, _blocks_text(schedule.blocks)) for schedule in schedules],
        current=schedule_for(schedules, today),
        today=today,
        weekdays=weekday_names(),
    )


def _schedule_or_404(schedule_id: str) -> OpeningSchedule:
    """The schedule of a URL's id; 404 for an unknown or unreadable id."""
    schedule = db.session.get(OpeningSchedule, id_or_404(schedule_id))
    if schedule is None:
        abort(404)
    return schedule


def _form_page(form: ScheduleForm, schedule, status: int = 200, problems=()):
    """The schedule form (new or existing), with the problems found."""
    return render_template(
        "staff/planning/opening_hours_form.html",
        form=form,
        schedule=schedule,
        weekdays=weekday_names(),
        problems=[*((None, message) for message in problems), *form.problems()],
        action=_form_url(schedule),
    ), status


def _form_url(schedule: OpeningSchedule | None) -> str:
    """Where the schedule form is sent."""
    if schedule is None:
        return url_for("staff.planning_opening_hours_new")
    return url_for("staff.planning_opening_hours_edit", schedule_id=schedule.id)


def _initial_form(schedule: OpeningSchedule | None) -> ScheduleForm:
    """The form filled with a saved schedule, or with the example of summer hours."""
    if schedule is not None:
        data = schedule_form_data(
            schedule.name, schedule.valid_from, schedule.valid_until, schedule.blocks
        )
        return ScheduleForm(data=data)
    year = local_today(utcnow()).year
    regular = next((s for s in _schedules() if s.valid_until is None), None)
    mornings = [block for block in (regular.blocks if regular else []) if block.opens.hour < 12]
    data = schedule_form_data(str(EXAMPLE_NAME), date(year, 7, 1), date(year, 8, 31), mornings)
    return ScheduleForm(data=data)


def _schedule_flow(schedule: OpeningSchedule | None):
    """Show, check, review and save the schedule form (see the module's docstring)."""
    if request.method == "GET":
        return _form_page(_initial_form(schedule), schedule)
    form = ScheduleForm()
    if request.form.get("action") == "back":
        return _form_page(form, schedule)
    if not form.validate_on_submit():
        return _form_page(form, schedule, 422)
    data = form.schedule_input()
    problems = schedule_problems(db.session, schedule, data)
    if problems:
        return _form_page(form, schedule, 422, problems)
    now = utcnow()
    schedule_id = schedule.id if schedule is not None else None
    affected = visits_affected_by_hours(db.session, now, schedule_id, data.as_core())
    stale = request.form.get("confirm") == "1" and (
        request.form.get("fingerprint") != affected.fingerprint
    )
    if affected.count and (request.form.get("confirm") != "1" or stale):
        return render_template(
            "staff/planning/opening_hours_review.html",
            schedule=schedule,
            data=data,
            hours=_blocks_text(data.blocks),
            weekdays=weekday_names(),
            values=posted_values(form),
            action=_form_url(schedule),
            **review_context(affected, stale),
        ), (409 if stale else 200)
    saved = save_schedule(db.session, current_user, schedule, data, affected, now)
    db.session.commit()
    flash(_("Het schema '%(name)s' is bewaard.", name=saved.name), "success")
    if affected.count:
        flash(asked_message(affected.count), "success")
    return redirect(url_for("staff.planning_opening_hours"))


@blueprint.route(
    "/planning/openingsuren/nieuw",
    methods=["GET", "POST"],
    endpoint="planning_opening_hours_new",
)
@roles_required(*PLANNING_ROLES)
def new_opening_hours():
    """Add a schedule (summer hours, say): GET shows the form, POST checks it, shows the
    visits it would move (if any) and saves it on confirmation."""
    return _schedule_flow(None)


@blueprint.route(
    "/planning/openingsuren/<schedule_id>",
    methods=["GET", "POST"],
    endpoint="planning_opening_hours_edit",
)
@roles_required(*PLANNING_ROLES)
def edit_opening_hours(schedule_id: str):
    """Change a schedule: GET shows it in the form, POST checks it, shows the visits the
    change would move (if any) and saves it on confirmation."""
    return _schedule_flow(_schedule_or_404(schedule_id))


@blueprint.post(
    "/planning/openingsuren/<schedule_id>/verwijderen", endpoint="planning_opening_hours_delete"
)
@roles_required(*PLANNING_ROLES)
def delete_opening_hours(schedule_id: str):
    """Delete a schedule, always after a review page that shows the visits it would move
    (the last schedule without an end date cannot go)."""
    schedule = _schedule_or_404(schedule_id)
    if not can_delete_schedule(db.session, schedule):
        flash(_("Dit is het laatste schema zonder einddatum: dat kan niet weg."), "error")
        return redirect(url_for("staff.planning_opening_hours_edit", schedule_id=schedule.id))
    now = utcnow()
    affected = visits_affected_by_hours(db.session, now, schedule.id, None)
    confirmed = request.form.get("confirm") == "1"
    stale = confirmed and request.form.get("fingerprint") != affected.fingerprint
    if not confirmed or (stale and affected.count):
        return render_template(
            "staff/planning/opening_hours_delete.html",
            schedule=schedule,
            **review_context(affected, stale),
        ), (409 if stale else 200)
    name = schedule.name
    delete_schedule(db.session, current_user, schedule, affected, now)
    db.session.commit()
    flash(_("Het schema '%(name)s' is verwijderd.", name=name), "success")
    if affected.count:
        flash(asked_message(affected.count), "success")
    return redirect(url_for("staff.planning_opening_hours"))
