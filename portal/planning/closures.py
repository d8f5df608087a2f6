"""The days the city hall is closed, for planners (``/medewerkers/planning/sluitingsdagen``):
the Belgian public holidays (from the ``holidays`` package, read only), the city's own
days and one-off closures (an election day, a strike), each with the reason residents
read on the start page.

Closures are the whole city hall's, so every planner and administrator may add or delete
one. A new closure on days with booked visits is saved in two steps: the review page
lists the confirmed visits on those days, and only the confirmation saves the closure
and asks those residents to choose a new time. No visit is cancelled. Deleting a closure
touches no visit: the days simply open again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..availability import public_holidays
from ..extensions import db
from ..i18n import LANGUAGES, _, _l
from ..models import Closure, ClosureKind
from ..staff import blueprint
from ..staff.access import PLANNING_ROLES, id_or_404, roles_required
from ..timeutil import local_today, utcnow
from .affected import visits_on_closed_days
from .calendar_forms import KIND_LABELS, ClosureForm, posted_values, problem_list
from .calendar_operations import create_closure, delete_closure
from .opening_hours import asked_message, review_context

# How far ahead the list of closed days looks.
DAYS_LISTED = 365
HOLIDAY_LABEL = _l("Wettelijke feestdag")


@dataclass(frozen=True)
class ClosedPeriod:
    """One line of the list: a public holiday (no closure) or one of the city's closures."""

    first: date
    last: date
    kind_label: str
    reason: str
    closure: Closure | None = None

    @property
    def other_languages(self) -> list[str]:
        """The languages besides Dutch the closure's reason is given in."""
        if self.closure is None:
            return []
        return [code for code in LANGUAGES if code != "nl" and self.closure.reasons.get(code)]


def closed_days_ahead(today: date) -> list[ClosedPeriod]:
    """The public holidays and the closures from ``today`` for a year, in date order."""
    last = today + timedelta(days=DAYS_LISTED)
    lines = [
        ClosedPeriod(day, day, str(HOLIDAY_LABEL), name)
        for day, name in public_holidays(today, last, "nl").items()
    ]
    lines.extend(
        ClosedPeriod(
            closure.starts_on,
            closure.ends_on,
            str(KIND_LABELS[closure.kind]),
            closure.reason("nl"),
            closure,
        )
        for closure in db.session.scalars(Closure.between(today, last))
    )
    return sorted(lines, key=lambda line: (line.first, line.closure is not None))


@blueprint.get("/planning/sluitingsdagen", endpoint="planning_closures")
@roles_required(*PLANNING_ROLES)
def closures():
    """The closed days of the coming year: public holidays (read only), the city's own
    days and one-off closures with their reasons; a link to add one, a button to delete."""
    today = local_today(utcnow())
    return render_template(
        "staff/planning/closures.html",
        lines=closed_days_ahead(today),
        today=today,
        last=today + timedelta(days=DAYS_LISTED),
    )


def _form_page(form: ClosureForm, status: int = 200):
    """The closure form with its problems."""
    return render_template(
        "staff/planning/closure_form.html",
        form=form,
        problems=problem_list(form),
    ), status


@blueprint.route(
    "/planning/sluitingsdagen/nieuw", methods=["GET", "POST"], endpoint="planning_closure_new"
)
@roles_required(*PLANNING_ROLES)
def new_closure():
    """Add a closure: GET shows the form, POST checks it, shows the visits on those days
    (if any) and, on confirmation, saves it and asks those residents for a new time."""
    now = utcnow()
    form = ClosureForm(today=local_today(now))
    if request.method == "GET" or request.form.get("action") == "back":
        return _form_page(form)
    if not form.validate_on_submit():
        return _form_page(form, 422)
    data = form.closure_input()
    affected = visits_on_closed_days(db.session, data.starts_on, data.ends_on, now)
    confirmed = request.form.get("confirm") == "1"
    stale = confirmed and request.form.get("fingerprint") != affected.fingerprint
    if affected.count and (not confirmed or stale):
        return render_template(
            "staff/planning/closure_review.html",
            data=data,
            kind_label=KIND_LABELS[data.kind],
            values=posted_values(form),
            **review_context(affected, stale),
        ), (409 if stale else 200)
    create_closure(db.session, current_user, data, affected, now)
    db.session.commit()
    flash(_("De sluiting is bewaard. De bewoners zien ze op de startpagina."), "success")
    if affected.count:
        flash(asked_message(affected.count), "success")
    return redirect(url_for("staff.planning_closures"))


@blueprint.post(
    "/planning/sluitingsdagen/<closure_id>/verwijderen", endpoint="planning_closure_delete"
)
@roles_required(*PLANNING_ROLES)
def delete_closure_view(closure_id: str):
    """Delete one of the city's closures (public holidays cannot be deleted); the days
    open again for booking, no visit is touched."""
    closure = db.session.get(Closure, id_or_404(closure_id))
    if closure is None:
        abort(404)
    kind = closure.kind
    delete_closure(db.session, current_user, closure, utcnow())
    db.session.commit()
    if kind == ClosureKind.CITY_DAY:
        flash(_("De sluitingsdag is verwijderd: het stadhuis is die dag weer open."), "success")
    else:
        flash(_("De sluiting is verwijderd: het stadhuis is die dagen weer open."), "success")
    return redirect(url_for("staff.planning_closures"))
