"""The free times of a follow-up: inside its window, with its clerk (or the colleagues it
allows), reserved counter time included. Shared by the clerk's "book now", the
resident's invitation pages and the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..availability import Availability, load_availability
from ..booking.settings import BookingSettings
from ..models import FollowUp, Service
from ..scheduling import FreeSlot
from ..scheduling.audience import AudienceKind
from ..timeutil import CITY_TZ
from .follow_up_operations import follow_up_services


def follow_up_availability(
    session: Session,
    follow_up: FollowUp,
    now: datetime,
    settings: BookingSettings,
    kind: AudienceKind = AudienceKind.INVITATION,
    *,
    first: date | None = None,
    last: date | None = None,
    services: Sequence[Service] | None = None,
    ignore_appointment_id: int | None = None,
) -> Availability:
    """What decides the follow-up's free times over its window (or ``first``..``last``
    within it), as the resident (``kind`` invitation: the services' notice applies) or
    the clerk (staff) sees it. ``services`` saves reading them again."""
    return load_availability(
        session,
        services if services is not None else follow_up_services(session, follow_up),
        follow_up.persons,
        first or follow_up.earliest,
        last or follow_up.latest,
        now,
        grid_minutes=settings.grid_minutes,
        tz=CITY_TZ,
        ignore_appointment_id=ignore_appointment_id,
        audience=follow_up.audience(kind),
    )


def window_slots(
    session: Session,
    follow_up: FollowUp,
    now: datetime,
    settings: BookingSettings,
    kind: AudienceKind = AudienceKind.INVITATION,
) -> list[FreeSlot]:
    """Every free time of the follow-up's window, in time order."""
    return follow_up_availability(session, follow_up, now, settings, kind).slots()
