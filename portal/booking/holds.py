"""A resident's hold between choosing a time and submitting: find it, read its services,
and give more time once when the resident asks (WCAG 2.2.1: a time limit can be extended)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import Hold, HoldKind, Service
from .errors import HoldExpired
from .settings import BookingSettings
from .tokens import token_hash


def find_hold(session: Session, token: str | None) -> Hold | None:
    """The booking hold a token stands for (live or expired), or None."""
    if not token:
        return None
    return session.scalar(
        select(Hold).where(Hold.token_hash == token_hash(token), Hold.kind == HoldKind.BOOKING)
    )


def hold_services(session: Session, hold: Hold) -> list[Service]:
    """The services of a hold, in the order the resident chose them; with their team and
    texts in the same query, since the pages, the answers and the mails name them."""
    query = (
        select(Service)
        .where(Service.id.in_(hold.service_ids))
        .options(joinedload(Service.team, innerjoin=True), joinedload(Service.texts))
    )
    found = {service.id: service for service in session.scalars(query).unique()}
    return [found[service_id] for service_id in hold.service_ids if service_id in found]


def can_extend(hold: Hold, settings: BookingSettings) -> bool:
    """Whether the hold still has its one extension: it has never run longer than one
    hold period from its creation."""
    return hold.expires_at - hold.created_at <= settings.hold


def extend_hold(session: Session, hold: Hold, now: datetime, settings: BookingSettings) -> bool:
    """Keep the time one more hold period from ``now``, once. Returns False when the
    extension was already used; raises :class:`HoldExpired` when the hold ran out (its
    time may be someone else's by now)."""
    if hold.expires_at <= now:
        raise HoldExpired()
    if not can_extend(hold, settings):
        return False
    hold.expires_at = now + settings.hold
    session.flush()
    return True
