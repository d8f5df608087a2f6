"""Planning a follow-up from the visit in front of the clerk, or from a dossier.

``/medewerkers/dossiers/vervolg?visit=<id>`` (or ``?dossier=<id>``): the services, the
persons, with whom, the window and counter or back office; then either **book a time
now** (the resident is at the counter: the next page shows the chosen clerk's free times
inside the window, reserved time included) or **send an invitation** (a single-use link,
mailed in the resident's language). A visit that is not in a dossier yet gets one in the
same submit, with the subject asked on the form.

The team boundary is the dossier's team (or the visit's): another team's dossier or visit
answers 404, like a missing one. Every page shows the resident's name and writes an
audit row; the audit keeps the dossier's reference, never the resident's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..booking.contact import ContactDetails
from ..booking.errors import OutsideWindow
from ..booking.settings import BookingSettings
from ..extensions import db
from ..i18n import _, current_language
from ..models import (
    Appointment,
    AuditAction,
    Dossier,
    DossierSubject,
    FollowUp,
    Service,
    StaffMember,
    Team,
)
from ..models.base import MAX_ID
from ..notifications.summary import local_date
from ..staff.access import VISIT_ROLES, can_see_team, id_or_404, roles_required, visit_or_404
from ..staff.audit import record
from ..timeutil import local_today, utcnow
from . import blueprint, queries
from .follow_up_forms import ANY_COLLEAGUE, PlanChoices, PlanForm, default_window, plan_values
from .follow_up_operations import FollowUpPlan, plan_follow_up
from .mail import invitation_url, queue_invitation_mail
from .operations import open_dossier

# The plan forms' one-time keys this browser already used (key → follow-up id).
PLANNED_KEY = "planned_follow_ups"
PLANNED_KEPT = 20


# ------------------------------------------------------------------- shared helpers


def dossier_or_404(dossier_id: int) -> Dossier:
    """Dossier ``dossier_id`` if the signed-in person may see its team; 404 otherwise
    (also for an id that does not exist or is out of range)."""
    return queries.dossier_or_404(db.session, current_user, dossier_id)


def follow_up_or_404(follow_up_id: int) -> FollowUp:
    """Follow-up ``follow_up_id`` if the signed-in person may see its dossier's team."""
    if not 0 < follow_up_id <= MAX_ID:
        abort(404)
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or not can_see_team(current_user, follow_up.dossier.team_id):
        abort(404)
    return follow_up


def audit_dossier(
    subject: str,
    dossier: Dossier,
    *,
    action: AuditAction = AuditAction.CHANGE,
    visit: Appointment | None = None,
    detail: dict | None = None,
    now=None,
) -> None:
    """An audit row by the signed-in person about ``dossier`` (see
    :func:`queries.audit_dossier`: its reference and ids, never the resident's name)."""
    queries.audit_dossier(
        db.session, current_user, action, subject, dossier, visit=visit, detail=detail, now=now
    )


def dossier_url(dossier: Dossier) -> str:
    """The staff page of ``dossier``."""
    return url_for("staff.dossiers.dossier", dossier_id=dossier.id)


def sent_page(follow_up: FollowUp, token: str, mailed: bool, status: int = 200):
    """The page after an invitation was made or sent again: where it went, and the link
    itself when no mail went out (the only moment the clerk sees it)."""
    dossier = follow_up.dossier
    page = render_template(
        "dossiers/follow_up_sent.html",
        dossier=dossier,
        follow_up=follow_up,
        mailed=mailed,
        link=None if mailed else invitation_url(current_app.config, follow_up, token),
        dossier_url=dossier_url(dossier),
        local_date=local_date,
    )
    return page, status


# ------------------------------------------------------------------------- the form


@dataclass(frozen=True)
class Context:
    """Where the follow-up is planned from: a dossier, or a visit not in a dossier yet."""

    team: Team
    dossier: Dossier | None
    visit: Appointment | None

    def args(self) -> dict:
        """The query arguments that name this context."""
        if self.dossier is not None:
            return {"dossier": self.dossier.id}
        return {"visit": self.visit.id}


def _context() -> Context:
    """The dossier (``dossier=``) or visit (``visit=``) of the request; 404 for one the
    signed-in person may not see, or neither."""
    raw_dossier, raw_visit = request.args.get("dossier"), request.args.get("visit")
    if raw_dossier:
        dossier = dossier_or_404(id_or_404(raw_dossier))
        return Context(dossier.team, dossier, None)
    if not raw_visit:
        abort(404)
    visit = visit_or_404(db.session, current_user, id_or_404(raw_visit))
    if visit.dossier_id is not None:
        dossier = dossier_or_404(visit.dossier_id)
        return Context(dossier.team, dossier, visit)
    return Context(visit.staff.team, None, visit)


def _choices(context: Context) -> PlanChoices:
    """The team's active subjects (for a new dossier), services and members."""
    team_id = context.team.id
    subjects = []
    if context.dossier is None:
        subjects = db.session.scalars(
            select(DossierSubject)
            .where(DossierSubject.team_id == team_id, DossierSubject.active.is_(True))
            .order_by(DossierSubject.position, DossierSubject.id)
        ).all()
    services = db.session.scalars(
        Service.listed().where(Service.team_id == team_id).options(selectinload(Service.texts))
    ).all()
    members = db.session.scalars(
        select(StaffMember)
        .where(StaffMember.team_id == team_id, StaffMember.filter_active())
        .order_by(StaffMember.name, StaffMember.id)
    ).all()
    return PlanChoices(subjects, services, members)


def _preferred_staff(context: Context) -> int | None:
    """The signed-in person when they work for the team (the default clerk)."""
    return current_user.id if current_user.team_id == context.team.id else None


def _last_visit(context: Context) -> Appointment | None:
    """The visit the follow-up comes after: the one in front of the clerk, or the
    dossier's latest visit."""
    if context.visit is not None:
        return context.visit
    return db.session.scalar(
        select(Appointment)
        .where(Appointment.dossier_id == context.dossier.id)
        .order_by(Appointment.starts_at.desc())
        .limit(1)
    )


def _prefill(form: PlanForm, context: Context, today) -> None:
    """The window of the dossier's subject (or of the team's only subject), and the
    services of the visit it follows (the clerk changes them when the next step differs)."""
    last = _last_visit(context)
    if last is not None:
        offered = {service.id for service in form.choices.services}
        form.services.raw_data = [str(s.id) for s in last.services if s.id in offered]
    subjects = form.choices.subjects
    subject = context.dossier.subject if context.dossier is not None else None
    if subject is None and len(subjects) == 1:
        subject = subjects[0]
        form.subject.data = str(subject.id)
    if subject is not None:
        earliest, latest = default_window(subject, today)
        form.earliest.data, form.latest.data = earliest.isoformat(), latest.isoformat()


def _form_page(form: PlanForm, context: Context, status: int = 200, problems=()):
    """The plan form, with its audit row (it shows the resident's name)."""
    dossier = context.dossier
    page = render_template(
        "dossiers/follow_up.html",
        form=form,
        context=context,
        dossier=dossier,
        visit=context.visit,
        resident_name=dossier.resident_name if dossier else context.visit.resident_name,
        chosen_services=set(form.chosen_service_ids()),
        problems=list(problems),
        any_colleague=ANY_COLLEAGUE,
        action_url=url_for("staff.dossiers.plan_follow_up", **context.args()),
        back_url=dossier_url(dossier)
        if dossier
        else url_for("staff.visit", visit_id=context.visit.id),
    )
    if dossier is not None:
        audit_dossier("dossier.follow_up_form", dossier, action=AuditAction.VIEW)
    else:
        record(
            db.session, current_user, AuditAction.VIEW, "visit.follow_up_form", visit=context.visit
        )
    db.session.commit()
    return page, status


def _planned_before(key: str | None) -> FollowUp | None:
    """The follow-up this browser already planned with the form's one-time key."""
    planned = session.get(PLANNED_KEY)
    if not key or not isinstance(planned, dict) or key not in planned:
        return None
    follow_up_id = planned[key]
    return db.session.get(FollowUp, follow_up_id) if isinstance(follow_up_id, int) else None


def _remember_planned(key: str | None, follow_up: FollowUp) -> None:
    """Note the form's one-time key, so a second send finds this follow-up."""
    if not key:
        return
    planned = session.get(PLANNED_KEY)
    planned = dict(planned) if isinstance(planned, dict) else {}
    planned[key] = follow_up.id
    session[PLANNED_KEY] = dict(list(planned.items())[-PLANNED_KEPT:])


def _after(follow_up: FollowUp):
    """Where a follow-up goes on: an invitation to its dossier, a follow-up to book to its
    times (or to its dossier once booked)."""
    if follow_up.invited or follow_up.used_at is not None:
        return redirect(dossier_url(follow_up.dossier))
    return redirect(url_for("staff.dossiers.follow_up_time", follow_up_id=follow_up.id))


@blueprint.route("/vervolg", methods=["GET", "POST"], endpoint="plan_follow_up")
@roles_required(*VISIT_ROLES)
def plan_page():
    """Plan the next step of a dossier (``dossier=``) or of the visit in front of the
    clerk (``visit=``; a visit outside any dossier gets one, with the subject asked here).
    POST books now (on to the free times) or sends an invitation."""
    context = _context()
    if context.dossier is not None and context.dossier.is_closed:
        flash(
            _("Dit dossier is afgesloten. Heropen het om een vervolgafspraak te plannen."), "error"
        )
        return redirect(dossier_url(context.dossier))
    now = utcnow()
    today = local_today(now)
    form = PlanForm()
    preferred = _preferred_staff(context)
    form.setup(_choices(context), default_staff=str(preferred) if preferred else ANY_COLLEAGUE)
    if context.dossier is None and not form.choices.subjects:
        problem = _(
            "Team %(team)s heeft nog geen soorten dossiers. Vraag een planner om ze aan te maken.",
            team=context.team.name(current_language()),
        )
        return _form_page(form, context, 409 if request.method == "POST" else 200, [problem])
    if request.method == "GET":
        _prefill(form, context, today)
        return _form_page(form, context)
    earlier = _planned_before(form.one_time_key())
    if earlier is not None and earlier.dossier.team_id == context.team.id:
        flash(_("Deze vervolgafspraak was al gepland."), "info")
        return _after(earlier)
    values = plan_values(
        form,
        session=db.session,
        team_id=context.team.id,
        team_name=context.team.name(current_language()),
        dossier_subject=context.dossier.subject if context.dossier else None,
        preferred_staff_id=preferred,
        action=request.form.get("action"),
        today=today,
    )
    if values is None:
        return _form_page(form, context, 422)
    settings = BookingSettings.current()
    dossier = context.dossier
    if dossier is None:
        owner = current_user if preferred else context.visit.staff
        dossier = open_dossier(
            db.session,
            owner=owner,
            subject=values.subject,
            contact=ContactDetails.kept_by(context.visit),
            now=now,
            from_visit=context.visit,
        )
        audit_dossier("dossier.open", dossier, detail={"visit_id": context.visit.id}, now=now)
    plan = FollowUpPlan(
        services=values.services,
        persons=values.persons,
        staff=db.session.get(StaffMember, values.staff_id),
        earliest=values.earliest,
        latest=values.latest,
        any_colleague=values.any_colleague,
        back_office=values.back_office,
    )
    try:
        follow_up, token = plan_follow_up(
            db.session,
            dossier,
            plan,
            invited=values.invite,
            now=now,
            settings=settings,
            created_by=current_user,
        )
    except OutsideWindow as refusal:
        db.session.rollback()
        return _form_page(form, context, 422, [refusal.message()])
    detail = {"follow_up_id": follow_up.id, "invited": values.invite}
    audit_dossier("dossier.follow_up", dossier, detail=detail, now=now)
    mailed = False
    if values.invite:
        mailed = queue_invitation_mail(db.session, follow_up, token, now) is not None
    db.session.commit()
    _remember_planned(form.one_time_key(), follow_up)
    if values.invite:
        return sent_page(follow_up, token, mailed)
    return _after(follow_up)
