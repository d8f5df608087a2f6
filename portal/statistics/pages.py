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

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import RTL_LANGUAGES, current_language
from ..interpreters.export import BOM, SEPARATOR, spreadsheet_safe
from ..models import Service, StaffMember
from ..staff import blueprint as staff_blueprint
from ..staff.access import PLANNING_ROLES, roles_required, team_scope, visible_teams
from ..timeutil import local_today, utcnow
from .charts import CHARTS
from .filters import CHANNEL_LABELS, GROUPINGS, StatisticsFilter, read_filter
from .spreadsheet import workbook
from .tables import Tables, build_tables

blueprint = Blueprint("statistics", __name__, url_prefix="/statistiek")
staff_blueprint.register_blueprint(blueprint)


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
        charts=CHARTS,
    )
    return html, (400 if chosen.problems else 200)


def _services_of(member: StaffMember) -> list[Service]:
    """The services the member may filter on (their teams')."""
    query = (
        select(Service)
        .options(selectinload(Service.texts))
        .order_by(Service.team_id, Service.position, Service.id)
    )
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
