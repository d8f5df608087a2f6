"""The waiting room: who of a team arrived today and waits, is called or is being
helped, with their queue numbers. It opens on the person's own team (central reception
and administrators: every team) and reads itself again every 30 seconds
(``PORTAL_WAITING_ROOM_REFRESH_SECONDS``): a script swaps
the lists in while nobody is busy with a form, and without the script the page reloads
(unless the person switched that off). The hall's screen is :mod:`.call_display`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Appointment, AppointmentStatus, AuditAction, Counter, Team
from ..notifications.summary import local_time
from ..timeutil import end_of_local_day, local_today, start_of_local_day, utcnow
from . import blueprint
from .access import (
    ALL_ROLES,
    ALL_TEAMS,
    CITY_WIDE_ROLES,
    VISIT_ROLES,
    listed_team,
    roles_required,
    visit_list_options,
)
from .audit import record

# ``vernieuwen=uit``: the page does not reload itself (someone reading or pointing).
NO_REFRESH = "uit"


@dataclass
class WaitingRoom:
    """Today's arrived, unfinished visits of one team (or all), by stage."""

    waiting: list[Appointment] = field(default_factory=list)
    called: list[Appointment] = field(default_factory=list)
    in_service: list[Appointment] = field(default_factory=list)


def open_today(now: datetime) -> tuple:
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
        .where(*open_today(now), Appointment.arrived_at.is_not(None))
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
    and in service, with the buttons to call, call again, start and finish. Opens on
    the person's own team, or every team for those who work for all of them."""
    team = listed_team(db.session, current_user, request.args.get("team"))
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
        refresh=None
        if request.args.get("vernieuwen") == NO_REFRESH
        else int(current_app.config["WAITING_ROOM_REFRESH_SECONDS"]),
        refresh_off_url=url_for(
            "staff.waiting_room",
            team=ALL_TEAMS if team_id is None else team_id,
            vernieuwen=NO_REFRESH,
        ),
        minutes_waiting=lambda visit: minutes_waiting(visit, now),
        local_time=local_time,
    )
    db.session.commit()  # after rendering, which would otherwise reload every visit
    return page
