"""Whose staff calendar: a team (its members side by side), one counter, every counter the
reader may see side by side, or one staff member; and the columns ("resources") the
calendar component draws for it.

A clerk or planner sees their own team, its counters and its members only; central
reception and administrators see every team. Anything else is :class:`ScopeNotFound`,
which the pages answer with 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import Counter, StaffMember, Team
from .access import can_see_team, parse_id, visible_teams

# What a calendar can be of; ``team`` is the default. ``counters`` takes no id: it is
# every counter the reader may see, one column each (the day view "per counter").
SCOPE_KINDS = ("team", "counter", "counters", "staff")


@dataclass(frozen=True)
class CalendarScope:
    """Whose calendar: a team, one counter, the reader's counters or one staff member.
    ``team`` is the team of the scope (None for a counter that belongs to no team, and
    for ``counters``, which may span teams)."""

    kind: str
    team: Team | None
    counter: Counter | None = None
    member: StaffMember | None = None
    counters: tuple[Counter, ...] = ()

    @property
    def subject_id(self) -> int | None:
        """The id of the team, counter or staff member the calendar is of (``id=``);
        None for ``counters``."""
        if self.kind == "counter":
            return self.counter.id
        if self.kind == "staff":
            return self.member.id
        if self.kind == "counters":
            return None
        return self.team.id

    @property
    def value(self) -> str:
        """The scope as the picker's option value: "team-3", "counter-5", "counters"."""
        return self.kind if self.subject_id is None else f"{self.kind}-{self.subject_id}"

    @property
    def team_id(self) -> int | None:
        """The scope's team id, for the audit trail."""
        return self.team.id if self.team is not None else None

    @property
    def by_counter(self) -> bool:
        """Whether the columns are counters (a visit stands in its counter's column)."""
        return self.kind in ("counter", "counters")

    @property
    def counter_ids(self) -> list[int]:
        """The counters whose visits and shifts the calendar shows (none for a team or a
        staff member's calendar)."""
        if self.kind == "counter":
            return [self.counter.id]
        return [counter.id for counter in self.counters]


class ScopeNotFound(Exception):
    """The calendar asked for does not exist, or the reader may not see it (same answer)."""


def _id_of(raw: str) -> int:
    """A database id from the query string; :class:`ScopeNotFound` when it cannot be one."""
    value = parse_id(raw)
    if value is None:
        raise ScopeNotFound()
    return value


def visible_counters(session: Session, member: StaffMember) -> list[Counter]:
    """The counters of the teams ``member`` may see, by number."""
    counters = session.scalars(select(Counter).order_by(Counter.number)).all()
    return [counter for counter in counters if can_see_team(member, counter.team_id)]


def resolve_scope(session: Session, member: StaffMember, kind: str, raw_id: str) -> CalendarScope:
    """The calendar of ``kind`` (team, counter, counters or staff) with id ``raw_id``;
    without an id the member's own team, the first counter of that team, or the member
    themself. ``counters`` ignores the id: the active counters the member may see.
    Raises :class:`ScopeNotFound` for what does not exist or lies outside the member's
    teams."""
    raw_id = raw_id.strip()
    if kind == "counters":
        counters = [c for c in visible_counters(session, member) if c.active]
        return CalendarScope("counters", None, counters=tuple(counters))
    if kind == "team":
        team = session.get(Team, _id_of(raw_id) if raw_id else member.team_id)
        if team is None or not can_see_team(member, team.id):
            raise ScopeNotFound()
        return CalendarScope("team", team)
    if kind == "counter":
        if raw_id:
            counter = session.get(Counter, _id_of(raw_id))
        else:
            counter = session.scalars(
                select(Counter).where(Counter.team_id == member.team_id).order_by(Counter.number)
            ).first()
        if counter is None or not can_see_team(member, counter.team_id):
            raise ScopeNotFound()
        return CalendarScope("counter", counter.team, counter=counter)
    person = session.get(StaffMember, _id_of(raw_id)) if raw_id else member
    if person is None or not can_see_team(member, person.team_id):
        raise ScopeNotFound()
    return CalendarScope("staff", person.team, member=person)


def counter_title(counter: Counter) -> str:
    """ "Balie 3"."""
    return _("Balie %(number)s", number=counter.number)


def scope_title(scope: CalendarScope, language: str) -> str:
    """Whose calendar, in words: the team, "Balie 3", "Alle balies" or the staff
    member's name."""
    if scope.kind == "counter":
        return counter_title(scope.counter)
    if scope.kind == "counters":
        return _("Alle balies")
    if scope.kind == "staff":
        return scope.member.name
    return scope.team.name(language)


def scope_staff(session: Session, scope: CalendarScope) -> list[StaffMember]:
    """The staff members whose time the calendar shows: the team's active members by
    name, or the one staff member (none for a counter or the counters)."""
    if scope.kind == "staff":
        return [scope.member]
    if scope.by_counter:
        return []
    return list(
        session.scalars(
            select(StaffMember)
            .where(StaffMember.team_id == scope.team.id, StaffMember.active.is_(True))
            .order_by(StaffMember.name, StaffMember.id)
        )
    )


def calendar_resources(session: Session, scope: CalendarScope) -> list[dict]:
    """The component's columns ("resources"): the staff members, the counter, or the
    counters by number (headed "Balie 1", "Balie 2", …)."""
    if scope.kind == "counter":
        return [{"id": str(scope.counter.id), "title": counter_title(scope.counter)}]
    if scope.kind == "counters":
        return [{"id": str(c.id), "title": counter_title(c)} for c in scope.counters]
    return [{"id": str(member.id), "title": member.name} for member in scope_staff(session, scope)]


def scope_choices(session: Session, member: StaffMember, language: str) -> list[tuple]:
    """The picker's groups: (label, [(value, text)]) for the teams, the counters (all of
    them side by side first, when there are several) and each team's members the member
    may see."""
    teams = visible_teams(session, member)
    counters = visible_counters(session, member)
    members = session.scalars(
        select(StaffMember)
        .where(StaffMember.active.is_(True), StaffMember.team_id.in_([t.id for t in teams]))
        .order_by(StaffMember.name)
    ).all()
    counter_options = [(f"counter-{c.id}", counter_title(c)) for c in counters]
    if len(counters) > 1:
        counter_options.insert(0, ("counters", _("Alle balies")))
    groups = [
        (_("Teams"), [(f"team-{team.id}", team.name(language)) for team in teams]),
        (_("Balies"), counter_options),
    ]
    for team in teams:
        people = [(f"staff-{m.id}", m.name) for m in members if m.team_id == team.id]
        if people:
            groups.append((_("Medewerkers van %(team)s", team=team.name(language)), people))
    return groups
