"""The audit trail for administrators: who looked at, changed or exported what, and when.

Read-only by design: this module has one GET page and nothing that changes or deletes a
row (the database refuses that too). Filters come from the query string and are parsed
defensively: a value that cannot be read is named in a message and left out, the page
still answers 200. Looking at the trail is itself recorded (``audit.view``), after the
query, so the page never lists its own row first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..date_input import FIRST_DAY, LAST_DAY
from ..extensions import db
from ..i18n import _, _l, current_language
from ..models import Appointment, AuditAction, AuditEvent, StaffMember, StaffRole, Team
from ..timeutil import end_of_local_day, start_of_local_day
from . import blueprint
from .access import parse_date, parse_id, roles_required
from .audit import record

PAGE_SIZE = 100
MAX_PAGE = 100_000
# Dates outside these years are refused (and could not be turned into times anyway).
FIRST_YEAR, LAST_YEAR = FIRST_DAY.year, LAST_DAY.year
_REFERENCE_SHAPE = re.compile(r"[A-Z0-9]{1,16}")

# What each action is called on the page.
ACTION_LABELS = {
    AuditAction.VIEW: _l("Bekeken"),
    AuditAction.CHANGE: _l("Gewijzigd"),
    AuditAction.EXPORT: _l("Geëxporteerd"),
    AuditAction.SIGN_IN: _l("Aangemeld"),
}


@dataclass
class AuditFilters:
    """The filters of one request, already checked; ``problems`` says which were not."""

    actor_id: int | None = None
    actor_email: str = ""
    action: AuditAction | None = None
    subject: str = ""
    reference: str = ""
    first: date | None = None
    last: date | None = None
    page: int = 1
    problems: list[str] = field(default_factory=list)

    def criteria(self) -> list:
        """SQL criteria on :class:`AuditEvent` for the filters that are set."""
        criteria = []
        if self.actor_id is not None:
            criteria.append(AuditEvent.actor_id == self.actor_id)
        if self.actor_email:
            criteria.append(
                AuditEvent.actor_id.in_(
                    select(StaffMember.id).where(
                        func.lower(StaffMember.email) == self.actor_email.lower()
                    )
                )
            )
        if self.action is not None:
            criteria.append(AuditEvent.action == self.action)
        if self.subject:
            criteria.append(AuditEvent.subject.startswith(self.subject, autoescape=True))
        if self.reference:
            criteria.append(AuditEvent.reference == self.reference)
        if self.first is not None:
            criteria.append(AuditEvent.at >= start_of_local_day(self.first))
        if self.last is not None:
            criteria.append(AuditEvent.at < end_of_local_day(self.last))
        return criteria

    def used(self) -> list[str]:
        """The names of the filters in use (for the audit row of this look)."""
        names = ("actor_id", "actor_email", "action", "subject", "reference", "first", "last")
        return [name for name in names if getattr(self, name) not in (None, "")]

    def query_args(self, page: int) -> dict:
        """The query string of this list at ``page`` (for the next/previous links)."""
        args = {
            "actor": self.actor_id,
            "email": self.actor_email,
            "action": self.action.value if self.action else None,
            "subject": self.subject,
            "reference": self.reference,
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "page": page if page > 1 else None,
        }
        return {key: value for key, value in args.items() if value not in (None, "")}


def _text(name: str, limit: int) -> str:
    """A query string value without control characters (PostgreSQL refuses NUL),
    trimmed and cut to ``limit`` characters."""
    value = "".join(ch for ch in request.args.get(name, "") if ch.isprintable())
    return value.strip()[:limit]


def _day(name: str, label: str, problems: list[str]) -> date | None:
    """A ``YYYY-MM-DD`` value of the query string, or None (with a message when unreadable)."""
    raw = _text(name, 20)
    if not raw:
        return None
    day = parse_date(raw)
    if day is None:
        problems.append(_("%(field)s is geen geldige datum (JJJJ-MM-DD).", field=label))
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(
            _(
                "%(field)s moet tussen %(first)s en %(last)s liggen.",
                field=label,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
        return None
    return day


def parse_filters() -> AuditFilters:
    """Read the filters from the query string; what cannot be read is left out and named."""
    filters = AuditFilters()
    problems = filters.problems
    actor = _text("actor", 20)
    if actor:
        filters.actor_id = parse_id(actor)
        if filters.actor_id is None:
            problems.append(_("Kies een medewerker uit de lijst."))
    filters.actor_email = _text("email", 254)
    action = _text("action", 20)
    if action:
        if action in AuditAction._value2member_map_:
            filters.action = AuditAction(action)
        else:
            problems.append(_("Kies een handeling uit de lijst."))
    filters.subject = _text("subject", 40)
    reference = re.sub(r"[\s-]", "", _text("reference", 40)).upper()
    if reference:
        if _REFERENCE_SHAPE.fullmatch(reference):
            filters.reference = reference
        else:
            problems.append(_("Een referentie bestaat uit letters en cijfers."))
    filters.first = _day("from", _("Vanaf"), problems)
    filters.last = _day("to", _("Tot en met"), problems)
    if filters.first and filters.last and filters.first > filters.last:
        problems.append(_("De begindatum ligt na de einddatum."))
    page = _text("page", 12)
    number = parse_id(page)
    filters.page = number if number is not None and number <= MAX_PAGE else 1
    return filters


def load_events(session, filters: AuditFilters) -> tuple[list[AuditEvent], bool]:
    """One page of events, newest first, and whether an older page follows."""
    query = (
        select(AuditEvent)
        .where(*filters.criteria())
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((filters.page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    events = list(session.scalars(query))
    return events[:PAGE_SIZE], len(events) > PAGE_SIZE


def existing_visits(session, events: list[AuditEvent]) -> set[int]:
    """The ids among ``events``' visits that still exist (the others cannot be linked)."""
    ids = {event.appointment_id for event in events if event.appointment_id is not None}
    if not ids:
        return set()
    return set(session.scalars(select(Appointment.id).where(Appointment.id.in_(ids))))


def compact_detail(detail: dict | None) -> str:
    """``key=value, …`` of an event's small facts, keys sorted."""
    if not isinstance(detail, dict):
        return ""
    return ", ".join(f"{key}={detail[key]}" for key in sorted(detail))


def actors(session) -> list[StaffMember]:
    """The staff members with an account (the ones who can appear in the trail), by name."""
    query = (
        select(StaffMember)
        .where(StaffMember.password_hash.is_not(None))
        .order_by(StaffMember.name, StaffMember.id)
    )
    return list(session.scalars(query))


@blueprint.route("/audit")
@roles_required(StaffRole.ADMIN)
def audit_log():
    """The trail, newest first, 100 rows a page, with filters; the look itself is recorded."""
    filters = parse_filters()
    events, has_older = load_events(db.session, filters)
    language = current_language()
    teams = {team.id: team.name(language) for team in db.session.scalars(select(Team))}
    page = render_template(
        "staff/audit_log.html",
        events=events,
        filters=filters,
        has_older=has_older,
        actors=actors(db.session),
        actions=ACTION_LABELS,
        teams=teams,
        linkable=existing_visits(db.session, events),
        compact_detail=compact_detail,
        page_size=PAGE_SIZE,
    )
    record(
        db.session,
        current_user,
        AuditAction.VIEW,
        "audit.view",
        detail={"rows": len(events), "page": filters.page, "filters": ",".join(filters.used())},
    )
    db.session.commit()
    return page
