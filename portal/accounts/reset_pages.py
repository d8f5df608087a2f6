"""Setting a forgotten password: "Wachtwoord vergeten?" on the sign-in page, and the page
the mailed link opens. Both belong to the staff workspace and need no sign-in.

Asking for a link answers the same whether or not the address has an account (one
redirect, one page), and both pages are rate limited per client address
(``RATELIMIT_PASSWORD_RESET``); one person gets at most ``PASSWORD_RESET_MAX_PER_HOUR``
mails an hour. The link works once: a second use, a link that ran out and an unknown
link each get a page that says so. After a new password the person signs in again;
every session signed in with the old password has ended (see
:func:`portal.staff.accounts.password_stamp`).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import logout_user

from ..antibot import limiter
from ..extensions import db
from ..i18n import _
from ..models import AuditAction
from ..staff import blueprint
from ..staff.audit import record
from ..timeutil import utcnow
from .forms import ForgotPasswordForm, NewPasswordForm
from .links import LinkPolicy, LinkState, LinkUnusable, link_state, request_reset, use_link
from .mail import queue_password_mail

password_reset_limit = limiter.limit(
    lambda: current_app.config["RATELIMIT_PASSWORD_RESET"],
    methods=["POST"],
    scope="staff-password-forgot",
)
password_link_limit = limiter.limit(
    lambda: current_app.config["RATELIMIT_PASSWORD_RESET"],
    methods=["POST"],
    scope="staff-password-link",
)

# The status of the page for a link that cannot be used.
CLOSED_STATUS = {LinkState.USED: 410, LinkState.EXPIRED: 410, LinkState.UNKNOWN: 404}


def _private(page: str, status: int = 200):
    """A page whose address holds a secret: never kept in a cache."""
    return page, status, {"Cache-Control": "no-store"}


@blueprint.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@password_reset_limit
def forgot_password():
    """Ask for a link to set a new password. Whatever the address, the answer is the same
    redirect to the same page; only an account that may have a link gets a mail, in the
    person's mail language."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        now = utcnow()
        made = request_reset(
            db.session,
            form.email.data,
            secret_key=current_app.config["SECRET_KEY"],
            now=now,
            policy=LinkPolicy.from_config(current_app.config),
        )
        if made is not None:
            member, link, token = made
            queue_password_mail(db.session, member, link, token, now)
        db.session.commit()
        return redirect(url_for("staff.forgot_password_sent"))
    status = 422 if form.errors else 200
    return render_template("staff/forgot_password.html", form=form), status


@blueprint.route("/wachtwoord-vergeten/verstuurd")
def forgot_password_sent():
    """The one answer to every request for a link."""
    minutes = int(LinkPolicy.from_config(current_app.config).reset.total_seconds() // 60)
    return render_template("staff/forgot_password_sent.html", minutes=minutes)


@blueprint.route("/wachtwoord-instellen/<token>", methods=["GET", "POST"])
@password_link_limit
def reset_password(token: str):
    """The page a mailed link opens: choose a password, typed twice. Used once, the link
    is spent; the person then signs in with the new password."""
    now = utcnow()
    link, state = link_state(db.session, token, now)
    if state != LinkState.OPEN:
        return _closed(state)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            member = use_link(db.session, token, form.password.data, now)
        except LinkUnusable as refused:
            db.session.rollback()
            return _closed(refused.state)
        record(
            db.session,
            member,
            AuditAction.CHANGE,
            "account.password_set",
            team_id=member.team_id,
            detail={"staff_id": member.id, "kind": link.kind.value},
            now=now,
        )
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Uw nieuwe wachtwoord is bewaard. Meld u ermee aan."), "success")
        return redirect(url_for("staff.sign_in"))
    page = render_template(
        "staff/reset_password.html", form=form, email=link.staff.email, kind=link.kind.value
    )
    return _private(page, 422 if form.errors else 200)


def _closed(state: LinkState):
    """The page for a link that was used, ran out or is unknown."""
    page = render_template("staff/reset_password_closed.html", state=state.value)
    return _private(page, CLOSED_STATUS[state])
