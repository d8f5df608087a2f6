"""The statistics page (``/medewerkers/statistiek``) and its tables as CSV files.

Planners see their own team, administrators every team or one they pick (as the other
lists: :mod:`portal.staff.access`). The period (Brussels dates), the grouping (day, week,
month), the service and the channel (online, staff, API, invitation) come from the query
string, so a view can be bookmarked and shared. The figures carry no personal data, so
looking is not audited.

A blueprint of its own nested in the staff workspace, like the interpreters' list.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..i18n import RTL_LANGUAGES, _, _l, current_language
from ..interpreters.export import BOM, SEPARATOR, spreadsheet_safe
from ..models import Service, StaffMember, Team
from ..spoken_languages import spoken_language_label
from ..staff import blueprint as staff_blueprint
from ..staff.access import (
    ALL_TEAMS,
    PLANNING_ROLES,
    listed_team,
    parse_date,
    parse_id,
    roles_required,
    team_scope,
    visible_teams,
)
from ..timeutil import CITY_TZ, end_of_local_day, local_today, start_of_local_day, utcnow
from . import figures
from .facts import CHANNELS, visit_facts
from .figures import Grouping
from .first_free import waits
from .spreadsheet import workbook

blueprint = Blueprint("statistics", __name__, url_prefix="/statistiek")
staff_blueprint.register_blueprint(blueprint)

# The period shown when none is asked: the last eight weeks up to today.
DEFAULT_DAYS = 56
# The longest period one look may cover (a bit over a year), and how far back it may go.
MAX_DAYS = 400
MAX_DAYS_AWAY = 3660

GROUPINGS = {
    Grouping.DAY: _l("Per dag"),
    Grouping.WEEK: _l("Per week"),
    Grouping.MONTH: _l("Per maand"),
}
CHANNEL_LABELS = {
    "web": _l("Online door de bewoner"),
    "staff": _l("Door een medewerker"),
    "api": _l("Via een formulier (API)"),
    "invitation": _l("Via een uitnodiging"),
}


@dataclass
class StatisticsFilter:
    """What one request asks for, checked; ``problems`` names what could not be read."""

    first: date
    last: date
    grouping: Grouping
    team: Team | None
    service: Service | None
    channel: str | None
    problems: list[str] = field(default_factory=list)

    def query_args(self) -> dict[str, str]:
        """The query string that asks for the same figures (the CSV links)."""
        args = {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "per": self.grouping.value,
            "team": str(self.team.id) if self.team else ALL_TEAMS,
        }
        if self.service:
            args["service"] = str(self.service.id)
        if self.channel:
            args["channel"] = self.channel
        return args


def _day(name: str, label: str, default: date, today: date, problems: list[str]) -> date:
    """A ``YYYY-MM-DD`` date of the query string, ``default`` when absent; an unreadable
    or far-off one is named in ``problems``."""
    raw = (request.args.get(name) or "").strip()[:20]
    if not raw:
        return default
    day = parse_date(raw)
    if day is None or abs((day - today).days) > MAX_DAYS_AWAY:
        problems.append(_("%(field)s is geen geldige datum (JJJJ-MM-DD).", field=label))
        return default
    return day


def read_filter(member: StaffMember, today: date) -> StatisticsFilter:
    """The filter of the query string (404 for a team the member may not see)."""
    team = listed_team(db.session, member, request.args.get("team"))
    problems: list[str] = []
    last = _day("to", _("Tot en met"), today, today, problems)
    first = _day("from", _("Vanaf"), last - timedelta(days=DEFAULT_DAYS - 1), today, problems)
    if first > last:
        problems.append(_("De begindatum ligt na de einddatum."))
        first = last
    elif (last - first).days >= MAX_DAYS:
        problems.append(_("Kies een periode van hoogstens 400 dagen."))
        first = last - timedelta(days=MAX_DAYS - 1)
    raw_grouping = request.args.get("per") or Grouping.WEEK.value
    grouping = Grouping(raw_grouping) if raw_grouping in set(Grouping) else Grouping.WEEK
    if raw_grouping not in set(Grouping):
        problems.append(_("Kies per dag, per week of per maand."))
    service = None
    raw_service = request.args.get("service")
    if raw_service:
        service_id = parse_id(raw_service)
        service = db.session.get(Service, service_id) if service_id else None
        scope = team_scope(member)
        if service is None or (scope is not None and service.team_id not in scope):
            problems.append(_("Deze dienst bestaat niet."))
            service = None
    channel = request.args.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        problems.append(_("Kies een kanaal uit de lijst."))
        channel = None
    return StatisticsFilter(first, last, grouping, team, service, channel, problems)


# The page's tables by name, each as (title, column titles, rows of cells).
Tables = dict[str, tuple[str, list[str], list[list[object]]]]


def _number(value: float | None) -> object:
    """A median for a cell: the number, or a dash when there was nothing to measure."""
    return "—" if value is None else value


def _share(value: float | None) -> object:
    """A share as a whole percentage."""
    return "—" if value is None else f"{round(value * 100)}%"


def build_tables(chosen: StatisticsFilter, member: StaffMember) -> Tables:
    """Every table of the chosen figures, with titles and cells in the reader's language."""
    team_ids = [chosen.team.id] if chosen.team else team_scope(member)
    facts = visit_facts(
        db.session,
        start_of_local_day(chosen.first),
        end_of_local_day(chosen.last),
        team_ids=team_ids,
        service_id=chosen.service.id if chosen.service else None,
        channel=chosen.channel,
    )
    periods = figures.by_period(facts, chosen.grouping, CITY_TZ)
    hours = figures.by_hour(facts, CITY_TZ)
    language = current_language()
    wait_rows = waits(db.session, chosen.first, chosen.last, _service_ids(chosen, team_ids))
    # The names of every service the tables mention, in one query.
    named = {sid for fact in facts for sid in fact.service_ids}
    named |= {row.service_id for row in wait_rows}
    service_names = {
        service.id: service.name(language)
        for service in db.session.scalars(select(Service).where(Service.id.in_(named)))
    }
    outcome_titles = [_("Geboekt"), _("Gekomen"), _("Niet gekomen"), _("Geannuleerd")]
    return {
        "periods": (
            _("Afspraken per periode"),
            [_("Vanaf"), *outcome_titles],
            [
                [
                    row.first_day.isoformat(),
                    row.booked,
                    row.attended,
                    row.no_show,
                    row.cancelled,
                ]
                for row in periods
            ],
        ),
        "notice": (
            _("Hoe lang vooraf"),
            [
                _("Vanaf"),
                _("Geboekt (dagen vooraf, mediaan)"),
                _("Geannuleerd (uren vooraf, mediaan)"),
            ],
            [
                [
                    row.first_day.isoformat(),
                    _number(row.lead_days),
                    _number(row.cancelled_hours_before),
                ]
                for row in periods
            ],
        ),
        "hall": (
            _("Aan het loket, per uur van de afspraak"),
            [
                _("Uur"),
                _("Opgeroepen"),
                _("Wachten (minuten, mediaan)"),
                _("Behandeling (minuten, mediaan)"),
                _("Binnen 10 minuten na het uur"),
            ],
            [
                [
                    f"{row.hour:02d}:00",
                    row.called,
                    _number(row.wait_minutes),
                    _number(row.service_minutes),
                    _share(row.on_time_share),
                ]
                for row in hours
            ],
        ),
        "services": (
            _("Per dienst"),
            [_("Dienst"), *outcome_titles],
            [
                [
                    service_names.get(row.key, row.key),
                    row.visits,
                    row.attended,
                    row.no_show,
                    row.cancelled,
                ]
                for row in figures.by_service(facts)
            ],
        ),
        "waits": (
            _("Dagen tot het eerste vrije tijdstip"),
            [
                _("Dienst"),
                _("Dagen gemeten"),
                _("Mediaan (dagen)"),
                _("Langst (dagen)"),
                _("Laatst gemeten (dagen)"),
                _("Dagen zonder vrij tijdstip"),
            ],
            [
                [
                    service_names.get(row.service_id, row.service_id),
                    row.recorded,
                    _number(row.median_days),
                    _number(row.longest_days),
                    _number(row.latest_days),
                    row.none_free,
                ]
                for row in wait_rows
            ],
        ),
        "languages": (
            _("Talen aan het loket"),
            [_("Taal"), _("Afspraken"), _("Tolk gevraagd")],
            [
                [
                    spoken_language_label(row.key, None) if row.key else _("Taal niet opgegeven"),
                    row.visits,
                    row.interpreter,
                ]
                for row in figures.by_language(facts)
            ],
        ),
    }


def _service_ids(chosen: StatisticsFilter, team_ids: list[int] | None) -> list[int] | None:
    """The services the chosen figures cover: the chosen one, or those of the teams."""
    if chosen.service:
        return [chosen.service.id]
    if team_ids is None:
        return None
    return list(db.session.scalars(select(Service.id).where(Service.team_id.in_(team_ids))))


def _page(chosen: StatisticsFilter, member: StaffMember, tables: Tables | None):
    """The page with the filter form and, when the filter was readable, the tables."""
    html = render_template(
        "staff/statistics/index.html",
        chosen=chosen,
        tables=tables,
        teams=visible_teams(db.session, member),
        may_pick_all=team_scope(member) is None,
        groupings=GROUPINGS,
        channels=CHANNEL_LABELS,
        services=_services_of(member),
        csv_url=lambda name: url_for(".export", table=name, **chosen.query_args()),
        xlsx_url=lambda name: url_for(".export_xlsx", table=name, **chosen.query_args()),
        all_tables=ALL_TABLES,
    )
    return html, (400 if chosen.problems else 200)


def _services_of(member: StaffMember) -> list[Service]:
    """The services the member may filter on (their teams')."""
    query = select(Service).order_by(Service.team_id, Service.position, Service.id)
    scope = team_scope(member)
    if scope is not None:
        query = query.where(Service.team_id.in_(scope))
    return list(db.session.scalars(query))


@blueprint.route("/")
@roles_required(*PLANNING_ROLES)
def index():
    """The figures of the period, team, service and channel of the query string."""
    member = current_user._get_current_object()
    chosen = read_filter(member, local_today(utcnow()))
    if chosen.problems:
        return _page(chosen, member, None)
    return _page(chosen, member, build_tables(chosen, member))


def table_csv(title_row: list[str], rows: list[list[object]]) -> str:
    """One table as a CSV file a spreadsheet opens safely (see
    :mod:`portal.interpreters.export`: BOM, semicolons, formulas neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(cell) for cell in title_row])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return BOM + out.getvalue()


@blueprint.route("/<table>.csv")
@roles_required(*PLANNING_ROLES)
def export(table: str):
    """One table of the page as a CSV file."""
    member = current_user._get_current_object()
    chosen = read_filter(member, local_today(utcnow()))
    if chosen.problems:
        return _page(chosen, member, None)
    tables = build_tables(chosen, member)
    if table not in tables:
        abort(404)
    _title, columns, rows = tables[table]
    name = f"statistiek-{table}-{chosen.first.isoformat()}-{chosen.last.isoformat()}.csv"
    return Response(
        table_csv(columns, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# The workbook of every table at once.
ALL_TABLES = "alles"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blueprint.route("/<table>.xlsx")
@roles_required(*PLANNING_ROLES)
def export_xlsx(table: str):
    """One table of the page, or every table (``alles``), as an Excel workbook."""
    member = current_user._get_current_object()
    chosen = read_filter(member, local_today(utcnow()))
    if chosen.problems:
        return _page(chosen, member, None)
    tables = build_tables(chosen, member)
    if table != ALL_TABLES and table not in tables:
        abort(404)
    chosen_tables = tables.values() if table == ALL_TABLES else [tables[table]]
    name = f"statistiek-{table}-{chosen.first.isoformat()}-{chosen.last.isoformat()}.xlsx"
    return Response(
        workbook(chosen_tables, right_to_left=current_language() in RTL_LANGUAGES),
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
