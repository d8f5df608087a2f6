"""The statistics tables of the department's own work: counter capacity offered against
booked, each person's counter and back-office hours against the team's target, and the
dossiers and invitations. They follow the chosen period, grouping and team, not the
service or channel (a shift or a dossier has neither)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from ..booking.settings import BookingSettings
from ..extensions import db
from ..i18n import _, current_language
from ..models import StaffMember, Team
from ..timeutil import CITY_TZ, end_of_local_day, start_of_local_day
from .capacity import capacity_rows, person_hours
from .dossier_figures import dossier_rows
from .filters import StatisticsFilter
from .rollup import clerk_figures
from .work_facts import dossier_facts, invitation_facts

# (title, column titles, rows of cells), as every table of the page.
Table = tuple[str, list[str], list[list[object]]]


def share_cell(value: float | None) -> object:
    """A share as a whole percentage, a dash when there is nothing to share."""
    return "—" if value is None else f"{round(value * 100)}%"


def work_tables(
    chosen: StatisticsFilter, team_ids: Sequence[int] | None, now: datetime
) -> dict[str, Table]:
    """The capacity, hours, dossier and invitation tables of the chosen period and teams."""
    start, end = start_of_local_day(chosen.first), end_of_local_day(chosen.last)
    by_day, by_clerk = clerk_figures(
        db.session,
        chosen.first,
        chosen.last,
        team_ids=team_ids,
        grid=BookingSettings.current().grid,
    )
    capacity = capacity_rows(by_day, chosen.grouping)
    teams = _teams(team_ids)
    people = _people(team_ids)
    language = current_language()
    cutoff = min(end, now)
    dossiers = dossier_rows(
        dossier_facts(db.session, start, cutoff, team_ids),
        invitation_facts(db.session, start, end, now, team_ids),
        start,
        cutoff,
        cutoff.astimezone(CITY_TZ).date(),
    )
    return {
        "capacity": (
            _("Loketuren aangeboden en geboekt (alle diensten en kanalen)"),
            [
                _("Vanaf"),
                _("Aangeboden (uren)"),
                _("Waarvan gereserveerd (uren)"),
                _("Geboekt (uren)"),
                _("Geboekt in gereserveerde tijd (uren)"),
                _("Geboekt (deel)"),
            ],
            [
                [
                    row.first_day.isoformat(),
                    row.offered_hours,
                    row.reserved_hours,
                    row.booked_hours,
                    row.booked_reserved_hours,
                    share_cell(row.booked_share),
                ]
                for row in capacity
            ],
        ),
        "people": (
            _("Uren per medewerker"),
            [
                _("Medewerker"),
                _("Loket (uren)"),
                _("Backoffice (uren)"),
                _("Aan het loket"),
                _("Doel van het team"),
            ],
            [
                [
                    people[row.staff_id].name,
                    row.counter_hours,
                    row.back_office_hours,
                    share_cell(row.counter_share),
                    f"{teams[people[row.staff_id].team_id].counter_target_percent}%",
                ]
                for row in person_hours(by_clerk)
                if row.staff_id in people
            ],
        ),
        "dossiers": (
            _("Dossiers per team"),
            [
                _("Team"),
                _("Geopend"),
                _("Afgesloten"),
                _("Open op het einde"),
                _("Over de termijn"),
            ],
            [
                [
                    teams[row.team_id].name(language),
                    row.opened,
                    row.closed,
                    row.open_at_end,
                    row.overdue_at_end,
                ]
                for row in dossiers
                if row.opened or row.closed or row.open_at_end
            ],
        ),
        "invitations": (
            _("Uitnodigingen per team"),
            [
                _("Team"),
                _("Verstuurd"),
                _("Gebruikt"),
                _("Verlopen"),
                _("Ingetrokken"),
                _("Nog open"),
            ],
            [
                [
                    teams[row.team_id].name(language),
                    row.invitations,
                    row.used,
                    row.expired,
                    row.revoked,
                    row.still_open,
                ]
                for row in dossiers
                if row.invitations
            ],
        ),
    }


def _teams(team_ids: Sequence[int] | None) -> dict[int, Team]:
    query = select(Team)
    if team_ids is not None:
        query = query.where(Team.id.in_(list(team_ids)))
    return {team.id: team for team in db.session.scalars(query)}


def _people(team_ids: Sequence[int] | None) -> dict[int, StaffMember]:
    query = select(StaffMember)
    if team_ids is not None:
        query = query.where(StaffMember.team_id.in_(list(team_ids)))
    return {member.id: member for member in db.session.scalars(query)}
