"""The free times of a follow-up: inside its window, with its clerk (or the colleagues it
allows), reserved counter time included. Shared by the clerk's "book now", the
resident's invitation pages and the API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..availability import Availability, load_availability
from ..booking.settings import BookingSettings
from ..models import FollowUp
from ..scheduling import FreeSlot
from ..scheduling.audience import AudienceKind
from ..timeutil import CITY_TZ
from .operations import follow_up_services


def follow_up_availability(
    session: Session,
    follow_up: FollowUp,
    now: datetime,
    settings: BookingSettings,
    kind: AudienceKind = AudienceKind.INVITATION,
    *,
    ignore_appointment_id: int | None = None,
) -> Availability:
    """What decides the follow-up's free times over its whole window, as the resident
    (``kind`` invitation: the services' notice applies) or the clerk (staff) sees it."""
    return load_availability(
        session,
        follow_up_services(session, follow_up),
        follow_up.persons,
        follow_up.earliest,
        follow_up.latest,
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
