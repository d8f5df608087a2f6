"""Opening a dossier (``staff.dossiers.new_dossier``, GET/POST ``/medewerkers/dossiers/nieuw``).

On its own, or from the visit in front of the clerk (``?visit=<id>``): then the form is
filled in with the visit's details and the visit becomes the dossier's first visit. The
visit's team boundary holds (another team's visit answers 404), and a visit that is
already part of a dossier is not taken from it.

The dossier belongs to a team: the visit's, or the clerk's own (reception and
administrators may pick one with ``?team=``). Its kind is one of that team's subjects,
its owner one of that team's people (the signed-in person by default).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..booking.contact import ContactDetails
from ..extensions import db
from ..i18n import _, current_language
from ..models import Appointment, AuditAction, DossierSubject, StaffMember, Team
from ..staff.access import (
    VISIT_ROLES,
    chosen_team,
    id_or_404,
    roles_required,
    team_scope,
    visible_teams,
    visit_or_404,
)
from ..staff.audit import record
from ..timeutil import local_today, utcnow
from . import blueprint
from .forms import DossierForm
from .operations import open_dossier
from .queries import audit_dossier, team_colleagues, team_subjects


def _from_visit() -> Appointment | None:
    """The visit of ``?visit=`` (404 outside the reader's teams), or None."""
    raw = request.args.get("visit")
    if raw is None:
        return None
    return visit_or_404(db.session, current_user, id_or_404(raw))


def _team_of(visit: Appointment | None) -> Team:
    """The new dossier's team: the visit's, else the one picked, else the reader's own."""
    if visit is not None:
        return visit.staff.team
    return chosen_team(db.session, current_user, request.args.get("team")) or current_user.team


def _prepare(form: DossierForm, team: Team, subjects: list[DossierSubject]) -> None:
    """The team's kinds of dossier and people as the form's choices."""
    placeholder = [SelectChoice("", _("Kies een soort dossier"))] if len(subjects) != 1 else []
    form.subject_id.choices = placeholder + [
        SelectChoice(str(subject.id), subject.name(current_language())) for subject in subjects
    ]
    form.owner_id.choices = [
        SelectChoice(str(member.id), member.name) for member in team_colleagues(db.session, team.id)
    ]
    form.today = local_today(utcnow())


def _fill_in(form: DossierForm, visit: Appointment | None) -> None:
    """A fresh form: owner the reader (or the visit's clerk), details from the visit."""
    owners = {choice.value for choice in form.owner_id.choices}
    if str(current_user.id) in owners:
        form.owner_id.data = str(current_user.id)
    elif visit is not None and str(visit.staff_id) in owners:
        form.owner_id.data = str(visit.staff_id)
    if visit is None:
        return
    contact = ContactDetails.kept_by(visit)
    form.name.data = contact.name
    form.email.data = contact.email or ""
    form.phone.data = contact.phone or ""
    form.language.data = contact.language
    form.spoken_language.data = contact.spoken_language or form.spoken_language.data
    form.spoken_language_other.data = contact.spoken_language_other or ""
    form.interpreter_needed.data = contact.interpreter_needed


def _page(form, team, visit, subjects, status: int = 200, linked=None):
    """The form page; with a visit, its audit row (the page shows the resident's
    details). Commits the audit row."""
    picker = visit is None and team_scope(current_user) is None
    html = render_template(
        "dossiers/new.html",
        form=form,
        team=team,
        visit=visit,
        subjects=subjects,
        linked=linked,
        picker=picker,
        teams=visible_teams(db.session, current_user) if picker else [],
        action=url_for(
            "staff.dossiers.new_dossier",
            visit=visit.id if visit else None,
            team=team.id if picker else None,
        ),
    )
    if visit is not None:
        record(db.session, current_user, AuditAction.VIEW, "dossier.new_form", visit=visit)
        db.session.commit()
    return html, status


@blueprint.route("/nieuw", methods=["GET", "POST"], endpoint="new_dossier")
@roles_required(*VISIT_ROLES)
def new_dossier():
    """Open a dossier: kind, owner, the resident's details (from the visit with
    ``?visit=``), and a due date. Bad input shows the form again with the problems."""
    visit = _from_visit()
    team = _team_of(visit)
    subjects = team_subjects(db.session, team.id)
    form = DossierForm()
    _prepare(form, team, subjects)
    if visit is not None and visit.dossier_id is not None:
        status = 409 if request.method == "POST" else 200
        return _page(form, team, visit, subjects, status, linked=visit.dossier)
    if request.method == "GET":
        _fill_in(form, visit)
        return _page(form, team, visit, subjects)
    if not form.validate_on_submit():
        return _page(form, team, visit, subjects, 422)
    subject = db.session.get(DossierSubject, form.subject_id.chosen)
    owner = db.session.get(StaffMember, form.owner_id.chosen)
    now = utcnow()
    dossier = open_dossier(
        db.session,
        owner=owner,
        subject=subject,
        contact=form.contact(),
        now=now,
        due_on=form.due_date(),
        from_visit=visit,
    )
    audit_dossier(
        db.session,
        current_user,
        AuditAction.CHANGE,
        "dossier.create",
        dossier,
        visit=visit,
        detail={"visit_id": visit.id} if visit else None,
        now=now,
    )
    db.session.commit()
    flash(_("Dossier %(reference)s is geopend.", reference=dossier.reference), "success")
    return redirect(url_for("staff.dossiers.dossier", dossier_id=dossier.id))
