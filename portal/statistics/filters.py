"""What one look at the statistics asks for: the period (Brussels dates), the grouping,
the team, the service and the channel, read from the query string and checked, so a view
can be bookmarked and shared; what cannot be read is named in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import request

from ..extensions import db
from ..i18n import _, _l
from ..models import Service, StaffMember, Team
from ..staff.access import ALL_TEAMS, listed_team, parse_date, parse_id, team_scope
from .facts import CHANNELS
from .figures import Grouping

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
