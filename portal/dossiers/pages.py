"""The clerk's dossier pages: "my dossiers", one dossier with its chain of visits,
follow-ups and notes, and what a clerk does on it (a note, the status and due date,
handing over, linking a visit).

Endpoints (nested in the staff workspace, ``staff.dossiers.*``; every visit role, within
the team boundary: another team's dossier answers 404 like a missing one):

* ``my_dossiers`` (GET ``/medewerkers/dossiers/``): the signed-in person's dossiers, or
  with ``wie=team`` their team's (reception and administrators pick a team, or all);
  ``gesloten=1`` adds the closed ones.
* ``dossier`` (GET ``…/<id>``): the dossier page.
* ``add_note``, ``change_status``, ``hand_over``, ``link_visit`` (POST ``…/<id>/…``).

Every page that shows a resident's details writes an audit row (``dossier.list``,
``dossier.view``); every change one more (``dossier.note``, ``dossier.status``,
``dossier.hand_over``, ``dossier.link``). Views parse, check access, call an operation
and commit once.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..extensions import db
from ..i18n import _, current_language
from ..models import AuditAction, Dossier, DossierStatus, StaffMember
from ..notifications.summary import local_date, local_moment, local_time
from ..staff.access import (
    VISIT_ROLES,
    can_see_team,
    listed_team,
    roles_required,
    team_scope,
    visible_teams,
)
from ..staff.audit import record
from ..timeutil import local_today, utcnow
from . import blueprint
from .forms import HandOverForm, LinkVisitForm, NoteForm, StatusForm
from .operations import add_note, hand_over, link_visit, set_status
from .queries import (
    EXPIRING_DAYS,
    STATUS_LABELS,
    audit_dossier,
    closing_by,
    dossier_follow_ups,
    dossier_or_404,
    dossier_overview,
    team_colleagues,
    visit_by_reference,
    visit_chain,
)

# ``wie=``: whose dossiers the list shows.
MINE, TEAM = "mij", "team"


def plan_follow_up_url(dossier_id: int) -> str:
    """Where a clerk plans the next visit or invitation of a dossier."""
    return url_for("staff.dossiers.plan_follow_up", dossier=dossier_id)


# ------------------------------------------------------------------------ the list


def _list_heading(whose: str, chosen) -> str:
    """The list's title: mine, one team's, or every team's dossiers."""
    if whose == MINE:
        return _("Mijn dossiers")
    if chosen is None:
        return _("Dossiers van alle teams")
    return _("Dossiers van team %(team)s", team=chosen.name(current_language()))


@blueprint.get("/", endpoint="my_dossiers")
@roles_required(*VISIT_ROLES)
def my_dossiers():
    """The signed-in person's dossiers as they work them: due or overdue, open, waiting
    (and for whom), and invitations not used yet (closing soon marked, run out too);
    ``wie=team`` shows the team's, ``team=`` picks one (city-wide roles)."""
    now = utcnow()
    today = local_today(now)
    whose = TEAM if request.args.get("wie") == TEAM else MINE
    picker = team_scope(current_user) is None
    chosen = None
    if whose == TEAM:
        chosen = listed_team(db.session, current_user, request.args.get("team"))
        team_ids = [chosen.id] if chosen is not None else None
        owner_id = None
    else:
        team_ids, owner_id = None, current_user.id
    with_closed = request.args.get("gesloten") == "1"
    overview = dossier_overview(
        db.session,
        owner_id=owner_id,
        team_ids=team_ids,
        now=now,
        today=today,
        with_closed=with_closed,
    )
    record(
        db.session,
        current_user,
        AuditAction.VIEW,
        "dossier.list",
        team_id=chosen.id if chosen is not None else current_user.team_id,
        detail={"whose": whose, "dossiers": overview.count()},
        now=now,
    )
    html = render_template(
        "dossiers/list.html",
        heading=_list_heading(whose, chosen),
        overview=overview,
        whose=whose,
        chosen=chosen,
        picker=picker,
        teams=visible_teams(db.session, current_user) if picker else [],
        with_closed=with_closed,
        today=today,
        expiring_days=EXPIRING_DAYS,
        status_labels=STATUS_LABELS,
        local_moment=local_moment,
    )
    db.session.commit()
    return html


# ----------------------------------------------------------------- one dossier


def _colleague_choices(dossier: Dossier) -> list[SelectChoice]:
    """The people of the dossier's team it can be handed to (not its owner)."""
    return [
        SelectChoice(str(member.id), member.name)
        for member in team_colleagues(db.session, dossier.team_id)
        if member.id != dossier.owner_id
    ]


def _status_form(dossier: Dossier, now: datetime, form: StatusForm | None) -> StatusForm:
    """The status form: as sent, or filled in with the dossier's present state."""
    if form is None:
        form = StatusForm(
            formdata=None,
            prefix="status",
            data={
                "status": dossier.status.value,
                "waiting_for": dossier.waiting_for,
                "outcome": dossier.outcome,
                "due_on": dossier.due_on.isoformat() if dossier.due_on else "",
            },
        )
    form.today, form.keep_due = local_today(now), dossier.due_on
    return form


def _hand_over_form(dossier: Dossier, form: HandOverForm | None) -> HandOverForm:
    """The hand-over form with the team's colleagues as choices."""
    form = form or HandOverForm(formdata=None, prefix="owner")
    form.owner_id.choices = _colleague_choices(dossier)
    return form


def _dossier_page(
    dossier: Dossier,
    now: datetime,
    status: int = 200,
    *,
    note_form: NoteForm | None = None,
    status_form: StatusForm | None = None,
    hand_over_form: HandOverForm | None = None,
    link_form: LinkVisitForm | None = None,
):
    """The dossier page (with the forms as sent, when one had a problem) and its audit
    row; commits the audit row after rendering."""
    chain = visit_chain(db.session, dossier, now)
    html = render_template(
        "dossiers/dossier.html",
        dossier=dossier,
        chain=chain,
        follow_ups=dossier_follow_ups(db.session, dossier),
        note_form=note_form or NoteForm(formdata=None, prefix="note"),
        status_form=_status_form(dossier, now, status_form),
        hand_over_form=_hand_over_form(dossier, hand_over_form),
        link_form=link_form or LinkVisitForm(formdata=None, prefix="link"),
        status_labels=STATUS_LABELS,
        today=local_today(now),
        closing_by=closing_by(local_today(now)),
        now=now,
        local_date=local_date,
        local_time=local_time,
        local_moment=local_moment,
    )
    audit_dossier(
        db.session,
        current_user,
        AuditAction.VIEW,
        "dossier.view",
        dossier,
        detail={"visits": len(chain)},
        now=now,
    )
    db.session.commit()
    return html, status


def _back(dossier: Dossier, anchor: str | None = None):
    """To the dossier page after a change (at the part that changed)."""
    return redirect(url_for("staff.dossiers.dossier", dossier_id=dossier.id, _anchor=anchor))


def _erased(dossier: Dossier):
    """Back to the page saying why, when ``dossier`` was erased after its retention
    period (it stays as a record of what happened and changes no more); else None."""
    if dossier.erased_at is None:
        return None
    flash(_("Dit dossier is gewist na de bewaartermijn en kan niet meer veranderen."), "error")
    return _back(dossier)


@blueprint.get("/<int:dossier_id>", endpoint="dossier")
@roles_required(*VISIT_ROLES)
def show_dossier(dossier_id: int):
    """Everything about one dossier: reference, kind, owner, status, due date, the
    resident's details, the chain of visits with what happened, the follow-ups and
    invitations, the notes, and the forms to change it. Audited (``dossier.view``)."""
    dossier = dossier_or_404(db.session, current_user, dossier_id)
    return _dossier_page(dossier, utcnow())


@blueprint.post("/<int:dossier_id>/notitie", endpoint="add_note")
@roles_required(*VISIT_ROLES)
def post_note(dossier_id: int):
    """Add a staff-only note (author and time are recorded)."""
    dossier = dossier_or_404(db.session, current_user, dossier_id)
    if refusal := _erased(dossier):
        return refusal
    now = utcnow()
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return _dossier_page(dossier, now, 422, note_form=form)
    note = add_note(db.session, dossier, current_user, form.body.data, now)
    audit_dossier(
        db.session,
        current_user,
        AuditAction.CHANGE,
        "dossier.note",
        dossier,
        detail={"note_id": note.id},
        now=now,
    )
    db.session.commit()
    flash(_("De notitie is toegevoegd."), "success")
    return _back(dossier, "notes")


@blueprint.post("/<int:dossier_id>/stand", endpoint="change_status")
@roles_required(*VISIT_ROLES)
def post_status(dossier_id: int):
    """Change where the dossier stands (open, waiting for the resident, waiting for
    another party and whom, closed and its outcome) and its due date."""
    dossier = dossier_or_404(db.session, current_user, dossier_id)
    if refusal := _erased(dossier):
        return refusal
    now = utcnow()
    form = _status_form(dossier, now, StatusForm(prefix="status"))
    if not form.validate_on_submit():
        return _dossier_page(dossier, now, 422, status_form=form)
    before = dossier.status
    new_status = DossierStatus(form.status.data)
    set_status(
        db.session,
        dossier,
        new_status,
        now,
        waiting_for=form.waiting_for.data or "",
        outcome=form.outcome.data or "",
        due_on=form.due_date(),
    )
    audit_dossier(
        db.session,
        current_user,
        AuditAction.CHANGE,
        "dossier.status",
        dossier,
        detail={
            "from": before.value,
            "to": new_status.value,
            "due_on": dossier.due_on.isoformat() if dossier.due_on else None,
        },
        now=now,
    )
    db.session.commit()
    flash(_("De stand van het dossier is bijgewerkt."), "success")
    return _back(dossier, "status")


@blueprint.post("/<int:dossier_id>/overdragen", endpoint="hand_over")
@roles_required(*VISIT_ROLES)
def post_hand_over(dossier_id: int):
    """Give the dossier to a colleague of its team: they own it and get its
    notifications from now on."""
    dossier = dossier_or_404(db.session, current_user, dossier_id)
    if refusal := _erased(dossier):
        return refusal
    now = utcnow()
    form = _hand_over_form(dossier, HandOverForm(prefix="owner"))
    if not form.validate_on_submit():
        return _dossier_page(dossier, now, 422, hand_over_form=form)
    new_owner = db.session.get(StaffMember, form.owner_id.chosen)
    before = dossier.owner_id
    hand_over(db.session, dossier, new_owner)
    audit_dossier(
        db.session,
        current_user,
        AuditAction.CHANGE,
        "dossier.hand_over",
        dossier,
        detail={"from": before, "to": new_owner.id},
        now=now,
    )
    db.session.commit()
    flash(_("Het dossier is overgedragen aan %(name)s.", name=new_owner.name), "success")
    return _back(dossier)


def _link_problem(dossier: Dossier, reference: str):
    """The visit to link and None, or None and why it cannot be linked."""
    visit = visit_by_reference(db.session, reference)
    if visit is None or not can_see_team(current_user, visit.staff.team_id):
        return None, _("Geen afspraak van dit team gevonden met deze referentie.")
    if visit.staff.team_id != dossier.team_id:
        return None, _("Deze afspraak hoort bij een ander team dan het dossier.")
    if visit.dossier_id == dossier.id:
        return None, _("Deze afspraak hoort al bij dit dossier.")
    if visit.dossier_id is not None:
        other = db.session.get(Dossier, visit.dossier_id)
        return None, _(
            "Deze afspraak hoort al bij dossier %(reference)s.", reference=other.reference
        )
    return visit, None


@blueprint.post("/<int:dossier_id>/koppelen", endpoint="link_visit")
@roles_required(*VISIT_ROLES)
def post_link_visit(dossier_id: int):
    """Add an existing visit of the dossier's team to its chain, by the visit's
    reference; a visit of another team or of another dossier is refused with why."""
    dossier = dossier_or_404(db.session, current_user, dossier_id)
    if refusal := _erased(dossier):
        return refusal
    now = utcnow()
    form = LinkVisitForm(prefix="link")
    if not form.validate_on_submit():
        return _dossier_page(dossier, now, 422, link_form=form)
    visit, problem = _link_problem(dossier, form.reference.data)
    if visit is None:
        form.reference.errors = [problem]
        return _dossier_page(dossier, now, 422, link_form=form)
    link_visit(db.session, dossier, visit)
    audit_dossier(
        db.session,
        current_user,
        AuditAction.CHANGE,
        "dossier.link",
        dossier,
        visit=visit,
        detail={"visit_id": visit.id},
        now=now,
    )
    db.session.commit()
    flash(
        _("Afspraak %(reference)s hoort nu bij dit dossier.", reference=visit.reference), "success"
    )
    return _back(dossier, "visits")
