"""The staff workspace (``/medewerkers``): sign-in, today's visits, calendars, booking on
behalf of residents, reception and the waiting room, calendar feeds and the audit trail.

Every view checks the role (``access.roles_required``) and the team boundary
(``access.visit_or_404`` and friends); see :mod:`portal.staff.access`.

This module makes the blueprint and its hooks only: the workspace's pages (and the
planners', which attach to this blueprint too) are loaded by :mod:`portal.routes`, so a
page elsewhere may use :mod:`portal.staff.access` without an import circle.
"""

from __future__ import annotations

import time

from flask import Blueprint, Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, login_manager
from ..i18n import _, _l
from ..models import StaffMember, StaffNotification, StaffRole
from .access import parse_id
from .accounts import PASSWORD_STAMP_KEY, password_stamp

blueprint = Blueprint("staff", __name__, url_prefix="/medewerkers")

# The key in the session that remembers when a signed-in person last did something.
LAST_SEEN_KEY = "staff_seen"

_R = StaffRole
# The workspace's menu: (endpoint, label, roles that see it), in menu order.
NAVIGATION = (
    ("staff.home", _l("Overzicht"), tuple(_R)),
    ("staff.today", _l("Vandaag"), tuple(_R)),
    ("staff.calendar", _l("Agenda"), tuple(_R)),
    ("staff.find_visit", _l("Afspraak zoeken"), tuple(_R)),
    ("staff.waiting_room", _l("Wachtzaal"), tuple(_R)),
    ("staff.book_start", _l("Afspraak maken"), tuple(_R)),
    ("staff.dossiers.my_dossiers", _l("Dossiers"), tuple(_R)),
    ("staff.dossiers.notifications", _l("Meldingen"), tuple(_R)),
    ("staff.interpreters.needs", _l("Tolken"), tuple(_R)),
    ("staff.feed_settings", _l("Agenda-abonnement"), tuple(_R)),
    ("staff.planning_home", _l("Planning"), (_R.PLANNER, _R.ADMIN)),
    ("staff.statistics.index", _l("Statistiek"), (_R.PLANNER, _R.ADMIN)),
    ("staff.audit_log", _l("Audittrail"), (_R.ADMIN,)),
    ("staff.privacy.person", _l("Persoonsgegevens"), (_R.ADMIN,)),
    ("staff.accounts.index", _l("Accounts"), (_R.ADMIN,)),
)


def navigation_for(member: StaffMember) -> list[tuple[str, str]]:
    """The menu entries (endpoint, label) ``member``'s role may open."""
    return [(endpoint, str(label)) for endpoint, label, roles in NAVIGATION if member.role in roles]


@login_manager.user_loader
def _load_member(member_id: str) -> StaffMember | None:
    """The signed-in staff member of a session, if the account is still usable."""
    member_key = parse_id(member_id)
    if member_key is None:
        return None
    member = db.session.get(StaffMember, member_key)
    if member is None or not member.is_active:
        return None
    # Signed in with a password that has since been changed (a reset): signed out.
    if session.get(PASSWORD_STAMP_KEY) != password_stamp(current_app.config["SECRET_KEY"], member):
        return None
    return member


@login_manager.unauthorized_handler
def _ask_to_sign_in():
    """Not signed in: to the sign-in page, coming back here afterwards."""
    flash(_("Meld u aan om verder te gaan."), "info")
    return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))


# Pages that need no sign-in: the hall's call display, the calendar feeds (their token is
# the credential), the sign-in page and setting a forgotten password (portal/accounts).
# An idle session does not stand in their way.
OPEN_ENDPOINTS = frozenset(
    {
        "staff.sign_in",
        "staff.feed",
        "staff.call_display",
        "staff.call_display_data",
        "staff.forgot_password",
        "staff.forgot_password_sent",
        "staff.reset_password",
    }
)


@blueprint.before_request
def _end_idle_session():
    """Sign out a session that did nothing for ``STAFF_IDLE_MINUTES``; note activity."""
    if request.endpoint in OPEN_ENDPOINTS or not current_user.is_authenticated:
        return None
    idle_limit = int(current_app.config["STAFF_IDLE_MINUTES"]) * 60
    now = time.time()
    last_seen = session.get(LAST_SEEN_KEY)
    if not isinstance(last_seen, int | float) or now - last_seen > idle_limit:
        logout_user()
        session.clear()
        flash(_("U was een tijd niet actief en bent afgemeld. Meld u opnieuw aan."), "info")
        return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))
    session[LAST_SEEN_KEY] = now
    return None


# The menu entry that shows how many notifications are unread.
NOTIFICATIONS_ENDPOINT = "staff.dossiers.notifications"


def unread_notifications(member: StaffMember) -> int:
    """How many of ``member``'s dossier notifications are unread."""
    return db.session.scalar(
        select(func.count())
        .select_from(StaffNotification)
        .where(StaffNotification.filter_unread_of(member.id))
    )


@blueprint.app_context_processor
def _staff_helpers() -> dict:
    """The staff menu for templates (empty for residents); the notifications entry says
    how many are unread."""
    if not current_user.is_authenticated:
        return {"staff_navigation": []}
    entries = navigation_for(current_user)
    if any(endpoint == NOTIFICATIONS_ENDPOINT for endpoint, _label in entries):
        try:
            unread = unread_notifications(current_user)
        except SQLAlchemyError:  # an error page after a failed transaction: no count
            unread = 0
        if unread:
            label = _("Meldingen (%(num)s nieuw)", num=unread)
            entries = [
                (endpoint, label if endpoint == NOTIFICATIONS_ENDPOINT else text)
                for endpoint, text in entries
            ]
    return {"staff_navigation": entries}


def init_staff(app: Flask) -> None:
    """Wire sign-in (Flask-Login, strong session protection) and the staff blueprint."""
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    app.register_blueprint(blueprint)
