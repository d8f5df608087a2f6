"""The administrators' account page (``/medewerkers/accounts``): every staff member with
their team, role, state and last sign-in; a new account; and per person their role and
team, a link to choose a password, the lock after wrong passwords, and deactivating.

Administrators only (others get 403). Changes are POSTs with the CSRF token, each
committed once with its audit row (:mod:`.operations`); nobody ever sees, types or mails
a password for someone else: a new person chooses theirs through a mailed link. An id
that is no row, or out of range, reads 404; a value that is not on offer is named on
the form.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import _, current_language
from ..models import StaffMember, StaffRole, Team
from ..models.base import MAX_ID
from ..staff import blueprint as staff_blueprint
from ..staff.access import parse_id, roles_required
from ..timeutil import utcnow
from .forms import ROLE_LABELS, NewAccountForm, RoleTeamForm
from .links import LinkPolicy
from .mail import queue_password_mail
from .operations import (
    AccountRefused,
    NewAccount,
    change_role_and_team,
    coming_visits,
    create_account,
    send_password_link,
    set_active,
    unlock,
)

blueprint = Blueprint("accounts", __name__, url_prefix="/accounts")
staff_blueprint.register_blueprint(blueprint)


def _teams() -> dict[int, str]:
    """Team id → name in the reader's language, in id order (for the pickers)."""
    language = current_language()
    return {
        team.id: team.name(language) for team in db.session.scalars(select(Team).order_by(Team.id))
    }


def _actor() -> StaffMember:
    """The signed-in administrator (the row, not the proxy)."""
    return current_user._get_current_object()


def _member_or_404(member_id: int) -> StaffMember:
    """Staff member ``member_id``; 404 when there is none (or the id is out of range)."""
    if not 0 < member_id <= MAX_ID:
        abort(404)
    member = db.session.get(StaffMember, member_id)
    if member is None:
        abort(404)
    return member


@blueprint.route("/")
@roles_required(StaffRole.ADMIN)
def index():
    """Every staff member, per team and by name; ``team=`` shows one team."""
    teams = _teams()
    team_id = parse_id(request.args.get("team", "")[:12])
    team_id = team_id if team_id in teams else None
    query = (
        select(StaffMember)
        .options(joinedload(StaffMember.team))
        .order_by(StaffMember.team_id, StaffMember.name, StaffMember.id)
    )
    if team_id is not None:
        query = query.where(StaffMember.team_id == team_id)
    return render_template(
        "staff/accounts/index.html",
        members=db.session.scalars(query).all(),
        teams=teams,
        team_id=team_id,
        role_labels=ROLE_LABELS,
        now=utcnow(),
    )


def _new_page(form: NewAccountForm, status: int = 200, problem: str | None = None):
    """The page for a new account."""
    page = render_template("staff/accounts/new.html", form=form, problem=problem)
    return page, status


@blueprint.route("/nieuw", methods=["GET", "POST"])
@roles_required(StaffRole.ADMIN)
def new():
    """A new account: name, address, team and role. The person gets a mail with a link
    to choose their password."""
    teams = _teams()
    initial = {"role": StaffRole.CLERK.value, "team_id": str(current_user.team_id)}
    form = NewAccountForm(data=initial if request.method == "GET" else None, teams=teams)
    if request.method == "GET":
        return _new_page(form)
    if not form.validate_on_submit():
        return _new_page(form, 422)
    now = utcnow()
    team = db.session.get(Team, form.chosen_team_id())
    wanted = NewAccount(form.name.data, form.email.data, team, form.chosen_role())
    try:
        member = create_account(db.session, _actor(), wanted, now)
    except AccountRefused as refused:
        form.email.errors = [refused.message]
        return _new_page(form, 409)
    policy = LinkPolicy.from_config(current_app.config)
    secret = current_app.config["SECRET_KEY"]
    link, token = send_password_link(
        db.session, _actor(), member, secret_key=secret, now=now, policy=policy
    )
    queue_password_mail(db.session, member, link, token, now)
    db.session.commit()
    flash(
        _(
            "Het account van %(name)s is gemaakt. Er gaat een e-mail naar %(email)s met een "
            "link om een wachtwoord te kiezen.",
            name=member.name,
            email=member.email,
        ),
        "success",
    )
    return redirect(url_for("staff.accounts.detail", member_id=member.id))


def _detail_page(member: StaffMember, form: RoleTeamForm | None = None, status: int = 200):
    """One person's page: the facts and the forms that change them."""
    now = utcnow()
    if form is None:
        form = RoleTeamForm(
            formdata=None,
            data={"role": member.role.value, "team_id": str(member.team_id)},
            teams=_teams(),
        )
    page = render_template(
        "staff/accounts/detail.html",
        member=member,
        form=form,
        action_form=FlaskForm(),
        role_labels=ROLE_LABELS,
        now=now,
        locked=member.locked_until is not None and member.locked_until > now,
        coming=coming_visits(db.session, member, now),
        is_self=member.id == current_user.id,
    )
    return page, status


@blueprint.route("/<int:member_id>")
@roles_required(StaffRole.ADMIN)
def detail(member_id: int):
    """One person's account."""
    return _detail_page(_member_or_404(member_id))


def _refused(member: StaffMember, refused: AccountRefused):
    """Back to the person's page with the reason, nothing changed."""
    db.session.rollback()
    flash(refused.message, "error")
    return redirect(url_for("staff.accounts.detail", member_id=member.id))


@blueprint.post("/<int:member_id>/rol-en-team")
@roles_required(StaffRole.ADMIN)
def role_and_team(member_id: int):
    """Change the person's role and team."""
    member = _member_or_404(member_id)
    form = RoleTeamForm(teams=_teams())
    if not form.validate_on_submit():
        return _detail_page(member, form, 422)
    team = db.session.get(Team, form.chosen_team_id())
    try:
        changed = change_role_and_team(
            db.session, _actor(), member, form.chosen_role(), team, utcnow()
        )
    except AccountRefused as refused:
        form.role.errors = [refused.message]
        db.session.rollback()
        return _detail_page(member, form, 409)
    db.session.commit()
    if changed:
        flash(_("De rol en het team van %(name)s zijn bewaard.", name=member.name), "success")
    else:
        flash(_("Er was niets te veranderen."), "info")
    return redirect(url_for("staff.accounts.detail", member_id=member.id))


def _checked_post() -> None:
    """A button's form: refuse it (400) without its CSRF token."""
    if not FlaskForm().validate_on_submit():
        abort(400)


@blueprint.post("/<int:member_id>/deactiveren")
@roles_required(StaffRole.ADMIN)
def deactivate(member_id: int):
    """Deactivate the account: no sign-in, signed out at once, open links void."""
    return _set_active(member_id, False)


@blueprint.post("/<int:member_id>/activeren")
@roles_required(StaffRole.ADMIN)
def reactivate(member_id: int):
    """Make a deactivated account usable again."""
    return _set_active(member_id, True)


def _set_active(member_id: int, active: bool):
    """Deactivate or activate, then back to the person's page."""
    member = _member_or_404(member_id)
    _checked_post()
    try:
        changed = set_active(db.session, _actor(), member, active, utcnow())
    except AccountRefused as refused:
        return _refused(member, refused)
    db.session.commit()
    if not changed:
        flash(_("Er was niets te veranderen."), "info")
    elif active:
        flash(_("Het account van %(name)s is weer actief.", name=member.name), "success")
    else:
        flash(_("Het account van %(name)s is gedeactiveerd.", name=member.name), "success")
    return redirect(url_for("staff.accounts.detail", member_id=member.id))


@blueprint.post("/<int:member_id>/ontgrendelen")
@roles_required(StaffRole.ADMIN)
def unlock_account(member_id: int):
    """Lift the lock after too many wrong passwords."""
    member = _member_or_404(member_id)
    _checked_post()
    if unlock(db.session, _actor(), member, utcnow()):
        db.session.commit()
        flash(
            _("Het account van %(name)s is niet langer geblokkeerd.", name=member.name), "success"
        )
    else:
        flash(_("Er was niets te veranderen."), "info")
    return redirect(url_for("staff.accounts.detail", member_id=member.id))


@blueprint.post("/<int:member_id>/wachtwoordlink")
@roles_required(StaffRole.ADMIN)
def password_link(member_id: int):
    """Mail the person a link to choose a (new) password."""
    member = _member_or_404(member_id)
    _checked_post()
    now = utcnow()
    try:
        link, token = send_password_link(
            db.session,
            _actor(),
            member,
            secret_key=current_app.config["SECRET_KEY"],
            now=now,
            policy=LinkPolicy.from_config(current_app.config),
        )
    except AccountRefused as refused:
        return _refused(member, refused)
    queue_password_mail(db.session, member, link, token, now)
    db.session.commit()
    flash(
        _(
            "Er gaat een e-mail naar %(email)s met een link om een wachtwoord te kiezen.",
            email=member.email,
        ),
        "success",
    )
    return redirect(url_for("staff.accounts.detail", member_id=member.id))
