"""Who may see what in the staff workspace: roles, and the team boundary.

A clerk or a planner works for one team and sees only that team's visits; central
reception and administrators work for every team. A visit belongs to the team of the
person it is booked with. A visit outside a person's teams is answered with 404, the
same as a visit that does not exist, so ids cannot be probed.

Also the reading of ids, days and the team picker from a request, and what a list of
visits loads up front, which every page that lists visits shares.
"""

from __future__ import annotations

from datetime import date
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from ..date_input import parse_iso_date
from ..extensions import login_manager
from ..models import Appointment, AppointmentService, Service, StaffMember, StaffRole, Team
from ..models.base import MAX_ID

ALL_ROLES = tuple(StaffRole)
# Roles that work for every team.
CITY_WIDE_ROLES = frozenset({StaffRole.RECEPTION, StaffRole.ADMIN})
# Roles that work with the visits themselves (today, calendars, moving, cancelling).
VISIT_ROLES = (StaffRole.CLERK, StaffRole.PLANNER, StaffRole.RECEPTION, StaffRole.ADMIN)
# Roles that plan: the rota, absences, opening hours, closures and services.
PLANNING_ROLES = (StaffRole.PLANNER, StaffRole.ADMIN)
# ``team=all``: every team (central reception and administrators only).
ALL_TEAMS = "all"


def parse_id(raw: str | None) -> int | None:
    """A row id from a URL or form value: ASCII digits within the id range, else None
    (``"²".isdigit()`` is true, but ``int("²")`` fails, so both checks are needed)."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def id_or_404(raw: str | None) -> int:
    """A row id from the query string; 404 when it cannot be one (so a wrong id and one
    that is not the reader's read the same)."""
    value = parse_id(raw)
    if value is None:
        abort(404)
    return value


def parse_date(raw: str | None) -> date | None:
    """A ``YYYY-MM-DD`` date (that shape only), or None when it is missing or unreadable;
    every caller refuses what lies outside its own range with a message of its own."""
    return parse_iso_date(raw)


def roles_required(*roles: StaffRole):
    """Decorator: the view needs a signed-in staff member with one of ``roles``; others
    are sent to sign in (not signed in) or refused with 403 (signed in, wrong role)."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def team_scope(member: StaffMember) -> list[int] | None:
    """The team ids ``member`` works for, or None for every team."""
    if member.role in CITY_WIDE_ROLES:
        return None
    return [member.team_id]


def can_see_team(member: StaffMember, team_id: int | None) -> bool:
    """Whether ``member`` may see the visits and calendars of team ``team_id``."""
    scope = team_scope(member)
    return scope is None or team_id in scope


def visible_teams(session: Session, member: StaffMember) -> list[Team]:
    """The teams ``member`` may look at, in code order (for pickers)."""
    query = select(Team).order_by(Team.id)
    scope = team_scope(member)
    if scope is not None:
        query = query.where(Team.id.in_(scope))
    return list(session.scalars(query))


def filter_visible_visits(member: StaffMember):
    """Criterion: the visits ``member`` may see."""
    scope = team_scope(member)
    return true() if scope is None else Appointment.filter_teams(scope)


def visit_list_options(*, called_counter: bool = False, staff_team: bool = False) -> tuple:
    """Loader options for a list of visits: their services (with the texts), clerk and
    counter up front, so that a table needs no query per row; ``called_counter`` and
    ``staff_team`` (the clerk's team) too for the lists that show them."""
    staff = joinedload(Appointment.staff)
    options = [
        selectinload(Appointment.booked_services)
        .joinedload(AppointmentService.service)
        .selectinload(Service.texts),
        staff.joinedload(StaffMember.team) if staff_team else staff,
        joinedload(Appointment.counter),
    ]
    if called_counter:
        options.append(joinedload(Appointment.called_counter))
    return tuple(options)


def visit_or_404(session: Session, member: StaffMember, visit_id: int) -> Appointment:
    """The visit ``visit_id`` if ``member`` may see it; 404 otherwise (also for an id
    that does not exist, or is out of range)."""
    if not 0 < visit_id <= MAX_ID:
        abort(404)
    visit = session.scalar(
        select(Appointment).where(Appointment.id == visit_id, filter_visible_visits(member))
    )
    if visit is None:
        abort(404)
    return visit


def team_or_404(session: Session, member: StaffMember, team_id: int) -> Team:
    """Team ``team_id`` if ``member`` may see it; 404 otherwise."""
    if not 0 < team_id <= MAX_ID or not can_see_team(member, team_id):
        abort(404)
    team = session.get(Team, team_id)
    if team is None:
        abort(404)
    return team


def chosen_team(session: Session, member: StaffMember, raw: str | None) -> Team | None:
    """The team of ``team=`` (default: the member's own); None for ``team=all``. A team
    the member does not work for, or ``all`` for a one-team role, is answered with 404."""
    text = (raw or "").strip()
    if not text:
        return team_or_404(session, member, member.team_id)
    if text == ALL_TEAMS:
        if team_scope(member) is not None:
            abort(404)
        return None
    return team_or_404(session, member, id_or_404(text))


def listed_team(session: Session, member: StaffMember, raw: str | None) -> Team | None:
    """The team a list shows: as :func:`chosen_team`, except that a person who works for
    every team sees every team (None) when ``team=`` is not given."""
    if team_scope(member) is None and not (raw or "").strip():
        return None
    return chosen_team(session, member, raw)
