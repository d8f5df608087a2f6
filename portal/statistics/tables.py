"""The statistics page's tables: titles, column titles and cells in the reader's
language, from the days' figures (:mod:`portal.statistics.rollup`) and the recorded first
free times. Each table is also a CSV file and a sheet of the Excel workbook."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import _, current_language
from ..models import Service, StaffMember
from ..spoken_languages import spoken_language_label
from ..staff.access import team_scope
from ..timeutil import utcnow
from . import figures
from .filters import StatisticsFilter
from .first_free import waits
from .rollup import day_figures
from .work_tables import share_cell, work_tables

# The page's tables by name, each as (title, column titles, rows of cells).
Tables = dict[str, tuple[str, list[str], list[list[object]]]]


def _number(value: float | None) -> object:
    """A median for a cell: the number, or a dash when there was nothing to measure."""
    return "—" if value is None else value


def build_tables(chosen: StatisticsFilter, member: StaffMember) -> Tables:
    """Every table of the chosen figures, with titles and cells in the reader's language."""
    team_ids = [chosen.team.id] if chosen.team else team_scope(member)
    days = day_figures(
        db.session,
        chosen.first,
        chosen.last,
        team_ids=team_ids,
        service_id=chosen.service.id if chosen.service else None,
        channel=chosen.channel,
    )
    periods = figures.period_rows(days, chosen.grouping)
    hours = figures.hour_rows(days)
    language = current_language()
    wait_rows = waits(db.session, chosen.first, chosen.last, _service_ids(chosen, team_ids))
    # The names of every service the tables mention, in one query.
    named = {sid for key, day in days.items() for sid in (*key.service_ids, *day.services)}
    named |= {row.service_id for row in wait_rows}
    service_names = {
        service.id: service.name(language)
        for service in db.session.scalars(
            select(Service).where(Service.id.in_(named)).options(selectinload(Service.texts))
        )
    }
    outcome_titles = [_("Geboekt"), _("Gekomen"), _("Niet gekomen"), _("Geannuleerd")]
    tables: Tables = {
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
                    share_cell(row.on_time_share),
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
                for row in figures.service_rows(days)
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
                for row in figures.language_rows(days)
            ],
        ),
    }
    tables.update(work_tables(chosen, team_ids, utcnow()))
    return tables


def _service_ids(chosen: StatisticsFilter, team_ids: list[int] | None) -> list[int] | None:
    """The services the chosen figures cover: the chosen one, or those of the teams."""
    if chosen.service:
        return [chosen.service.id]
    if team_ids is None:
        return None
    return list(db.session.scalars(select(Service.id).where(Service.team_id.in_(team_ids))))
