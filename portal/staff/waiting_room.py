"""The waiting room: who of a team arrived today and waits, is called or is being
helped; and the call display on the big screen in the hall.

The call display needs no sign-in (it runs unattended on a screen in the hall), so it
shows only references and counter numbers, never a name, and writes no audit rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, jsonify, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..extensions import db
from ..models import Appointment, AppointmentStatus, AuditAction, Counter, Team
from ..notifications.summary import local_time
from ..timeutil import end_of_local_day, isoformat_local, local_today, start_of_local_day, utcnow
from . import blueprint
from .access import (
    ALL_ROLES,
    ALL_TEAMS,
    CITY_WIDE_ROLES,
    VISIT_ROLES,
    chosen_team,
    id_or_404,
    roles_required,
    visit_list_options,
)
from .audit import record

# The display shows calls of the last 15 minutes, at most 8, newest first.
CALL_DISPLAY_WINDOW = timedelta(minutes=15)
CALL_DISPLAY_ROWS = 8


@dataclass
class WaitingRoom:
    """Today's arrived, unfinished visits of one team (or all), by stage."""

    waiting: list[Appointment] = field(default_factory=list)
    called: list[Appointment] = field(default_factory=list)
    in_service: list[Appointment] = field(default_factory=list)


def _open_today(now: datetime) -> tuple:
    """Criteria: confirmed visits starting on the city's today, not finished or missed."""
    today = local_today(now)
    return (
        Appointment.filter_between(start_of_local_day(today), end_of_local_day(today)),
        Appointment.status == AppointmentStatus.CONFIRMED,
        Appointment.completed_at.is_(None),
        Appointment.no_show_at.is_(None),
    )


def load_waiting_room(session: Session, team_id: int | None, now: datetime) -> WaitingRoom:
    """Today's visits of ``team_id`` (None: every team) that arrived and are not done:
    waiting ones by appointment time then arrival, called ones latest call first, those
    in service by start."""
    query = (
        select(Appointment)
        .where(*_open_today(now), Appointment.arrived_at.is_not(None))
        .options(*visit_list_options(called_counter=True, staff_team=True))
        .order_by(Appointment.starts_at, Appointment.arrived_at, Appointment.id)
    )
    if team_id is not None:
        query = query.where(Appointment.filter_teams([team_id]))
    room = WaitingRoom()
    for visit in session.scalars(query):
        getattr(room, visit.stage).append(visit)
    room.called.sort(key=lambda visit: visit.called_at, reverse=True)
    room.in_service.sort(key=lambda visit: visit.service_started_at)
    return room


def counters_by_team(session: Session) -> dict[int, list[Counter]]:
    """Every team's active counters by number: the choices of the call form."""
    counters: dict[int, list[Counter]] = {}
    query = select(Counter).where(Counter.active.is_(True)).order_by(Counter.number)
    for counter in session.scalars(query):
        counters.setdefault(counter.team_id, []).append(counter)
    return counters


def minutes_waiting(visit: Appointment, now: datetime) -> int:
    """Whole minutes since the resident checked in."""
    return max(0, int((now - visit.arrived_at).total_seconds() // 60))


@blueprint.route("/wachtzaal")
@roles_required(*ALL_ROLES)
def waiting_room():
    """Today's waiting room of a team: waiting (with how long), called (to which counter)
    and in service, with the buttons to call, call again, start and finish."""
    team = chosen_team(db.session, current_user, request.args.get("team"))
    team_id = team.id if team is not None else None
    now = utcnow()
    room = load_waiting_room(db.session, team_id, now)
    record(
        db.session,
        current_user,
        AuditAction.VIEW,
        "waiting_room.view",
        team_id=team_id,
        detail={
            "waiting": len(room.waiting),
            "called": len(room.called),
            "in_service": len(room.in_service),
        },
    )
    city_wide = current_user.role in CITY_WIDE_ROLES
    teams = list(db.session.scalars(select(Team).order_by(Team.id))) if city_wide else []
    page = render_template(
        "staff/waiting_room.html",
        room=room,
        team_id=team_id,
        team=team,
        teams=teams,
        all_teams=ALL_TEAMS,
        counters=counters_by_team(db.session),
        can_act=current_user.role in VISIT_ROLES,
        back_here=url_for("staff.waiting_room", team=ALL_TEAMS if team_id is None else team_id),
        minutes_waiting=lambda visit: minutes_waiting(visit, now),
        local_time=local_time,
    )
    db.session.commit()  # after rendering, which would otherwise reload every visit
    return page


def _display_team() -> int | None:
    """The team of the call display's ``team`` parameter (an id), or None for all; an
    id of no team is a 404."""
    raw = request.args.get("team", "").strip()
    if not raw:
        return None
    team_id = id_or_404(raw)
    if db.session.get(Team, team_id) is None:
        abort(404)
    return team_id


def recent_calls(session: Session, team_id: int | None, now: datetime) -> list[Appointment]:
    """Visits called today in the last 15 minutes and not finished, newest call first
    (at most :data:`CALL_DISPLAY_ROWS`)."""
    since = max(now - CALL_DISPLAY_WINDOW, start_of_local_day(local_today(now)))
    query = (
        select(Appointment)
        .where(
            *_open_today(now),
            Appointment.called_at.is_not(None),
            Appointment.called_at >= since,
        )
        .options(joinedload(Appointment.called_counter))
        .order_by(Appointment.called_at.desc(), Appointment.id.desc())
        .limit(CALL_DISPLAY_ROWS)
    )
    if team_id is not None:
        query = query.where(Appointment.filter_teams([team_id]))
    return list(session.scalars(query))


def call_rows(visits: list[Appointment]) -> list[dict]:
    """What the display shows of each call: reference, counter number, call time."""
    return [
        {
            "reference": visit.reference,
            "counter": visit.called_counter.number if visit.called_counter else None,
            "called_at": isoformat_local(visit.called_at),
        }
        for visit in visits
    ]


@blueprint.route("/oproepscherm")
def call_display():
    """The call display for the hall (no sign-in): references and counter numbers of the
    latest calls in very large type; refreshes itself (script, or every 15 s without)."""
    team_id = _display_team()
    calls = call_rows(recent_calls(db.session, team_id, utcnow()))
    return render_template(
        "staff/call_display.html",
        calls=calls,
        data_url=url_for("staff.call_display_data", team=team_id),
    )


@blueprint.route("/oproepscherm.json")
def call_display_data():
    """The call display's list as JSON, fetched by its script every few seconds."""
    team_id = _display_team()
    response = jsonify({"calls": call_rows(recent_calls(db.session, team_id, utcnow()))})
    response.headers["Cache-Control"] = "no-store"
    return response
