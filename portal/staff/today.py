"""The Today page: one day's visits of a team (or of one of its counters) in time order,
with how far each resident got and buttons for the next step of their day.

A clerk or planner sees their own team; central reception and administrators may pick any
team, or every team at once. A clerk starts on "my visits" (those booked with them,
``wie=mij``); the team's list is one click away (``wie=team``, or picking a team or a
counter). Everyone may switch between the two. Past and future days are read-only: steps
are only recorded on the visit's own day (see :func:`portal.staff.operations.record_progress`).
"""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..extensions import db
from ..i18n import _
from ..interpreters.coverage import ASKED, NO_SPEAKER, duty_roster, interpreter_reasons
from ..models import (
    Appointment,
    AppointmentStatus,
    AuditAction,
    Counter,
    StaffMember,
    StaffRole,
    Team,
)
from ..notifications.summary import local_date, local_time
from ..timeutil import (
    end_of_local_day,
    local_datetime,
    local_today,
    start_of_local_day,
    to_local,
    utcnow,
)
from . import blueprint
from .access import (
    ALL_ROLES,
    ALL_TEAMS,
    can_see_team,
    chosen_team,
    filter_visible_visits,
    id_or_404,
    parse_date,
    roles_required,
    team_scope,
    visible_teams,
    visit_list_options,
)
from .audit import record
from .reception import STAGE_LABELS

# Days further away than this are refused (and never overflow the date arithmetic).
MAX_DAYS_AWAY = 3660
# The stages the summary at the top counts, in the order of a visit's day.
SUMMARY_STAGES = ("expected", "waiting", "called", "in_service", "done", "no_show", "pending")
# ``wie=``: only the visits booked with the signed-in person, or the team's.
MINE, TEAM = "mij", "team"
# The steps each stage offers as buttons; "no_show" only once the start time has passed.
STEPS_BY_STAGE = {
    "expected": ("arrive", "no_show"),
    "waiting": ("call", "start", "undo"),
    "called": ("call", "start", "undo"),
    "in_service": ("finish", "undo"),
}


@dataclass
class DayFilter:
    """What the page shows: a day, a team (None: every team) and maybe one counter."""

    day: date | None
    team: Team | None
    counter: Counter | None = None
    # The counter asked for belonged to another team than the one chosen: it was ignored.
    counter_ignored: bool = False
    # Only the visits booked with the signed-in person ("my visits").
    mine: bool = False


@dataclass
class DayOverview:
    """The day's visits that still count (not cancelled), and how many were cancelled or
    never confirmed in time; ``counts`` holds the number of visits per stage."""

    visits: list[Appointment] = field(default_factory=list)
    cancelled: int = 0
    lapsed: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def parse_day(raw: str | None, today: date) -> date | None:
    """The day in ``YYYY-MM-DD`` (today when absent or empty); None when it is not a real
    date or lies more than :data:`MAX_DAYS_AWAY` days from today."""
    text = (raw or "").strip()
    if not text:
        return today
    day = parse_date(text)
    return day if day is not None and abs((day - today).days) <= MAX_DAYS_AWAY else None


def chosen_counter(
    session: Session, member: StaffMember, raw: str | None, team: Team | None
) -> tuple[Counter | None, bool]:
    """The counter of ``counter=`` and whether it was ignored. A counter of a team the
    member may not see, or none at all, is 404; one of another visible team than the
    chosen one (the form was sent after switching teams) is ignored."""
    text = (raw or "").strip()
    if not text:
        return None, False
    counter = session.get(Counter, id_or_404(text))
    if counter is None or not can_see_team(member, counter.team_id):
        abort(404)
    if team is not None and counter.team_id != team.id:
        return None, True
    return counter, False


def load_day_visits(
    session: Session,
    member: StaffMember,
    day: date,
    team: Team | None,
    counter: Counter | None,
    *,
    mine: bool = False,
) -> list[Appointment]:
    """Every visit of ``day`` the member may see, of ``team`` (None: all) and ``counter``
    (None: all), only those booked with the member when ``mine``, cancelled ones too, in
    time order; with services, clerk and counters loaded up front so that the table needs
    no query per row."""
    query = (
        select(Appointment)
        .where(
            filter_visible_visits(member),
            Appointment.filter_between(start_of_local_day(day), end_of_local_day(day)),
        )
        .options(*visit_list_options(called_counter=True))
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if team is not None:
        query = query.where(Appointment.filter_teams([team.id]))
    if counter is not None:
        query = query.where(Appointment.counter_id == counter.id)
    if mine:
        query = query.where(Appointment.staff_id == member.id)
    return list(session.scalars(query))


def day_overview(visits: list[Appointment], now: datetime) -> DayOverview:
    """Split the day's visits: the cancelled ones and the unconfirmed ones whose time went
    back are only counted; the rest are listed and counted per stage."""
    overview = DayOverview()
    for visit in visits:
        if visit.status == AppointmentStatus.CANCELLED:
            overview.cancelled += 1
        elif visit.activation_expired(now):
            overview.lapsed += 1
        else:
            overview.visits.append(visit)
    tally = Tally(visit.stage for visit in overview.visits)
    overview.counts = {stage: tally.get(stage, 0) for stage in SUMMARY_STAGES}
    return overview


@blueprint.app_template_global("progress_steps")
def progress_steps(visit: Appointment, now: datetime | None = None) -> list[str]:
    """The steps a page offers as buttons for ``visit`` at ``now``: only for a confirmed
    visit on its own day, those that fit its stage (the progress endpoint checks again)."""
    now = now or utcnow()
    if visit.status != AppointmentStatus.CONFIRMED:
        return []
    if to_local(visit.starts_at).date() != local_today(now):
        return []
    steps = STEPS_BY_STAGE.get(visit.stage, ())
    return [step for step in steps if step != "no_show" or now >= visit.starts_at]


def shows_mine(member: StaffMember, args) -> bool:
    """Whether the page shows only the member's own visits: ``wie=mij`` or ``wie=team``
    when asked; otherwise a clerk's default, unless they picked a team or a counter."""
    whose = (args.get("wie") or "").strip()
    if whose in (MINE, TEAM):
        return whose == MINE
    picked = (args.get("team") or "").strip() or (args.get("counter") or "").strip()
    return member.role == StaffRole.CLERK and not picked


def read_filter(session: Session, member: StaffMember, now: datetime) -> DayFilter:
    """The day, team, counter and whose visits of the query string, checked (404 for
    what the member may not see; ``day`` None when unreadable)."""
    day = parse_day(request.args.get("day"), local_today(now))
    team = chosen_team(session, member, request.args.get("team"))
    counter, ignored = chosen_counter(session, member, request.args.get("counter"), team)
    return DayFilter(
        day=day,
        team=team,
        counter=counter,
        counter_ignored=ignored,
        mine=shows_mine(member, request.args),
    )


def counters_to_pick(session: Session, member: StaffMember, team: Team | None) -> list[Counter]:
    """The counters of the filter's list: the team's, or every visible team's, by number."""
    query = select(Counter).order_by(Counter.number)
    if team is not None:
        query = query.where(Counter.team_id == team.id)
    else:
        scope = team_scope(member)
        if scope is not None:
            query = query.where(Counter.team_id.in_(scope))
    return list(session.scalars(query))


def _day_link(chosen: DayFilter, day: date) -> str:
    """This page for another ``day``, keeping the team and counter."""
    arguments = {"day": day.isoformat()}
    arguments["team"] = str(chosen.team.id) if chosen.team else ALL_TEAMS
    if chosen.counter is not None:
        arguments["counter"] = str(chosen.counter.id)
    arguments["wie"] = MINE if chosen.mine else TEAM
    return url_for("staff.today", **arguments)


@blueprint.route("/vandaag")
@roles_required(*ALL_ROLES)
def today():
    """The day's visits of a team or counter, with a summary per stage and a button for
    each next step; ``day``, ``team`` and ``counter`` in the query string choose what."""
    now = utcnow()
    chosen = read_filter(db.session, current_user, now)
    page = {
        "chosen": chosen,
        "teams": visible_teams(db.session, current_user),
        "may_pick_all": team_scope(current_user) is None,
        "counters": counters_to_pick(db.session, current_user, chosen.team),
        "local_time": local_time,
        "stage_labels": STAGE_LABELS,
        "summary_stages": SUMMARY_STAGES,
    }
    if chosen.day is None:
        problem = _("Geef een geldige datum in de vorm JJJJ-MM-DD.")
        return render_template("staff/today.html", problem=problem, **page), 400
    visits = load_day_visits(
        db.session, current_user, chosen.day, chosen.team, chosen.counter, mine=chosen.mine
    )
    overview = day_overview(visits, now)
    roster = duty_roster(
        db.session,
        {visit.staff.team_id for visit in overview.visits},
        start_of_local_day(chosen.day),
        end_of_local_day(chosen.day),
    )
    page["interpreter_reasons"] = {
        visit.id: interpreter_reasons(visit, roster) for visit in overview.visits
    }
    page["asked"], page["no_speaker"] = ASKED, NO_SPEAKER
    detail = {"day": chosen.day.isoformat(), "visits": len(overview.visits)}
    if chosen.mine:
        detail["whose"] = MINE
    record(
        db.session,
        current_user,
        AuditAction.VIEW,
        "today.view",
        team_id=chosen.team.id if chosen.team else None,
        detail=detail,
        now=now,
    )
    # Rendered before the commit, which would expire the loaded visits row by row.
    html = render_template(
        "staff/today.html",
        overview=overview,
        now=now,
        is_today=chosen.day == local_today(now),
        day_name=local_date(local_datetime(chosen.day, time(12))),
        previous_day=_day_link(chosen, chosen.day - timedelta(days=1)),
        next_day=_day_link(chosen, chosen.day + timedelta(days=1)),
        this_page=request.full_path.rstrip("?"),
        **page,
    )
    db.session.commit()
    return html
