"""Reception: find a visit by its reference (typed, or scanned from the QR code of the
confirmation by a hand scanner that types it and presses Enter) or by the resident's name,
and check the resident in.

Everything stays within the searcher's teams (:func:`access.filter_visible_visits`): a
clerk finds only their own team's visits, central reception every team's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from urllib.parse import urlencode

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..booking.operations import find_appointment
from ..booking.tokens import looks_like_token
from ..extensions import db
from ..i18n import _l
from ..models import Appointment, AuditAction, StaffMember
from ..models.appointments import REFERENCE_ALPHABET, REFERENCE_LENGTH
from ..notifications.summary import local_date, local_time
from ..privacy.person import PersonQuery
from ..timeutil import end_of_local_day, local_today, start_of_local_day, to_local, utcnow
from . import blueprint
from .access import (
    ALL_ROLES,
    VISIT_ROLES,
    filter_visible_visits,
    roles_required,
    visit_list_options,
)
from .audit import record

# Longer input is cut: a reference is 8 characters, a name rarely over 100.
MAX_QUERY_LENGTH = 200
MIN_NAME_LENGTH = 2
# A name search looks at visits from a week back to two months ahead.
NAME_SEARCH_DAYS_BACK = 7
NAME_SEARCH_DAYS_AHEAD = 60
MAX_RESULTS = 50
# A phone number as people type it: digits, spaces, + / . - ( ).
_PHONE_LIKE = re.compile(r"\+?[\d\s./()\-]+")
# A pasted manage link: /afspraak/beheer/<token>[/...].
_MANAGE_LINK = re.compile(r"/beheer/([A-Za-z0-9_-]{20,64})")
_REFERENCE_SET = frozenset(REFERENCE_ALPHABET)
# How many reference-shaped words of a pasted text are looked up at most.
MAX_REFERENCE_CANDIDATES = 10

# The stages of a visit's day as staff read them (also used by the waiting room).
STAGE_LABELS = {
    "expected": _l("Verwacht"),
    "waiting": _l("Wacht"),
    "called": _l("Opgeroepen"),
    "in_service": _l("In behandeling"),
    "done": _l("Afgehandeld"),
    "no_show": _l("Niet gekomen"),
    "pending": _l("Niet bevestigd"),
    "cancelled": _l("Geannuleerd"),
}


@dataclass
class SearchOutcome:
    """What a search found: the visits, how (``reference``, ``contact`` or ``name``), and
    whether the query was too short to search by name."""

    query: str
    by: str | None = None
    visits: list[Appointment] = field(default_factory=list)
    too_short: bool = False
    truncated: bool = False


def clean_query(raw: str) -> str:
    """The search text as typed, made safe: whitespace collapsed, control characters
    (a NUL breaks PostgreSQL) dropped, cut at :data:`MAX_QUERY_LENGTH`."""
    spaced = "".join(" " if ch.isspace() else ch for ch in raw[: MAX_QUERY_LENGTH * 4])
    printable = "".join(ch for ch in spaced if ch.isprintable())
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


def is_reference(text: str) -> bool:
    """Whether ``text`` has the shape of a reference (8 characters of the alphabet)."""
    return len(text) == REFERENCE_LENGTH and set(text) <= _REFERENCE_SET


def normalise_reference(text: str) -> str:
    """Uppercase without spaces and dashes: "zvba-r8pt " → "ZVBAR8PT"."""
    return re.sub(r"[\s-]+", "", text).upper()


def reference_candidates(text: str) -> list[str]:
    """The references ``text`` may hold: all of it normalised, every reference-shaped
    word of it, and two four-character words written as one ("ZVBA R8PT" in a sentence)."""
    candidates = [normalise_reference(text)]
    words = [word for word in re.split(r"[^0-9A-Z]+", text.upper()) if word]
    candidates.extend(words)
    candidates.extend(
        first + second
        for first, second in pairwise(words)
        if len(first) == len(second) == REFERENCE_LENGTH // 2
    )
    found = [candidate for candidate in dict.fromkeys(candidates) if is_reference(candidate)]
    return found[:MAX_REFERENCE_CANDIDATES]


def _visits_query(member: StaffMember):
    """Visits ``member`` may see, with what the results table shows loaded up front."""
    return (
        select(Appointment)
        .where(filter_visible_visits(member))
        .options(*visit_list_options(staff_team=True))
        .order_by(Appointment.starts_at, Appointment.id)
    )


def _by_manage_link(session: Session, member: StaffMember, text: str) -> list[Appointment]:
    """The visit of a pasted manage link, if ``member`` may see it."""
    match = _MANAGE_LINK.search(text)
    if match is None or not looks_like_token(match.group(1)):
        return []
    visit = find_appointment(session, match.group(1))
    if visit is None:
        return []
    return list(session.scalars(_visits_query(member).where(Appointment.id == visit.id)))


def _by_reference(session: Session, member: StaffMember, text: str) -> list[Appointment]:
    """The visits whose reference ``text`` holds (exact match, any date)."""
    candidates = reference_candidates(text)
    if not candidates:
        return []
    query = _visits_query(member).where(Appointment.reference.in_(candidates))
    return list(session.scalars(query))


def _by_name(
    session: Session, member: StaffMember, text: str, now: datetime
) -> tuple[list[Appointment], bool]:
    """Visits whose resident's name contains ``text`` (any case; ``%`` and ``_`` are
    plain characters), a week back to two months ahead; and whether more were cut off."""
    today = local_today(now)
    first = start_of_local_day(today - timedelta(days=NAME_SEARCH_DAYS_BACK))
    last = end_of_local_day(today + timedelta(days=NAME_SEARCH_DAYS_AHEAD))
    query = (
        _visits_query(member)
        .where(
            func.lower(Appointment.resident_name).contains(text.lower(), autoescape=True),
            Appointment.filter_between(first, last),
        )
        .limit(MAX_RESULTS + 1)
    )
    visits = list(session.scalars(query))
    return visits[:MAX_RESULTS], len(visits) > MAX_RESULTS


def contact_query(text: str) -> PersonQuery | None:
    """The e-mail address or phone number ``text`` is, or None when it is neither (a
    phone: only digits and the usual separators, enough digits to find anyone)."""
    if "@" in text and " " not in text:
        return PersonQuery(email=text)
    if _PHONE_LIKE.fullmatch(text):
        query = PersonQuery(phone=text)
        return query if query.usable else None
    return None


def _by_contact(
    session: Session, member: StaffMember, query: PersonQuery, now: datetime
) -> tuple[list[Appointment], bool]:
    """Visits booked with this e-mail address or phone number (the phone compared by its
    digits, however it was typed), in the name search's weeks; and whether more were cut
    off."""
    today = local_today(now)
    first = start_of_local_day(today - timedelta(days=NAME_SEARCH_DAYS_BACK))
    last = end_of_local_day(today + timedelta(days=NAME_SEARCH_DAYS_AHEAD))
    contact = (
        func.lower(Appointment.email) == query.email
        if query.email
        else Appointment.phone.is_not(None)
    )
    candidates = session.execute(
        select(Appointment.id, Appointment.email, Appointment.phone)
        .where(filter_visible_visits(member), contact, Appointment.filter_between(first, last))
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    ids = [row.id for row in candidates if query.matches(row.email, row.phone)]
    visits = list(
        session.scalars(_visits_query(member).where(Appointment.id.in_(ids[: MAX_RESULTS + 1])))
    )
    return visits[:MAX_RESULTS], len(ids) > MAX_RESULTS


def search_visits(
    session: Session, member: StaffMember, query: str, now: datetime
) -> SearchOutcome:
    """Find visits for a cleaned ``query``: a manage link or a reference first (a name
    that looks like a reference still falls back to the name search), then an e-mail
    address or phone number, then the name."""
    outcome = SearchOutcome(query=query)
    visits = _by_manage_link(session, member, query) or _by_reference(session, member, query)
    if visits:
        outcome.by, outcome.visits = "reference", visits
        return outcome
    contact = contact_query(query)
    if contact is not None:
        outcome.by = "contact"
        outcome.visits, outcome.truncated = _by_contact(session, member, contact, now)
        return outcome
    if len(query) < MIN_NAME_LENGTH:
        outcome.too_short = True
        return outcome
    outcome.by = "name"
    outcome.visits, outcome.truncated = _by_name(session, member, query, now)
    return outcome


def can_check_in(member: StaffMember, visit: Appointment, now: datetime) -> bool:
    """Whether the page offers "check in" for ``visit``: expected today, and ``member``
    works with visits."""
    return (
        member.role in VISIT_ROLES
        and visit.stage == "expected"
        and to_local(visit.starts_at).date() == local_today(now)
    )


def search_url(query: str) -> str:
    """The search page for ``query``, to come back to after a check-in; "/" is encoded
    (a pasted link's "//" would make the progress endpoint refuse the return address)."""
    page = url_for("staff.find_visit")
    return f"{page}?{urlencode({'q': query})}" if query else page


def _audit_search(member: StaffMember, outcome: SearchOutcome) -> None:
    """One audit row for a search that showed visits (never the query: it may be a name)."""
    teams = {visit.staff.team_id for visit in outcome.visits}
    record(
        db.session,
        member,
        AuditAction.VIEW,
        "visit.search",
        visit=outcome.visits[0] if len(outcome.visits) == 1 else None,
        team_id=teams.pop() if len(teams) == 1 else None,
        detail={"results": len(outcome.visits), "by": outcome.by},
    )


@blueprint.route("/zoeken")
@roles_required(*ALL_ROLES)
def find_visit():
    """Search by reference, scanned QR code, pasted manage link or part of a name; the
    results link to the visit and offer check-in for today's expected visits."""
    query = clean_query(request.args.get("q", ""))
    now = utcnow()
    outcome = search_visits(db.session, current_user, query, now) if query else None
    # A found reference leaves the field empty for the next scan; a name stays to refine.
    field_value = query if outcome is None or outcome.by != "reference" else ""
    single = None
    if outcome is not None and outcome.by == "reference" and len(outcome.visits) == 1:
        single = outcome.visits[0]
    page = render_template(
        "staff/find_visit.html",
        outcome=outcome,
        single=single,
        field_value=field_value,
        back_here=search_url(query),
        check_in=lambda visit: can_check_in(current_user, visit, now),
        stage_labels=STAGE_LABELS,
        local_date=local_date,
        local_time=local_time,
        max_results=MAX_RESULTS,
        min_length=MIN_NAME_LENGTH,
    )
    # Rendered before the commit: committing expires the visits, and the page would load
    # them again one by one.
    if outcome is not None and outcome.visits:
        _audit_search(current_user, outcome)
        db.session.commit()
    return page
