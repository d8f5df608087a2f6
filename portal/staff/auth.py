"""Signing in and out of the staff workspace."""

from __future__ import annotations

import time

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..antibot import limiter
from ..extensions import db
from ..i18n import _l
from ..models import AuditAction
from ..plain_text import PlainTextForm
from ..request_limits import MAX_REDIRECT_CHARS
from ..timeutil import utcnow
from . import LAST_SEEN_KEY, blueprint
from .accounts import PASSWORD_STAMP_KEY, SignInPolicy, authenticate, password_stamp
from .audit import record


class SignInForm(PlainTextForm):
    """E-mail address and password of a staff member."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(), Length(max=200)])


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of the workspace, never another site, never
    an address too long to follow."""
    if (
        target
        and len(target) <= MAX_REDIRECT_CHARS
        and target.startswith(blueprint.url_prefix + "/")
        and "//" not in target
    ):
        return target
    return url_for("staff.home")


sign_in_limit = limiter.limit(
    lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"], scope="staff-sign-in"
)


@blueprint.route("/aanmelden", methods=["GET", "POST"])
@sign_in_limit
def sign_in():
    """The sign-in page. One message for every failure (unknown address, wrong password,
    locked account), so the answer tells nobody which accounts exist."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        now = utcnow()
        policy = SignInPolicy.from_config(current_app.config)
        member = authenticate(db.session, form.email.data, form.password.data, now, policy)
        if member is not None:
            target = safe_next(request.args.get("next"))
            # A new session at sign-in: nothing from before (a planted id) carries over.
            session.clear()
            login_user(member)
            session[LAST_SEEN_KEY] = time.time()
            session[PASSWORD_STAMP_KEY] = password_stamp(current_app.config["SECRET_KEY"], member)
            record(db.session, member, AuditAction.SIGN_IN, "staff.sign_in", now=now)
            db.session.commit()
            return redirect(target)
        db.session.commit()  # keep the failure count
        failed = True
    status = 401 if failed else (422 if form.errors else 200)
    return render_template("staff/sign_in.html", form=form, failed=failed), status


@blueprint.route("/afmelden", methods=["POST"])
def sign_out():
    """Sign out and forget the session."""
    logout_user()
    session.clear()
    return redirect(url_for("staff.sign_in", signed_out=1))
