"""The interpreters' list for staff (``/medewerkers/tolken``) and its CSV export.

The coming visits that need an interpreter, per language and day (see
:mod:`portal.interpreters.needs`), so the city can book one in time. Every signed-in staff
member may look: a clerk or planner sees their own team, central reception and
administrators every team or one they pick (:mod:`portal.staff.access`); another team's
list is answered with 404. Both the page and the file show residents' names, so each look
and each export writes an audit row, with the period and the counts only.

A blueprint of its own nested in the staff workspace, like the dossiers: the app factory
imports this module before it registers the workspace, and the workspace never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from ..extensions import db
from ..i18n import _, current_language, ngettext
from ..models import AuditAction, StaffMember, Team
from ..notifications.summary import local_date, local_time
from ..staff import blueprint as staff_blueprint
from ..staff.access import (
    ALL_ROLES,
    ALL_TEAMS,
    listed_team,
    parse_date,
    roles_required,
    team_scope,
    visible_teams,
)
from ..staff.audit import record
from ..timeutil import end_of_local_day, local_datetime, local_today, start_of_local_day, utcnow
from .coverage import ASKED, NO_SPEAKER
from .export import needs_csv, reason_texts
from .needs import InterpreterNeed, by_language, interpreter_needs

blueprint = Blueprint("interpreters", __name__, url_prefix="/tolken")
staff_blueprint.register_blueprint(blueprint)

# The period shown when none is asked: today and the next four weeks.
DEFAULT_DAYS = 28
# The longest period one look may cover (a quarter), and how far from today it may lie.
MAX_DAYS = 92
MAX_DAYS_AWAY = 3660
# A day's name is written from its noon (never shifted to another date by the zone).
NOON = time(12)


@dataclass
class NeedsFilter:
    """The period (Brussels dates, both included) and team (None: every team) of one
    request, checked; ``problems`` names what could not be read."""

    first: date | None
    last: date | None
    team: Team | None
    problems: list[str] = field(default_factory=list)

    def query_args(self) -> dict[str, str]:
        """The query string that asks for this list again (the export link)."""
        args = {"team": str(self.team.id) if self.team else ALL_TEAMS}
        if self.first:
            args["from"] = self.first.isoformat()
        if self.last:
            args["to"] = self.last.isoformat()
        return args


def _day(name: str, label: str, today: date, problems: list[str]) -> date | None:
    """A ``YYYY-MM-DD`` date of the query string (None when absent); unreadable or too far
    from today is named in ``problems``."""
    raw = (request.args.get(name) or "").strip()[:20]
    if not raw:
        return None
    day = parse_date(raw)
    if day is None:
        problems.append(_("%(field)s is geen geldige datum (JJJJ-MM-DD).", field=label))
        return None
    earliest = today - timedelta(days=MAX_DAYS_AWAY)
    latest = today + timedelta(days=MAX_DAYS_AWAY)
    if not earliest <= day <= latest:
        problems.append(
            _(
                "%(field)s moet tussen %(first)s en %(last)s liggen.",
                field=label,
                first=earliest.isoformat(),
                last=latest.isoformat(),
            )
        )
        return None
    return day


def read_filter(session: Session, member: StaffMember, today: date) -> NeedsFilter:
    """The period and team of the query string: ``from`` (default today), ``to`` (default
    four weeks on) and ``team`` (404 for a team the member may not see)."""
    team = listed_team(session, member, request.args.get("team"))
    problems: list[str] = []
    first = _day("from", _("Vanaf"), today, problems)
    last = _day("to", _("Tot en met"), today, problems)
    if not problems:
        first = first or today
        last = last or first + timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            problems.append(_("De begindatum ligt na de einddatum."))
        elif (last - first).days >= MAX_DAYS:
            problems.append(
                ngettext(
                    "Kies een periode van hoogstens %(num)s dag.",
                    "Kies een periode van hoogstens %(num)s dagen.",
                    MAX_DAYS,
                )
            )
    return NeedsFilter(first, last, team, problems)


def _team_ids(member: StaffMember, chosen: NeedsFilter) -> list[int] | None:
    """The teams the list covers: the chosen one, or all the member sees (None: all)."""
    return [chosen.team.id] if chosen.team else team_scope(member)


def _found(member: StaffMember, chosen: NeedsFilter, now: datetime) -> list[InterpreterNeed]:
    """The visits of the checked filter that need an interpreter, in time order."""
    return interpreter_needs(
        db.session,
        _team_ids(member, chosen),
        start_of_local_day(chosen.first),
        end_of_local_day(chosen.last),
        now,
    )


def _filter_page(chosen: NeedsFilter, member: StaffMember, **extra):
    """The page with the filter form (and, in ``extra``, the list); 400 with problems."""
    html = render_template(
        "staff/interpreters/needs.html",
        chosen=chosen,
        teams=visible_teams(db.session, member),
        may_pick_all=team_scope(member) is None,
        **extra,
    )
    return html, (400 if chosen.problems else 200)


def _audit_detail(chosen: NeedsFilter, rows: int) -> dict:
    """The audit row's facts: the period and how many visits, no resident's data."""
    return {"from": chosen.first.isoformat(), "to": chosen.last.isoformat(), "visits": rows}


@blueprint.route("/")
@roles_required(*ALL_ROLES)
def needs():
    """The coming visits that need an interpreter, per language and day; ``from``, ``to``
    (Brussels dates) and ``team`` in the query string choose which. The look is audited."""
    now = utcnow()
    member = current_user._get_current_object()
    chosen = read_filter(db.session, member, local_today(now))
    if chosen.problems:
        return _filter_page(chosen, member)
    found = _found(member, chosen, now)
    groups = by_language(found)
    page = _filter_page(
        chosen,
        member,
        groups=groups,
        total=len(found),
        reasons=reason_texts(),
        asked=ASKED,
        no_speaker=NO_SPEAKER,
        local_date=local_date,
        local_time=local_time,
        day_label=lambda day: local_date(local_datetime(day, NOON)),
        export_url=url_for(".export", **chosen.query_args()),
    )
    detail = {**_audit_detail(chosen, len(found)), "languages": len(groups)}
    team_id = chosen.team.id if chosen.team else None
    record(
        db.session, member, AuditAction.VIEW, "interpreters.view", team_id=team_id, detail=detail
    )
    # Rendered before the commit, which would expire the loaded visits row by row.
    db.session.commit()
    return page


@blueprint.route("/export.csv")
@roles_required(*ALL_ROLES)
def export():
    """The same list as a CSV file (formula-safe, UTF-8 with a byte order mark, Brussels
    times, headers in the reader's language). The export is audited."""
    now = utcnow()
    member = current_user._get_current_object()
    chosen = read_filter(db.session, member, local_today(now))
    if chosen.problems:
        return _filter_page(chosen, member)
    found = _found(member, chosen, now)
    body = needs_csv(found, current_language())
    team_id = chosen.team.id if chosen.team else None
    record(
        db.session,
        member,
        AuditAction.EXPORT,
        "interpreters.export",
        team_id=team_id,
        detail=_audit_detail(chosen, len(found)),
    )
    db.session.commit()
    filename = f"tolken-{chosen.first.isoformat()}-{chosen.last.isoformat()}.csv"
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
